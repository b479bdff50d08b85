"""What an audit leaves in the store: the `audit_findings` table, with each finding tied to the house view
chosen for its figures.

Wording the audit for a reader (audit.md) is the presentation's job and lives in
`sectorscope.report.notes.audit`; the audit layer only decides what the findings are and records them.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from ..model import Catalog, load_catalog
from ..store import AsOf, Store
from .engine import AuditResult, audit
from .findings import Finding
from .house_view import house_view_rows

__all__ = ["findings_frame", "record_audit"]


def findings_frame(findings: list[Finding], audited_at: datetime) -> pd.DataFrame:
    """Findings as rows of the store's `audit_findings` table."""
    return pd.DataFrame([{
        "finding_id": n, "rule": f.rule, "check": f.check, "severity": f.severity, "indicator": f.indicator,
        "subject": f.subject, "periods": ", ".join(f.periods), "obs_ids": f.obs_ids, "culprit_obs_id": f.culprit,
        "computed_zh": f.computed_zh, "computed_en": f.computed_en, "computed_low": f.computed_low,
        "computed_high": f.computed_high, "message_zh": f.message_zh, "message_en": f.message_en,
        "suggestion_zh": f.suggestion_zh, "suggestion_en": f.suggestion_en, "audited_at": pd.Timestamp(audited_at),
    } for n, f in enumerate(findings, start=1)])


def record_audit(store: Store, *, as_of: AsOf = None, save: bool = True,
                 catalog: Catalog | None = None) -> tuple[AuditResult, list[dict]]:
    """Audit `store` at `as_of`, tie each finding to the house view chosen among its figures, and, with
    `save`, write the findings to the store's `audit_findings` table. Returns the result and the house
    views (what `sectorscope.report.notes.write_audit` shows beside the findings)."""
    catalog = catalog or load_catalog()
    result = audit(store, as_of, catalog=catalog)
    views = house_view_rows(store, as_of)
    for f in result.findings:
        ids = set(f.obs_ids)
        for hv in views:
            if hv["ids"] & ids and hv["indicator"] == f.indicator:
                f.house_view = hv
    if save and result.vintage_id is not None:
        store.write_findings(result.vintage_id, findings_frame(result.findings, datetime.now(UTC)))
    return result, views
