"""The checks on the frames (units × indicators) a caller passes in.

Why: every public step takes such a frame, and each must refuse the same bad input (not a frame, empty,
non-numeric, a unit twice, an indicator with no value, an infinite value) with the same message naming the
index, unit or indicator, before any arithmetic hides where the problem came from.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .spec import CompositeError, IndexSpec

__all__ = ["check_frame", "point_frame"]


def check_frame(frame: pd.DataFrame, what: str, where: str | None = None) -> pd.DataFrame:
    """The frame as floats, or a CompositeError naming what is wrong with it (`what`: which frame, `where`:
    the index)."""
    at = f"index '{where}': " if where else ""
    if not isinstance(frame, pd.DataFrame):
        raise CompositeError(f"{at}{what} must be a DataFrame (units × indicators), got {type(frame).__name__}")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise CompositeError(f"{at}{what} is empty ({frame.shape[0]} units × {frame.shape[1]} indicators); "
                             "pass at least one unit and one indicator")
    try:
        out = frame.astype(float)
    except (TypeError, ValueError) as exc:
        bad = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        raise CompositeError(f"{at}{what}: non-numeric values in indicator(s) {', '.join(bad) or '?'}; pass "
                             "numbers (NaN for missing)") from exc
    if out.index.has_duplicates:
        dup = sorted({str(u) for u in out.index[out.index.duplicated()]})
        raise CompositeError(f"{at}{what}: unit(s) appear twice: {', '.join(dup)}")
    empty = [str(c) for c in out.columns if out[c].isna().all()]
    if empty:
        raise CompositeError(f"{at}{what}: indicator(s) {', '.join(empty)} have no value for any unit; drop them "
                             "from the index or supply data")
    inf = np.isinf(out.to_numpy())
    if inf.any():
        u, j = np.argwhere(inf)[0]
        raise CompositeError(f"{at}{what}: infinite value for unit {out.index[u]}, indicator {out.columns[j]}; "
                             "give open bounds in `lower` / `upper`, not in the point values")
    return out


def point_frame(point: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The point values of the spec's indicators, in the spec's order, checked as check_frame does."""
    if not isinstance(point, pd.DataFrame):
        raise CompositeError(f"index '{spec.name}': point values must be a DataFrame (units × indicators), "
                             f"got {type(point).__name__}")
    lacking = [i for i in spec.indicators if i not in point.columns]
    if lacking and point.shape[0]:
        raise CompositeError(f"index '{spec.name}': the frame has no column for indicator(s) {', '.join(lacking)}")
    if lacking:
        point = point.reindex(columns=list(spec.indicators))
    return check_frame(point[list(spec.indicators)], "the point values", spec.name)
