"""Citations: one footnote per figure a report shows, numbered in the order the report first shows them.

A figure cited twice gets one footnote. What a footnote says depends on how the figure came to be: the quote
for an observed figure, the formula and inputs for a derived one, the model and interval for a forecast —
the store's columns say which. An interval is shown as the presentation layer shows it everywhere, in the
display unit of its figure (502.1亿元, not 5.02061e+10), so a footnote reads like the table it explains and
like the notes and the dashboard.

A table cell is formatted here too (`format_cell`), by the presentation layer's rules for the column's kind,
so the page, the PDF and the workbook print one number one way.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..model import DERIVED, OUR_FORECAST_KINDS, STATED
from ..present import MISSING, fixed, interval, missing, significant
from .document import Citation, CitationKind, Column

__all__ = ["Citations", "blank", "format_cell"]


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


def format_cell(value: Any, column: Column) -> str:
    """A cell as the page prints it, by the presentation layer's rule for the column's kind: "int" a whole
    number (a year: 2030), "number" `digits` fixed decimals with thousands separators (1,234.5), "auto" the
    stated rule of four significant figures (769.5, 0.04881, 18,560,000,000). Missing: — (nothing in a text
    column)."""
    if missing(value):
        return MISSING if column.kind != "text" else ""
    if column.kind == "int":
        return fixed(int(value), 0, grouping=False)
    if column.kind == "number":
        return fixed(float(value), column.digits)
    if column.kind == "auto":
        return significant(float(value), grouping=True)
    return str(value)


def _interval(row: Mapping[str, Any], kind: CitationKind, lang: str) -> str:
    """Where the figure lies, as the notes and the dashboard show it: a forecast's 80 % and 95 % prediction
    intervals, a derived figure's hard interval, both ends in one display unit, thousands separated as the
    report's tables are."""
    unit = _text(row.get("unit"))
    if not blank(row.get("lo95")) and not blank(row.get("hi95")):
        out = f"80% {interval(row['lo80'], row['hi80'], unit, lang=lang, grouping=True)}; " if not blank(row.get("lo80")) else ""
        return out + f"95% {interval(row['lo95'], row['hi95'], unit, lang=lang, grouping=True)}"
    if kind == "derived" and not blank(row.get("bound_low")) and not blank(row.get("bound_high")):
        return interval(row["bound_low"], row["bound_high"], unit, lang=lang, grouping=True)
    return ""


class Citations:
    """The footnotes of one report. `cite(row)` returns the footnote number of an observation row
    (a mapping with the store's observation columns), adding it on first use."""

    def __init__(self, source_titles: Mapping[str, str], lang: str = "zh") -> None:
        self._titles = dict(source_titles)
        self.lang = lang
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
        self.items.append(Citation(
            n=n, kind=kind, obs_id=obs_id, source_id=source, source_title=self._titles.get(source, source),
            location=_text(row.get("location")), quote=_text(row.get("quote_normalised")) or _text(row.get("quote")),
            quote_start=_int(row.get("quote_start")), quote_end=_int(row.get("quote_end")),
            formula=_text(row.get("formula")), input_ids=_text(row.get("input_ids")), method=_text(row.get("method")),
            interval=_interval(row, kind, self.lang), input_vintage=_int(row.get("input_vintage")),
        ))
        self._by_obs[obs_id] = n
        return n

    def cite_all(self, rows: list[Mapping[str, Any]]) -> list[int]:
        return [self.cite(r) for r in rows]
