"""Periods in running text (2025年, 2025年一季度, 2024Q3, 2025年1-3月, 2020-2025年) and the period a figure
belongs to.

Why its own module: a figure's period is rarely printed beside it. It is the period written just before it
in its sentence, or the one after it in its clause, or the span a CAGR runs over, or a base year turned
into a change since that year, or else the year the report speaks from; each choice is said in `why`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .clauses import CLAUSE_END
from .document import Document

__all__ = ["PERIOD_RE", "Period", "is_year_token", "period_for", "periods_in", "report_year"]

_YEAR = r"(?:19[5-9]\d|20\d\d)"
PERIOD_RE = re.compile(
    rf"(?P<y>{_YEAR})(?:\s*年?\s*(?:–|—|-|~|～|至|到)\s*(?P<y2>{_YEAR}))?\s*(?:年|\b)(?:度)?"
    r"(?:\s*(?:(?P<q>Q[1-4])|第(?P<qc>[一二三四])季度|(?P<qd>[一二三四1-4])季度|(?P<m1>\d{1,2})\s*(?:–|—|-|~|至)\s*(?P<m2>\d{1,2})\s*月))?"
)
_BASE_MARK = ("较", "比", "相比", "相较", "对比", "与", "从", "由", "自", "较之")
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass
class Period:
    """A period printed in a sentence; `base` when it is the base of a comparison (较2024年)."""

    start: int
    end: int
    text: str
    year: int
    base: bool
    span: tuple[int, int] | None = None


def report_year(doc: Document) -> int | None:
    """The year the report speaks from: a year in its first line (titles say '2025年及未来5年'), else the
    most frequent year in the text."""
    first = doc.text.strip().split("\n", 1)[0][:300]
    m = re.search(_YEAR, first)
    if m:
        return int(m.group(0))
    years = Counter(int(y) for y in re.findall(rf"(?<!\d)({_YEAR})年", doc.text))
    return years.most_common(1)[0][0] if years else None


def periods_in(text: str, s: int, e: int) -> list[Period]:
    """The periods printed in text[s:e] (a bare 4-digit number only when it is not a quantity)."""
    out = []
    for m in PERIOD_RE.finditer(text, s, e):
        if m.start() > 0 and text[m.start() - 1].isdigit():
            continue
        if m.end() < len(text) and text[m.end() - 1].isdigit() and m.end() < len(text) and text[m.end()].isdigit():
            continue
        y = int(m.group("y"))
        before = text[max(s, m.start() - 3) : m.start()]
        base = any(before.endswith(b) for b in _BASE_MARK)
        if m.group("y2"):
            y2 = int(m.group("y2"))
            if y2 <= y:
                continue
            out.append(Period(m.start(), m.end(), f"{y}/{y2}", y2, base, (y, y2)))
            continue
        q = m.group("q")
        if q:
            label = f"{y}{q}"
        elif m.group("qc") or m.group("qd"):
            label = f"{y}Q{_Q[m.group('qc') or m.group('qd')]}"
        elif m.group("m1") and m.group("m2"):
            m1, m2 = int(m.group("m1")), int(m.group("m2"))
            label = f"{y}Q{(m2 + 2) // 3}" if m1 in (1, 4, 7, 10) and m2 == m1 + 2 else str(y)
        else:
            label = str(y)
        # a bare 4-digit number not followed by 年 is a period only when it is not a quantity
        if not m.group(0).rstrip().endswith(("年", "度")) and not q and not label[4:]:
            nxt = text[m.end() : m.end() + 1]
            if nxt and (nxt.isdigit() or nxt in "%万亿元台家个"):
                continue
        out.append(Period(m.start(), m.end(), label, y, base))
    return out


def is_year_token(text: str, start: int, end: int, num: str) -> bool:
    """Is the number text[start:end] a year (2025年, either end of 2020-2025) rather than a quantity?"""
    if not re.fullmatch(_YEAR, num):
        return False
    after = text[end : end + 2]
    return not after or after[0] in "年–—-~～至到/)(（）Q、,，" or after[0].isspace() or (after[0].isalpha() and not after[0].isascii())


def _span_end(text: str, periods: list[Period], s: int, fs: int, form: str | None, why: list[str]) -> str | None:
    """A figure read against a span: a CAGR runs over the nearest span in its sentence; `从` / `至` right
    before a figure after a span (2020-2025年,从38%提升至52%) make it the span's first or last year."""
    if form == "cagr":
        spans = [p for p in periods if p.span]
        if spans:
            best = min(spans, key=lambda p: abs(p.start - fs))
            why.append(f"CAGR over {best.text}")
            return best.text
        return None
    before = [(p.text, p.span) for p in periods if p.span and p.end <= fs and not text[p.end:fs].count("。")]
    if before:
        name, (first, last) = before[-1]
        lead = text[max(s, fs - 8):fs]
        if re.search(r"从(?:大约|约)?$", lead):
            why.append(f"start of {name}")
            return str(first)
        if re.search(r"(?:至|到)(?:约)?$", lead):
            why.append(f"end of {name}")
            return str(last)
    return None


def period_for(text: str, periods: list[Period], s: int, fs: int, fe: int, form: str | None,
               year0: int | None, why: list[str]) -> tuple[str, bool]:
    """(period, whether the sentence states it) of the figure text[fs:fe], its reasons added to `why`: a
    span's year, else the period just before it (a base year binds the figure right after it), else the
    first after it in its clause, else the report's year; a change after a base year runs since that year."""
    spanned = _span_end(text, periods, s, fs, form, why)
    if spanned is not None:
        return spanned, True
    before = [p for p in periods if p.end <= fs and not p.span]
    after = [p for p in periods if p.start >= fe and not p.span]
    own = [p for p in before if not p.base]
    # 从2020年的38%: a base year binds the figure right after it ("的", "的平均")
    direct = [p for p in before if fs - p.end <= 4 and re.fullmatch(r"(?:的|的平均|的约|为|达|仅)?\s*", text[p.end:fs])]
    direct = direct or [p for p in own if fs - p.end <= 4 and not re.search(r"\d", text[p.end:fs])]
    current: Period | None = direct[-1] if direct else (own[-1] if own else None)
    if current is None:
        nxt_clause = CLAUSE_END.search(text, fe)
        clause_end = nxt_clause.start() if nxt_clause else len(text)
        nxt = [p for p in after if p.start < clause_end and not p.base]
        current = nxt[0] if nxt else None
    label = current.text if current else (str(year0) if year0 else "")
    base = [p for p in before if p.base and (current is None or p.start > current.start)]
    if form == "change" and base and text[base[-1].end : base[-1].end + 2] != "同期" and label[:4].isdigit() \
            and base[-1].year < int(label[:4]):
        label = f"{base[-1].year}/{label[:4]}"
        why.append(f"change since {base[-1].year}")
    return label, current is not None
