"""Alerts: what the monitor's rules flagged in this vintage. The alerts are evaluated by the caller (they
depend on the rules chosen) and only shown here."""
from __future__ import annotations

from collections.abc import Sequence

from ...monitor.alerts import Alert, dims_label
from ..document import Column, Section, Table
from .context import SEVERITY, Context, as_text, in_lang

__all__ = ["alerts_section"]


def alerts_section(ctx: Context, alerts: Sequence[Alert]) -> Section:
    """One row per alert, citing the figures it was raised on."""
    sec = Section("alerts", "预警", "Alerts",
                  "预警规则见数据集的 alerts.yaml(阈值、预测区间外的新实际值、大幅修订)。",
                  "Alert rules are in the dataset's alerts.yaml (thresholds, new actuals outside the last "
                  "forecast's interval, large revisions).")
    table = Table("alerts", "本版本触发的预警", "Alerts of this vintage", [
        Column("severity", "级别", "Severity", width=1.3), Column("rule", "规则", "Rule", width=2),
        Column("indicator", "指标", "Indicator"), Column("item", "对象", "Where"),
        Column("period", "时期", "Period", width=1.2), Column("message", "说明", "Message", width=8),
    ])
    for a in alerts:
        ids = [int(i) for i in (a.obs_id, a.forecast_obs_id, a.old_obs_id) if i is not None]
        table.add({"severity": in_lang(ctx.lang, SEVERITY.get(a.severity, (a.severity, a.severity))),
                   "rule": a.rule_id, "indicator": ctx.name(a.indicator), "item": dims_label(a.dims),
                   "period": as_text(a.period), "message": a.message_en if ctx.lang == "en" else a.message_zh},
                  ctx.cite(ctx.rows_by_id(ids)))
    sec.tables.append(table)
    return sec
