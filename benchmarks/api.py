#!/usr/bin/env python
"""API benchmark: requests/s and p50/p99 latency of the HTTP API against the same question asked of the
library in-process, on a synthetic store of 10 M observations.

    python benchmarks/api.py [--size 10000000] [--requests 300] [--concurrency 4] [--seconds 60] [--rebuild]

The store (built once, kept in benchmarks/out/work/api_<size>.duckdb; --rebuild makes it again): the
synthetic figures of benchmarks/store.py (every catalog indicator, 6 subjects, 30 regions, 20 products,
527 periods, one source) as vintage 1, then a forecast vintage as `sectorscope forecast` writes it — source
sectorscope-forecast, location 预测:模型, 2026–2030 with 80/95 % intervals and input ids — for market_size
of every subject × region (no product), so the reports' own forecasts (the synthetic source's status
`forecast` figures) sit beside them.

Two questions, each asked `--requests` times by `--concurrency` client threads (bounded also by
`--seconds`), over HTTP to `uvicorn` on 127.0.0.1 (a real subprocess, the app of `sectorscope serve`) and
in-process by the same number of threads, each with its own Store:

  observations  GET /api/observations?indicator=market_size&subject=成像仪&region=北京&limit=1000
                library: Store.query(indicator=…, subject=…, region=…).order_by(obs_id).limit(1000), the API's columns
  forecasts     GET /api/forecasts?indicator=market_size&subject=成像仪
                library: sectorscope.api.views.forecasts.forecasts(store, …) — the same reads and shaping,
                without HTTP and JSON

One untimed warm-up per question and side. Answers are checked equal (ids and values). Prints a table and
writes it to benchmarks/out/api.md. Reports; asserts nothing about speed.
"""
from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
OUT = ROOT / "benchmarks" / "out"
WORK = OUT / "work"

OBS_PARAMS = {"indicator": "market_size", "subject": "成像仪", "region": "北京", "limit": 1000}
FC_PARAMS = {"indicator": "market_size", "subject": "成像仪"}


def progress(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# ---- the store -----------------------------------------------------------------------------------------
def build_store(path: Path, n: int) -> dict:
    import pandas as pd

    from sectorscope.analytics.derived import display
    from sectorscope.model.catalog import load_catalog
    from sectorscope.model.observation import FORECAST_SOURCE, parse_period
    from sectorscope.store import Batch, Store
    from store import REGIONS, SUBJECTS, generate_frame, sources_frame  # benchmarks/store.py

    for p in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".lock")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    frame = generate_frame(n)
    progress(f"generated {n:,} figures in {time.perf_counter() - t0:.0f} s")
    store = Store(path)
    t1 = time.perf_counter()
    indicators = pd.DataFrame(load_catalog().records())
    store.write(Batch(observations=frame, sources=sources_frame(), indicators=indicators), label="synthetic",
                loaded_at=datetime(2026, 1, 1, tzinfo=UTC))
    del frame
    progress(f"vintage 1 written in {time.perf_counter() - t1:.0f} s")
    # the forecast vintage: market_size of every subject × region, 2026–2030, from the series' annual history
    cur = store.query(indicator="market_size")
    hist = cur.filter(cur["product"].isnull() & (cur.period.length() == 4) & (cur.period < "2026")).select(
        "obs_id", "subject", "region", "period", "value").execute()
    rows = []
    for (subject, region), g in hist.groupby(["subject", "region"]):
        g = g.sort_values("period")
        ids = [int(i) for i in g["obs_id"]]
        last = float(g["value"].iloc[-1]) if len(g) else 100.0
        for k, year in enumerate(range(2026, 2031), start=1):
            mean = last * (1.05 ** k)
            w80, w95 = mean * 0.08 * k ** 0.5, mean * 0.13 * k ** 0.5
            p = parse_period(str(year))
            printed, unit = display(mean, "元")
            rows.append({
                "indicator": "market_size", "subject": subject, "region": region, "period": str(year),
                "period_start": p.start, "period_end": p.end, "value": mean, "qualifier": "exact", "unit": "元",
                "value_as_printed": printed, "unit_as_printed": unit, "status": "forecast",
                "source_id": FORECAST_SOURCE, "location": "预测:模型", "input_ids": ids,
                "lo80": mean - w80, "hi80": mean + w80, "lo95": max(mean - w95, 0.0), "hi95": mean + w95,
                "method": "synthetic benchmark forecast", "input_vintage": 1, "withdrawn": False,
                "formula": None, "note": None,
            })
    fc = pd.DataFrame(rows)
    src = pd.DataFrame([{"source_id": FORECAST_SOURCE, "title": "sectorscope 预测", "publisher": "sectorscope"}])
    t2 = time.perf_counter()
    store.write(Batch(observations=fc, sources=src), label="forecast",
                loaded_at=datetime(2026, 1, 2, tzinfo=UTC))
    store.close()
    progress(f"forecast vintage ({len(fc)} figures) written in {time.perf_counter() - t2:.0f} s")
    return {"seconds": time.perf_counter() - t0, "n_forecasts": len(fc), "subjects": len(SUBJECTS),
            "regions": len(REGIONS)}


