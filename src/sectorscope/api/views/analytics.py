"""Derived figures with lineage, composite indices with rank intervals, the elasticity index and TRL ×
demand: all stored as figures by `sectorscope analyse`, read back here and grouped as the report groups
them (report/content/), so the API cannot show other numbers than the report."""
from __future__ import annotations

import pandas as pd

from ...analytics import quadrant
from ...model import ASSESSMENT, DERIVED, TIER_SUMMARY
from ...store import Store
from ..convert import clean
from ..models import OBSERVATION_FIELDS
from .common import Filters, check_filters, figures, observation_rows, resolve

__all__ = ["derived", "elasticity", "indices", "trl"]

def derived(store: Store, f: Filters, as_of: str | None, *, limit: int, after: int | None) -> dict:
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    check_filters(store, f)
    kinds = [k for k in (DERIVED, TIER_SUMMARY, ASSESSMENT) if f.kind in (None, k)]  # a kind asked for narrows
    if not kinds:  # kind=stated or a forecast kind: none of those is a derived figure
        return {"vintage_id": vid, "count": 0, "items": []}
    t = store.query(at, **{**f.query_kwargs(), "kind": kinds, "status": "derived"})
    if after is not None:
        t = t.filter(t.obs_id > after)
    frame = t.order_by("obs_id").limit(limit).select(*OBSERVATION_FIELDS).execute()
    rows = observation_rows(frame)
    ids = [i for r in rows for i in (r["input_ids"] or [])]
    figs = {x["obs_id"]: x for x in figures(store, ids, vid)}
    items = [{"observation": r, "inputs": [figs[i] for i in (r["input_ids"] or []) if i in figs]} for r in rows]
    return {"vintage_id": vid, "count": len(items), "items": items}


def indices(store: Store, as_of: str | None) -> dict:
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    frame = store.query(at, indicator=["composite_index", "composite_rank"]).execute()
    out = []
    for index, g in sorted(frame.groupby("product"), key=lambda kv: kv[0]):
        scores = g[g["indicator"] == "composite_index"]
        ranks = g[g["indicator"] == "composite_rank"]

        def label(r: dict) -> str:
            return str(clean(r.get("company")) or clean(r.get("region")) or "")

        def unit(r: dict) -> tuple[str, str]:
            # a unit is its company or region within its tier: the manufacturing index ranks foundries and
            # packaging houses separately, and one company can be in both
            return label(r), str(clean(r.get("tier")) or "")

        rank_by = {unit(r): r for r in ranks.to_dict("records")}
        units = []
        for r in sorted(scores.to_dict("records"), key=lambda r: (unit(r)[1], -float(r["value"]), label(r))):
            k = rank_by.get(unit(r))
            units.append({
                "label": label(r), "tier": clean(r.get("tier")), "score": clean(r["value"]),
                "score_lo95": clean(r["lo95"]),
                "score_hi95": clean(r["hi95"]), "score_obs_id": int(r["obs_id"]),
                **{f"rank{s}": (None if k is None else clean(None if pd.isna(k[c]) else int(k[c])))
                   for s, c in (("", "value"), ("_lo80", "lo80"), ("_hi80", "hi80"), ("_lo95", "lo95"),
                                ("_hi95", "hi95"))},
                "rank_obs_id": None if k is None else int(k["obs_id"]),
            })
        first = scores.iloc[0].to_dict() if len(scores) else g.iloc[0].to_dict()
        out.append({"index": str(index), "title": clean(first.get("note")), "subject": clean(first.get("subject")),
                    "period": str(first.get("period")), "formula": clean(first.get("formula")),
                    "method": clean(first.get("method")), "units": units})
    return {"vintage_id": vid, "indices": out}


def elasticity(store: Store, as_of: str | None) -> dict:
    """The index per product and tier with the reading and band stored with each figure (the analysis read
    the band from the dataset's analytics.yaml), so the API says what the report says."""
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    sd = store.query(at, indicator="supply_demand_index").order_by("obs_id").execute()
    items = []
    for r in sd.to_dict("records"):
        tier_mean = r["kind"] == TIER_SUMMARY
        items.append({"obs_id": int(r["obs_id"]), "product": clean(r["product"]), "tier": clean(r["tier"]),
                      "tier_mean": tier_mean, "period": str(r["period"]), "index": float(r["value"]),
                      "low": clean(r["bound_low"]), "high": clean(r["bound_high"]),
                      "reading": clean(r["reading"]), "components": clean(r["note"]),
                      "formula": clean(r["formula"]), "input_ids": clean(r["input_ids"]) or []})
    items.sort(key=lambda x: (x["tier_mean"], x["index"], x["obs_id"]))
    pe = store.query(at, indicator="price_elasticity").order_by("obs_id").select(*OBSERVATION_FIELDS).execute()
    bands = sd["reading_band"].dropna()
    within = float(bands.iloc[0]) if len(bands) else None
    return {"vintage_id": vid, "balanced_within": within, "items": items, "price_elasticities": observation_rows(pe)}


def trl(store: Store, as_of: str | None) -> dict:
    """Every TRL figure (the analysis's and those recorded through the API) beside the demand score of its
    technology and the quadrant's advice (analytics.trl.quadrant)."""
    vid = resolve(store, as_of)
    at = vid if vid is not None else as_of  # nothing loaded by then: the store answers empty
    frame = store.query(at, indicator=["trl", "demand_score"]).order_by("obs_id").execute()
    trls = frame[frame["indicator"] == "trl"]
    dem = frame[frame["indicator"] == "demand_score"]
    dem_by = {str(r["product"]): r for r in dem.to_dict("records")}
    items = []
    for r in trls.to_dict("records"):
        tech = str(r["product"])
        d = dem_by.get(tech)
        value = None if d is None else float(d["value"])
        q = quadrant(int(r["value"]), value if value is not None else float("nan"),
                     demand_low=None if d is None else d["bound_low"],
                     demand_high=None if d is None else d["bound_high"])
        items.append({
            "technology": tech, "subject": clean(r["subject"]), "trl": int(r["value"]), "period": str(r["period"]),
            "evidence": clean(r["quote"]), "basis": clean(r["basis"]), "note": clean(r["note"]),
            "source_id": str(r["source_id"]), "trl_obs_id": int(r["obs_id"]), "demand": value,
            "demand_low": None if d is None else clean(d["bound_low"]),
            "demand_high": None if d is None else clean(d["bound_high"]),
            "demand_obs_id": None if d is None else int(d["obs_id"]),
            "quadrant": q.code, "boundary": bool(q.boundary), "advice_zh": q.advice_zh, "advice_en": q.advice_en,
        })
    items.sort(key=lambda x: (-x["trl"], x["technology"], x["trl_obs_id"]))
    return {"vintage_id": vid, "items": items}

