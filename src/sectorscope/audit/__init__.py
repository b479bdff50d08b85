"""The audit layer: consistency rules and cross-source conflicts over the store, every finding shown
against its quoted sources. `audit(store)` is the library call; `record_audit(store)` also ties findings to
house views and saves them; `sectorscope audit` the command (audit.md is written by the report layer)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .engine import AuditResult, audit, rules_of
    from .findings import RULES, Figure, Finding
    from .house_view import choose, house_view_rows
    from .intervals import with_intervals
    from .output import findings_frame, record_audit

__all__ = [
    "RULES",
    "AuditResult",
    "Figure",
    "Finding",
    "audit",
    "choose",
    "findings_frame",
    "house_view_rows",
    "record_audit",
    "rules_of",
    "with_intervals",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "AuditResult": "engine",
    "Figure": "findings",
    "Finding": "findings",
    "RULES": "findings",
    "audit": "engine",
    "choose": "house_view",
    "findings_frame": "output",
    "house_view_rows": "house_view",
    "record_audit": "output",
    "rules_of": "engine",
    "with_intervals": "intervals",
}

__getattr__, __dir__ = attach(__name__, _HOME)
