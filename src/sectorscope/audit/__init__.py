"""The audit layer: consistency rules and cross-source conflicts over the store, every finding shown
against its quoted sources. `audit(store)` is the library call; `record_audit(store)` also ties findings to
house views and saves them; `sectorscope audit` the command (audit.md is written by the report layer)."""
from .engine import AuditResult, audit, rules_of
from .findings import Figure, Finding
from .house_view import choose, house_view_rows
from .output import findings_frame, record_audit

__all__ = [
    "AuditResult",
    "Figure",
    "Finding",
    "audit",
    "choose",
    "findings_frame",
    "house_view_rows",
    "record_audit",
    "rules_of",
]
