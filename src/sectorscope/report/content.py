"""The report's content, read from the store: every section the seed reports publish, as cited tables.

Everything comes out of the store as of one vintage — the stated figures, the derived ones with their
formulas, the forecasts with their intervals, the audit findings — so a report can be rebuilt later exactly
as it was, and the API (which reads the same store) cannot show other numbers. Alerts and the vintage diff
come from the monitor layer and are passed in, because both depend on choices (rules, since when) the
caller makes.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd

from ..analytics.derived import DERIVED_SOURCE
from ..analytics.supply_demand import reading
from ..analytics.trl import quadrant
from ..model.catalog import Catalog, load_catalog
from ..model.observation import DIMENSIONS, FORECAST_SOURCE
from ..monitor.alerts import Alert, dims_label
from ..store import AsOf, Store
from .cite import Citations, blank, format_cell, scale_for
from .document import Column, ReportData, Section, Table

__all__ = ["build_report_data", "ReportInputs"]

_KEY_DIMS = tuple(d for d in DIMENSIONS if d != "scenario")
_MODEL_LOCATION = "预测:模型"
_PROCESS_GAPS = (
    "yield_rate", "performance_gap", "development_cycle_gap", "etch_rate_uniformity", "etch_rate_decay",
    "machining_tolerance", "via_diameter", "bond_strength", "temperature_uniformity", "residual_stress",
    "sidewall_roughness", "performance_degradation", "calibration_deviation", "tapeout_success_rate", "respin_rate",
    "early_failure_rate", "failure_rate_ratio", "material_db_lacking_firm_share", "core_patent_share",
)
_LOCALISATION = ("localisation_rate", "domestic_share", "self_sufficiency_rate", "local_sourcing_rate")
_READING = {"shortage": ("短缺", "shortage"), "surplus": ("过剩", "surplus"), "balanced": ("基本平衡", "balanced")}
_SEVERITY = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info"),
             "critical": ("严重", "critical")}
_CHANGE = {"new": ("新增", "new"), "revised": ("修订", "revised"), "withdrawn": ("撤回", "withdrawn")}
_STATUS = {"actual": ("实际", "actual"), "estimate": ("估计", "estimate"), "forecast": ("预测", "forecast"),
           "target": ("目标", "target"), "derived": ("推算", "derived")}
_SCENARIO_ORDER = {"低": 0, "基准": 1, "高": 2}
_COMPACT_APPENDIX = 200  # the compact report (PDF) lists every stated figure only up to this many


@dataclass
class ReportInputs:
    """What the report needs beyond the store: the alerts of the vintage (monitor.evaluate_alerts) and the
    figures changed since the previous report (monitor.diff_vintages), with the vintage compared against."""

    alerts: Sequence[Alert] = ()
    diff: pd.DataFrame | None = None
    since: int | None = None


def _t(lang: str, pair: tuple[str, str]) -> str:
    return pair[1] if lang == "en" else pair[0]


def _s(value: object) -> str:
    return "" if blank(value) else str(value)


def _dims(row: Mapping[str, object], skip: Sequence[str] = ("subject",)) -> str:
    parts = [_s(row.get(d)) for d in DIMENSIONS if d not in skip and _s(row.get(d))]
    return " · ".join(p for p in parts if p != "中国") or ("中国" if _s(row.get("region")) == "中国" else "")


def _year(period: object) -> int | None:
    text = _s(period)
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def _ids(text: object) -> list[int]:
    if blank(text):
        return []
    try:
        return [int(i) for i in json.loads(str(text))]
    except (ValueError, TypeError):
        return [int(i) for i in re.findall(r"\d+", str(text))]


class _Builder:
    def __init__(self, store: Store, vid: int, lang: str, catalog: Catalog) -> None:
        self.store, self.vid, self.lang, self.catalog = store, vid, lang, catalog
        # sorted: DuckDB returns rows in no fixed order, and footnotes are numbered in the order rows are read
        obs = store.observations(vid).execute().sort_values("obs_id", kind="stable").reset_index(drop=True)
        self.obs = obs
        self.by_id = obs.set_index("obs_id", drop=False)
        self.stated = obs[~obs["source_id"].isin([DERIVED_SOURCE, FORECAST_SOURCE])]
        sources = store.sources(vid).execute()
        self.cites = Citations(dict(zip(sources["source_id"], sources["title"])))

    # ---- helpers -------------------------------------------------------------------------------
    def name(self, code: str) -> str:
        ind = self.catalog.get(code)
        return ind.name(self.lang) if ind else code

    def zh(self) -> bool:
        return self.lang != "en"

    def rows_by_id(self, ids: Sequence[int]) -> list[dict]:
        """Observation rows by id; ids no longer current (a later revision replaced them) come from the
        observations table itself, so a citation never points at nothing."""
        have = [int(i) for i in ids if int(i) in self.by_id.index]
        missing = [int(i) for i in ids if int(i) not in self.by_id.index]
        rows = [self.by_id.loc[i].to_dict() for i in have]
        if missing:
            t = self.store.table("observations")
            rows += t.filter(t.obs_id.isin(missing)).execute().to_dict("records")
        order = {int(i): k for k, i in enumerate(ids)}
        return sorted(rows, key=lambda r: order.get(int(r["obs_id"]), 0))

    def cite(self, rows: Sequence[Mapping[str, object]]) -> list[int]:
        return self.cites.cite_all(list(rows))

    def series_label(self, row: Mapping[str, object]) -> str:
        dims = _dims(row)
        subject = _s(row.get("subject"))
        head = f"{subject} {self.name(str(row['indicator']))}".strip()
        return f"{head}({dims})" if dims and self.zh() else f"{head} ({dims})" if dims else head

    # ---- sections ------------------------------------------------------------------------------
    def market(self) -> tuple[Section, dict[str, dict]]:
        """Forecasts with their intervals, the history they start from and the reports' own forecasts."""
        from . import charts  # matplotlib is imported only when a report is built

        lang = self.lang
        sec = Section("market", "市场规模与预测", "Market size and forecasts",
                      "每个预测都给出80%和95%预测区间,旁列报告自己的预测;方法见 docs/forecasting.md。",
                      "Every forecast comes with its 80 % and 95 % intervals, beside the reports' own forecasts; "
                      "methods in docs/forecasting.md.")
        model = self.obs[(self.obs["source_id"] == FORECAST_SOURCE) & (self.obs["location"] == _MODEL_LOCATION)]
        chart_inputs: dict[str, dict] = {}
        if not len(model):
            return sec, chart_inputs
        key = ["indicator", *_KEY_DIMS]
        model = model.assign(_year=model["period"].map(_year))
        stated_fc = self.stated[self.stated["status"] == "forecast"]
        stated_fc = stated_fc.assign(_year=stated_fc["period"].map(_year))
        stated_fc = stated_fc[stated_fc["_year"].notna() & stated_fc["scenario"].isna()]
        summary = Table("forecast_summary", "预测一览", "Forecasts at a glance", [
            Column("series", "序列", "Series", width=4), Column("unit", "单位", "Unit", width=1),
            Column("last_year", "最近观测年份", "Last observed year", kind="int"),
            Column("last_value", "最近观测值", "Last observed value", kind="auto"),
            Column("year", "预测年份", "Forecast year", kind="int"),
            Column("mean", "预测均值", "Mean", kind="auto"),
            Column("lo80", "80%下限", "80% low", kind="auto"), Column("hi80", "80%上限", "80% high", kind="auto"),
            Column("lo95", "95%下限", "95% low", kind="auto"), Column("hi95", "95%上限", "95% high", kind="auto"),
            Column("reported", "报告预测", "Report's forecast"),
        ], note_zh="均值为模型组合的中位数;区间为校准后的预测区间。", note_en="The mean is the median of the "
                   "model combination; the intervals are calibrated prediction intervals.")
        groups = sorted(model.groupby(key, dropna=False), key=lambda kv: (
            kv[0][0] != "market_size", tuple("" if blank(v) else str(v) for v in kv[0])))
        n_fan = 0
        for gkey, g in groups:
            g = g.sort_values("_year")
            first = g.iloc[0].to_dict()
            hist_rows = self._history(first, key)
            same = pd.Series(True, index=stated_fc.index)
            for col, val in zip(key, gkey):
                same &= stated_fc[col].isna() if blank(val) else (stated_fc[col] == val)
            reported = stated_fc[same]
            values = [*g["hi95"].tolist(), *[r["value"] for r in hist_rows], *reported["value"].tolist()]
            factor, unit = scale_for(_s(first.get("unit")), values)
            last = g.iloc[-1].to_dict()
            rep_last = reported[reported["_year"] == last["_year"]]
            row_cites = self.cite(hist_rows[-1]["cites"] if hist_rows else []) + self.cite([last]) + self.cite(rep_last.to_dict("records"))
            summary.add({
                "series": self.series_label(first), "unit": unit,
                "last_year": _year(hist_rows[-1]["period"]) if hist_rows else None,
                "last_value": hist_rows[-1]["value"] / factor if hist_rows else None,
                "year": int(last["_year"]), "mean": last["value"] / factor,
                "lo80": last["lo80"] / factor, "hi80": last["hi80"] / factor,
                "lo95": last["lo95"] / factor, "hi95": last["hi95"] / factor,
                "reported": self._reported(rep_last, factor),
            }, row_cites)
            if first["indicator"] != "market_size":
                continue
            n_fan += 1
            tkey = f"market_{n_fan}"
            detail = Table(tkey, self.series_label(first), self.series_label(first), [
                Column("year", "年份", "Year", kind="int"),
                Column("observed", "观测值", "Observed", unit, kind="auto"),
                Column("mean", "预测均值", "Forecast mean", unit, kind="auto"),
                Column("lo80", "80%下限", "80% low", unit, kind="auto"),
                Column("hi80", "80%上限", "80% high", unit, kind="auto"),
                Column("lo95", "95%下限", "95% low", unit, kind="auto"),
                Column("hi95", "95%上限", "95% high", unit, kind="auto"),
                Column("reported", "报告预测", "Report's forecasts", unit),
            ])
            years = sorted({*(_year(r["period"]) for r in hist_rows), *g["_year"].astype(int), *reported["_year"].astype(int)})
            for y in years:
                h = [r for r in hist_rows if _year(r["period"]) == y]
                f = g[g["_year"] == y]
                rp = reported[reported["_year"] == y].sort_values("obs_id")
                cells = {"year": y, "observed": h[0]["value"] / factor if h else None,
                         "mean": None, "lo80": None, "hi80": None, "lo95": None, "hi95": None,
                         "reported": self._reported(rp, factor)}
                if len(f):
                    fr = f.iloc[0]
                    cells.update(mean=fr["value"] / factor, lo80=fr["lo80"] / factor, hi80=fr["hi80"] / factor,
                                 lo95=fr["lo95"] / factor, hi95=fr["hi95"] / factor)
                detail.add(cells, self.cite([c for r in h for c in r["cites"]]) + self.cite(f.to_dict("records")) + self.cite(rp.to_dict("records")))
            sec.tables.append(detail)
            scen = self._scenarios(gkey, key, int(g["_year"].max()), factor, unit, tkey)
            if scen is not None:
                sec.tables.append(scen)
            chart_key = f"fan_{n_fan}"
            sec.charts.append(chart_key)
            hist = pd.DataFrame({"year": [_year(r["period"]) for r in hist_rows],
                                 "value": [r["value"] / factor for r in hist_rows]})
            fc = pd.DataFrame({"year": g["_year"].astype(int), "mean": g["value"] / factor,
                               "lo80": g["lo80"] / factor, "hi80": g["hi80"] / factor,
                               "lo95": g["lo95"] / factor, "hi95": g["hi95"] / factor}).reset_index(drop=True)
            rep = pd.DataFrame({"year": reported["_year"].astype(int), "value": reported["value"] / factor,
                                "label": reported["source_id"]}).reset_index(drop=True)
            chart_inputs[chart_key] = {
                "svg": charts.market_fan_svg(hist, fc, rep, title=self.series_label(first), unit=unit, lang=lang,
                                             key=chart_key),
                "cites": sorted({n for c in detail.cites for n in c}),
            }
        sec.tables.insert(0, summary)
        return sec, chart_inputs

    def _reported(self, rows: pd.DataFrame, factor: float) -> str | None:
        """The reports' own forecasts for one year, all of them, with their bounds: "1,050; ≥560"."""
        if not len(rows):
            return None
        auto = Column("v", "", "", kind="auto")
        out = []
        for r in rows.sort_values("obs_id").to_dict("records"):
            text = format_cell(float(r["value"]) / factor, auto)
            if r["qualifier"] == "range" and not blank(r.get("value_high")):
                text += "–" + format_cell(float(r["value_high"]) / factor, auto)
            out.append({"about": "约", "at_least": "≥", "at_most": "≤"}.get(r["qualifier"], "") + text)
        return "; ".join(dict.fromkeys(out))

    def _history(self, fc: Mapping[str, object], key: list[str]) -> list[dict]:
        """The observed years a forecast started from, one row per year. A hierarchy's remainder (其他 =
        total − Σ parts) was never stated: its history is computed from the total's and parts' figures its
        lineage names, and the row cites all of them (its `cites` field)."""
        rows = [r for r in self.rows_by_id(_ids(fc.get("input_ids"))) if _year(r.get("period")) is not None]
        same = [r for r in rows if all(_s(r.get(c)) == _s(fc.get(c)) for c in key)]
        if same or not rows:
            out = sorted(same, key=lambda r: _year(r["period"]))
            return [{**r, "cites": [r]} for r in out]
        groups: dict[tuple, list[dict]] = {}
        for r in rows:
            groups.setdefault(tuple(_s(r.get(c)) for c in key), []).append(r)
        parent = min(groups, key=lambda g: (sum(1 for v in g if v), g))
        out = []
        for year in sorted({_year(r["period"]) for r in groups[parent]}):
            at = {g: [r for r in rs if _year(r["period"]) == year] for g, rs in groups.items()}
            if any(not v for v in at.values()):
                continue
            value = at[parent][0]["value"] - sum(v[0]["value"] for g, v in at.items() if g != parent)
            cited = [v[0] for v in at.values()]
            out.append({**fc, "obs_id": None, "period": str(year), "value": value, "cites": cited})
        return out

    def _scenarios(self, gkey: tuple, key: list[str], year: int, factor: float, unit: str, tkey: str) -> Table | None:
        fc = self.obs[(self.obs["source_id"] == FORECAST_SOURCE) & (self.obs["location"] != _MODEL_LOCATION)]
        same = pd.Series(True, index=fc.index)
        for col, val in zip(key, gkey):
            same &= fc[col].isna() if blank(val) else (fc[col] == val)
        fc = fc[same & (fc["period"] == str(year))]
        if not len(fc):
            return None
        table = Table(f"{tkey}_scenarios", f"{year}年CAGR情景", f"CAGR scenarios for {year}", [
            Column("basis", "依据", "Basis"), Column("scenario", "情景", "Scenario"),
            Column("rate", "年均增速", "Annual rate", "%", kind="number", digits=1),
            Column("value", "预测值", "Value", unit, kind="auto"),
        ], note_zh="“历史”:历史CAGR ± 年增速标准差;“报告”:报告所列增速的最低/几何平均/最高。",
           note_en="History: the historical CAGR ± the standard deviation of the yearly rates; report: the lowest, "
                   "geometric mean and highest of the report's stated rates.")
        rows = []
        for r in fc.to_dict("records"):
            loc = _s(r["location"]).removeprefix("预测:")
            basis_zh, scen = ("报告", loc.removeprefix("报告CAGR-")) if loc.startswith("报告") else ("历史", loc.removeprefix("CAGR-"))
            m = re.search(r"\(1 \+ (-?[\d.]+)\)", _s(r.get("formula")))
            rows.append((basis_zh != "历史", _SCENARIO_ORDER.get(scen, 9), r, basis_zh, scen,
                         float(m.group(1)) * 100 if m else None))
        for _, _, r, basis_zh, scen, rate in sorted(rows, key=lambda x: (x[0], x[1])):
            basis = basis_zh if self.zh() else {"报告": "report", "历史": "history"}[basis_zh]
            scen_t = scen if self.zh() else {"低": "low", "基准": "base", "高": "high"}.get(scen, scen)
            table.add({"basis": basis, "scenario": scen_t, "rate": rate, "value": r["value"] / factor}, self.cite([r]))
        return table

    def supply_demand(self) -> tuple[Section, dict[str, dict]]:
        from . import charts

        sec = Section("supply_demand", "供需诊断:供需弹性指数", "Supply-demand diagnosis: the elasticity index",
                      "指数为正表示短缺、为负表示过剩;区间来自输入数据的取整与上下限。",
                      "Positive means shortage, negative surplus; the interval comes from the inputs' rounding and bounds.")
        sd = self.obs[self.obs["indicator"] == "supply_demand_index"]
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
        tiers = sd[sd["location"].str.endswith("档位均值")]
        products = sd[~sd.index.isin(tiers.index)].sort_values("value")
        bars = []
        for r in [*products.to_dict("records"), *tiers.sort_values("value").to_dict("records")]:
            is_tier = r["location"].endswith("档位均值")
            read = reading(float(r["bound_low"]), float(r["bound_high"]), 0.2)
            label = _s(r["product"]) or (f"{_s(r['tier'])}(档位均值)" if self.zh() else f"{_s(r['tier'])} (tier mean)")
            table.add({"product": label, "tier": _s(r["tier"]), "index": r["value"], "low": r["bound_low"],
                       "high": r["bound_high"], "reading": _t(self.lang, _READING[read]),
                       "components": "" if is_tier else self._named(_s(r["note"]))}, self.cite([r]))
            if not is_tier:
                bars.append({"label": label, "tier": _s(r["tier"]) or None, "value": r["value"],
                             "low": r["bound_low"], "high": r["bound_high"]})
        sec.tables.append(table)
        sec.charts.append("elasticity")
        svg = charts.elasticity_bars_svg(pd.DataFrame(bars), title=table.title(self.lang), lang=self.lang, limit=0.2,
                                         key="elasticity")
        return sec, {"elasticity": {"svg": svg, "cites": sorted({n for c in table.cites for n in c})}}

    def _named(self, text: str) -> str:
        """Indicator codes in a stored note ("capacity_utilisation 61.7% → -0.89") as the catalog names them."""
        return re.sub(r"\b[a-z][a-z_]+[a-z]\b", lambda m: self.name(m.group()) if m.group() in self.catalog else m.group(), text)

    def bottlenecks(self) -> Section:
        sec = Section("bottlenecks", "产业链瓶颈与工艺差距", "Chain bottlenecks and process gaps",
                      "进口依存度越高,环节越受制于人;工艺与性能差距取自报告原文。",
                      "The higher the import dependence, the more a link depends on others; process and "
                      "performance gaps as the reports state them.")
        imp = self.obs[(self.obs["indicator"] == "import_dependence") & (self.obs["source_id"] != FORECAST_SOURCE)]
        imp = imp.sort_values(["value", "obs_id"], ascending=[False, True])
        t1 = Table("import_dependence", "进口依存度", "Import dependence", [
            Column("subject", "市场", "Market"), Column("item", "产品/环节", "Product or link"),
            Column("period", "时期", "Period"), Column("value", "进口依存度", "Import dependence", "%", kind="number"),
            Column("qualifier", "限定", "Qualifier"), Column("status", "状态", "Status"),
        ])
        for r in imp.to_dict("records"):
            t1.add({"subject": _s(r["subject"]), "item": _dims(r) or ("(总体)" if self.zh() else "(overall)"),
                    "period": _s(r["period"]), "value": r["value"], "qualifier": self._qualifier(r),
                    "status": _t(self.lang, _STATUS[r["status"]])}, self.cite([r]))
        gaps = self.stated[self.stated["indicator"].isin(_PROCESS_GAPS)].copy()
        gaps["_ord"] = gaps["indicator"].map({c: i for i, c in enumerate(_PROCESS_GAPS)})
        gaps = gaps.sort_values(["_ord", "subject", "product", "company", "period", "obs_id"], na_position="first")
        t2 = Table("process_gaps", "工艺与性能差距", "Process and performance gaps", [
            Column("indicator", "指标", "Indicator"), Column("item", "产品/企业/维度", "Product, company, dimensions"),
            Column("period", "时期", "Period"), Column("value", "数值", "Value", kind="auto"),
            Column("unit", "单位", "Unit"), Column("qualifier", "限定", "Qualifier"),
        ])
        for r in gaps.to_dict("records"):
            t2.add({"indicator": self.name(r["indicator"]), "item": _dims(r), "period": _s(r["period"]),
                    "value": r["value"], "unit": _s(r["unit"]), "qualifier": self._qualifier(r)}, self.cite([r]))
        sec.tables += [t for t in (t1, t2) if t.rows]
        return sec

    def _qualifier(self, r: Mapping[str, object]) -> str:
        q = _s(r.get("qualifier"))
        if q == "range" and not blank(r.get("value_high")):
            return f"–{float(r['value_high']):g}"
        zh = {"about": "约", "at_least": "以上", "at_most": "不足", "exact": "", "range": ""}
        en = {"about": "about", "at_least": "at least", "at_most": "at most", "exact": "", "range": ""}
        return (en if self.lang == "en" else zh).get(q, q)

    def localisation(self) -> Section:
        sec = Section("localisation", "国产化与进口替代空间", "Localisation and import-substitution space",
                      "替代空间 = 市场规模 × (目标国产份额 − 当前国产份额);三个目标情景见 analytics.yaml。",
                      "Substitution space = market size × (target domestic share − current share); the three target "
                      "scenarios are in analytics.yaml.")
        loc = self.obs[self.obs["indicator"].isin(_LOCALISATION) & (self.obs["source_id"] != FORECAST_SOURCE)]
        loc = loc.sort_values(["subject", "indicator", "product", "application", "region", "period", "obs_id"],
                              na_position="first")
        t1 = Table("localisation", "国产化率与国产份额", "Localisation rates and domestic shares", [
            Column("subject", "市场", "Market"), Column("indicator", "指标", "Indicator"),
            Column("item", "产品/维度", "Product or dimensions"), Column("period", "时期", "Period"),
            Column("value", "数值", "Value", "%", kind="number"), Column("qualifier", "限定", "Qualifier"),
            Column("status", "状态", "Status"),
        ])
        for r in loc.to_dict("records"):
            t1.add({"subject": _s(r["subject"]), "indicator": self.name(r["indicator"]), "item": _dims(r),
                    "period": _s(r["period"]), "value": r["value"], "qualifier": self._qualifier(r),
                    "status": _t(self.lang, _STATUS[r["status"]])}, self.cite([r]))
        sub = self.obs[(self.obs["indicator"] == "substitution_space") & (self.obs["source_id"] == DERIVED_SOURCE)]
        sec.tables.append(t1)
        if len(sub):
            factor, unit = scale_for("元", sub["value"])
            scen = sorted(sub["scenario"].dropna().unique(), key=lambda s: _SCENARIO_ORDER.get(s, 9))
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
                t2.add(row, self.cite(rows))
            sec.tables.append(t2)
        return sec

    def trl(self) -> tuple[Section, dict[str, dict]]:
        from . import charts

        sec = Section("trl", "技术成熟度 × 需求(双轨评估)", "Technology readiness × demand (dual track)",
                      "TRL 来自带引文的评估文件;需求得分由增速、进口依存度和订单份额算得,区间来自输入。",
                      "TRL from an assessment file with quoted evidence; the demand score from growth, import "
                      "dependence and order shares, with the interval its inputs allow.")
        trl = self.obs[self.obs["indicator"] == "trl"]
        dem = self.obs[self.obs["indicator"] == "demand_score"].set_index("product")
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
                advice = q.advice_en if self.lang == "en" else q.advice_zh
                points.append({"label": r["product"], "trl": int(r["value"]), "demand": float(d["value"]),
                               "demand_low": float(d["bound_low"]), "demand_high": float(d["bound_high"]),
                               "quadrant": q[0]})
            else:
                advice = "未评需求" if self.zh() else "demand not rated"
            table.add({"technology": r["product"], "trl": int(r["value"]),
                       "demand": d["value"] if d else None, "low": d["bound_low"] if d else None,
                       "high": d["bound_high"] if d else None, "advice": advice},
                      self.cite([r] + ([d] if d else [])))
        sec.tables.append(table)
        sec.charts.append("trl_quadrant")
        svg = charts.trl_quadrant_svg(pd.DataFrame(points), title=table.title(self.lang), lang=self.lang,
                                      key="trl_quadrant")
        return sec, {"trl_quadrant": {"svg": svg, "cites": sorted({n for c in table.cites for n in c})}}

    def regional(self) -> tuple[Section, dict[str, dict]]:
        from . import charts

        sec = Section("regional", "综合指数与名次区间", "Composite indices with rank intervals",
                      "得分与名次的区间来自蒙特卡洛:归一化、权重、加总方法及数据在其区间内同时变动。",
                      "Score and rank intervals from a Monte-Carlo run varying normalisation, weights, aggregation "
                      "and the data within their intervals together.")
        comp = self.obs[self.obs["indicator"].isin(["composite_index", "composite_rank"])]
        out: dict[str, dict] = {}
        for i, (index, g) in enumerate(sorted(comp.groupby("product"), key=lambda kv: kv[0])):
            scores = g[g["indicator"] == "composite_index"]
            ranks = g[g["indicator"] == "composite_rank"]
            # a unit is its company or region within its tier: the manufacturing index ranks foundries and
            # packaging houses separately, and 无锡XX公司 is in both
            def label_of(r: Mapping[str, object]) -> str:
                name = _s(r["company"]) or _s(r["region"])
                return f"{name}({_s(r['tier'])})" if _s(r.get("tier")) else name

            rank_by = {label_of(r): r for r in ranks.to_dict("records")}
            title = _s(scores["note"].iloc[0]) if len(scores) and self.zh() else str(index)
            table = Table(f"index_{i + 1}", title, str(index), [
                Column("label", "对象", "Unit"), Column("score", "得分", "Score", kind="number", digits=2),
                Column("score_lo", "得分95%下限", "Score 95% low", kind="number", digits=2),
                Column("score_hi", "得分95%上限", "Score 95% high", kind="number", digits=2),
                Column("rank", "名次中位数", "Median rank", kind="int"),
                Column("rank_lo80", "名次80%区间起", "Rank 80% from", kind="int"),
                Column("rank_hi80", "名次80%区间止", "Rank 80% to", kind="int"),
                Column("rank_lo95", "名次95%区间起", "Rank 95% from", kind="int"),
                Column("rank_hi95", "名次95%区间止", "Rank 95% to", kind="int"),
            ])
            pts = []
            for r in sorted(scores.to_dict("records"), key=lambda r: (_s(r.get("tier")), -float(r["value"]), label_of(r))):
                k = rank_by.get(label_of(r))
                table.add({"label": label_of(r), "score": r["value"], "score_lo": r["lo95"], "score_hi": r["hi95"],
                           "rank": int(k["value"]) if k else None, "rank_lo80": int(k["lo80"]) if k else None,
                           "rank_hi80": int(k["hi80"]) if k else None, "rank_lo95": int(k["lo95"]) if k else None,
                           "rank_hi95": int(k["hi95"]) if k else None}, self.cite([r] + ([k] if k else [])))
                if k:
                    pts.append({"label": label_of(r), "score": r["value"], "score_low": r["lo95"],
                                "score_high": r["hi95"], "rank": int(k["value"]), "rank_low": int(k["lo95"]),
                                "rank_high": int(k["hi95"])})
            sec.tables.append(table)
            key = f"ranks_{i + 1}"
            sec.charts.append(key)
            out[key] = {"svg": charts.rank_intervals_svg(pd.DataFrame(pts), title=table.title(self.lang), lang=self.lang,
                                                         key=key),
                        "cites": sorted({n for c in table.cites for n in c})}
        return sec, out

    def audit(self) -> Section:
        sec = Section("audit", "审计发现", "Audit findings",
                      "报告自相矛盾或违背恒等式之处;每条发现列出所涉数据的原文(见脚注)。",
                      "Where the reports contradict themselves or break identities; each finding cites the figures "
                      "involved, with their quotes in the footnotes.")
        f = self.store.findings().execute()
        table = Table("audit", "审计发现", "Audit findings", [
            Column("id", "编号", "No.", kind="int", width=0.7), Column("severity", "级别", "Severity", width=1),
            Column("rule", "规则", "Rule", width=1.5), Column("indicator", "指标", "Indicator", width=2),
            Column("subject", "市场", "Market"), Column("periods", "时期", "Periods"),
            Column("message", "发现", "Finding", width=7), Column("computed", "核算", "Computed", width=4),
            Column("suggestion", "建议", "Suggestion", width=4),
        ])
        zh = self.zh()
        for r in f.to_dict("records"):
            ids = [int(i) for i in (r["obs_ids"] if r["obs_ids"] is not None else [])]
            table.add({"id": int(r["finding_id"]), "severity": _t(self.lang, _SEVERITY.get(r["severity"], (r["severity"],) * 2)),
                       "rule": _s(r["rule"]), "indicator": self.name(_s(r["indicator"])), "subject": _s(r["subject"]),
                       "periods": _s(r["periods"]), "message": _s(r["message_zh" if zh else "message_en"]),
                       "computed": _s(r["computed_zh" if zh else "computed_en"]),
                       "suggestion": _s(r["suggestion_zh" if zh else "suggestion_en"])}, self.cite(self.rows_by_id(ids)))
        sec.tables.append(table)
        return sec

    def alerts(self, alerts: Sequence[Alert]) -> Section:
        sec = Section("alerts", "预警", "Alerts",
                      "预警规则见数据集的 alerts.yaml(阈值、预测区间外的新实际值、大幅修订)。",
                      "Alert rules are in the dataset's alerts.yaml (thresholds, new actuals outside the last "
                      "forecast's interval, large revisions).")
        table = Table("alerts", "本版本触发的预警", "Alerts of this vintage", [
            Column("severity", "级别", "Severity", width=1.3), Column("rule", "规则", "Rule", width=2),
            Column("indicator", "指标", "Indicator"), Column("item", "对象", "Where"),
            Column("period", "时期", "Period", width=1.2), Column("message", "说明", "Message", width=8),
        ])
        for a in alerts:
            ids = [int(i) for i in (a.obs_id, a.forecast_obs_id, a.old_obs_id) if i is not None]
            table.add({"severity": _t(self.lang, _SEVERITY.get(a.severity, (a.severity, a.severity))),
                       "rule": a.rule_id, "indicator": self.name(a.indicator), "item": dims_label(a.dims),
                       "period": _s(a.period), "message": a.message_en if self.lang == "en" else a.message_zh},
                      self.cite(self.rows_by_id(ids)))
        sec.tables.append(table)
        return sec

    def changes(self, diff: pd.DataFrame | None, since: int | None, limit: int | None = None) -> Section:
        zh = self.zh()
        if diff is None or since is None:
            return Section("changes", "自上一版本以来的变化", "What changed since the last vintage",
                           "这是数据库的第一个版本,没有可比较的上一版本。",
                           "This is the store's first vintage: there is no earlier one to compare with.")
        counts = diff.groupby("change").size().to_dict() if len(diff) else {}
        text_zh = (f"与版本 v{since} 相比:新增 {counts.get('new', 0)} 项,修订 {counts.get('revised', 0)} 项,"
                   f"撤回 {counts.get('withdrawn', 0)} 项(含本系统的预测)。")
        text_en = (f"Against vintage v{since}: {counts.get('new', 0)} new, {counts.get('revised', 0)} revised, "
                   f"{counts.get('withdrawn', 0)} withdrawn figures (our own forecasts included).")
        sec = Section("changes", "自上一版本以来的变化", "What changed since the last vintage", text_zh, text_en)
        table = Table("changes", "变化明细", "Changes", [
            Column("change", "变化", "Change"), Column("indicator", "指标", "Indicator"),
            Column("item", "市场/维度", "Market and dimensions"), Column("period", "时期", "Period"),
            Column("old", "原值", "Old value", kind="auto"), Column("new", "新值", "New value", kind="auto"),
            Column("unit", "单位", "Unit"), Column("pct", "变动", "Change", "%", kind="number"),
            Column("source", "来源", "Source"),
        ])
        records = diff.to_dict("records") if len(diff) else []
        if limit is not None and len(records) > limit:
            # revisions and withdrawals first: they change what a reader already has
            records = sorted(records, key=lambda r: {"revised": 0, "withdrawn": 1, "new": 2}[r["change"]])[:limit]
            table.note_zh = f"仅列前 {limit} 项(修订、撤回优先);全部 {len(diff)} 项见 HTML 报告与 tables.xlsx。"
            table.note_en = (f"The first {limit} only (revisions and withdrawals first); all {len(diff)} are in the "
                             "HTML report and tables.xlsx.")
        for r in records:
            ids = [i for i in (r.get("obs_id_new"), r.get("obs_id_old")) if not blank(i)]
            table.add({"change": _t(self.lang, _CHANGE[r["change"]]), "indicator": self.name(_s(r["indicator"])),
                       "item": " · ".join(x for x in (_s(r.get("subject")), _dims(r)) if x), "period": _s(r["period"]),
                       "old": None if blank(r.get("value_old")) else float(r["value_old"]),
                       "new": None if blank(r.get("value_new")) else float(r["value_new"]),
                       "unit": _s(r.get("unit")),
                       "pct": None if blank(r.get("pct_change")) else float(r["pct_change"]),
                       "source": _s(r.get("source_id_new")) or _s(r.get("source_id_old"))},
                      self.cite(self.rows_by_id([int(i) for i in ids[:1]])))
        sec.tables.append(table)
        return sec

    def figures(self) -> Section:
        sec = Section("figures", "附录:各市场全部数据", "Appendix: every figure by market",
                      "报告所述的全部数据,按原文的数值与单位列出;同一指标的多个来源或多处表述全部列出,不作取舍。",
                      "Every figure the reports state, as printed; where sources or passages disagree, all are listed.")
        order = {c: i for i, c in enumerate(self.catalog.codes())}
        st = self.stated.assign(_ord=self.stated["indicator"].map(order))
        st = st.sort_values(["subject", "_ord", *[d for d in DIMENSIONS if d != "subject"], "period", "location", "obs_id"],
                            na_position="first", kind="stable")
        for i, (subject, g) in enumerate(st.groupby("subject", sort=False)):
            table = Table(f"figures_{i + 1}", str(subject), str(subject), [
                Column("indicator", "指标", "Indicator"), Column("dims", "维度", "Dimensions"),
                Column("period", "时期", "Period"), Column("figure", "数值(原文)", "Figure as printed"),
                Column("value", "标准单位值", "Canonical value", kind="auto"), Column("unit", "标准单位", "Canonical unit"),
                Column("status", "状态", "Status"),
            ])
            for r in g.to_dict("records"):
                printed = _s(r["value_as_printed"])
                if r["qualifier"] == "range" and _s(r["value_high_as_printed"]):
                    printed += f"–{_s(r['value_high_as_printed'])}"
                q = {"about": "约", "at_least": "≥", "at_most": "≤"}.get(r["qualifier"], "")
                table.add({"indicator": self.name(r["indicator"]), "dims": _dims(r), "period": _s(r["period"]),
                           "figure": f"{q}{printed}{_s(r['unit_as_printed'])}", "value": r["value"],
                           "unit": _s(r["unit"]), "status": _t(self.lang, _STATUS[r["status"]])}, self.cite([r]))
            sec.tables.append(table)
        return sec


