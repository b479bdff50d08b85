"""进出口与进口依赖: what the record set says about each market's trade — imports and exports by year, where
imports come from and how concentrated they are, import dependence over time, unit values — and, beside
every figure the reports state about trade, the figure computed from the lines.

Every number here is a figure of the store, cited like any other: the ones computed from customs lines are
derived figures whose formula names the HS codes, the concordance version and the batches (so a footnote
reads "海关记录, HS 850110, 2025Q1, 批次 …"), and the API lists the lines behind each. Nothing is computed
from the lines while the report is built: one fact, computed once by `records derive`, shown the same way
in every view.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ...model import STATED
from ...present import column_unit
from ..document import Column, Section, Table
from ..words import column, indicator_column, section, table
from .context import Chart, Context, as_text, row_dims

__all__ = ["TRADE_INDICATORS", "trade_section"]

_FLOWS = ("imports_value", "exports_value", "trade_balance")
_GROWTH = {"imports_value": "imports_value_growth", "exports_value": "exports_value_growth"}
_SOURCES = ("import_source_share", "import_concentration_hhi")
_DEPENDENCE = ("import_dependence", "localisation_rate")
_UNIT_VALUES = ("import_unit_value", "export_unit_value")
TRADE_INDICATORS = (*_FLOWS, *_GROWTH.values(), *_SOURCES, *_DEPENDENCE, *_UNIT_VALUES)
_TOP = 5  # partners named in the sources table; the rest are in the appendix and the API
_LIST_SEP = {"zh": "、", "en": ", "}


def _from_records(obs: pd.DataFrame) -> pd.DataFrame:
    return obs[obs["method"].fillna("") == "records"]


def _annual(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["period"].astype(str).str.fullmatch(r"\d{4}")]


def _item(r: Mapping[str, Any]) -> str:
    return as_text(r.get("product"))


def _flows_table(ctx: Context, rec: pd.DataFrame, derived: pd.DataFrame) -> Table | None:
    """Imports, exports and the balance by market × product × year, with year-on-year growth."""
    flows = _annual(rec[rec["indicator"].isin([*_FLOWS, *_GROWTH.values()])])
    # the balance is the catalog's formula over the record set's imports and exports (the analysis)
    bal = _annual(derived[(derived["indicator"] == "trade_balance")
                          & derived["input_ids"].notna()])
    if flows.empty:
        return None
    factor, unit = column_unit("元", flows[flows["indicator"].isin(_FLOWS)]["value"])
    t = table("trade_flows", [
        column("subject", "market"), column("item", "product"), column("period", "year"),
        indicator_column("imports", "imports_value", unit, kind="number"),
        indicator_column("imports_growth", "imports_value_growth", "%", kind="number"),
        indicator_column("exports", "exports_value", unit, kind="number"),
        indicator_column("exports_growth", "exports_value_growth", "%", kind="number"),
        indicator_column("balance", "trade_balance", unit, kind="number"),
    ])
    keys = ["subject", "product", "period"]
    frames = {ind: g for ind, g in pd.concat([flows, bal]).groupby("indicator")}

    def one(ind: str, k: tuple[Any, ...]) -> dict[str, Any] | None:
        g = frames.get(ind)
        if g is None:
            return None
        hit = g[(g["subject"] == k[0]) & (g["product"].fillna("") == k[1]) & (g["period"] == k[2])]
        return hit.to_dict("records")[0] if len(hit) else None

    seen = flows.assign(product=flows["product"].fillna(""))[keys].drop_duplicates().sort_values(keys)
    for k in seen.itertuples(index=False, name=None):
        cells = {c: one(ind, k) for c, ind in (("imports", "imports_value"), ("exports", "exports_value"),
                                               ("imports_growth", "imports_value_growth"),
                                               ("exports_growth", "exports_value_growth"),
                                               ("balance", "trade_balance"))}
        row: dict[str, object] = {"subject": k[0], "item": k[1], "period": k[2]}
        for c, r in cells.items():
            scale = 1.0 if c.endswith("growth") else factor
            row[c] = None if r is None else float(r["value"]) / scale
        t.add(row, ctx.cite([r for r in cells.values() if r is not None]))
    return t


def _sources_table(ctx: Context, rec: pd.DataFrame) -> tuple[Table | None, list[dict[str, Any]]]:
    """Per market × product, the latest year's largest import sources with their shares, the top three's
    combined share and the HHI; and the bars of the chart."""
    shares = _annual(rec[rec["indicator"] == "import_source_share"])
    hhi = _annual(rec[rec["indicator"] == "import_concentration_hhi"])
    if shares.empty:
        return None, []
    t = table("import_sources", [
        column("subject", "market"), column("item", "product"), column("period", "year"),
        column("partners", "import_partners"), column("top3", "top3_share", "%", kind="number"),
        indicator_column("hhi", "import_concentration_hhi", kind="number", digits=0),
    ])
    bars: list[dict[str, Any]] = []
    sep = _LIST_SEP["zh" if ctx.zh() else "en"]
    shares = shares.assign(product=shares["product"].fillna(""), country=shares["country"].fillna(""))
    for (subject, product), g in shares.groupby(["subject", "product"], sort=True):
        year = max(g["period"])
        g = g[g["period"] == year]
        single = g[~g["country"].str.contains("、")].sort_values(["value", "country"], ascending=[False, True])
        combined = g[g["country"].str.contains("、")]
        top = single.head(_TOP).to_dict("records")
        h = hhi[(hhi["subject"] == subject) & (hhi["product"].fillna("") == product) & (hhi["period"] == year)]
        hr = h.to_dict("records")[:1]
        c3 = combined.to_dict("records")[:1]
        names = sep.join(f"{r['country']} {float(r['value']):.1f}%" for r in top)
        t.add({"subject": subject, "item": product, "period": year, "partners": names,
               "top3": float(c3[0]["value"]) if c3 else None, "hhi": float(hr[0]["value"]) if hr else None},
              ctx.cite([*top, *c3, *hr]))
        label = f"{subject} · {product}" if product else str(subject)
        bars.append({"label": f"{label}({year})" if ctx.zh() else f"{label} ({year})",
                     "parts": [(str(r["country"]), float(r["value"])) for r in top]})
    return t, bars


def _dependence_table(ctx: Context, rec: pd.DataFrame) -> Table | None:
    """Import dependence and localisation over time as the record set gives them (imports against the stated
    output); the reports' own statements of them are in the bottlenecks and localisation sections, and the
    ones the lines can check are set beside them below."""
    dep = _annual(rec[rec["indicator"].isin(_DEPENDENCE)])
    if dep.empty:
        return None
    dep = dep.assign(product=dep["product"].fillna(""))
    years = sorted(dep["period"].unique())
    t = table("dependence_over_time", [
        column("subject", "market"), column("item", "product"), column("indicator"),
        *[Column(f"y{y}", str(y), str(y), "%", kind="number") for y in years],
    ])
    for (subject, product, ind), g in dep.groupby(["subject", "product", "indicator"], sort=True):
        by_year = {r["period"]: r for r in g.to_dict("records")}
        row: dict[str, object] = {"subject": subject, "item": product, "indicator": ctx.name(ind)}
        row |= {f"y{y}": float(by_year[y]["value"]) if y in by_year else None for y in years}
        t.add(row, ctx.cite([by_year[y] for y in years if y in by_year]))
    return t


def _unit_values_table(ctx: Context, rec: pd.DataFrame) -> Table | None:
    """Unit values (value / first quantity) by market × product × flow, one column per year."""
    uv = _annual(rec[rec["indicator"].isin(_UNIT_VALUES)])
    if uv.empty:
        return None
    years = sorted(uv["period"].unique())[-3:]
    uv = uv[uv["period"].isin(years)].assign(product=uv["product"].fillna(""))
    t = table("unit_values", [
        column("subject", "market"), column("item", "product"), column("indicator"), column("unit"),
        *[Column(f"y{y}", str(y), str(y), kind="number", digits=2) for y in years],
    ])
    # one row per quantity unit (the location's last part): 台 and 个 share a canonical unit, not a meaning
    uv = uv.assign(per=uv["location"].str.rsplit(":", n=1).str[-1])
    for (subject, product, ind, per, unit), g in uv.groupby(["subject", "product", "indicator", "per", "unit"],
                                                            sort=True):
        by_year = {r["period"]: r for r in g.to_dict("records")}
        row: dict[str, object] = {"subject": subject, "item": product, "indicator": ctx.name(ind),
                                  "unit": ctx.unit(f"{str(unit).split('/')[0]}/{per}")}
        row |= {f"y{y}": float(by_year[y]["value"]) if y in by_year else None for y in years}
        t.add(row, ctx.cite([by_year[y] for y in years if y in by_year]))
    return t


def _countries(r: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(c for c in as_text(r.get("country")).split("、") if c)


def _stated_vs_computed(ctx: Context, obs: pd.DataFrame, rec: pd.DataFrame) -> Table | None:
    """Every figure a report states about trade beside the one computed from the lines for the same market,
    product, partners and period — the check an analyst makes before quoting either. Stated figures the
    lines say nothing about are left to the appendix."""
    stated = obs[(obs["kind"] == STATED) & obs["indicator"].isin(TRADE_INDICATORS)]
    if stated.empty or rec.empty:
        return None
    t = table("stated_vs_computed", [
        column("subject", "market"), column("indicator"), column("item", "product_or_dims"),
        column("period", "time"), column("stated", "stated_value"), column("computed", "computed_value"),
        column("gap", "gap"),
    ])
    rec = rec.assign(product=rec["product"].fillna(""))
    for r in stated.sort_values(["subject", "indicator", "period", "obs_id"]).to_dict("records"):
        same = rec[(rec["indicator"] == r["indicator"]) & (rec["subject"] == r["subject"])
                   & (rec["period"] == r["period"]) & (rec["product"] == as_text(r.get("product")))]
        hits = [c for c in same.to_dict("records") if _countries(c) == _countries(r)]
        if not hits:
            continue  # the lines say nothing about it: the stated figure stands alone (appendix)
        c = hits[0]
        gap = "—"
        if r.get("value") is not None and c.get("value") is not None:
            a, b = float(r["value"]), float(c["value"])
            if as_text(r.get("unit")) == "%":
                gap = f"{b - a:+.1f}{ctx.unit('百分点')}"
            elif a:
                gap = f"{(b / a - 1) * 100:+.1f}%"
        t.add({"subject": r["subject"], "indicator": ctx.name(r["indicator"]), "item": row_dims(r),
               "period": ctx.period(r["period"]), "stated": _shown(r, ctx), "computed": _shown(c, ctx), "gap": gap},
              ctx.cite([r, c]))
    return t if t.rows else None


def _shown(r: Mapping[str, Any], ctx: Context) -> str:
    from ...present import figure

    return figure(r.get("value"), as_text(r.get("qualifier")) or "exact", r.get("value_high"),
                  as_text(r.get("unit")), lang=ctx.lang)


def trade_section(ctx: Context) -> tuple[Section, dict[str, Chart]]:
    """The trade tables (flows, sources, dependence, unit values, stated against computed) and the chart of
    import sources."""
    from .. import charts

    sec = section("trade")
    obs = ctx.obs
    rec = _from_records(obs)
    derived = obs[obs["kind"] == "derived"]
    out: dict[str, Chart] = {}
    flows = _flows_table(ctx, rec, derived)
    sources, bars = _sources_table(ctx, rec)
    for t in (flows, sources, _dependence_table(ctx, rec), _unit_values_table(ctx, rec),
              _stated_vs_computed(ctx, obs, rec)):
        if t is not None:
            sec.tables.append(t)
    if sources is not None and bars:
        key = "import_sources"
        svg = charts.partner_shares_svg(bars, title=sources.title(ctx.lang), lang=ctx.lang, key=key)
        sec.charts.append(key)
        out[key] = Chart(svg, sources.all_cites())
    return sec, out
