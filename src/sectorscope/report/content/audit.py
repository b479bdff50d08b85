"""Audit findings: where the reports contradict themselves or break identities, each finding citing the
figures involved."""
from __future__ import annotations

from ..document import Column, Section, Table
from .context import SEVERITY, Context, as_text, in_lang

__all__ = ["audit_section"]


def audit_section(ctx: Context) -> Section:
    """Every stored finding of the audit, with the figures it names as citations."""
    sec = Section("audit", "审计发现", "Audit findings",
                  "报告自相矛盾或违背恒等式之处;每条发现列出所涉数据的原文(见脚注)。",
                  "Where the reports contradict themselves or break identities; each finding cites the figures "
                  "involved, with their quotes in the footnotes.")
    f = ctx.store.findings().execute()
    table = Table("audit", "审计发现", "Audit findings", [
        Column("id", "编号", "No.", kind="int", width=0.7), Column("severity", "级别", "Severity", width=1),
        Column("rule", "规则", "Rule", width=1.5), Column("indicator", "指标", "Indicator", width=2),
        Column("subject", "市场", "Market"), Column("periods", "时期", "Periods"),
        Column("message", "发现", "Finding", width=7), Column("computed", "核算", "Computed", width=4),
        Column("suggestion", "建议", "Suggestion", width=4),
    ])
    zh = ctx.zh()
    for r in f.to_dict("records"):
        ids = [int(i) for i in (r["obs_ids"] if r["obs_ids"] is not None else [])]
        table.add({"id": int(r["finding_id"]), "severity": in_lang(ctx.lang, SEVERITY.get(r["severity"], (r["severity"],) * 2)),
                   "rule": as_text(r["rule"]), "indicator": ctx.name(as_text(r["indicator"])), "subject": as_text(r["subject"]),
                   "periods": as_text(r["periods"]), "message": as_text(r["message_zh" if zh else "message_en"]),
                   "computed": as_text(r["computed_zh" if zh else "computed_en"]),
                   "suggestion": as_text(r["suggestion_zh" if zh else "suggestion_en"])}, ctx.cite(ctx.rows_by_id(ids)))
    sec.tables.append(table)
    return sec
