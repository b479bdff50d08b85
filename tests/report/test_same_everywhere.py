"""One fact, shown one way in every view: a figure reads the same on the report's page, in its workbook and in the
API's display strings, for the same figure and language, because all of them ask sectorscope.present."""
from __future__ import annotations

from html.parser import HTMLParser

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.api.views.common import figures, printed
from sectorscope.present import plain
from sectorscope.report import build_report_data, render_html
from sectorscope.report.cite import format_cell
from sectorscope.report.content.figures import as_printed
from sectorscope.report.document import Citation, Column, ReportData, Section, Table
from sectorscope.report.publishing import report_inputs
from sectorscope.report.xlsx import SOURCES_SHEET, sheet_names, write_workbook

from .conftest import FIXED, RULES

QUALIFIERS = st.sampled_from([None, "exact", "about", "at_least", "at_most", "range"])
PRINTED = st.one_of(st.none(), st.just(""), st.from_regex(r"\A-?[1-9][0-9]{0,3}(,[0-9]{3})?(\.[0-9]{1,3})?\Z"))
FIGURE_ROWS = st.fixed_dictionaries({
    "value": st.one_of(st.none(), st.floats(-1e13, 1e13)),
    "value_high": st.one_of(st.none(), st.floats(0, 1e13)),
    "qualifier": QUALIFIERS,
    "unit": st.sampled_from([None, "", "元", "个", "%", "家", "天", "元/个", "TOPS"]),
    "value_as_printed": PRINTED,
    "value_high_as_printed": PRINTED,
    "unit_as_printed": st.sampled_from([None, "", "亿元", "万台", "%", "天", "万美元"]),
})


def _stated(row: dict) -> bool:
    return bool(row["value_as_printed"])


def _one_cell_workbook(text: str, lang: str, tmp_path) -> str:
    """`text` written as the one cell of a one-row table of a workbook, read back."""
    table = Table("t", "表", "Table", [Column("figure", "数值(原文)", "Figure as printed")])
    table.add({"figure": text}, [1])
    data = ReportData(lang, 1, "", "2026-01-01 00:00 UTC", [Section("s", "节", "Section", tables=[table])],
                      [Citation(1, "observed", 1, "s")])
    wb = openpyxl.load_workbook(write_workbook(data, tmp_path / f"one.{lang}.xlsx"))
    return wb["t"]["A2"].value


@settings(max_examples=60, deadline=None)
@given(FIGURE_ROWS, st.sampled_from(["zh", "en"]))
def test_a_figure_reads_the_same_in_the_report_the_workbook_and_the_api(tmp_path_factory, row, lang):
    """For any figure: the report's cell, the workbook's cell and the API's `printed` are one string — the
    API's in Chinese, the reports' language, so in English a stated figure (a quotation, the same in both
    languages) is the same and a computed one differs only by its unit's language."""
    shown = as_printed(row, lang)
    assert shown == _one_cell_workbook(shown, lang, tmp_path_factory.mktemp("xlsx"))
    if lang == "zh" or _stated(row):
        assert shown == printed(row)


# ---- the default dataset: the page, the workbook and the API over one store ---------------------------------
class _Cells(HTMLParser):
    """The text of every cell of every table of the page, by table key (the citation column left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._cite = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("data-table"):
            self._table = a["data-table"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table and a.get("data-cite") is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cite = "cite" in (a.get("class") or "")
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            if not self._cite:
                self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module", params=["zh", "en"])
def edition(request, full_store, tmp_path_factory):
    inputs = report_inputs(full_store, full_store.latest_vintage(), rules=RULES)
    data = build_report_data(full_store, lang=request.param, inputs=inputs, generated=FIXED)
    book = openpyxl.load_workbook(write_workbook(data, tmp_path_factory.mktemp("book") / "tables.xlsx"))
    page = _Cells()
    page.feed(render_html(data))
    return data, book, page.tables


def test_the_workbook_holds_what_the_page_prints(edition):
    """Every cell of every table: the page's text is the presentation layer's form of the value, and the
    workbook's cell holds that value — the same text, or the number itself (a workbook's cells stay numbers)."""
    data, book, page = edition
    tables = data.tables()
    names = sheet_names([t.key for t in tables], reserved=("contents", SOURCES_SHEET))
    checked = 0
    for table, name in zip(tables, names, strict=True):
        ws = book[name]
        assert [c.value for c in ws[1]][:-1] == [c.header(data.lang) for c in table.columns]
        for i, row in enumerate(table.rows):
            cells = ws[i + 2]
            for j, column in enumerate(table.columns):
                text = format_cell(row.get(column.key), column)
                assert page[table.key][i][j] == text, (table.key, i, column.key)
                stored = cells[j].value
                if column.kind == "text":
                    assert (stored or "") == text, (table.key, i, column.key)
                elif stored is None:
                    assert text == "—", (table.key, i, column.key)
                else:  # the number the page prints, without a float's artefact (Excel formats it by the column)
                    assert stored == plain(float(row[column.key])), (table.key, i, column.key)
                checked += 1
    assert checked > 5000


def test_footnotes_read_the_same_in_the_workbook(edition):
    """A footnote's interval (a forecast's 80 % and 95 % intervals, a derived figure's bounds) is one string on
    the page and in the workbook's sources sheet, in the edition's display units — never 3.89549e+10 元."""
    data, book, _ = edition
    ws = book[SOURCES_SHEET]
    head = [c.value for c in ws[1]]
    at = head.index("区间" if data.lang == "zh" else "Interval")
    shown = {int(r[0].value): r[at].value or "" for r in ws.iter_rows(min_row=2)}
    with_interval = [c for c in data.citations if c.interval]
    assert len(with_interval) > 80
    for c in data.citations:
        assert shown[c.n] == c.interval
        assert "e+" not in c.interval and "e-" not in c.interval
    big = next(c for c in with_interval if "亿元" in c.interval or "CNY 100 m" in c.interval)
    assert big.interval.startswith("80% [")


def test_the_appendix_shows_what_the_api_prints(edition, full_store):
    """The appendix's "figure as printed" of every stated figure is the API's `printed` for that figure (the
    API's display strings come from the presentation layer too)."""
    data, _, _ = edition
    vid = full_store.latest_vintage()
    rows = [(cites[0], row["figure"]) for t in data.tables() if t.key.startswith("figures_")
            for row, cites in zip(t.rows, t.cites, strict=True)]
    by_n = {c.n: c.obs_id for c in data.citations}
    api = {f["obs_id"]: f["printed"] for f in figures(full_store, [by_n[n] for n, _ in rows], vid)}
    assert len(rows) > 300
    assert [text for _, text in rows] == [api[by_n[n]] for n, _ in rows]
