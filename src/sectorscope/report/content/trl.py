"""The TRL × demand dual track: each technology's readiness with its demand score and the quadrant's advice,
as a table and as the quadrant chart."""
from __future__ import annotations

import pandas as pd

from ...analytics.trl import quadrant
from ..document import Column, Section, Table
from .context import Chart, Context

__all__ = ["trl_section"]


def trl_section(ctx: Context) -> tuple[Section, dict[str, Chart]]:
    """Technologies by TRL (highest first), each placed in its quadrant when its demand is rated."""
    from .. import charts  # matplotlib only when a report is built

    sec = Section("trl", "技术成熟度 × 需求(双轨评估)", "Technology readiness × demand (dual track)",
                  "TRL 来自带引文的评估文件;需求得分由增速、进口依存度和订单份额算得,区间来自输入。",
                  "TRL from an assessment file with quoted evidence; the demand score from growth, import "
                  "dependence and order shares, with the interval its inputs allow.")
    trl = ctx.obs[ctx.obs["indicator"] == "trl"]
    dem = ctx.obs[ctx.obs["indicator"] == "demand_score"].set_index("product")
    if not len(trl):
        return sec, {}
    table = Table("trl_demand", "TRL × 需求", "TRL × demand", [
        Column("technology", "技术", "Technology"), Column("trl", "TRL", "TRL", kind="int"),
        Column("demand", "需求得分", "Demand score", kind="number", digits=2),
        Column("low", "区间下限", "Low", kind="number", digits=2),
        Column("high", "区间上限", "High", kind="number", digits=2),
        Column("advice", "象限与建议", "Quadrant and advice", width=4),
    ])
    points = []
    for r in trl.sort_values(["value", "product"], ascending=[False, True]).to_dict("records"):
        d = dem.loc[r["product"]].to_dict() if r["product"] in dem.index else None
        if d is not None:
            d["product"] = r["product"]
            q = quadrant(int(r["value"]), float(d["value"]), demand_low=float(d["bound_low"]),
                         demand_high=float(d["bound_high"]))
            advice = q.advice_en if ctx.lang == "en" else q.advice_zh
            points.append({"label": r["product"], "trl": int(r["value"]), "demand": float(d["value"]),
                           "demand_low": float(d["bound_low"]), "demand_high": float(d["bound_high"]),
                           "quadrant": q[0]})
        else:
            advice = "未评需求" if ctx.zh() else "demand not rated"
        table.add({"technology": r["product"], "trl": int(r["value"]),
                   "demand": d["value"] if d else None, "low": d["bound_low"] if d else None,
                   "high": d["bound_high"] if d else None, "advice": advice},
                  ctx.cite([r] + ([d] if d else [])))
    sec.tables.append(table)
    sec.charts.append("trl_quadrant")
    svg = charts.trl_quadrant_svg(pd.DataFrame(points), title=table.title(ctx.lang), lang=ctx.lang,
                                  key="trl_quadrant")
    return sec, {"trl_quadrant": Chart(svg, table.all_cites())}
