"""The API's routes, one module per part of the store; each route is a library call through `views/`."""
from . import alerts, analytics, audit, forecasts, meta, observations, sources, vintages

ROUTERS = [meta.router, observations.router, sources.router, vintages.router, audit.router, analytics.router,
           forecasts.router, alerts.router]

__all__ = ["ROUTERS"]
