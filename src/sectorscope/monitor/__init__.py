"""Monitoring: what changed between vintages (the diff) and alert rules evaluated on any vintage."""
from .alert_rules import AlertRule, AlertRulesError, read_alert_rules
from .alerts import Alert, alerts_history, evaluate_alerts
from .diff import DiffSummary, diff_vintages, summarise_diff
from .output import alerts_to_frame, diff_frame, rules_to_frame, write_alerts_json

__all__ = ["Alert", "AlertRule", "AlertRulesError", "DiffSummary", "alerts_history", "alerts_to_frame", "diff_frame",
           "diff_vintages", "evaluate_alerts", "read_alert_rules", "rules_to_frame", "summarise_diff",
           "write_alerts_json"]
