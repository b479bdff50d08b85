"""The composite indices a dataset declares (analytics.yaml `composite_indices`), built from the store
or from a documented input file, with their Monte-Carlo rank intervals — and stored as derived figures.

Two sources of units × indicators:
- a table of the store (`source_id`, `table`): each indicator is a catalog code, optionally narrowed by
  text in the figure's location (the regional table states two different company counts), summed per
  unit; a figure's interval (以上 = open above) goes into the uncertainty analysis;
- an input file (`file`, CSV: one row per unit, one column per indicator, an `example` column), for
  scores no report prints (001 publishes the manufacturing index's ranking, not its scores). Rows marked
  example are labelled as examples wherever they are shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ..errors import InputError
from ..model import DERIVED, DERIVED_SOURCE
from .composite import IndexSpec, Uncertainty, uncertainty
from .derived import display

__all__ = ["IndexInstance", "build_inputs", "index_rows", "parse_indices", "run_index"]

_METHOD_KEYS = ("normalisation", "weighting", "aggregation", "missing", "draws", "open_bound_factor")


@dataclass(frozen=True)
class IndexInstance:
    name: str
    title_zh: str
    title_en: str
    unit: str  # the dimension the units are (region, company)
    indicators: tuple[dict, ...]
    spec: IndexSpec
    source_id: str | None = None
    table: str | None = None
    file: Path | None = None
    group: str | None = None  # a column of the input file that splits units into separate rankings


def parse_indices(raw: object, file: str, folder: Path) -> list[IndexInstance]:
    """The `composite_indices` list of an analytics.yaml, checked."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError("composite_indices must be a list", file=file)
    out = []
    for n, e in enumerate(raw, start=1):
        where = f"composite_indices, entry {n}"
        if not isinstance(e, dict) or not e.get("name") or not e.get("indicators"):
            raise InputError(f"{where}: needs a name and indicators", file=file)
        if bool(e.get("file")) == bool(e.get("table")):
            raise InputError(f"{where} ({e['name']}): give either a store table (source_id, table) or an input file", file=file)
        inds = tuple(dict(i) for i in e["indicators"])
        if any("code" not in i for i in inds):
            raise InputError(f"{where} ({e['name']}): every indicator needs a code", file=file)
        codes = [i["code"] for i in inds]
        method = {k: e[k] for k in _METHOD_KEYS if k in e}
        spec = IndexSpec(name=str(e["name"]), indicators=codes, directions={c: int(i.get("direction", 1)) for c, i in zip(codes, inds, strict=True)},
                         **method)
        out.append(IndexInstance(str(e["name"]), str(e.get("title_zh", e["name"])), str(e.get("title_en", e["name"])),
                                 str(e.get("unit", "region")), inds, spec, e.get("source_id"), e.get("table"),
                                 folder / str(e["file"]) if e.get("file") else None, e.get("group")))
    return out


def build_inputs(inst: IndexInstance, figs: ir.Table | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict, pd.DataFrame]:
    """point, lower, upper (units × indicator codes), the figure ids behind each unit, and the unit table
    (unit, group, example flag)."""
    if inst.file is not None:
        if not inst.file.is_file():
            raise InputError(f"index {inst.name}: input file not found", file=str(inst.file))
        frame = pd.read_csv(inst.file, dtype=str).fillna("")
        missing = [c for c in [inst.unit if inst.unit in frame else "company", *inst.spec.indicators] if c not in frame.columns]
        if missing:
            raise InputError(f"index {inst.name}: missing column(s) {', '.join(missing)}", file=str(inst.file))
        unit_col = inst.unit if inst.unit in frame else "company"
        point = pd.DataFrame(index=frame[unit_col].tolist())
        for c in inst.spec.indicators:
            vals = pd.to_numeric(frame[c].replace("", np.nan), errors="coerce")
            bad = frame[c].ne("") & vals.isna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                raise InputError(f"row {row}, field '{c}': not a number ({frame[c].iloc[row - 2]!r})", file=str(inst.file))
            point[c] = vals.to_numpy()
        units = pd.DataFrame({"unit": point.index, "group": frame[inst.group].tolist() if inst.group else None,
                              "example": frame.get("example", pd.Series("", index=frame.index)).str.lower().eq("true").tolist()})
        return point, point.copy(), point.copy(), {u: [] for u in point.index}, units
    assert figs is not None
    t = figs.filter((figs.source_id == inst.source_id) & figs.location.startswith(inst.table))
    # sorted: the engine returns rows in any order, and the Monte-Carlo must see the same frame every run
    rows = t.select("obs_id", "indicator", inst.unit, "location", "value", "lo", "hi").execute().sort_values("obs_id")
    if rows.empty:
        raise InputError(f"index {inst.name}: no figures from {inst.table!r} of {inst.source_id} in the store")
    units_list = list(dict.fromkeys(rows[inst.unit]))
    point = pd.DataFrame(index=units_list, columns=list(inst.spec.indicators), dtype=float)
    lower, upper = point.copy(), point.copy()
    ids: dict[str, list[int]] = {u: [] for u in units_list}
    for ind in inst.indicators:
        sel = rows[rows["indicator"] == ind.get("indicator", ind["code"])]
        if ind.get("location_contains"):
            sel = sel[sel["location"].str.contains(str(ind["location_contains"]), regex=False)]
        for u, g in sel.groupby(inst.unit):
            point.loc[u, ind["code"]] = g["value"].sum()
            lower.loc[u, ind["code"]] = g["lo"].sum()
            upper.loc[u, ind["code"]] = g["hi"].sum()
            ids[u] = sorted(ids[u] + [int(i) for i in g["obs_id"]])
    units = pd.DataFrame({"unit": units_list, "group": None, "example": False})
    return point, lower, upper, ids, units


