"""The report's content, read from the store: every section the seed reports publish, as cited tables.

Everything comes out of the store as of one vintage — the stated figures, the derived ones with their
formulas, the forecasts with their intervals, the audit findings — so a report can be rebuilt later exactly
as it was, and the API (which reads the same store) cannot show other numbers. One module per section;
`build` assembles them, `context` is what they all read.
"""
from .build import ReportInputs, build_report_data

__all__ = ["ReportInputs", "build_report_data"]
