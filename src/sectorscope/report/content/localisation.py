"""Localisation and import-substitution space: the stated localisation rates and domestic shares, and the
derived substitution space under each target scenario."""
from __future__ import annotations

from ...model.observation import DERIVED, OUR_FORECAST_KINDS
from ..cite import scale_for
from ..document import Column, Section, Table
from .context import SCENARIO_ORDER, STATUS, Context, as_text, in_lang, row_dims

__all__ = ["localisation_section"]

_LOCALISATION = ("localisation_rate", "domestic_share", "self_sufficiency_rate", "local_sourcing_rate")


def localisation_section(ctx: Context) -> Section:
    """The localisation figures, then the substitution space with one column per target scenario."""
    sec = Section("localisation", "国产化与进口替代空间", "Localisation and import-substitution space",
                  "替代空间 = 市场规模 × (目标国产份额 − 当前国产份额);三个目标情景见 analytics.yaml。",
                  "Substitution space = market size × (target domestic share − current share); the three target "
                  "scenarios are in analytics.yaml.")
    loc = ctx.obs[ctx.obs["indicator"].isin(_LOCALISATION) & ~ctx.obs["kind"].isin(OUR_FORECAST_KINDS)]
    loc = loc.sort_values(["subject", "indicator", "product", "application", "region", "period", "obs_id"],
                          na_position="first")
    t1 = Table("localisation", "国产化率与国产份额", "Localisation rates and domestic shares", [
        Column("subject", "市场", "Market"), Column("indicator", "指标", "Indicator"),
        Column("item", "产品/维度", "Product or dimensions"), Column("period", "时期", "Period"),
        Column("value", "数值", "Value", "%", kind="number"), Column("qualifier", "限定", "Qualifier"),
        Column("status", "状态", "Status"),
    ])
    for r in loc.to_dict("records"):
        t1.add({"subject": as_text(r["subject"]), "indicator": ctx.name(r["indicator"]), "item": row_dims(r),
                "period": as_text(r["period"]), "value": r["value"], "qualifier": ctx.qualifier(r),
                "status": in_lang(ctx.lang, STATUS[r["status"]])}, ctx.cite([r]))
    sub = ctx.obs[(ctx.obs["indicator"] == "substitution_space") & (ctx.obs["kind"] == DERIVED)]
    sec.tables.append(t1)
    if len(sub):
        factor, unit = scale_for("元", sub["value"])
        scen = sorted(sub["scenario"].dropna().unique(), key=lambda s: SCENARIO_ORDER.get(s, 9))
        names = {"低": "low", "基准": "base", "高": "high"}
        cols = [Column("subject", "市场", "Market"), Column("period", "年份", "Year")]
        cols += [Column(f"s{i}", f"{s}情景", f"{names.get(s, s)} scenario", unit, kind="auto") for i, s in enumerate(scen)]
        t2 = Table("substitution_space", "进口替代空间(按目标情景)", "Import-substitution space by target scenario", cols)
        for (subject, period), g in sub.groupby(["subject", "period"], sort=True):
            row: dict[str, object] = {"subject": subject, "period": period}
            rows = []
            for i, s in enumerate(scen):
                hit = g[g["scenario"] == s]
                row[f"s{i}"] = float(hit["value"].iloc[0]) / factor if len(hit) else None
                rows += hit.to_dict("records")[:1]
            t2.add(row, ctx.cite(rows))
        sec.tables.append(t2)
    return sec
