#!/usr/bin/env python
"""Analytics benchmark: how long sectorscope's analytics take at realistic sizes, against a naive peer.

    python benchmarks/analytics.py [--quick] [--draws N] [--naive-draws M] [--sizes N ...] [--keep] [--only SECTION]

Sections (the SECTIONS list at the bottom; each one a function that returns its Markdown):

  Monte-Carlo   `composite.uncertainty` on 100 units × 20 indicators, 10 000 draws (--draws), with the default
                alternatives (4 normalisations × 2 aggregations × equal / PCA weighting), weights perturbed
                (κ = 50) and every cell sampled within its interval. Synthetic data (numpy seed): indicator
                values driven by one latent factor plus noise (so PCA has structure), printed to one decimal;
                30 % of cells carry their rounding interval (± 0.05), 5 % are lower bounds (以上: upper = +inf),
                3 % upper bounds (以下: lower = -inf), 2 % missing; 15 indicators more-is-better, 5
                less-is-better. Measured three ways, each in its own subprocess:
                  - sectorscope, main draws only (`sensitivity_draws=0`);
                  - sectorscope, with the sensitivity analysis (the default: D/4 extra draws per varied factor);
                  - the naive peer: a plain Python loop over draws that samples the data, picks the choices,
                    computes the draw's nominal weights (`weights(normalise(...))`), perturbs them and calls
                    `score()` and `rank()` once per draw — run on 200 draws (--naive-draws) and extrapolated
                    linearly to the same number of draws (the table says so).

  derived indicators
                `derive()` of the catalog's capacity_utilisation (output / capacity × 100) and price_change
                ((unit_price / lag(unit_price) − 1) × 100) over a synthetic store of N observations (--sizes,
                default 1 M and 10 M; --quick 100 k): per subject × 5 products × 26 years the output and
                capacity (万个) and unit price (元/个), one decimal, 4 % missing, 1 % of outputs stated twice.
                The store is built with `Store.write` under benchmarks/out/analytics_work (reused with --keep).
                Timed from opening the store through `figures_with_intervals` and `derive` (point values,
                intervals, lineage, choice among candidates) against one hand-written DuckDB SQL statement on
                the same file (point values and the same choice of inputs; no intervals, no lineage), each
                in its own subprocess; the results are matched on (indicator, input ids): rows on each side
                and the largest |Δ| of the values.

--only SECTION runs one section and appends its Markdown to benchmarks/out/analytics.md.

Wall time is time.perf_counter around the call; peak MB is the subprocess's resident high-water mark during it
(reset through /proc/self/clear_refs where allowed; harness.Meter), "above start" the part of it above the
resident size at the start (the interpreter, numpy and pandas). Prints the Markdown table and writes it to
benchmarks/out/analytics.md. It reports; it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import Meter, observation_frame, progress, ram_gib, run_child

OUT = ROOT / "benchmarks" / "out"
SEED = 20251123


# ================================================================================================
# section "Monte-Carlo"
# ================================================================================================
MC_UNITS, MC_INDICATORS = 100, 20
P_INTERVAL, P_AT_LEAST, P_AT_MOST, P_MISSING = 0.30, 0.05, 0.03, 0.02


def mc_data(n: int = MC_UNITS, k: int = MC_INDICATORS, seed: int = SEED):
    """Point, lower, upper frames and the spec of the synthetic index (deterministic)."""
    import pandas as pd

    from sectorscope.analytics.composite import IndexSpec

    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    loading = rng.uniform(0.2, 0.9, size=(1, k))
    values = np.round(np.exp(loading * latent + 0.6 * rng.normal(size=(n, k))) * rng.uniform(10, 1000, (1, k)), 1)
    units = [f"U{i:03d}" for i in range(n)]
    cols = [f"ind{j:02d}" for j in range(k)]
    lo, hi = values.copy(), values.copy()
    kind = rng.random((n, k))
    interval = kind < P_INTERVAL
    at_least = (kind >= P_INTERVAL) & (kind < P_INTERVAL + P_AT_LEAST)
    at_most = (kind >= P_INTERVAL + P_AT_LEAST) & (kind < P_INTERVAL + P_AT_LEAST + P_AT_MOST)
    missing = rng.random((n, k)) < P_MISSING
    missing[:, 0] = False  # every unit keeps a value
    lo[interval] -= 0.05
    hi[interval] += 0.05
    hi[at_least] = np.inf
    lo[at_most] = -np.inf
    values[missing] = np.nan
    point, lower, upper = (pd.DataFrame(a, index=units, columns=cols) for a in (values, lo, hi))
    spec = IndexSpec("bench", cols, {c: (1 if j < 15 else -1) for j, c in enumerate(cols)})
    cells = {"interval": int((interval & ~missing).sum()), "at_least": int((at_least & ~missing).sum()),
             "at_most": int((at_most & ~missing).sum()), "missing": int(missing.sum())}
    return point, lower, upper, spec, cells


def step_mc(p: dict) -> dict:
    from sectorscope.analytics.composite import uncertainty

    point, lower, upper, spec, cells = mc_data()
    uncertainty(point, lower, upper, spec, n_draws=50, sensitivity_draws=0)  # warm-up (imports, caches)
    sens = p["sensitivity_draws"]
    with Meter() as m:
        u = uncertainty(point, lower, upper, spec, n_draws=p["draws"], seed=1, sensitivity_draws=sens)
    varied = int(u.sensitivity["pairs"].gt(0).sum())
    pairs = int(u.sensitivity["pairs"].sum())
    s = u.sensitivity
    return m.result(
        draws=p["draws"], evaluations=p["draws"] + pairs, varied=varied, cells=cells,
        median_rank=u.median_rank.tolist(),
        width95=float((u.rank_interval_95["upper"] - u.rank_interval_95["lower"]).median()),
        width80=float((u.rank_interval_80["upper"] - u.rank_interval_80["lower"]).median()),
        sensitivity=[[f, bool(s.loc[f, "varied"]), s.loc[f, "levels"], float(s.loc[f, "first_order"]),
                      float(s.loc[f, "first_order_unit_mean"]), int(s.loc[f, "pairs"])] for f in s.index],
        notes=list(u.notes))


def _closed_bounds(point, lower, upper, factor: float):
    """The naive peer's own reading of the intervals (the same rule as the library's, written out again)."""
    v = point.to_numpy()
    lo = np.where(np.isnan(lower.to_numpy()), v, lower.to_numpy())
    hi = np.where(np.isnan(upper.to_numpy()), v, upper.to_numpy())
    up_open, down_open = np.isposinf(hi), np.isneginf(lo)
    hi = np.where(up_open, np.where(lo > 0, lo * factor, lo / factor), hi)
    lo = np.where(down_open, np.where(hi > 0, hi / factor, hi * factor), lo)
    return lo, hi


def step_naive(p: dict) -> dict:
    import pandas as pd

    from sectorscope.analytics.composite import AGGREGATIONS, NORMALISATIONS, normalise, rank, score, weights

    point, lower, upper, spec, _ = mc_data()
    lo, hi = _closed_bounds(point, lower, upper, spec.open_bound_factor)
    k = len(spec.indicators)
    rng = np.random.default_rng(2)

    def run(draws: int) -> np.ndarray:
        ranks = np.empty((draws, len(point)))
        for d in range(draws):
            x = pd.DataFrame(lo + rng.random(lo.shape) * (hi - lo), index=point.index, columns=point.columns)
            norm = str(rng.choice(NORMALISATIONS))
            agg = str(rng.choice(AGGREGATIONS))
            wgt = str(rng.choice(["equal", "pca"]))
            nominal = weights(normalise(x, norm, spec.directions), wgt)
            w = nominal * rng.gamma(spec.weight_concentration, 1 / spec.weight_concentration, k)
            sp = replace(spec, normalisation=norm, aggregation=agg, weighting="expert",
                         expert_weights=(w / w.sum()).to_dict())
            ranks[d] = rank(score(x, sp)).to_numpy()
        return ranks

    run(5)  # warm-up
    with Meter() as m:
        ranks = run(p["draws"])
    return m.result(draws=p["draws"], median_rank=np.quantile(ranks, 0.5, axis=0, method="inverted_cdf").tolist())


def _mb(b: float | None) -> str:
    return "—" if b is None else f"{b / 1024 ** 2:,.0f}"


def section_monte_carlo(args: argparse.Namespace) -> list[str]:
    D, M = args.draws, args.naive_draws
    main = run_child(__file__, "mc", draws=D, sensitivity_draws=0)
    full = run_child(__file__, "mc", draws=D, sensitivity_draws=None)
    naive = run_child(__file__, "naive", draws=M)
    rows, notes = [], []
    per_naive = naive["seconds"] / M if "error" not in naive else None

    def row(label: str, r: dict, evaluations: int | None = None, extrapolated: bool = False) -> list[str]:
        if "error" in r:
            return [label, "—", "—", "failed", "—", "—", "—"]
        ev = evaluations if evaluations is not None else r["evaluations"]
        secs = r["seconds"] if not extrapolated else per_naive * ev
        vs = "1×" if extrapolated else (f"{per_naive * ev / secs:,.0f}× faster" if per_naive else "—")
        return [label, f"{r['draws']:,}" if not extrapolated else f"{D:,}", f"{ev:,}",
                f"{secs:,.2f}" + (" (extrapolated)" if extrapolated else ""), f"{ev / secs:,.0f}",
                "—" if extrapolated else f"{_mb(r['peak_rss'])} ({_mb(r['peak_rss'] - r['base_rss'])})", vs]

    rows.append(row("sectorscope `uncertainty()`, main draws only (`sensitivity_draws=0`)", main))
    rows.append(row("sectorscope `uncertainty()`, with the sensitivity analysis (default)", full))
    if "error" not in naive:
        rows.append(row(f"naive peer: Python loop, `score()` per draw — measured on {M:,} draws in "
                        f"{naive['seconds']:.2f} s, ×{D / M:,.0f} to {D:,} draws", naive, evaluations=D,
                        extrapolated=True))
        rows.append(["naive peer, as measured", f"{M:,}", f"{M:,}", f"{naive['seconds']:,.2f}",
                     f"{M / naive['seconds']:,.0f}",
                     f"{_mb(naive['peak_rss'])} ({_mb(naive['peak_rss'] - naive['base_rss'])})", "—"])
    else:
        rows.append(["naive peer", f"{M:,}", "—", "failed", "—", "—", "—"])

    head = ["run", "draws", "evaluations", "seconds", "evaluations / s", "peak MB (above start)",
            "vs naive (same evaluations)"]
    md = ["## Monte-Carlo", "",
          f"`composite.uncertainty` over {MC_UNITS} units × {MC_INDICATORS} indicators, {D:,} draws; default "
          "alternatives (4 normalisations × 2 aggregations × equal / PCA weights = 16 combinations), weights "
          "perturbed (κ = 50), data sampled within intervals.", "",
          "| " + " | ".join(head) + " |", "|---|---:|---:|---:|---:|---:|---:|"]
    md += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    md.append("")
    md.append("An evaluation is one draw scored and ranked: the main draws plus, with sensitivity, the "
              "pick-freeze draws (D/4 per factor that varies). The naive peer is timed on "
              f"{M:,} draws and extrapolated linearly (its cost per draw is constant); \"vs naive\" compares "
              "with the naive cost of the same number of evaluations.")
    md.append("")
    if "error" not in full:
        c = full["cells"]
        notes.append(f"data: {c['interval']:,} rounding intervals, {c['at_least']:,} lower bounds (以上), "
                     f"{c['at_most']:,} upper bounds (以下), {c['missing']:,} missing cells of "
                     f"{MC_UNITS * MC_INDICATORS:,}")
        notes.append(f"median width of the units' rank intervals: 80 % {full['width80']:.1f} ranks, "
                     f"95 % {full['width95']:.1f} ranks")
        notes += full["notes"]
        md += ["Sensitivity (first-order share of rank variance, pooled over units) from the full run:", "",
               "| factor | varied | levels | first order | mean over units | pairs |",
               "|---|---|---|---:|---:|---:|"]
        for f, varied, levels, fo, fm, pairs in full["sensitivity"]:
            md.append(f"| {f} | {'yes' if varied else 'no'} | {levels} | {fo:.3f} | {fm:.3f} | {pairs:,} |")
        md.append("")
    if "error" not in naive and "error" not in main:
        a, b = np.array(main["median_rank"]), np.array(naive["median_rank"])
        ok = ~np.isnan(a) & ~np.isnan(b)
        notes.append(f"sanity check: the naive peer's median ranks ({M:,} draws) are within "
                     f"{np.mean(np.abs(a[ok] - b[ok])):.1f} ranks of sectorscope's on average (different random "
                     f"draws, so not equal; Spearman ρ = {np.corrcoef(a[ok], b[ok])[0, 1]:.3f})")
    md += [f"- {n}" for n in notes]
    return md


# ================================================================================================
# section "derived indicators"
# ================================================================================================
DV_WORK = OUT / "analytics_work"
DV_GEN_VERSION = 1  # bump when the generator changes: a kept store of another version is rebuilt
DV_CHUNK = 1_000_000  # rows per Store.write (one vintage each)
DV_YEARS = tuple(range(2000, 2026))
DV_PRODUCTS = ("MEMS麦克风", "加速度计", "陀螺仪", "压力传感器", "微镜")
DV_SUBJECTS_PER_SOURCE = 50
DV_IND = ("output", "capacity", "unit_price")
DV_NAMES = ("产量", "产能", "平均单价")
DV_UNIT = ("个", "个", "元/个")
DV_UNIT_PRINTED = ("万个", "万个", "元/个")
DV_SCALE = (1e3, 1e3, 0.1)  # value (canonical unit) per printed tenth: 0.1 万个 = 1 000 个; 0.1 元/个
DV_TABLES = ("表1 产量与产能", "表1 产量与产能", "表2 平均单价")
DV_P_MISSING = 0.04  # of each (subject, product, year, indicator): not stated
DV_P_DUP = 0.01      # of output figures: stated a second time in the summary (摘要), half of them differently
DV_DERIVED = ("capacity_utilisation", "price_change")


def dv_codes(n: int, seed: int = SEED) -> dict:
    """Integer codes of exactly n observations (deterministic): per subject × product × year the output,
    capacity and unit price, 4 % of them missing, 1 % of the outputs stated again at 摘要."""
    rng = np.random.default_rng([seed, 7])
    ny, npr = len(DV_YEARS), len(DV_PRODUCTS)
    per_combo = 3 * (1 - DV_P_MISSING) + DV_P_DUP * (1 - DV_P_MISSING)
    combos = int(n / per_combo * 1.02) + ny * npr
    combos -= combos % (ny * npr)  # whole subjects
    c = np.arange(combos, dtype=np.int64)
    year, rest = c % ny, c // ny
    prod, subj = rest % npr, rest // npr
    cap10 = rng.integers(1_000, 100_000, combos)
    out10 = np.maximum(1, np.round(cap10 * rng.uniform(0.5, 0.98, combos)).astype(np.int64))
    base = rng.integers(500, 50_000, combos // ny).repeat(ny)  # a price level per subject × product
    price10 = np.maximum(1, np.round(base * np.exp(rng.normal(0, 0.08, combos))).astype(np.int64))
    present = rng.random((combos, 3)) >= DV_P_MISSING
    dup = (rng.random(combos) < DV_P_DUP) & present[:, 0]
    dup10 = np.where(rng.random(combos) < 0.5, out10, np.round(out10 * rng.uniform(0.9, 1.1, combos)).astype(np.int64))
    # rows: combo-major, then output, capacity, unit_price, duplicate output
    kind = np.tile(np.arange(4), combos)
    combo = np.repeat(c, 4)
    keep = np.concatenate([present, dup[:, None]], axis=1).ravel()
    kind, combo = kind[keep][:n], combo[keep][:n]
    if len(kind) < n:
        raise SystemExit(f"generator produced {len(kind):,} < {n:,} rows")
    v10 = np.stack([out10, cap10, price10, dup10], axis=1)[combo, kind]
    return {"kind": kind, "ind": np.where(kind == 3, 0, kind), "year": year[combo],
            "prod": prod[combo], "subj": subj[combo], "v10": v10, "n_subjects": int(subj[combo].max()) + 1}


def dv_frame(c: dict, lo: int, hi: int):
    """The store-ready frame (the columns `normalise_rows` returns) of rows lo:hi."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from sectorscope.model.observation import parse_period

    hi - lo
    ind, kind, year, prod, subj, v10 = (c[k][lo:hi] for k in ("ind", "kind", "year", "prod", "subj", "v10"))

    def take(values, codes):
        return pc.take(pa.array(list(values), pa.string()), pa.array(codes))

    smin, smax = int(subj.min()), int(subj.max())
    subjects = take([f"S{i + 1:05d}" for i in range(smin, smax + 1)], subj - smin)
    sources = take([f"dv-src-{k + 1:04d}" for k in range(smin // DV_SUBJECTS_PER_SOURCE,
                                                          smax // DV_SUBJECTS_PER_SOURCE + 1)],
                   subj // DV_SUBJECTS_PER_SOURCE - smin // DV_SUBJECTS_PER_SOURCE)
    period = take([str(y) for y in DV_YEARS], year)
    product = take(DV_PRODUCTS, prod)
    printed = pc.binary_join_element_wise(pc.cast(pa.array(v10 // 10), pa.string()), pa.scalar("."),
                                          pc.cast(pa.array(v10 % 10), pa.string()), "")
    uap = take(DV_UNIT_PRINTED, ind)
    cell = pc.binary_join_element_wise(take(DV_TABLES, ind), period, product, " / ")
    location = pc.if_else(pa.array(kind == 3), pa.scalar("摘要"), cell)
    quote = pc.binary_join_element_wise(period, pa.scalar("年"), subjects, product, take(DV_NAMES, ind),
                                        pa.scalar("为"), printed, uap, "")
    strs = pa.table({"subject": subjects, "product": product, "location": location, "indicator": take(DV_IND, ind),
                     "period": period, "source_id": sources, "unit": take(DV_UNIT, ind), "value_as_printed": printed,
                     "unit_as_printed": uap, "quote": quote,
                     "status": take(["actual", "estimate"], (np.array(DV_YEARS)[year] >= 2025).astype(np.int64)),
                     }).to_pandas()
    parsed = [parse_period(str(y)) for y in DV_YEARS]
    starts = np.array([x.start for x in parsed], dtype=object)
    ends = np.array([x.end for x in parsed], dtype=object)
    return observation_frame(strs, starts[year], ends[year], v10 * np.array(DV_SCALE)[ind])


def dv_paths(n: int) -> tuple[Path, Path]:
    return DV_WORK / f"derived_{n}.duckdb", DV_WORK / f"derived_{n}.json"


def step_dv_build(p: dict) -> dict:
    import pandas as pd
    from harness import rm

    from sectorscope.store import Batch, Store

    n = p["n"]
    path, meta = dv_paths(n)
    DV_WORK.mkdir(parents=True, exist_ok=True)
    rm(path)
    meta.unlink(missing_ok=True)
    t0 = time.perf_counter()
    c = dv_codes(n)
    n_sources = c["n_subjects"] // DV_SUBJECTS_PER_SOURCE + 1
    sources = pd.DataFrame([{
        "source_id": f"dv-src-{k + 1:04d}", "title": f"合成派生指标基准数据 {k + 1}",
        "title_en": f"Synthetic derived-indicator benchmark data {k + 1}", "publisher": "sectorscope",
        "published": datetime(2025, 6, 30).date(), "document": None, "document_sha256": None, "lang": "zh-Hans",
        "note": None} for k in range(n_sources)])
    store = Store(path)
    vintages = 0
    for k, lo in enumerate(range(0, n, DV_CHUNK)):
        hi = min(n, lo + DV_CHUNK)
        s = store.write(Batch(observations=dv_frame(c, lo, hi), sources=sources if k == 0 else None),
                        label=f"bench derived {k + 1}")
        assert s.n_new == hi - lo, (s.n_new, hi - lo)
        vintages += 1
        progress(f"  build {n:,}: rows {lo:,}-{hi:,} written")
    store.close()
    kinds = np.bincount(c["kind"], minlength=4)
    info = {"version": DV_GEN_VERSION, "rows": n, "subjects": c["n_subjects"], "sources": n_sources,
            "vintages": vintages, "output": int(kinds[0]), "capacity": int(kinds[1]), "unit_price": int(kinds[2]),
            "duplicates": int(kinds[3]), "seconds": time.perf_counter() - t0, "file_bytes": path.stat().st_size}
    meta.write_text(json.dumps(info), encoding="utf-8")
    return info


def step_dv_sectorscope(p: dict) -> dict:
    import sectorscope.analytics.derived as dmod
    from sectorscope.audit.engine import rules_of
    from sectorscope.model.catalog import load_catalog
    from sectorscope.store import Store

    path, _ = dv_paths(p["n"])
    catalog = load_catalog()
    derivations = [d for d in catalog.derivations() if d.indicator in DV_DERIVED]
    spent = {"derived_rows": 0.0}
    orig = dmod.derived_rows

    def timed_rows(*a, **k):  # where the time goes: the per-row Python part vs the SQL part
        t = time.perf_counter()
        try:
            return orig(*a, **k)
        finally:
            spent["derived_rows"] += time.perf_counter() - t

    dmod.derived_rows = timed_rows
    with Meter() as m:
        store = Store(path)
        figs = dmod.figures_with_intervals(store.observations(), rules_of(store).settings)
        out = dmod.derive(figs, catalog, derivations=derivations)
    # untimed: the size of the SQL Ibis generates for each derivation (what DuckDB has to parse and plan)
    import ibis

    sql_chars = {d.indicator: len(ibis.to_sql(dmod._expression(figs, d, dict(d.params)))) for d in derivations}
    store.close()
    res = out[["indicator", "subject", "product", "period", "value", "bound_low", "bound_high"]].copy()
    res["i0"] = [ids[0] for ids in out["input_ids"]]
    res["i1"] = [ids[1] for ids in out["input_ids"]]
    res.to_parquet(DV_WORK / f"result_sectorscope_{p['n']}.parquet")
    return m.result(rows=len(out), by_indicator=out["indicator"].value_counts().to_dict(),
                    derived_rows_seconds=spent["derived_rows"], sql_chars=sql_chars,
                    open_or_missing_bounds=int((out["bound_low"].isna() | out["bound_high"].isna()).sum()))


def dv_peer_sql() -> str:
    from sectorscope.model.observation import DIMENSIONS

    dims = [d for d in DIMENSIONS if d != "subject"]
    sel = ", ".join(f"coalesce({d}, '') AS {d}" for d in dims)
    on = " AND ".join(f"a.{d} = b.{d}" for d in ("source_id", "subject", *dims))
    part = ", ".join(f"a.{d}" for d in ("source_id", "subject", *dims, "period"))
    out_cols = ", ".join(f"a.{d}" for d in ("subject", *dims, "period"))

    def choice(same: str) -> str:  # the library's pick among candidates: inputs from the first's table, then ids
        return f"row_number() OVER (PARTITION BY {part} ORDER BY {same} DESC, a.obs_id + b.obs_id)"

    same = "(CASE WHEN a.tbl <> '' THEN 1 ELSE 0 END) + (CASE WHEN a.tbl <> '' AND b.tbl = a.tbl THEN 1 ELSE 0 END)"
    return f"""
WITH latest AS (  -- as of the latest vintage: the newest row per figure key
    SELECT obs_id, indicator, source_id, subject, {sel}, period, value, status, withdrawn,
           CASE WHEN starts_with(coalesce(location, ''), '表') THEN split_part(location, ' / ', 1) ELSE '' END AS tbl
    FROM observations
    WHERE indicator IN ('output', 'capacity', 'unit_price')
    QUALIFY row_number() OVER (PARTITION BY obs_key ORDER BY vintage_id DESC) = 1
),
cur AS MATERIALIZED (SELECT * FROM latest WHERE NOT withdrawn AND status <> 'derived'),
util AS (
    SELECT 'capacity_utilisation' AS indicator, {out_cols}, a.obs_id AS i0, b.obs_id AS i1,
           a.value / b.value * 100 AS value, {choice(same)} AS rn
    FROM cur a JOIN cur b ON {on} AND a.period = b.period
    WHERE a.indicator = 'output' AND b.indicator = 'capacity'
),
price AS (
    SELECT 'price_change' AS indicator, {out_cols}, a.obs_id AS i0, b.obs_id AS i1,
           (a.value / b.value - 1) * 100 AS value, {choice(same)} AS rn
    FROM cur a JOIN cur b ON {on} AND b.period = CAST(CAST(a.period AS BIGINT) - 1 AS VARCHAR)
    WHERE a.indicator = 'unit_price' AND b.indicator = 'unit_price' AND regexp_matches(a.period, '^\\d{{4}}$')
)
SELECT indicator, subject, product, period, value, i0, i1 FROM util WHERE rn = 1 AND value IS NOT NULL
UNION ALL
SELECT indicator, subject, product, period, value, i0, i1 FROM price WHERE rn = 1 AND value IS NOT NULL
"""


def step_dv_peer(p: dict) -> dict:
    import duckdb

    path, _ = dv_paths(p["n"])
    sql = dv_peer_sql()
    with Meter() as m:
        con = duckdb.connect(str(path), read_only=True)
        out = con.sql(sql).df()
        con.close()
    out.to_parquet(DV_WORK / f"result_peer_{p['n']}.parquet")
    return m.result(rows=len(out), by_indicator=out["indicator"].value_counts().to_dict())


def dv_compare(n: int) -> dict:
    """Rows matched on (indicator, input ids); the largest absolute difference of the point values."""
    import duckdb

    a, b = DV_WORK / f"result_sectorscope_{n}.parquet", DV_WORK / f"result_peer_{n}.parquet"
    r = duckdb.sql(f"""
        SELECT count(*) FILTER (WHERE s.i0 IS NOT NULL AND p.i0 IS NOT NULL) AS both,
               count(*) FILTER (WHERE p.i0 IS NULL) AS only_sectorscope,
               count(*) FILTER (WHERE s.i0 IS NULL) AS only_peer,
               max(abs(s.value - p.value)) AS max_abs,
               max(abs(s.value - p.value) / nullif(abs(p.value), 0)) AS max_rel,
               count(*) FILTER (WHERE s.i0 IS NOT NULL AND p.i0 IS NOT NULL
                                AND (s.subject <> p.subject OR s.period <> p.period
                                     OR coalesce(s.product, '') <> p.product)) AS key_mismatch,
               count(*) FILTER (WHERE s.value < s.bound_low - 1e-9 OR s.value > s.bound_high + 1e-9) AS outside
        FROM '{a}' s FULL JOIN '{b}' p ON s.indicator = p.indicator AND s.i0 = p.i0 AND s.i1 = p.i1
    """).fetchone()
    return dict(zip(("both", "only_sectorscope", "only_peer", "max_abs", "max_rel", "key_mismatch", "outside"), r, strict=False))


def section_derived(args: argparse.Namespace) -> list[str]:
    rows, notes = [], []
    load_start = os.getloadavg()[0]
    for n in args.sizes:
        path, meta = dv_paths(n)
        info = None
        if args.keep and path.exists() and meta.exists():
            info = json.loads(meta.read_text(encoding="utf-8"))
            if info.get("version") != DV_GEN_VERSION or info.get("rows") != n:
                info = None
            else:
                progress(f"reusing {path}")
        if info is None:
            info = run_child(__file__, "dv_build", n=n)
            if "error" in info:
                rows.append([f"{n:,}"] + ["build failed"] + ["—"] * 8)
                continue
            notes.append(f"{n:,}: store built in {info['seconds']:.0f} s ({info['vintages']} vintages, "
                         f"{info['file_bytes'] / 1024 ** 2:,.0f} MB)")
        s = run_child(__file__, "dv_sectorscope", n=n)
        q = run_child(__file__, "dv_peer", n=n)
        cmp = dv_compare(n) if "error" not in s and "error" not in q else None
        notes.append(f"{n:,}: {info['subjects']:,} subjects, {info['sources']:,} sources; {info['output']:,} "
                     f"output, {info['capacity']:,} capacity, {info['unit_price']:,} unit-price figures, "
                     f"{info['duplicates']:,} outputs stated twice (摘要)")
        if "error" not in s:
            notes.append(f"{n:,}: of sectorscope's {s['seconds']:.1f} s, {s['derived_rows_seconds']:.1f} s in "
                         "`derived_rows` (the per-row pandas/Python part: clipping, qualifiers, printed values, "
                         "input-id lists); the rest is the Ibis → DuckDB SQL and fetching; the SQL Ibis generates "
                         "is " + ", ".join(f"{k} {v / 1000:,.0f} kB" for k, v in s.get("sql_chars", {}).items())
                         + " (the interval stages inlined into each other), which DuckDB parses and plans on "
                         "every call: a fixed cost of seconds per derivation, most of the time at 100 k")
        if cmp:
            notes.append(f"{n:,}: matched on (indicator, input ids): {cmp['both']:,} in both, "
                         f"{cmp['only_sectorscope']:,} only in sectorscope, {cmp['only_peer']:,} only in the peer, "
                         f"{cmp['key_mismatch']:,} with different subject/product/period; max relative "
                         f"|Δ| {cmp['max_rel'] or 0:.1e}; sectorscope values outside their own interval: "
                         f"{cmp['outside']:,}")

        def fmt(r: dict, k: str) -> str:
            return "failed" if "error" in r else (f"{r[k]:,.2f}" if k == "seconds" else f"{r[k]:,}")

        ratio = f"{s['seconds'] / q['seconds']:.1f}×" if "error" not in s and "error" not in q else "—"
        rows.append([f"{n:,}", fmt(s, "seconds"), fmt(q, "seconds"), ratio,
                     "—" if "error" in s else f"{_mb(s['peak_rss'])} ({_mb(s['peak_rss'] - s['base_rss'])})",
                     "—" if "error" in q else f"{_mb(q['peak_rss'])} ({_mb(q['peak_rss'] - q['base_rss'])})",
                     fmt(s, "rows"), fmt(q, "rows"),
                     "—" if cmp is None or cmp["max_abs"] is None else f"{cmp['max_abs']:.1e}"])
    load_end = os.getloadavg()[0]
    head = ["observations", "sectorscope s", "peer s", "ratio", "sectorscope peak MB (above start)",
            "peer peak MB (above start)", "sectorscope rows", "peer rows", "max \\|Δ\\| of values"]
    md = ["## derived indicators", "",
          "`derive()` of the catalog's `capacity_utilisation` (output / capacity × 100) and `price_change` "
          "((unit_price / lag(unit_price) − 1) × 100) over a synthetic store, timed from opening the store: "
          "`figures_with_intervals(store.observations(), rules_of(store).settings)` then `derive(...)`, "
          "which returns point values *and* rounding intervals, lineage (formula, input ids) and the choice "
          "among candidate inputs, as a pandas frame. Peer: one hand-written DuckDB SQL statement on the "
          "same file (read-only): latest row per obs_key, output/capacity × 100 joined on source, subject, "
          "every dimension and period, price change joined with the previous year, the same choice among "
          "candidates (same table first, then lowest ids), fetched as a pandas frame — **point values only: "
          "the peer computes no intervals and no lineage**. Each side in its own fresh subprocess, one run each "
          "(no warm-up run; imports done before timing).", "",
          "| " + " | ".join(head) + " |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    md.append("")
    md.append("Data: per subject × product (5) × year (2000–2025) the output and capacity (万个, one decimal) and "
              "the unit price (元/个, one decimal), 4 % of each missing, 1 % of outputs stated again in the "
              f"summary (摘要, half of them with a different value); {DV_SUBJECTS_PER_SOURCE} subjects a source; "
              "written with `Store.write` in batches of 1 M rows (one vintage each). ratio = sectorscope / peer.")
    md.append("")
    busy = [ln for ln in _other_jobs()]
    if busy or max(load_start, load_end) > 1.0:
        notes.append(f"timings taken with another job running on this {os.cpu_count()}-core machine "
                     f"(1-min load average {load_start:.2f} at the start of the section, {load_end:.2f} at the "
                     f"end{'; ' + ', '.join(busy) if busy else ''}), so they are noisy")
    md += [f"- {x}" for x in notes]
    return md


def _other_jobs() -> list[str]:
    """Other benchmark or test processes running now (e.g. benchmarks/audit.py, pytest), by command line."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) == os.getpid():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if ("benchmarks/" in cmd or "pytest" in cmd) and "analytics.py" not in cmd and "timeout" not in cmd:
            found.append(" ".join(Path(x).name if "/" in x else x for x in cmd.split()[:3]))
    return sorted(set(found))


# ================================================================================================
# the sections, and the child-process steps they use
# ================================================================================================
# ---- SECTIONS: add a section here as (title, function(args) -> Markdown lines). ----
# The second section, "derived indicators over 10 M observations", goes after "Monte-Carlo"; register any
# subprocess step it needs in STEPS below (run it with harness.run_child(__file__, "<step>", **params)).
SECTIONS: list[tuple[str, Callable[[argparse.Namespace], list[str]]]] = [
    ("Monte-Carlo", section_monte_carlo),
    ("derived indicators", section_derived),
]

STEPS: dict[str, Callable[[dict], dict]] = {
    "mc": step_mc,
    "naive": step_naive,
    "dv_build": step_dv_build,
    "dv_sectorscope": step_dv_sectorscope,
    "dv_peer": step_dv_peer,
}


def _library_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    files = [ln[3:] for ln in dirty if ln.strip()]
    return f"at {head}" + (f" + uncommitted changes in {', '.join(files)}" if files else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=None, help="Monte-Carlo draws (default 10 000; --quick 1 000)")
    ap.add_argument("--naive-draws", type=int, default=None,
                    help="draws the naive peer is timed on before extrapolating (default 200; --quick 50)")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: 1 000 draws, naive peer on 50, derived indicators on 100 000 observations")
    ap.add_argument("--sizes", type=int, nargs="+", default=None,
                    help="observations in the derived-indicator store (default 1 000 000 10 000 000)")
    ap.add_argument("--keep", action="store_true", help="reuse a derived-indicator store built earlier")
    ap.add_argument("--only", choices=["Monte-Carlo", "derived indicators"], default=None,
                    help="run one section only")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        res = STEPS[args.child[0]](json.loads(args.child[1]))
        print("RESULT " + json.dumps(res, default=str), flush=True)
        return
    args.draws = args.draws or (1_000 if args.quick else 10_000)
    args.naive_draws = args.naive_draws or (50 if args.quick else 200)
    args.sizes = args.sizes or ([100_000] if args.quick else [1_000_000, 10_000_000])

    import pandas as pd

    started = datetime.now(UTC)
    library = _library_state()
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    body: list[str] = []
    for title, fn in SECTIONS:
        if args.only and title != args.only:
            continue
        progress(f"section {title}")
        body += [*fn(args), ""]
    elapsed = time.perf_counter() - t0
    cmd = ("python benchmarks/analytics.py " + " ".join(sys.argv[1:])).strip()
    env = (f"sectorscope {library}; Python {platform.python_version()}, numpy {np.__version__}, pandas "
           f"{pd.__version__}, {os.cpu_count()} cores, {ram_gib():.0f} GiB RAM; 1-min load average "
           f"{load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after")
    md = [f"# Analytics benchmark — {started:%Y-%m-%d %H:%M} UTC", "", f"`{cmd}` ({elapsed:.0f} s; {env})", ""]
    md += body
    text = "\n".join(md).rstrip() + "\n"
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.only and (OUT / "analytics.md").exists():  # one section: appended to the earlier results
        with (OUT / "analytics.md").open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)
    else:
        (OUT / "analytics.md").write_text(text, encoding="utf-8")
    progress(f"written: {OUT / 'analytics.md'}")


if __name__ == "__main__":
    main()
