"""Composite indices with rank intervals: each index's scores and ranks with their Monte-Carlo intervals,
as a table and as the rank chart, so a reader sees which places in a ranking the data settle."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..document import Section, Table
from ..words import column, section
from .context import Chart, Context, as_text

__all__ = ["regional_section"]


def _label_of(r: Mapping[str, Any]) -> str:
    """A ranked unit: its company or region within its tier. The manufacturing index ranks foundries and
    packaging houses separately, and 无锡XX公司 is in both."""
    name = as_text(r["company"]) or as_text(r["region"])
    return f"{name}({as_text(r['tier'])})" if as_text(r.get("tier")) else name

def regional_section(ctx: Context) -> tuple[Section, dict[str, Chart]]:
    """One table and one rank chart per composite index."""
    from .. import charts  # matplotlib only when a report is built

    sec = section("regional")
    comp = ctx.obs[ctx.obs["indicator"].isin(["composite_index", "composite_rank"])]
    out: dict[str, Chart] = {}
    for i, (index, g) in enumerate(sorted(comp.groupby("product"), key=lambda kv: kv[0])):
        scores = g[g["indicator"] == "composite_index"]
        ranks = g[g["indicator"] == "composite_rank"]
        rank_by = {_label_of(r): r for r in ranks.to_dict("records")}
        title = as_text(scores["note"].iloc[0]) if len(scores) and ctx.zh() else str(index)
        table = Table(f"index_{i + 1}", title, str(index), [
            column("label", "ranked"), column("score", kind="number", digits=2),
            column("score_lo", kind="number", digits=2), column("score_hi", kind="number", digits=2),
            column("rank", "median_rank", kind="int"),
            column("rank_lo80", kind="int"), column("rank_hi80", kind="int"),
            column("rank_lo95", kind="int"), column("rank_hi95", kind="int"),
        ])
        pts = []
        for r in sorted(scores.to_dict("records"), key=lambda r: (as_text(r.get("tier")), -float(r["value"]), _label_of(r))):
            k = rank_by.get(_label_of(r))
            table.add({"label": _label_of(r), "score": r["value"], "score_lo": r["lo95"], "score_hi": r["hi95"],
                       "rank": int(k["value"]) if k else None, "rank_lo80": int(k["lo80"]) if k else None,
                       "rank_hi80": int(k["hi80"]) if k else None, "rank_lo95": int(k["lo95"]) if k else None,
                       "rank_hi95": int(k["hi95"]) if k else None}, ctx.cite([r] + ([k] if k else [])))
            if k:
                pts.append({"label": _label_of(r), "score": r["value"], "score_low": r["lo95"],
                            "score_high": r["hi95"], "rank": int(k["value"]), "rank_low": int(k["lo95"]),
                            "rank_high": int(k["hi95"])})
        sec.tables.append(table)
        key = f"ranks_{i + 1}"
        sec.charts.append(key)
        svg = charts.rank_intervals_svg(pd.DataFrame(pts), title=table.title(ctx.lang), lang=ctx.lang, key=key)
        out[key] = Chart(svg, table.all_cites())
    return sec, out
