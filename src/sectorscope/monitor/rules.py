"""The old home of the alert rules, kept so that `from sectorscope.monitor.rules import …` still works.

The alert rules now live in `monitor/alert_rules.py` (the name `rules` was the audit's, `model/rules.py`).
Importers still on this path: monitor/output.py, report/publish.py and api/views/alerts.py.
"""
from __future__ import annotations

from .alert_rules import (
    DEFAULT_STATUSES,
    KINDS,
    OPERATORS,
    SEVERITIES,
    TEMPLATE_FIELDS,
    AlertRule,
    AlertRulesError,
    RuleFailure,
    parse_alert_rules,
    read_alert_rules,
)

__all__ = ["DEFAULT_STATUSES", "KINDS", "OPERATORS", "SEVERITIES", "TEMPLATE_FIELDS", "AlertRule", "AlertRulesError",
           "RuleFailure", "parse_alert_rules", "read_alert_rules"]
