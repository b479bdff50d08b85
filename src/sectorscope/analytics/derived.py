"""Derived indicators: the catalog's formulas computed over the store, each result a `derived` figure
with its formula, the ids of the figures it read, and the interval their rounding and bounds allow.

Inputs of one result come from one source, one subject, the same other dimensions and one period (the
previous period for `lag`). When a source states an input more than once, the combination taken is the
one whose figures come from the same table as the first input, then the earliest stated; the note of the
result names what it read, so the choice is visible. Everything up to the final rows is one Ibis
expression per formula and scenario, so it runs unchanged on any backend the store runs on.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..audit import with_intervals
from ..model import DERIVED, DERIVED_SOURCE, DIMENSIONS, Catalog, Derivation, Settings, canonical_unit
from .formulas import INF, interval_staged, lag_name, point_expr

__all__ = ["DERIVED_SOURCE", "Scenario", "derive", "derived_rows", "display", "figures_with_intervals"]


@dataclass(frozen=True)
class Scenario:
    """Values for a formula's free parameters, with the grounds for them."""

    name: str
    params: Mapping[str, float]
    why_zh: str = ""
    why_en: str = ""
    where: Mapping[str, str] = field(default_factory=dict)  # columns the first input must match (source_id, subject …)
    at_least: tuple[str, ...] = ()  # parameters given as a lower bound (目标不低于55%): the result keeps the open end


def figures_with_intervals(store_obs: ir.Table, settings: Settings) -> ir.Table:
    """Stated figures (not derived, not withdrawn) with their intervals `lo`, `hi`, a dimensions key and
    the table a figure sits in (`tbl`, empty for prose)."""
    t = store_obs.filter(store_obs.status != "derived")
    t = with_intervals(t, settings)
    loc = t.location.fill_null("")
    tbl = ibis.ifelse(loc.startswith("表"), loc.split(" / ")[0], "")
    return t.mutate(tbl=tbl)


def _inputs(figs: ir.Table, code: str, n: int) -> ir.Table:
    t = figs.filter(figs.indicator == code)
    return t.select(**{f"i{n}_id": t.obs_id, f"i{n}_v": t.value, f"i{n}_lo": t.lo, f"i{n}_hi": t.hi,
                       f"i{n}_src": t.source_id, f"i{n}_subj": t.subject, f"i{n}_dk": t.dkey, f"i{n}_per": t.period,
                       f"i{n}_tbl": t.tbl, f"i{n}_q": t.qualifier})


def _expression(figs: ir.Table, d: Derivation, params: Mapping[str, float],
                scenario: Scenario | None = None) -> ir.Table:
    f = d.formula
    codes = list(f.plain) + [lag_name(c) for c in f.lagged]
    base = figs.filter(figs.indicator == f.plain[0])
    for col, val in (scenario.where if scenario else {}).items():
        base = base.filter(base[col] == val)
    if f.lagged:
        base = base.filter(base.period.re_search(r"^\d{4}$"))
    keep = ["obs_id", *DIMENSIONS, "period", "period_start", "period_end", "source_id"]
    j = base.select(*keep, i0_id=base.obs_id, i0_v=base.value, i0_lo=base.lo, i0_hi=base.hi, i0_dk=base.dkey,
                    i0_tbl=base.tbl, i0_q=base.qualifier)
    for n, code in enumerate(codes[1:], start=1):
        lagged = code.startswith("lag__")
        o = _inputs(figs, code[len("lag__"):] if lagged else code, n)
        per = (j.period.cast("int64") - 1).cast("string") if lagged else j.period
        j = j.join(o, [j.source_id == o[f"i{n}_src"], j.subject == o[f"i{n}_subj"], j.i0_dk == o[f"i{n}_dk"],
                       per == o[f"i{n}_per"]])
        j = j.drop(f"i{n}_src", f"i{n}_subj", f"i{n}_dk", f"i{n}_per")
    points = {c: j[f"i{n}_v"] for n, c in enumerate(codes)}
    bounds = {c: (f"i{n}_lo", f"i{n}_hi") for n, c in enumerate(codes)}
    same = sum(ibis.ifelse((j[f"i{n}_tbl"] == j.i0_tbl) & (j.i0_tbl != ""), 1, 0) for n in range(len(codes)))
    id_sum = sum(j[f"i{n}_id"] for n in range(len(codes)))
    j = j.mutate(d_value=point_expr(f, points, params), _same=same, _idsum=id_sum,
                 input_ids=ibis.array([j[f"i{n}_id"] for n in range(len(codes))]),
                 any_about=ibis.or_(*[j[f"i{n}_q"] == "about" for n in range(len(codes))]))
    open_ = scenario.at_least if scenario else ()
    j, lo, hi = interval_staged(j, f, bounds, {k: (v, INF if k in open_ else v) for k, v in params.items()})
    j = j.mutate(d_lo=j[lo], d_hi=j[hi])
    w = ibis.window(group_by=[j.source_id, j.subject, j.i0_dk, j.period],
                    order_by=[ibis.desc(j._same), j._idsum])
    j = j.mutate(_rn=ibis.row_number().over(w))
    j = j.filter((j._rn == 0) & j.d_value.notnull())
    return j.select(*keep, "d_value", "d_lo", "d_hi", "input_ids", "any_about")


