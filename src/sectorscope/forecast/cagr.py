"""CAGR scenarios: what the analysts do today, kept beside the models so a reader sees both.

A CAGR typed into a cell is a scenario, not a forecast: it carries no uncertainty of its own. We make
the usual three (低 / 基准 / 高) from two grounds and say which:

- **history**: base = the compound rate between the first and last observed year; low and high = base
  ∓ the standard deviation of the year-on-year rates (three or more points), or ∓ half the base (two
  points, where no spread can be measured);
- **stated**: the report's own growth or CAGR figures for the same series: base = their geometric mean,
  low and high = the lowest and highest stated (all three equal when one rate is stated).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["CagrScenario", "history_scenarios", "project", "stated_scenarios"]


@dataclass(frozen=True)
class CagrScenario:
    name: str  # 低 / 基准 / 高
    ground: str  # "history" or "stated"
    rate: float  # a fraction: 0.123 is 12.3 % a year
    why_zh: str
    why_en: str


def _cagr(y0: int, v0: float, y1: int, v1: float) -> float:
    return (v1 / v0) ** (1.0 / (y1 - y0)) - 1.0


def history_scenarios(years: Sequence[int], values: Sequence[float]) -> list[CagrScenario]:
    """Three scenarios from the observed history; none when it has fewer than two positive points."""
    if len(years) < 2 or min(values) <= 0:
        return []
    base = _cagr(years[0], values[0], years[-1], values[-1])
    if len(years) >= 3:
        yoy = [_cagr(a, va, b, vb) for a, va, b, vb in zip(years, values, years[1:], values[1:], strict=False)]
        spread = float(np.std(yoy, ddof=1))
        why = ("历史年增速的标准差", "the standard deviation of the year-on-year rates")
    else:
        spread = abs(base) / 2
        why = ("两点历史,取基准的一半", "two points only: half the base")
    span = f"{years[0]}–{years[-1]}"
    return [
        CagrScenario("低", "history", base - spread, f"{span} 历史CAGR {base:.1%} 减去{why[0]}",
                     f"{span} CAGR {base:.1%} less {why[1]}"),
        CagrScenario("基准", "history", base, f"{span} 历史CAGR {base:.1%}", f"{span} CAGR {base:.1%}"),
        CagrScenario("高", "history", base + spread, f"{span} 历史CAGR {base:.1%} 加上{why[0]}",
                     f"{span} CAGR {base:.1%} plus {why[1]}"),
    ]


def stated_scenarios(rates_percent: Sequence[float], where_zh: str, where_en: str) -> list[CagrScenario]:
    """Three scenarios from the report's own growth or CAGR figures (in per cent)."""
    r = np.asarray([x / 100.0 for x in rates_percent if x > -100], dtype=float)
    if not len(r):
        return []
    base = float(np.exp(np.mean(np.log1p(r))) - 1)
    return [
        CagrScenario("低", "stated", float(r.min()), f"报告所列增速的最低值({where_zh})", f"lowest stated rate ({where_en})"),
        CagrScenario("基准", "stated", base, f"报告所列增速的几何平均({where_zh})", f"geometric mean of the stated rates ({where_en})"),
        CagrScenario("高", "stated", float(r.max()), f"报告所列增速的最高值({where_zh})", f"highest stated rate ({where_en})"),
    ]


def project(last_year: int, last_value: float, rate: float, years: Sequence[int],
            upper: float | None = None) -> np.ndarray:
    """last_value × (1 + rate)^(year − last_year), capped at the indicator's upper bound if it has one."""
    v = np.array([last_value * (1.0 + rate) ** (y - last_year) for y in years], dtype=float)
    return np.minimum(v, upper) if upper is not None else v
