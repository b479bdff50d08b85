"""Monitoring: what changed between vintages (the diff) and alert rules evaluated on any vintage."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .alert_rules import AlertRule, AlertRulesError, read_alert_rules
    from .alerts import (
        SERIES_DIMS,
        Alert,
        alerts_history,
        alerts_to_frame,
        dims_label,
        evaluate_alerts,
        previous_vintage,
    )
    from .diff import CHANGES, DIFF_COLUMNS, DiffSummary, diff_vintages, summarise_diff
    from .output import diff_frame, rules_to_frame, write_alerts_json

__all__ = [
    "CHANGES",
    "DIFF_COLUMNS",
    "SERIES_DIMS",
    "Alert",
    "AlertRule",
    "AlertRulesError",
    "DiffSummary",
    "alerts_history",
    "alerts_to_frame",
    "diff_frame",
    "diff_vintages",
    "dims_label",
    "evaluate_alerts",
    "previous_vintage",
    "read_alert_rules",
    "rules_to_frame",
    "summarise_diff",
    "write_alerts_json",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "Alert": "alerts",
    "AlertRule": "alert_rules",
    "AlertRulesError": "alert_rules",
    "CHANGES": "diff",
    "DIFF_COLUMNS": "diff",
    "DiffSummary": "diff",
    "SERIES_DIMS": "alerts",
    "alerts_history": "alerts",
    "alerts_to_frame": "alerts",
    "diff_frame": "output",
    "diff_vintages": "diff",
    "dims_label": "alerts",
    "evaluate_alerts": "alerts",
    "previous_vintage": "alerts",
    "read_alert_rules": "alert_rules",
    "rules_to_frame": "output",
    "summarise_diff": "diff",
    "write_alerts_json": "output",
}

__getattr__, __dir__ = attach(__name__, _HOME)
