"""What an observation is: its columns, the closed vocabularies, periods and the identity of a figure.

The store keeps every version of a figure; the *key* of a figure (its source, indicator, every
dimension, period and location in the source) is what a later vintage revises. Two passages of one
report that state the same thing differently have different locations, so both are kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..errors import ParseError

__all__ = [
    "ANALYSIS_COLUMNS",
    "DIMENSIONS",
    "FORECAST_SOURCE",
    "KEY_COLUMNS",
    "LOADABLE_STATUSES",
    "OBSERVATION_COLUMNS",
    "PERIOD_PATTERN",
    "QUALIFIERS",
    "STATUSES",
    "Period",
    "parse_period",
]

# Dimensions besides indicator and period; subject is required, the rest optional.
DIMENSIONS = ("subject", "region", "product", "application", "company", "country", "tier", "scenario")
QUALIFIERS = ("exact", "about", "at_least", "at_most", "range")
STATUSES = ("actual", "estimate", "forecast", "target", "derived")
LOADABLE_STATUSES = ("actual", "estimate", "forecast", "target")
DEFAULT_REGION = "中国"
# The source id of sectorscope's own forecasts (kept apart from the reports' forecasts and from the derived
# figures, which have source "sectorscope").
FORECAST_SOURCE = "sectorscope-forecast"

# Columns that identify a figure across vintages.
KEY_COLUMNS = ("source_id", "indicator", *DIMENSIONS, "period", "location")

# Columns of the `observations` table, in order.
OBSERVATION_COLUMNS = (
    "obs_id", "obs_key", "row_hash", "vintage_id", "indicator", *DIMENSIONS, "period", "period_start",
    "period_end", "value", "value_high", "qualifier", "unit", "value_as_printed", "value_high_as_printed",
    "unit_as_printed", "status", "source_id", "quote", "quote_normalised", "quote_start", "quote_end",
    "location", "basis", "note", "formula", "input_ids", "withdrawn",
    "bound_low", "bound_high", "lo80", "hi80", "lo95", "hi95", "method", "input_vintage",
)
# Columns only derived figures and forecasts fill.
ANALYSIS_COLUMNS = ("bound_low", "bound_high", "lo80", "hi80", "lo95", "hi95", "method", "input_vintage")

PERIOD_PATTERN = r"^\d{4}(?:Q[1-4]|-(?:0[1-9]|1[0-2])|/\d{4})?$"
_PERIOD = re.compile(PERIOD_PATTERN)


@dataclass(frozen=True)
class Period:
    text: str
    start: date
    end: date  # inclusive last day

    @property
    def year(self) -> int:
        """The year a figure of this period is valued in (the last year of a span)."""
        return self.end.year


def _month_end(y: int, m: int) -> date:
    if m == 12:
        return date(y, 12, 31)
    return date.fromordinal(date(y, m + 1, 1).toordinal() - 1)


def parse_period(text: str) -> Period:
    """`2025`, `2025Q3`, `2025-03` or a span `2025/2030`. Raises ValueError otherwise."""
    s = str(text).strip()
    if not _PERIOD.match(s):
        raise ParseError(f"period {text!r} is not YYYY, YYYYQn, YYYY-MM or YYYY/YYYY")
    y = int(s[:4])
    if len(s) == 4:
        return Period(s, date(y, 1, 1), date(y, 12, 31))
    if s[4] == "Q":
        q = int(s[5])
        return Period(s, date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if s[4] == "-":
        m = int(s[5:7])
        return Period(s, date(y, m, 1), _month_end(y, m))
    y2 = int(s[5:9])
    if y2 <= y:
        raise ParseError(f"period span {text!r} must end after it starts")
    return Period(s, date(y, 1, 1), date(y2, 12, 31))
