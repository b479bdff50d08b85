"""What every benchmark script here shares: one measured step per subprocess, its wall time and peak RSS."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Meter:
    """Wall time and peak RSS of one step of this process (the kernel's high-water mark is reset at the start
    where /proc allows it; otherwise the process's lifetime peak, an upper bound)."""

    def __enter__(self) -> Meter:
        gc.collect()
        try:
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
            self.reset = True
        except OSError:
            self.reset = False
        self.base = status_kb("VmRSS") * 1024
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.t0
        if self.reset:
            self.peak = status_kb("VmHWM") * 1024
        else:
            import resource
            self.peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    def result(self, **extra) -> dict:
        return {"seconds": self.seconds, "peak_rss": self.peak, "base_rss": self.base, **extra}


def rm(*paths: Path) -> None:
    """A DuckDB file and its WAL and lock files."""
    for p in paths:
        for q in (p, p.with_name(p.name + ".wal"), p.with_name(p.name + ".lock")):
            q.unlink(missing_ok=True)


def progress(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def ram_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3


def run_child(script: str, step: str, **params) -> dict:
    """Run `script --child STEP PARAMS` and return the JSON it prints after `RESULT ` (or an error record)."""
    progress(f"{step} {params.get('n', '')} ...")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(script).resolve()), "--child", step, json.dumps(params)],
                          stdout=subprocess.PIPE, text=True, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        progress(f"{step} FAILED (exit {proc.returncode})\n{proc.stdout[-3000:]}")
        return {"error": f"{step} exited {proc.returncode}"}
    progress(f"{step} done in {time.perf_counter() - t0:.1f}s")
    return json.loads(lines[-1][len("RESULT "):])


def observation_frame(strs, period_start, period_end, value):
    """A synthetic batch of observations (Store.write's columns) from the columns a benchmark varies:
    `strs` holds subject, product, location, indicator, period, status, source_id, unit,
    value_as_printed, unit_as_printed and quote (region and qualifier optional: 中国, exact); the rest is
    left empty with the store's dtypes."""
    import numpy as np
    import pandas as pd

    n = len(strs)
    idx = pd.RangeIndex(n)

    def nan_str():
        return pd.Series(np.nan, index=idx, dtype="str")

    def const(text: str):
        return pd.Series(np.full(n, text, dtype=object), index=idx).astype("str")

    none = pd.Series(np.full(n, None, dtype=object), index=idx, dtype=object)
    cols = {
        "subject": strs["subject"], "region": strs["region"] if "region" in strs else const("中国"),
        "product": strs["product"], **{k: nan_str() for k in ("application", "company", "country", "tier", "scenario")},
        "location": strs["location"], "basis": nan_str(), "note": nan_str(), "indicator": strs["indicator"],
        "period": strs["period"], "status": strs["status"], "source_id": strs["source_id"],
        "qualifier": strs["qualifier"] if "qualifier" in strs else const("exact"),
        "period_start": pd.Series(period_start, index=idx, dtype=object),
        "period_end": pd.Series(period_end, index=idx, dtype=object),
        "value": pd.Series(value, index=idx), "value_high": pd.Series(np.nan, index=idx, dtype="float64"),
        "unit": strs["unit"], "value_as_printed": strs["value_as_printed"], "value_high_as_printed": nan_str(),
        "unit_as_printed": strs["unit_as_printed"], "quote": strs["quote"], "quote_normalised": strs["quote"],
        "quote_start": pd.Series(pd.NA, index=idx, dtype="Int64"), "quote_end": pd.Series(pd.NA, index=idx, dtype="Int64"),
        "formula": none, "input_ids": none.copy(), "withdrawn": pd.Series(np.zeros(n, dtype=bool), index=idx),
    }
    return pd.DataFrame(cols, index=idx)
