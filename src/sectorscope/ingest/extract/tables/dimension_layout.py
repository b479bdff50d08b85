"""The reader of layout tables whose rows are named by dimension values: PDF-to-text output where a header
line begins with a row key (区域 …), each row begins with a line holding only a dimension value (华北) and
its cells flow on the lines below (the regional resource table).

Why it only marks rows: the cells of such a table are running figures with their own units and words
(`拥有相关企业70家以上`), which the prose reader reads best; what the table adds is the row each figure belongs to,
which `row_at` answers for a position.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import Lexicon

__all__ = ["LayoutTable", "layout_tables"]


@dataclass
class LayoutTable:
    """A table laid out by lines (PDF-to-text): a header line whose first word is a row key (区域 …),
    rows that begin with a line holding only a dimension value (华北), cells flowing below it."""

    start: int
    end: int
    caption: str
    key: str
    rows: list[tuple[int, str]]

    def row_at(self, pos: int) -> str | None:
        """The row a position of the normalised text falls in (None above the first row)."""
        label = None
        for start, name in self.rows:
            if start <= pos:
                label = name
        return label


_CAPTION = re.compile(r"^\s*(表\s*\d+[.．、]?\s*[^\n]{2,40})$", re.M)


def layout_tables(text: str, lexicon: Lexicon) -> list[LayoutTable]:
    """Tables of layout text whose rows are named by dimension values (the regional resource table)."""
    out = []
    for m in re.finditer(r"^[ \t]*(\S+)(?:[ \t]+\S+){2,}[ \t]*$", text, re.M):
        key = lexicon.row_keys.get(m.group(1))
        if key is None or key == "period":
            continue
        rows: list[tuple[int, str]] = []
        end = m.end()
        for line in re.finditer(r"^[ \t]*([^\n]*?)[ \t]*$", text[m.end():m.end() + 6000], re.M):
            word = line.group(1)
            at = m.end() + line.start()
            if _CAPTION.match(word) or re.match(r"^(图|数据来源)", word):
                end = at
                break
            hits = lexicon.dimension_hits(word)
            if hits and hits[0].start == 0 and hits[0].end == len(word) and any(d == key for d, _ in hits[0].values):
                rows.append((at, next(v for d, v in hits[0].values if d == key)))
            end = at + len(line.group(0))
        if len(rows) < 2:
            continue
        cap = _CAPTION.search(text, end, end + 200)
        caption = cap.group(1).strip() if cap else m.group(0).strip()
        out.append(LayoutTable(m.start(), end, caption, key, rows))
    return out
