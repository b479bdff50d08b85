"""The period a passage is speaking of, carried from sentence to sentence.

Why: reports state a year once and let the next sentences lean on it ("2023年,中国MEMS市场规模达到X亿元。其
中,智能传感器贡献Y亿元。"), a heading or a table caption dates what follows it ("2024年市场回顾"), and a list
introduced by a dated line ("2025年1-6月主要数据如下:") dates each of its items. A sentence with no period of
its own takes the one its passage carries. What stops the carry is where the text changes subject: a blank
line, a new paragraph, a new heading, the next item of a list (items are siblings: one item's year is not
the next item's), and words that speak from now (目前, 当前), which `periods` reads.

The structure is read from line shapes, which is what survives of a page once it is text: a heading is a
short line without a sentence's end; an item starts with a bullet or a number (-, •, ①, 1., (1), 一、).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .periods import Period

__all__ = ["Flow"]

_BULLET = re.compile(r"\s*(?:[-–•·●▪■◆◇○*※>]|[①-⑳]|\(?\d{1,2}[.、)）](?!\d)|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}[、.])\s*")
_MARK = re.compile(r"[-–•·●▪■◆◇○*※]")
_SENTENCE_END = re.compile(r"[。!?！？;；]\s*$")
_HEADING_MAX = 40


@dataclass
class Flow:
    """Walks a document's sentences in order and says, for each, the period its passage carries."""

    text: str
    line_starts: list[int] = field(init=False)
    kinds: list[str] = field(init=False)
    _line: int = -1
    _section: Period | None = None     # from the last heading (or caption)
    _paragraph: Period | None = None   # from the sentences of this paragraph so far
    _intro: Period | None = None       # from the line that introduced the list being read
    _in_list: bool = False

    def __post_init__(self) -> None:
        self.line_starts, self.kinds = [], []
        pos, prev = 0, ""
        for line in self.text.splitlines(keepends=True):
            self.line_starts.append(pos)
            kind = _kind(line)
            if self.kinds and self.kinds[-1] == "mark" and kind in ("text", "heading"):
                kind = "item"  # "-" on a line of its own, the item's words on the next (pages pasted as text)
            elif kind in ("text", "heading") and self.kinds and self.kinds[-1] in ("text", "item", "cont") \
                    and not _SENTENCE_END.search(prev.strip()) and not re.search(r"[:：]\s*$", prev):
                kind = "cont"  # a paragraph wrapped over lines (a PDF's text layer): the same passage
            self.kinds.append(kind)
            pos, prev = pos + len(line), line

    def passages(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Sentence spans cut again where a line starts a new passage (a heading, an item, a paragraph), so a
        list's items and a heading are read apart even when no 。 ends them; a wrapped line is not cut."""
        cuts = [a for a, k in zip(self.line_starts, self.kinds, strict=True)
                if k not in ("cont", "blank", "mark") and a > 0]
        out: list[tuple[int, int]] = []
        for s, e in spans:
            i = bisect.bisect_right(cuts, s)
            while i < len(cuts) and cuts[i] < e:
                if cuts[i] > s:
                    out.append((s, cuts[i]))
                    s = cuts[i]
                i += 1
            out.append((s, e))
        return out

    @property
    def period(self) -> Period | None:
        """The period the passage carries now (the paragraph's, else its section's)."""
        return self._paragraph or self._section

    def enter(self, start: int) -> None:
        """A sentence begins at `start`: take in the lines passed since (each can end or start a passage)."""
        self._advance(bisect.bisect_right(self.line_starts, start) - 1)

    def _advance(self, li: int) -> None:
        while self._line < li:
            self._line += 1
            kind = self.kinds[self._line]
            if kind == "blank":
                self._paragraph = None  # a list's items may be spaced by blank lines: its intro stays
            elif kind == "heading":
                self._section, self._paragraph, self._intro, self._in_list = None, None, None, False
            elif kind == "item":
                if not self._in_list:
                    self._intro, self._in_list = self._paragraph or self._section, True
                self._paragraph = self._intro
            elif kind == "text":
                self._paragraph, self._intro, self._in_list = None, None, False

    def leave(self, periods: list[Period], end: int) -> None:
        """A sentence ends at `end`: its last period of its own is what the passage carries on."""
        self._advance(bisect.bisect_right(self.line_starts, max(end - 1, 0)) - 1)
        own = [p for p in periods if not p.base and not p.span and not p.local]
        if not own:
            return
        last = own[-1]
        li = bisect.bisect_right(self.line_starts, last.start) - 1
        if self.kinds[li] == "heading":
            self._section = last if last.text else None
            self._paragraph = None
        else:
            self._paragraph = last if last.text else _OPEN


_OPEN = Period(0, 0, "", 0, False)  # 目前 with no report date: the passage speaks of a period nobody dated


def _kind(line: str) -> str:
    s = line.strip()
    if not s:
        return "blank"
    if _MARK.fullmatch(s):
        return "mark"
    if _BULLET.match(line) and len(s) > 2:
        return "item"
    if len(s) <= _HEADING_MAX and not _SENTENCE_END.search(s) and not re.search(r"[,，]", s):
        return "heading"
    return "text"
