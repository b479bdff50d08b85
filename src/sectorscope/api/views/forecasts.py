"""Forecasts with their intervals, beside the history they started from, the reports' own forecasts for the
same series and the CAGR scenarios — the market section of the report (report/content/market.py), as data."""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Collection, Hashable, Mapping
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
    query_of,
    references,
    resolve,
)

__all__ = ["ANSWERS", "Answers", "cached_forecasts", "forecasts"]

_COLS = tuple(dict.fromkeys((*FIGURE_COLUMNS, *PRINTED_COLUMNS, *DIMENSIONS, "lo80", "hi80", "lo95", "hi95",
                              "method", "input_ids", "input_vintage", "kind")))


def _grouped(frame: pd.DataFrame, only: Collection[tuple] | None = None) -> dict[tuple, list[dict]]:
    """The rows of `frame` as records, by series key (indicator and every dimension but scenario); with
    `only`, just the rows of those keys. Records, not frame slices: a slice and its `to_dict` cost a few ms
    each, and a query has dozens of series."""
    if not len(frame):
        return {}
    cols = [frame["indicator"], *(frame[d].astype(object).where(frame[d].notna(), None) for d in SERIES_DIMS)]
    keys = list(zip(*cols, strict=True))
    if only is not None:
        keep = [k in only for k in keys]
        frame, keys = frame[keep], [k for k, x in zip(keys, keep, strict=True) if x]
    out: dict[tuple, list[dict]] = {}
    for k, r in zip(keys, frame.to_dict("records"), strict=True):
        out.setdefault(k, []).append(r)
    return out


def _by_period(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (r["period"], r["obs_id"]))


def _by_location(rows: list[dict]) -> list[dict]:
    """In location, period, obs_id order (a missing location last, as pandas sorts)."""
    return sorted(rows, key=lambda r: (clean(r["location"]) is None, clean(r["location"]) or "", r["period"],
                                       r["obs_id"]))


def _ours(store: Store, at: int | str | None, slots: Mapping[str, Any]) -> ir.Table:
    """sectorscope's own forecasts and scenario projections matching the filters of `slots`."""
    return query_of(store, at, slots, kind=list(OUR_FORECAST_KINDS)).select(*_COLS)


def _figures(store: Store, at: int | str | None, slots: Mapping[str, Any]) -> ir.Table:
    """The figures matching the filters of `slots` (the reports' own forecasts: status=forecast)."""
    return query_of(store, at, slots).select(*_COLS)


def _by_id(store: Store, slots: Mapping[str, Any]) -> ir.Table:
    """Figures by id, any version (`id0`, `id1`, … of `slots`, all between `lo` and `hi`). The range says
    nothing the list does not, but the engine skips the parts of the file outside it without reading them."""
    obs = store.table("observations")
    ids = [slots[f"id{i}"] for i in range(len(slots)) if f"id{i}" in slots]
    return obs.filter(obs.obs_id.between(slots["lo"], slots["hi"]), obs.obs_id.isin(ids)).select(*_COLS)


def _id_slots(ids: list[int]) -> dict[str, int]:
    """`ids` (sorted) as the parameters of `_by_id`, padded to a power of two by repeating the last (an id
    twice in `isin` changes nothing), so a few compiled shapes serve every number of ids."""
    size = 8
    while size < len(ids):
        size *= 2
    padded = ids + [ids[-1]] * (size - len(ids))
    return {"lo": ids[0], "hi": ids[-1], **{f"id{i}": v for i, v in enumerate(padded)}}


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
    series = _grouped(model)
    hist_by = _grouped(hist, series)
    stated_by = _grouped(stated[stated["scenario"].isna()], series) if len(stated) else {}
    scen_by = _grouped(scen, series)
    out = []
    for key, rows in sorted(series.items(), key=lambda kv: tuple("" if v is None else str(v) for v in kv[0])):
        pts = _by_period(rows)
        first = pts[0]
        mine_ids = {int(i) for p in pts if p["input_ids"] is not None for i in p["input_ids"]}
        h = [r for r in hist_by.get(key, []) if r["obs_id"] in mine_ids]
        out.append({
            "indicator": first["indicator"],
            "dims": {d: first[d] for d in SERIES_DIMS if not pd.isna(first[d])},
            "unit": clean(first["unit"]), "method": clean(first["method"]),
            "input_vintage": clean(first["input_vintage"]),
            "points": [{"obs_id": int(p["obs_id"]), "period": str(p["period"]), "value": clean(p["value"]),
                        **{c: clean(p[c]) for c in ("lo80", "hi80", "lo95", "hi95")}} for p in pts],
            "history": references(_by_period(h), current=False),
            "reported": references(_by_period(stated_by.get(key, []))),
            "scenarios": references(_by_location(scen_by.get(key, []))),
        })
    return {"vintage_id": vid, "series": out}


class Answers:
    """Whole answers by store state and question, at most `size` (least recently used dropped first).

    Why: the forecasts of one market take 100–300 ms at 10 M figures — three reads, then a few hundred
    figures shaped in pandas and Python — and nothing in them changes until the store gains a vintage (a
    vintage, once written, never changes). So an answer is kept under the store file (its inode), the
    latest vintage of the state the request reads (the API's pool gives each request one committed state)
    and the question; the first request after a write computes it again."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, dict] = OrderedDict()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(self, key: Hashable) -> dict | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
            return hit

    def put(self, key: Hashable, answer: dict) -> None:
        with self._lock:
            self._entries[key] = answer
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


ANSWERS = Answers()


def cached_forecasts(store: Store, f: Filters, as_of: str | None) -> dict:
    """`forecasts`, kept in ANSWERS until the store changes. The answer is shared: callers must not change it."""
    vid = resolve(store, as_of)
    try:
        st = os.stat(store.path)
        ident: tuple[int, ...] = (st.st_dev, st.st_ino)
    except OSError:
        return forecasts(store, f, as_of)
    key = (str(store.path), ident, store.latest_vintage(), vid if vid is not None else as_of,
           tuple(f.indicator), tuple(sorted(f.dims.items())), f.period)
    hit = ANSWERS.get(key)
    if hit is None:
        hit = forecasts(store, f, as_of)
        ANSWERS.put(key, hit)
    return hit