def build_report_data(store: Store, *, lang: str = "zh", as_of: AsOf = None, inputs: ReportInputs | None = None,
                      catalog: Catalog | None = None, generated: datetime | None = None,
                      compact: bool = False) -> ReportData:
    """Every section of the report as cited tables and charts, from the store as of a vintage (latest by
    default). `compact` (the PDF) leaves out the appendix of every stated figure when there are more than
    200, and lists the first 60 changes only — the HTML page and the workbook keep all of them; footnotes are numbered for what is shown."""
    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    inputs = inputs or ReportInputs()
    catalog = catalog or load_catalog()
    vid = store.resolve(as_of)
    stamp = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    if vid is None:
        return ReportData(lang, None, "", stamp)
    vt = store.vintages().execute()
    label = str(vt.loc[vt["vintage_id"] == vid, "label"].iloc[0] or "")
    b = _Builder(store, vid, lang, catalog)
    data = ReportData(lang, vid, label, stamp)
    market, c1 = b.market()
    sd, c2 = b.supply_demand()
    bott = b.bottlenecks()
    loc = b.localisation()
    trl, c3 = b.trl()
    reg, c4 = b.regional()
    data.sections = [market, sd, bott, loc, trl, reg, b.audit(), b.alerts(inputs.alerts),
                     b.changes(inputs.diff, inputs.since, limit=60 if compact else None)]
    if not compact or len(b.stated) <= _COMPACT_APPENDIX:
        data.sections.append(b.figures())
    else:
        n = len(b.stated)
        data.sections.append(Section(
            "figures", "附录:各市场全部数据", "Appendix: every figure by market",
            f"报告所述的全部 {n} 项数据见 HTML 报告与 tables.xlsx(PDF 版从略)。",
            f"All {n} figures the reports state are in the HTML report and tables.xlsx (left out of the PDF)."))
    data.sections = [s for s in data.sections if s.tables or s.key in ("changes", "figures")]
    data.charts = {k: v["svg"] for part in (c1, c2, c3, c4) for k, v in part.items()}
    data.chart_cites = {k: v["cites"] for part in (c1, c2, c3, c4) for k, v in part.items()}
    data.citations = b.cites.items
    return data
