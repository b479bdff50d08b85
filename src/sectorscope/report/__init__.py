"""Publishing: the report as data (content/, with charts/), rendered to HTML (and through it PDF) and XLSX; exports."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .content.build import ReportInputs, build_report_data
    from .export import export_query
    from .html import build_report, render_html, write_report
    from .notes.analytics import write_analytics
    from .notes.audit import write_audit
    from .notes.forecast import write_forecast
    from .pdf import write_pdf
    from .publishing import Published, publish, report_inputs
    from .xlsx import write_workbook

__all__ = [
    "Published",
    "ReportInputs",
    "build_report",
    "build_report_data",
    "export_query",
    "publish",
    "render_html",
    "report_inputs",
    "write_analytics",
    "write_audit",
    "write_forecast",
    "write_pdf",
    "write_report",
    "write_workbook",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "Published": "publishing",
    "ReportInputs": "content.build",
    "build_report": "html",
    "build_report_data": "content.build",
    "export_query": "export",
    "publish": "publishing",
    "render_html": "html",
    "report_inputs": "publishing",
    "write_analytics": "notes.analytics",
    "write_audit": "notes.audit",
    "write_forecast": "notes.forecast",
    "write_pdf": "pdf",
    "write_report": "html",
    "write_workbook": "xlsx",
}

__getattr__, __dir__ = attach(__name__, _HOME)
