"""The reader of whitespace-aligned tables: columns parted by two spaces or more (or tabs), a header line of
names, then rows of a name and numbers (`华东    320.5    41.0%`), the ranked kind aside (`rank_layout`).

Why so strict about what a table is: prose rarely holds a double space, but PDF text can; a block is read
only when every line splits into the same number of fields, the first line names the columns and every row
holds a number — otherwise the prose reader keeps it.
"""
from __future__ import annotations

import re

from .cell_value import read_cell
from .grid import Grid, GridCell, GridRow
from .layout_lines import Line, caption_before, lines_of, note_near

__all__ = ["aligned_grids", "spaced_grids"]

_FIELD = re.compile(r"[^\t ]+(?: [^\t ]+)*")   # a field: words joined by single spaces


def _fields(line: Line) -> list[GridCell]:
    start, text = line
    return [GridCell(start + m.start(), start + m.end(), m.group(0)) for m in _FIELD.finditer(text)]


def _aligned(text: str) -> bool:
    return bool(re.search(r"\S(?:\t| {2,})\S", text))


def _is_value(cell: GridCell) -> bool:
    # a year (2024, 2024年) names a column or a row; 2045.48万 is a value
    return read_cell(cell.text) is not None and not re.fullmatch(r"(?:19|20)\d\d(?:年度?)?", cell.text.strip())


def _grid(lines: list[Line], i: int, j: int) -> Grid | None:
    header = GridRow(lines[i][0], lines[i][0] + len(lines[i][1]), _fields(lines[i]))
    rows = [GridRow(s, s + len(t), _fields((s, t))) for s, t in lines[i + 1:j]]
    width = len(rows[0].cells)
    if any(_is_value(c) for c in header.cells[1:]) or len(header.cells) not in (width, width - 1):
        return None
    if len(header.cells) == width - 1:
        header.cells.insert(0, GridCell(header.start, header.start, ""))
    if any(len(r.cells) != width or not any(_is_value(c) for c in r.cells[1:]) for r in rows):
        return None
    return Grid("whitespace-aligned table", header.start, rows[-1].end, [header], rows,
                caption_before(lines, i), note_near(lines, i, j), confidence=0.8)


def aligned_grids(text: str) -> list[Grid]:
    """Every whitespace-aligned table of the normalised text (a header and two rows or more)."""
    lines = lines_of(text)
    out = []
    i = 0
    while i < len(lines):
        if not _aligned(lines[i][1].strip()):
            i += 1
            continue
        j = i + 1
        width = len(_fields(lines[i + 1])) if i + 1 < len(lines) else 0
        while j < len(lines) and _aligned(lines[j][1].strip()) and len(_fields(lines[j])) == width:
            j += 1
        g = _grid(lines, i, j) if j - i >= 3 and width >= 2 else None
        if g is not None:
            out.append(g)
            i = j
        else:
            i += 1
    return out


# Single-space tables (stock-terminal F10 pages, pasted terminal output): `项目名 营业收入(元) 收入比例(%)` over
# `智慧监控(产品) 1.68亿 67.36`. A single space parts words in prose too, so a block is a table only when its
# header has three names or more and at least two rows split into exactly as many fields, every field after
# the row's name a value; rule lines (─── or ---) between rows are passed over.
_TOKEN = re.compile(r"\S+")
_RULE = re.compile(r"^\s*[─━═\-=_]{5,}\s*$")


def _tokens(line: Line) -> list[GridCell]:
    start, text = line
    return [GridCell(start + m.start(), start + m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def _spaced_row(line: Line, width: int) -> GridRow | None:
    cells = _tokens(line)
    if len(cells) != width or _is_value(cells[0]) or not all(_is_value(c) for c in cells[1:]):
        return None
    return GridRow(line[0], line[0] + len(line[1]), cells)


def spaced_grids(text: str) -> list[Grid]:
    """Every single-space table of the normalised text (a header of three names or more, two rows or more)."""
    lines = lines_of(text)
    out: list[Grid] = []
    i = 0
    while i < len(lines):
        head = _tokens(lines[i])
        width = len(head)
        if width < 3 or any(_is_value(c) for c in head) or len(lines[i][1]) > 200:
            i += 1
            continue
        rows: list[GridRow] = []
        j = i + 1
        while j < len(lines):
            if _RULE.match(lines[j][1]):
                j += 1
                continue
            row = _spaced_row(lines[j], width)
            if row is None:
                break
            rows.append(row)
            j += 1
        if len(rows) >= 2:
            header = GridRow(lines[i][0], lines[i][0] + len(lines[i][1]), head)
            out.append(Grid("single-space table", header.start, rows[-1].end, [header], rows,
                            caption_before(lines, i), note_near(lines, i, j), confidence=0.8))
            i = j
        else:
            i += 1
    return out
