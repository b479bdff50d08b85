"""Alerts as data for the next reader: `out/alerts.json` for machines, frames for the report layer.

The JSON file is written so that two runs over the same store give the same bytes: sorted alerts, sorted
keys, no time stamp unless the caller passes one. Wording a diff or the alerts for a publication (zh/en,
tables, footnotes) is the report's job; this module hands it tidy frames.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..model.observation import DIMENSIONS
from .alerts import SEVERITY_ORDER, Alert
from .diff import diff_vintages, summarise_diff
from .rules import AlertRule

__all__ = ["write_alerts_json", "alerts_document", "alerts_to_frame", "rules_to_frame", "diff_frame",
           "ALERT_COLUMNS"]

ALERT_COLUMNS = (
    "rule_id", "kind", "severity", "vintage_id", "obs_id", "obs_key", "indicator", *DIMENSIONS, "period", "status",
    "value", "printed", "unit", "threshold", "operator", "lo", "hi", "interval_level", "forecast_obs_id",
    "forecast_value", "forecast_vintage", "input_vintage", "old_obs_id", "old_value", "old_printed", "pct_change",
    "since_vintage", "source_id", "quote", "location", "figure_vintage", "message_zh", "message_en",
)


def _row(a: Alert) -> dict[str, object]:
    d = a.to_dict()
    dims = d.pop("dims")
    lo, hi = a.interval if a.interval is not None else (None, None)
    d.pop("interval")
    return {**{k: None for k in ALERT_COLUMNS}, **d, **{k: dims.get(k) for k in DIMENSIONS}, "lo": lo, "hi": hi}


def alerts_to_frame(alerts: Sequence[Alert]) -> pd.DataFrame:
    """One row per alert (ALERT_COLUMNS), dimensions as columns, in the order given."""
    return pd.DataFrame([_row(a) for a in alerts], columns=list(ALERT_COLUMNS))


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


def diff_frame(store, since, until=None) -> tuple[pd.DataFrame, pd.DataFrame]:
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
