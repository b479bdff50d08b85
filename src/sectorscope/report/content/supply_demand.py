"""The supply-demand diagnosis: the elasticity index per product and tier, with its reading (shortage,
surplus, balanced), its components and the bar chart, so "low-end surplus, high-end shortage" shows at a
glance and every bar traces back to its inputs."""
from __future__ import annotations

import re

import pandas as pd

from ...model import TIER_SUMMARY
from ..document import Section
from ..words import column, section, table
from .context import Chart, Context, as_text

__all__ = ["supply_demand_section"]


def supply_demand_section(ctx: Context) -> tuple[Section, dict[str, Chart]]:
    """The elasticity index table and its bars (products only; tier means are in the table)."""
    from .. import charts  # matplotlib only when a report is built

    sec = section("supply_demand")
    sd = ctx.obs[ctx.obs["indicator"] == "supply_demand_index"]
    if not len(sd):
        return sec, {}
    t = table("supply_demand", [
        column("product"), column("tier"), column("index", kind="number", digits=2),
        column("low", kind="number", digits=2), column("high", kind="number", digits=2),
        column("reading", width=1.2), column("components", width=7),
    ])
    tiers = sd[sd["kind"] == TIER_SUMMARY]
    products = sd[~sd.index.isin(tiers.index)].sort_values("value")
    bars = []
    for r in [*products.to_dict("records"), *tiers.sort_values("value").to_dict("records")]:
        is_tier = r["kind"] == TIER_SUMMARY
        read = r["reading"]  # stored with the figure, with the band that made it
        label = as_text(r["product"]) or ctx.word("report", "tier_mean", tier=as_text(r["tier"]))
        t.add({"product": label, "tier": as_text(r["tier"]), "index": r["value"], "low": r["bound_low"],
               "high": r["bound_high"], "reading": ctx.word("reading", read),
               "components": "" if is_tier else _named(ctx, as_text(r["note"]))}, ctx.cite([r]))
        if not is_tier:
            bars.append({"label": label, "tier": as_text(r["tier"]) or None, "value": r["value"],
                         "low": r["bound_low"], "high": r["bound_high"]})
    sec.tables.append(t)
    sec.charts.append("elasticity")
    band = float(sd["reading_band"].dropna().iloc[0])  # the balanced band analytics read from analytics.yaml
    svg = charts.elasticity_bars_svg(pd.DataFrame(bars), title=t.title(ctx.lang), lang=ctx.lang, limit=band,
                                     key="elasticity")
    return sec, {"elasticity": Chart(svg, t.all_cites())}


def _named(ctx: Context, text: str) -> str:
    """Indicator codes in a stored note ("capacity_utilisation 61.7% → -0.89") as the catalog names them."""
    return re.sub(r"\b[a-z][a-z_]+[a-z]\b", lambda m: ctx.name(m.group()) if m.group() in ctx.catalog else m.group(), text)
