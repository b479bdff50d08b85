#!/usr/bin/env python
"""Analytics benchmark: how long sectorscope's analytics take at realistic sizes, against a naive peer.

    python benchmarks/analytics.py [--quick] [--draws N] [--naive-draws M]

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
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import Meter, progress, ram_gib, run_child  # noqa: E402

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
# the sections, and the child-process steps they use
# ================================================================================================
# ---- SECTIONS: add a section here as (title, function(args) -> Markdown lines). ----
# The second section, "derived indicators over 10 M observations", goes after "Monte-Carlo"; register any
# subprocess step it needs in STEPS below (run it with harness.run_child(__file__, "<step>", **params)).
SECTIONS: list[tuple[str, Callable[[argparse.Namespace], list[str]]]] = [
    ("Monte-Carlo", section_monte_carlo),
]

STEPS: dict[str, Callable[[dict], dict]] = {
    "mc": step_mc,
    "naive": step_naive,
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
    ap.add_argument("--quick", action="store_true", help="a smoke run: 1 000 draws, naive peer on 50")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        res = STEPS[args.child[0]](json.loads(args.child[1]))
        print("RESULT " + json.dumps(res, default=str), flush=True)
        return
    args.draws = args.draws or (1_000 if args.quick else 10_000)
    args.naive_draws = args.naive_draws or (50 if args.quick else 200)

    import pandas as pd

    started = datetime.now(timezone.utc)
    library = _library_state()
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    body: list[str] = []
    for title, fn in SECTIONS:
        progress(f"section {title}")
        body += fn(args) + [""]
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
    (OUT / "analytics.md").write_text(text, encoding="utf-8")
    progress(f"written: {OUT / 'analytics.md'}")


if __name__ == "__main__":
    main()
