"""What the charts say and how their text is broken into lines.

The zh/en wording of every chart is the glossary's `chart` group (present/glossary.yaml). Labels are broken by
display width (a CJK character is two half-widths wide), because matplotlib does not wrap text and a label
that runs off the figure is lost: Chinese may break between any two characters, Latin words stay whole, and
punctuation follows the Chinese line-breaking rules.
"""
from __future__ import annotations

import re
import unicodedata

from ...errors import UsageError
from ...present import LANGS, glossary, term

__all__ = ["text_width", "texts", "truncate", "wrap"]

def texts(lang: str) -> dict[str, str]:
    """The charts' wording in `lang` ("zh" or "en"): the glossary's `chart` group."""
    if lang not in LANGS:
        raise UsageError(f"lang must be 'zh' or 'en', got {lang!r}")
    return {key: term("chart", key, lang) for key in glossary().groups["chart"]}


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
            if line and text_width(line) < width:  # a line already full breaks here: its space would dangle
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
