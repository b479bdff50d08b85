"""The audit layer: consistency rules and cross-source conflicts over the store, every finding shown
against its quoted sources. `audit(store)` is the library call; `sectorscope audit` the command."""
from .engine import AuditResult, audit, rules_of
from .findings import Figure, Finding

__all__ = ["AuditResult", "Figure", "Finding", "audit", "rules_of"]
from .house_view import choose, house_view_rows
from .output import findings_frame, render_markdown, run_audit

__all__ += ["choose", "findings_frame", "house_view_rows", "render_markdown", "run_audit"]
