"""The demand score of a technology: growth, import dependence and order share mapped onto 0–1 between
anchors, averaged over the components a technology has, with the interval its figures' bounds allow.

Why anchored: a technology's score must not move because another technology was added, and a missing
component is missing, not zero. The anchors are justified in docs/trl.md.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ...errors import AnalysisError

__all__ = ["COMPONENTS", "DEFAULT_ANCHORS", "components_wide", "demand_score"]

COMPONENTS = ("growth", "import_dependence", "order_share")
DEFAULT_ANCHORS: dict[str, tuple[float, float]] = {
    "growth": (0.0, 30.0),             # % a year: 0 or less scores 0, 30 % or more scores 1
    "import_dependence": (0.0, 100.0),  # %: the whole scale
    "order_share": (0.0, 50.0),         # % of orders: a segment with half the orders scores 1
}


def components_wide(long: pd.DataFrame) -> pd.DataFrame:
    """select_components' long frame (technology × component) as one row per technology with columns
    <component>, <component>_lower, <component>_upper (NaN where a component is missing)."""
    out = pd.DataFrame({"technology": pd.unique(long["technology"])})
    for comp in COMPONENTS:
        part = long[long["component"] == comp].set_index("technology")
        for src, dst in (("value", comp), ("lower", f"{comp}_lower"), ("upper", f"{comp}_upper")):
            out[dst] = out["technology"].map(part[src]).astype(float)
    return out


def _norm(x: pd.Series, lo: float, hi: float) -> pd.Series:
    return ((x.astype(float) - lo) / (hi - lo)).clip(0.0, 1.0)


def demand_score(
    components: pd.DataFrame,
    anchors: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """A 0–1 demand score per technology from growth, import dependence and order share (all in %).

    `components` has a `technology` column and, per component, `<c>` and optionally `<c>_lower`/`<c>_upper`
    (an interval; missing bounds default to the point). A long frame from select_components (with a
    `component` column) is accepted too. Each component is mapped linearly onto 0–1 between its anchors and
    clipped (DEFAULT_ANCHORS, justified in docs/trl.md); the score is the mean over the components that are
    available (NaN = missing, not zero), and score_low / score_high the same mean over the normalised bounds.
    Returns technology, <c>_norm, <c>_norm_low, <c>_norm_high, score, score_low, score_high, n_components,
    available (the components used, comma-separated).
    """
    if "component" in components.columns:
        components = components_wide(components)
    anchors = {**DEFAULT_ANCHORS, **(anchors or {})}
    out = pd.DataFrame({"technology": components["technology"].to_numpy()}, index=components.index)
    pts, lows, highs = [], [], []
    for comp in COMPONENTS:
        lo, hi = anchors[comp]
        if not hi > lo:
            raise AnalysisError(f"anchors of {comp} must rise: {lo} to {hi}")
        value = components[comp].astype(float) if comp in components else pd.Series(np.nan, index=components.index)
        lower = components[f"{comp}_lower"].astype(float) if f"{comp}_lower" in components else value
        upper = components[f"{comp}_upper"].astype(float) if f"{comp}_upper" in components else value
        lower = lower.where(lower.notna() | value.isna(), value)
        upper = upper.where(upper.notna() | value.isna(), value)
        bad = value.notna() & ((lower > value) | (upper < value))
        if bad.any():
            techs = ", ".join(map(str, components.loc[bad, "technology"]))
            raise AnalysisError(f"{comp}: the interval does not contain the value for {techs}")
        out[f"{comp}_norm"] = _norm(value, lo, hi)
        out[f"{comp}_norm_low"] = _norm(lower, lo, hi).where(value.notna())
        out[f"{comp}_norm_high"] = _norm(upper, lo, hi).where(value.notna())
        pts.append(out[f"{comp}_norm"])
        lows.append(out[f"{comp}_norm_low"])
        highs.append(out[f"{comp}_norm_high"])
    p = pd.concat(pts, axis=1)
    out["score"] = p.mean(axis=1, skipna=True)
    out["score_low"] = pd.concat(lows, axis=1).mean(axis=1, skipna=True)
    out["score_high"] = pd.concat(highs, axis=1).mean(axis=1, skipna=True)
    out["n_components"] = p.notna().sum(axis=1).astype(int)
    avail = p.notna()
    out["available"] = [", ".join(c for c, ok in zip(COMPONENTS, r, strict=True) if ok) for r in avail.to_numpy()]
    return out.reset_index(drop=True)
