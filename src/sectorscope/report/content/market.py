"""Market size and forecasts: every model forecast with its 80 % and 95 % intervals, the history it started
from and the reports' own forecasts beside it, with a fan chart and the CAGR scenarios per market-size series
— the report's headline section, so every number in it says where it came from."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ...model import DIMENSIONS, MODEL_FORECAST, SCENARIO_PROJECTION
from ...present import column_unit, in_unit, qualified
from ..cite import blank
from ..document import Section, Table
from ..words import column, section, table
from .context import SCENARIO_ORDER, Chart, Context, as_text, parse_ids, year_of

__all__ = ["market_section"]

_KEY = ["indicator", *(d for d in DIMENSIONS if d != "scenario")]  # what names one forecast series


@dataclass
class _Series:
    """One forecast series: the model's rows (by year), the observed history it started from, the reports'
    forecasts of the same series, and the display scale (divisor and unit) all its numbers are shown in."""

    gkey: tuple[Any, ...]
    rows: pd.DataFrame
    history: list[dict[str, Any]]
    reported: pd.DataFrame
    factor: float
    unit: str

    @property
    def first(self) -> dict[str, Any]:
        return dict(self.rows.iloc[0].to_dict())


def market_section(ctx: Context) -> tuple[Section, dict[str, Chart]]:
    """The forecasts at a glance, then for each market-size series its table, CAGR scenarios and fan chart."""
    sec = section("market")
    model = ctx.obs[ctx.obs["kind"] == MODEL_FORECAST]
    charts: dict[str, Chart] = {}
    if not len(model):
        return sec, charts
    summary = table("forecast_summary", [
        column("series", width=4), column("unit", width=1), column("last_year", kind="int"),
        column("last_value", kind="auto"), column("year", "forecast_year", kind="int"),
        column("mean", "forecast_mean", kind="auto"),
        column("lo80", kind="auto"), column("hi80", kind="auto"), column("lo95", kind="auto"),
        column("hi95", kind="auto"), column("reported"),
    ], note="forecast_summary")
    n_fan = 0
    for series in _series(ctx, model):
        summary.add(*_summary_row(ctx, series))
        if series.first["indicator"] != "market_size":
            continue
        n_fan += 1
        tkey = f"market_{n_fan}"
        detail = _detail_table(ctx, series, tkey)
        sec.tables.append(detail)
        scen = _scenarios(ctx, series.gkey, _KEY, int(series.rows["_year"].max()), series.factor, series.unit, tkey)
        if scen is not None:
            sec.tables.append(scen)
        chart_key = f"fan_{n_fan}"
        sec.charts.append(chart_key)
        charts[chart_key] = Chart(_fan_svg(ctx, series, chart_key), detail.all_cites())
    sec.tables.insert(0, summary)
    return sec, charts


def _series(ctx: Context, model: pd.DataFrame) -> Iterator[_Series]:
    """The model's forecast series, market sizes first, each with its history and the reports' forecasts."""
    model = model.assign(_year=model["period"].map(year_of))
    stated_fc = ctx.stated[ctx.stated["status"] == "forecast"]
    stated_fc = stated_fc.assign(_year=stated_fc["period"].map(year_of))
    stated_fc = stated_fc[stated_fc["_year"].notna() & stated_fc["scenario"].isna()]
    groups = sorted(model.groupby(_KEY, dropna=False), key=lambda kv: (
        kv[0][0] != "market_size", tuple("" if blank(v) else str(v) for v in kv[0])))
    for gkey, g in groups:
        g = g.sort_values("_year")
        first = g.iloc[0].to_dict()
        hist_rows = _history(ctx, first, _KEY)
        same = pd.Series(True, index=stated_fc.index)
        for col, val in zip(_KEY, gkey, strict=True):
            same &= stated_fc[col].isna() if blank(val) else (stated_fc[col] == val)
        reported = stated_fc[same]
        values = [*g["hi95"].tolist(), *[r["value"] for r in hist_rows], *reported["value"].tolist()]
        factor, unit = column_unit(as_text(first.get("unit")), values)
        yield _Series(gkey, g, hist_rows, reported, factor, unit)


def _summary_row(ctx: Context, s: _Series) -> tuple[dict[str, object], list[int]]:
    """A series at a glance: its last observed value and its last forecast year, with the reports' figure."""
    hist_rows, factor = s.history, s.factor
    last = s.rows.iloc[-1].to_dict()
    rep_last = s.reported[s.reported["_year"] == last["_year"]]
    row_cites = ctx.cite(hist_rows[-1]["cites"] if hist_rows else []) + ctx.cite([last]) + ctx.cite(rep_last.to_dict("records"))
    return {
        "series": ctx.series_label(s.first), "unit": ctx.unit(s.unit),
        "last_year": year_of(hist_rows[-1]["period"]) if hist_rows else None,
        "last_value": hist_rows[-1]["value"] / factor if hist_rows else None,
        "year": int(last["_year"]), "mean": last["value"] / factor,
        "lo80": last["lo80"] / factor, "hi80": last["hi80"] / factor,
        "lo95": last["lo95"] / factor, "hi95": last["hi95"] / factor,
        "reported": _reported(rep_last, factor),
    }, row_cites


