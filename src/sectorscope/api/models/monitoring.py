"""Forecasts with their intervals beside the figures they started from, and the alerts raised on a vintage."""
from __future__ import annotations

from .base import ApiModel, Int, Num, Str
from .figures import Figure

__all__ = ["Alert", "AlertList", "ForecastList", "ForecastPoint", "ForecastSeries"]


# ---- forecasts -----------------------------------------------------------------------------------
class ForecastPoint(ApiModel):
    obs_id: int
    period: str
    value: Num
    lo80: Num
    hi80: Num
    lo95: Num
    hi95: Num


class ForecastSeries(ApiModel):
    """One forecast series: our points with 80/95 % intervals, the history it started from, the reports'
    own forecasts for the same series, and the CAGR scenarios."""

    indicator: str
    dims: dict[str, str]
    unit: Str
    method: Str
    input_vintage: Int
    points: list[ForecastPoint]
    history: list[Figure]
    reported: list[Figure]
    scenarios: list[Figure]


class ForecastList(ApiModel):
    vintage_id: Int
    series: list[ForecastSeries]


# ---- alerts --------------------------------------------------------------------------------------
class Alert(ApiModel):
    rule_id: str
    kind: str
    severity: str
    vintage_id: int
    obs_id: int
    obs_key: str
    indicator: str
    dims: dict[str, str]
    period: str
    status: str
    value: Num
    printed: str
    unit: str
    source_id: str
    quote: Str
    location: Str
    message_zh: str
    message_en: str
    figure_vintage: int
    threshold: Num = None
    operator: Str = None
    interval: list[float] | None = None
    interval_level: Int = None
    forecast_obs_id: Int = None
    forecast_value: Num = None
    forecast_vintage: Int = None
    input_vintage: Int = None
    old_obs_id: Int = None
    old_value: Num = None
    old_printed: Str = None
    pct_change: Num = None
    since_vintage: Int = None


class AlertList(ApiModel):
    vintage_id: int
    rules_file: str
    n_rules: int
    counts: dict[str, int]
    alerts: list[Alert]
