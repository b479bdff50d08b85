"""benchmarks/records.py at a tiny size: every step runs, the table has every row, and the library's figures
are identical to the hand-written SQL's (the check the benchmark reports at 10 M and 100 M lines)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
N = 10_000


def test_records_benchmark_runs_and_figures_are_identical(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "records.py"), "--sizes", str(N), "--no-spark",
         "--out", "smoke", "--out-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "FAILED" not in proc.stderr, proc.stderr[-3000:]

    report = json.loads((tmp_path / "smoke.json").read_text(encoding="utf-8"))
    rows = {r["kind"]: r for r in report["rows"]}
    assert set(rows) == {"ingest", "duckdb", "memory"}
    assert all(r["size"] == N for r in report["rows"])
    assert rows["ingest"]["ss"] > 0 and rows["ingest"]["peer"] > 0
    assert rows["duckdb"]["ss"] > 0 and rows["duckdb"]["peer"] > 0
    assert rows["duckdb"]["figures"] == "identical"

    raw = report["raw"][str(N)]
    assert raw["ss_ingest"]["n_lines"] == N == raw["duck_ingest"]["n_lines"]
    verdicts = raw["figures_sql"]
    assert len(verdicts) == 12 and set(verdicts.values()) == {"identical"}
    # no output is trivially empty: mirror_gap has both sides (the partners' mirror batch is loaded too)
    counts = raw["ss_duckdb"]["rows"]
    assert all(counts[k] > 0 for k in counts)
    assert raw["load_mirror"]["n_lines"] > 0

    md = (tmp_path / "smoke.md").read_text(encoding="utf-8")
    for op in ("ingest customs CSV → Parquet, validated", "records → all indicators (12 tables), DuckDB",
               "peak memory of the indicators on DuckDB"):
        assert op in md
    assert "| identical |" in md
    assert not (tmp_path / "work" / "records" / str(N)).exists()  # cleaned up without --keep
