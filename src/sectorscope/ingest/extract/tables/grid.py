"""A table whose cells are known — each cell's text and where it sits — turned into candidates: header
rows → column names, the key column → each row's name (a period, a dimension value, or kept as printed),
every numeric cell → one Candidate with its unit, indicator and period said and explained.

Why one module for every layout: a pipe table, a whitespace-aligned table and an HTML table pasted one cell
per line differ only in how the cells are found; once found, a cell means the same thing whatever the
layout, so the meaning is decided here once (`pipe`, `aligned` and `cell_lines` only find the cells).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..candidate import Candidate, TableCell
from ..document import Document
from ..lexicon import Lexicon
from .cell_meaning import indicator_of, status_of
from .cell_value import SCALES, CellValue, is_empty_mark, read_cell
from .columns import Column, header_base, make_column
from .grid_period import cell_period
from .grid_units import implied_unit, unit_in
from .result import Table, TableResult
from .text_scan import YEAR

__all__ = ["Grid", "GridCell", "GridRow", "emit_grid"]

_RANK = ("序号", "排名", "名次", "排序", "No.", "#")
_TOTAL = ("合计", "总计", "总体", "全部", "总额", "total", "Total", "小计")
_DIMS = ("region", "country", "application", "product", "company", "tier")
_PLACE = re.compile(r"\S{1,10}(?:省|市|自治区|特别行政区|地区)")
_UNSURE = 0.6  # below ACCEPT_CONFIDENCE: the period or the unit is a guess an analyst must check


@dataclass
class GridCell:
    start: int   # normalised offsets of the cell's (stripped) text
    end: int
    text: str


@dataclass
class GridRow:
    start: int   # normalised offsets of the row's line(s)
    end: int
    cells: list[GridCell]


@dataclass
class Grid:
    """What a layout reader found: where the table is, its caption and unit note, header rows, data rows."""

    form: str                          # "pipe table", "whitespace-aligned table", "cell-per-line table"
    start: int
    end: int
    header: list[GridRow]
    rows: list[GridRow]
    caption: str = ""
    note: str = ""                     # a line such as 单位:亿元 near the table
    confidence: float = 0.85
    holes: list[tuple[int, int]] = field(default_factory=list)


def _column_names(header: list[GridRow], width: int) -> list[str]:
    """One name per column: a spanning upper header cell (left blank to its right) names every column
    under it, and the rows' texts join top to bottom."""
    names = []
    for c in range(width):
        parts: list[str] = []
        for hi, hr in enumerate(header):
            t = hr.cells[c].text if c < len(hr.cells) else ""
            if not t and hi < len(header) - 1:
                t = next((hr.cells[j].text for j in range(min(c, len(hr.cells)) - 1, -1, -1) if hr.cells[j].text), "")
            if t and t not in parts:
                parts.append(t)
        names.append(" ".join(parts))
    return names


def _is_rank(rows: list[GridRow], c: int) -> bool:
    vals = [r.cells[c].text for r in rows if c < len(r.cells)]
    return len(vals) >= 2 and vals == [str(i) for i in range(1, len(vals) + 1)]


def _key_column(names: list[str], rows: list[GridRow]) -> int:
    """The column that names the rows: the first, unless it only numbers them (序号 / 排名 / 1, 2, 3 …)."""
    if len(names) > 2 and (names[0].strip() in _RANK or _is_rank(rows, 0)):
        return 1
    return 0


_KIND_MARK = re.compile(r"[(（](地区|区域|产品|行业|业务|客户)[)）]\s*$")
_KIND_DIM = {"地区": "region", "区域": "region", "产品": "product", "行业": "application", "业务": "product",
             "客户": "company"}


def _row_dims(lexicon: Lexicon, dim: str | None, label: str) -> tuple[dict[str, str], str]:
    """The dimension a row's name sets, and why: the key header's dimension, else the lexicon's dimension
    of a term in the name, else none when the name is a total or names an indicator, else the name kept as
    the product so that different rows never share one key."""
    if not label or any(label.startswith(t) for t in _TOTAL):
        return {}, "row is a total or unnamed: no dimension"
    kind = _KIND_MARK.search(label)
    if kind:  # 境外(地区), 光学镜头(产品): the row says what it names (stock terminals' 主营构成 tables)
        d, name = _KIND_DIM[kind.group(1)], label[:kind.start()].strip()
        # the lexicon's name for it where a term is the whole name (境内 → 中国)
        whole = [v for h in lexicon.dimension_hits(name) if h.start == 0 and h.end == len(name)
                 for dd, v in h.values if dd == d]
        return {d: whole[0] if whole else name}, f"row name is a {d} (marked {kind.group(0)})"
    if dim and dim != "period":
        return {dim: label}, f"row name is the {dim} (key column header)"
    if _PLACE.fullmatch(label):
        return {"region": label}, "row name is a region (a province, city or area)"
    for h in lexicon.dimension_hits(label):
        for d, _ in h.values:
            if d in _DIMS:
                return {d: label}, f"row name is a {d} ({h.term})"
    if lexicon.indicator_hits(label):
        return {}, "row name names the indicator"
    return {"product": label}, "row name kept as the product (the key header names no dimension)"