def run_index(inst: IndexInstance, figs: ir.Table | None) -> list[tuple[str | None, Uncertainty, dict, pd.DataFrame]]:
    """The uncertainty analysis, once per group of units (one ranking per group)."""
    point, lower, upper, ids, units = build_inputs(inst, figs)
    out = []
    groups = [None] if inst.group is None else list(dict.fromkeys(units["group"]))
    for g in groups:
        mask = np.ones(len(units), bool) if g is None else (units["group"] == g).to_numpy()
        p, lo, hi = point[mask], lower[mask], upper[mask]
        # unique unit labels inside a ranking (the input file may name two firms alike)
        res = uncertainty(p, lo, hi, inst.spec)
        out.append((g, res, {u: ids[u] for u in p.index}, units[mask]))
    return out


def _printed(v: float) -> str:
    return display(v, "")[0]


def index_rows(inst: IndexInstance, runs: list, vid: int, subject: str) -> pd.DataFrame:
    """composite_index (score) and composite_rank (rank with its 80 % / 95 % intervals) figures."""
    rows = []
    for group, res, ids, units in runs:
        summ = res.summary()
        sq = res.score_quantiles
        example = dict(zip(units["unit"], units["example"], strict=True))
        varied = ", ".join(k + "∈{" + "/".join(v) + "}" for k, v in res.alternatives.items())
        method = (f"composite {inst.spec.normalisation}/{inst.spec.weighting}/{inst.spec.aggregation}; Monte-Carlo "
                  f"{res.n_draws} draws over {varied}; seed {res.seed}")
        for unit, r in summ.iterrows():
            dims = {"subject": subject, "product": inst.name, "tier": group}
            if inst.unit == "region":
                dims["region"] = unit
            else:
                dims["company"] = unit
                dims["region"] = "中国"
            tag = "示例数据(example data)" if example.get(unit) else None
            q = sq.loc[unit]
            common = {**dims, "period": "2019" if inst.source_id == "seed-001" else "2020", "status": "derived",
                      "source_id": DERIVED_SOURCE, "kind": DERIVED, "qualifier": "exact", "unit": "", "unit_as_printed": "",
                      "input_ids": ids.get(unit, []), "basis": tag, "method": method, "input_vintage": vid,
                      "withdrawn": False}
            rows.append({**common, "indicator": "composite_index", "value": float(r["score"]),
                         "value_as_printed": _printed(float(r["score"])), "location": f"派生:{inst.name} / 得分",
                         "formula": f"{inst.name} = {inst.spec.aggregation}(weights × {inst.spec.normalisation}(x))",
                         "lo95": float(q.iloc[0]), "hi95": float(q.iloc[-1]), "note": inst.title_zh})
            rows.append({**common, "indicator": "composite_rank", "value": float(r["rank"]),
                         "value_as_printed": _printed(float(r["rank"])), "location": f"派生:{inst.name} / 名次",
                         "formula": f"rank of {inst.name} (1 = top)",
                         "lo80": float(r["rank_80_lower"]), "hi80": float(r["rank_80_upper"]),
                         "lo95": float(r["rank_95_lower"]), "hi95": float(r["rank_95_upper"]),
                         "note": f"名次中位数 {r['median_rank']:g}"})
    return pd.DataFrame(rows)
