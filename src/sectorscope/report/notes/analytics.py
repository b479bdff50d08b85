"""analytics.md (zh) and analytics.en.md: the analysis as an analyst reads it — each number with its interval
and the formula or figures behind it.

The analysis itself lives in the analytics layer; this note only words its result, through the presentation
layer, so a derived figure reads here exactly as in the report and the CLI.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...model import DIMENSIONS, Catalog, load_catalog
from ...present import (
    figure,
    fixed,
    indicator_name,
    interval,
    missing,
    percent,
    qualified,
    qualifier_word,
    quantity,
    signed,
    significant,
    term,
)
from .markdown import cell, render, write_notes

if TYPE_CHECKING:
    from ...analytics import AnalysisResult

__all__ = ["render_analytics", "write_analytics"]

_SORT_DIMS = tuple(d for d in DIMENSIONS if d != "subject")


def _text(value: object) -> str:
    return "" if missing(value) else str(value)


def _in_total_order(base: pd.DataFrame) -> pd.DataFrame:
    """The formula rows (method formula:…) come sorted by indicator, location, subject and period only, and rows
    that tie there (a product's price change and the whole market's, same year) in whatever order the engine
    returned them. Sorted again on a total key — then the other dimensions, the input ids, the value — in the
    places they held, so two runs over the same store write the same note."""
    if not len(base) or "method" not in base:
        return base
    formula = base["method"].map(lambda m: _text(m).startswith("formula:")).to_numpy()
    rows = base[formula]

    def key(i: Any) -> tuple:
        r = rows.loc[i]
        ids = r.get("input_ids")
        return (_text(r["indicator"]), _text(r["location"]), _text(r["subject"]), _text(r["period"]),
                *(_text(r.get(d)) for d in _SORT_DIMS), tuple(int(x) for x in ids) if ids is not None else (),
                float(r["value"]))

    order = sorted(rows.index, key=key)
    index = list(base.index)
    slots = [k for k, is_formula in enumerate(formula) if is_formula]
    for slot, i in zip(slots, order, strict=True):
        index[slot] = i
    return base.loc[index]


def _derived_rows(result: AnalysisResult, lang: str, catalog: Catalog) -> list[dict[str, str]]:
    d = result.derived
    if not len(d):
        return []
    base = _in_total_order(d[d["location"].str.startswith("派生:") & (d["indicator"] != "supply_demand_index")])
    rows = []
    for r in base.itertuples():
        dims = ", ".join(v for c in DIMENSIONS if isinstance(v := getattr(r, c), str) and v)
        rows.append({
            "indicator": cell(indicator_name(r.indicator, lang, catalog)), "dims": cell(dims), "period": r.period,
            "value": cell(figure(r.value, r.qualifier, r.value_high, r.unit, printed=r.value_as_printed,
                                 unit_printed=r.unit_as_printed)),
            "interval": cell(interval(r.bound_low, r.bound_high, r.unit)), "formula": cell(r.formula),
            "inputs": ", ".join(f"#{i}" for i in r.input_ids),
        })
    return rows


def _components(r: Any, lang: str, catalog: Catalog) -> str:
    return "; ".join(
        f"{indicator_name(c['component'], lang, catalog)} {c['printed']}"
        f"{term('label', 'tier_level', lang) if c['level'] == 'tier' else ''} → {signed(c['contribution'])}"
        for c in r.components)


def _supply_demand(result: AnalysisResult, lang: str, catalog: Catalog) -> tuple[list[dict], list[dict], str]:
    """The index by product, by tier, and the one-sentence conclusion the tiers give."""
    if not len(result.supply_demand):
        return [], [], ""
    sd_rows = [{"product": cell(r.product), "tier": cell(r.tier), "index": signed(r.index),
                "interval": interval(r.index_low, r.index_high, digits=2, sign=True),
                "reading": term("reading", r.reading, lang), "components": cell(_components(r, lang, catalog))}
               for r in result.supply_demand.itertuples()]
    tier_rows, parts = [], []
    for t in result.tiers.itertuples():
        tier_rows.append({"tier": t.tier, "index": signed(t.index),
                          "interval": interval(t.index_low, t.index_high, digits=2, sign=True),
                          "reading": term("reading", t.reading, lang), "products": cell("、".join(t.products))})
        reading = term("reading", t.reading, lang)
        parts.append(f"{t.tier} {reading} ({signed(t.index)})" if lang == "en" else f"{t.tier}{reading}({signed(t.index)})")
    conclusion = ""
    if parts:
        joined = ", ".join(parts) + "." if lang == "en" else ",".join(parts) + "。"
        conclusion = term("label", "from_the_data", lang) + joined
    return sd_rows, tier_rows, conclusion


def _substitution(result: AnalysisResult, lang: str) -> tuple[list[dict], str]:
    """The scenarios with their grounds, and the table of the space by year and scenario."""
    d = result.derived
    subst = d[d["indicator"] == "substitution_space"] if len(d) else d
    if not len(subst):
        return [], ""
    names = list(dict.fromkeys(subst["scenario"]))
    given = {sc.name: sc for scs in result.extra.get("scenarios", {}).values() for sc in scs}
    scenarios = []
    for n in names:
        why = subst.loc[subst["scenario"] == n, "basis"].iloc[0]
        if lang == "en" and n in given and given[n].why_en:
            why = given[n].why_en
        scenarios.append({"name": n, "why": cell(why)})
    lines = ["| " + " | ".join([term("column", "year", lang), *names]) + " |", "|---|" + "---:|" * len(names)]
    for period, g in subst.groupby("period", sort=True):
        vals = []
        for n in names:
            row = g[g["scenario"] == n]
            if row.empty:
                vals.append("—")
                continue
            r = row.iloc[0]
            value = quantity(r["value"], "元")
            vals.append(qualified(value, "at_least") if r["qualifier"] == "at_least"
                        else f"{value} {interval(r['bound_low'], r['bound_high'], '元')}")
        lines.append("| " + " | ".join([str(period), *map(cell, vals)]) + " |")
    return scenarios, "\n".join(lines)


def _dual_track(result: AnalysisResult, lang: str) -> list[dict]:
    table = result.extra.get("dual_track")
    if table is None or not len(table):
        return []
    rows = []
    for r in table.itertuples():
        has = bool(r.n_components)
        rows.append({
            "technology": cell(r.technology if lang != "en" else f"{r.technology_en or r.technology}"),
            "trl": int(r.trl), "demand": fixed(r.score, 2, grouping=False) if has else "—",
            "interval": interval(r.score_low, r.score_high, digits=2) if has else "—",
            "quadrant": r.quadrant, "advice": cell(r.advice_en if lang == "en" else r.advice_zh),
            "evidence": cell(f"「{r.evidence}」({r.source_id} {r.location or ''})"),
        })
    return rows


def _method(inst: Any, res: Any, lang: str) -> str:
    spec = inst.spec
    varied = "; ".join(k + " ∈ {" + ", ".join(v) + "}" for k, v in res.alternatives.items())
    factor = significant(spec.open_bound_factor)
    if lang == "en":
        return (f"Nominal: {spec.normalisation} normalisation, {spec.weighting} weights, {spec.aggregation} "
                f"aggregation; Monte-Carlo, {res.n_draws} draws over {varied}, weights perturbed, data sampled "
                f"within their intervals (an 'or more' figure up to {factor}× its bound).")
    return (f"名义方法:{spec.normalisation} 归一、{spec.weighting} 权重、{spec.aggregation} 加总;"
            f"蒙特卡洛 {res.n_draws} 次,随机选择 {varied},权重扰动,数据在区间内抽样"
            f"(“{qualifier_word('at_least', 'zh')}”数字至多取其 {factor} 倍)。")


def _composites(result: AnalysisResult, lang: str) -> list[dict]:
    blocks = []
    for inst, runs in result.extra.get("composites", []):
        for group, res, _ids, units in runs:
            example = dict(zip(units["unit"], units["example"], strict=True))
            sq = res.score_quantiles
            rows = [{"rank": significant(r["rank"]), "unit": cell(u), "score": fixed(r["score"], 2, grouping=False),
                     "score_ci": interval(sq.loc[u].iloc[0], sq.loc[u].iloc[-1], digits=2),
                     "median": significant(r["median_rank"]),
                     "r80": f"{significant(r['rank_80_lower'])}–{significant(r['rank_80_upper'])}",
                     "r95": f"{significant(r['rank_95_lower'])}–{significant(r['rank_95_upper'])}"}
                    for u, r in res.summary().iterrows()]
            sens = res.sensitivity
            factors = sens.get("factor", sens.index)
            title = inst.title_en if lang == "en" else inst.title_zh
            blocks.append({"title": title + (f" — {group}" if group else ""), "example": any(example.values()),
                           "method": _method(inst, res, lang), "rows": rows,
                           "sensitivity": ", ".join(f"{f} {percent(v)}" for f, v in zip(factors, sens["first_order"], strict=True)),
                           "unit_label": term("index_unit", inst.unit, lang)})
    return blocks


def render_analytics(result: AnalysisResult, *, lang: str = "zh", catalog: Catalog | None = None) -> str:
    """analytics.md in `lang` (zh or en)."""
    catalog = catalog or load_catalog()
    sd_rows, tier_rows, conclusion = _supply_demand(result, lang, catalog)
    scenarios, subst_table = _substitution(result, lang)
    return render("analytics.md.j2", lang, vid=result.vintage_id, sd_rows=sd_rows, tier_rows=tier_rows,
                  sd_conclusion=conclusion, composites=_composites(result, lang), dual_track=_dual_track(result, lang),
                  scenarios=scenarios, subst_table=subst_table, derived_rows=_derived_rows(result, lang, catalog))


def write_analytics(result: AnalysisResult, out_dir: str | Path, langs: Sequence[str] = ("zh", "en"),
                    catalog: Catalog | None = None) -> list[Path]:
    """analytics.md (zh) and analytics.en.md in `out_dir`; their paths, in the order of `langs`."""
    catalog = catalog or load_catalog()
    return write_notes("analytics", {lang: render_analytics(result, lang=lang, catalog=catalog) for lang in langs},
                       out_dir)
