"""Every figure as the interval of values it can stand for — the one idea all audit rules share — keyed for the
audit's joins.

The interval itself is store/figure_interval.py's (the one definition every layer uses); the audit reads it
with rounding and 约 widening, because a consistency check must not call two printings of one truth a
conflict. What the audit adds is how figures are paired: the dimensions as one join key and the status group.
"""
from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..model import DIMENSIONS, Settings
from ..store import INF, About, interval_columns

__all__ = ["INF", "SEP", "dims_key", "dims_key_of", "with_intervals"]

SEP = "\x1f"
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


def with_intervals(t: ir.Table, settings: Settings) -> ir.Table:
    """`t` (observations) with `lo`, `hi` (the interval a figure stands for, canonical unit: rounding and 约
    widening by `settings`), `h` (its rounding half-width), `factor`, `dkey` (dimensions key) and `grp` (status
    group: figures stated as actual or estimate are compared with each other; forecasts, targets and derived
    figures each apart)."""
    t = interval_columns(t, rounding=True, about=About(settings.about_units, settings.about_relative))
    grp = ibis.cases((t.status.isin(["actual", "estimate"]), "stated"), else_=t.status)
    return t.mutate(dkey=dims_key(t), grp=grp)
