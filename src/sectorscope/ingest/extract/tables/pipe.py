"""The reader of pipe tables: Markdown rows (`| 年份 | 市场规模(亿元) | 同比增长 |`, with or without a `|---|`
line; leading and trailing pipes optional), rows ruled with full-width ｜ (folded to | by the document) or
box-drawing │ ┃, and ─ ┼ ━ rule lines between them.

Why a reader of its own: this is the form the PDF, DOCX and HTML readers emit for real table cells, so the
cells are exact and every one must be read as a cell, with its header, never as prose.
"""
from __future__ import annotations

import itertools
import re

from .cell_value import read_cell
from .grid import Grid, GridCell, GridRow
from .layout_lines import Line, caption_before, lines_of, note_near

__all__ = ["pipe_grids"]

_BARS = "|│┃"
_RULE = re.compile(r"[\s|│┃:+=\-─━┼╋├┤┌┐└┘┬┴┠┨┯┷╂]*")


def _is_rule(line: str) -> bool:
    return bool(_RULE.fullmatch(line)) and bool(re.search(r"[-─━=]", line))


def _is_bar_only(line: str) -> bool:
    return bool(line.strip()) and all(ch in _BARS or ch.isspace() for ch in line)


def _cells(line: Line) -> list[GridCell]:
    """The cells of one pipe row, a leading and a trailing bar dropped."""
    start, text = line
    bounds = [i for i, ch in enumerate(text) if ch in _BARS]
    edges = [-1, *bounds, len(text)]
    cells = []
    for a, b in itertools.pairwise(edges):
        raw = text[a + 1:b]
        lead = len(raw) - len(raw.lstrip())
        t = raw.strip()
        cells.append(GridCell(start + a + 1 + lead, start + a + 1 + lead + len(t), t))
    if cells and not cells[0].text and bounds and not text[:bounds[0]].strip():
        cells = cells[1:]
    if cells and not cells[-1].text and bounds and not text[bounds[-1] + 1:].strip():
        cells = cells[:-1]
    return cells


def _bars(line: str) -> int:
    return sum(line.count(b) for b in _BARS)


def _is_row(line: str) -> bool:
    return _bars(line) >= 1 and len(line.strip()) > 1 and not _is_rule(line)


def _tablelike(block: list[Line]) -> bool:
    """Two rows or more, and more than one bar a line or a rule line — or, when each line has one bar
    between two fields, three lines or more (a header and two rows): prose rarely prints a bar, never
    line after line."""
    rows = [ln for _, ln in block if _is_row(ln)]
    if len(rows) < 2:
        return False
    if any(_bars(ln) >= 2 for ln in rows) or any(_is_rule(ln) for _, ln in block):
        return True
    return len(rows) >= 3


def _block(lines: list[Line], i: int) -> int:
    """The index after the run of pipe rows, rule lines and bar-only lines starting at i."""
    j = i
    while j < len(lines) and (_is_row(lines[j][1]) or _is_rule(lines[j][1]) or _is_bar_only(lines[j][1])):
        j += 1
    return j


def _grid(text: str, lines: list[Line], i: int, j: int) -> Grid | None:
    header: list[GridRow] = []
    rows: list[GridRow] = []
    seen_rule = False
    for start, line in lines[i:j]:
        if _is_rule(line):
            if rows and not seen_rule and not header:
                header, rows = rows, []
            seen_rule = True
            continue
        if _is_bar_only(line):
            continue
        rows.append(GridRow(start, start + len(line), _cells((start, line))))
    if not header and rows and _headerlike(rows[0]):
        header, rows = rows[:1], rows[1:]
    width = max([len(r.cells) for r in header + rows] or [0])
    if width < 2 or len(rows) < 1 or (not header and len(rows) < 2):
        return None
    first = (header or rows)[0]
    end = rows[-1].end
    return Grid("pipe table", first.start, end, header, rows, caption_before(lines, i),
                note_near(lines, i, j), confidence=0.85)


def _headerlike(row: GridRow) -> bool:
    """A first row without a separator line below it is a header when its cells after the first are names
    (years count as names: a year header), not values."""
    for c in row.cells[1:]:
        v = read_cell(c.text)
        if v is not None and not re.match(r"(?:19|20)\d\d(?!\d)", c.text):
            return False
    return True


def pipe_grids(text: str) -> list[Grid]:
    """Every pipe table of the normalised text."""
    lines = lines_of(text)
    out = []
    i = 0
    while i < len(lines):
        if not (_is_row(lines[i][1]) or (_is_rule(lines[i][1]) and i + 1 < len(lines) and _is_row(lines[i + 1][1]))):
            i += 1
            continue
        j = _block(lines, i)
        if _tablelike(lines[i:j]):
            g = _grid(text, lines, i, j)
            if g is not None:
                out.append(g)
        i = max(j, i + 1)
    return out
