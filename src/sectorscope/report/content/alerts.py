"""Alerts: what the monitor's rules flagged in this vintage. The alerts are evaluated by the caller (they
depend on the rules chosen) and only shown here."""
from __future__ import annotations

from collections.abc import Sequence

from ...monitor import Alert, dims_label
from ..document import Section
from ..words import column, section, table
from .context import Context

__all__ = ["alerts_section"]


def alerts_section(ctx: Context, alerts: Sequence[Alert]) -> Section:
    """One row per alert, citing the figures it was raised on."""
    sec = section("alerts")
    t = table("alerts", [
        column("severity", "level", width=1.3), column("rule", width=2), column("indicator"),
        column("item", "where"), column("period", "time", width=1.2), column("message", width=8),
    ])
    for a in alerts:
        ids = [int(i) for i in (a.obs_id, a.forecast_obs_id, a.old_obs_id) if i is not None]
        t.add({"severity": ctx.word("severity", a.severity), "rule": a.rule_id, "indicator": ctx.name(a.indicator),
               "item": dims_label(a.dims), "period": ctx.period(a.period),
               "message": a.message_en if ctx.lang == "en" else a.message_zh}, ctx.cite(ctx.rows_by_id(ids)))
    sec.tables.append(t)
    return sec
