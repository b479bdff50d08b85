"""Sentences and clauses of normalised report text.

Why its own module: a figure's indicator, qualifier, sign and quote are all looked for within its sentence
and clause, and the commas that end a clause are not the commas of `1,820`; one definition of both keeps
the readers agreeing on where a clause begins.
"""
from __future__ import annotations

import re

__all__ = ["CLAUSE_END", "clause_start", "sentences"]

_SENT_END = re.compile(r"[。！？!?;；]|\n\s*\n")
CLAUSE_END = re.compile(r"[，:：。；;()（）]|,(?!\d{3}(?!\d))")  # not the comma of 1,820


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of normalised text."""
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        if m.end() > pos:
            out.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


def clause_start(text: str, s: int, fs: int) -> int:
    """Where the clause holding position `fs` begins, within the sentence starting at `s`."""
    starts = [m.end() for m in CLAUSE_END.finditer(text, s, fs)]
    return starts[-1] if starts else s
