"""`sectorscope forecast`: every annual series of the store forecast with calibrated intervals, CAGR
scenarios beside the models, segments reconciled, and the reports' own forecasts set against ours.

The results are `forecast` figures of source `sectorscope-forecast`, of kind `model_forecast` or
`scenario_projection`, written as a vintage of their own: each names the model and its intervals (lo80 …
hi95), the figures it was made from (input_ids) and the vintage they were read in (input_vintage), so a
later vintage can be compared with the forecast it replaced. A forecast no longer produced is withdrawn.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..analytics import display
from ..errors import InputError, StoreError
from ..model import (
    FORECAST_SOURCE,
    MODEL_FORECAST,
    SCENARIO_PROJECTION,
    STATED,
    Catalog,
    load_catalog,
    parse_period,
)
from ..store import AsOf, Batch, Store, VintageSummary
from . import models
from .cagr import CagrScenario, history_scenarios, project, stated_scenarios
from .hierarchy import Hierarchy, parse_hierarchies, reconcile
from .series import KEY_DIMS, HistorySeries, history_series, series_label, stated_forecasts
from .transforms import Scale, scale_for

__all__ = [
    "CHANGE_SUFFIXES",
    "MAX_HORIZON",
    "MODEL_LOCATION",
    "NOT_FORECAST",
    "SOURCE_ROW",
    "ForecastConfig",
    "ForecastResult",
    "SeriesForecast",
    "forecast_store",
    "read_forecast_config",
]

SOURCE_ROW = {
    "source_id": FORECAST_SOURCE, "title": "sectorscope 预测", "title_en": "Forecasts made by sectorscope",
    "publisher": "sectorscope", "lang": "zh",
    "note": "模型、区间、输入编号与输入版本见每条预测 / model, intervals, input ids and input vintage on every forecast",
}
# Where model forecasts are filed (their location, part of their key); a CAGR scenario is filed under
# 预测:<scenario>. What a row is, is its `kind`, not this text.
MODEL_LOCATION = "预测:模型"
# Indicators that are assessments or results of the analysis, not series a market forecast is made of.
NOT_FORECAST = frozenset({"trl", "demand_score", "composite_index", "composite_rank", "supply_demand_index"})
# Rates of change are forecast through their level (a growth rate's own trend is not a forecast anyone reads).
CHANGE_SUFFIXES = ("_growth", "_cagr", "_change")
MAX_HORIZON = 10


@dataclass(frozen=True)
class ForecastConfig:
    file: str = ""
    horizon_end: int = 2030  # forecast at least to this year (further when a report forecasts further)
    min_points: int = 2  # observed years a model forecast needs
    hierarchies: tuple[Hierarchy, ...] = ()


def read_forecast_config(path: Path | None) -> ForecastConfig:
    """A dataset's forecast.yaml (a dataset folder, its analytics/ folder, or the file); defaults without."""
    if path is None:
        return ForecastConfig()
    if path.is_dir():
        folder = path / "analytics" if (path / "analytics").is_dir() else path
        path = folder / "forecast.yaml"
    if not path.is_file():
        return ForecastConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid YAML file: {exc}", file=str(path)) from None
    if not isinstance(raw, dict):
        raise InputError("expected a mapping (horizon_end, min_points, hierarchies)", file=str(path))
    unknown = sorted(set(raw) - {"horizon_end", "min_points", "hierarchies"})
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}; known: hierarchies, horizon_end, min_points", file=str(path))
    end, pts = raw.get("horizon_end", 2030), raw.get("min_points", 2)
    if isinstance(end, bool) or not isinstance(end, int) or not 1900 <= end <= 2200:
        raise InputError(f"horizon_end: {end!r} is not a year", file=str(path))
    if isinstance(pts, bool) or not isinstance(pts, int) or pts < 2:
        raise InputError(f"min_points: {pts!r} must be a whole number ≥ 2 (a model needs two points)", file=str(path))
    return ForecastConfig(str(path), end, pts, tuple(parse_hierarchies(raw.get("hierarchies"), str(path))))


