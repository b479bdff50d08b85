"""Numbers as a reader sees them: the rules for how many digits a value gets, in one place.

A figure a report printed keeps the digits it was printed with (see `decimals_of`); a value sectorscope
computed (a derived figure, a forecast, a converted unit) has no printed form, so it gets the stated rule:
at most four significant figures and six decimals, trailing zeros dropped. Fixed-decimal forms serve the
columns that compare values (an index to two decimals, a rank as an integer). No rule ever shows a float's
binary artefact (769.5000000000006), an exponent (3.89549e+10) or a negative zero (-0.00).
"""
from __future__ import annotations

import math
import re

__all__ = [
    "MAX_DECIMALS",
    "MISSING",
    "SIGNIFICANT",
    "decimals_of",
    "fixed",
    "grouped",
    "missing",
    "number",
    "percent",
    "plain",
    "rate",
    "signed",
    "signed_percent",
    "significant",
    "step_of",
]

MISSING = "—"  # what a missing value shows as, everywhere
SIGNIFICANT = 4  # the stated rule for computed values: four significant figures …
MAX_DECIMALS = 6  # … and never more than six decimals


def number(value: object) -> float | None:
    """`value` as a float, or None when there is nothing to show (None, NaN, pandas' NA): the one check
    every formatter starts with."""
    return None if missing(value) else float(value)  # type: ignore[arg-type]  # a number once not missing


def missing(value: object) -> bool:
    """None, NaN or pandas' NA: nothing to show."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN (float, numpy) is the one value unequal to itself
    except (TypeError, ValueError):  # pandas.NA refuses to be a bool
        return True


def _zero(text: str) -> bool:
    """Whether a written-out number ("-0.00", "+0.0%") is zero: its sign then says nothing."""
    return float(text.rstrip("%").replace(",", "")) == 0


def _unsigned_zero(text: str) -> str:
    return text[1:] if text.startswith("-") and _zero(text) else text


def _plus_zero(text: str) -> str:
    return "+" + text[1:] if text.startswith("-") and _zero(text) else text


def grouped(text: str) -> str:
    """Thousands separators in the whole part of a number already written out: 1234567.5 → 1,234,567.5."""
    sign = "-" if text.startswith("-") else "+" if text.startswith("+") else ""
    body = text[len(sign):]
    whole, dot, frac = body.partition(".")
    if not whole.isdigit():
        return text
    return f"{sign}{int(whole):,}{dot}{frac}"


def _infinite(value: float, signed_: bool = False) -> str:
    return "-∞" if value < 0 else "+∞" if signed_ else "∞"


def significant(value: float | None, sig: int = SIGNIFICANT, *, grouping: bool = False) -> str:
    """A computed value by the stated rule: `sig` significant figures at most (the whole part is never cut),
    six decimals at most, trailing zeros dropped: 769.5000000000006 → 769.5, 0.048812 → 0.04881, 12 → 12."""
    v = number(value)
    if v is None:
        return MISSING
    if not math.isfinite(v):
        return _infinite(v)
    if v == 0:
        return "0"
    digits = min(max(0, sig - 1 - math.floor(math.log10(abs(v)))), MAX_DECIMALS)
    text = f"{v:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = _unsigned_zero(text)
    return grouped(text) if grouping else text


def fixed(value: float | None, digits: int = 1, *, grouping: bool = True) -> str:
    """A value with exactly `digits` decimals (a column whose values are compared): 1,234.5."""
    v = number(value)
    if v is None:
        return MISSING
    if not math.isfinite(v):
        return _infinite(v)
    text = _unsigned_zero(f"{v:.{digits}f}")
    return grouped(text) if grouping else text


def signed(value: float | None, digits: int = 2) -> str:
    """A value that reads by its sign (an index, a contribution): +0.34, -0.77; zero is +0.00, never -0.00."""
    v = number(value)
    if v is None:
        return MISSING
    if not math.isfinite(v):
        return _infinite(v, signed_=True)
    return _plus_zero(f"{v:+.{digits}f}")


def signed_percent(value: float | None, digits: int = 1) -> str:
    """A change already in percent, signed: -7.7%."""
    text = signed(value, digits)
    return text if text == MISSING else f"{text}%"


def percent(fraction: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: 0.14 → 14%."""
    v = number(fraction)
    if v is None:
        return MISSING
    if not math.isfinite(v):
        return _infinite(v)
    return _unsigned_zero(f"{v:.{digits}%}")


def rate(fraction: float | None, digits: int = 1) -> str:
    """A growth rate given as a fraction, signed: 0.122 → +12.2%."""
    v = number(fraction)
    if v is None:
        return MISSING
    if not math.isfinite(v):
        return _infinite(v, signed_=True)
    return _plus_zero(f"{v:+.{digits}%}")


def plain(value: float, digits: int = 12) -> float:
    """A number without its float artefact, for a file that stores numbers (a workbook's cells): the float
    nearest to `value` written with `digits` significant digits, so 76950000000 / 1e8 is stored as 769.5, not
    769.5000000000006, and no digit a source or a model meant is lost."""
    v = float(value)
    return float(f"{v:.{digits}g}") if math.isfinite(v) and v != 0 else v


def decimals_of(printed: str) -> int:
    """How many decimals a printed number carries: "12.80" → 2, "1,820" → 0. The precision the source
    printed, which a figure keeps when it is shown again."""
    m = re.search(r"\.(\d+)", str(printed))
    return len(m.group(1)) if m else 0


def step_of(text: str) -> float:
    """The unit of the last digit a shown number carries: "12.80" → 0.01, "1,820" → 1. Half of it is how far
    the shown number may lie from the value it stands for."""
    return 10.0 ** -decimals_of(text)
