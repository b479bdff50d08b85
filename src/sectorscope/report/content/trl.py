"""The TRL × demand dual track: each technology's readiness with its demand score and the quadrant's advice,
as a table and as the quadrant chart."""
from __future__ import annotations

import pandas as pd

from ...analytics import quadrant
from ..document import Section
from ..words import column, section, table
from .context import Chart, Context

__all__ = ["trl_section"]


def trl_section(ctx: Context) -> tuple[Section, dict[str, Chart]]:
    """Technologies by TRL (highest first), each placed in its quadrant when its demand is rated."""
    from .. import charts  # matplotlib only when a report is built

    sec = section("trl")
    trl = ctx.obs[ctx.obs["indicator"] == "trl"]
    dem = ctx.obs[ctx.obs["indicator"] == "demand_score"].set_index("product")
    if not len(trl):
        return sec, {}
    t = table("trl_demand", [
        column("technology"), column("trl", kind="int"), column("demand", "demand_score", kind="number", digits=2),
        column("low", kind="number", digits=2), column("high", kind="number", digits=2),
        column("advice", "quadrant_advice", width=4),
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
            advice = ctx.word("report", "demand_not_rated")
        t.add({"technology": r["product"], "trl": int(r["value"]),
               "demand": d["value"] if d else None, "low": d["bound_low"] if d else None,
               "high": d["bound_high"] if d else None, "advice": advice},
              ctx.cite([r] + ([d] if d else [])))
    sec.tables.append(t)
    sec.charts.append("trl_quadrant")
    svg = charts.trl_quadrant_svg(pd.DataFrame(points), title=t.title(ctx.lang), lang=ctx.lang,
                                  key="trl_quadrant")
    return sec, {"trl_quadrant": Chart(svg, t.all_cites())}
