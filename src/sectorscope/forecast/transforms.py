"""The scale a series is forecast on, chosen from the catalog's bounds, so that no forecast or interval
can leave what the indicator allows.

- a share, rate or utilisation bounded on both sides (0–100 %): the logit of its position in the bounds,
  so a forecast approaches a bound and never crosses it (the logistic diffusion curve is a straight line
  on this scale);
- a positive quantity (market size, volume, price): the logarithm, so errors are relative and the
  interval never goes below zero;
- anything else (a balance, a change): the value itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Scale", "scale_for"]

# A share stated as exactly 0 or 100 % sits on the bound; the logit needs it a hair inside.
EDGE = 1e-3


@dataclass(frozen=True)
class Scale:
    kind: str  # "logit", "log" or "identity"
    lower: float | None = None
    upper: float | None = None

    def forward(self, v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        if self.kind == "log":
            return np.log(v)
        if self.kind == "logit":
            p = np.clip((v - self.lower) / (self.upper - self.lower), EDGE, 1 - EDGE)
            return np.log(p / (1 - p))
        return v.copy()

    def back(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        if self.kind == "log":
            return np.exp(z)
        if self.kind == "logit":
            return self.lower + (self.upper - self.lower) / (1 + np.exp(-z))
        return z.copy()

    def describe(self, lang: str = "zh") -> str:
        if self.kind == "logit":
            return (f"logit 尺度(界限 {self.lower:g}–{self.upper:g})" if lang == "zh"
                    else f"logit scale (bounds {self.lower:g}–{self.upper:g})")
        if self.kind == "log":
            return "对数尺度" if lang == "zh" else "log scale"
        return "原尺度" if lang == "zh" else "level scale"


def scale_for(values: np.ndarray, lower: float | None, upper: float | None) -> Scale:
    """logit when both bounds are set, log when every value is positive and nothing stops that, else the
    values themselves."""
    v = np.asarray(values, dtype=float)
    if lower is not None and upper is not None and upper > lower:
        return Scale("logit", float(lower), float(upper))
    if bool(np.all(v > 0)) and (lower is None or lower >= 0):
        return Scale("log", lower, upper)
    return Scale("identity", lower, upper)
