"""audit.md (zh) and audit.en.md: every finding of an audit with the figures it involves, their quotes and
where they stand, and the house views chosen among conflicting figures.

The audit (rules, findings, house views, the saved `audit_findings` table) lives in the audit layer; this
note only words its result for a reader.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ...audit import RULES
from ...model import Catalog, load_catalog
from ...present import indicator_name, term
from .markdown import render, write_notes

if TYPE_CHECKING:
    from ...audit import AuditResult

__all__ = ["render_audit", "write_audit"]


def render_audit(result: AuditResult, *, lang: str = "zh", catalog: Catalog | None = None,
                 house_views: list[dict] | None = None) -> str:
    """audit.md in `lang` (zh or en); `house_views` as `sectorscope.audit.house_view_rows` gives them."""
    catalog = catalog or load_catalog()
    zh = lang != "en"
    summary = sorted(Counter((f.rule, f.severity) for f in result.findings).items(),
                     key=lambda kv: (list(RULES).index(kv[0][0]), kv[0][1]))
    subjects = sorted({f.subject for f in result.findings}) or ["—"]
    text = render(
        "audit.md.j2", lang, result=result, summary=summary, subjects=("、" if zh else ", ").join(subjects),
        house_views=house_views or [],
        rule_label=lambda r: RULES[r][0 if zh else 1],
        sev_label=lambda s: term("severity", s, lang),
        name=lambda code: indicator_name(code, lang, catalog),
    )
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def write_audit(result: AuditResult, out_dir: str | Path, langs: Sequence[str] = ("zh",), *,
                catalog: Catalog | None = None, house_views: list[dict] | None = None) -> list[Path]:
    """audit.md (zh) and audit.LANG.md for the other `langs` in `out_dir`; their paths, in the order of `langs`."""
    catalog = catalog or load_catalog()
    return write_notes("audit", {lang: render_audit(result, lang=lang, catalog=catalog, house_views=house_views)
                                 for lang in langs}, out_dir)
