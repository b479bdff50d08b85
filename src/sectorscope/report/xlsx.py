"""The workbook: the report's tables as sheets an analyst can filter, sort and compute with.

Why it is laid out this way:

- **Machine-readable sheets.** Row 1 of every table sheet is the header and the data start on row 2, so a
  sheet reads straight into pandas or a pivot table. The table's title and note live in the "contents"
  sheet (first) and in the printed page header, not in a title row.
- **Numbers stay numbers.** Units are in the headers ("市场规模(亿元)", `Column.header`, in the workbook's
  language), the cells hold the numbers with a number format from the column's kind (`#,##0.0` for a number
  with one decimal, `0` for an int such as a year, General for "auto", which keeps every digit the HTML
  rounds to four figures) — without a float's artefact (769.5, not 769.5000000000006: `present.plain`).
- **No formulas from text.** Every text cell is written with `write_string` (the workbook is opened with
  `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` off), so nothing becomes a formula or a
  link. A text that begins with = + - @ TAB or CR is also given Excel's own quote prefix (the cell format's
  `quotePrefix`, what typing a leading apostrophe does): the text is stored unchanged — a quote stays the
  exact quote its offsets point into — and Excel, LibreOffice and openpyxl keep it text even when a user
  edits the cell. (The Excel CSV export, which has no cell formats, prefixes an apostrophe instead.)
- **Every row cites.** A last column "出处"/"Sources" lists the row's citation numbers; the "sources" sheet
  (last) lists every citation: kind, source, location, quote and offsets, formula and inputs, method,
  interval and input vintage.
- **Deterministic.** The workbook's created date is the report's `generated` stamp and xlsxwriter fixes the
  zip timestamps, so the same report writes the same bytes.
"""
from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..errors import InputError
from ..present import plain
from .document import Citation, Column, ReportData, Table
from .export import formula_like
from .files import atomic_path, prepare_target
from .words import workbook_words

__all__ = ["CONTENTS_SHEET", "SOURCES_SHEET", "display_width", "number_format", "sheet_names", "write_workbook"]

SOURCES_SHEET = "sources"
CONTENTS_SHEET = "contents"
_MAX_SHEET = 31
_MAX_CELL = 32767  # Excel's limit on the characters of one cell
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_MIN_WIDTH, _MAX_WIDTH = 6, 60

_CITATION_FIELDS = ("n", "kind", "obs_id", "source_id", "source_title", "location", "quote", "quote_start",
                    "quote_end", "formula", "input_ids", "method", "interval", "input_vintage")
_CITATION_INTS = {"n", "obs_id", "quote_start", "quote_end", "input_vintage"}


# ---- helpers -------------------------------------------------------------------------------------
def display_width(text: str) -> int:
    """Columns `text` takes on screen: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def sheet_names(keys: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Valid, unique sheet names for `keys`: at most 31 characters, none of []:*?/\\, not starting or ending
    with an apostrophe, not "History" (Excel's), unique ignoring case (as Excel compares them) — also
    against `reserved`. A clash gets "_2", "_3" … within the 31 characters."""
    taken = {r.lower() for r in reserved} | {"history"}
    out = []
    for key in keys:
        base = _BAD_SHEET_CHARS.sub("_", key).strip("'").strip() or "sheet"
        name, i = base[:_MAX_SHEET], 1
        while name.lower() in taken:
            i += 1
            suffix = f"_{i}"
            name = base[: _MAX_SHEET - len(suffix)] + suffix
        taken.add(name.lower())
        out.append(name)
    return out


def number_format(column: Column) -> str:
    """The Excel number format of a numeric column."""
    if column.kind == "int":
        return "0"
    if column.kind == "number":
        return "#,##0" + ("." + "0" * column.digits if column.digits > 0 else "")
    return "General"


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return not math.isfinite(float(value))
    return type(value).__name__ in ("NAType", "NaTType")


