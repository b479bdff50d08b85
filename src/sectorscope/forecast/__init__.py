"""Forecasting: statistical models with calibrated intervals, CAGR scenarios, bounded series and
segments that add up, over the store's annual series."""
from .models import Calibration, Forecast, default_calibration, fit_calibration, forecast
from .pipeline import ForecastConfig, ForecastResult, SeriesForecast, forecast_store, read_forecast_config

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
]
