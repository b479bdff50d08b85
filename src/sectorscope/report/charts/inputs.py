"""How every chart reads its input: the same frame checks and the same interval check, so a bad frame is
refused with the same words whichever chart it was meant for."""
from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ...errors import ChartError

__all__ = ["check_interval", "read_frame"]


def read_frame(
    df: pd.DataFrame | None, columns: Sequence[str], name: str, *, numeric: Sequence[str] = ()
) -> pd.DataFrame:
    """The columns a chart needs, copied; numeric ones as float. None, or a frame without rows (even one
    without the columns: "nothing to show" is often `pd.DataFrame()`), reads as an empty frame."""
    if df is None or len(df) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c in numeric else object) for c in columns})
    missing = [c for c in columns if c not in df.columns]
    if missing:
        has = ", ".join(map(str, df.columns))
        raise ChartError(f"{name}: missing column(s) {', '.join(missing)} (has {has})")
    out = df.loc[:, list(columns)].copy().reset_index(drop=True)
    for c in numeric:
        out[c] = pd.to_numeric(out[c], errors="raise").astype(float)
    return out


def check_interval(label: str, value: float, low: float, high: float, what: str) -> None:
    """A ValueError naming `label` when `value` lies outside a finite [low, high]; a NaN bound checks nothing."""
    if math.isfinite(low) and math.isfinite(high) and not (low <= value <= high):
        raise ChartError(f"{label}: {what} {value:g} lies outside its interval [{low:g}, {high:g}]")

