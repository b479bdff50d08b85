"""Import dependence and localisation: imports / apparent consumption and domestic supply / apparent
consumption, where apparent consumption = output + imports − exports, by market × product × year.

Output is not in the trade lines: the caller passes it as a small table (market, product, year, value,
currency) taken from the store's stated output, and an FX table (year, currency, cny_per_unit, the store's
fx_rates) to bring output and trade, printed in USD or CNY, to one currency (CNY). Why conversion by decimals
at cents × four-decimal rates: the product then has six decimals, which both engines keep exactly (Spark
would round a wider product to six), so the two engines give the same figure.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .indicators import by_period, prepare, summarise

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["import_dependence", "localisation"]


def _to_cny(amount: ir.Value, currency: ir.Value, rate: ir.Value) -> ir.Value:
    import ibis
    import ibis.expr.datatypes as dt

    d4 = dt.Decimal(24, 4)  # one type for both factors (Ibis multiplies like types); cents × 4-decimal rates
    r = ibis.ifelse(currency == "CNY", ibis.literal(1).cast(d4), rate.cast(dt.Decimal(12, 4)).cast(d4))
    return (amount.round(2).cast(d4) * r).cast(dt.Decimal(38, 6))


def import_dependence(lines: ir.Table, output: ir.Table, fx: ir.Table, *, by_product: bool = True,
                      reporter: str = "CHN") -> ir.Table:
    """Import dependence of `reporter` (whose output `output` is) by market × [product] × year, in CNY:
    columns market, [product], year, period, output, imports, exports, apparent_consumption (decimals, CNY), import_dependence and localisation (doubles in
    0..1: imports / apparent consumption, (output − exports) / apparent consumption), unit ("CNY"), n_lines.
    Only market-years with both trade lines and output; null ratios where apparent consumption is not above 0
    or an FX rate is missing."""
    import ibis
    import ibis.expr.datatypes as dt

    w = prepare(summarise(lines), reporter)
    w = w.filter(w.flow.isin(["import", "export"]))
    keys = ["market", *(["product"] if by_product else [])]
    yearly = by_period(w, [*keys, "currency", "flow"], {"value": lambda x: x.value}, "year", weighted=("value",))
    rates = fx.select(_fy=fx.year.cast("int32"), _fc=fx.currency, _fr=fx.cny_per_unit)
    t = yearly.left_join(rates, [yearly.year == rates._fy, yearly.currency == rates._fc])
    t = t.mutate(_cny=_to_cny(t.value, t.currency, t._fr))
    zero = ibis.literal(0).cast(dt.Decimal(38, 6))
    trade = t.group_by([*keys, "year"]).aggregate(
        imports=ibis.ifelse(t.flow == "import", t._cny, zero).sum(),
        exports=ibis.ifelse(t.flow == "export", t._cny, zero).sum(), n_lines=t.n_lines.sum())
    o = output.mutate(_y=output.year.cast("int32"))
    o = o.left_join(rates, [o._y == rates._fy, o.currency == rates._fc])
    o = o.mutate(_cny=_to_cny(o.value, o.currency, o._fr))
    if not by_product:
        o = o.filter(o["product"].isnull() | (o["product"] == ""))
    out = o.group_by([*[o[k].name(f"_o_{k}") for k in keys], o._y.name("_o_year")]).aggregate(output=o._cny.sum())
    j = trade.join(out, [*[trade[k] == out[f"_o_{k}"] for k in keys], trade.year == out._o_year])
    apparent = j.output + j.imports - j.exports
    f64 = dt.float64
    denominator = ibis.ifelse(apparent > 0, apparent.cast(f64), ibis.null(f64)).nullif(0)
    return j.select(*keys, "year", period=j.year.cast("string"), output=j.output, imports=j.imports,
                    exports=j.exports, apparent_consumption=apparent,
                    import_dependence=j.imports.cast(f64) / denominator,
                    localisation=(j.output - j.exports).cast(f64) / denominator,
                    unit=ibis.literal("CNY"), n_lines=j.n_lines)


def localisation(lines: ir.Table, output: ir.Table, fx: ir.Table, *, by_product: bool = True,
                 reporter: str = "CHN") -> ir.Table:
    """Localisation (domestic supply's share of apparent consumption) by market × [product] × year: the same
    computation as `import_dependence`, its columns without import_dependence."""
    return import_dependence(lines, output, fx, by_product=by_product, reporter=reporter).drop("import_dependence")
