"""The audit layer: consistency rules and cross-source conflicts over the store, every finding shown
against its quoted sources. `audit(store)` is the library call; `sectorscope audit` the command."""
from .engine import AuditResult, audit, rules_of
from .findings import Figure, Finding

__all__ = ["audit", "AuditResult", "rules_of", "Finding", "Figure"]
from .house_view import choose, house_view_rows
from .output import findings_frame, render_markdown, run_audit

__all__ += ["choose", "house_view_rows", "run_audit", "render_markdown", "findings_frame"]