def _shown(value: object, fmt: str) -> str:
    """Roughly what Excel shows for a cell, to size its column."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        v = float(value)
        if fmt == "0":
            return f"{v:.0f}"
        if fmt.startswith("#,##0"):
            digits = len(fmt.split(".")[1]) if "." in fmt else 0
            return f"{v:,.{digits}f}"
        return f"{v:.10g}"
    return str(value)


def _generated(stamp: str) -> datetime:
    """The report's `generated` text ("2026-01-01 00:00 UTC" or ISO) as a datetime; a fixed date when it
    cannot be read, so the workbook stays deterministic."""
    text = stamp.strip().removesuffix("UTC").strip()
    for parse in (lambda s: datetime.strptime(s, "%Y-%m-%d %H:%M"), datetime.fromisoformat):
        try:
            dt = parse(text)
            return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        except ValueError:
            continue
    return datetime(2000, 1, 1, tzinfo=UTC)


def _header_text(text: str) -> str:
    """A page header/footer section: & is xlsxwriter's control character, and the whole is ≤ 255 chars."""
    return text[:120].replace("&", "&&")


class _Sheet:
    """Writes one sheet's cells through the workbook's formats and remembers each column's width."""

    def __init__(self, book: _Book, ws: Worksheet) -> None:
        self.book, self.ws = book, ws
        self.widths: dict[int, int] = {}

    def _fit(self, col: int, text: str) -> None:
        longest = max((display_width(line) for line in text.split("\n")), default=0)
        self.widths[col] = max(self.widths.get(col, 0), longest)

    def header(self, col: int, text: str) -> None:
        self.ws.write_string(0, col, text, self.book.fmt(header=True, guard=formula_like(text)))
        self._fit(col, text)

    def cell(self, row: int, col: int, value: object, num_format: str = "General") -> None:
        if _missing(value):
            return
        if isinstance(value, bool):
            value = "TRUE" if value else "FALSE"
        if isinstance(value, numbers.Real):
            self.ws.write_number(row, col, plain(float(value)), self.book.fmt(num_format=num_format))
            self._fit(col, _shown(value, num_format))
            return
        text = str(value)
        if not text:
            return
        if len(text) > _MAX_CELL:
            text = text[: _MAX_CELL - 1] + "…"
        wrap = "\n" in text or display_width(text) > _MAX_WIDTH
        self.ws.write_string(row, col, text, self.book.fmt(wrap=wrap, guard=formula_like(text)))
        self._fit(col, text)

    def finish(self, n_rows: int, n_cols: int, title: str) -> None:
        """Frozen header, filter over the data, column widths, and a printed page that says what it is."""
        self.ws.freeze_panes(1, 0)
        if n_cols:
            self.ws.autofilter(0, 0, n_rows, n_cols - 1)
        for col in range(n_cols):
            width = min(max(self.widths.get(col, 0), _MIN_WIDTH), _MAX_WIDTH) + 2
            self.ws.set_column(col, col, width)
        self.ws.set_header("&C" + _header_text(title))
        self.ws.set_footer("&C&P / &N")
        self.ws.repeat_rows(0)
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, 0)


class _Book:
    def __init__(self, path: Path) -> None:
        self.wb = xlsxwriter.Workbook(str(path), {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "nan_inf_to_errors": False,
        })
        self._formats: dict[tuple[str, bool, bool, bool], Format] = {}

    def fmt(self, *, num_format: str = "General", wrap: bool = False, guard: bool = False, header: bool = False) -> Format:
        key = (num_format, wrap, guard, header)
        if key not in self._formats:
            spec: dict[str, object] = {"valign": "top"}
            if num_format != "General":
                spec["num_format"] = num_format
            if wrap:
                spec["text_wrap"] = True
            if guard:
                spec["quote_prefix"] = True
            if header:
                spec.update(bold=True, bg_color="#E8EEF4", bottom=1, text_wrap=True)
            self._formats[key] = self.wb.add_format(spec)
        return self._formats[key]

    def sheet(self, name: str) -> _Sheet:
        return _Sheet(self, self.wb.add_worksheet(name))


