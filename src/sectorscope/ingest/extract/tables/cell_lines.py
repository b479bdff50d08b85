"""The reader of tables pasted one cell per line (an HTML table copied as text): the header cells first,
each on its own line, then the rows, a name and then its numbers, each on its own line.

Why only when the column count is unambiguous: nothing but the lines' contents tells where a row ends. A
count n is tried from 2 to 8: the n lines before the first row name are the header (short names, no
sentence), and every following group of n lines must be a name then n − 1 values (or empty marks) for two
rows or more. When no count, or more than one, fits, the lines are left to the prose reader.
"""
from __future__ import annotations

import re

from .cell_value import is_empty_mark, read_cell
from .grid import Grid, GridCell, GridRow
from .layout_lines import Line, caption_before, lines_of, note_near
from .text_scan import LABEL_BAD

__all__ = ["cell_line_grids"]

_YEARLIKE = re.compile(r"(?:19|20)\d\d(?!\d)")


def _value(t: str) -> bool:
    return (read_cell(t) is not None or (is_empty_mark(t) and t != "")) and not _YEARLIKE.match(t)


def _name(t: str) -> bool:
    return bool(t) and len(t) <= 24 and not LABEL_BAD.search(t) and not _value(t)


def _rows_fit(texts: list[str], first: int, n: int) -> int:
    """How many rows of n lines (a name, then n − 1 values with one number at least) start at `first`."""
    k = 0
    while first + (k + 1) * n <= len(texts):
        group = texts[first + k * n: first + (k + 1) * n]
        if not (_name(group[0]) and all(_value(t) for t in group[1:]) and any(read_cell(t) for t in group[1:])):
            break
        k += 1
    return k


def _fits(texts: list[str], at: int) -> list[tuple[int, int]]:
    """(n, rows) for every column count n whose header ends right before the row name at `at`."""
    out = []
    for n in range(3, 9):
        h = at - n
        if h < 0 or not all(_name(t) for t in texts[h:at]):
            continue
        rows = _rows_fit(texts, at, n)
        if rows >= 2:
            out.append((n, rows))
    return out


def cell_line_grids(text: str) -> list[Grid]:
    """Every cell-per-line table of the normalised text whose column count is unambiguous."""
    lines = [(s, t) for s, t in lines_of(text) if t.strip()]
    texts = [t.strip() for _, t in lines]
    out: list[Grid] = []
    i = 1
    while i < len(texts):
        # a row name followed by a value line, right after a run of names: a candidate first row
        if not (_name(texts[i]) and i + 1 < len(texts) and read_cell(texts[i + 1]) and _name(texts[i - 1])):
            i += 1
            continue
        fits = _fits(texts, i)
        if len(fits) != 1:
            i += 1
            continue
        n, nrows = fits[0]
        out.append(_grid(lines, i - n, i, n, nrows))
        i += n * nrows
    return out


def _cell(line: Line) -> GridCell:
    s, t = line
    lead = len(t) - len(t.lstrip())
    return GridCell(s + lead, s + lead + len(t.strip()), t.strip())


def _grid(lines: list[Line], h: int, first: int, n: int, nrows: int) -> Grid:
    header = GridRow(lines[h][0], lines[first - 1][0] + len(lines[first - 1][1]), [_cell(ln) for ln in lines[h:first]])
    rows = []
    for k in range(nrows):
        group = lines[first + k * n: first + (k + 1) * n]
        rows.append(GridRow(group[0][0], group[-1][0] + len(group[-1][1]), [_cell(ln) for ln in group]))
    end = first + nrows * n
    return Grid("cell-per-line table", header.start, rows[-1].end, [header], rows, caption_before(lines, h),
                note_near(lines, h, end), confidence=0.8)
