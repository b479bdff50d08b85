#!/usr/bin/env python
"""Generated customs lines → stored, cited figures on DuckDB, at scale: the issue's "a generated 10⁸-line record
set becomes stored, cited indicators".

    python benchmarks/records_derive.py [--lines 100000000] [--dir benchmarks/out/work/derive]

Into a new store: the default dataset (its FX table converts the dollar figures, its stated output gives import
dependence), then `--lines` generated customs lines and their partners' mirror batch (untimed), then
`records.derive_trade_figures`, timed; then the same derivation again in a fresh process, timed with its peak
resident set (every figure should come back unchanged). Prints what was stored: the figures, their formulas and
their source. Reports, does not assert.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _records_benchmark():
    spec = importlib.util.spec_from_file_location("records_benchmark", ROOT / "benchmarks" / "records.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def derive_once(store_path: str) -> dict:
    from sectorscope.records import derive_trade_figures
    from sectorscope.store import Store

    t0 = time.perf_counter()
    s = derive_trade_figures(Store(store_path))
    return {"seconds": time.perf_counter() - t0, "vintage": s.vintage_id, "rows": s.n_rows, "new": s.n_new,
            "unchanged": s.n_unchanged, "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=100_000_000)
    ap.add_argument("--dir", type=Path, default=ROOT / "benchmarks" / "out" / "work" / "derive")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print("RESULT " + json.dumps(derive_once(args.child)), flush=True)
        return
    from sectorscope.ingest import default_dataset_dir, load_paths
    from sectorscope.store import Store

    rb = _records_benchmark()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    path = str(args.dir / "store.duckdb")
    load_paths(Store(path), [default_dataset_dir()], label="default dataset")
    print("lines:", rb.step_load_generated({"n": args.lines, "store": path}), flush=True)
    print("mirror:", rb.step_load_mirror({"n": args.lines, "store": path}), flush=True)
    first = derive_once(path)
    print(f"derive: {first['seconds']:.1f} s, v{first['vintage']}: {first['rows']} figures, {first['new']} new", flush=True)
    out = subprocess.run([sys.executable, __file__, "--child", path], capture_output=True, text=True, check=True)
    again = json.loads(next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))[7:])
    print(f"derive again, fresh process: {again['seconds']:.1f} s, peak {again['peak_gib']:.2f} GiB, "
          f"{again['unchanged']} of {again['rows']} unchanged")
    obs = Store(path).query(first["vintage"], kind="derived", method="records").execute()
    print(f"stored: {len(obs)} records figures, {int(obs['formula'].astype(bool).sum())} with a formula, sources "
          f"{sorted(obs['source_id'].unique())}")


if __name__ == "__main__":
    main()
