"""Engine rows as JSON values: missing as null (never NaN), numpy scalars as Python numbers, dates as ISO
text, id arrays as lists. Why a module: every route returns frames from the library, and one place decides
what a number that JSON cannot carry (NaN, ±inf) becomes — null."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["clean", "clean_row", "records"]


def clean(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, (pd.Timestamp, datetime)):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return v
    if isinstance(v, (np.ndarray, list, tuple, set, frozenset)):
        items = sorted(v) if isinstance(v, (set, frozenset)) else list(v)
        return [clean(x) for x in items]
    if isinstance(v, Mapping):
        return {str(k): clean(x) for k, x in v.items()}
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def clean_row(row: Mapping[str, Any], columns: Iterable[str] | None = None) -> dict[str, Any]:
    keys = list(columns) if columns is not None else list(row)
    return {k: clean(row.get(k)) for k in keys}


def records(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
    cols = [c for c in (columns or frame.columns)]
    return [clean_row(r, cols) for r in frame.to_dict("records")]
