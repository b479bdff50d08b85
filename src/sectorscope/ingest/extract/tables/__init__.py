"""Tables of a report, rebuilt from its text.

Why tables are read apart from the prose: a table's figures get their meaning from its header and row
keys, not from the words around them, and a flattened row (`202585072084.778032.5`, its cell separators
lost when the report became text) would read as prose as one absurd number. Three readers:

- `flattened`: flattened tables, rebuilt by enumerating every split that obeys the hard rules (`splits`)
  and narrowing them by evidence (`resolve`: column formats, `identities`, magnitudes); a row that stays
  ambiguous is reported as an Ambiguity and never guessed;
- `rank_layout`: whitespace tables numbered by rank (`序号 公司名称 …`), read line by line;
- `dimension_layout`: line-layout tables whose rows are named by dimension values; the prose reader reads
  their figures and takes each one's row from it;
- `pipe`, `aligned`, `cell_lines`: tables whose cells the layout still shows — pipe/Markdown and box-drawing
  rows, columns aligned by two spaces or tabs, an HTML table pasted one cell per line. They only find the
  cells; `grid` gives each numeric cell its column, row, unit, indicator and period.

`find_tables` runs the flattened and rank readers, then the layout readers on what those left, and returns
their cells and the spans the prose reader must skip (less the text cells that hold figures: those stay
the prose reader's).
"""
from __future__ import annotations

from ..document import Document
from ..lexicon import Lexicon
from .aligned import aligned_grids, spaced_grids
from .cell_lines import cell_line_grids
from .flattened import read_flattened
from .grid import Grid, emit_grid
from .pipe import pipe_grids
from .rank_layout import read_rank_layout
from .result import Table, TableResult

__all__ = ["Table", "TableResult", "find_tables"]


def _grids(text: str) -> list[Grid]:
    """The tables whose cells the layout shows (pipes, aligned columns, one cell a line), first found first; one overlapping
    an earlier one is dropped."""
    out: list[Grid] = []
    for g in sorted([*pipe_grids(text), *aligned_grids(text), *spaced_grids(text), *cell_line_grids(text)], key=lambda g: g.start):
        if not any(o.start < g.end and g.start < o.end for o in out):
            out.append(g)
    return out


def find_tables(doc: Document, lexicon: Lexicon) -> TableResult:
    """Rebuild the flattened and whitespace-layout tables of a report; one Candidate per resolved cell,
    one Ambiguity per row whose split stays open."""
    res = TableResult()
    read_flattened(doc, lexicon, res)
    read_rank_layout(doc, lexicon, res)
    for grid in _grids(doc.text):
        if not any(a < grid.end and grid.start < b for a, b in res.spans):
            emit_grid(doc, lexicon, grid, res)
    res.tables.sort(key=lambda t: t.start)
    res.spans.sort()
    return res