def display(value: float, unit: str) -> tuple[str, str]:
    """A value in canonical `unit` as a reader expects it printed: money in 亿元 or 万元, four significant
    figures at most."""
    if unit == "元" and abs(value) >= 1e8:
        return _num(value / 1e8), "亿元"
    if unit == "元" and abs(value) >= 1e4:
        return _num(value / 1e4), "万元"
    return _num(value), unit


def _num(v: float) -> str:
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    digits = max(0, 3 - math.floor(math.log10(abs(v))))
    s = f"{v:.{min(digits, 6)}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def _describe(d: Derivation, params: Mapping[str, float]) -> str:
    text = d.formula.text
    for k, v in params.items():
        text = text.replace(k, f"{k}={v:g}")  # the value used, in the stored formula
    return f"{d.indicator} = {text}"


def derived_rows(raw: pd.DataFrame, d: Derivation, catalog: Catalog, params: Mapping[str, float],
                 scenario: Scenario | None, vintage_id: int | None) -> pd.DataFrame:
    """The rows a derivation's results are stored as (observation columns)."""
    if not len(raw):
        return pd.DataFrame()
    ind = catalog[d.indicator]
    unit = canonical_unit(ind.unit_kind)
    out = raw.copy()
    lo, hi = out.pop("d_lo").astype(float), out.pop("d_hi").astype(float)
    if ind.lower is not None:  # the true value lies within the indicator's bounds, whatever the rounding
        lo = lo.where(hi < ind.lower, lo.clip(lower=ind.lower))
    if ind.upper is not None:
        hi = hi.where(lo > ind.upper, hi.clip(upper=ind.upper))
    value = out.pop("d_value").astype(float)
    open_hi, open_lo = hi == INF, lo == -INF
    qualifier = pd.Series("exact", index=out.index)
    qualifier[out.pop("any_about").fillna(False).astype(bool)] = "about"
    qualifier[open_hi & ~open_lo] = "at_least"
    qualifier[open_lo & ~open_hi] = "at_most"
    # A figure with an open end is stated as its bound: the point then equals the finite end.
    value = value.where(~(open_hi & ~open_lo), lo).where(~(open_lo & ~open_hi), hi)
    printed = [display(v, unit) for v in value]
    out["indicator"] = d.indicator
    out["value"] = value
    out["value_high"] = None
    out["qualifier"] = qualifier
    out["unit"] = unit
    out["value_as_printed"] = [p[0] for p in printed]
    out["unit_as_printed"] = [p[1] for p in printed]
    out["status"] = "derived"
    out["source_id"] = DERIVED_SOURCE
    out["kind"] = DERIVED
    out["location"] = f"派生:{d.name}" + (f" / {scenario.name}" if scenario else "")
    out["formula"] = _describe(d, params)
    out["input_ids"] = [[int(x) for x in ids] for ids in out["input_ids"]]
    if scenario is not None:
        out["scenario"] = scenario.name
        out["basis"] = scenario.why_zh or None
    out["note"] = d.note_zh or None
    out["bound_low"] = lo.where(lo != -INF, None)
    out["bound_high"] = hi.where(hi != INF, None)
    out["method"] = f"formula:{d.indicator}.{d.name}"
    out["input_vintage"] = vintage_id
    out["withdrawn"] = False
    return out.drop(columns=["obs_id"])


def derive(figs: ir.Table, catalog: Catalog, *, scenarios: Mapping[str, Sequence[Scenario]] | None = None,
           vintage_id: int | None = None, derivations: Sequence[Derivation] | None = None) -> pd.DataFrame:
    """Every derivation of the catalog over `figs` (see figures_with_intervals). A derivation with free
    parameters runs once per scenario given for it under `indicator.name` (or `indicator`); with none
    given, it is skipped."""
    scenarios = scenarios or {}
    frames = []
    present = set(figs.select("indicator").distinct().execute()["indicator"])
    todo = [d for d in (derivations if derivations is not None else catalog.derivations())
            if set(d.formula.indicators) <= present]
    if not todo:
        return pd.DataFrame()
    # The inputs, intervals computed once and kept: each formula then joins a small table instead of
    # re-deriving every figure's interval in its own (very long) query.
    needed = sorted({c for d in todo for c in d.formula.indicators})
    figs = figs.filter(figs.indicator.isin(needed)).cache()
    for d in todo:
        fixed = {k: v for k, v in d.params.items() if v is not None}
        runs: list[tuple[Scenario | None, dict[str, float]]] = []
        if d.free_parameters:
            for sc in scenarios.get(f"{d.indicator}.{d.name}", scenarios.get(d.indicator, ())):
                runs.append((sc, {**fixed, **{k: float(v) for k, v in sc.params.items()}}))
        else:
            runs.append((None, fixed))
        for scenario, params in runs:
            raw = _expression(figs, d, params, scenario).execute()
            rows = derived_rows(raw, d, catalog, params, scenario, vintage_id)
            if len(rows):
                frames.append(rows)
    figs.release()
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    # A total order: the engine returns each formula's rows in any order, and rows that tie on indicator,
    # location, subject and period (a product's figure and the market's) would take each other's obs_id
    # from run to run. Every dimension, then the inputs, break the tie.
    dims = [d for d in DIMENSIONS if d != "subject" and d in out]
    key = out.assign(_ids=out["input_ids"].map(lambda ids: ",".join(f"{i:012d}" for i in ids)))
    order = key.sort_values(["indicator", "location", "subject", "period", *dims, "_ids"], kind="stable",
                            na_position="first").index
    return out.loc[order].reset_index(drop=True)