# ---- the workbook --------------------------------------------------------------------------------
def _table_sheet(book: _Book, name: str, table: Table, lang: str, words: dict[str, str]) -> None:
    sh = book.sheet(name)
    cols = table.columns
    for c, column in enumerate(cols):
        sh.header(c, column.header(lang))
    sh.header(len(cols), words["cites"])
    formats = [number_format(column) if column.kind != "text" else "General" for column in cols]
    for r, row in enumerate(table.rows, start=1):
        for c, column in enumerate(cols):
            sh.cell(r, c, row.get(column.key), formats[c])
        cites = table.cites[r - 1] if r - 1 < len(table.cites) else []
        if cites:
            sh.cell(r, len(cols), ", ".join(str(n) for n in cites))
    sh.finish(len(table.rows), len(cols) + 1, table.title(lang))


def _contents_sheet(book: _Book, report: ReportData, names: Sequence[str], words: dict[str, str]) -> None:
    sh = book.sheet(CONTENTS_SHEET)
    for c, key in enumerate(("sheet", "section", "table", "note", "rows")):
        sh.header(c, words[key])
    r = 0
    tables = [(section, table) for section in report.sections for table in section.tables]
    for r, ((section, table), name) in enumerate(zip(tables, names, strict=True), start=1):
        sh.ws.write_url(r, 0, f"internal:'{name}'!A1", string=name)
        sh._fit(0, name)
        sh.cell(r, 1, section.title(report.lang))
        sh.cell(r, 2, table.title(report.lang))
        sh.cell(r, 3, table.note(report.lang))
        sh.cell(r, 4, len(table.rows), "0")
    r += 1
    sh.ws.write_url(r, 0, f"internal:'{SOURCES_SHEET}'!A1", string=SOURCES_SHEET)
    sh.cell(r, 2, words["sources_title"])
    sh.cell(r, 4, len(report.citations), "0")
    sh.finish(r, 5, f"{words['contents_title']} — v{report.vintage_id} {report.vintage_label} · {report.generated}")


def _sources_sheet(book: _Book, citations: Sequence[Citation], words: dict[str, str]) -> None:
    sh = book.sheet(SOURCES_SHEET)
    for c, key in enumerate(_CITATION_FIELDS):
        sh.header(c, words[key])
    for r, cit in enumerate(citations, start=1):
        for c, key in enumerate(_CITATION_FIELDS):
            value = getattr(cit, key)
            if key == "kind":
                value = words.get(value, value)
            if value == "":
                continue
            sh.cell(r, c, value, "0" if key in _CITATION_INTS else "General")
    sh.finish(len(citations), len(_CITATION_FIELDS), words["sources_title"])


def write_workbook(report: ReportData, path: str | Path) -> Path:
    """Write `report` as an XLSX workbook at `path` (atomically) and return the path: a "contents" sheet, one
    sheet per table named from `Table.key`, and the "sources" sheet of every citation."""
    lang = "en" if report.lang == "en" else "zh"
    words = workbook_words(lang)
    target = prepare_target(path)
    tables = report.tables()
    names = sheet_names([t.key for t in tables], reserved=(CONTENTS_SHEET, SOURCES_SHEET))
    try:
        with atomic_path(target) as tmp:
            book = _Book(tmp)
            book.wb.set_properties({
                "title": words["title"], "subject": f"v{report.vintage_id} {report.vintage_label}".strip(),
                "author": "sectorscope", "comments": f"generated {report.generated}",
                "created": _generated(report.generated),
            })
            _contents_sheet(book, report, names, words)
            for name, table in zip(names, tables, strict=True):
                _table_sheet(book, name, table, lang, words)
            _sources_sheet(book, report.citations, words)
            book.wb.close()
    except (OSError, FileCreateError) as exc:
        raise InputError(f"cannot write {target}: {exc}; choose a place you can write to") from None
    return target
