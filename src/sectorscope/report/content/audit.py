"""Audit findings: where the reports contradict themselves or break identities, each finding citing the
figures involved."""
from __future__ import annotations

from ..document import Section
from ..words import column, section, table
from .context import Context, as_text

__all__ = ["audit_section"]


def audit_section(ctx: Context) -> Section:
    """Every stored finding of the audit, with the figures it names as citations."""
    sec = section("audit")
    f = ctx.store.findings().execute()
    t = table("audit", [
        column("id", "number", kind="int", width=0.7), column("severity", "level", width=1),
        column("rule", width=1.5), column("indicator", width=2), column("subject", "market"),
        column("periods"), column("message", "finding", width=7), column("computed", width=4),
        column("suggestion", width=4),
    ])
    zh = ctx.zh()
    for r in f.to_dict("records"):
        ids = [int(i) for i in (r["obs_ids"] if r["obs_ids"] is not None else [])]
        t.add({"id": int(r["finding_id"]), "severity": ctx.word("severity", r["severity"]),
               "rule": as_text(r["rule"]), "indicator": ctx.name(as_text(r["indicator"])),
               "subject": as_text(r["subject"]), "periods": as_text(r["periods"]),
               "message": as_text(r["message_zh" if zh else "message_en"]),
               "computed": as_text(r["computed_zh" if zh else "computed_en"]),
               "suggestion": as_text(r["suggestion_zh" if zh else "suggestion_en"])}, ctx.cite(ctx.rows_by_id(ids)))
    sec.tables.append(t)
    return sec
