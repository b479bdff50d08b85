"""Every figure as the interval of values it can stand for — the one idea all audit rules share.

A figure printed as 12.8 stands for [12.75, 12.85]; 约12.8 is wider; 以上 and 不足 are half-lines; a range
is its ends widened by their rounding; a count in a bare counter (5家) is exact. Computed as Ibis
expressions from the columns the store already keeps (the value *as printed*), so the audit runs on any
backend without a Python pass over the rows.
"""
from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..model.observation import DIMENSIONS
from ..model.rules import Settings
from ..model.units import counter_units

__all__ = ["INF", "SEP", "dims_key", "dims_key_of", "with_intervals"]

SEP = "\x1f"
INF = float("inf")
_DIMS = tuple(d for d in DIMENSIONS if d != "subject")


def dims_key(t: ir.Table) -> ir.StringValue:
    """The non-subject dimensions as one string (null → ''), for equi-joins that treat two nulls as equal."""
    expr = None
    for d in _DIMS:
        part = t[d].fill_null("")
        expr = part if expr is None else expr + SEP + part
    return expr


def dims_key_of(dims: dict[str, str | None]) -> str:
    """The same key for a mapping of dimensions (from a rules file)."""
    return SEP.join("" if dims.get(d) is None else str(dims[d]) for d in _DIMS)


def _clean_number(printed: ir.StringValue) -> ir.StringValue:
    return printed.replace(",", "").replace("，", "").strip()


def _decimals(s: ir.StringValue) -> ir.IntegerValue:
    return ibis.ifelse(s.contains("."), s.length() - s.find(".") - 1, 0)


def with_intervals(t: ir.Table, settings: Settings) -> ir.Table:
    """`t` (observations) with `lo`, `hi` (the interval a figure stands for, canonical unit), `h` (its
    rounding half-width), `factor`, `dkey` (dimensions key) and `grp` (status group: figures stated as
    actual or estimate are compared with each other; forecasts, targets and derived figures each apart)."""
    # In stages, each a projection of the one before, so the engine parses each printed number once
    # (one expression reused in every branch would be compiled into every branch).
    counters = sorted(counter_units())
    t = t.mutate(_s=_clean_number(t.value_as_printed), _s2=_clean_number(t.value_high_as_printed),
                 _counted=t.unit_as_printed.strip().isin(counters))
    t = t.mutate(_n=t._s.try_cast("float64"), _n2=t._s2.try_cast("float64"), _d=_decimals(t._s), _d2=_decimals(t._s2))
    t = t.mutate(factor=ibis.ifelse(t._n.notnull() & (t._n != 0), (t.value / t._n).abs(), 1.0),
                 _f2=ibis.ifelse(t._n2.notnull() & (t._n2 != 0), (t.value_high / t._n2).abs(), 1.0))
    t = t.mutate(h=ibis.ifelse(t._counted | t._n.isnull(), 0.0, 0.5 * ibis.literal(10.0).pow(-t._d) * t.factor),
                 _h2=ibis.ifelse(t._counted | t._n2.isnull(), 0.0, 0.5 * ibis.literal(10.0).pow(-t._d2) * t._f2))
    t = t.mutate(_about=ibis.greatest(settings.about_units * ibis.ifelse(t.h > 0, 2 * t.h, t.factor),
                                      settings.about_relative * t.value.abs()))
    h, h_high, about = t.h, t._h2, t._about
    v = t.value
    inf = ibis.literal(INF)
    q = t.qualifier
    lo = (ibis.cases((q == "at_most", -inf), (q == "about", v - h - about), else_=v - h))
    hi = (ibis.cases((q == "at_least", inf), (q == "at_most", v + h), (q == "about", v + h + about),
                     (q == "range", t.value_high.fill_null(v) + h_high), else_=v + h))
    grp = ibis.cases((t.status.isin(["actual", "estimate"]), "stated"), else_=t.status)
    t = t.mutate(lo=lo, hi=hi, dkey=dims_key(t), grp=grp)
    return t.drop("_s", "_s2", "_counted", "_n", "_n2", "_d", "_d2", "_f2", "_h2", "_about")
