"""China Customs exports: the same hand-made lines written as GB18030 CSV, UTF-8-BOM CSV, XLSX and in 人民币 read
to the same canonical lines; the cumulative variant, grains, file-level errors, chunk-size independence and
memory that does not grow with the file."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope.errors import InputError, Reason, UsageError, ValidationError
from sectorscope.records.formats import read_records
from sectorscope.records.schema import LINE_SCHEMA

from .record_files import ROWS, expected_line, write_customs_csv, write_customs_xlsx


def _lines(rf) -> list[dict]:
    out = []
    for chunk in rf.chunks():
        assert chunk.schema == LINE_SCHEMA.to_pyarrow()
        out.extend(chunk.to_pylist())
    return out


def _read(path, **kw):
    kw.setdefault("batch_id", "b1")
    kw.setdefault("hs_edition", "HS2022")
    kw.setdefault("flow", "import")
    return read_records(path, **kw)


EXPECTED = [expected_line(r, i + 2) for i, r in enumerate(ROWS)]


def test_gb18030_csv_with_thousands_and_trailing_comma(tmp_path):
    path = write_customs_csv(tmp_path / "进口.csv")
    rf = _read(path)
    assert _lines(rf) == EXPECTED
    rf.check()
    assert rf.failures == [] and rf.warnings == []
    m = rf.meta
    assert m.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (m.dataset, m.encoding, m.container, m.currency, m.grain, m.period_kind, m.hs_edition) == (
        "customs_cn", "gb18030", "csv", "USD", ("commodity", "partner"), "monthly", "HS2022")
    assert m.batch_meta().publisher == "海关总署"


def test_first_line_in_full(tmp_path):
    (line, *_) = _lines(_read(write_customs_csv(tmp_path / "a.csv")))
    assert line == {
        "batch_id": "b1", "line_no": 2, "dataset": "customs_cn", "reporter": "CHN", "flow": "import",
        "period_kind": "monthly", "year": 2025, "month": 1, "hs_edition": "HS2022", "hs_code": "85011010",
        "hs6": "850110", "hs_chapter": "85", "commodity_name": "微电机", "partner_code": "116",
        "partner_iso3": "JPN", "trade_mode": None, "province": None, "quantity": Decimal("1200.000"),
        "quantity_unit": "台", "quantity2": Decimal("360.500"), "quantity2_unit": "千克",
        "value": Decimal("1234567.00"), "currency": "USD", "cif_value": None, "fob_value": None,
    }


def test_utf8_bom_csv_reads_the_same_lines(tmp_path):
    rf = _read(write_customs_csv(tmp_path / "a.csv", encoding="utf-8-sig", trailing_comma=False))
    assert _lines(rf) == EXPECTED
    assert rf.meta.encoding == "utf-8-sig"


def test_xlsx_reads_the_same_lines(tmp_path):
    rf = _read(write_customs_xlsx(tmp_path / "a.xlsx"), chunk_rows=7)
    assert _lines(rf) == EXPECTED
    assert rf.meta.container == "xlsx" and rf.failures == []


@pytest.mark.parametrize("writer", ["csv", "xlsx"])
def test_renminbi_variant_differs_only_in_currency_and_value(tmp_path, writer):
    path = (write_customs_csv(tmp_path / "a.csv", currency="人民币") if writer == "csv"
            else write_customs_xlsx(tmp_path / "a.xlsx", currency="人民币"))
    rf = _read(path)
    assert _lines(rf) == [expected_line(r, i + 2, currency="CNY") for i, r in enumerate(ROWS)]
    assert rf.meta.currency == "CNY"
    # hand check: 1,234,567 USD was written as 8,641,969 CNY
    assert next(iter(rf.chunks())).column("value")[0].as_py() == Decimal("8641969.00")


def test_cumulative_file_is_dated_to_the_periods_last_month(tmp_path):
    rows = [r for r in ROWS if r.yyyymm == "202503"]
    path = write_customs_csv(tmp_path / "累计.csv", rows, monthly=False)
    with pytest.raises(InputError, match="no 数据年月 column, so it is cumulative") as e:
        _read(path)
    assert e.value.file == str(path)
    rf = _read(path, period=(2025, 1, 3))
    assert rf.meta.period_kind == "cumulative" and rf.meta.period == (2025, 1, 3)
    assert _lines(rf) == [expected_line(r, i + 2, period_kind="cumulative", month=3) for i, r in enumerate(rows)]


def test_flow_column_and_grain_without_partner(tmp_path):
    header = ["数据年月", "商品编码", "商品名称", "进出口", "贸易方式名称", "注册地编码", "注册地名称", "第一数量",
              "第一计量单位", "美元"]
    rows = [["202501", "85011010", "微电机", "出口", "一般贸易", "44", "广东省", "10", "台", "1,000"],
            ["202501", "85011010", "微电机", "进口", "进料加工贸易", "32", "江苏省", "5", "台", "2,500"]]
    path = write_customs_csv(tmp_path / "a.csv", [], header=header, extra=rows, trailing_comma=False)
    rf = read_records(path, batch_id="b2", hs_edition="HS2022")
    lines = _lines(rf)
    assert rf.meta.grain == ("commodity", "province", "trade_mode")
    assert [(x["flow"], x["trade_mode"], x["province"], x["partner_code"], x["quantity2"]) for x in lines] == [
        ("export", "一般贸易", "44", None, None), ("import", "进料加工贸易", "32", None, None)]
    rf.check()


def test_partner_name_only_is_mapped_to_its_code(tmp_path):
    header = ["数据年月", "商品编码", "贸易伙伴名称", "第一数量", "第一计量单位", "美元"]
    path = write_customs_csv(tmp_path / "a.csv", [], header=header, trailing_comma=False,
                             extra=[["202501", "85011010", "台澎金马关税区", "1", "台", "10"]])
    (line,) = _lines(_read(path))
    assert (line["partner_code"], line["partner_iso3"]) == ("143", "TWN")


def test_a_file_without_flow_needs_one(tmp_path):
    path = write_customs_csv(tmp_path / "a.csv")
    with pytest.raises(InputError, match="no 进出口 column") as e:
        read_records(path, batch_id="b", hs_edition="HS2022")
    assert e.value.reason is Reason.MISSING_VALUE


def test_both_currencies_is_a_file_error(tmp_path):
    header = ["数据年月", "商品编码", "美元", "人民币"]
    path = write_customs_csv(tmp_path / "a.csv", [], header=header, extra=[["202501", "85011010", "1", "7"]])
    with pytest.raises(InputError, match="both 美元 and 人民币") as e:
        _read(path)
    assert e.value.file == str(path) and e.value.reason is Reason.INCONSISTENT


def test_declared_currency_must_match_the_column(tmp_path):
    with pytest.raises(InputError, match="declared, but the file's amounts are in USD"):
        _read(write_customs_csv(tmp_path / "a.csv"), currency="CNY")


def test_unknown_header_layout(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown header layout \(a, b, c\)") as e:
        _read(path)
    assert e.value.file == str(path)


def test_neither_utf8_nor_gb18030(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("数据年月,商品编码,美元\n".encode("utf-16"))
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030") as e:
        _read(path)
    assert e.value.file == str(path)


def test_missing_file_and_bad_arguments(tmp_path):
    with pytest.raises(InputError) as e:
        _read(tmp_path / "none.csv")
    assert e.value.reason is Reason.FILE_NOT_FOUND
    path = write_customs_csv(tmp_path / "a.csv")
    with pytest.raises(UsageError, match="hs_edition"):
        _read(path, hs_edition="HS2007")
    with pytest.raises(UsageError, match="period"):
        _read(path, period=(2025, 3, 1))
    with pytest.raises(UsageError, match="chunk_rows"):
        _read(path, chunk_rows=0)


def test_check_before_reading_is_a_usage_error(tmp_path):
    rf = _read(write_customs_csv(tmp_path / "a.csv"))
    with pytest.raises(UsageError, match="read the chunks first"):
        rf.check()


def test_a_row_with_the_wrong_number_of_cells_is_named(tmp_path):
    path = write_customs_csv(tmp_path / "a.csv", ROWS[:2], trailing_comma=False,
                             extra=[["202501", "85011010", "cut"]])
    rf = _read(path)
    assert len(_lines(rf)) == 2
    with pytest.raises(ValidationError) as e:
        rf.check()
    (f,) = e.value.failures
    assert (f.row, f.code) == (4, Reason.WRONG_SHAPE)
    assert "has 3 cells where the header has 10" in f.reason


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("数据年月,商品编码,第一数量,第一计量单位,美元\n202501,85011010,1,台,5\n\n202501,85011010,2,台,6\n",
                    encoding="utf-8")
    assert [x["line_no"] for x in _lines(_read(path))] == [2, 4]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk_rows=st.integers(min_value=1, max_value=len(ROWS) + 2), xlsx=st.booleans())
def test_lines_do_not_depend_on_the_chunk_size(tmp_path_factory, chunk_rows, xlsx):
    d = tmp_path_factory.mktemp("chunks")
    bad = [replace(ROWS[0], q1="-1"), replace(ROWS[1], u1="千克"), *ROWS[2:]]
    path = write_customs_xlsx(d / "a.xlsx", bad) if xlsx else write_customs_csv(d / "a.csv", bad)
    rf = _read(path, chunk_rows=chunk_rows)
    chunks = list(rf.chunks())
    assert all(c.num_rows <= chunk_rows for c in chunks)
    assert [x for c in chunks for x in c.to_pylist()] == [
        expected_line(r, i + 2) | ({"quantity": Decimal("-1.000")} if i == 0 else {})
        | ({"quantity_unit": "千克"} if i == 1 else {}) for i, r in enumerate(ROWS)]
    assert sorted(map(str, rf.failures)) == sorted(map(str, _failures(path)))
    assert len(rf.failures) == 2  # the negative quantity, and 85011010 in 台 and 千克


def _failures(path):
    rf = _read(path)
    list(rf.chunks())
    return rf.failures


def _generated(path, n):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("数据年月,商品编码,商品名称,贸易伙伴编码,第一数量,第一计量单位,美元,\n")
        partners = ["116", "304", "502", "110", "143", "199"]
        for i in range(n):
            fh.write(f'2025{i % 3 + 1:02d},85011010,微电机,{partners[i % 6]},{i % 997},台,"{i * 7 % 1_000_003:,}",\n')
    return path


def _peak_arrow_bytes(path, chunk_rows):
    rf = _read(path, chunk_rows=chunk_rows)
    pool = pa.default_memory_pool()
    base = pool.bytes_allocated()
    peak, rows, total = 0, 0, 0
    for chunk in rf.chunks():
        peak = max(peak, pool.bytes_allocated() - base)
        rows += chunk.num_rows
        total += int(chunk.column("line_no")[-1].as_py())
    rf.check()
    return peak, rows


def test_a_200k_line_file_is_read_in_chunks_with_flat_memory(tmp_path, monkeypatch):
    from sectorscope.records.formats import _source

    monkeypatch.setattr(_source, "_PIECE", 1024 * 1024)  # 1 MB pieces, so both files are many pieces long
    half = _generated(tmp_path / "half.csv", 100_000)
    full = _generated(tmp_path / "full.csv", 200_000)
    peak_half, n_half = _peak_arrow_bytes(half, 5_000)
    peak_full, n_full = _peak_arrow_bytes(full, 5_000)
    assert (n_half, n_full) == (100_000, 200_000)
    assert full.stat().st_size > 9_000_000
    # twice the lines, not twice the memory: what is held at once is a piece and a chunk, not the file
    assert peak_full < 1.25 * peak_half
    assert peak_full < full.stat().st_size * 0.6


def test_flow_column_contradicting_the_declared_flow(tmp_path):
    header = ["数据年月", "商品编码", "进出口类型", "第一数量", "第一计量单位", "美元"]
    path = write_customs_csv(tmp_path / "a.csv", [], header=header, trailing_comma=False,
                             extra=[["202501", "85011010", "进口", "1", "台", "10"],
                                    ["202501", "85011010", "出口", "1", "台", "10"],
                                    ["202501", "85011010", "转口", "1", "台", "10"]])
    rf = _read(path, flow="import")
    assert [x["flow"] for x in _lines(rf)] == ["import", "export", None]
    assert [(f.row, f.field, f.value, f.code) for f in rf.failures] == [
        (3, "进出口类型", "出口", Reason.INCONSISTENT), (4, "进出口类型", "转口", Reason.BAD_VALUE)]


def test_unknown_trade_modes_and_unread_columns_are_warned_with_counts(tmp_path):
    header = ["数据年月", "商品编码", "贸易方式名称", "备注", "第一数量", "第一计量单位", "美元"]
    path = write_customs_csv(tmp_path / "a.csv", [], header=header, trailing_comma=True,
                             extra=[["202501", "85011010", "一般贸易", "x", "1", "台", "10"],
                                    ["202501", "85011010", "新方式", "y", "1", "台", "10"],
                                    ["202502", "85011010", "新方式", "z", "1", "台", "10"]])
    rf = _read(path)
    _lines(rf)
    rf.check()
    assert rf.warnings == [
        "trade modes not in records/reference/trade_modes.csv, kept as printed but without a category: "
        "新方式 (2 line(s))",
        "columns not read: 备注"]


def test_an_xlsx_month_stored_as_a_date(tmp_path):
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["数据年月", "商品编码", "第一数量", "第一计量单位", "美元"])
    wb.active.append([datetime.datetime(2025, 2, 1), "85011010", 3, "台", 1234.0])
    wb.save(tmp_path / "a.xlsx")
    (line,) = _lines(_read(tmp_path / "a.xlsx"))
    assert (line["year"], line["month"], line["quantity"], line["value"]) == (
        2025, 2, Decimal("3.000"), Decimal("1234.00"))


def test_a_header_without_lines_reads_to_nothing_with_a_warning(tmp_path):
    rf = _read(write_customs_csv(tmp_path / "a.csv", []))
    assert _lines(rf) == []
    rf.check()
    assert rf.warnings == ["the file has no lines (a header and nothing else, or only dropped rows)"]
