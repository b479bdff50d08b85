"""Indicators across trade partners: how concentrated a market's imports are (top-3 share, HHI), and the
mirror check of China's imports from a partner against that partner's exports to China.

Why the HHI is computed from cents: HHI = Σ vᵢ² / (Σ vᵢ)². The squares of exact sums (eight decimals after
value × share) would need more than the 38 digits both engines' decimals hold, and squares in double would
depend on the order Spark and DuckDB add them in. Each partner's sum is rounded to cents (half away from
zero on both engines), squared and summed as decimals — exact — and divided once, in double.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .indicators import by_period, prepare, summarise

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["mirror_gap", "partner_concentration"]


def partner_concentration(lines: ir.Table, grain: str = "year", *, by_product: bool = True, top: int = 3,
                          reporter: str | None = "CHN") -> ir.Table:
    """Partner concentration of `reporter`'s imports by market × product × currency × period: columns
    market, [product], unit (the currency), grain, year, part, period, value (total imports from partners named in the lines),
    top_value (the `top` largest partners' imports), top_share and hhi (doubles in 0..1), n_partners, n_lines.
    Lines without a partner (a batch not broken down by partner) are left out: they are not a partner."""
    import ibis
    import ibis.expr.datatypes as dt

    w = prepare(summarise(lines), reporter)
    w = w.filter((w.flow == "import") & w.partner.notnull()).mutate(unit=w.currency)
    keys = ["market", *(["product"] if by_product else []), "unit"]
    per = by_period(w, [*keys, "partner"], {"value": lambda x: x.value}, grain, weighted=("value",))
    group = [*keys, "grain", "year", "part", "period"]
    rank = ibis.row_number().over(ibis.window(group_by=group, order_by=[per.value.desc(), per.partner]))
    cents = per.value.round(2).cast(dt.Decimal(20, 2))
    per = per.mutate(_rank=rank, _c=cents, _sq=(cents * cents).cast(dt.Decimal(38, 4)))
    agg = per.group_by(group).aggregate(
        value=per.value.sum(), top_value=ibis.ifelse(per._rank < top, per.value, 0).sum(),
        _c=per._c.sum(), _sq=per._sq.sum(), n_partners=per.count(), n_lines=per.n_lines.sum())
    f64 = dt.float64
    return agg.mutate(top_share=agg.top_value.cast(f64) / agg.value.cast(f64).nullif(0),
                      hhi=agg._sq.cast(f64) / (agg._c.cast(f64) * agg._c.cast(f64)).nullif(0)).drop("_c", "_sq")


def mirror_gap(lines: ir.Table, grain: str = "year", *, reporter: str = "CHN", by_product: bool = True) -> ir.Table:
    """The mirror check: `reporter`'s imports from each partner P (CIF, as reported by `reporter`) against P's
    exports to `reporter` (FOB, as reported by P), where the lines hold both sides (e.g. Comtrade batches of
    both reporters). Columns market, [product], partner, unit, grain, year, part, period, import_value,
    export_value, gap_pct (100 × (import − export) / export; a CIF value is expected a few % above FOB),
    n_lines. Only pairs present on both sides are returned."""
    import ibis.expr.datatypes as dt

    w = prepare(summarise(lines))
    w = w.mutate(unit=w.currency)
    keys = ["market", *(["product"] if by_product else []), "unit"]
    imp = w.filter((w.reporter == reporter) & (w.flow == "import") & w.partner_iso3.notnull())
    imp = by_period(imp.mutate(partner=imp.partner_iso3), [*keys, "partner"], {"value": lambda x: x.value}, grain,
                    weighted=("value",))
    exp = w.filter((w.partner_iso3 == reporter) & (w.flow == "export"))
    exp = by_period(exp.mutate(partner=exp.reporter), [*keys, "partner"], {"value": lambda x: x.value}, grain,
                    weighted=("value",))
    cols = [*keys, "partner", "grain", "year", "part"]
    exp = exp.select(*[exp[c].name(f"_x_{c}") for c in cols], export_value=exp.value, _x_n=exp.n_lines)
    j = imp.join(exp, [imp[c] == exp[f"_x_{c}"] for c in cols])
    f64 = dt.float64
    gap = (j.value - j.export_value).cast(f64) / j.export_value.cast(f64).nullif(0) * 100
    return j.select(*cols[:-3], "grain", "year", "part", "period", import_value=j.value,
                    export_value=j.export_value, gap_pct=gap, n_lines=j.n_lines + j._x_n)
