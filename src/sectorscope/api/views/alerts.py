"""Alert rules evaluated on a vintage (monitor.evaluate_alerts), with the rules the operator configured or a
rule file in the data directory."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from ...monitor.alerts import evaluate_alerts
from ...monitor.rules import read_alert_rules
from ...store import Store
from ..convert import clean
from ..problems import ApiProblem
from .common import resolve

__all__ = ["alerts"]


def alerts(store: Store, rules_path: Path, shown_name: str, as_of: str | None, since: str | None) -> dict:
    vid = resolve(store, as_of)
    if vid is None:
        raise ApiProblem(404, "no-such-vintage", "the store held no vintage at that point; /api/vintages lists them")
    rules = read_alert_rules(rules_path)
    since_vid = resolve(store, since) if since is not None else None
    found = evaluate_alerts(store, rules, vid, since=since_vid)
    rows = [{k: clean(v) for k, v in a.to_dict().items()} for a in found]
    counts = Counter(a.severity for a in found)
    return {"vintage_id": vid, "rules_file": shown_name, "n_rules": len(rules),
            "counts": {s: counts.get(s, 0) for s in ("critical", "warning", "info")}, "alerts": rows}
