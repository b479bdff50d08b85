from .html import build_report, format_figure, write_report

__all__ = ["build_report", "write_report", "format_figure"]
