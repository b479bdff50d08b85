"""Missing-data treatment and normalisation: the two steps that turn raw figures into comparable values,
each indicator turned so that higher is better.

Why together: both work column by column over the units present, and the missing-data treatment decides which
units the normalisation's statistics see.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .arrays import nan_stats, rank_avg
from .frames import check_frame
from .spec import CompositeError, check_method

__all__ = ["frontier_ok", "missing_batch", "normalise", "normalise_batch"]


def missing_batch(X: np.ndarray, method: str) -> np.ndarray:
    """Apply the missing-data treatment. "drop" blanks the whole row of a unit missing anything (so every
    NaN-aware statistic below ignores it, as if it had been removed); "mean" fills gaps with the indicator's
    mean over units of the same draw; "available" leaves gaps for `aggregate_batch` to re-weight around."""
    gaps = np.isnan(X)
    if method == "available" or not gaps.any():
        return X
    if method == "mean":
        return np.where(gaps, nan_stats(X, "mean"), X)
    return np.where(gaps.any(axis=2, keepdims=True), np.nan, X)


def normalise_batch(X: np.ndarray, method: str, sign: np.ndarray) -> np.ndarray:
    """Normalised values of X (draws, units, k) under `method`, each indicator turned by `sign` (+1 / −1) so
    that higher is better (see normalise); NaN stays NaN."""
    gaps = np.isnan(X)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "frontier":
            mx, mn = nan_stats(X, "max"), nan_stats(X, "min")
            up = np.where(mx > 0, X / np.where(mx > 0, mx, 1.0), 1.0)     # x / best, best = max
            down = np.where(X > 0, mn / np.where(X > 0, X, 1.0), 1.0)     # best / x, best = min
            out = np.where(sign > 0, up, down)
        else:
            Xs = X * sign
            if method == "minmax":
                mn, mx = nan_stats(Xs, "min"), nan_stats(Xs, "max")
                span = mx - mn
                out = np.where(span > 0, (Xs - mn) / np.where(span > 0, span, 1.0), 0.5)
            elif method == "zscore":
                mu, sd = nan_stats(Xs, "mean"), nan_stats(Xs, "std")
                # equal values give a rounding-error sd (0.1 × 3 / 3 ≠ 0.1): constant below 1e-12 relative
                varies = sd > 1e-12 * np.maximum(nan_stats(np.abs(Xs), "max"), 1e-300)
                out = np.where(varies, (Xs - mu) / np.where(varies, sd, 1.0), 0.0)
            else:  # rank
                r = rank_avg(Xs, axis=1)
                m = (~gaps).sum(axis=1, keepdims=True)
                out = np.where(m > 1, (r - 1.0) / np.maximum(m - 1, 1), 0.5)
    out[gaps] = np.nan
    return out


def frontier_ok(X: np.ndarray | pd.DataFrame, columns: Sequence[str], where: str | None, what: str) -> None:
    """Refuse frontier normalisation when some value of an indicator goes below 0 (a ratio to the best unit
    needs a ratio scale)."""
    arr = np.asarray(X, dtype=float)
    with np.errstate(invalid="ignore"):
        neg = np.nanmin(np.where(np.isnan(arr), np.inf, arr), axis=0) < 0
    if neg.any():
        at = f"index '{where}': " if where else ""
        raise CompositeError(f"{at}'frontier' normalisation (ratio to the best unit) needs values ≥ 0, but "
                             f"{what} of {', '.join(str(c) for c, b in zip(columns, neg, strict=True) if b)} go below 0; "
                             "use 'minmax' for such indicators")


def normalise(frame: pd.DataFrame, method: str, directions: Mapping[str, int]) -> pd.DataFrame:
    """Make indicators comparable, each turned so that higher is better (NaN stays NaN, ignored by the
    statistics). Per indicator, over the units present:

    - "minmax": (x − min) / (max − min) ∈ [0, 1] (for −1: (max − x) / (max − min)); a constant indicator → 0.5.
    - "zscore": (x − mean) / sd, population sd (ddof 0, so a single unit works), sign flipped for −1; a
      constant indicator → 0.
    - "rank": (r − 1) / (m − 1) ∈ [0, 1], r the ascending rank of the (turned) value among the m present,
      ties averaged; one unit → 0.5. Robust to outliers, loses distances.
    - "frontier": distance to the best unit as a ratio: x / max for +1, min / x for −1 (0 → 1, it is the
      best), ∈ [0, 1], best = 1. Needs values ≥ 0 (ratio scale: shares, amounts, counts). Unlike min-max it
      keeps the zero of the scale, so "half the leader's output" reads 0.5. (The other reading of "distance
      to the best", 1 − |x − best| / range, is exactly min-max, so it is not offered twice.)

    minmax, zscore and rank are unchanged by a positive affine rescaling of an indicator (a·x + b, a > 0);
    frontier by a positive scaling (a·x) only.
    """
    check_method(method, "normalisation")
    f = check_frame(frame, "the frame to normalise")
    lacking = [str(c) for c in f.columns if c not in directions]
    if lacking:
        raise CompositeError(f"no direction for indicator(s) {', '.join(lacking)}; give +1 or -1 for each")
    sign = np.array([directions[c] for c in f.columns], dtype=float)
    if method == "frontier":
        frontier_ok(f, list(f.columns), None, "values")
    out = normalise_batch(f.to_numpy()[None], method, sign)[0]
    return pd.DataFrame(out, index=f.index, columns=f.columns)
