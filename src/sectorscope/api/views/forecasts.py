"""Forecasts with their intervals, beside the history they started from, the reports' own forecasts for the
same series and the CAGR scenarios — the market section of the report (report/content/market.py), as data."""
from __future__ import annotations

import pandas as pd

from ...model import DIMENSIONS, MODEL_FORECAST, OUR_FORECAST_KINDS, SCENARIO_PROJECTION
from ...monitor import SERIES_DIMS
from ...store import Store
from ..convert import clean
from .common import FIGURE_COLUMNS, PRINTED_COLUMNS, Filters, check_filters, figures_of, resolve

__all__ = ["forecasts"]

_COLS = tuple(dict.fromkeys((*FIGURE_COLUMNS, *PRINTED_COLUMNS, *DIMENSIONS, "lo80", "hi80", "lo95", "hi95",
                              "method", "input_ids", "input_vintage", "kind")))


def _keyed(frame: pd.DataFrame) -> dict[tuple, pd.DataFrame]:
    """The rows of `frame` by series key (indicator and every dimension but scenario), in one pass."""
    if not len(frame):
        return {}
    cols = [frame["indicator"], *(frame[d].astype(object).where(frame[d].notna(), None) for d in SERIES_DIMS)]
    keys = pd.Series(list(zip(*cols, strict=True)), index=frame.index)
    return {k: frame.loc[idx] for k, idx in keys.groupby(keys, sort=False).groups.items()}


def _frame(t) -> pd.DataFrame:
    return t.select(*_COLS).execute()


def forecasts(store: Store, f: Filters, as_of: str | None) -> dict:
    """One entry per forecast series matching the filters (indicator, dimensions, period of the points)."""
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    check_filters(store, f)
    dims = {k: v for k, v in f.dims.items() if k != "scenario"}
    ours = _frame(store.query(at, indicator=f.indicator or None, kind=list(OUR_FORECAST_KINDS), period=f.period,
                              **dims))
    model = ours[(ours["kind"] == MODEL_FORECAST) & ours["scenario"].isna()]
    scen = ours[ours["kind"] == SCENARIO_PROJECTION]
    if not len(model):
        return {"vintage_id": vid, "series": []}
    inds = sorted(set(model["indicator"]))
    stated = _frame(store.query(at, indicator=inds, status="forecast", period=f.period, **dims))
    stated = stated[~stated["kind"].isin(OUR_FORECAST_KINDS)]
    ids = sorted({int(i) for v in model["input_ids"] if v is not None for i in v})
    obs = store.table("observations")
    hist = _frame(obs.filter(obs.obs_id.isin(ids))) if ids else pd.DataFrame(columns=list(_COLS))
    hist_by = _keyed(hist)
    stated_by = _keyed(stated[stated["scenario"].isna()]) if len(stated) else {}
    scen_by = _keyed(scen)
    empty = model.iloc[:0]
    out = []
    for key, pts in sorted(_keyed(model).items(), key=lambda kv: tuple("" if v is None else str(v) for v in kv[0])):
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
