"""`sectorscope analyse`: every analysis over one vintage of the store, written back as `derived` figures
in a vintage of their own, so a later load can be compared with what was derived from the earlier one.

The dataset's analytics.yaml (scenarios, the supply-demand bands, index specs) is read from the dataset
folder; each result names the vintage it read (`input_vintage`) and the figures it used (`input_ids`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from ..audit import rules_of
from ..errors import InputError, StoreError
from ..ingest import read_sources
from ..model import (
    ASSESSMENT,
    DERIVED,
    DERIVED_SOURCE,
    DIMENSIONS,
    TIER_SUMMARY,
    Catalog,
    load_catalog,
    parse_period,
)
from ..store import AsOf, Batch, Store, VintageSummary
from .derived import Scenario, derive, display, figures_with_intervals
from .indices import IndexInstance, index_rows, parse_indices, run_index
from .supply_demand import SupplyDemandSpec, parse_spec, supply_demand_index, tier_summary
from .trl import demand_score, dual_track, read_assessments, read_dual_track, select_components

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["SOURCE_ROW", "TRL_FORMULA", "AnalysisResult", "AnalyticsConfig", "analyse", "config_dir", "read_config",
           "run_dual_track"]

SOURCE_ROW = {
    "source_id": DERIVED_SOURCE, "title": "sectorscope 派生计算", "title_en": "Figures computed by sectorscope",
    "publisher": "sectorscope", "lang": "zh",
    "note": "公式、输入编号与区间见每条派生数据 / formula, input ids and interval on every derived figure",
}


@dataclass(frozen=True)
class AnalyticsConfig:
    file: str = ""
    scenarios: Mapping[str, list[Scenario]] = field(default_factory=dict)
    supply_demand: SupplyDemandSpec | None = None
    raw: Mapping[str, object] = field(default_factory=dict)
    folder: Path | None = None  # the dataset's analytics/ folder: trl_assessments.csv, dual_track.yaml …
    dataset: Path | None = None  # the dataset folder: its sources.csv gives the documents evidence is checked in
    indices: tuple[IndexInstance, ...] = ()


def config_dir(dataset: Path) -> Path:
    """Where a dataset keeps its analysis inputs: its `analytics/` folder (kept apart so the loader does
    not read them as observation files)."""
    return dataset / "analytics" if (dataset / "analytics").is_dir() else dataset


def read_config(path: Path | None) -> AnalyticsConfig:
    """A dataset's analytics.yaml (a dataset folder, its analytics/ folder, or the file). None or a
    missing file: no scenarios, no indices — the catalog's formulas still run."""
    if path is None:
        return AnalyticsConfig()
    folder = config_dir(path) if path.is_dir() else path.parent
    dataset = folder.parent if folder.name == "analytics" else folder
    file = folder / "analytics.yaml" if path.is_dir() else path
    if not file.is_file():
        return AnalyticsConfig(folder=folder, dataset=dataset)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid YAML file: {exc}", file=str(file)) from None
    if not isinstance(raw, dict):
        raise InputError("expected a mapping (scenarios, supply_demand_index …)", file=str(file))
    known = {"scenarios", "supply_demand_index", "composite_indices"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}", file=str(file))
    scenarios: dict[str, list[Scenario]] = {}
    for key, entries in (raw.get("scenarios") or {}).items():
        if not isinstance(entries, list):
            raise InputError(f"scenarios.{key}: expected a list of scenarios", file=str(file))
        out = []
        for n, e in enumerate(entries, start=1):
            where = f"scenarios.{key}, entry {n}"
            if not isinstance(e, dict) or not e.get("name") or not isinstance(e.get("params"), dict):
                raise InputError(f"{where}: needs a name and params", file=str(file))
            bad = [k for k, v in e["params"].items() if isinstance(v, bool) or not isinstance(v, (int, float))]
            if bad:
                raise InputError(f"{where} ({e['name']}): params {', '.join(bad)} must be numbers", file=str(file))
            extra = set(e) - {"name", "params", "where", "at_least", "why_zh", "why_en"}
            if extra:
                raise InputError(f"{where} ({e['name']}): unknown key(s) {', '.join(sorted(extra))}", file=str(file))
            at_least = tuple(e.get("at_least") or ())
            if not set(at_least) <= set(e["params"]):
                raise InputError(f"{where} ({e['name']}): at_least names a parameter it does not set", file=str(file))
            out.append(Scenario(str(e["name"]), {k: float(v) for k, v in e["params"].items()},
                                str(e.get("why_zh", "")), str(e.get("why_en", "")),
                                {str(k): str(v) for k, v in (e.get("where") or {}).items()}, at_least))
        scenarios[str(key)] = out
    sd = raw.get("supply_demand_index")
    indices = tuple(parse_indices(raw.get("composite_indices"), str(file), folder))
    return AnalyticsConfig(str(file), scenarios, parse_spec(sd, file.name) if sd else None, raw, folder, dataset, indices)


