"""What a figure looks like in running text: a number (Arabic, with thousands separators, or a small
Chinese numeral), an optional sign, `余`/`多`, a unit from the unit table, and an optional second number
that makes it a range.

Why one compiled pattern built from the unit table: every unit the model layer can convert is a unit the
prose reader must recognise, and nothing else; base units that would swallow model names, years and dates
are left out here, in one list.
"""
from __future__ import annotations

import re

from ...model import CURRENCIES, PREFIXES, base_units

__all__ = ["CN_DIGITS", "CN_FIGURE_RE", "FIGURE_RE", "TENTHS", "WORD_FIGURES", "WORD_FIGURE_RE"]

# Base units that are a single ASCII letter (t, m, g, h, K, W) or a calendar word (年, 月, 日) or ASCII
# currency signs read as units would swallow model names ("3.0T"), years and dates: leave them out.
_SKIP_BASES = {"", "分", "点", "年", "月", "日", "t", "m", "g", "h", "K", "W", "$", "year", "years", "day", "days",
               "month", "months", "percent", "pixel", "px", "inch", "Pa", "um", "pp", "pct", "ppt", "起", "名", "部",
               "支", "块", "处", "座", "轮", "笔", "只", "人次"}


def _unit_alternatives() -> list[str]:
    bases = {b: prefixed for b, prefixed in base_units().items() if b not in _SKIP_BASES}
    out = set(bases)
    for base, prefixed in bases.items():
        if prefixed:
            for p in PREFIXES:
                out.add(p + base)
    money = [c for c in CURRENCIES if not c.isascii()]
    counters = ["台", "个", "片", "套", "件", "颗", "只", "块", "吨", "平方米"]
    for m in money:
        for p in ("", "万", "亿", "千", "百万"):
            for c in counters:
                out.add(f"{p}{m}/{c}")
    # 块, 只, 支, 部 alone are too often not units (一块, 部门); after 万 or 亿 they are counts (91.3亿块)
    out |= {p + c for p in ("万", "亿", "千万", "百万") for c in ("块", "只", "支", "部")}
    out |= {"个百分点", "百分点", "%", "‰", "倍", "个月", "°C"}
    return sorted(out, key=len, reverse=True)


_UNIT = "|".join(map(re.escape, _unit_alternatives()))
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SEP = r"\s*(?:–|—|-|~|～|至|到)\s*"
FIGURE_RE = re.compile(
    rf"(?P<pm>±)?(?P<sign>[+\-−])?(?P<num>{_NUM})(?P<more>余|多)?\s?(?P<u1>{_UNIT})?"
    # a second number makes a range only in the first one's unit when it has one: 增长3%至205亿美元 is a growth
    # and a level, not 3–205
    rf"(?:(?P<sep>{_SEP})(?P<sign2>[+\-−])?(?P<num2>{_NUM})(?(u1)(?=\s?(?P=u1)))\s?(?P<u2>{_UNIT})?)?"
)
CN_DIGITS = "零〇一二两三四五六七八九十百千"
_CN_UNITS = ("家", "项", "所", "条", "倍", "款", "种", "次", "周", "个月", "个百分点", "座", "套", "台")
# 三成, 接近六成, 七成多: tenths (一成 = 10 %), the way Chinese writes a rough share; not 成 as the start of a
# word (成本, 成立, 成员, 成功, 成品, 成果, 成交, 成熟, 成型, 成像, 成长, 成都, 成套, 成效, 成分, 成绩); 三成为外资
# is 三成 + 为, so 为 does not part them
TENTHS = "成"
_NOT_TENTHS = "本立员功品果交熟型像长都套效分绩"
CN_FIGURE_RE = re.compile(rf"(?P<num>[{CN_DIGITS}]{{1,4}})(?P<u1>{'|'.join(_CN_UNITS)}|{TENTHS}(?![{_NOT_TENTHS}]))")

# Figures written as words, no numeral: 过半 (more than half), 近半, 一半/半数, 翻一番 (doubled) — each its value,
# unit and qualifier. Longest first, so 超过半数 is one figure, not 半数 after 超过.
WORD_FIGURES: dict[str, tuple[float, str, str]] = {
    "超过半数": (50.0, "%", "at_least"), "半数以上": (50.0, "%", "at_least"), "一半以上": (50.0, "%", "at_least"),
    "过半": (50.0, "%", "at_least"), "逾半": (50.0, "%", "at_least"),
    "将近一半": (50.0, "%", "about"), "接近一半": (50.0, "%", "about"), "近一半": (50.0, "%", "about"),
    "近半": (50.0, "%", "about"), "一半": (50.0, "%", "exact"), "半数": (50.0, "%", "exact"),
    "翻一番": (2.0, "倍", "exact"), "翻两番": (4.0, "倍", "exact"), "翻番": (2.0, "倍", "exact"),
}
# not the start of a word: 半导体 (近半导体, 一半导体), 半年/半月/半天 (a span of time), 半径, 半岛, 半成品
WORD_FIGURE_RE = re.compile("(?P<num>" + "|".join(sorted(map(re.escape, WORD_FIGURES), key=len, reverse=True))
                            + ")(?![导年月天日径岛成])")
