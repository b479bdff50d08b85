"""The supply-demand diagnosis: the elasticity index per product and tier, with its reading (shortage,
surplus, balanced), its components and the bar chart, so "low-end surplus, high-end shortage" shows at a
glance and every bar traces back to its inputs."""
from __future__ import annotations

import re

import pandas as pd

from ...model.observation import TIER_SUMMARY
from ..document import Column, Section, Table
from .context import Chart, Context, as_text, in_lang

__all__ = ["supply_demand_section"]

_READING = {"shortage": ("短缺", "shortage"), "surplus": ("过剩", "surplus"), "balanced": ("基本平衡", "balanced")}


def supply_demand_section(ctx: Context) -> tuple[Section, dict[str, Chart]]:
    """The elasticity index table and its bars (products only; tier means are in the table)."""
    from .. import charts  # matplotlib only when a report is built

    sec = Section("supply_demand", "供需诊断:供需弹性指数", "Supply-demand diagnosis: the elasticity index",
                  "指数为正表示短缺、为负表示过剩;区间来自输入数据的取整与上下限。",
                  "Positive means shortage, negative surplus; the interval comes from the inputs' rounding and bounds.")
    sd = ctx.obs[ctx.obs["indicator"] == "supply_demand_index"]
    if not len(sd):
        return sec, {}
    table = Table("supply_demand", "供需弹性指数(按产品与档位)", "Elasticity index by product and tier", [
        Column("product", "产品", "Product"), Column("tier", "档位", "Tier"),
        Column("index", "指数", "Index", kind="number", digits=2),
        Column("low", "区间下限", "Low", kind="number", digits=2),
        Column("high", "区间上限", "High", kind="number", digits=2),
        Column("reading", "判读", "Reading", width=1.2),
        Column("components", "分量(数值 → 贡献)", "Components (value → contribution)", width=7),
    ])
    tiers = sd[sd["kind"] == TIER_SUMMARY]
    products = sd[~sd.index.isin(tiers.index)].sort_values("value")
    bars = []
    for r in [*products.to_dict("records"), *tiers.sort_values("value").to_dict("records")]:
        is_tier = r["kind"] == TIER_SUMMARY
        read = r["reading"]  # stored with the figure, with the band that made it
        label = as_text(r["product"]) or (f"{as_text(r['tier'])}(档位均值)" if ctx.zh() else f"{as_text(r['tier'])} (tier mean)")
        table.add({"product": label, "tier": as_text(r["tier"]), "index": r["value"], "low": r["bound_low"],
                   "high": r["bound_high"], "reading": in_lang(ctx.lang, _READING[read]),
                   "components": "" if is_tier else _named(ctx, as_text(r["note"]))}, ctx.cite([r]))
        if not is_tier:
            bars.append({"label": label, "tier": as_text(r["tier"]) or None, "value": r["value"],
                         "low": r["bound_low"], "high": r["bound_high"]})
    sec.tables.append(table)
    sec.charts.append("elasticity")
    band = float(sd["reading_band"].dropna().iloc[0])  # the balanced band analytics read from analytics.yaml
    svg = charts.elasticity_bars_svg(pd.DataFrame(bars), title=table.title(ctx.lang), lang=ctx.lang, limit=band,
                                     key="elasticity")
    return sec, {"elasticity": Chart(svg, table.all_cites())}


def _named(ctx: Context, text: str) -> str:
    """Indicator codes in a stored note ("capacity_utilisation 61.7% → -0.89") as the catalog names them."""
    return re.sub(r"\b[a-z][a-z_]+[a-z]\b", lambda m: ctx.name(m.group()) if m.group() in ctx.catalog else m.group(), text)
