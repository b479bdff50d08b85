"""Cumulative lines (customs' 累计 tables: January to month m) turned into monthly lines, and the checks that
say when they cannot be.

Within one series — (flow, year, HS code, partner, trade mode, province) — monthly_m = cum_m − cum_{m−1}, and
January's is cum_1. Written as Ibis `lag()` windows so the same expression runs on DuckDB and on Spark.

Why a series may start after January but not skip a month: customs print no line for a key while its
cumulative value is zero, so a partner first traded with in March starts in March (its January and February
were zero, and March's monthly value is its cumulative one). Once a key has a line it keeps one every later
month (a cumulative value never falls back to zero), so a month missing *between* two lines of a series is a
hole in the file, and the months after it cannot be derived. For the same reason the batch's lines of a year
must begin in January: a file of "1–3月" alone says nothing about March by itself.
"""
from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

__all__ = ["ADDITIVE", "SERIES", "cumulative_failures", "cumulative_to_monthly"]

SERIES = ("flow", "year", "hs_code", "partner_code", "trade_mode", "province")
ADDITIVE = ("value", "quantity", "quantity2", "cif_value", "fob_value")  # what a month's difference applies to
_CHECKED = ("value", "quantity")  # what must not decrease (a second quantity is often blank or another unit)


def _window(lines: ir.Table) -> Any:
    return ibis.window(group_by=[lines[c] for c in SERIES], order_by=[lines.month])


def cumulative_to_monthly(lines: ir.Table) -> ir.Table:
    """The lines with each additive column turned from January-to-month into the month alone, and
    `period_kind` set to monthly; same columns, same types. Run `cumulative_failures` first: over a series
    with a hole the differences are wrong."""
    w = _window(lines)
    first = lines.month.lag().over(w).isnull()
    values = {c: ibis.ifelse(first, lines[c], lines[c] - lines[c].lag().over(w)).cast(lines[c].type())
              for c in ADDITIVE if c in lines.columns}
    return lines.mutate(**values, period_kind=ibis.literal("monthly")).select(*lines.columns)


def cumulative_failures(lines: ir.Table) -> ir.Table:
    """Why the lines cannot be turned into monthly ones, one row per failure: `rule` is "missing_month" (a
    month missing between two lines of a series, or a year whose lines do not begin in January) or
    "decreases" (a cumulative value lower than the month before's); with the line, the field, the month and
    the one before (`prev_month`, `prev_line_no`, `prev_value`). Ordered by line."""
    w = _window(lines)
    prev_month = lines.month.lag().over(w)
    prev_line = lines.line_no.lag().over(w)
    prevs = {f"prev_{c}": lines[c].lag().over(w) for c in _CHECKED}
    t = lines.mutate(prev_month=prev_month, prev_line_no=prev_line, **prevs)
    cols = ("line_no", "rule", "field", "year", "month", "prev_month", "prev_line_no", "value", "prev_value")
    gaps = t.filter(t.prev_month.notnull() & (t.month - t.prev_month > 1)).mutate(
        rule=ibis.literal("missing_month"), field=ibis.literal("month"), value=t.month.cast("string"),
        prev_value=t.prev_month.cast("string"))
    parts = [gaps.select(*cols)]
    for c in _CHECKED:
        down = t.filter((t.month - t.prev_month == 1) & (t[c] < t[f"prev_{c}"]))
        parts.append(down.mutate(rule=ibis.literal("decreases"), field=ibis.literal(c), value=down[c].cast("string"),
                                 prev_value=down[f"prev_{c}"].cast("string")).select(*cols))
    starts = lines.group_by("year").aggregate(month=lines.month.min())
    late = starts.filter(starts.month > 1)
    opening = lines.semi_join(late, ["year", "month"])
    first = opening.group_by("year", "month").aggregate(line_no=opening.line_no.min())
    parts.append(first.mutate(rule=ibis.literal("missing_month"), field=ibis.literal("month"),
                              prev_month=ibis.null("int32"), prev_line_no=ibis.null("int64"),
                              value=first.month.cast("string"), prev_value=ibis.null("string")).select(*cols))
    out = parts[0]
    for p in parts[1:]:
        out = out.union(p)
    return out.order_by("line_no", "field")
