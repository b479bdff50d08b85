"""Alert rules evaluated on a vintage (monitor.evaluate_alerts), with the rules the operator configured or a
rule file in the data directory."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from ...monitor import evaluate_alerts, read_alert_rules
from ...store import Store
from ..convert import clean
from ..problems import ApiProblem
from .common import printed_by_id, resolve

__all__ = ["alerts"]


def alerts(store: Store, rules_path: Path, shown_name: str, as_of: str | None, since: str | None) -> dict:
    vid = resolve(store, as_of)
    if vid is None:
        raise ApiProblem(404, "no-such-vintage", "the store held no vintage at that point; /api/vintages lists them")
    rules = read_alert_rules(rules_path)
    since_vid = resolve(store, since) if since is not None else None
    found = evaluate_alerts(store, rules, vid, since=since_vid)
    rows = [{k: clean(v) for k, v in a.to_dict().items()} for a in found]
    shown = printed_by_id(store, [r[k] for r in rows for k in ("obs_id", "old_obs_id") if r.get(k) is not None])
    for r in rows:  # the figures as the presentation layer prints them, as the report and the dashboard show them
        if r["obs_id"] in shown:
            r["printed"] = shown[r["obs_id"]]
        if r.get("old_printed") is not None and r.get("old_obs_id") in shown:
            r["old_printed"] = shown[r["old_obs_id"]]
    counts = Counter(a.severity for a in found)
    return {"vintage_id": vid, "rules_file": shown_name, "n_rules": len(rules),
            "counts": {s: counts.get(s, 0) for s in ("critical", "warning", "info")}, "alerts": rows}
