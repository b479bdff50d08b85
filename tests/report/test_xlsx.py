"""The workbook, read back with openpyxl: a golden file of every sheet's cells, types, number formats and
panes; hostile text stays text; the same report writes the same bytes."""
from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sectorscope.errors import InputError
from sectorscope.report.document import Citation, Column, ReportData, Section, Table
from sectorscope.report.xlsx import display_width, number_format, sheet_names, write_workbook

GOLDEN = Path(__file__).with_name("golden") / "xlsx"
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\t=1", "=cmd|' /C calc'!A0"]


def _report(lang: str = "zh") -> ReportData:
    """Two sections; a table with Chinese text, numbers of each kind, missing cells and hostile labels; an
    audit table with long and multi-line text; keys that make awkward sheet names; a citation of each kind."""
    size = Table(
        "market_size", "市场规模与增速", "Market size and growth",
        [Column("subject", "市场", "Market"), Column("year", "年份", "Year", kind="int"),
         Column("size", "市场规模", "Market size", "亿元", kind="number", digits=1),
         Column("growth", "增速", "Growth", "%", kind="number", digits=2),
         Column("units", "企业数", "Companies", "家", kind="int"),
         Column("ratio", "比值", "Ratio", kind="auto"), Column("label", "说明", "Label")],
        note_zh="数据来自三份报告;同一年份多处表述时全部列出。", note_en="From three reports; every statement listed.",
    )
    size.add({"subject": "缩微机械", "year": 2024, "size": 1234.56, "growth": 12.345, "units": 1520,
              "ratio": 0.000123456, "label": "约1234亿元"}, [1])
    size.add({"subject": "成像仪", "year": 2025, "size": None, "growth": -3.5, "units": None,
              "ratio": 123456789.5, "label": None}, [2, 3])
    for i, text in enumerate(HOSTILE):
        size.add({"subject": "MEMS", "year": 2026 + i, "size": float(i), "growth": float("nan"), "label": text}, [])
    audit = Table(
        "audit", "审计发现", "Audit findings",
        [Column("rule", "规则", "Rule"), Column("message", "说明", "Message"),
         Column("computed", "计算值", "Computed", "%", kind="number", digits=1)],
    )
    audit.add({"rule": "conflict", "message": "两处表述不一致:\n表2为68.3%,正文为约70%。" + "很长的说明" * 20,
               "computed": 1.7}, [1, 3])
    long_key = Table("an_awkward/key:with[brackets]_and_more_than_31_chars", "名称很长的表", "Long name",
                     [Column("x", "数值", "Value", kind="number", digits=0)])
    long_key.add({"x": 1e9}, [2])
    clash = Table("Sources", "与来源表同名", "Clashes with the sources sheet", [Column("a", "甲", "A")])
    clash.add({"a": "-"}, [])
    return ReportData(
        lang=lang, vintage_id=3, vintage_label="Q3 更新", generated="2026-01-01 00:00 UTC",
        sections=[
            Section("markets", "市场", "Markets", tables=[size, long_key]),
            Section("audit", "审计", "Audit", tables=[audit, clash]),
        ],
        citations=[
            Citation(1, "observed", 101, "seed-001", "2020中国MEMS制造白皮书", "表2", "市场规模为1234.6亿元", 120, 131),
            Citation(2, "derived", 202, "sectorscope", "sectorscope", "派生:utilisation",
                     formula="capacity_utilisation = output / capacity * 100", input_ids="[101,102]",
                     method="formula", interval="[68.1, 70.2] %"),
            Citation(3, "forecast", 303, "sectorscope-forecast", "sectorscope 预测", "预测:模型",
                     method="median of five", interval="80% [1, 2]; 95% [0.5, 2.5] 亿元", input_vintage=2,
                     quote="=SUM(A1:A9)"),
        ],
    )


def _read_back(path: Path) -> dict:
    """The workbook as plain JSON-able data: properties, and per sheet its name, panes, filter, printed
    header, column widths and every cell (value, type, number format of numbers, quote prefix, link)."""
    wb = openpyxl.load_workbook(path)
    props = wb.properties
    sheets: list[dict[str, object]] = []
    out = {"properties": {"title": props.title, "subject": props.subject, "creator": props.creator,
                          "description": props.description, "created": props.created.isoformat()},
           "sheets": sheets}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells: list[dict[str, object] | None] = []
            for c in row:
                if c.value is None:
                    cells.append(None)
                    continue
                cell: dict[str, object] = {"v": c.value, "t": c.data_type}
                if c.data_type == "n":
                    cell["fmt"] = c.number_format
                if c.quotePrefix:
                    cell["quote_prefix"] = True
                if c.alignment.wrap_text and c.row > 1:
                    cell["wrap"] = True
                if c.hyperlink is not None:
                    cell["link"] = c.hyperlink.location
                cells.append(cell)
            rows.append(cells)
        sheets.append({
            "name": ws.title, "freeze": ws.freeze_panes, "autofilter": ws.auto_filter.ref,
            "print_header": ws.oddHeader.center.text,
            "widths": {k: round(d.width, 2) for k, d in sorted(ws.column_dimensions.items())},
            "rows": rows,
        })
    return out