@dataclass
class AnalysisResult:
    vintage_id: int
    derived: pd.DataFrame  # the rows written (observation columns)
    supply_demand: pd.DataFrame = field(default_factory=pd.DataFrame)
    tiers: pd.DataFrame = field(default_factory=pd.DataFrame)
    extra: dict[str, Any] = field(default_factory=dict)  # scenarios, dual_track, composites (see analyse)
    written: VintageSummary | None = None


def _period_columns(frame: pd.DataFrame) -> pd.DataFrame:
    periods = {p: parse_period(p) for p in frame["period"].dropna().unique()}
    frame["period_start"] = [periods[p].start for p in frame["period"]]
    frame["period_end"] = [periods[p].end for p in frame["period"]]
    return frame


def _index_rows(sd: pd.DataFrame, tiers: pd.DataFrame, subject: str, vid: int, band: float) -> pd.DataFrame:
    """The supply-demand index as figures: one per product (derived) and one per tier (its mean, a tier
    summary), each with its reading and the balanced band (±`band`) that made it."""
    rows = []

    def row(product: str | None, tier: str | None, r: Any, ids: list[int], period: str, note: str) -> None:
        printed, unit = display(r.index, "")
        rows.append({
            "indicator": "supply_demand_index", "subject": subject, "product": product, "tier": tier,
            "period": period, "value": r.index, "qualifier": "exact", "unit": "", "value_as_printed": printed,
            "unit_as_printed": unit, "status": "derived", "source_id": DERIVED_SOURCE,
            "kind": DERIVED if product is not None else TIER_SUMMARY,
            "location": "派生:supply_demand_index" + (" / 档位均值" if product is None else ""),
            "formula": "supply_demand_index = mean(sign × band_gap(x, low, high) / scale, clipped to ±2)",
            "input_ids": ids, "note": note, "bound_low": r.index_low, "bound_high": r.index_high,
            "method": "supply_demand_index: anchored neutral bands (analytics.yaml)", "input_vintage": vid,
            "withdrawn": False, "reading": r.reading, "reading_band": band,
        })

    for r in sd.itertuples():
        years = sorted({str(c["period"])[:4] for c in r.components})
        note = "; ".join(f"{c['component']} {c['printed']}{'(档位)' if c['level'] == 'tier' else ''} → {c['contribution']:+.2f}"
                         for c in r.components)
        row(r.product, r.tier, r, [c["obs_id"] for c in r.components], years[-1], note)
    for t in tiers.itertuples():
        members = sd[sd["tier"] == t.tier]
        ids = sorted({c["obs_id"] for comps in members["components"] for c in comps})
        years = sorted({str(c["period"])[:4] for comps in members["components"] for c in comps})
        row(None, t.tier, t, ids, years[-1], "档位内产品指数的平均: " + "、".join(t.products))
    return pd.DataFrame(rows)


TRL_FORMULA = ("demand_score = mean(clip((growth − 0)/30), clip(import_dependence/100), clip(order_share/50)) "
               "over the components present")


def _texts(dataset: Path | None) -> dict[str, str]:
    if dataset is None or not (dataset / "sources.csv").is_file():
        return {}
    _, infos = read_sources(dataset / "sources.csv")
    return {k: v.document_text for k, v in infos.items() if v.document_text}


