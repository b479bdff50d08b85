"""The notes: audit.md, analytics.md and forecast.md (and their .en.md), the Markdown an analyst reads beside
the report.

They live in the report layer, right of the presentation, so every number in them is shown by
`sectorscope.present` exactly as the report, the CLI and the API show it; the audit, analytics and forecast
layers only compute what the notes word.
"""
from .analytics import render_analytics, write_analytics
from .audit import render_audit, write_audit
from .forecast import render_forecast, write_forecast

__all__ = ["render_analytics", "render_audit", "render_forecast", "write_analytics", "write_audit",
           "write_forecast"]