def _json(data: dict) -> str:
    """JSON with one line per sheet row, so a golden diff shows the cells that changed."""
    def dumps(x: object) -> str:
        return json.dumps(x, ensure_ascii=False)

    lines = ["{", f' "properties": {dumps(data["properties"])},', ' "sheets": [']
    for i, sheet in enumerate(data["sheets"]):
        head = {k: v for k, v in sheet.items() if k != "rows"}
        lines.append(f"  {dumps(head)[:-1]}, \"rows\": [")
        lines += [f"   {dumps(row)}" + ("," if j < len(sheet["rows"]) - 1 else "") for j, row in enumerate(sheet["rows"])]
        lines.append("  ]}" + ("," if i < len(data["sheets"]) - 1 else ""))
    lines += [" ]", "}"]
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == data
    return text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_golden(tmp_path, lang):
    """Regenerate with SECTORSCOPE_UPDATE_GOLDEN=1 after checking the diff."""
    got = _read_back(write_workbook(_report(lang), tmp_path / "tables.xlsx"))
    path = GOLDEN / f"workbook.{lang}.json"
    text = _json(got)
    if os.environ.get("SECTORSCOPE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_layout(tmp_path):
    wb = openpyxl.load_workbook(write_workbook(_report(), tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["contents", "market_size", "an_awkward_key_with_brackets__a", "audit", "Sources_2",
                             "sources"]
    ws = wb["market_size"]
    assert [c.value for c in ws[1]] == ["市场", "年份", "市场规模(亿元)", "增速(%)", "企业数(家)", "比值", "说明", "出处"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H9"
    row2 = [c for c in ws[2]]
    assert (row2[2].value, row2[2].data_type, row2[2].number_format) == (1234.56, "n", "#,##0.0")
    assert (row2[3].value, row2[3].number_format) == (12.345, "#,##0.00")
    assert (row2[1].value, row2[1].number_format, row2[5].number_format) == (2024, "0", "General")
    assert row2[7].value == "1" and ws["H3"].value == "2, 3" and ws["C3"].value is None  # missing stays empty
    assert ws["D4"].value is None  # NaN is missing, not an error cell
    en = openpyxl.load_workbook(write_workbook(_report("en"), tmp_path / "e.xlsx"))["market_size"]
    # the English workbook names its units in English, as the glossary does
    assert [c.value for c in en[1]][2:4] == ["Market size (CNY 100 m)", "Growth (%)"] and en["H1"].value == "Sources"
    src = wb["sources"]
    assert [c.value for c in src[1]][:7] == ["编号", "类型", "数据编号", "来源", "来源标题", "位置", "引文"]
    assert [src.cell(r, 2).value for r in (2, 3, 4)] == ["观测", "推算", "预测"]
    assert src["H2"].value == 120 and src["J3"].value.startswith("capacity_utilisation") and src["N4"].value == 2
    contents = wb["contents"]
    assert [c.value for c in contents[2]] == ["market_size", "市场", "市场规模与增速", "数据来自三份报告;同一年份多处表述时全部列出。", 8]
    assert contents["A2"].hyperlink.location == "'market_size'!A1"


def test_hostile_text_stays_text(tmp_path):
    path = write_workbook(_report(), tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(path)["market_size"]
    labels = {ws.cell(r, 7).value: ws.cell(r, 7) for r in range(2, ws.max_row + 1) if ws.cell(r, 7).value}
    for text in HOSTILE:
        cell = labels[text]  # read back exactly as written …
        assert cell.data_type == "s" and cell.quotePrefix, text  # … a string, marked as text for Excel
    assert not labels["约1234亿元"].quotePrefix
    quote = openpyxl.load_workbook(path)["sources"]["G4"]
    assert quote.value == "=SUM(A1:A9)" and quote.data_type == "s" and quote.quotePrefix
    with zipfile.ZipFile(path) as z:  # no formula anywhere, no external link
        for name in z.namelist():
            body = z.read(name).decode("utf-8")
            if name.startswith("xl/worksheets/"):
                assert not re.search(r"<f[ >]", body), name
            assert "http://x" not in body or name == "xl/sharedStrings.xml", name
        assert not any(n.startswith("xl/externalLinks") for n in z.namelist())


def test_same_report_same_bytes(tmp_path):
    a = write_workbook(_report(), tmp_path / "a.xlsx").read_bytes()
    b = write_workbook(_report(), tmp_path / "b.xlsx").read_bytes()
    assert a == b
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").properties.created.isoformat() == "2026-01-01T00:00:00"


def test_sheet_names():
    assert sheet_names(["a" * 40, "a" * 40, "A" * 40]) == ["a" * 31, "a" * 29 + "_2", "A" * 29 + "_3"]
    assert sheet_names(["x[1]:y*?/\\z", "'quoted'", "", "history"]) == ["x_1__y____z", "quoted", "sheet", "history_2"]
    assert sheet_names(["sources", "Contents"], reserved=("contents", "sources")) == ["sources_2", "Contents_2"]


def test_widths_and_formats():
    assert display_width("中文ab") == 6 and display_width("ＡＢ") == 4
    assert number_format(Column("x", "x", "x", kind="number", digits=0)) == "#,##0"
    assert number_format(Column("x", "x", "x", kind="number", digits=3)) == "#,##0.000"
    assert number_format(Column("x", "x", "x", kind="int")) == "0"
    assert number_format(Column("x", "x", "x", kind="auto")) == "General"


def test_errors_name_the_path(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        write_workbook(_report(), tmp_path)
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="cannot create the folder"):
        write_workbook(_report(), tmp_path / "f" / "t.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]
