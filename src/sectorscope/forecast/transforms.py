"""The scale a series is forecast on, chosen from the catalog's bounds, so that no forecast or interval
can leave what the indicator allows.

- a share, rate or utilisation bounded on both sides (0–100 %): the logit of its position in the bounds,
  so a forecast approaches a bound and never crosses it (the logistic diffusion curve is a straight line
  on this scale);
- anything else (a market size, a volume, a balance): the value itself, with the interval cut at the
  catalog's bound where it has one (a market is never below zero). Forecasting the logarithm was tried:
  on M3 and Tourism it made every trend model worse (exponential extrapolation overshoots; DOTM's M3 sMAPE
  15.79 → 16.78, docs/decisions.md), so the level is forecast as the benchmark measures it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "EDGE",
    "Scale",
    "scale_for",
]

# A share stated as exactly 0 or 100 % sits on the bound; the logit needs it a hair inside.
EDGE = 1e-3


@dataclass(frozen=True)
class Scale:
    kind: str  # "logit" or "level"
    lower: float | None = None
    upper: float | None = None

    def _bounds(self) -> tuple[float, float]:
        assert self.lower is not None and self.upper is not None, self  # scale_for sets both for a logit
        return self.lower, self.upper

    def forward(self, v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        if self.kind == "logit":
            lower, upper = self._bounds()
            p = np.clip((v - lower) / (upper - lower), EDGE, 1 - EDGE)
            return np.log(p / (1 - p))
        return v.copy()

    def back(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        if self.kind == "logit":
            lower, upper = self._bounds()
            return lower + (upper - lower) / (1 + np.exp(-z))
        lo = -np.inf if self.lower is None else self.lower
        hi = np.inf if self.upper is None else self.upper
        return np.clip(z, lo, hi)

    def describe(self, lang: str = "zh") -> str:
        if self.kind == "logit":
            return (f"logit 尺度(界限 {self.lower:g}–{self.upper:g})" if lang == "zh"
                    else f"logit scale (bounds {self.lower:g}–{self.upper:g})")
        if self.lower is not None or self.upper is not None:
            b = f"{'−∞' if self.lower is None else f'{self.lower:g}'}–{'∞' if self.upper is None else f'{self.upper:g}'}"
            return f"原尺度,区间截于界限 {b}" if lang == "zh" else f"level scale, cut at the bounds {b}"
        return "原尺度" if lang == "zh" else "level scale"


def scale_for(values: np.ndarray, lower: float | None, upper: float | None) -> Scale:
    """logit when both bounds are set, else the level (cut at the bound it has)."""
    if lower is not None and upper is not None and upper > lower:
        return Scale("logit", float(lower), float(upper))
    return Scale("level", lower, upper)
