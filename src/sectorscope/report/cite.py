"""Citations: one footnote per figure a report shows, numbered in the order the report first shows them.

A figure cited twice gets one footnote. What a footnote says depends on how the figure came to be: the quote
for an observed figure, the formula and inputs for a derived one, the model and interval for a forecast —
the store's columns say which.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..analytics.derived import display
from ..model.observation import DERIVED, OUR_FORECAST_KINDS, STATED
from .document import Citation, CitationKind, Column

__all__ = ["Citations", "blank", "fmt_number", "format_cell", "scale_for"]


def blank(value: object) -> bool:
    """A missing cell: None, NaN, NA or the empty string."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str:
    return "" if blank(value) else str(value)


def _int(value: Any) -> int | None:
    return None if blank(value) else int(value)


def fmt_number(value: float | None, digits: int = 1) -> str:
    """A number as the report prints it: thousands separators, `digits` decimals, "—" when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:,.{digits}f}"


def format_cell(value: Any, column: Column) -> str:
    """A cell as the page prints it. Numbers keep their column's precision; missing values print as —."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—" if column.kind != "text" else ""
    if column.kind == "int":
        return f"{int(value):d}"
    if column.kind == "number":
        return fmt_number(float(value), column.digits)
    if column.kind == "auto":
        num, _ = display(float(value), "")
        if "." in num:
            whole, frac = num.split(".")
            return f"{int(whole):,}.{frac}" if whole.lstrip("-").isdigit() and whole not in ("-0",) else num
        return f"{int(num):,}" if num.lstrip("-").isdigit() else num
    return str(value)


# Display units: a canonical unit and the largest magnitude shown decide the unit a table prints in.
_SCALES = {
    "元": ((1e8, "亿元"), (1e4, "万元"), (1, "元")),
    "个": ((1e8, "亿个"), (1e4, "万个"), (1, "个")),
    "元/个": ((1e4, "万元/个"), (1, "元/个")),
}


def scale_for(unit: str, values: list[float] | pd.Series) -> tuple[float, str]:
    """(divisor, display unit) for a column of values in canonical `unit`: 亿元 for hundreds of millions of
    yuan, 万个 for tens of thousands of pieces — the units the reports themselves print in."""
    finite = [abs(float(v)) for v in values if v is not None and not pd.isna(v) and math.isfinite(float(v))]
    top = max(finite) if finite else 0.0
    for factor, shown in _SCALES.get(unit, ()):
        if top >= factor:
            return factor, shown
    return 1.0, unit


class Citations:
    """The footnotes of one report. `cite(row)` returns the footnote number of an observation row
    (a mapping with the store's observation columns), adding it on first use."""

    def __init__(self, source_titles: Mapping[str, str]) -> None:
        self._titles = dict(source_titles)
        self._by_obs: dict[int, int] = {}
        self.items: list[Citation] = []

    def cite(self, row: Mapping[str, Any]) -> int:
        obs_id = int(row["obs_id"])
        if obs_id in self._by_obs:
            return self._by_obs[obs_id]
        n = len(self.items) + 1
        source = _text(row.get("source_id"))
        # what the figure is decides how its footnote reads: a forecast its model and interval, anything
        # computed (derived, a tier summary, an assessment) its formula and inputs, a stated figure its quote
        figure_kind = _text(row.get("kind")) or (DERIVED if row.get("status") == "derived" else STATED)
        kind: CitationKind
        if figure_kind in OUR_FORECAST_KINDS:
            kind = "forecast"
        elif figure_kind != STATED:
            kind = "derived"
        else:
            kind = "observed"
        interval = ""
        if not blank(row.get("lo95")) and not blank(row.get("hi95")):
            interval = f"80% [{float(row['lo80']):.6g}, {float(row['hi80']):.6g}]; " if not blank(row.get("lo80")) else ""
            interval += f"95% [{float(row['lo95']):.6g}, {float(row['hi95']):.6g}] {_text(row.get('unit'))}".rstrip()
        elif kind == "derived" and not blank(row.get("bound_low")) and not blank(row.get("bound_high")):
            interval = f"[{float(row['bound_low']):.6g}, {float(row['bound_high']):.6g}] {_text(row.get('unit'))}".rstrip()
        self.items.append(Citation(
            n=n, kind=kind, obs_id=obs_id, source_id=source, source_title=self._titles.get(source, source),
            location=_text(row.get("location")), quote=_text(row.get("quote_normalised")) or _text(row.get("quote")),
            quote_start=_int(row.get("quote_start")), quote_end=_int(row.get("quote_end")),
            formula=_text(row.get("formula")), input_ids=_text(row.get("input_ids")), method=_text(row.get("method")),
            interval=interval, input_vintage=_int(row.get("input_vintage")),
        ))
        self._by_obs[obs_id] = n
        return n

    def cite_all(self, rows: list[Mapping[str, Any]]) -> list[int]:
        return [self.cite(r) for r in rows]