def _detail_table(ctx: Context, s: _Series, tkey: str) -> Table:
    """A market-size series year by year: observed, forecast with its intervals, the reports' forecasts."""
    first, unit, factor, hist_rows, g, reported = s.first, s.unit, s.factor, s.history, s.rows, s.reported
    detail = Table(tkey, ctx.series_label(first), ctx.series_label(first), [
        column("year", kind="int"), column("observed", unit=unit, kind="auto"),
        column("mean", "forecast_mean", unit, kind="auto"),
        column("lo80", unit=unit, kind="auto"), column("hi80", unit=unit, kind="auto"),
        column("lo95", unit=unit, kind="auto"), column("hi95", unit=unit, kind="auto"),
        column("reported", unit=unit),
    ])
    years = sorted({*(year_of(r["period"]) for r in hist_rows), *g["_year"].astype(int), *reported["_year"].astype(int)})
    for y in years:
        h = [r for r in hist_rows if year_of(r["period"]) == y]
        f = g[g["_year"] == y]
        rp = reported[reported["_year"] == y].sort_values("obs_id")
        cells = {"year": y, "observed": h[0]["value"] / factor if h else None,
                 "mean": None, "lo80": None, "hi80": None, "lo95": None, "hi95": None,
                 "reported": _reported(rp, factor)}
        if len(f):
            fr = f.iloc[0]
            cells.update(mean=fr["value"] / factor, lo80=fr["lo80"] / factor, hi80=fr["hi80"] / factor,
                         lo95=fr["lo95"] / factor, hi95=fr["hi95"] / factor)
        detail.add(cells, ctx.cite([c for r in h for c in r["cites"]]) + ctx.cite(f.to_dict("records")) + ctx.cite(rp.to_dict("records")))
    return detail


def _fan_svg(ctx: Context, s: _Series, chart_key: str) -> str:
    """The series' fan chart: history, forecast bands and the reports' forecasts, in the table's unit."""
    from .. import charts  # matplotlib is imported only when a report is built

    g, reported, factor = s.rows, s.reported, s.factor
    hist = pd.DataFrame({"year": [year_of(r["period"]) for r in s.history],
                         "value": [r["value"] / factor for r in s.history]})
    fc = pd.DataFrame({"year": g["_year"].astype(int), "mean": g["value"] / factor,
                       "lo80": g["lo80"] / factor, "hi80": g["hi80"] / factor,
                       "lo95": g["lo95"] / factor, "hi95": g["hi95"] / factor}).reset_index(drop=True)
    rep = pd.DataFrame({"year": reported["_year"].astype(int), "value": reported["value"] / factor,
                        "label": reported["source_id"]}).reset_index(drop=True)
    return charts.market_fan_svg(hist, fc, rep, title=ctx.series_label(s.first), unit=ctx.unit(s.unit),
                                 lang=ctx.lang, key=chart_key)


