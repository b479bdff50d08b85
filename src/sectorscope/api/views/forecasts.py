"""Forecasts with their intervals, beside the history they started from, the reports' own forecasts for the
same series and the CAGR scenarios — the market section of the report (report/content/market.py), as data."""
from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from ...model import DIMENSIONS, MODEL_FORECAST, OUR_FORECAST_KINDS, SCENARIO_PROJECTION
from ...monitor import SERIES_DIMS
from ...store import Store
from ..convert import clean
from .common import (
    FIGURE_COLUMNS,
    PRINTED_COLUMNS,
    QUERIES,
    Filters,
    check_filters,
    figures_of,
    query_of,
    resolve,
)

__all__ = ["forecasts"]

_COLS = tuple(dict.fromkeys((*FIGURE_COLUMNS, *PRINTED_COLUMNS, *DIMENSIONS, "lo80", "hi80", "lo95", "hi95",
                              "method", "input_ids", "input_vintage", "kind")))


def _keyed(frame: pd.DataFrame, only: Collection[tuple] | None = None) -> dict[tuple, pd.DataFrame]:
    """The rows of `frame` by series key (indicator and every dimension but scenario), in one pass; with
    `only`, just the rows of those keys (the rest would be grouped only to be thrown away)."""
    if not len(frame):
        return {}
    cols = [frame["indicator"], *(frame[d].astype(object).where(frame[d].notna(), None) for d in SERIES_DIMS)]
    keys = pd.Series(list(zip(*cols, strict=True)), index=frame.index)
    if only is not None:
        keep = [k in only for k in keys]
        frame, keys = frame[keep], keys[keep]
        if not len(frame):
            return {}
    return {k: frame.loc[idx] for k, idx in keys.groupby(keys, sort=False).groups.items()}


def _ours(store: Store, at: int | str | None, slots: Mapping[str, Any]) -> ir.Table:
    """sectorscope's own forecasts and scenario projections matching the filters of `slots`."""
    return query_of(store, at, slots, kind=list(OUR_FORECAST_KINDS)).select(*_COLS)


def _figures(store: Store, at: int | str | None, slots: Mapping[str, Any]) -> ir.Table:
    """The figures matching the filters of `slots` (the reports' own forecasts: status=forecast)."""
    return query_of(store, at, slots).select(*_COLS)


def _by_id(store: Store, slots: Mapping[str, Any]) -> ir.Table:
    """Figures by id, any version (`id0`, `id1`, … of `slots`)."""
    obs = store.table("observations")
    return obs.filter(obs.obs_id.isin([slots[f"id{i}"] for i in range(len(slots))])).select(*_COLS)


def _id_slots(ids: list[int]) -> dict[str, int]:
    """`ids` as the parameters of `_by_id`, padded to a power of two by repeating the last (an id twice in
    `isin` changes nothing), so a few compiled shapes serve every number of ids."""
    size = 8
    while size < len(ids):
        size *= 2
    padded = ids + [ids[-1]] * (size - len(ids))
    return {f"id{i}": v for i, v in enumerate(padded)}


def forecasts(store: Store, f: Filters, as_of: str | None) -> dict:
    """One entry per forecast series matching the filters (indicator, dimensions, period of the points)."""
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    check_filters(store, f)
    dims = {k: v for k, v in f.dims.items() if k != "scenario"}
    ours = QUERIES.execute(store, ("forecasts-ours", at), lambda v: _ours(store, at, v),
                           Filters(indicator=f.indicator, dims=dims, period=f.period).slots())
    model = ours[(ours["kind"] == MODEL_FORECAST) & ours["scenario"].isna()]
    scen = ours[ours["kind"] == SCENARIO_PROJECTION]
    if not len(model):
        return {"vintage_id": vid, "series": []}
    inds = sorted(set(model["indicator"]))
    stated = QUERIES.execute(store, ("forecasts-reported", at), lambda v: _figures(store, at, v),
                             Filters(indicator=inds, dims=dims, period=f.period, status="forecast").slots())
    stated = stated[~stated["kind"].isin(OUR_FORECAST_KINDS)]
    ids = sorted({int(i) for v in model["input_ids"] if v is not None for i in v})
    hist = QUERIES.execute(store, ("forecast-inputs",), lambda v: _by_id(store, v), _id_slots(ids)) if ids \
        else pd.DataFrame(columns=list(_COLS))
    series = _keyed(model)
    hist_by = _keyed(hist, series)
    stated_by = _keyed(stated[stated["scenario"].isna()], series) if len(stated) else {}
    scen_by = _keyed(scen, series)
    empty = model.iloc[:0]
    out = []
    for key, pts in sorted(series.items(), key=lambda kv: tuple("" if v is None else str(v) for v in kv[0])):
        pts = pts.sort_values(["period", "obs_id"])
        first = pts.iloc[0].to_dict()
        mine_ids = {int(i) for v in pts["input_ids"] if v is not None for i in v}
        h = hist_by.get(key, empty)
        h = h[h["obs_id"].isin(mine_ids)] if len(h) else h
        rep, sc = stated_by.get(key, empty), scen_by.get(key, empty)
        out.append({
            "indicator": first["indicator"],
            "dims": {d: first[d] for d in SERIES_DIMS if not pd.isna(first[d])},
            "unit": clean(first["unit"]), "method": clean(first["method"]),
            "input_vintage": clean(first["input_vintage"]),
            "points": [{"obs_id": int(p["obs_id"]), "period": str(p["period"]), "value": clean(p["value"]),
                        **{c: clean(p[c]) for c in ("lo80", "hi80", "lo95", "hi95")}}
                       for p in pts.to_dict("records")],
            "history": figures_of(h.sort_values(["period", "obs_id"]), vid, current=False) if len(h) else [],
            "reported": figures_of(rep.sort_values(["period", "obs_id"]), vid) if len(rep) else [],
            "scenarios": figures_of(sc.sort_values(["location", "period", "obs_id"]), vid) if len(sc) else [],
        })
    return {"vintage_id": vid, "series": out}
