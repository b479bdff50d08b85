"""What an observation is: its columns, the closed vocabularies, periods and the identity of a figure.

The store keeps every version of a figure; the *key* of a figure (its source, indicator, every
dimension, period and location in the source) is what a later vintage revises. Two passages of one
report that state the same thing differently have different locations, so both are kept.

What *kind* of figure a row is (stated by a source, derived, a model forecast, a scenario, a summary, an
assessment) is a column set by whatever made the row, so no reader has to guess it from a source id or a
location text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ..errors import ParseError

__all__ = [
    "ANALYSIS_COLUMNS",
    "ASSESSMENT",
    "DEFAULT_REGION",
    "DERIVED",
    "DERIVED_SOURCE",
    "DIMENSIONS",
    "FORECAST_SOURCE",
    "KEY_COLUMNS",
    "KINDS",
    "KIND_MEANINGS",
    "LOADABLE_STATUSES",
    "MODEL_FORECAST",
    "OBSERVATION_COLUMNS",
    "OUR_FORECAST_KINDS",
    "PERIOD_PATTERN",
    "QUALIFIERS",
    "READINGS",
    "READING_COLUMNS",
    "SCENARIO_PROJECTION",
    "STATED",
    "STATUSES",
    "TIER_SUMMARY",
    "Period",
    "parse_period",
]

# Dimensions besides indicator and period; subject is required, the rest optional.
DIMENSIONS = ("subject", "region", "product", "application", "company", "country", "tier", "scenario")
QUALIFIERS = ("exact", "about", "at_least", "at_most", "range")
STATUSES = ("actual", "estimate", "forecast", "target", "derived")
LOADABLE_STATUSES = ("actual", "estimate", "forecast", "target")
DEFAULT_REGION = "中国"
# The source rows of sectorscope's own figures (real rows of the `sources` table, so every figure cites a
# source). They say who computed a figure, not what kind of figure it is: that is `kind`.
DERIVED_SOURCE = "sectorscope"  # the source of every figure the analysis computes
FORECAST_SOURCE = "sectorscope-forecast"  # the source of sectorscope's forecasts and CAGR scenarios

# The kind of a figure: a closed vocabulary, set where the row is made, fixed for the life of its key.
STATED = "stated"
DERIVED = "derived"
TIER_SUMMARY = "tier_summary"
ASSESSMENT = "assessment"
MODEL_FORECAST = "model_forecast"
SCENARIO_PROJECTION = "scenario_projection"
KIND_MEANINGS = {
    STATED: "a figure a source states (a report's table or prose, a data file), as loaded, whatever its status",
    DERIVED: "computed by sectorscope from other figures by a declared formula or index (catalog formulas, "
             "demand scores, composite indices and ranks, a product's supply-demand index)",
    TIER_SUMMARY: "the supply-demand index averaged over the products of one tier (低端, 高端): a summary of "
                  "derived figures, not any product's own reading",
    ASSESSMENT: "an analyst's judgement recorded as a figure, its evidence quoted: a technology's TRL",
    MODEL_FORECAST: "sectorscope's statistical forecast of a series, with its 80 % and 95 % intervals",
    SCENARIO_PROJECTION: "a series carried forward at an assumed growth rate (a CAGR scenario): a what-if path "
                         "without an interval, not a forecast that can be missed",
}
KINDS = tuple(KIND_MEANINGS)
OUR_FORECAST_KINDS = (MODEL_FORECAST, SCENARIO_PROJECTION)  # what the forecast pipeline writes

# What a figure reads as against a declared band (the supply-demand index: + shortage, − surplus), stored
# with the band that made the reading, so every view shows the same reading without recomputing it.
READINGS = ("shortage", "balanced", "surplus")
READING_COLUMNS = ("reading", "reading_band")

# Columns that identify a figure across vintages. `kind` is not one of them: what made a figure is already
# fixed by its source and location (every kind files its rows under its own), so adding it would change
# the key (and a key's hash) of every figure stored before schema 3 without telling any two figures apart.
KEY_COLUMNS = ("source_id", "indicator", *DIMENSIONS, "period", "location")

# Columns of the `observations` table, in order.
OBSERVATION_COLUMNS = (
    "obs_id", "obs_key", "vintage_id", "indicator", *DIMENSIONS, "period", "period_start",
    "period_end", "value", "value_high", "qualifier", "unit", "value_as_printed", "value_high_as_printed",
    "unit_as_printed", "status", "source_id", "quote", "quote_normalised", "quote_start", "quote_end",
    "location", "basis", "note", "formula", "input_ids", "withdrawn",
    "bound_low", "bound_high", "lo80", "hi80", "lo95", "hi95", "method", "input_vintage",
    "kind", *READING_COLUMNS,
)
# Columns only derived figures and forecasts fill.
ANALYSIS_COLUMNS = ("bound_low", "bound_high", "lo80", "hi80", "lo95", "hi95", "method", "input_vintage")

# [0-9], not \d: \d matches every script's digits (２０２５, ٢٠٢٥), which would make `２０２５` a key of its own.
# The forms: a year, a quarter, a month, a span of years (2025/2030) and a span of months within one year
# (2025-01/2025-05: China's customs and statistics bureau publish "1–N月" cumulative figures, which are
# neither a month nor a quarter). The pattern checks the form only; parse_period checks a span's order and
# that a month span stays within its year.
_MONTH = r"-(?:0[1-9]|1[0-2])"
PERIOD_PATTERN = rf"^[0-9]{{4}}(?:Q[1-4]|{_MONTH}(?:/[0-9]{{4}}{_MONTH})?|/[0-9]{{4}})?$"
_PERIOD = re.compile(PERIOD_PATTERN)
# The years a period may fall in. Industry statistics sectorscope reads start in the 20th century (the default
# dataset's earliest is 1996) and long-range targets and scenarios end by 2100 (2060 carbon neutrality, 2100
# climate paths); a year outside 1900–2200 is a typo (0000, 0202, 9999), and 1900–2200 also keeps every period
# inside the datetime64[ns] range pandas can hold (1677–2262), which the analysis converts periods to.
_FIRST_YEAR, _LAST_YEAR = 1900, 2200


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
    """`2025`, `2025Q3`, `2025-03`, a span of years `2025/2030` or a span of months within one year
    `2025-01/2025-05` (January to May 2025: a 1–N月 cumulative figure), years 1900–2200. Raises ValueError
    (ParseError) otherwise: a span must end after it starts, and a month span must not leave its year.

    Full-width text (`２０２５`, `２０２５Ｑ３`) is read as its ASCII form (NFKC), and `Period.text` is that form, so
    a period typed with an IME is the same key as the one typed in ASCII."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if not _PERIOD.match(s):
        raise ParseError(f"period {text!r} is not YYYY, YYYYQn, YYYY-MM, YYYY/YYYY or YYYY-MM/YYYY-MM")
    y = int(s[:4])
    y_last = int(s[5:9]) if len(s) == 9 else int(s[8:12]) if len(s) == 15 else y
    if not (_FIRST_YEAR <= y <= _LAST_YEAR and _FIRST_YEAR <= y_last <= _LAST_YEAR):
        raise ParseError(f"period {text!r} is outside the years {_FIRST_YEAR}–{_LAST_YEAR}; check the year")
    if len(s) == 4:
        return Period(s, date(y, 1, 1), date(y, 12, 31))
    if s[4] == "Q":
        q = int(s[5])
        return Period(s, date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if len(s) == 15:
        m, m_last = int(s[5:7]), int(s[13:15])
        if y_last != y:
            raise ParseError(f"period span {text!r} must end in the year it starts ({y}); a span of months "
                             f"is 1–N月 of one year, e.g. {y}-01/{y}-05")
        if m_last <= m:
            single = f"; a single month is written {s[:7]}" if m_last == m else ""
            raise ParseError(f"period span {text!r} must end after it starts{single}")
        return Period(s, date(y, m, 1), _month_end(y, m_last))
    if s[4] == "-":
        m = int(s[5:7])
        return Period(s, date(y, m, 1), _month_end(y, m))
    y2 = y_last
    if y2 <= y:
        raise ParseError(f"period span {text!r} must end after it starts")
    return Period(s, date(y, 1, 1), date(y2, 12, 31))
