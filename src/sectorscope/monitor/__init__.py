"""Monitoring: what changed between vintages (the diff) and the alert rules evaluated on every vintage."""
from .diff import DiffSummary, diff_vintages, summarise_diff

__all__ = ["DiffSummary", "diff_vintages", "summarise_diff"]
