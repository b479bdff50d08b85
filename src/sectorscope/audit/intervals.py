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

__all__ = ["with_intervals", "dims_key", "dims_key_of", "SEP", "INF"]

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


def _half_unit(printed: ir.StringValue, value: ir.NumericValue, unit: ir.StringValue) -> tuple[ir.NumericValue, ir.NumericValue]:
    """(h, factor): half a unit of the last printed digit in canonical units, and canonical per printed unit."""
    s = printed.replace(",", "").replace("，", "").strip()
    num = s.try_cast("float64")
    decimals = ibis.ifelse(s.contains("."), s.length() - s.find(".") - 1, 0)
    factor = ibis.ifelse(num.notnull() & (num != 0), (value / num).abs(), 1.0)
    counted = unit.strip().isin(sorted(counter_units()))
    h = ibis.ifelse(counted | num.isnull(), 0.0, 0.5 * ibis.literal(10.0).pow(-decimals) * factor)
    return h, factor


def with_intervals(t: ir.Table, settings: Settings) -> ir.Table:
    """`t` (observations) with `lo`, `hi` (the interval a figure stands for, canonical unit), `h` (its
    rounding half-width), `factor`, `dkey` (dimensions key) and `grp` (status group: figures stated as
    actual or estimate are compared with each other; forecasts, targets and derived figures each apart)."""
    h, factor = _half_unit(t.value_as_printed, t.value, t.unit_as_printed)
    h_high, _ = _half_unit(t.value_high_as_printed, t.value_high, t.unit_as_printed)
    unit_step = ibis.ifelse(h > 0, 2 * h, factor)
    about = ibis.greatest(settings.about_units * unit_step, settings.about_relative * t.value.abs())
    v = t.value
    inf = ibis.literal(INF)
    q = t.qualifier
    lo = (ibis.cases((q == "at_most", -inf), (q == "about", v - h - about), else_=v - h))
    hi = (ibis.cases((q == "at_least", inf), (q == "at_most", v + h), (q == "about", v + h + about),
                     (q == "range", t.value_high.fill_null(v) + h_high), else_=v + h))
    grp = ibis.cases((t.status.isin(["actual", "estimate"]), "stated"), else_=t.status)
    return t.mutate(lo=lo, hi=hi, h=h, factor=factor, dkey=dims_key(t), grp=grp)
