"""The audit layer: consistency rules and cross-source conflicts over the store, every finding shown
against its quoted sources. `audit(store)` is the library call; `sectorscope audit` the command."""
from .engine import AuditResult, audit, rules_of
from .findings import Figure, Finding

__all__ = ["audit", "AuditResult", "rules_of", "Finding", "Figure"]