def run_dual_track(figs: ir.Table, config: AnalyticsConfig, catalog: Catalog, vid: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The TRL × demand table and the rows it is stored as: each assessment as a `trl` figure (status
    estimate, the evidence as its quote) and each demand score as a derived figure with its inputs."""
    folder = config.folder
    if folder is None or not (folder / "trl_assessments.csv").is_file():
        return pd.DataFrame(), pd.DataFrame()
    assessments = read_assessments(folder / "trl_assessments.csv", texts=_texts(config.dataset))
    scores = pd.DataFrame(columns=["technology", "score", "score_low", "score_high", "n_components", "available"])
    long = pd.DataFrame()
    if (folder / "dual_track.yaml").is_file():
        selectors = read_dual_track(folder / "dual_track.yaml", indicators=catalog.codes())
        codes = sorted({s["indicator"] for sels in selectors.values() for s in sels})
        t = figs.filter(figs.indicator.isin(codes))
        obs = t.select("obs_id", "indicator", *DIMENSIONS, "period", "value", "value_high", "qualifier", "unit",
                       lower=t.lo, upper=t.hi).execute()
        long = select_components(obs, selectors)
        scores = demand_score(long)
    table = dual_track(assessments, scores)
    table = table.merge(assessments[["technology", "evidence", "source_id", "location", "assessor", "assessed_on",
                                     "note", "quote_start", "quote_end"]], on="technology", how="left")
    ids = {tech: sorted({int(i) for ids in g["obs_ids"] for i in ids}) for tech, g in long.groupby("technology")} if len(long) else {}
    table["input_ids"] = [ids.get(t, []) for t in table["technology"]]
    rows = []
    for r in table.itertuples():
        period = str(r.assessed_on)[:4]
        rows.append({
            "indicator": "trl", "subject": "缩微机械", "product": r.technology, "period": period, "value": float(r.trl),
            "qualifier": "exact", "unit": "", "value_as_printed": str(int(r.trl)), "unit_as_printed": "",
            "status": "estimate", "source_id": DERIVED_SOURCE, "kind": ASSESSMENT, "quote": r.evidence,
            "location": f"TRL评估 / {r.source_id} {r.location or ''}".strip(),
            "basis": f"TRL评估,证据出自 {r.source_id} {r.location or ''}".strip(),
            "note": f"{r.assessor}({r.assessed_on}):{r.note or ''}", "method": "trl_assessment (NASA / GB/T 22900)",
            "input_vintage": vid, "withdrawn": False,
        })
        if r.n_components:
            printed, _ = display(float(r.score), "")
            rows.append({
                "indicator": "demand_score", "subject": "缩微机械", "product": r.technology, "period": period,
                "value": float(r.score), "qualifier": "exact", "unit": "", "value_as_printed": printed,
                "unit_as_printed": "", "status": "derived", "source_id": DERIVED_SOURCE, "kind": DERIVED,
                "location": "派生:dual_track", "formula": TRL_FORMULA, "input_ids": r.input_ids,
                "note": f"TRL {int(r.trl)} × 需求 {r.score:.2f} → {r.advice_zh}", "bound_low": r.score_low,
                "bound_high": r.score_high, "method": f"dual_track: quadrant={r.quadrant}", "input_vintage": vid,
                "withdrawn": False,
            })
    return table, pd.DataFrame(rows)


def analyse(store: Store, config: AnalyticsConfig | None = None, *, as_of: AsOf = None,
            catalog: Catalog | None = None, save: bool = True) -> AnalysisResult:
    """Run every analysis on the figures as they stood at `as_of` (latest by default); with `save`, write
    the results as one new vintage (withdrawing derived figures no longer produced)."""
    catalog = catalog or load_catalog()
    config = config or AnalyticsConfig()
    vid = store.resolve(as_of)
    if vid is None:
        raise StoreError(f"{store.path} holds no vintage to analyse; load data first")
    rules = rules_of(store, catalog=catalog)
    figs = figures_with_intervals(store.observations(vid), rules.settings).cache()
    derived = derive(figs, catalog, scenarios=config.scenarios, vintage_id=vid)
    sd = tiers = pd.DataFrame()
    frames = [derived] if len(derived) else []
    if config.supply_demand is not None:
        sd = supply_demand_index(figs, config.supply_demand)
        tiers = tier_summary(sd, config.supply_demand.balanced_within)
        subj = figs.filter(figs.source_id == config.supply_demand.source_id).subject.mode().execute()
        frames.append(_index_rows(sd, tiers, str(subj), vid, config.supply_demand.balanced_within))
    composites = []
    for inst in config.indices:
        runs = run_index(inst, figs)
        composites.append((inst, runs))
        subject = "MEMS"
        if inst.source_id:
            subject = str(figs.filter(figs.source_id == inst.source_id).subject.mode().execute())
        frames.append(index_rows(inst, runs, vid, subject))
    dt_table, dt_rows = run_dual_track(figs, config, catalog, vid)
    figs.release()  # the cached table lives in the read connection, which the write below closes
    if len(dt_rows):
        frames.append(dt_rows)
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if len(rows):
        rows = _period_columns(rows)
    result = AnalysisResult(vid, rows, sd, tiers, extra={"scenarios": dict(config.scenarios), "dual_track": dt_table,
                                                              "composites": composites})
    if save and len(rows):
        batch = Batch(observations=rows, sources=pd.DataFrame([SOURCE_ROW]), files=[config.file] if config.file else [],
                      withdraw_missing=(DERIVED_SOURCE,))
        result.written = store.write(batch, label="analyse", note=f"derived from vintage {vid}")
    return result
