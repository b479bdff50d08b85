"""What a column header says about its cells: the unit printed in it, the sub-labels of a slash column, and
whether its values are shares of a whole (capped at 100) or signed changes.

Why apart from the scanning: the header is read once per table, and every later step (enumerating splits,
checking identities, naming each cell's indicator) asks the column, not the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ....errors import UnitError
from ....model import parse_unit
from .text_scan import YEAR_IN

__all__ = ["SHARE_OF_WHOLE", "Column", "header_base", "is_unit", "make_column", "unit_of", "unit_or_year"]

SHARE_OF_WHOLE = ("占比", "比例", "比重", "份额")  # a header naming a part of a whole: its parts sum to 100
_SHARE_WORDS = ("比重", "占比", "份额", "比例", "利用率", "毛利率", "依存度", "国产化率", "渗透率", "自给率", "良品率")
_CHANGE_WORDS = ("增长率", "增速", "同比", "变动", "变化", "差距", "差额")


def is_unit(text: str) -> bool:
    """Is the text of a header's parenthesised group a unit (a count word such as 个 included)?"""
    t = text.strip()
    if t in ("%", "‰", "百分点", "pp"):
        return True
    try:
        parse_unit(t)
        return True
    except UnitError as exc:
        return "ambiguous" in str(exc)  # 个, 件: a unit, its kind left to the indicator


def unit_of(header: str) -> str:
    """The unit printed in a column header's last parenthesised group, or ''."""
    m = re.search(r"\(([^()]*)\)\s*$", header)
    if m and is_unit(m.group(1)):
        return m.group(1).strip()
    return ""


def unit_or_year(paren: str) -> bool:
    """A group that ends a column header: a unit, or a year (销量(2025年))."""
    return is_unit(paren) or bool(YEAR_IN.search(paren))


@dataclass
class Column:
    """One value column: its header, unit, slash sub-labels, and whether it holds shares or signed changes."""

    header: str
    unit: str
    parts: list[str]          # sub-labels of a slash column (55/25/20), else []
    share: bool
    signed: bool

    @property
    def k(self) -> int:
        return max(1, len(self.parts))


def header_base(header: str) -> str:
    """The header without its last parenthesised group (its unit or sub-labels)."""
    return re.sub(r"\([^()]*\)\s*$", "", header)


def make_column(header: str) -> Column:
    """The column a printed header describes."""
    unit = unit_of(header)
    parts: list[str] = []
    m = re.search(r"\(([^()]*)\)\s*$", header)
    if m and "/" in m.group(1) and not unit:
        parts = [p.strip() for p in m.group(1).split("/") if p.strip()]
    base = header_base(header)
    share = (unit == "%" or (not unit and any(w in base for w in SHARE_OF_WHOLE))) and \
        any(w in base for w in _SHARE_WORDS) and not any(w in base for w in _CHANGE_WORDS)
    signed = any(w in base for w in _CHANGE_WORDS)
    return Column(header, unit, parts, share, signed)

