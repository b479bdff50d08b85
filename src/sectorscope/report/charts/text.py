"""What the charts say and how their text is broken into lines.

The zh/en wording of every chart lives here, so the two languages stay side by side. Labels are broken by
display width (a CJK character is two half-widths wide), because matplotlib does not wrap text and a label
that runs off the figure is lost: Chinese may break between any two characters, Latin words stay whole, and
punctuation follows the Chinese line-breaking rules.
"""
from __future__ import annotations

import re
import unicodedata

from ...errors import UsageError

__all__ = ["text_width", "texts", "truncate", "wrap"]

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "year": "年份",
        "observed": "实际值",
        "mean": "预测均值",
        "band80": "80% 预测区间",
        "band95": "95% 预测区间",
        "reported": "报告预测",
        "no_data": "无数据",
        "elasticity": "供需弹性指数(+ 短缺,− 过剩)",
        "shortage": "短缺(+)",
        "surplus": "过剩(−)",
        "interval": "区间",
        "limit": "阈值 ±{limit}",
        "demand": "需求评分(0–1)",
        "trl": "技术成熟度(TRL)",
        "hollow": "空心点:需求区间跨越分界线",
        "unplaced": "缺需求数据、未定位:{names}",
        "rank": "排名(中位数与 95% 区间,1 为最高)",
        "score": "指数得分(点估计与 95% 区间)",
        "list_sep": "、",
        "tier": "{label}({tier})",
    },
    "en": {
        "year": "year",
        "observed": "observed",
        "mean": "forecast mean",
        "band80": "80% interval",
        "band95": "95% interval",
        "reported": "report's forecast",
        "no_data": "no data",
        "elasticity": "supply-demand elasticity index (+ shortage, − surplus)",
        "shortage": "shortage (+)",
        "surplus": "surplus (−)",
        "interval": "interval",
        "limit": "threshold ±{limit}",
        "demand": "demand score (0–1)",
        "trl": "technology readiness level (TRL)",
        "hollow": "hollow: demand interval straddles the cut",
        "unplaced": "no demand data, not placed: {names}",
        "rank": "rank (median and 95% interval, 1 = best)",
        "score": "index score (point and 95% interval)",
        "list_sep": ", ",
        "tier": "{label} ({tier})",
    },
}


def texts(lang: str) -> dict[str, str]:
    """The charts' wording in `lang` ("zh" or "en")."""
    if lang not in _TEXT:
        raise UsageError(f"lang must be 'zh' or 'en', got {lang!r}")
    return _TEXT[lang]


def text_width(text: str) -> int:
    """Display width in half-width units: a CJK (wide or full-width) character counts 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%'’&/+\-]*|\s+|.", re.DOTALL)
_NO_LINE_START = set(",。、;:!?)】》」』,.;:!?)%")
_NO_LINE_END = set("(【《「『(")


def _greedy_lines(text: str, width: int) -> list[str]:
    """Greedy line breaking by display width: Chinese may break between any two characters, Latin words stay
    whole, closing punctuation never starts a line and an opening bracket never ends one."""
    lines: list[str] = []
    line = ""
    for tok in _TOKEN.findall(text.strip()):
        if tok.isspace():
            if line:
                line += " "
            continue
        if line and text_width(line + tok) > width and tok[0] not in _NO_LINE_START:
            carry, line = "", line.rstrip()
            while line[-1] in _NO_LINE_END and len(line) > 1:
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line.rstrip())
            line = carry + tok
        else:
            line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines


def wrap(text: str, width: int, max_lines: int = 3) -> str:
    """Lines at most `width` wide. When the last line would be a stub (under a quarter of the width), the lines
    are balanced instead: the narrowest width giving the same number of lines, so a label breaks
    "微型振动马达 / (可穿戴设备用)" rather than "微型振动马达(可穿戴设备 / 用)". Past `max_lines` the text
    ends in an ellipsis."""
    lines = _greedy_lines(text, width)
    if 1 < len(lines) <= max_lines and text_width(lines[-1]) < width / 4:
        for narrower in range(width - 1, width // 2, -1):
            trial = _greedy_lines(text, narrower)
            if len(trial) != len(lines):
                break
            lines = trial
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return "\n".join(lines)


def truncate(text: str, width: int) -> str:
    """`text` cut to `width` half-widths, ending in an ellipsis when cut."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
