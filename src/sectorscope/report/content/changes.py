"""What changed since the last vintage: the diff the caller computed (monitor.diff_vintages), counted and
listed, so a reader of this report sees what is new or revised since the previous one."""
from __future__ import annotations

import pandas as pd

from ..cite import blank
from ..document import Section
from ..words import column, noted, section, table
from .context import Context, as_text, row_dims

__all__ = ["changes_section"]


def changes_section(ctx: Context, diff: pd.DataFrame | None, since: int | None,
                    limit: int | None = None) -> Section:
    """The changes against vintage `since`; with `limit`, revisions and withdrawals first, up to `limit`."""
    if diff is None or since is None:
        return section("changes", "first_vintage")
    counts = diff.groupby("change").size().to_dict() if len(diff) else {}
    sec = section("changes", since=since, **{c: counts.get(c, 0) for c in ("new", "revised", "withdrawn")})
    t = table("changes", [
        column("change"), column("indicator"), column("item", "market_and_dims"), column("period", "time"),
        column("old", "old_value", kind="auto"), column("new", "new_value", kind="auto"), column("unit"),
        column("pct", "pct_change", "%", kind="number"), column("source"),
    ])
    records = diff.to_dict("records") if len(diff) else []
    if limit is not None and len(records) > limit:
        # revisions and withdrawals first: they change what a reader already has
        records = sorted(records, key=lambda r: {"revised": 0, "withdrawn": 1, "new": 2}[r["change"]])[:limit]
        noted(t, "changes_first", limit=limit, n=len(diff))
    for r in records:
        ids = [i for i in (r.get("obs_id_new"), r.get("obs_id_old")) if not blank(i)]
        t.add({"change": ctx.word("change", r["change"]), "indicator": ctx.name(as_text(r["indicator"])),
               "item": " · ".join(x for x in (as_text(r.get("subject")), row_dims(r)) if x),
               "period": ctx.period(r["period"]),
               "old": None if blank(r.get("value_old")) else float(r["value_old"]),
               "new": None if blank(r.get("value_new")) else float(r["value_new"]),
               "unit": ctx.unit(as_text(r.get("unit"))),
               "pct": None if blank(r.get("pct_change")) else float(r["pct_change"]),
               "source": as_text(r.get("source_id_new")) or as_text(r.get("source_id_old"))},
              ctx.cite(ctx.rows_by_id([int(i) for i in ids[:1]])))
    sec.tables.append(t)
    return sec
