"""Forecasting: statistical models with calibrated intervals, CAGR scenarios, bounded series and
segments that add up, over the store's annual series."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .models import Calibration, Forecast, default_calibration, fit_calibration, forecast
    from .pipeline import ForecastConfig, ForecastResult, SeriesForecast, forecast_store, read_forecast_config
    from .series import series_label

__all__ = [
    "Calibration",
    "Forecast",
    "ForecastConfig",
    "ForecastResult",
    "SeriesForecast",
    "default_calibration",
    "fit_calibration",
    "forecast",
    "forecast_store",
    "read_forecast_config",
    "series_label",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "Calibration": "models",
    "Forecast": "models",
    "ForecastConfig": "pipeline",
    "ForecastResult": "pipeline",
    "SeriesForecast": "pipeline",
    "default_calibration": "models",
    "fit_calibration": "models",
    "forecast": "models",
    "forecast_store": "pipeline",
    "read_forecast_config": "pipeline",
    "series_label": "series",
}

__getattr__, __dir__ = attach(__name__, _HOME)
