"""What an audit leaves behind: `audit.md` (zh, or en) and the `audit_findings` table of the store."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import pandas as pd

from ..model.catalog import Catalog, load_catalog
from ..store import Store
from ..store.store import AsOf
from .engine import AuditResult, audit
from .findings import RULES, Finding
from .house_view import house_view_rows

__all__ = ["run_audit", "render_markdown", "findings_frame"]

_SEVERITY = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}
_ENV = jinja2.Environment(loader=jinja2.PackageLoader("sectorscope.audit", "templates"), autoescape=False,
                          keep_trailing_newline=True, trim_blocks=False, lstrip_blocks=False)


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    s = "" if text is None else str(text)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render_markdown(result: AuditResult, *, lang: str = "zh", catalog: Catalog | None = None,
                    house_views: list[dict] | None = None) -> str:
    catalog = catalog or load_catalog()
    zh = lang != "en"
    summary = sorted(Counter((f.rule, f.severity) for f in result.findings).items(),
                     key=lambda kv: (list(RULES).index(kv[0][0]), kv[0][1]))
    subjects = sorted({f.subject for f in result.findings}) or ["—"]
    text = _ENV.get_template("audit.md.j2").render(
        zh=zh, result=result, summary=summary, subjects=("、" if zh else ", ").join(subjects),
        house_views=house_views or [],
        rule_label=lambda r: RULES[r][0 if zh else 1],
        sev_label=lambda s: _SEVERITY.get(s, (s, s))[0 if zh else 1],
        name=lambda code: catalog[code].name("zh" if zh else "en") if code in catalog else code,
        cell=_cell,
    )
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def findings_frame(findings: list[Finding], audited_at: datetime) -> pd.DataFrame:
    """Findings as rows of the store's `audit_findings` table."""
    return pd.DataFrame([{
        "finding_id": n, "rule": f.rule, "check": f.check, "severity": f.severity, "indicator": f.indicator,
        "subject": f.subject, "periods": ", ".join(f.periods), "obs_ids": f.obs_ids, "culprit_obs_id": f.culprit,
        "computed_zh": f.computed_zh, "computed_en": f.computed_en, "computed_low": f.computed_low,
        "computed_high": f.computed_high, "message_zh": f.message_zh, "message_en": f.message_en,
        "suggestion_zh": f.suggestion_zh, "suggestion_en": f.suggestion_en, "audited_at": pd.Timestamp(audited_at),
    } for n, f in enumerate(findings, start=1)])


def run_audit(store: Store, out_dir: str | Path | None = None, *, as_of: AsOf = None, langs: tuple[str, ...] = ("zh",),
              save: bool = True, catalog: Catalog | None = None) -> tuple[AuditResult, list[Path]]:
    """Audit `store` at `as_of`, write `audit.md` (and `audit.en.md`) to `out_dir`, and, with `save`, the
    findings to the store's `audit_findings` table."""
    catalog = catalog or load_catalog()
    result = audit(store, as_of, catalog=catalog)
    views = house_view_rows(store, as_of)
    for f in result.findings:
        ids = set(f.obs_ids)
        for hv in views:
            if hv["ids"] & ids and hv["indicator"] == f.indicator:
                f.house_view = hv
    paths = []
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for lang in langs:
            path = out / ("audit.md" if lang == "zh" else f"audit.{lang}.md")
            path.write_text(render_markdown(result, lang=lang, catalog=catalog, house_views=views), encoding="utf-8")
            paths.append(path)
    if save and result.vintage_id is not None:
        store.write_findings(result.vintage_id, findings_frame(result.findings, datetime.now(timezone.utc)))
    return result, paths
