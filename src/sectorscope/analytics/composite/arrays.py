"""NaN-aware statistics and tie-averaged ranks over arrays of shape (draws, units, indicators).

Why: `score` runs the steps on one draw (shape (1, n, k)) and `uncertainty` on thousands at once, through the
same code, so a Monte-Carlo draw with the nominal choices and the point data reproduces the point score
exactly. These are the two primitives every step of that shared code needs.
"""
from __future__ import annotations

import warnings

import numpy as np

__all__ = ["nan_stats", "rank_avg"]


def nan_stats(X: np.ndarray, which: str) -> np.ndarray:
    """min / max / mean / std (ddof 0) over units (axis 1), ignoring NaN, keepdims; NaN for an empty column."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if which == "min":
            return np.nanmin(X, axis=1, keepdims=True)
        if which == "max":
            return np.nanmax(X, axis=1, keepdims=True)
        if which == "mean":
            return np.nanmean(X, axis=1, keepdims=True)
        mu = np.nanmean(X, axis=1, keepdims=True)
        return np.sqrt(np.nanmean((X - mu) ** 2, axis=1, keepdims=True))


def rank_avg(X: np.ndarray, axis: int) -> np.ndarray:
    """Ascending ranks 1..m along `axis` (m = values present), ties averaged, NaN left NaN. Vectorised over the
    other axes: sort once, find each tie run's first and last position by running max / min, scatter back."""
    Y = np.moveaxis(X, axis, -1)
    order = np.argsort(Y, axis=-1, kind="stable")  # NaN sorts last
    s = np.take_along_axis(Y, order, axis=-1)
    n = s.shape[-1]
    pos = np.broadcast_to(np.arange(n), s.shape)
    new = np.ones(s.shape, dtype=bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    last = np.ones(s.shape, dtype=bool)
    last[..., :-1] = new[..., 1:]
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)
    end = np.minimum.accumulate(np.where(last, pos, n - 1)[..., ::-1], axis=-1)[..., ::-1]
    out = np.empty(s.shape, dtype=float)
    np.put_along_axis(out, order, (start + end) / 2.0 + 1.0, axis=-1)
    out[np.isnan(Y)] = np.nan
    return np.moveaxis(out, -1, axis)
