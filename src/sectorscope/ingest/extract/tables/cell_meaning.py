"""What one table cell means beyond its number: the period it belongs to (column header, row key, a sibling
header or the nearest year before the table), the indicator its column (or row) names, and a status cue
in its row key.

Why shared: the flattened and the rank-layout readers both name cells this way, and a cell's `why` says
which of these sources decided.
"""
from __future__ import annotations

import re

from ..lexicon import Lexicon
from .columns import Column
from .text_scan import YEAR, YEAR_IN

__all__ = ["context_year", "indicator_of", "period_of", "status_of"]

_STATUS = (("预估", "estimate"), ("估计", "estimate"), ("预测", "forecast"), ("预计", "forecast"), ("E", "estimate"),
           ("F", "forecast"))


def status_of(label: str) -> str | None:
    """Status cue of a row key: 2024(预估), 2026E, 2027(预测)."""
    m = re.search(r"\(([^()]*)\)", label)
    cue = m.group(1).strip() if m else (label[4:] if YEAR.match(label) else "")
    for w, st in _STATUS:
        if cue and (w in cue if len(w) > 1 else w == cue):
            return st
    return None


def context_year(text: str, start: int) -> str:
    best = ""
    for m in YEAR_IN.finditer(text, max(0, start - 3000), start):
        best = m.group(1)
    return best


def period_of(col: Column, row_label: str, year_row: bool, siblings: list[Column], text: str, start: int
              ) -> tuple[str, str]:
    m = YEAR_IN.search(col.header)
    if m and m.group(2) and m.group(2).startswith("Q"):
        return m.group(1) + m.group(2), "period from the column header"
    if year_row:
        return row_label[:4], "period from the row key"
    if m:
        return m.group(1), "period from the column header"
    for s in siblings:
        ms = YEAR_IN.search(s.header)
        if ms:
            return ms.group(1), "period from a sibling column header (this one names none)"
    y = context_year(text, start)
    return (y, "period from the nearest year before the table (the table names none)") if y else ("", "no period")


def indicator_of(lexicon: Lexicon, header: str, cols: list[Column], row_label: str = "") -> tuple[str, str]:
    """(indicator, why) for a column. The header's longest indicator term, turned into its growth, CAGR or
    change when the header says so after the term (平均出厂价同比变动 → price_change); a bare growth header
    (年增长率) is the growth of the nearest column to its left that has one (tables print a level, then its
    growth); a header naming no indicator (国产设备性能指标) leaves it to the row label (晶圆级键合强度)."""
    hits = lexicon.indicator_hits(header)
    if hits:
        best = max(hits, key=lambda h: len(h.term))
        term = best.values[0]
        for form in ("cagr", "growth", "change"):
            code = term.form(form)
            if code and code != term.code and any(f.start >= best.end for f in lexicon.form_hits(form, header)):
                return code, f"indicator: {form} of {best.term} in the column header"
        return term.code, f"indicator from the column header ({best.term})"
    if lexicon.form_hits("growth", header):
        idx = next((i for i, c in enumerate(cols) if c.header == header), -1)
        for c in reversed(cols[:max(idx, 0)]):
            for h in lexicon.indicator_hits(c.header):
                f = h.values[0].form("growth")
                if f:
                    return f, f"indicator: growth of the column to its left ({h.term})"
    rhits = lexicon.indicator_hits(row_label) if row_label else []
    if rhits:
        best = max(rhits, key=lambda h: len(h.term))
        return best.values[0].code, f"indicator from the row label ({best.term}); the column names none"
    return "", "no indicator term in the column header"