def _is_header_again(row: GridRow, names: list[str], key: int) -> bool:
    """A row repeating the header's value-column names (a second block of the table: 分产品 | 营业收入 | …)."""
    texts = [c.text for c in row.cells]
    return len(texts) > key + 1 and texts[key + 1:] == names[key + 1:len(texts)] and not any(
        read_cell(t) for t in texts)


def emit_grid(doc: Document, lexicon: Lexicon, grid: Grid, res: TableResult) -> None:
    """A Candidate per numeric cell of the grid, the Table it forms, and its span (less the text cells that
    hold figures, which the prose reader reads) into `res`."""
    width = max([len(r.cells) for r in grid.header + grid.rows] or [0])
    names = _column_names(grid.header, width)
    key = _key_column(names, grid.rows)
    cols = [make_column(n) for n in names]
    name = grid.caption or " / ".join(n for n in names if n)
    table = Table(name=name, start=grid.start, end=grid.end, key=names[key] if names else "", columns=names[key + 1:])
    dim = lexicon.row_keys.get(header_base(table.key).strip())
    labels = [r.cells[key].text for r in grid.rows if key < len(r.cells)]
    year_rows = dim == "period" or (bool(labels) and all(YEAR.match(lb) for lb in labels))
    holes: list[tuple[int, int]] = []
    for ri, row in enumerate(grid.rows):
        if _is_header_again(row, names, key):
            table.key = row.cells[key].text
            dim = lexicon.row_keys.get(header_base(table.key).strip())
            continue
        label = row.cells[key].text if key < len(row.cells) else ""
        table.rows.append((label, [c.text for c in row.cells[key + 1:]]))
        for ci in range(key + 1, len(row.cells)):
            cell = row.cells[ci]
            cv = read_cell(cell.text)
            if cv is None:
                if not is_empty_mark(cell.text) and re.search(r"\d", cell.text):
                    holes.append((cell.start, cell.end))
                continue
            res.cells.append(_candidate(doc, lexicon, grid, table, cols, ci, row, ri, label, cv,
                                        dim, year_rows))
    res.tables.append(table)
    res.spans.extend(_minus(grid.start, grid.end, holes))


def _candidate(doc: Document, lexicon: Lexicon, grid: Grid, table: Table, cols: list[Column], ci: int,
               row: GridRow, ri: int, label: str, cv: CellValue, dim: str | None, year_rows: bool) -> Candidate:
    header = cols[ci].header if ci < len(cols) else ""
    cell = row.cells[ci]
    period, pwhy, sure = cell_period(doc.text, grid.start, header, [c.header for c in cols[:ci]], label,
                                     year_rows, grid.caption)
    unit, uwhy = cv.unit, "unit printed in the cell"
    if unit in SCALES:
        base = unit_in(header) or unit_in(grid.note) or unit_in(grid.caption)
        if base and not base.startswith(SCALES):
            unit, uwhy = unit + base, f"scale {cv.unit} printed in the cell, unit {base} from the header or note"
    if not unit:
        unit, uwhy = unit_in(header), "unit from the column header"
    if not unit and not year_rows:
        unit, uwhy = unit_in(label), "unit from the row name"
    if not unit:
        unit, uwhy = unit_in(grid.note) or unit_in(grid.caption), "unit from the table's caption or unit note"
    if not unit:
        unit, uwhy = implied_unit(header), "unit % implied by the column header (a rate)"
    if not unit:
        uwhy = "no unit printed in the cell, header or caption"
    ind, iwhy = indicator_of(lexicon, header, cols, label if not year_rows else "")
    dims, dwhy = ({}, "row name is the period") if year_rows else _row_dims(lexicon, dim, label)
    if iwhy.startswith("indicator from the row label") and not year_rows and pwhy != "period from the column header":
        sure, iwhy = False, iwhy + ": check it (neither the header nor a period column says so)"
    conf = grid.confidence if sure else min(grid.confidence, _UNSURE)
    s, e = doc.span(cell.start + cv.start, cell.start + cv.end)
    qs, qe = doc.span(row.start, row.end)
    cand = Candidate(
        printed=cv.printed, printed_high=cv.printed_high, unit_as_printed=unit, value_as_printed=cv.as_printed,
        value_high_as_printed=cv.high_as_printed, start=s, end=e, quote=doc.original[qs:qe], quote_start=qs,
        quote_end=qe, sentence=doc.text[row.start:row.end], qualifier=cv.qualifier, period=period,
        indicator=ind, dimensions=dims, confidence=conf, kind="table",
        why=[f"{grid.form}: the cell under '{header}' in row '{label}'", pwhy, iwhy, uwhy, dwhy],
        cell=TableCell(table.name, label, header, ri, ci))
    status = status_of(label) or status_of(header)
    if status:
        cand.status = status
    return cand


def _minus(start: int, end: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) less the holes (sorted, inside it)."""
    out = []
    pos = start
    for hs, he in sorted(holes):
        if hs > pos:
            out.append((pos, hs))
        pos = max(pos, he)
    if pos < end:
        out.append((pos, end))
    return out
