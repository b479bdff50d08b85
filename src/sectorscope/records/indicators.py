"""Indicators from mapped trade lines (LINE_SCHEMA + market, product, share from `concordance.apply`), each an
Ibis expression that runs unchanged on DuckDB and on Spark and gives the same figures on both.

Why the rules: a figure must be identical on both engines, to the last digit. So amounts stay DECIMAL (value ×
share is a decimal product, applied before the sums are added across concordance rows); a ratio divides
once, after summing, the two exact sums cast to double (one IEEE division gives one answer everywhere); every
divisor goes through `nullif(0)` (Spark 4 raises DIVIDE_BY_ZERO under ANSI mode, DuckDB returns inf). Amounts
in different currencies are never added (the currency is a key, shown as `unit`), nor quantities in different
units.

Why shares are applied to sums, not to lines: Σ(value × share) = share × Σ value over the lines of one
concordance row, exactly, in decimals; but a decimal product per line cost DuckDB 3.7 s per million lines
(measured), against 0.05 s for the sum. So lines are summed by month and share first, the share multiplies
those few sums, and the products are added up.

Periods: every indicator is first summed by month, then re-summed to the grain asked for — month (2025-03),
quarter (2025Q1), year (2025) or cumulative 1–N月 (2025-01/2025-03, one row for each month N the year has in
the data, summing months 1..N). `year` and `part` (month, quarter, 0 for a year, N for 1–N月) say the same as
the label, so year-on-year growth is a join on year − 1 with the same part.

Flows: `import` and `export` lines only (re-imports and re-exports are not added in). The lines passed must be
of one grain (the schema's Grain): a batch without partners has null partners meaning "all", and adding it to
a batch by partner would count its trade twice; the caller filters.

More indicators: indicators_partners.py (partner concentration, mirror check), indicators_dependence.py
(import dependence, localisation).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import UsageError
from .concordance import materialised

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "BY",
    "DIMENSIONS",
    "GRAINS",
    "SUMMARY_KEYS",
    "by_period",
    "prepare",
    "summarise",
    "trade_flows",
    "unit_values",
    "yoy",
]

GRAINS = ("month", "quarter", "year", "cumulative")
BY = ("partner", "province", "trade_mode")
# Key columns an indicator's result may have besides its period; `yoy` matches rows on those it finds.
DIMENSIONS = ("market", "product", "flow", "partner", "province", "trade_mode", "quantity_unit", "unit", "grain",
              "part", "reporter")
# What every indicator groups or filters mapped lines by: the summary (`summarise`) keeps these and sums the rest.
SUMMARY_KEYS = ("market", "product", "share", "reporter", "flow", "year", "month", "partner_iso3", "partner_code",
                "province", "trade_mode", "currency", "quantity_unit")
_WIDE = 24  # sums are cast to decimal(24, 6) before × share (7, 6): ≤ 38 digits, so Spark keeps all 12 decimals


def _check(grain: str, by: Sequence[str]) -> None:
    if grain not in GRAINS:
        raise UsageError(f"unknown grain {grain!r}; grains are {', '.join(GRAINS)}")
    bad = [b for b in by if b not in BY]
    if bad:
        raise UsageError(f"cannot break down by {', '.join(map(repr, bad))}; by one or more of {', '.join(BY)}")


def summarise(lines: ir.Table) -> ir.Table:
    """Mapped lines summed by SUMMARY_KEYS: the one table every indicator reads. Columns: SUMMARY_KEYS, value
    (Σ value), _n (the lines), and for unit values _qv, quantity, _nq (Σ value, Σ quantity and the number of
    the lines that have a quantity and its unit). A table that already is a summary is returned as it is.

    Why: the indicators differ only in how they re-sum the same few sums, so the lines are read and joined to
    the concordance once, here, and not once per indicator (eleven scans of 10⁸ lines become one). Sums are
    exact decimals, so re-summing a summary gives the very figures summing the lines gives. Its size is the
    number of distinct keys (markets × partners × provinces × trade modes × months at most), not of lines.
    On DuckDB it is computed when first asked for and kept as a temporary table (`concordance.materialised`:
    the indicators of the same mapped lines share it); on Spark, and for lines bound to no engine, it stays
    an expression (the same Ibis code, computed in each query)."""
    if "_n" in lines.columns:
        return lines
    has_q = lines.quantity.notnull() & lines.quantity_unit.notnull()
    summary = lines.group_by(list(SUMMARY_KEYS)).aggregate(
        value=lines.value.sum(), _n=lines.count(), _qv=lines.value.sum(where=has_q),
        quantity=lines.quantity.sum(where=has_q), _nq=lines.count(where=has_q))
    return materialised(summary)


def _count(t: ir.Table) -> ir.Value:
    """The number of lines behind the rows of `t`: its `_n` for a summary, else its rows."""
    return t._n.sum() if "_n" in t.columns else t.count()


def prepare(lines: ir.Table, reporter: str | None = None) -> ir.Table:
    """Mapped lines of `reporter` only (every reporter's when None), with `partner` = the ISO code, else the
    customs code (residual regions such as 亚洲其他国家(地区) have no ISO code)."""
    if reporter is not None:
        lines = lines.filter(lines.reporter == reporter)
    return lines.mutate(partner=lines.partner_iso3.coalesce(lines.partner_code))


def by_period(t: ir.Table, keys: Sequence[str], sums: Mapping[str, Callable[[ir.Table], ir.Value]],
              grain: str, *, weighted: Sequence[str] = ()) -> ir.Table:
    """Sum `sums` (name → a function of the table giving the value to sum) by `keys` and period at `grain`;
    the sums named in `weighted` are of value × share (the table's `share` column): summed by share first,
    then multiplied, then added up; `t` is lines or their summary (`summarise`: n_lines then sums its `_n`).
    Always by month first; the coarser grains re-sum the monthly sums (a cumulative 1–N月 joins each month
    to every N ≥ it of the same year that the data has). Result: keys, grain, year, part, period, the sums,
    and n_lines (the lines summed)."""
    import ibis
    import ibis.expr.datatypes as dt

    _check(grain, ())
    keys = list(keys)
    if weighted:
        pre = t.group_by([*keys, "year", "month", "share"]).aggregate(
            **{name: f(t).sum() for name, f in sums.items()}, n_lines=_count(t))
        products = {}
        for name in weighted:
            scale = pre[name].type().scale or 0
            products[name] = (pre[name].cast(dt.Decimal(_WIDE, 6)) * pre.share).cast(dt.Decimal(30, scale + 6))
        pre = pre.mutate(**products)
        monthly = pre.group_by([*keys, "year", "month"]).aggregate(
            **{name: pre[name].sum() for name in sums}, n_lines=pre.n_lines.sum())
    else:
        monthly = t.group_by([*keys, "year", "month"]).aggregate(
            **{name: f(t).sum() for name, f in sums.items()}, n_lines=_count(t))
    names = [*sums, "n_lines"]
    year_s = monthly.year.cast("string")
    if grain == "month":
        out = monthly.mutate(part=monthly.month, period=year_s + "-" + monthly.month.cast("string").lpad(2, "0"))
        return out.drop("month").mutate(grain=ibis.literal(grain)).select(*keys, "grain", "year", "part", "period",
                                                                         *names)
    if grain == "cumulative":
        ends = monthly.select(_y=monthly.year, _n=monthly.month).distinct()
        joined = monthly.join(ends, [monthly.year == ends._y, monthly.month <= ends._n])
        step = joined.group_by([*keys, "year", joined._n.name("part")]).aggregate(
            **{n: joined[n].sum() for n in names})
        ys = step.year.cast("string")
        label = ys + "-01/" + ys + "-" + step.part.cast("string").lpad(2, "0")
        return step.mutate(grain=ibis.literal(grain), period=label).select(*keys, "grain", "year", "part", "period",
                                                                          *names)
    part = ((monthly.month - 1) // 3 + 1) if grain == "quarter" else ibis.literal(0)
    stepped = monthly.mutate(part=part.cast("int32"))
    step = stepped.group_by([*keys, "year", "part"]).aggregate(**{n: stepped[n].sum() for n in names})
    ys = step.year.cast("string")
    label = ys + "Q" + step.part.cast("string") if grain == "quarter" else ys
    return step.mutate(grain=ibis.literal(grain), period=label).select(*keys, "grain", "year", "part", "period", *names)


def trade_flows(lines: ir.Table, grain: str = "month", *, by: Sequence[str] = (), by_product: bool = True,
                reporter: str | None = "CHN") -> ir.Table:
    """Imports, exports and the balance (exports − imports) of `reporter`'s lines (None: every reporter's) by
    market × product × period (× `by`: partner, province, trade_mode), in long form: columns market,
    [product], [by…], unit (the currency), grain, year, part, period, flow (import | export | balance), value
    (decimal, value × share summed), n_lines. An import or export row is there only when it has lines.

    One pass over the lines (imports and exports summed side by side), then unpivoted by unnesting a
    three-element array — no union, which would read the lines twice on an engine that does not share the
    subplan."""
    import ibis

    _check(grain, by)
    w = prepare(summarise(lines), reporter)
    w = w.filter(w.flow.isin(["import", "export"])).mutate(unit=w.currency)
    keys = ["market", *(["product"] if by_product else []), *by, "unit"]
    imp = w.flow == "import"
    wide = by_period(w, keys, {"_imp": lambda x: ibis.ifelse(imp, x.value, 0),
                               "_exp": lambda x: ibis.ifelse(imp, 0, x.value),
                               "_nimp": lambda x: ibis.ifelse(imp, x._n, 0)}, grain, weighted=("_imp", "_exp"))
    long = wide.mutate(flow=ibis.array(["import", "export", "balance"]).unnest())
    value = ibis.cases((long.flow == "import", long._imp), (long.flow == "export", long._exp),
                       else_=long._exp - long._imp)
    n = ibis.cases((long.flow == "import", long._nimp), (long.flow == "export", long.n_lines - long._nimp),
                   else_=long.n_lines)
    out = long.select(*keys, "grain", "year", "part", "period", "flow", value=value, n_lines=n)
    return out.filter((out.flow == "balance") | (out.n_lines > 0))


def unit_values(lines: ir.Table, grain: str = "year", *, by: Sequence[str] = (), by_product: bool = True,
                reporter: str | None = "CHN") -> ir.Table:
    """Unit values (value / quantity) of `reporter`'s lines by market × product × flow × quantity unit × period
    (× `by`): lines with
    a quantity and a unit only, each unit apart (kilograms are never added to pieces). Columns: market,
    [product], [by…], flow, currency, quantity_unit, grain, year, part, period, value, quantity (decimals),
    unit_value (double), unit (e.g. USD/千克), n_lines."""
    import ibis.expr.datatypes as dt

    _check(grain, by)
    w = prepare(summarise(lines), reporter)
    # the lines with a quantity and its unit: their value, quantity and number
    w = w.filter(w.flow.isin(["import", "export"]) & (w._nq > 0) & w.quantity_unit.notnull())
    w = w.mutate(value=w._qv, _n=w._nq)
    keys = ["market", *(["product"] if by_product else []), *by, "flow", "currency", "quantity_unit"]
    s = by_period(w, keys, {"value": lambda x: x.value, "quantity": lambda x: x.quantity}, grain,
                  weighted=("value", "quantity"))
    f64 = dt.float64
    return s.mutate(unit_value=s.value.cast(f64) / s.quantity.cast(f64).nullif(0),
                    unit=s.currency + "/" + s.quantity_unit)


def yoy(table: ir.Table, value: str = "value", *, keys: Sequence[str] | None = None) -> ir.Table:
    """Year-on-year growth of `value` in any indicator table with year, part and period columns: each row
    matched to the row of the year before with the same keys (by default the DIMENSIONS columns it has) and the
    same part (month, quarter, 1–N月). Columns: keys, year, period, value, value_prev, yoy_pct (100 × (value −
    prev) / prev, divided once; null where there is no previous year or it is 0)."""
    import ibis.expr.datatypes as dt

    ks = [k for k in (keys if keys is not None else DIMENSIONS) if k in table.columns]
    if "part" not in ks and "part" in table.columns:
        ks.append("part")
    prev = table.select(*[table[k].name(f"_p_{k}") for k in ks], _p_year=table.year + 1, value_prev=table[value])
    # null-safe: a null key (a batch without partners: "all partners") matches the null of the year before
    j = table.left_join(prev, [*[table[k].identical_to(prev[f"_p_{k}"]) for k in ks], table.year == prev._p_year])
    f64 = dt.float64
    growth = (j[value] - j.value_prev).cast(f64) / j.value_prev.cast(f64).nullif(0) * 100
    return j.select(*ks, "year", "period", j[value].name("value"), "value_prev", yoy_pct=growth)
