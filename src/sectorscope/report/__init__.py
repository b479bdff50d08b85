"""Publishing: the report as data (content/, with charts/), rendered to HTML (and through it PDF) and XLSX; exports."""
from .content import ReportInputs, build_report_data
from .html import build_report, render_html, write_report

__all__ = ["ReportInputs", "build_report", "build_report_data", "render_html", "write_report"]
