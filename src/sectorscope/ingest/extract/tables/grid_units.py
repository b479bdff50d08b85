"""The unit a table prints outside its cells: in a header's parentheses (`市场规模(亿元)`, `销量（万台）`), after
a `单位:` in a header, caption or note line, or as a trailing % (`增速%`); and the % a rate column implies
when its cells print none (`同比增长 | 24.9`).

Why apart: every found table reads its header, row names and caption for a unit the same way.
"""
from __future__ import annotations

import re

from .columns import header_base, is_unit

__all__ = ["implied_unit", "unit_in"]

_UNIT_NOTE = re.compile(r"单位\s*[:：]?\s*([^\s,，;；:：()（）|]{1,8})")
_RATES = ("增长率", "增速", "同比", "环比", "占比", "比重", "份额", "渗透率", "毛利率", "净利率", "利用率", "国产化率",
          "自给率", "良品率", "比例", "CAGR", "复合增长")


def unit_in(text: str) -> str:
    """The unit a header, row name, caption or note prints, or ''."""
    if not text:
        return ""
    m = _UNIT_NOTE.search(text)
    if m and is_unit(m.group(1)):
        return m.group(1)
    for g in reversed(re.findall(r"\(([^()]{1,10})\)", text)):
        if is_unit(g.strip()):
            return g.strip()
    if text.rstrip().endswith("%"):
        return "%"
    return ""


def implied_unit(header: str) -> str:
    """'%' for a rate column (增速, 占比, 毛利率 …) whose header prints no unit, else ''."""
    base = header_base(header)
    return "%" if any(w in base for w in _RATES) else ""
