"""Aggregation of normalised indicators into one score per unit, and the rank of the scores.

Why together: geometric aggregation needs positive values (`make_positive`), and a score is only published
with its rank; both are the last steps of the chain, shared by the point score and the Monte-Carlo.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .arrays import nan_stats, rank_avg
from .frames import check_frame
from .spec import CompositeError, check_method

__all__ = ["aggregate", "aggregate_batch", "make_positive", "positive_batch", "rank"]


def positive_batch(V: np.ndarray, floor: float) -> np.ndarray:
    """Shift each indicator whose minimum over units is below `floor` up to it, per draw (see make_positive)."""
    mn = nan_stats(V, "min")
    return V + np.where(mn < floor, floor - mn, 0.0)


def aggregate_batch(V: np.ndarray, W: np.ndarray, method: str) -> np.ndarray:
    """Scores (draws, units) of V (draws, units, k) under weights W (draws, k), available-case: each unit's
    weights re-scaled over the indicators it has (see aggregate)."""
    present = ~np.isnan(V)
    with np.errstate(invalid="ignore", divide="ignore"):
        T = np.log(np.where(present, V, 1.0)) if method == "geometric" else np.where(present, V, 0.0)
        Wb = W[:, None, :] * present
        S = (T * Wb).sum(-1) / Wb.sum(-1)
    return np.exp(S) if method == "geometric" else S


def make_positive(norm: pd.DataFrame, floor: float = 0.01) -> pd.DataFrame:
    """Shift each normalised indicator whose minimum is below `floor` up so that its minimum is `floor`.

    Why: geometric aggregation takes logarithms, so a 0 (the worst unit under min-max or rank) or a negative
    z-score would be undefined or would zero the whole score. Min-max and rank values become v + floor (∈
    [floor, 1 + floor]); z-scores z − min z + floor; frontier ratios are shifted only if some unit is below the
    floor. A constant shift of a min-max column keeps the ordering of every unit on it; the floor is small so
    that a worst-in-class indicator still weighs heavily, which is the point of geometric aggregation (less
    compensability)."""
    f = check_frame(norm, "the normalised frame")
    if not floor > 0:
        raise CompositeError(f"the geometric floor must be > 0, got {floor!r}")
    return pd.DataFrame(positive_batch(f.to_numpy()[None], floor)[0], index=f.index, columns=f.columns)


def aggregate(norm: pd.DataFrame, w: pd.Series | Mapping[str, float], method: str) -> pd.Series:
    """Combine normalised indicators into one score per unit, available-case: a unit missing an indicator is
    scored over those it has, their weights re-scaled to sum to 1 (no unit is scored on a gap as if it were 0).

    - "arithmetic": Σ w·v / Σ w. Fully compensatory: a bad indicator is offset by a good one.
    - "geometric": exp(Σ w·log v / Σ w). Less compensatory (a weak indicator costs more), rewards balance;
      needs every value > 0 — pass the frame through `make_positive` first (`score` does).
    A unit with no indicator present (or only zero-weight ones) gets NaN.
    """
    check_method(method, "aggregation")
    f = check_frame(norm, "the normalised frame")
    ws = pd.Series(w, dtype=float)
    lacking = [str(c) for c in f.columns if c not in ws.index]
    if lacking:
        raise CompositeError(f"no weight for indicator(s) {', '.join(lacking)}")
    ws = ws.reindex(f.columns)
    if (~np.isfinite(ws) | (ws < 0)).any() or ws.sum() <= 0:
        raise CompositeError("weights must be finite, ≥ 0 and not all 0; got "
                             + ", ".join(f"{i}={v:g}" for i, v in ws.items()))
    X = f.to_numpy()
    if method == "geometric":
        with np.errstate(invalid="ignore"):
            bad = (X <= 0).any(axis=0)
        if bad.any():
            raise CompositeError("geometric aggregation needs normalised values > 0, but indicator(s) "
                                 f"{', '.join(str(c) for c, b in zip(f.columns, bad, strict=True) if b)} have values ≤ 0; "
                                 "shift them with make_positive(norm, floor) first")
    out = aggregate_batch(X[None], (ws / ws.sum()).to_numpy()[None], method)[0]
    return pd.Series(out, index=f.index)


def rank(scores: pd.Series) -> pd.Series:
    """Rank units by score, 1 = best. Ties share the average of the ranks they span (two units tied for first
    are both 1.5): the ranks always sum to m(m+1)/2, so mean ranks and rank variances across Monte-Carlo draws
    stay comparable, and a tie is visible as x.5. NaN scores get NaN ranks."""
    s = pd.Series(scores, dtype=float)
    return pd.Series(rank_avg(-s.to_numpy()[None], axis=1)[0], index=s.index, name="rank")
