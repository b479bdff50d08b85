"""The lines around a table found by its layout: the text as (start, line) pairs, the caption above a table
(`表1:2025年各省产量`, or a short title line) and a unit note (`单位:亿元`) just above or below it.

Why shared: the pipe, whitespace-aligned and cell-per-line readers all look for a table's caption and unit
note the same way.
"""
from __future__ import annotations

import re

from .text_scan import LABEL_BAD

__all__ = ["Line", "caption_before", "lines_of", "note_near"]

Line = tuple[int, str]   # (start in the normalised text, the line without its newline)

_CAPTION = re.compile(r"^\s*(?:表|Table|附表)\s*[\d一二三四五六七八九十]+")
_NOTE = re.compile(r"^\s*[(（]?\s*单位\s*[:：]")


def lines_of(text: str) -> list[Line]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]*", text) if m.start() == 0 or
            text[m.start() - 1] == "\n"]


_INTRO = re.compile(r"(?:如下|见下表|如下表所示|如表所示|统计如下)?\s*[。:：]$|(?:如下|见下表)$")


_AS_OF = re.compile(r"^\s*(?:截止日期|截至日期|截止|截至|报告期)\s*[:：]?\s*(?:19|20)\d\d[^\n]{0,20}$")


def caption_before(lines: list[Line], i: int) -> str:
    """The caption of a table whose first line is lines[i]: a `表N` line within two lines above, else a
    line right above that introduces it (…如下:, ending in a colon), else a short line right above that reads
    as a title (no sentence punctuation), else ''."""
    for k in (i - 1, i - 2):
        if k >= 0 and _CAPTION.match(lines[k][1]):
            return lines[k][1].strip()
    if i > 0:
        p = lines[i - 1][1].strip()
        if len(p) <= 60 and _INTRO.search(p):  # 2024年各地区产量如下: the line introducing the table names it
            return _INTRO.sub("", p)
        if _AS_OF.match(p):  # 截止日期:2025-06-30 right above a table: the date its figures run to
            return p
        if p and len(p) <= 30 and not LABEL_BAD.search(p) and not _NOTE.match(p) and not p.startswith("数据来源"):
            return p
    return ""


def note_near(lines: list[Line], i: int, j: int) -> str:
    """A `单位:…` line within two lines above the table (lines[i:j]) or right below it, or ''."""
    for k in (i - 1, i - 2, j):
        if 0 <= k < len(lines) and _NOTE.match(lines[k][1]):
            return lines[k][1].strip()
    return ""
