"""What one table cell holds: a number (its sign, thousands separators, a unit or % printed in the cell, a
comparison sign or a range, a footnote mark after it), an empty mark (—, -, N/A), or text.

Why apart from the table readers: a cell whose separators survived (a pipe, a tab, its own line) is read the
same way whatever the table's layout, and it must be read whole — `12.5*` is 12.5 with a footnote, `—` is no
figure at all, `从磁钢到整机一体化,成本降低12%` is text the prose reader reads, not a cell value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ....model import parse_number
from .columns import is_unit

__all__ = ["SCALES", "CellValue", "is_empty_mark", "read_cell"]

SCALES = ("万亿", "千万", "百万", "万", "亿", "千")
"""A scale printed alone in a cell (`1.68亿` under 营业收入(元)): the unit is the header's, at that scale."""

_EMPTY = {"", "-", "—", "——", "–", "--", "---", "/", "n/a", "na", "n.a.", "nan", "null", "none", "无", "暂无", "…",
          "...", "x", "*"}
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CELL = re.compile(
    rf"(?P<q>约|近|超过|不足|低于|高于|>=|<=|>|<|≥|≤)?\s*(?P<sign>[+\-−])?(?P<num>{_NUM})"
    rf"(?:\s*(?P<sep>-|–|—|~|～|至)\s*(?P<sign2>[+\-−])?(?P<num2>{_NUM}))?"
    r"\s*(?P<unit>[^\d\s*\[\]†‡#]{1,8}?)?"
    r"\s*(?P<note>\*+|\[\d{1,2}\]|†|‡|#|\(注\d?\)|注\d?)?\s*$")
_QUALIFIER = {"约": "about", "近": "about", "超过": "at_least", "高于": "at_least", ">": "at_least", ">=": "at_least",
              "≥": "at_least", "不足": "at_most", "低于": "at_most", "<": "at_most", "<=": "at_most", "≤": "at_most"}


@dataclass
class CellValue:
    """A number read from a cell: offsets are relative to the cell's text."""

    printed: float
    printed_high: float | None
    as_printed: str           # the number as printed (sign and separators kept)
    high_as_printed: str | None
    unit: str                 # the unit printed in the cell, or ''
    qualifier: str
    start: int                # the number (and its unit) within the cell's text
    end: int


def is_empty_mark(text: str) -> bool:
    """A cell that says 'no figure': blank, a dash, N/A."""
    return text.strip().lower() in _EMPTY


def read_cell(text: str) -> CellValue | None:
    """The number a cell holds, or None when it holds text, an empty mark or a number with a word that is
    no unit (`35dB` is read only if dB were a unit: text otherwise, left to the prose reader)."""
    t = text.strip()
    lead = len(text) - len(text.lstrip())
    m = _CELL.fullmatch(t)
    if not m:
        return None
    unit = (m.group("unit") or "").strip()
    if unit and unit not in SCALES and not is_unit(unit):
        return None
    if unit in ("年", "年度") and re.fullmatch(r"(?:19|20)\d\d", m.group("num")):
        return None  # 2024年: a date
    sign = -1.0 if m.group("sign") in ("-", "−") else 1.0
    try:
        printed = sign * parse_number(m.group("num"))
        high = None
        if m.group("num2"):
            high = (-1.0 if m.group("sign2") in ("-", "−") else 1.0) * parse_number(m.group("num2"))
    except ValueError:
        return None
    if high is not None and high < printed:
        return None  # 2025-10 in a cell: a date, not a range
    qualifier = "range" if high is not None else _QUALIFIER.get(m.group("q") or "", "exact")
    num_start = m.start("sign") if m.group("sign") else m.start("num")
    num_end = m.end("unit") if unit else (m.end("num2") if high is not None else m.end("num"))
    as_printed = t[num_start:m.end("num")]
    return CellValue(printed, high, as_printed, m.group("num2"), unit, qualifier, lead + num_start, lead + num_end)
