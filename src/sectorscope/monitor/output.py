"""Alerts as data for the next reader: `out/alerts.json` for machines, frames for the report layer.

The JSON file is written so that two runs over the same store give the same bytes: alerts sorted, fields in
a fixed order, no time stamp unless the caller passes one. Wording a diff or the alerts for a publication (zh/en,
tables, footnotes) is the report's job; this module hands it tidy frames.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..store import AsOf, Store
from .alert_rules import AlertRule
from .alerts import ALERT_COLUMNS, SEVERITY_ORDER, Alert, alerts_to_frame
from .diff import diff_vintages, summarise_diff

__all__ = [
    "ALERT_COLUMNS",
    "alerts_document",
    "alerts_to_frame",
    "diff_frame",
    "rules_to_frame",
    "write_alerts_json",
]


def rules_to_frame(rules: Sequence[AlertRule]) -> pd.DataFrame:
    """The rules as a table a report can print beside the alerts: id, kind, severity, titles and the
    condition in words."""
    rows = []
    for r in rules:
        if r.kind == "threshold":
            cond = f"{'/'.join(r.indicators)} {r.operator} {r.threshold_as_written:g}{r.unit or ''}"
        elif r.kind == "forecast_miss":
            cond = f"outside the {r.interval} % interval of sectorscope's forecast"
        else:
            cond = f"revised by more than {r.percent:g} %"
        rows.append({"rule_id": r.id, "kind": r.kind, "severity": r.severity, "title_zh": r.title("zh"),
                     "title_en": r.title("en"), "condition": cond})
    return pd.DataFrame(rows, columns=["rule_id", "kind", "severity", "title_zh", "title_en", "condition"])


def diff_frame(store: Store, since: AsOf, until: AsOf = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The diff and its counts by source (a total row last, source `*`): what a report's "what changed"
    section prints."""
    d = diff_vintages(store, since, until)
    counts = summarise_diff(d).to_frame()
    total = {"source_id": "*", **{c: int(counts[c].sum()) for c in counts.columns if c != "source_id"}}
    return d, pd.concat([counts, pd.DataFrame([total])], ignore_index=True)


def _clean(v: object) -> object:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if v is pd.NA:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        return _clean(v.item())
    return v


def alerts_document(alerts: Sequence[Alert], *, vintage_id: int, rules_file: str,
                    generated_at: datetime | str | None = None) -> dict[str, object]:
    """The JSON document: vintage, rules file, counts by severity and by rule, the alerts."""
    by_sev = {s: sum(1 for a in alerts if a.severity == s) for s in SEVERITY_ORDER}
    by_rule: dict[str, int] = {}
    for a in alerts:
        by_rule[a.rule_id] = by_rule.get(a.rule_id, 0) + 1
    doc: dict[str, object] = {"vintage": vintage_id}
    if generated_at is not None:
        doc["generated_at"] = generated_at.isoformat() if isinstance(generated_at, datetime) else str(generated_at)
    doc.update({
        "rules_file": rules_file,
        "counts": {"total": len(alerts), "by_severity": by_sev, "by_rule": dict(sorted(by_rule.items()))},
        "alerts": [{k: _clean(v) for k, v in a.to_dict().items()} for a in alerts],
    })
    return doc


def write_alerts_json(alerts: Sequence[Alert], path: str | Path, *, vintage_id: int, rules_file: str,
                      generated_at: datetime | str | None = None) -> Path:
    """Write `path` (UTF-8, indent 2, Chinese as is); the alerts in the order given (evaluate_alerts sorts
    them). Returns the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    doc = alerts_document(alerts, vintage_id=vintage_id, rules_file=rules_file, generated_at=generated_at)
    p.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return p
