"""Whether a number as printed is the number a figure states: found in its quote as a whole number, and the
same number as its value.

Why apart from validation: these are rules about printed numbers (digit boundaries, thousands groups,
Chinese numerals, signs given in words, scale words), not about rows and files; validation asks them per
distinct value and reports the answers.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence

from ..model import PREFIXES, parse_number

__all__ = ["number_or_nan", "quote_states", "quotes_state", "same_number"]

_CN_NUMERAL = "零〇一二两兩三四五六七八九十百千万亿"
_CN_NEIGHBOUR = "零〇一二两兩三四五六七八九十百千"
_THREE_DIGITS = re.compile(r"[0-9]{3}(?![0-9])")


def _edges(printed: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What may not come before and after `printed` (NFKC) in a quote for it to be a whole number there, as
    zero-width patterns to match at its start and end. A number printed in Arabic digits may not touch a
    digit, a decimal part (`5` in `1.5` or `5.1`) or a thousands group (`5` in `5,000`, `500` in `1,500`); one
    printed in Chinese numerals may not touch another numeral (`三` in `三十` or `十三`). The patterns depend
    only on the number's first and last characters (its shape), so they are compiled once per shape."""
    first, last = printed[:1], printed[-1:]
    before = ("digit3" if _THREE_DIGITS.match(printed) else "digit") if first.isascii() and first.isdigit() \
        else "numeral" if first and first in _CN_NUMERAL else ""
    after = "digit" if last.isascii() and last.isdigit() else "numeral" if last and last in _CN_NUMERAL else ""
    return _patterns(before, after)


@functools.cache
def _patterns(before: str, after: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    b = {"digit": r"(?<![0-9])(?<![0-9]\.)", "digit3": r"(?<![0-9])(?<![0-9]\.)(?<![0-9],)",
         "numeral": f"(?<![{_CN_NEIGHBOUR}])", "": ""}[before]
    a = {"digit": r"(?![0-9])(?!\.[0-9])(?!,[0-9]{3}(?![0-9]))", "numeral": f"(?![{_CN_NEIGHBOUR}])", "": ""}[after]
    return re.compile(b), re.compile(a)


def quote_states(printed: str, quote: str, neighbours: frozenset[str] = frozenset()) -> bool:
    """Whether the quote states the number printed as a whole number (full-width digits read as ASCII).

    `neighbours`: the other figures (and periods) read from the same quote. A table row of a seed document
    prints its cells without separators (`202585072084.7` is 2025 | 850 | 720 | 84.7), so a number may touch
    a neighbour's text where it meets it, and only there."""
    p = unicodedata.normalize("NFKC", printed).strip()
    if not p:
        return True
    q = unicodedata.normalize("NFKC", quote)
    before, after = _edges(p)
    at = q.find(p)
    while at >= 0:
        end = at + len(p)
        if ((before.match(q, at) or any(q.endswith(t, 0, at) for t in neighbours))
                and (after.match(q, end) or any(q.startswith(t, end) for t in neighbours))):
            return True
        at = q.find(p, at + 1)
    return False


def quotes_state(printed: Sequence[str], codes: Sequence[int], quotes: Sequence[str]) -> list[bool]:
    """`quote_states(printed[codes[i]], quotes[i])` for every i (no neighbours), each printed number normalised and
    its boundaries built once: a file of a million rows has a million quotes but far fewer printed numbers, and
    the per-call work of `quote_states` (two normalisations, a cache lookup) was most of its cost."""
    normalize = unicodedata.normalize
    forms = [normalize("NFKC", p).strip() for p in printed]
    edges = [(p, len(p), *_edges(p)) if p else None for p in forms]
    out = []
    for c, q in zip(codes, _nfkc_all(quotes), strict=True):
        e = edges[c]
        if e is None:
            out.append(True)
            continue
        p, n, before, after = e
        at = q.find(p)
        while at >= 0 and not (before.match(q, at) and after.match(q, at + n)):
            at = q.find(p, at + 1)
        out.append(at >= 0)
    return out


_RS = "\x1e"  # ASCII record separator: NFKC leaves it alone and maps nothing onto it


def _nfkc_all(texts: Sequence[str]) -> list[str]:
    """NFKC of every text in one call on their join: a million calls cost more than the normalisation of short
    quotes (and NFKC never crosses the separator, so the split gives each text's own form)."""
    if any(_RS in t for t in texts):
        return [unicodedata.normalize("NFKC", t) for t in texts]
    return unicodedata.normalize("NFKC", _RS.join(texts)).split(_RS) if texts else []


def _unit_scale(unit: str) -> float:
    """The scale word a printed unit begins with (万亿元 → 1e12), 1 when none."""
    u = unicodedata.normalize("NFKC", unit).strip()
    for prefix, factor in PREFIXES.items():  # longest first
        if u.startswith(prefix) and len(u) > len(prefix):
            return factor
    return 1.0


def same_number(text_value: float, value: float, unit: str) -> bool:
    """Whether value_text (parsed) denotes `value`: the same number, or the same printed without its sign (下降
    4.7 % is the value −4.7 printed 4.7), or a fraction of a percentage (半 and 二分之一 are 50 %), or the unit's
    scale word itself (突破万亿 is 1 万亿元). Equal to 12 significant digits: only the float noise of ×100 and of
    two parsers is let through (52 is not 51, 999,999,999 is not 1,000,000,000)."""
    t, v = abs(text_value), abs(value)
    candidates = [v, v * _unit_scale(unit)]
    if unicodedata.normalize("NFKC", unit).strip() == "%":
        candidates.append(v / 100)
    return any(math.isclose(t, c, rel_tol=1e-12, abs_tol=0.0) for c in candidates)


def number_or_nan(text: str) -> float:
    """parse_number, NaN where the text is not a number (value_text is checked per distinct text)."""
    try:
        return parse_number(text)
    except ValueError:
        return math.nan
