"""How a period reads: the store's period codes (2025, 2025Q3, 2025-03, 2025/2030, 2025-01/2025-05) as a
reader writes them — 2025年第3季度, 2025年1–5月, 2025–2030年; Q3 2025, Jan–May 2025, 2025–2030.

The codes stay the store's keys (they sort, they compare, the API takes them); only what a person reads is
worded, and by the glossary's templates (`period_form`, `month_name`), which the API serves, so the dashboard
words a period as the report does without a copy of the words.
"""
from __future__ import annotations

from ..errors import ParseError
from .numbers import missing
from .wording import term

__all__ = ["period_form", "period_label"]


def period_form(period: str) -> tuple[str, dict[str, object]]:
    """The glossary form of a period code and the fields its template fills ({y}, {q}, {m}, {y1}…): ("months",
    {"y": 2025, "m1": 1, "m2": 5}) for 2025-01/2025-05. Raises ParseError for a text that is not a period."""
    from ..model import parse_period

    s = parse_period(period).text
    y = int(s[:4])
    if len(s) == 4:
        return "year", {"y": y}
    if s[4] == "Q":
        return "quarter", {"y": y, "q": int(s[5])}
    if len(s) == 7:
        return "month", {"y": y, "m": int(s[5:7])}
    if len(s) == 15:
        return "months", {"y": y, "m1": int(s[5:7]), "m2": int(s[13:15])}
    return "years", {"y1": y, "y2": int(s[5:9])}


def period_label(period: object, lang: str = "zh") -> str:
    """A period as `lang` writes it: `period_label("2025-01/2025-05")` → 2025年1–5月, in English Jan–May 2025. A
    missing period is "" and a text that is not a period code (a label a source printed) shows as given, so
    a table never loses what it was handed."""
    if missing(period) or period == "":
        return ""
    try:
        form, fill = period_form(str(period))
    except ParseError:
        return str(period)
    for key in ("m", "m1", "m2"):
        if key in fill:
            fill["mon" + key[1:]] = term("month_name", str(fill[key]), lang)
    return term("period_form", form, lang, **fill)
