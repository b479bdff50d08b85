"""Audit findings with the quotes of the figures involved, and the house views."""
from __future__ import annotations

from ...audit import house_view_rows
from ...store import Store
from ..convert import clean, records
from ..problems import ApiProblem
from .common import figures, resolve

__all__ = ["finding", "findings", "house_views"]

_COLS = ["vintage_id", "finding_id", "rule", "check", "severity", "indicator", "subject", "periods", "obs_ids",
         "culprit_obs_id", "computed_zh", "computed_en", "computed_low", "computed_high", "message_zh", "message_en",
         "suggestion_zh", "suggestion_en", "audited_at"]


def _audited(store: Store) -> set[int]:
    t = store.table("audit_findings")
    return {int(v) for v in t.select("vintage_id").distinct().execute()["vintage_id"]}


def findings(store: Store, vintage_id: int | None, *, severity: str | None = None, rule: str | None = None,
             indicator: str | None = None, finding_id: int | None = None) -> dict:
    """The findings of one audited vintage (the latest by default), each with its figures side by side."""
    if vintage_id is not None and vintage_id not in _audited(store):
        raise ApiProblem(404, "not-audited", f"vintage {vintage_id} was not audited; the audited vintages are "
                         f"{sorted(_audited(store)) or 'none yet'} (sectorscope audit audits the latest)")
    t = store.findings(vintage_id)
    if severity:
        t = t.filter(t.severity == severity)
    if rule:
        t = t.filter(t.rule == rule)
    if indicator:
        t = t.filter(t.indicator == indicator)
    if finding_id is not None:
        t = t.filter(t.finding_id == finding_id)
    rows = records(t.select(*_COLS).execute(), _COLS)
    ids = [i for r in rows for i in (r["obs_ids"] or [])]
    vid = store.latest_vintage()
    figs = {f["obs_id"]: f for f in figures(store, ids, vid)}
    for r in rows:
        r["obs_ids"] = r["obs_ids"] or []
        r["figures"] = [figs[i] for i in r["obs_ids"] if i in figs]
    found = rows[0]["vintage_id"] if rows else (vintage_id if vintage_id is not None else
                                                (max(_audited(store)) if _audited(store) else None))
    return {"vintage_id": clean(found), "findings": rows}


def finding(store: Store, finding_id: int, vintage_id: int | None) -> dict:
    out = findings(store, vintage_id, finding_id=finding_id)
    if not out["findings"]:
        raise ApiProblem(404, "no-such-finding", f"no finding {finding_id} in the audited vintage "
                         f"{out['vintage_id']}; /api/audit/findings lists them")
    return out["findings"][0]


def house_views(store: Store, as_of: str | None) -> dict:
    vid = resolve(store, as_of)
    rows = house_view_rows(store, vid) if vid is not None else []
    out = []
    for r in rows:
        d = {k: clean(r.get(k)) for k in ("indicator", "subject", "dims", "period", "obs_id", "shown", "reason",
                                          "analyst", "spread")}
        d["ids"] = sorted(int(i) for i in r.get("ids", ()))
        out.append(d)
    return {"vintage_id": vid, "house_views": out}
