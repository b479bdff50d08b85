#!/usr/bin/env python
"""Audit benchmark: sectorscope's whole rule set against one hand-written DuckDB SQL pass.

    python benchmarks/audit.py [--sizes 1000000 10000000] [--repeat 3] [--quick] [--keep]

For each size N, in one run:

  build (untimed)   a store of exactly N synthetic observations, written with `Store.write` in batches of
                    1 M rows (each batch a vintage), plus the bench's own rules.yaml (part-whole
                    declarations for the synthetic data), also stored as a rule file.
  sectorscope       `audit(Store(path), rules=packaged_rules().merged(load_rules(yaml, "bench-rules.yaml")))`:
                    every rule (bounds, conflicts, growth/CAGR/difference vs levels, identities, table
                    difference columns, part-whole), findings built and consolidated.
  peer              one hand-written DuckDB SQL statement on the same file (read-only connection): the
                    latest row per obs_key (`row_number() over (partition by obs_key order by vintage_id
                    desc) = 1`, not withdrawn), each figure's interval computed the same way (half a unit of
                    the last printed decimal × value/printed, widened or opened by its qualifier), the
                    change rules (stated growth vs the growth computed from the same source's levels at p and
                    the same period a year earlier; any pair of candidate levels that agrees passes) and the
                    part-whole declarations (sum of the parts vs the whole or the declared total), returning
                    the failing rows. It does *less* than sectorscope: no bounds, conflicts, identities,
                    difference columns, finding texts or consolidation.

The data are synthetic and deterministic (numpy seed). Per subject (S00001, S00002, … as many as N needs;
each stated by one source, a source covering ten subjects) and per period (272: the years, quarters and
months of 2010–2025): the market size
(亿元, one decimal; value in 元) of the whole and of three products that add up to it, the three products'
market shares (%, one decimal, adding up to 100 within rounding), and for every period after 2010 the
year-on-year growth of the whole and of each product (%, one decimal, computed from the printed levels, so
consistent; 2 % of them printed as 约x%). Locations are table cells (`表1 市场规模(亿元) / 2015Q3 / 硬件`). The
rules file declares, per subject, `market_size` of the three products as complete parts of the whole
(`whole: {}`) and their `market_share` as complete parts of `total: 100` — two declarations a subject, so the
number of declarations grows with N (682 at 1 M, 6,840 at 10 M). About 0.1 % of the figures are then
made wrong: stated growths shifted by 3–10 points, product levels and totals off by 5–20 %, shares off by
2–5 points; 0.5 % of the totals are stated a second time (location 摘要), a tenth of those with a
different value. So there are growth, part-whole, conflict and single-figure findings.

Agreement: the obs_ids of sectorscope's growth / part-whole findings (and of the single-figure findings
that consolidate only such checks) must equal the obs_ids of the peer's failing rows (the change figure and
every candidate level; every whole and part); and, row for row, the failing change figures and failing
(declaration, source, period) groups of `checks.check_changes` / `checks.check_part_whole` (captured in an
instrumented audit run) must equal the peer's.

Each side runs in its own subprocess: one untimed warm-up, then --repeat timed runs (a fresh `Store` or
connection each), median wall time (time.perf_counter) reported. Peak MB is the subprocess's resident
high-water mark during the timed runs (reset through /proc/self/clear_refs before each). After the timed runs
the sectorscope process runs the audit once more with each check function wrapped in a timer: where the
time goes.

Prints a rich table and writes the same table as Markdown to benchmarks/out/audit.md (raw numbers in
benchmarks/out/audit.json). Exits 0 whether or not the 2× target is met: it reports, it does not assert.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import Meter, observation_frame
from harness import progress as _progress
from harness import ram_gib as _ram_gib
from harness import rm as _rm
from harness import run_child as _run

OUT = ROOT / "benchmarks" / "out"
WORK = OUT / "audit_work"

SEED = 20251123
GEN_VERSION = 2  # bump when the generator changes: a kept store of another version is rebuilt
CHUNK = 1_000_000  # rows per Store.write (one vintage each)
TARGET = 2.0

PRODUCTS = ("硬件", "软件", "服务")
SUBJECTS_PER_SOURCE = 10  # a source (report) covers ten subjects; each subject has one source
REGION = "中国"
YEARS = tuple(range(2010, 2026))
PERIODS = tuple(p for y in YEARS
                for p in (str(y), *(f"{y}Q{q}" for q in range(1, 5)), *(f"{y}-{m:02d}" for m in range(1, 13))))
# Row kinds per (subject, source, period): 0 total level, 1-3 product levels, 4-6 product shares,
# 7 total growth, 8-10 product growth.
N_KINDS = 11
IND_CODES = ("market_size", "market_share", "market_size_growth")
IND_NAMES = ("市场规模", "市场份额", "市场规模同比增长率")
KIND_IND = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
KIND_PROD = np.array([-1, 0, 1, 2, 0, 1, 2, -1, 0, 1, 2])  # -1: the whole (no product)
PERIOD_TEXT = tuple(f"{p}年" if len(p) == 4 else (f"{p[:4]}年第{p[5]}季度" if "Q" in p else f"{p[:4]}年{int(p[5:])}月")
                    for p in PERIODS)
TABLES = ("表1 市场规模(亿元)", "表2 市场份额(%)", "表3 同比增长率(%)")
UNITS = ("元", "%", "%")
UNITS_PRINTED = ("亿元", "%", "%")

# Share of figures made wrong, by kind of error.
P_GROWTH = 0.0005   # of growth figures: shifted by 3-10 points
P_PART = 0.0005     # of product levels: off by 5-20 %
P_TOTAL = 0.0003    # of totals: off by 5-20 %
P_SHARE = 0.0003    # of shares: off by 2-5 points
P_ABOUT = 0.02      # of growth figures: printed as 约x% (qualifier about)
P_DUP = 0.005       # of all rows: a total stated a second time (location 摘要)
P_DUP_CONFLICT = 0.1  # of those: with a different value


# ================================================================================================
# synthetic data
# ================================================================================================
def _period_tables():
    from sectorscope.model.observation import parse_period

    year = np.array([int(p[:4]) for p in PERIODS])
    div = np.array([1.0 if len(p) == 4 else (4.0 if "Q" in p else 12.0) for p in PERIODS])
    index = {p: i for i, p in enumerate(PERIODS)}
    prev = np.array([index.get(str(int(p[:4]) - 1) + p[4:], -1) for p in PERIODS])
    parsed = [parse_period(p) for p in PERIODS]
    starts = np.array([x.start for x in parsed], dtype=object)
    ends = np.array([x.end for x in parsed], dtype=object)
    return year, div, prev, starts, ends


def rows_per_subject() -> int:
    _, _, prev, _, _ = _period_tables()
    return len(PERIODS) * 7 + int((prev >= 0).sum()) * 4


def subject_name(i: int) -> str:
    return f"S{i + 1:05d}"


def source_id(k: int) -> str:
    return f"bench-audit-{k + 1:04d}"


def generate_codes(n: int) -> dict:
    """Integer codes of exactly n rows (subject, source, period, kind, printed value in tenths, qualifier,
    duplicate flag) and what was injected."""
    year, div, prev, _, _ = _period_tables()
    n_dup = round(n * P_DUP)
    n_base = n - n_dup
    ns = math.ceil(n_base / rows_per_subject())
    P = len(PERIODS)
    rng = np.random.default_rng(SEED)
    base = rng.uniform(2000, 20000, (ns, 3))  # tenths of 亿元 a year
    gr = rng.uniform(0.97, 1.20, (ns, 3))
    noise = rng.normal(0.0, 0.04, (ns, P, 3))
    lv = base[:, None, :] * gr[:, None, :] ** (year - YEARS[0])[None, :, None] / div[None, :, None]
    parts = np.maximum(np.rint(lv * (1 + noise)), 10).astype(np.int64)
    del lv, noise
    levels = np.concatenate([parts.sum(-1, keepdims=True), parts], axis=-1)  # (ns, P, 4): total, products
    shares = np.rint(parts / levels[..., :1] * 1000).astype(np.int64)
    pc = np.where(prev >= 0, prev, 0)
    growth = np.rint((levels / levels[:, pc, :] - 1) * 1000).astype(np.int64)
    v10 = np.concatenate([levels, shares, growth], axis=-1).reshape(-1)  # (ns, P, 11) flattened
    del parts, levels, shares, growth

    idx = np.arange(v10.size, dtype=np.int64)
    kind = idx % N_KINDS
    per = (idx // N_KINDS) % P
    keep = ~((kind >= 7) & (prev[per] < 0))
    rows = np.flatnonzero(keep)[:n_base]
    assert len(rows) == n_base, (len(rows), n_base)
    kind, per, v10 = kind[rows], per[rows], v10[rows].copy()
    subj = rows // (N_KINDS * P)
    src = subj // SUBJECTS_PER_SOURCE
    del idx, keep, rows

    r = np.random.default_rng([SEED, 1])
    qual = np.zeros(n_base, dtype=np.int8)
    injected = {}

    def pick(mask, p):
        cand = np.flatnonzero(mask)
        return np.sort(r.choice(cand, size=round(len(cand) * p), replace=False))

    is_growth = kind >= 7
    m = pick(is_growth, P_GROWTH)
    v10[m] += r.choice([-1, 1], len(m)) * r.integers(30, 101, len(m))
    injected["growth shifted"] = len(m)
    for label, mask, p in (("product level off", (kind >= 1) & (kind <= 3), P_PART), ("total off", kind == 0, P_TOTAL)):
        m = pick(mask, p)
        v10[m] = np.maximum(np.rint(v10[m] * (1 + r.choice([-1, 1], len(m)) * r.uniform(0.05, 0.2, len(m)))), 10)
        injected[label] = len(m)
    m = pick((kind >= 4) & (kind <= 6), P_SHARE)
    v10[m] = np.clip(v10[m] + r.choice([-1, 1], len(m)) * r.integers(20, 51, len(m)), 0, 1000)
    injected["share off"] = len(m)
    m = pick(is_growth, P_ABOUT)
    qual[m] = 1
    injected["growth printed 约"] = len(m)

    # a second statement of some totals, a tenth of them different
    d = np.sort(r.choice(np.flatnonzero(kind == 0), size=n_dup, replace=False))
    dv = v10[d].copy()
    c = r.random(n_dup) < P_DUP_CONFLICT
    dv[c] = np.maximum(np.rint(dv[c] * (1 + r.choice([-1, 1], int(c.sum())) * r.uniform(0.1, 0.3, int(c.sum())))), 10)
    injected["total stated twice"] = n_dup
    injected["… with another value"] = int(c.sum())

    def cat(a, b):
        return np.concatenate([a, b])

    return {
        "subj": cat(subj, subj[d]), "src": cat(src, src[d]), "per": cat(per, per[d]), "kind": cat(kind, kind[d]),
        "v10": cat(v10, dv), "qual": cat(qual, qual[d]), "dup": cat(np.zeros(n_base, bool), np.ones(n_dup, bool)),
        "n_subjects": ns, "injected": injected,
    }


def _printed(v10: np.ndarray):
    """'-12.3' from -123: one decimal, as a report prints it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = np.abs(v10)
    sign = pa.array(np.where(v10 < 0, "-", ""), pa.string())
    return pc.binary_join_element_wise(sign, pc.cast(pa.array(a // 10), pa.string()), pa.scalar("."),
                                       pc.cast(pa.array(a % 10), pa.string()), "")


def frame_chunk(c: dict, lo: int, hi: int):
    """The store-ready frame (what `normalise_rows` would return) of rows lo:hi."""
    import pyarrow as pa
    import pyarrow.compute as pc

    year, _, _, starts, ends = _period_tables()
    subj, src, per, kind = c["subj"][lo:hi], c["src"][lo:hi], c["per"][lo:hi], c["kind"][lo:hi]
    v10, qual, dup = c["v10"][lo:hi], c["qual"][lo:hi], c["dup"][lo:hi]
    n = hi - lo
    ind = KIND_IND[kind]
    prod = KIND_PROD[kind]

    def take(values, codes):
        return pc.take(pa.array(list(values), pa.string()), pa.array(codes))

    subjects = take([subject_name(i) for i in range(int(subj.max()) + 1)], subj)
    period = take(PERIODS, per)
    printed = _printed(v10)
    product = take([*PRODUCTS, None], np.where(prod < 0, len(PRODUCTS), prod))
    col = take([*PRODUCTS, "合计"], np.where(prod < 0, len(PRODUCTS), prod))
    uap = take(UNITS_PRINTED, ind)
    cell = pc.binary_join_element_wise(take(TABLES, ind), period, col, " / ")
    location = pc.if_else(pa.array(dup), pa.scalar("摘要"), cell)
    quote = pc.binary_join_element_wise(take(PERIOD_TEXT, per), subjects, col, take(IND_NAMES, ind), pa.scalar("为"),
                                        take(["", "约"], qual), printed, uap, "")
    strs = pa.table({
        "subject": subjects, "region": pa.array(np.full(n, REGION, dtype=object), pa.string()), "product": product,
        "location": location, "indicator": take(IND_CODES, ind), "period": period,
        "status": take(["actual", "estimate"], (year[per] >= 2025).astype(np.int64)),
        "source_id": take([source_id(k) for k in range(int(src.max()) + 1)], src),
        "qualifier": take(["exact", "about"], qual.astype(np.int64)),
        "unit": take(UNITS, ind), "value_as_printed": printed, "unit_as_printed": uap, "quote": quote,
    }).to_pandas()
    value = np.where(ind == 0, v10 * 1e7, v10 / 10.0)  # 亿元 → 元; % as printed
    return observation_frame(strs, starts[per], ends[per], value)


def rules_yaml(n_subjects: int) -> str:
    """The bench's rules.yaml: per subject, products as complete parts of the market and of 100 %."""
    parts = "\n".join(f"      - {{product: {p}}}" for p in PRODUCTS)
    out = ["# Part-whole declarations of the synthetic audit benchmark (benchmarks/audit.py).", "part_whole:"]
    for i in range(n_subjects):
        s = subject_name(i)
        out += [f"  - name: {s} 市场规模按产品", "    indicator: market_size", f"    subject: {s}", "    whole: {}",
                "    complete: true", "    parts:", parts,
                f"  - name: {s} 市场份额按产品", "    indicator: market_share", f"    subject: {s}", "    total: 100",
                "    complete: true", "    parts:", parts]
    return "\n".join(out) + "\n"


def load_bench_rules(text: str):
    from sectorscope.model.rules import load_rules, packaged_rules

    return packaged_rules().merged(load_rules(text, "bench-rules.yaml"))


# ================================================================================================
# measuring inside a child
# ================================================================================================


def _timed_runs(fn, repeat: int) -> tuple[list[float], int | None, object]:
    """One untimed warm-up, then `repeat` timed runs: (seconds, peak RSS over the timed runs, last result)."""
    res = fn()
    times, peak = [], None
    for _ in range(repeat):
        res = None
        with Meter() as m:
            res = fn()
        times.append(m.seconds)
        peak = m.peak if peak is None else max(peak, m.peak)
    return times, peak, res


# ================================================================================================
# child steps
# ================================================================================================
def step_build(p: dict) -> dict:
    import pandas as pd

    from sectorscope.store import Batch, Store

    n, path = p["n"], Path(p["store"])
    _rm(path)
    t0 = time.perf_counter()
    c = generate_codes(n)
    t_gen = time.perf_counter() - t0
    text = rules_yaml(c["n_subjects"])
    Path(p["rules"]).write_text(text, encoding="utf-8")
    sources = pd.DataFrame([{
        "source_id": s, "title": f"合成审计基准数据 {k + 1}", "title_en": f"Synthetic audit benchmark data {k + 1}",
        "publisher": "sectorscope", "published": datetime(2025, 6, 30).date(), "document": None,
        "document_sha256": None, "lang": "zh-Hans", "note": None}
        for k, s in enumerate(source_id(k) for k in range(math.ceil(c["n_subjects"] / SUBJECTS_PER_SOURCE)))])
    rule_files = pd.DataFrame([{"name": "bench-rules.yaml", "text": text,
                                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}])
    writes = []
    store = Store(path)
    for k, lo in enumerate(range(0, n, CHUNK)):
        hi = min(n, lo + CHUNK)
        df = frame_chunk(c, lo, hi)
        t1 = time.perf_counter()
        s = store.write(Batch(observations=df, sources=sources if k == 0 else None,
                              rule_files=rule_files if k == 0 else None), label=f"bench audit {k + 1}")
        writes.append(time.perf_counter() - t1)
        assert s.n_new == hi - lo, (s.n_new, hi - lo)
        del df
        _progress(f"  build {n:,}: rows {lo:,}-{hi:,} written ({writes[-1]:.1f}s)")
    store.close()
    return {"rows": n, "n_subjects": c["n_subjects"], "n_declarations": 2 * c["n_subjects"],
            "injected": c["injected"], "vintages": len(writes), "generate_seconds": t_gen,
            "write_seconds": sum(writes), "seconds": time.perf_counter() - t0, "file_bytes": path.stat().st_size,
            "gen_version": GEN_VERSION, "seed": SEED}


_CHANGE_RULES = ("growth", "cagr", "difference")


def _agreement_ids(findings) -> tuple[set[int], int]:
    """obs_ids of the findings the peer's checks cover: change and part-whole findings, and single-figure
    findings that consolidate only those. Returns (ids, number of single-figure findings left out)."""
    ids, mixed = set(), 0
    for f in findings:
        if f.rule in (*_CHANGE_RULES, "part_whole"):
            ids |= set(f.obs_ids)
        elif f.rule == "single_figure":
            parts = [x.strip() for x in f.check.split(",")]
            if all(x.split(":")[0] in (*_CHANGE_RULES, "part_whole") for x in parts):
                ids |= set(f.obs_ids)
            else:
                mixed += 1
    return ids, mixed


_MISSING = object()


def step_sectorscope(p: dict) -> dict:
    import traceback

    from ibis.backends.duckdb import Backend as IbisDuckDB

    from sectorscope.audit import audit, checks
    from sectorscope.model.catalog import load_catalog
    from sectorscope.store import Store

    t0 = time.perf_counter()
    rules = load_bench_rules(Path(p["rules"]).read_text(encoding="utf-8"))
    t_rules = time.perf_counter() - t0
    load_catalog()

    def run():
        store = Store(p["store"])
        try:
            return audit(store, rules=rules)
        finally:
            store.close()

    times, peak, res = _timed_runs(run, p["repeat"])
    ids, mixed = _agreement_ids(res.findings)
    Path(p["ids"]).write_text(json.dumps(sorted(ids)), encoding="utf-8")
    out = {"seconds": statistics.median(times), "times": times, "peak_rss": peak, "rules_seconds": t_rules,
           "n_figures": res.n_figures, "vintage": res.vintage_id, "findings": len(res.findings),
           "by_rule": res.counts(), "agreement_ids": len(ids), "mixed_single_figure": mixed}

    # One more run, instrumented: every statement the audit sends to DuckDB timed and labelled with the line of
    # sectorscope that sent it (so the profile does not depend on the engine's internals), Ibis's time compiling
    # expressions to SQL, and the raw failing rows of the change and part-whole checks.
    sites: dict[str, list] = {}
    comp = [0.0, 0]
    frames: dict[str, object] = {}
    saved: list[tuple] = []
    depth = {"q": 0, "c": 0}

    def patch(owner, name, make):
        saved.append((owner, name, vars(owner).get(name, _MISSING)))
        setattr(owner, name, make(getattr(owner, name)))

    def site() -> str:
        for fr in reversed(traceback.extract_stack()[:-2]):
            if f"{os.sep}sectorscope{os.sep}" in fr.filename:
                code = (fr.line or "").strip().replace("|", "\\|")
                code = code if len(code) <= 70 else code[:67] + "..."
                return f"{Path(fr.filename).parent.name}/{Path(fr.filename).name}:{fr.lineno} {fr.name}: `{code}`"
        return "?"

    def query(kind):
        def make(orig):
            def timed(*a, **k):
                depth["q"] += 1
                t = time.perf_counter()
                try:
                    return orig(*a, **k)
                finally:
                    depth["q"] -= 1
                    if depth["q"] == 0:
                        rec = sites.setdefault(f"{kind}{site()}", [0.0, 0])
                        rec[0] += time.perf_counter() - t
                        rec[1] += 1
            return timed
        return make

    def compiling(orig):
        def timed(*a, **k):
            depth["c"] += 1
            t = time.perf_counter()
            try:
                return orig(*a, **k)
            finally:
                depth["c"] -= 1
                if depth["c"] == 0:
                    comp[0] += time.perf_counter() - t
                    comp[1] += 1
        return timed

    def capture(name):
        def make(orig):
            def f(*a, **k):
                frames[name] = r = orig(*a, **k)
                return r
            return f
        return make

    patch(IbisDuckDB, "execute", query(""))
    patch(IbisDuckDB, "create_table", query("CREATE TABLE (cache) ← "))
    patch(IbisDuckDB, "compile", compiling)
    for name in ("check_changes", "check_part_whole"):
        if hasattr(checks, name):
            patch(checks, name, capture(name))
    gc.collect()
    t0 = time.perf_counter()
    try:
        run()
    finally:
        for owner, name, orig in reversed(saved):
            if orig is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, orig)
    total = time.perf_counter() - t0
    out["profile"] = {"total": total, "queries": sorted(([k, v[0], v[1]] for k, v in sites.items()),
                                                        key=lambda x: -x[1]),
                      "compile": comp}
    ch, pw = frames.get("check_changes"), frames.get("check_part_whole")
    out["raw_changes"] = [] if ch is None or not len(ch) else sorted(
        [int(a), str(b)] for a, b in zip(ch["c_id"], ch["r_rule"], strict=False))
    out["raw_part_whole"] = [] if pw is None or not len(pw) else sorted(
        [int(a), str(b), str(c)] for a, b, c in zip(pw["decl"], pw["source_id"], pw["period"], strict=False))
    return out


# ---- the peer -------------------------------------------------------------------------------------
def _q(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def _dims_eq(a: str, b: str, dims) -> str:
    return " AND ".join(f"{a}.{d} IS NOT DISTINCT FROM {b}.{d}" for d in dims)


def peer_sql(rules, vintage: int) -> tuple[str, object]:
    """The hand-written statement and the declarations frame it joins (registered as `decl`)."""
    import pandas as pd

    from sectorscope.model.observation import DIMENSIONS
    from sectorscope.model.units import counter_units

    dims = [d for d in DIMENSIONS if d != "subject"]
    st = rules.settings
    counters = ", ".join(_q(u) for u in sorted(counter_units()))
    exempt = " OR ".join(f"contains(coalesce(c.basis, ''), {_q(w)})" for w in st.exempt_bases) or "false"
    change_rows = ", ".join(f"({_q(r.change)}, {_q(r.level)}, {_q(r.kind)}, {_q(r.kind + ':' + r.change)})"
                            for r in rules.changes)
    decl_rows = []
    for n, d in enumerate(rules.part_whole):
        base = {"decl": n, "ind": d.indicator, "subject": d.subject, "source": d.source or "",
                "n_decl": len(d.parts), "complete": d.complete, "overlapping": d.overlapping,
                "mean": d.aggregate == "mean", "total": d.total}
        if d.whole is not None:
            decl_rows.append({**base, "role": "whole", "part": -1, **dict(d.whole)})
        for i, part in enumerate(d.parts):
            decl_rows.append({**base, "role": "part", "part": i, **dict(part)})
    decl = pd.DataFrame(decl_rows, columns=["decl", "ind", "subject", "source", "n_decl", "complete", "overlapping",
                                            "mean", "total", "role", "part", *dims])
    for d in dims:
        decl[d] = decl[d].astype(object)
    decl["total"] = decl["total"].astype("float64")
    indicators = sorted({r.change for r in rules.changes} | {r.level for r in rules.changes}
                        | {d.indicator for d in rules.part_whole})
    eps = 1e-9

    def disjoint(a_lo, a_hi, b_lo, b_hi):
        return (f"coalesce(({a_hi} + (abs({a_hi}) + abs({b_lo})) * {eps} < {b_lo}) OR "
                f"({b_hi} + (abs({b_hi}) + abs({a_lo})) * {eps} < {a_lo}), false)")

    def clean(x, default):
        return f"CASE WHEN {x} IS NULL OR isnan({x}) THEN {default} ELSE {x} END"

    inf, ninf = "CAST('inf' AS DOUBLE)", "CAST('-inf' AS DOUBLE)"
    dcols = ", ".join(dims)
    sql = f"""
WITH cur AS (  -- the figures as of the vintage: the newest row per figure key, unless withdrawn
    SELECT obs_id, indicator, subject, {dcols}, period, value, value_high, qualifier, value_as_printed,
           value_high_as_printed, unit_as_printed, source_id, basis
    FROM observations
    WHERE vintage_id <= {int(vintage)} AND indicator IN ({", ".join(_q(i) for i in indicators)})
    QUALIFY row_number() OVER (PARTITION BY obs_key ORDER BY vintage_id DESC) = 1 AND NOT withdrawn
),
printed AS (
    SELECT *, TRY_CAST(s AS DOUBLE) AS num, TRY_CAST(s_high AS DOUBLE) AS num_high,
           CASE WHEN contains(s, '.') THEN length(s) - strpos(s, '.') ELSE 0 END AS decimals,
           CASE WHEN contains(s_high, '.') THEN length(s_high) - strpos(s_high, '.') ELSE 0 END AS decimals_high,
           trim(unit_as_printed) IN ({counters}) AS counted
    FROM (SELECT *, trim(replace(replace(value_as_printed, ',', ''), '，', '')) AS s,
                 trim(replace(replace(value_high_as_printed, ',', ''), '，', '')) AS s_high FROM cur)
),
halves AS (  -- half a unit of the last printed digit, in the canonical unit
    SELECT *, CASE WHEN counted OR num IS NULL THEN 0.0 ELSE 0.5 * pow(10.0, -decimals) * factor END AS h,
              CASE WHEN counted OR num_high IS NULL THEN 0.0
                   ELSE 0.5 * pow(10.0, -decimals_high) * factor_high END AS h_high
    FROM (SELECT *, CASE WHEN num IS NOT NULL AND num <> 0 THEN abs(value / num) ELSE 1.0 END AS factor,
                    CASE WHEN num_high IS NOT NULL AND num_high <> 0 THEN abs(value_high / num_high) ELSE 1.0 END
                      AS factor_high
          FROM printed)
),
iv AS MATERIALIZED (  -- every figure as the interval it stands for
    SELECT obs_id, indicator, subject, {dcols}, period, source_id, basis,
           CASE qualifier WHEN 'at_most' THEN {ninf} WHEN 'about' THEN value - h - about ELSE value - h END AS lo,
           CASE qualifier WHEN 'at_least' THEN {inf} WHEN 'at_most' THEN value + h
                WHEN 'about' THEN value + h + about WHEN 'range' THEN coalesce(value_high, value) + h_high
                ELSE value + h END AS hi
    FROM (SELECT *, greatest({st.about_units!r} * CASE WHEN h > 0 THEN 2 * h ELSE factor END,
                             {st.about_relative!r} * abs(value)) AS about FROM halves)
),
-- ---- changes: a stated growth (CAGR, difference) against the one its levels give ----
rules(change, level, kind, rule) AS (VALUES {change_rows}),
chg AS (
    SELECT c.*, r.level, r.kind, r.rule,
           CASE WHEN contains(c.period, '/') THEN substr(c.period, 6, 4) ELSE c.period END AS p1,
           CASE WHEN contains(c.period, '/') THEN substr(c.period, 1, 4)
                ELSE CAST(CAST(substr(c.period, 1, 4) AS BIGINT) - 1 AS VARCHAR) || substr(c.period, 5) END AS p0,
           CASE WHEN contains(c.period, '/')
                THEN CAST(substr(c.period, 6, 4) AS BIGINT) - CAST(substr(c.period, 1, 4) AS BIGINT) ELSE 1 END
             AS years
    FROM iv c JOIN rules r ON c.indicator = r.change
    WHERE NOT ({exempt}) AND (r.kind <> 'cagr' OR contains(c.period, '/'))
),
lv AS (SELECT * FROM iv WHERE NOT contains(period, '/')),
combos AS (  -- every (change, level at the end, level at the start) combination of one source
    SELECT c.obs_id AS c_id, c.rule, c.kind, c.years, c.lo AS c_lo, c.hi AS c_hi,
           l1.obs_id AS l1_id, l1.lo AS l1_lo, l1.hi AS l1_hi, l0.obs_id AS l0_id, l0.lo AS l0_lo, l0.hi AS l0_hi
    FROM chg c
    JOIN lv l1 ON l1.indicator = c.level AND l1.source_id = c.source_id AND l1.subject = c.subject
              AND l1.period = c.p1 AND {_dims_eq("l1", "c", dims)}
    JOIN lv l0 ON l0.indicator = c.level AND l0.source_id = c.source_id AND l0.subject = c.subject
              AND l0.period = c.p0 AND {_dims_eq("l0", "c", dims)}
    WHERE (c.basis IS NULL OR l1.basis IS NULL OR c.basis = l1.basis)
      AND (c.basis IS NULL OR l0.basis IS NULL OR c.basis = l0.basis)
),
computed AS (
    SELECT *,
        {clean(f'''CASE kind WHEN 'difference' THEN l1_lo - l0_hi
             ELSE CASE WHEN l0_lo > 0 AND l1_lo >= 0
                       THEN (CASE WHEN kind = 'growth' THEN l1_lo / l0_hi ELSE pow(l1_lo / l0_hi, 1.0 / years) END - 1) * 100
                       ELSE {ninf} END END''', ninf)} AS x_lo,
        {clean(f'''CASE kind WHEN 'difference' THEN l1_hi - l0_lo
             ELSE CASE WHEN l0_lo > 0 AND l1_lo >= 0
                       THEN (CASE WHEN kind = 'growth' THEN l1_hi / l0_lo ELSE pow(l1_hi / l0_lo, 1.0 / years) END - 1) * 100
                       ELSE {inf} END END''', inf)} AS x_hi
    FROM combos
),
change_fail AS (  -- no combination agrees
    SELECT c_id, rule, list(l1_id) AS l1_ids, list(l0_id) AS l0_ids
    FROM computed GROUP BY c_id, rule
    HAVING bool_and({disjoint("c_lo", "c_hi", "x_lo", "x_hi")})
),
-- ---- parts of a whole ----
members AS (
    SELECT f.*, d.decl, d.role, d.part
    FROM iv f JOIN decl d ON f.indicator = d.ind AND f.subject = d.subject AND {_dims_eq("f", "d", dims)}
    WHERE d.source = '' OR d.source = f.source_id
),
per_part AS (  -- a part stated twice in one source: the values it can take are the intersection
    SELECT decl, source_id, period, part, max(lo) AS lo, min(hi) AS hi, list(obs_id) AS ids
    FROM members WHERE role = 'part' GROUP BY decl, source_id, period, part
),
sums AS (
    SELECT decl, source_id, period, count(*) AS n_parts, sum(lo) AS s_lo, sum(hi) AS s_hi, min(lo) AS min_lo,
           max(hi) AS max_hi, max(lo) AS max_lo, flatten(list(ids)) AS part_ids
    FROM per_part GROUP BY decl, source_id, period
    HAVING NOT bool_or(lo > hi)
),
spec AS (SELECT DISTINCT decl, n_decl, complete, overlapping, mean, total FROM decl),
wholes AS (
    SELECT decl, source_id, period, obs_id AS w_id, lo AS w_lo, hi AS w_hi FROM members WHERE role = 'whole'
    UNION ALL
    SELECT s.decl, s.source_id, s.period, NULL, p.total, p.total FROM sums s JOIN spec p USING (decl)
    WHERE p.total IS NOT NULL
),
pw AS (
    SELECT s.*, w.w_id, w.w_lo, w.w_hi, p.mean, p.overlapping,
           p.complete AND s.n_parts = p.n_decl AS is_full
    FROM sums s JOIN spec p USING (decl) JOIN wholes w USING (decl, source_id, period)
),
pw_fail AS (
    SELECT decl, source_id, period, list(w_id) FILTER (WHERE w_id IS NOT NULL) AS w_ids,
           any_value(part_ids) AS part_ids
    FROM pw GROUP BY decl, source_id, period
    HAVING bool_and(CASE WHEN mean THEN is_full AND {disjoint("w_lo", "w_hi", "min_lo", "max_hi")}
                         WHEN overlapping THEN coalesce(max_lo > w_hi + abs(w_hi) * {eps}, false)
                         WHEN is_full THEN {disjoint("w_lo", "w_hi", "s_lo", "s_hi")}
                         ELSE coalesce(s_lo > w_hi + abs(w_hi) * {eps}, false) END)
)
SELECT 'change' AS chk, rule AS name, c_id AS id, NULL AS source_id, NULL AS period,
       list_concat([c_id], l1_ids, l0_ids) AS ids
FROM change_fail
UNION ALL
SELECT 'part_whole', CAST(decl AS VARCHAR), NULL, source_id, period, list_concat(w_ids, part_ids)
FROM pw_fail
"""
    return sql, decl


def step_peer(p: dict) -> dict:
    import duckdb

    rules = load_bench_rules(Path(p["rules"]).read_text(encoding="utf-8"))
    con0 = duckdb.connect(p["store"], read_only=True)
    vintage = con0.execute("SELECT max(vintage_id) FROM vintages").fetchone()[0]
    con0.close()
    sql, decl = peer_sql(rules, vintage)

    def run():
        con = duckdb.connect(p["store"], read_only=True)
        try:
            con.register("decl", decl)
            return con.execute(sql).fetchall()
        finally:
            con.close()

    times, peak, rows = _timed_runs(run, p["repeat"])
    ids = sorted({int(x) for r in rows for x in r[5] if x is not None})
    Path(p["ids"]).write_text(json.dumps(ids), encoding="utf-8")
    Path(p["sql"]).write_text(sql, encoding="utf-8")
    return {"seconds": statistics.median(times), "times": times, "peak_rss": peak, "rows": len(rows),
            "change_rows": sorted([int(r[2]), r[1]] for r in rows if r[0] == "change"),
            "part_whole_rows": sorted([int(r[1]), r[3], r[4]] for r in rows if r[0] == "part_whole"),
            "agreement_ids": len(ids)}


STEPS = {"build": step_build, "sectorscope": step_sectorscope, "peer": step_peer}


def child_main(step: str, params: str) -> None:
    res = STEPS[step](json.loads(params))
    print("RESULT " + json.dumps(res, default=str), flush=True)


def run_child(step: str, **params) -> dict:
    return _run(__file__, step, **params)


# ================================================================================================
# orchestration and report
# ================================================================================================


def _library_state() -> str:
    """The commit the library was measured at, and whether src/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    files = [ln[3:] for ln in dirty if ln.strip()]
    return f"at {head}" + (f" + uncommitted changes in {', '.join(files)}" if files else "")


def _mb(b) -> str:
    return "—" if b is None else f"{b / 1024 ** 2:,.0f}"


def bench_size(n: int, args, rows: list[dict], notes: list[str], raw: dict) -> None:
    d = WORK / str(n)
    store, rules, stamp = d / "audit.duckdb", d / "bench-rules.yaml", d / "build.json"
    r: dict = raw.setdefault(str(n), {})
    built = None
    if args.keep and store.exists() and rules.exists() and stamp.exists():
        old = json.loads(stamp.read_text())
        if old.get("gen_version") == GEN_VERSION and old.get("seed") == SEED and old.get("rows") == n:
            built = old
            notes.append(f"{n:,}: reused the store kept by an earlier `--keep` run (same generator and seed)")
    if built is None:
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        built = run_child("build", n=n, store=str(store), rules=str(rules))
        if "error" not in built:
            stamp.write_text(json.dumps(built))
    r["build"] = built
    if "error" in built:
        rows.append({"size": n, "error": "build failed"})
        notes.append(f"{n:,}: building the store failed; nothing was measured")
        return
    r["sectorscope"] = s = run_child("sectorscope", n=n, store=str(store), rules=str(rules), repeat=args.repeat,
                                     ids=str(d / "ss_ids.json"))
    r["peer"] = q = run_child("peer", n=n, store=str(store), rules=str(rules), repeat=args.repeat,
                              ids=str(d / "peer_ids.json"), sql=str(d / "peer.sql"))

    agree = "—"
    if "error" not in s and "error" not in q:
        a = set(json.loads((d / "ss_ids.json").read_text()))
        b = set(json.loads((d / "peer_ids.json").read_text()))
        same_rows = (s["raw_changes"] == q["change_rows"]) and (s["raw_part_whole"] == q["part_whole_rows"])
        r["agreement"] = {"ids_equal": a == b, "only_sectorscope": sorted(a - b)[:50], "only_peer": sorted(b - a)[:50],
                          "n_only_sectorscope": len(a - b), "n_only_peer": len(b - a), "rows_equal": same_rows}
        if a == b and same_rows:
            agree = f"yes ({len(a):,} ids)"
        else:
            agree = f"NO ({len(a - b):,} ids only sectorscope, {len(b - a):,} only peer)"
            if not same_rows:
                cs = {tuple(x) for x in s["raw_changes"]}
                cq = {tuple(x) for x in q["change_rows"]}
                ps = {tuple(x) for x in s["raw_part_whole"]}
                pq = {tuple(x) for x in q["part_whole_rows"]}
                notes.append(f"{n:,}: failing rows differ — changes: {len(cs - cq)} only sectorscope, {len(cq - cs)} "
                             f"only peer; part-whole groups: {len(ps - pq)} only sectorscope, {len(pq - ps)} only peer")
        notes.append(
            f"{n:,}: sectorscope's raw checks fail {len(s['raw_changes']):,} change figures and "
            f"{len(s['raw_part_whole']):,} part-whole groups; the peer returns {len(q['change_rows']):,} and "
            f"{len(q['part_whole_rows']):,} ({'the same rows' if same_rows else 'NOT the same rows'}); the obs_ids "
            f"of sectorscope's growth / part-whole / single-figure findings "
            f"{'equal' if a == b else 'DIFFER from'} those of the peer's rows"
            + (f" ({s['mixed_single_figure']} single-figure finding(s) that also consolidate a conflict or bounds "
               "check left out of the comparison)" if s.get("mixed_single_figure") else ""))
    if "error" not in s:
        by = ", ".join(f"{k} {v:,}" for k, v in s["by_rule"].items())
        notes.append(f"{n:,}: {s['n_figures']:,} current figures (vintage {s['vintage']}); findings by rule: {by}")
        notes.append(f"{n:,}: sectorscope runs {', '.join(f'{t:.2f}' for t in s['times'])} s; parsing the "
                     f"{built['n_declarations']:,}-declaration rules file {s['rules_seconds']:.2f} s (not timed)")
    if "error" not in q:
        notes.append(f"{n:,}: peer runs {', '.join(f'{t:.2f}' for t in q['times'])} s")
    inj = ", ".join(f"{k} {v:,}" for k, v in built["injected"].items())
    notes.append(f"{n:,}: built in {built['seconds']:.0f} s ({built['vintages']} `Store.write` batches, "
                 f"{built['write_seconds']:.0f} s of it writing), {built['n_subjects']:,} subjects, "
                 f"{built['n_declarations']:,} part-whole declarations, file {built['file_bytes'] / 1e6:,.0f} MB; "
                 f"injected: {inj}")
    rows.append({"size": n, "ss": s.get("seconds"), "peer": q.get("seconds"),
                 "findings": s.get("findings"), "peer_rows": q.get("rows"), "agreement": agree,
                 "ss_rss": s.get("peak_rss"), "peer_rss": q.get("peak_rss")})
    if not args.keep:
        shutil.rmtree(d, ignore_errors=True)


HEADERS = ("size", "sectorscope audit (s)", "SQL peer (s)", "ratio", "target", "met?", "findings",
           "peer failing rows", "agreement", "peak MB (sectorscope / peer)")


def table_cells(rows):
    for row in rows:
        if "error" in row:
            yield (f"{row['size']:,}", "—", "—", "—", f"≤ {TARGET:g}×", row["error"], "—", "—", "—", "—")
            continue
        ss, peer = row["ss"], row["peer"]
        ratio = ss / peer if ss is not None and peer else None
        yield (f"{row['size']:,}", "—" if ss is None else f"{ss:.2f}", "—" if peer is None else f"{peer:.2f}",
               "—" if ratio is None else f"{ratio:.2f}×", f"≤ {TARGET:g}×",
               "not run" if ratio is None else ("met" if ratio <= TARGET else "NOT met"),
               "—" if row["findings"] is None else f"{row['findings']:,}",
               "—" if row["peer_rows"] is None else f"{row['peer_rows']:,}", row["agreement"],
               f"{_mb(row['ss_rss'])} / {_mb(row['peer_rss'])}")


def profile_markdown(raw: dict) -> list[str]:
    out = []
    for n, r in raw.items():
        p = (r.get("sectorscope") or {}).get("profile")
        if not p:
            continue
        total = p["total"]
        out += ["", f"### Where sectorscope's audit spends its time ({int(n):,} rows; one instrumented run, "
                f"{total:.2f} s)", "", "Every statement sent to DuckDB, by the line of sectorscope that sent it "
                "(compiling the Ibis expression included):", "", "| sent from | seconds | share | calls |",
                "|---|---:|---:|---:|"]
        for lab, sec, calls in p["queries"]:
            out.append(f"| {lab} | {sec:.2f} | {sec / total:.0%} | {calls} |")
        rest = total - sum(x[1] for x in p["queries"])
        out.append(f"| Python between the statements (pandas post-processing, findings, consolidation) | {rest:.2f} | "
                   f"{rest / total:.0%} | |")
        out.append(f"| *of all the above: Ibis compiling expressions to SQL* | {p['compile'][0]:.2f} | "
                   f"{p['compile'][0] / total:.0%} | {p['compile'][1]} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per side (median reported; plus 1 warm-up)")
    ap.add_argument("--quick", action="store_true", help="100,000 rows only: a smoke run")
    ap.add_argument("--keep", action="store_true",
                    help="keep the stores in benchmarks/out/audit_work (and reuse a kept one of the same size)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_main(*args.child)
        return
    if args.quick:
        args.sizes = [100_000]

    import duckdb
    import ibis
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    WORK.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    library = _library_state()  # before the run: others may commit while it runs
    load_before = os.getloadavg()[0]
    t_all = time.perf_counter()
    rows: list[dict] = []
    notes: list[str] = []
    raw: dict = {}
    for n in args.sizes:
        bench_size(n, args, rows, notes, raw)
    elapsed = time.perf_counter() - t_all

    cmd = ("python benchmarks/audit.py " + " ".join(sys.argv[1:])).strip()
    env = (f"sectorscope {library}; Python {platform.python_version()}, duckdb {duckdb.__version__}, "
           f"ibis {ibis.__version__}, pandas {pd.__version__}, {os.cpu_count()} cores, {_ram_gib():.0f} GiB RAM; "
           f"1-min load average {load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after")

    table = Table(title=f"sectorscope audit vs one hand-written DuckDB SQL pass — {cmd}")
    for h in HEADERS:
        table.add_column(h, justify="right" if h.endswith(("(s)", "ratio", "size", "findings", "rows")) else "left")
    for cells in table_cells(rows):
        style = "red" if cells[5] == "NOT met" or cells[8].startswith("NO") else (
            "green" if cells[5] == "met" else None)
        table.add_row(*cells, style=style)
    console = Console(width=200)
    console.print(table)
    for note in notes:
        console.print(f"  • {note}")

    md = [f"# Audit benchmark — {started:%Y-%m-%d %H:%M} UTC", "", f"`{cmd}` ({elapsed / 60:.1f} min; {env})", "",
          "| " + " | ".join(HEADERS) + " |",
          "|" + "|".join("---:" if h.endswith(("(s)", "ratio", "size", "findings", "rows")) else "---"
                         for h in HEADERS) + "|"]
    md += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in table_cells(rows)]
    md += ["", "Ratio = sectorscope seconds / peer seconds (median of "
           f"{args.repeat} runs after a warm-up, each side in its own process). sectorscope runs every rule and "
           "builds consolidated findings; the peer computes only the growth and part-whole checks and returns the "
           "failing rows. Agreement: the obs_ids of sectorscope's growth / part-whole / single-figure findings equal "
           "those of the peer's failing rows, and the raw failing change figures and part-whole groups are the same "
           "rows. Peak MB: the process's resident high-water mark during the timed runs.", ""]
    md += [f"- {note}" for note in notes]
    md += profile_markdown(raw)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "audit.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    (OUT / "audit.json").write_text(json.dumps({"command": cmd, "env": env, "rows": rows, "raw": raw}, indent=1,
                                               default=str), encoding="utf-8")
    console.print(f"\nwritten: {OUT / 'audit.md'} and audit.json ({elapsed / 60:.1f} min)")


if __name__ == "__main__":
    main()
