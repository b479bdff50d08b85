"""What `sectorscope analyse` leaves on disk: analytics.md (zh) and analytics.en.md — the tables the
issue's readers asked for, each number with its interval and the formula or figures behind it."""
from __future__ import annotations

import math
from pathlib import Path

import jinja2

from ..model.catalog import Catalog, load_catalog
from ..model.observation import DIMENSIONS
from .derived import display
from .pipeline import AnalysisResult

__all__ = ["render_markdown", "write_outputs"]

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("sectorscope.analytics", "templates"), autoescape=False,
                          keep_trailing_newline=True)
_READING = {"shortage": ("短缺", "shortage"), "surplus": ("过剩", "surplus"), "balanced": ("基本平衡", "balanced")}


def _cell(text: object) -> str:
    s = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _fmt(v: float | None, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    num, u = display(float(v), unit)
    return f"{num}{u}"


def _interval(lo: object, hi: object, unit: str = "") -> str:
    lo_ok = lo is not None and not (isinstance(lo, float) and math.isnan(lo))
    hi_ok = hi is not None and not (isinstance(hi, float) and math.isnan(hi))
    if lo_ok and hi_ok:
        return f"[{_fmt(lo, unit)}, {_fmt(hi, unit)}]"
    if lo_ok:
        return f"≥ {_fmt(lo, unit)}"
    if hi_ok:
        return f"≤ {_fmt(hi, unit)}"
    return "—"


def _signed(v: float) -> str:
    return f"{v:+.2f}"


def render_markdown(result: AnalysisResult, *, lang: str = "zh", catalog: Catalog | None = None) -> str:
    catalog = catalog or load_catalog()
    zh = lang != "en"
    li = 0 if zh else 1
    d = result.derived
    base = d[d["location"].str.startswith("派生:") & (d["indicator"] != "supply_demand_index")] if len(d) else d
    derived_rows = []
    for r in base.itertuples() if len(base) else []:
        dims = ", ".join(f"{getattr(r, c)}" for c in DIMENSIONS if isinstance(getattr(r, c), str) and getattr(r, c))
        qual = {"at_least": "≥ ", "at_most": "≤ ", "about": "约 " if zh else "about "}.get(r.qualifier, "")
        derived_rows.append({
            "indicator": _cell(catalog[r.indicator].name(lang)), "dims": _cell(dims), "period": r.period,
            "value": _cell(qual + f"{r.value_as_printed}{r.unit_as_printed}"),
            "interval": _cell(_interval(r.bound_low, r.bound_high, r.unit)), "formula": _cell(r.formula),
            "inputs": ", ".join(f"#{i}" for i in r.input_ids),
        })
    sd_rows, tier_rows, conclusion = [], [], ""
    if len(result.supply_demand):
        for r in result.supply_demand.itertuples():
            comps = "; ".join(f"{catalog[c['component']].name(lang)} {c['printed']}{('(档位)' if zh else ' (tier)') if c['level'] == 'tier' else ''} → {c['contribution']:+.2f}"
                              for c in r.components)
            sd_rows.append({"product": _cell(r.product), "tier": _cell(r.tier), "index": _signed(r.index),
                            "interval": f"[{_signed(r.index_low)}, {_signed(r.index_high)}]",
                            "reading": _READING[r.reading][li], "components": _cell(comps)})
        parts = []
        for t in result.tiers.itertuples():
            tier_rows.append({"tier": t.tier, "index": _signed(t.index), "interval": f"[{_signed(t.index_low)}, {_signed(t.index_high)}]",
                              "reading": _READING[t.reading][li], "products": _cell("、".join(t.products))})
            parts.append(f"{t.tier}{_READING[t.reading][0]}({_signed(t.index)})" if zh
                         else f"{t.tier} {_READING[t.reading][1]} ({_signed(t.index)})")
        if parts:
            conclusion = ("由数据得出:" + ",".join(parts) + "。") if zh else ("From the data: " + ", ".join(parts) + ".")
    subst = d[d["indicator"] == "substitution_space"] if len(d) else d
    scenarios, subst_rows = [], []
    if len(subst):
        names = list(dict.fromkeys(subst["scenario"]))
        given = {sc.name: sc for scs in result.extra.get("scenarios", {}).values() for sc in scs}
        for n in names:
            why = subst.loc[subst["scenario"] == n, "basis"].iloc[0]
            if not zh and n in given and given[n].why_en:
                why = given[n].why_en
            scenarios.append({"name": n, "why": _cell(why)})
        for period, g in subst.groupby("period", sort=True):
            vals = []
            for n in names:
                row = g[g["scenario"] == n]
                if row.empty:
                    vals.append("—")
                    continue
                r = row.iloc[0]
                if r["qualifier"] == "at_least":
                    vals.append(f"≥ {_fmt(r['value'], '元')}")
                else:
                    vals.append(f"{_fmt(r['value'], '元')} {_interval(r['bound_low'], r['bound_high'], '元')}")
            subst_rows.append("| " + " | ".join([str(period), *map(_cell, vals)]) + " |")
        head = "| " + " | ".join(["年份" if zh else "year", *names]) + " |"
        subst_rows = [head, "|---|" + "---:|" * len(names), *subst_rows]
    dual = []
    table = result.extra.get("dual_track")
    if table is not None and len(table):
        for r in table.itertuples():
            has = bool(r.n_components)
            dual.append({
                "technology": _cell(r.technology if zh else f"{r.technology_en or r.technology}"), "trl": int(r.trl),
                "demand": f"{r.score:.2f}" if has else "—",
                "interval": f"[{r.score_low:.2f}, {r.score_high:.2f}]" if has else "—",
                "quadrant": r.quadrant, "advice": _cell(r.advice_zh if zh else r.advice_en),
                "evidence": _cell(f"「{r.evidence}」({r.source_id} {r.location or ''})"),
            })
    blocks = []
    for inst, runs in result.extra.get("composites", []):
        for group, res, _ids, units in runs:
            summ = res.summary()
            example = dict(zip(units["unit"], units["example"]))
            sq = res.score_quantiles
            rows = [{"rank": f"{r['rank']:g}", "unit": _cell(u), "score": f"{r['score']:.2f}" if r['score'] == r['score'] else "—",
                     "score_ci": f"[{sq.loc[u].iloc[0]:.2f}, {sq.loc[u].iloc[-1]:.2f}]",
                     "median": f"{r['median_rank']:g}", "r80": f"{r['rank_80_lower']:g}–{r['rank_80_upper']:g}",
                     "r95": f"{r['rank_95_lower']:g}–{r['rank_95_upper']:g}"} for u, r in summ.iterrows()]
            sens = res.sensitivity
            sens_text = ", ".join(f"{f} {v:.0%}" for f, v in zip(sens.index if "factor" not in sens else sens["factor"], sens["first_order"]))
            title = inst.title_zh if zh else inst.title_en
            varied = "; ".join(k + " ∈ {" + ", ".join(v) + "}" for k, v in res.alternatives.items())
            method = (f"名义方法:{inst.spec.normalisation} 归一、{inst.spec.weighting} 权重、{inst.spec.aggregation} 加总;"
                      f"蒙特卡洛 {res.n_draws} 次,随机选择 {varied},权重扰动,数据在区间内抽样(“以上”数字至多取其 {inst.spec.open_bound_factor:g} 倍)。"
                      if zh else
                      f"Nominal: {inst.spec.normalisation} normalisation, {inst.spec.weighting} weights, {inst.spec.aggregation} aggregation; "
                      f"Monte-Carlo, {res.n_draws} draws over {varied}, weights perturbed, data sampled within their intervals "
                      f"(an 'or more' figure up to {inst.spec.open_bound_factor:g}× its bound).")
            blocks.append({"title": title + (f" — {group}" if group else ""), "example": any(example.values()),
                           "method": method, "rows": rows, "sensitivity": sens_text,
                           "unit_label": ("地区" if inst.unit == "region" else "企业") if zh else inst.unit})
    return _ENV.get_template("analytics.md.j2").render(
        zh=zh, vid=result.vintage_id, sd_rows=sd_rows, tier_rows=tier_rows, sd_conclusion=conclusion,
        composites=blocks, dual_track=dual,
        scenarios=scenarios, subst_rows=subst_rows, subst_table="\n".join(subst_rows), derived_rows=derived_rows,
    )


def write_outputs(result: AnalysisResult, out_dir: Path, langs: tuple[str, ...] = ("zh", "en"),
                  catalog: Catalog | None = None) -> list[Path]:
    """analytics.md (zh) and analytics.en.md; returns their paths, zh first."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for lang in langs:
        p = out_dir / ("analytics.md" if lang == "zh" else f"analytics.{lang}.md")
        p.write_text(render_markdown(result, lang=lang, catalog=catalog), encoding="utf-8")
        paths.append(p)
    return paths

