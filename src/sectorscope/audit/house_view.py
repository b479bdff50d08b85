"""The house view: which of several conflicting figures a report uses, and why.

A choice is a vintage like any load: the chosen figure is named by its key (so a later revision of the
same figure stays chosen), the alternatives stay in the store, and reports show the spread among them.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from ..errors import StoreError
from ..model import DIMENSIONS, packaged_rules
from ..store import AsOf, Batch, Store, VintageSummary
from .findings import figures_from
from .intervals import with_intervals

__all__ = ["choose", "house_view_rows"]

_KEY = ("indicator", *DIMENSIONS, "period")


def choose(store: Store, obs_id: int, reason: str, *, analyst: str = "", label: str = "",
           loaded_at: datetime | None = None) -> VintageSummary:
    """Record that the report uses figure `obs_id` for its indicator, dimensions and period, because `reason`."""
    if not reason or not reason.strip():
        raise StoreError("a house view needs a reason: say why this figure and not the others (--why)")
    obs = store.observations()
    row = obs.filter(obs.obs_id == int(obs_id)).execute()
    if not len(row):
        raise StoreError(f"no current figure with id {obs_id} in {store.path}; `sectorscope query` lists them with their ids")
    r = row.iloc[0]
    rec = {k: (None if pd.isna(r[k]) else r[k]) for k in _KEY}
    rec.update(chosen_obs_key=r["obs_key"], chosen_obs_id=int(r["obs_id"]), reason=reason.strip(),
               analyst=analyst.strip() or None)
    batch = Batch(observations=pd.DataFrame(), house_views=pd.DataFrame([rec]), files=[])
    return store.write(batch, label=label or f"house view: {r['indicator']} {r['period']} → #{obs_id}",
                       loaded_at=loaded_at)


def house_view_rows(store: Store, as_of: AsOf = None) -> list[dict]:
    """Each house view with the chosen figure as printed and the spread of every figure under its key."""
    hv = store.house_views(as_of).execute()
    if not len(hv):
        return []
    cur = with_intervals(store.observations(as_of), packaged_rules().settings)
    cols = ["obs_id", "obs_key", *_KEY, "value", "value_high", "qualifier", "value_as_printed",
            "value_high_as_printed", "unit_as_printed", "status", "source_id", "quote", "location", "basis", "factor"]
    figs = cur.filter(cur.indicator.isin(sorted(set(hv["indicator"])))).select(cols).execute()
    out = []
    for h in hv.to_dict("records"):
        same = figs
        for k in _KEY:
            same = same[same[k].isna()] if h[k] is None or h[k] != h[k] else same[same[k] == h[k]]
        if not len(same):
            continue
        shown = figures_from(same)
        chosen = same[same["obs_key"] == h["chosen_obs_key"]]
        chosen_fig = shown[int(chosen["obs_id"].iloc[0])] if len(chosen) else None
        values = sorted(shown.values(), key=lambda f: f.value)
        spread = f"{values[0].shown} – {values[-1].shown} (n={len(values)})" if len(values) > 1 else values[0].shown
        dims = " · ".join(str(h[d]) for d in DIMENSIONS if d != "subject" and h[d] and h[d] == h[d]
                          and not (d == "region" and h[d] == "中国"))
        out.append({
            "indicator": h["indicator"], "subject": h["subject"], "dims": dims, "period": h["period"],
            "obs_id": chosen_fig.obs_id if chosen_fig else None, "shown": chosen_fig.shown if chosen_fig else "(withdrawn)",
            "reason": h["reason"] if isinstance(h["reason"], str) else "", "analyst": h["analyst"] if isinstance(h["analyst"], str) else "", "spread": spread,
            "ids": {int(i) for i in same["obs_id"]},
        })
    return out
