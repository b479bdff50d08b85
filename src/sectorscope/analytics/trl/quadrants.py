"""The dual-track quadrant: TRL × demand, and what to do about a technology (scale up, fund R&D, watch, drop).

Why a module of its own: the quadrant rule and its zh/en advice are read by the report and the API as well as
by the analysis, and a technology whose demand interval straddles the cut must be flagged the same way
everywhere.
"""
from __future__ import annotations

import pandas as pd

from ...errors import AnalysisError

__all__ = ["QUADRANTS", "Quadrant", "dual_track", "quadrant"]

QUADRANTS: dict[str, tuple[str, str]] = {
    "scale_up": ("规模化推进", "scale up"),
    "fund_rnd": ("加大研发投入", "fund R&D"),
    "watch": ("持续观察/市场培育", "watch (cultivate the market)"),
    "drop": ("暂缓/退出", "drop or defer"),
    "unrated": ("需求数据不足,暂不定位", "no demand data: not placed"),
}
_BOUNDARY = ("边界", "boundary")


class Quadrant(tuple):
    """(code, advice_zh, advice_en), unpackable as a 3-tuple, with `.boundary`: True when the demand interval
    straddles the cut, so the quadrant could be the neighbouring one. The advice then starts with 边界 / boundary."""

    boundary: bool

    def __new__(cls, code: str, advice_zh: str, advice_en: str, boundary: bool = False) -> Quadrant:
        self = super().__new__(cls, (code, advice_zh, advice_en))
        self.boundary = boundary
        return self

    @property
    def code(self) -> str:
        return self[0]

    @property
    def advice_zh(self) -> str:
        return self[1]

    @property
    def advice_en(self) -> str:
        return self[2]


def quadrant(
    trl: int,
    demand: float,
    trl_cut: int = 6,
    demand_cut: float = 0.5,
    *,
    demand_low: float | None = None,
    demand_high: float | None = None,
) -> Quadrant:
    """The dual-track quadrant of a technology and its advice.

    High readiness is TRL ≥ trl_cut, high demand is demand ≥ demand_cut:
    high × high → scale_up 规模化推进; low TRL × high demand → fund_rnd 加大研发投入;
    high TRL × low demand → watch 持续观察/市场培育; low × low → drop 暂缓/退出.
    A NaN demand gives 'unrated'. With the demand interval (demand_low, demand_high), a technology whose interval
    reaches both sides of the cut (demand_low < demand_cut ≤ demand_high) is flagged boundary (边界).
    """
    if isinstance(trl, bool) or not float(trl).is_integer() or not 1 <= int(trl) <= 9:
        raise AnalysisError(f"TRL must be a whole number from 1 to 9, got {trl!r}")
    if demand is None or pd.isna(demand):
        zh, en = QUADRANTS["unrated"]
        return Quadrant("unrated", zh, en)
    high_trl = int(trl) >= trl_cut
    high_demand = float(demand) >= demand_cut
    code = {(True, True): "scale_up", (False, True): "fund_rnd", (True, False): "watch",
            (False, False): "drop"}[(high_trl, high_demand)]
    zh, en = QUADRANTS[code]
    lo = float(demand) if demand_low is None or pd.isna(demand_low) else float(demand_low)
    hi = float(demand) if demand_high is None or pd.isna(demand_high) else float(demand_high)
    boundary = lo < demand_cut <= hi
    if boundary:
        zh, en = f"{_BOUNDARY[0]} · {zh}", f"{_BOUNDARY[1]} · {en}"
    return Quadrant(code, zh, en, boundary)


def dual_track(
    assessments: pd.DataFrame,
    scores: pd.DataFrame,
    trl_cut: int = 6,
    demand_cut: float = 0.5,
) -> pd.DataFrame:
    """One row per assessed technology: technology, technology_en, trl, score, score_low, score_high,
    n_components, quadrant, boundary, advice_zh, advice_en. Technologies without a demand score are 'unrated'."""
    cols = ["technology", "score", "score_low", "score_high", "n_components", "available"]
    merged = assessments[["technology", "technology_en", "trl"]].merge(scores[cols], on="technology", how="left")
    merged["n_components"] = merged["n_components"].fillna(0).astype(int)
    qs = [quadrant(int(r.trl), r.score, trl_cut, demand_cut, demand_low=r.score_low, demand_high=r.score_high)
          for r in merged.itertuples(index=False)]
    merged["quadrant"] = [q.code for q in qs]
    merged["boundary"] = [q.boundary for q in qs]
    merged["advice_zh"] = [q.advice_zh for q in qs]
    merged["advice_en"] = [q.advice_en for q in qs]
    return merged
