"""The supply-demand elasticity index per product: how far each market signal lies outside its neutral
band, scaled and signed so that + reads as shortage and − as surplus, averaged over the signals a
product has.

Anchored, not cross-sectional, normalisation: a product's reading must not change because another
product was added to the table, and "balanced" must mean inside the neutral band, not "average of
these five". The bands are data (the dataset's analytics.yaml) and say where they come from; the
inventory band is the report's own 30–45 days. Each component is monotone in its figure, so the index's
interval follows from the figures' intervals (rounding, 以上/不足) end to end.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["Component", "SupplyDemandSpec", "component_value", "parse_spec", "reading", "supply_demand_index", "tier_summary"]


@dataclass(frozen=True)
class Component:
    """One signal: its indicator, the neutral band [low, high], the scale one unit of index stands for,
    and its sign (+1: a high value means shortage)."""

    indicator: str
    low: float
    high: float
    scale: float
    sign: int = 1
    why_zh: str = ""
    why_en: str = ""


@dataclass(frozen=True)
class SupplyDemandSpec:
    source_id: str
    table: str  # the products are the rows of this table (its location prefix)
    components: tuple[Component, ...]
    tiers: Mapping[str, str] = field(default_factory=dict)  # product → tier, e.g. 通用型微型电机 → 低端
    clip: float = 2.0
    tier_why_zh: str = ""
    balanced_within: float = 0.2


def parse_spec(raw: object, file: str) -> SupplyDemandSpec:
    """The `supply_demand_index` entry of an analytics.yaml, checked."""
    where = f"{file}, supply_demand_index"
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a mapping with source_id, table and components")
    for k in ("source_id", "table", "components"):
        if not raw.get(k):
            raise InputError(f"{where}: missing {k}")
    comps = []
    for n, c in enumerate(raw["components"], start=1):
        w = f"{where}, component {n}"
        if not isinstance(c, dict) or "indicator" not in c or "neutral" not in c or "scale" not in c:
            raise InputError(f"{w}: needs indicator, neutral [low, high] and scale")
        band = c["neutral"]
        if not (isinstance(band, list) and len(band) == 2 and all(isinstance(x, (int, float)) for x in band) and band[0] <= band[1]):
            raise InputError(f"{w} ({c['indicator']}): neutral must be [low, high] with low ≤ high")
        if not isinstance(c["scale"], (int, float)) or c["scale"] <= 0:
            raise InputError(f"{w} ({c['indicator']}): scale must be a positive number")
        sign = c.get("sign", 1)
        if sign not in (1, -1):
            raise InputError(f"{w} ({c['indicator']}): sign must be 1 or -1")
        comps.append(Component(str(c["indicator"]), float(band[0]), float(band[1]), float(c["scale"]), int(sign),
                               str(c.get("why_zh", "")), str(c.get("why_en", ""))))
    tiers = raw.get("tiers") or {}
    if not isinstance(tiers, dict):
        raise InputError(f"{where}: tiers must map product names to tiers")
    return SupplyDemandSpec(str(raw["source_id"]), str(raw["table"]), tuple(comps),
                            {str(k): str(v) for k, v in tiers.items()}, float(raw.get("clip", 2.0)),
                            str(raw.get("tier_why_zh", "")), float(raw.get("balanced_within", 0.2)))


def component_value(x: float, c: Component, clip: float) -> float:
    """sign × (distance outside the neutral band) / scale, clipped to ±clip; 0 inside the band.
    Non-decreasing in x for sign +1, non-increasing for −1."""
    if math.isinf(x):
        raw = math.copysign(math.inf, x)
    elif x > c.high:
        raw = (x - c.high) / c.scale
    elif x < c.low:
        raw = (x - c.low) / c.scale
    else:
        raw = 0.0
    return float(np.clip(c.sign * raw, -clip, clip))


def _pick(frame: pd.DataFrame) -> pd.DataFrame:
    """One figure per product and indicator: the table's own, else the earliest stated."""
    frame = frame.assign(_in_table=frame["tbl"] != "").sort_values(["_in_table", "obs_id"], ascending=[False, True])
    return frame.drop_duplicates(["product", "indicator"])


def supply_demand_index(figs: ir.Table, spec: SupplyDemandSpec) -> pd.DataFrame:
    """Per product of the spec's table: each component (value, interval, index contribution, the figure
    it came from, whether it is the product's own or its tier's) and the index with its interval."""
    codes = [c.indicator for c in spec.components]
    t = figs.filter((figs.source_id == spec.source_id) & figs.indicator.isin(codes))
    rows = t.select("obs_id", "indicator", "product", "tier", "period", "value", "lo", "hi", "tbl",
                    "value_as_printed", "unit_as_printed", "qualifier").execute()
    products = sorted(set(rows.loc[rows["tbl"] == spec.table, "product"].dropna()),
                      key=lambda p: rows.loc[(rows["product"] == p), "obs_id"].min())
    if not products:
        raise InputError(f"no product rows from table {spec.table!r} of source {spec.source_id} in the store")
    own = _pick(rows[rows["product"].isin(products)])
    by_tier = _pick(rows[rows["product"].isna() & rows["tier"].notna()].assign(product=lambda f: f["tier"]))
    out = []
    for p in products:
        tier = spec.tiers.get(p)
        parts = []
        for c in spec.components:
            hit = own[(own["product"] == p) & (own["indicator"] == c.indicator)]
            level = "product"
            if hit.empty and tier:
                hit = by_tier[(by_tier["product"] == tier) & (by_tier["indicator"] == c.indicator)]
                level = "tier"
            if hit.empty:
                continue
            r = hit.iloc[0]
            ends = sorted([component_value(r["lo"], c, spec.clip), component_value(r["hi"], c, spec.clip)])
            parts.append({
                "component": c.indicator, "level": level, "obs_id": int(r["obs_id"]), "period": r["period"],
                "value": float(r["value"]), "printed": f"{r['value_as_printed'] or r['value']}{r['unit_as_printed'] or ''}",
                "qualifier": r["qualifier"], "contribution": component_value(r["value"], c, spec.clip),
                "contribution_low": ends[0], "contribution_high": ends[1],
            })
        if not parts:
            continue
        n = len(parts)
        idx = sum(x["contribution"] for x in parts) / n
        lo = sum(x["contribution_low"] for x in parts) / n
        hi = sum(x["contribution_high"] for x in parts) / n
        out.append({"product": p, "tier": tier, "index": idx, "index_low": lo, "index_high": hi,
                    "n_components": n, "components": parts,
                    "reading": reading(lo, hi, spec.balanced_within)})
    return pd.DataFrame(out)


def reading(lo: float, hi: float, within: float) -> str:
    """shortage / surplus only when the whole interval is beyond ±within; else balanced."""
    return "shortage" if lo > within else "surplus" if hi < -within else "balanced"


def tier_summary(index: pd.DataFrame, within: float = 0.2) -> pd.DataFrame:
    """Mean index by tier, with the interval of the mean: how 'low-end surplus, high-end shortage' is read
    off the data."""
    tiered = index[index["tier"].notna()]
    if tiered.empty:
        return pd.DataFrame(columns=["tier", "index", "index_low", "index_high", "products", "reading"])
    g = tiered.groupby("tier", sort=False)
    out = pd.DataFrame({"index": g["index"].mean(), "index_low": g["index_low"].mean(),
                        "index_high": g["index_high"].mean(), "products": g["product"].agg(list)}).reset_index()
    out["reading"] = [reading(lo, hi, within) for lo, hi in zip(out["index_low"], out["index_high"], strict=True)]
    return out

