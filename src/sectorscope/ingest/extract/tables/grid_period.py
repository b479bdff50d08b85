"""The period of one cell of a found table: its column header's, else (months without a year, `10月产量`)
the header's months read with the caption's year, else the row name's (a year row), else a sibling header's
to its left, else the caption's; else open — the nearest year before the table would be a guess.

Why through `periods.periods_in`: the period forms (years, quarters, month ranges) are read in one place; a
header is handed to it as printed, so every form it learns to read flows into the tables.
"""
from __future__ import annotations

import re

from ..periods import periods_in
from .cell_meaning import context_year
from .text_scan import YEAR

__all__ = ["cell_period"]

_YEARISH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_PART = re.compile(r"上半年|下半年|前三季度|季度|\d\s*季|(?<![A-Za-z])[QH][1-4](?![0-9])")
_GROWTH = ("同比", "增速", "增长率", "增幅", "环比")
_MONTHS = re.compile(r"\d{1,2}\s*(?:[-–~至]\s*\d{1,2}\s*)?月")


def _period(text: str, spans: bool = True) -> str:
    """The last period printed in `text` that is not the base of a comparison (nor a span of years, unless
    `spans`), or ''."""
    ps = [p for p in periods_in(text, 0, len(text)) if not p.base and (spans or not p.span)]
    return ps[-1].text if ps else ""


def _coarse(text: str, period: str) -> bool:
    """A text naming part of a year (10月, 1-10月, 上半年, H1, 季度) read as a bare year: the period would be
    coarser than printed."""
    return bool(_MONTHS.search(text) or _PART.search(text)) and period.isdigit()


def _caption_year(caption: str) -> str:
    m = YEAR.search(caption)
    return m.group(0) if m else ""


def cell_period(text: str, start: int, header: str, left_headers: list[str], label: str, year_rows: bool,
                caption: str) -> tuple[str, str, bool]:
    """(period, why, sure) of a cell under `header` in the row named `label` of a table at text[start]."""
    p = _period(header)
    if p and not _coarse(header, p):
        return p, "period from the column header", True
    ym = _YEARISH.search(header)
    if ym and not p:
        return ym.group(0), f"the column header names a period not read as one ({header}): check it", False
    months = _MONTHS.search(header)
    if months:
        year = _caption_year(caption) or context_year(text, start)
        if year:
            p = _period(f"{year}年{header}")
            if p and p != year:
                return p, "months from the column header, year from the caption or the text before", True
            return year, ("year from the caption or the text before; the header's months "
                          f"({months.group(0)}) are not read as a period: check it"), False
    if year_rows:
        p = _period(label)
        if p and _coarse(label, p):
            return p, "period from the row name, whose months are not read as a period: check it", False
        if p:
            return p, "period from the row name", True
        m = YEAR.match(label)
        if m:
            return m.group(0), "period from the row name", True
    for h in reversed(left_headers):
        p = _period(h)
        if p:
            growth = any(w in header for w in _GROWTH)
            return p, "period from a column header to its left (this one names none)" + (
                "" if growth else ": check it"), growth and not _coarse(h, p)
    p = _period(caption, spans=False)
    if p:
        return p, "period from the table caption" + (", whose months are not read: check it" if _coarse(
            caption, p) else ""), not _coarse(caption, p)
    # the nearest year before the table would be a guess (a 2024 annual report's segment table may well be of
    # 2024, or of every year the report covers): the table names none, so its period stays open
    return "", "no period in the table's header, rows or caption: left open", True
