"""Tables of a PDF, DOCX or HTML page written into the document text as Markdown pipe tables.

Why pipe tables: the extractor reads text, and a table whose cells are known (ruled PDF tables, Word and
HTML tables) must not be flattened back into a line of numbers it then has to split again; `| a | b |` rows
keep every cell a cell, and they are what an analyst recognises in a quote.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["cell_text", "pipe_table"]

_SPACE = re.compile(r"[ \t\u3000\xa0]+")
_BREAK = re.compile(r"\s*[\r\n]+\s*")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def cell_text(text: str | None) -> str:
    """One cell on one line: a line break inside a cell is dropped between Chinese characters, a space
    elsewhere (`市场\\n规模` → `市场规模`, `Market\\nsize` → `Market size`); `|` is escaped as `\\|`."""
    if not text:
        return ""
    parts = [p for p in _BREAK.split(text.strip()) if p]
    out = parts[0] if parts else ""
    for p in parts[1:]:
        out += ("" if _CJK.match(out[-1]) or _CJK.match(p[0]) else " ") + p
    return _SPACE.sub(" ", out).replace("|", "\\|")


def pipe_table(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """The lines of a pipe table: the first row is the header, then `|---|…|`, then the body. Rows with no
    text are dropped; short rows are padded. A first row that holds one text across every cell (a caption
    merged over the table) comes out as a plain line above the table, where a caption is printed.

    Returns [] when fewer than two rows or two columns hold text: that is not a table to read as cells."""
    cells = [[cell_text(c) for c in row] for row in rows]
    cells = [r for r in cells if any(r)]
    lines: list[str] = []
    if cells and len(cells[0]) > 1 and len({c for c in cells[0] if c}) == 1 and (
            len([c for c in cells[0] if c]) == 1 or all(cells[0])):
        lines.append(next(c for c in cells[0] if c))
        cells = cells[1:]
    width = max((len(r) for r in cells), default=0)
    # columns that are empty in every row (a border artefact) are dropped
    keep = [j for j in range(width) if any(j < len(r) and r[j] for r in cells)]
    cells = [[r[j] if j < len(r) else "" for j in keep] for r in cells]
    if len(cells) < 2 or len(keep) < 2:
        return []
    lines.append("| " + " | ".join(cells[0]) + " |")
    lines.append("|" + "---|" * len(keep))
    lines.extend("| " + " | ".join(r) + " |" for r in cells[1:])
    return lines