def _reported(rows: pd.DataFrame, factor: float) -> str | None:
    """The reports' own forecasts for one year, all of them, with their qualifiers, in the table's unit (a
    value worth `factor` canonical units): "1,050; ≥560"."""
    if not len(rows):
        return None
    out = []
    for r in rows.sort_values("obs_id").to_dict("records"):
        high = None if blank(r.get("value_high")) else in_unit(r["value_high"], factor)
        out.append(qualified(in_unit(r["value"], factor), r["qualifier"], high))
    return "; ".join(dict.fromkeys(out))


def _history(ctx: Context, fc: Mapping[str, Any], key: list[str]) -> list[dict[str, Any]]:
    """The observed years a forecast started from, one row per year. A hierarchy's remainder (其他 =
    total − Σ parts) was never stated: its history is computed from the total's and parts' figures its
    lineage names, and the row cites all of them (its `cites` field)."""
    dated = [(y, r) for r in ctx.rows_by_id(parse_ids(fc.get("input_ids")))
             if (y := year_of(r.get("period"))) is not None]
    same = [(y, r) for y, r in dated if all(as_text(r.get(c)) == as_text(fc.get(c)) for c in key)]
    if same or not dated:
        return [{**r, "cites": [r]} for _, r in sorted(same, key=lambda yr: yr[0])]
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for y, r in dated:
        groups.setdefault(tuple(as_text(r.get(c)) for c in key), []).append((y, r))
    parent = min(groups, key=lambda g: (sum(1 for v in g if v), g))
    out = []
    for year in sorted({y for y, _ in groups[parent]}):
        at = {g: [r for y, r in rs if y == year] for g, rs in groups.items()}
        if any(not v for v in at.values()):
            continue
        value = at[parent][0]["value"] - sum(v[0]["value"] for g, v in at.items() if g != parent)
        cited = [v[0] for v in at.values()]
        out.append({**fc, "obs_id": None, "period": str(year), "value": value, "cites": cited})
    return out


def _scenarios(ctx: Context, gkey: tuple[Any, ...], key: list[str], year: int, factor: float, unit: str,
               tkey: str) -> Table | None:
    """The CAGR scenarios of a series for its last forecast year, history-based first, then the report's."""
    fc = ctx.obs[ctx.obs["kind"] == SCENARIO_PROJECTION]
    same = pd.Series(True, index=fc.index)
    for col, val in zip(key, gkey, strict=True):
        same &= fc[col].isna() if blank(val) else (fc[col] == val)
    fc = fc[same & (fc["period"] == str(year))]
    if not len(fc):
        return None
    t = table(f"{tkey}_scenarios", [
        column("basis"), column("scenario"), column("rate", unit="%", kind="number", digits=1),
        column("value", "forecast_value", unit, kind="auto"),
    ], title="scenarios", note="scenarios", year=year)
    rows = []
    for r in fc.to_dict("records"):
        loc = as_text(r["location"]).removeprefix("预测:")
        basis_zh, scen = ("报告", loc.removeprefix("报告CAGR-")) if loc.startswith("报告") else ("历史", loc.removeprefix("CAGR-"))
        m = re.search(r"\(1 \+ (-?[\d.]+)\)", as_text(r.get("formula")))
        rows.append((basis_zh != "历史", SCENARIO_ORDER.get(scen, 9), r, basis_zh, scen,
                     float(m.group(1)) * 100 if m else None))
    for _, _, r, basis_zh, scen, rate in sorted(rows, key=lambda x: (x[0], x[1])):
        basis = ctx.word("ground", "stated" if basis_zh == "报告" else "history")
        t.add({"basis": basis, "scenario": ctx.word("scenario", scen), "rate": rate, "value": r["value"] / factor},
              ctx.cite([r]))
    return t