# ---- load generation -----------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "SECTORSCOPE_STORE": str(store), "SECTORSCOPE_DATA_DIR": str(store.parent)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "sectorscope.api.app:app_from_env",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    import httpx

    for _ in range(600):
        try:
            if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the server exited")
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def drive(call, *, requests: int, concurrency: int, seconds: float, make_state) -> dict:
    """`requests` calls of `call(state)` from `concurrency` threads (each with its own state), stopping early
    after `seconds`; latencies in ms."""
    lat: list[float] = []
    lock = threading.Lock()
    left = [requests]
    deadline = time.monotonic() + seconds

    def worker() -> None:
        state = make_state()
        try:
            while True:
                with lock:
                    if left[0] <= 0 or time.monotonic() > deadline:
                        return
                    left[0] -= 1
                t = time.perf_counter()
                call(state)
                dt = (time.perf_counter() - t) * 1000
                with lock:
                    lat.append(dt)
        finally:
            close = getattr(state, "close", None)
            if close:
                close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as ex:
        for f in [ex.submit(worker) for _ in range(concurrency)]:
            f.result()
    wall = time.perf_counter() - t0
    lat.sort()
    return {"n": len(lat), "rps": len(lat) / wall, "p50": statistics.median(lat),
            "p99": lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))], "wall": wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10_000_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--rebuild", action="store_true")
    a = ap.parse_args()

    import httpx

    from sectorscope.api.models import OBSERVATION_FIELDS
    from sectorscope.api.views.common import Filters
    from sectorscope.api.views.forecasts import forecasts
    from sectorscope.store import Store

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"api_{a.size}.duckdb"
    build = None
    if a.rebuild or not path.exists():
        build = build_store(path, a.size)
    n_obs = int(Store(path).table("observations").count().execute())
    progress(f"store {path.name}: {n_obs:,} rows, {path.stat().st_size / 2**30:.2f} GiB")

    cols = list(OBSERVATION_FIELDS)  # the columns the API returns

    def lib_obs(store: Store):
        q = {k: v for k, v in OBS_PARAMS.items() if k != "limit"}
        return store.query(**q).order_by("obs_id").limit(OBS_PARAMS["limit"]).select(*cols).execute()

    fc_filters = Filters(indicator=["market_size"], dims={"subject": "成像仪"})

    def lib_fc(store: Store):
        return forecasts(store, fc_filters, None)

    proc, base = start_server(path)
    rows = []
    try:
        with httpx.Client(base_url=base, timeout=120) as c, Store(path) as s:  # warm-up and agreement
            api_o = c.get("/api/observations", params=OBS_PARAMS).json()["items"]
            lib_o = lib_obs(s)
            assert [(i["obs_id"], i["value"]) for i in api_o] == list(zip(lib_o["obs_id"], lib_o["value"], strict=False))
            api_f = c.get("/api/forecasts", params=FC_PARAMS).json()["series"]
            lib_f = lib_fc(s)["series"]
            assert [[p["obs_id"] for p in x["points"]] for x in api_f] == \
                   [[p["obs_id"] for p in x["points"]] for x in lib_f]
            progress(f"answers agree: {len(api_o)} figures; {len(api_f)} forecast series, "
                     f"{sum(len(x['reported']) for x in api_f)} reported forecasts beside them")
        for name, params, lib in (("observations", OBS_PARAMS, lib_obs), ("forecasts", FC_PARAMS, lib_fc)):
            url = f"/api/{name}"
            http = drive(lambda cl, url=url, params=params: cl.get(url, params=params).raise_for_status(),
                         requests=a.requests, concurrency=a.concurrency, seconds=a.seconds,
                         make_state=lambda: httpx.Client(base_url=base, timeout=120))
            inproc = drive(lambda st, lib=lib: lib(st), requests=a.requests, concurrency=a.concurrency,
                           seconds=a.seconds, make_state=lambda: Store(path))
            for side, r in (("HTTP API", http), ("library in-process", inproc)):
                rows.append((name, side, r))
                progress(f"{name:13} {side:18} {r['n']:4} req  {r['rps']:7.1f} req/s  p50 {r['p50']:7.1f} ms  "
                         f"p99 {r['p99']:7.1f} ms")
    finally:
        proc.terminate()
        proc.wait(20)

    head = (f"store: {n_obs:,} observations (synthetic, {path.stat().st_size / 2**30:.2f} GiB); "
            f"{a.concurrency} client threads, {a.requests} requests per row (or {a.seconds:g} s); "
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {date.today()}")
    lines = [head, "", "| query | side | requests | req/s | p50 ms | p99 ms |", "|---|---|---:|---:|---:|---:|"]
    for name, side, r in rows:
        lines.append(f"| {name} | {side} | {r['n']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} |")
    if build:
        lines += ["", f"store built in {build['seconds']:.0f} s ({build['n_forecasts']} forecast figures)"]
    text = "\n".join(lines) + "\n"
    (OUT / "api.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