@dataclass
class SeriesForecast:
    series: HistorySeries
    years: list[int]
    scale: Scale | None = None
    mean: np.ndarray | None = None  # original units; None when only scenarios could be made
    lo80: np.ndarray | None = None
    hi80: np.ndarray | None = None
    lo95: np.ndarray | None = None
    hi95: np.ndarray | None = None
    method: str = ""
    filled: list[int] = field(default_factory=list)
    segment: str = ""  # "<hierarchy>: total" / "<hierarchy>: part" / "<hierarchy>: other"
    scenarios: list[tuple[CagrScenario, np.ndarray]] = field(default_factory=list)
    other_of: tuple[HistorySeries, list[HistorySeries]] | None = None  # the remainder's total and named parts

    def model(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """(mean, lo80, hi80, lo95, hi95) of the model forecast; None when only scenarios could be made."""
        if self.mean is None or self.lo80 is None or self.hi80 is None or self.lo95 is None or self.hi95 is None:
            return None
        return self.mean, self.lo80, self.hi80, self.lo95, self.hi95


@dataclass
class ForecastResult:
    vintage_id: int
    forecasts: list[SeriesForecast]
    comparisons: pd.DataFrame  # each report forecast beside our interval
    skipped: list[tuple[str, str, str]]  # (series, why in Chinese, why in English)
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    written: VintageSummary | None = None


def _horizon(s: HistorySeries, stated: pd.DataFrame, end: int) -> list[int]:
    last = s.years[-1]
    mine = stated[_match(stated, s)] if len(stated) else stated
    target = max(end, int(mine["year"].max()) if len(mine) else end)
    return list(range(last + 1, min(target, last + MAX_HORIZON) + 1))


def _match(frame: pd.DataFrame, s: HistorySeries) -> pd.Series:
    m = (frame["indicator"] == s.indicator)
    for d in KEY_DIMS:
        want = s.dims.get(d)
        m &= frame[d].isna() if want is None else (frame[d] == want)
    return m


def _model(s: HistorySeries, years: list[int], filled: tuple[list[int], np.ndarray, list[int]]) -> SeriesForecast:
    _, fv, gaps = filled
    scale = scale_for(fv, s.lower, s.upper)
    z = scale.forward(fv)
    fc = models.forecast([z], len(years))[0]
    return SeriesForecast(s, years, scale, mean=scale.back(fc.mean), lo80=scale.back(fc.lo80),
                          hi80=scale.back(fc.hi80), lo95=scale.back(fc.lo95), hi95=scale.back(fc.hi95),
                          method=f"{fc.method}; {scale.describe('en')}", filled=gaps)


def _rate_figures(figs) -> pd.DataFrame:
    """Every growth / CAGR figure with a point value, read once (a query per series costs a pass over the
    as-of window each)."""
    t = figs.filter(figs.indicator.endswith("_growth") | figs.indicator.endswith("_cagr"))
    t = t.filter(t.value.notnull() & t.qualifier.isin(["exact", "about", "range"]))
    df = t.select("source_id", "indicator", *KEY_DIMS, "period", "value", "status").execute()
    for d in KEY_DIMS:
        df[d] = df[d].astype(object).where(df[d].notna(), None)
    df["end"] = [parse_period(p).end.year for p in df["period"]]
    return df


def _stated_rates(rates: pd.DataFrame, s: HistorySeries) -> list[float]:
    """The report's growth / CAGR figures for the series after its last observed year, in per cent."""
    if not len(rates):
        return []
    m = rates["indicator"].isin([f"{s.indicator}_growth", f"{s.indicator}_cagr"]) & (rates["source_id"] == s.source_id)
    for d in KEY_DIMS:
        want = s.dims.get(d)
        m &= rates[d].isna() if want is None else (rates[d] == want)
    mine = rates[m & (rates["end"] > s.years[-1])]
    # a span of years (2025/2030) states a rate over the years ahead; a span of months (2025-01/2025-05, a 1–N月
    # cumulative growth) is a sub-annual actual, as 2025Q1 and 2025-03 are
    mine = mine[(mine["status"] == "forecast") | mine["period"].str.fullmatch(r"[0-9]{4}/[0-9]{4}")]
    return [float(v) for v in mine["value"]]


def _other(h: Hierarchy, total: HistorySeries, parts: list[HistorySeries]) -> HistorySeries | None:
    """total − Σ parts in the years all of them were observed; None when no year is shared or it is ≤ 0."""
    common = sorted(set(total.years).intersection(*(p.years for p in parts)))
    if not common:
        return None
    vals = [total.values[total.years.index(y)] - sum(p.values[p.years.index(y)] for p in parts) for y in common]
    if min(vals) <= 0:
        return None
    dims = dict(total.dims)
    dims["product"] = h.other_zh
    ids = sorted({i for x in (total, *parts) for y, i in zip(x.years, x.obs_ids, strict=True) if y in common})
    return HistorySeries(total.source_id, total.indicator, dims, total.unit, common, vals, ids, [], total.lower, total.upper)


def _find(series: Sequence[HistorySeries], source: str, indicator: str, dims) -> HistorySeries | None:
    for s in series:
        if s.source_id == source and s.indicator == indicator and s.dims == {k: v for k, v in dims.items() if v}:
            return s
    return None


def _hierarchy(h: Hierarchy, series: list[HistorySeries], stated, config: ForecastConfig,
               skipped: list[tuple[str, str, str]]) -> list[SeriesForecast]:
    total = _find(series, h.source_id, h.indicator, h.total)
    found = [_find(series, h.source_id, h.indicator, p) for p in h.parts]
    parts = [p for p in found if p is not None]
    if total is None or len(parts) < len(found):
        missing = [series_label(d) for d, p in zip(h.parts, found, strict=True) if p is None]
        skipped.append((h.name, "层级缺少历史:" + ("总量" if total is None else "、".join(missing)),
                        "hierarchy lacks a history for " + ("the total" if total is None else ", ".join(missing))))
        return []
    other = _other(h, total, parts)
    if other is None:
        skipped.append((h.name, "总量与分项没有共同年份,或分项之和不小于总量",
                        "no year shared by the total and its parts, or the parts sum to the total or more"))
        return []
    members = [total, *parts, other]
    # one forecast horizon and one base year for the whole hierarchy: the years all members share
    start = max(m.years[0] for m in members)
    last = min(m.years[-1] for m in members)
    trimmed = []
    for m in members:
        keep = [k for k, y in enumerate(m.years) if start <= y <= last]
        trimmed.append(HistorySeries(m.source_id, m.indicator, m.dims, m.unit, [m.years[k] for k in keep],
                                     [m.values[k] for k in keep], [m.obs_ids[k] for k in keep], m.unused_ids,
                                     m.lower, m.upper))
    if len(trimmed[0].years) < config.min_points:
        n = len(trimmed[0].years)
        skipped.append((h.name, f"共同历史只有 {n} 年", f"only {n} shared year(s) of history"))
        return []
    years = _horizon(trimmed[0], stated, config.horizon_end)
    base = [_model(m, years, m.filled()) for m in trimmed]
    rec, (lo80, hi80, lo95, hi95) = reconcile(_stacked(base, "mean"),
                                              [_stacked(base, a) for a in ("lo80", "hi80", "lo95", "hi95")])
    roles = ["total"] + ["part"] * len(parts) + ["other"]
    for k, b in enumerate(base):
        b.mean, b.lo80, b.hi80, b.lo95, b.hi95 = rec[k], lo80[k], hi80[k], lo95[k], hi95[k]
        b.method += "; reconciled: MinTrace(wls_struct) via hierarchicalforecast, intervals moved in proportion"
        b.segment = f"{h.name}: {roles[k]}"
    base[-1].other_of = (trimmed[0], trimmed[1:-1])
    return base


def _stacked(base: list[SeriesForecast], name: str) -> np.ndarray:
    """One array of the members' model forecasts (`mean`, `lo80` …), a row per member."""
    return np.vstack([getattr(b, name) for b in base])


def forecast_store(store: Store, config: ForecastConfig | None = None, *, as_of: AsOf = None,
                   catalog: Catalog | None = None, save: bool = True) -> ForecastResult:
    """Forecast every annual series of the figures as they stood at `as_of` (latest by default); with
    `save`, write them as one new vintage (withdrawing forecasts no longer produced)."""
    catalog = catalog or load_catalog()
    config = config or ForecastConfig()
    vid = store.resolve(as_of)
    if vid is None:
        raise StoreError(f"{store.path} holds no vintage to forecast from; load data first")
    figs = store.observations(vid)
    given = figs.filter(figs.kind == STATED)  # the sources' own figures: what a history or a stated forecast is
    series = [s for s in history_series(given, catalog)
              if s.indicator not in NOT_FORECAST and not s.indicator.endswith(CHANGE_SUFFIXES)]
    stated = stated_forecasts(given)
    rate_figs = _rate_figures(figs)
    rates = {(s.key, s.years[-1]): _stated_rates(rate_figs, s) for s in series}  # each series' once
    skipped: list[tuple[str, str, str]] = []
    done: list[SeriesForecast] = []
    in_hierarchy: set[tuple] = set()
    for h in config.hierarchies:
        got = _hierarchy(h, series, stated, config, skipped)
        done += got
        in_hierarchy |= {f.series.key for f in got}
    for s in series:
        if s.key in in_hierarchy:
            continue
        label = f"{s.source_id} {s.indicator} {series_label(s.dims)}"
        years = _horizon(s, stated, config.horizon_end)
        f: SeriesForecast | None = None
        if len(s.years) >= config.min_points:
            f = _model(s, years, s.filled())
        if f is None and not rates[(s.key, s.years[-1])]:
            yrs = ", ".join(map(str, s.years))
            skipped.append((label, f"只有 {len(s.years)} 个观测年份({yrs}),且报告未给增速",
                            f"{len(s.years)} observed year(s) ({yrs}) and no stated growth rate"))
            continue
        f = f or SeriesForecast(s, years)
        done.append(f)
    for f in done:
        s = f.series
        if s.upper is not None and s.lower is not None:
            continue  # a share's CAGR is not a scenario anyone uses; its bounded model forecast is
        if f.segment.endswith("other"):
            continue
        if min(s.values) > 0:
            scen = history_scenarios(s.years, s.values) + stated_scenarios(
                rates.get((s.key, s.years[-1])) or _stated_rates(rate_figs, s), "同一来源", "same source")
            f.scenarios = [(c, project(s.years[-1], s.values[-1], c.rate, f.years, s.upper)) for c in scen]
    comparisons = _compare(done, stated)
    rows = _rows(done, vid)
    result = ForecastResult(vid, done, comparisons, skipped, rows)
    if save and len(rows):
        batch = Batch(observations=rows, sources=pd.DataFrame([SOURCE_ROW]), files=[config.file] if config.file else [],
                      withdraw_missing=(FORECAST_SOURCE,))
        result.written = store.write(batch, label="forecast", note=f"forecast from vintage {vid}")
    return result


def _compare(done: list[SeriesForecast], stated: pd.DataFrame) -> pd.DataFrame:
    out = []
    for f in done:
        model = f.model()
        if model is None or not len(stated):
            continue
        mean, lo80s, hi80s, lo95s, hi95s = model
        mine = stated[_match(stated, f.series)]
        for r in mine.itertuples():
            if r.year not in f.years:
                continue
            k = f.years.index(r.year)
            lo95, hi95, lo80, hi80 = lo95s[k], hi95s[k], lo80s[k], hi80s[k]
            out.append({
                "obs_id": int(r.obs_id), "source_id": r.source_id, "indicator": r.indicator,
                "series": series_label(f.series.dims), "period": r.period, "value": float(r.value),
                "value_as_printed": r.value_as_printed, "unit_as_printed": r.unit_as_printed, "qualifier": r.qualifier,
                "location": r.location, "mean": float(mean[k]), "lo80": float(lo80), "hi80": float(hi80),
                "lo95": float(lo95), "hi95": float(hi95), "unit": f.series.unit,
                "inside80": bool(r.hi >= lo80 and r.lo <= hi80), "inside95": bool(r.hi >= lo95 and r.lo <= hi95),
            })
    frame = pd.DataFrame(out)
    # the stated forecasts come from SQL in no particular order; sort so forecast.md is reproducible
    return frame.sort_values(["indicator", "series", "period", "obs_id"], ignore_index=True) if len(frame) else frame


def _note(f: SeriesForecast) -> str:
    s = f.series
    text = f"历史 {s.years[0]}–{s.years[-1]}({len(s.years)} 个观测年份"
    if f.filled:
        text += f";{'、'.join(map(str, f.filled))} 年按{'对数' if min(s.values) > 0 else ''}线性插值"
    text += ")"
    if s.unused_ids:
        text += f";同年另有表述未用(编号 {', '.join(map(str, s.unused_ids))},见审计)"
    if f.segment:
        text += f";层级 {f.segment}"
    return text


def _rows(done: list[SeriesForecast], vid: int) -> pd.DataFrame:
    rows = []
    for f in done:
        s = f.series
        base = {"indicator": s.indicator, **{d: s.dims.get(d) for d in KEY_DIMS}, "qualifier": "exact", "unit": s.unit,
                "status": "forecast", "source_id": FORECAST_SOURCE, "input_ids": list(s.obs_ids),
                "input_vintage": vid, "withdrawn": False, "note": _note(f)}
        if f.other_of is not None:
            base["input_ids"] = sorted(set(f.other_of[0].obs_ids).union(*(p.obs_ids for p in f.other_of[1])))
            base["formula"] = f"{s.dims.get('product')} = 总量 − Σ 分项 (historical years), then forecast"
        model = f.model()
        if model is not None:
            mean, lo80, hi80, lo95, hi95 = model
            for k, y in enumerate(f.years):
                printed, unit = display(float(mean[k]), s.unit)
                rows.append({**base, "kind": MODEL_FORECAST, "period": str(y), "value": float(mean[k]),
                             "value_as_printed": printed, "unit_as_printed": unit, "location": MODEL_LOCATION,
                             "note": f"{base['note']};h={k + 1}",
                             "lo80": float(lo80[k]), "hi80": float(hi80[k]), "lo95": float(lo95[k]),
                             "hi95": float(hi95[k]), "method": f.method})
        for c, values in f.scenarios:
            tag = ("CAGR-" if c.ground == "history" else "报告CAGR-") + c.name
            for k, y in enumerate(f.years):
                printed, unit = display(float(values[k]), s.unit)
                rows.append({**base, "kind": SCENARIO_PROJECTION, "scenario": tag, "period": str(y),
                             "value": float(values[k]), "value_as_printed": printed, "unit_as_printed": unit,
                             "location": f"预测:{tag}",
                             "formula": f"{s.values[-1]:.6g} × (1 + {c.rate:.4f})^({y} − {s.years[-1]})",
                             "method": f"cagr_scenario ({c.ground}): {c.why_en}", "note": f"{_note(f)};{c.why_zh};h={k + 1}"})
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    periods = {p: parse_period(p) for p in frame["period"].unique()}
    frame["period_start"] = [periods[p].start for p in frame["period"]]
    frame["period_end"] = [periods[p].end for p in frame["period"]]
    return frame
