"""The interval a figure stands for: one definition for every layer that reads a figure as a range of values.

A figure printed as 12.8 stands for [12.75, 12.85]; 约12.8 is wider; 以上/超过 is [v, ∞) and 不足/低于 (−∞, v];
a range is its two ends, each widened by its own rounding; a count in a bare counter (5家) is exact; a derived
figure stands for the bounds stored with it. The audit, the derived figures, the alert rules, the TRL demand
score and the forecasts' comparison with the reports all ask this one question. They legitimately differ in
three ways, which are the options: whether the last printed digit widens the interval (`rounding`: the
audit's consistency checks say yes; an alert rule says no — exactly 70 with "< 70" must not fire), how far
约 widens it (`about`), and whether a derived figure is read through its stored bounds (`derived_bounds`).

Why in the store layer: the rule reads the store's own columns (the value as printed, the qualifier, the
stored bounds) and must run inside the engine, on any backend; every layer that needs it is to the right of
the store, and the model layer is engine-free. The rule is written once — the qualifiers as data (`RULES`),
the widths as formulas over a handful of engine-neutral operations — and both forms are generated from it:
Ibis expressions for queries, and a pandas form for callers that hold a frame (the TRL selectors, the
reports' own forecasts). tests/store/test_figure_interval.py checks that the two forms agree.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ..model import counter_units

__all__ = ["DEFAULT", "DERIVED", "INF", "OPEN", "RULES", "About", "End", "interval_columns", "interval_exprs",
           "interval_frame"]

INF = float("inf")


@dataclass(frozen=True)
class About:
    """How far 约 widens a figure: `units` steps of its last printed digit (one step of its unit when the
    printing has no digits to count) or `relative` × |value|, whichever is wider."""

    units: float
    relative: float = 0.0


@dataclass(frozen=True)
class End:
    """One end of the interval: a part of the figure (`value`; `high`, the range's upper value or else the
    value; `bound_low`, `bound_high`, a derived figure's stored bounds), pushed outwards by the named widths in
    order (`h`, `h_high`: half the last printed digit of the value and of the upper value; `about`: the 约
    widening). `base` None is an open end (−∞ below, +∞ above)."""

    base: str | None
    widen: tuple[str, ...] = ()


OPEN = End(None)
_ROUNDED = End("value", ("h",))
_ABOUT = End("value", ("h", "about"))

# qualifier → (low end, high end): what the printing of a figure allows.
RULES: Mapping[str, tuple[End, End]] = MappingProxyType({
    "exact": (_ROUNDED, _ROUNDED),
    "about": (_ABOUT, _ABOUT),
    "at_least": (_ROUNDED, OPEN),
    "at_most": (OPEN, _ROUNDED),
    "range": (_ROUNDED, End("high", ("h_high",))),
})
DEFAULT = "exact"  # a missing or unknown qualifier
# a derived figure with both bounds stored (with derived_bounds): those bounds, before any qualifier rule
DERIVED = (End("bound_low"), End("bound_high"))

_WIDTHS = {"h": "rounding", "h_high": "rounding", "about": "about"}  # which option enables each width
_NUMERIC = ("value", "value_high", "bound_low", "bound_high")
_TEXT = ("qualifier", "status", "value_as_printed", "value_high_as_printed", "unit_as_printed")
_WS = " \t\n\r\v\f"  # what the engine's TRIM removes (Ibis `strip`), so both forms read a number alike

_X = Any  # an Ibis expression or a numpy array: the same formula runs on both
_Cols = Mapping[str, _X]


# ---- the operations the formulas use, once per engine -----------------------------------------------------------
class _IbisOps:
    @staticmethod
    def clean(s: _X) -> _X:
        return s.replace(",", "").replace("，", "").strip()

    @staticmethod
    def counted(unit: _X, counters: list[str]) -> _X:
        return unit.strip().isin(counters)

    @staticmethod
    def number(s: _X) -> _X:
        return s.try_cast("float64")

    @staticmethod
    def decimals(s: _X) -> _X:
        return ibis.ifelse(s.contains("."), s.length() - s.find(".") - 1, 0)

    @staticmethod
    def isnull(x: _X) -> _X:
        return x.isnull()

    @staticmethod
    def where(cond: _X, a: _X, b: _X) -> _X:
        return ibis.ifelse(cond, a, b)

    @staticmethod
    def first(cases: list[tuple[_X, _X]], default: _X) -> _X:
        return ibis.cases(*cases, else_=default) if cases else default

    @staticmethod
    def pow10(d: _X) -> _X:
        return ibis.literal(10.0).pow(d)

    @staticmethod
    def greatest(a: _X, b: _X) -> _X:
        return ibis.greatest(a, b)

    @staticmethod
    def abs(x: _X) -> _X:
        return x.abs()

    @staticmethod
    def fill(x: _X, y: _X) -> _X:
        return x.fill_null(y)

    @staticmethod
    def const(x: float) -> _X:
        return ibis.literal(x)


class _NumpyOps:
    """SQL's semantics on arrays: NaN is null, a null condition is false, GREATEST skips nulls."""

    @staticmethod
    def clean(s: _X) -> _X:
        return np.array([None if x is None else x.replace(",", "").replace("，", "").strip(_WS) for x in s], object)

    @staticmethod
    def counted(unit: _X, counters: list[str]) -> _X:
        return np.array([x is not None and x.strip(_WS) in counters for x in unit], bool)

    @staticmethod
    def number(s: _X) -> _X:
        return pd.to_numeric(pd.Series(s, dtype=object), errors="coerce").to_numpy(dtype=float)

    @staticmethod
    def decimals(s: _X) -> _X:
        return np.array([len(x) - x.find(".") - 1 if x is not None and "." in x else 0 for x in s], int)

    @staticmethod
    def isnull(x: _X) -> _X:
        return np.isnan(x)

    @staticmethod
    def where(cond: _X, a: _X, b: _X) -> _X:
        return np.where(cond, a, b)

    @staticmethod
    def first(cases: list[tuple[_X, _X]], default: _X) -> _X:
        return np.select([c for c, _ in cases], [v for _, v in cases], default) if cases else default

    @staticmethod
    def pow10(d: _X) -> _X:
        return np.array([10.0 ** float(k) for k in d], float)  # libm's pow, as the engine's POWER

    @staticmethod
    def greatest(a: _X, b: _X) -> _X:
        return np.fmax(a, b)

    @staticmethod
    def abs(x: _X) -> _X:
        return np.abs(x)

    @staticmethod
    def fill(x: _X, y: _X) -> _X:
        return np.where(np.isnan(x), y, x)

    @staticmethod
    def const(x: float) -> _X:
        return x


_Ops = type[_IbisOps] | type[_NumpyOps]
_Stage = dict[str, Callable[[_Cols], _X]]


# ---- the rule, written once -------------------------------------------------------------------------------------
def _widths(o: _Ops, about: About | None) -> list[_Stage]:
    """The figure's widths from its printing, in stages: each stage reads only the columns of those before it
    (the staged Ibis form makes each a projection, so every printed number is parsed once)."""
    counters = sorted(counter_units())

    def factor(value: _X, n: _X) -> _X:  # the figure's unit in canonical units: value ÷ the number printed
        return o.where(~o.isnull(n) & (n != 0), o.abs(value / n), 1.0)

    def half_digit(c: _Cols, n: str, d: str, f: str) -> _X:  # 0 for a count in a bare counter, or no number
        return o.where(c["_counted"] | o.isnull(c[n]), 0.0, 0.5 * o.pow10(-c[d]) * c[f])

    stages: list[_Stage] = [
        {"_s": lambda c: o.clean(c["value_as_printed"]), "_s2": lambda c: o.clean(c["value_high_as_printed"]),
         "_counted": lambda c: o.counted(c["unit_as_printed"], counters)},
        {"_n": lambda c: o.number(c["_s"]), "_n2": lambda c: o.number(c["_s2"]),
         "_d": lambda c: o.decimals(c["_s"]), "_d2": lambda c: o.decimals(c["_s2"])},
        {"factor": lambda c: factor(c["value"], c["_n"]), "_f2": lambda c: factor(c["value_high"], c["_n2"])},
        {"h": lambda c: half_digit(c, "_n", "_d", "factor"), "h_high": lambda c: half_digit(c, "_n2", "_d2", "_f2")},
    ]
    if about is not None:
        stages.append({"about": lambda c: o.greatest(about.units * o.where(c["h"] > 0, 2 * c["h"], c["factor"]),
                                                     about.relative * o.abs(c["value"]))})
    return stages


def _ends(o: _Ops, c: _Cols, enabled: Mapping[str, bool], derived_bounds: bool) -> tuple[_X, _X]:
    """(low, high) from RULES: one case per qualifier whose end differs from the default's."""

    def effective(end: End) -> End:
        return End(end.base, tuple(w for w in end.widen if enabled[_WIDTHS[w]]))

    def render(end: End, sign: int) -> _X:
        if end.base is None:
            return o.const(sign * INF)
        x = o.fill(c["value_high"], c["value"]) if end.base == "high" else c[end.base]
        for w in end.widen:
            x = x - c[w] if sign < 0 else x + c[w]
        return x

    out = []
    for side, sign in ((0, -1), (1, 1)):
        default = effective(RULES[DEFAULT][side])
        cases = [(c["qualifier"] == q, render(effective(ends[side]), sign))
                 for q, ends in RULES.items() if effective(ends[side]) != default]
        if derived_bounds:
            bounded = (c["status"] == "derived") & ~o.isnull(c["bound_low"]) & ~o.isnull(c["bound_high"])
            cases.insert(0, (bounded, render(DERIVED[side], sign)))
        out.append(o.first(cases, render(default, sign)))
    return out[0], out[1]


def _needs_printing(rounding: bool, about: About | None) -> bool:
    return rounding or about is not None


class _Env(dict):
    """Computed parts first, then the source's own columns."""

    def __init__(self, source: Callable[[str], _X]):
        super().__init__()
        self._source = source

    def __missing__(self, name: str) -> _X:
        return self._source(name)


def _inline(o: _Ops, source: Callable[[str], _X], rounding: bool, about: About | None,
            derived_bounds: bool) -> tuple[_X, _X]:
    env = _Env(source)
    if _needs_printing(rounding, about):
        for stage in _widths(o, about):
            env.update({k: f(env) for k, f in stage.items()})
    return _ends(o, env, {"rounding": rounding, "about": about is not None}, derived_bounds)


# ---- the two forms ----------------------------------------------------------------------------------------------
def interval_columns(t: ir.Table, *, rounding: bool, about: About | None = None, derived_bounds: bool = False,
                     lo: str = "lo", hi: str = "hi") -> ir.Table:
    """`t` (observations) with the interval each figure stands for as columns `lo` and `hi` (±inf for an
    open end) and, when the printing is read (rounding or 约), `factor` (the figure's printed unit in canonical
    units) and `h` (half its last printed digit, 0 for a count or when no number was printed).

    In stages, each a projection of the one before, so the engine parses each printed number once (one
    expression reused in every branch would be compiled into every branch)."""
    temps: list[str] = []
    if _needs_printing(rounding, about):
        for stage in _widths(_IbisOps, about):
            t = t.mutate(**{k: f(t) for k, f in stage.items()})
            temps += [k for k in stage if k not in ("factor", "h")]
    low, high = _ends(_IbisOps, t, {"rounding": rounding, "about": about is not None}, derived_bounds)
    t = t.mutate(**{lo: low, hi: high})
    return t.drop(*temps) if temps else t


def interval_exprs(t: ir.Table, *, rounding: bool, about: About | None = None,
                   derived_bounds: bool = False) -> tuple[ir.NumericValue, ir.NumericValue]:
    """The same interval as two expressions over `t`'s columns, for a filter or a join condition (±inf for
    an open end). The printing, when read, is parsed inside each expression: for large tables with rounding
    prefer `interval_columns`."""
    return _inline(_IbisOps, lambda name: t[name], rounding, about, derived_bounds)


def interval_frame(frame: pd.DataFrame, *, rounding: bool, about: About | None = None,
                   derived_bounds: bool = False) -> tuple[pd.Series, pd.Series]:
    """The same interval for an observations frame, as (low, high) float Series on its index. A column the
    frame lacks reads as null: no value_high, qualifier exact, no stored bounds, nothing printed."""

    def column(name: str) -> _X:
        s = frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        if name in _NUMERIC:
            return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        assert name in _TEXT, name  # every other part is computed: a name here is a bug in RULES
        return np.array([None if pd.isna(x) else str(x) for x in s], object)

    with np.errstate(divide="ignore", invalid="ignore"):  # every branch is computed; the rule picks the sound one
        low, high = _inline(_NumpyOps, column, rounding, about, derived_bounds)
    size = len(frame)
    return (pd.Series(np.broadcast_to(np.asarray(low, float), size).copy(), index=frame.index),
            pd.Series(np.broadcast_to(np.asarray(high, float), size).copy(), index=frame.index))
