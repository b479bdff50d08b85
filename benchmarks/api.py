#!/usr/bin/env python
"""API benchmark: requests/s and p50/p99 latency of the HTTP API with 1 and 8 clients, against the same
question asked of the library in-process and of datasette serving the same current figures from SQLite; and
the longest read during a burst of 20 uploads.

    python benchmarks/api.py [--size 10000000] [--clients 1 8] [--workers 2] [--requests 400] [--seconds 60]
                             [--uploads 20] [--no-datasette] [--no-burst] [--rebuild]

The store (built once, kept in benchmarks/out/work/api_<size>.duckdb; --rebuild makes it again): the
synthetic figures of benchmarks/store.py (every catalog indicator, 6 subjects, 30 regions, 20 products,
527 periods, one source) in key order (indicator, subject, region, product, period: the order a store's bulk
load lays rows out in), written 1 M figures per vintage (one 10 M write needs more memory than 23 GB), then a
forecast vintage as `sectorscope forecast` writes it — source
sectorscope-forecast, kind model_forecast, location 预测:模型, 2026–2030 with 80/95 % intervals and input
ids — for market_size of every subject × region (no product), so the reports' own forecasts (the synthetic
source's status `forecast` figures) sit beside them.

Questions, each asked `--requests` times by each number of `--clients` threads (bounded also by `--seconds`):

  observations  GET /api/observations?indicator=market_size&subject=成像仪&region=北京&limit=1000
                library: Store.query(indicator=…, subject=…, region=…).order_by(obs_id).limit(1000), the
                API's columns, .execute() (a pandas frame; no JSON)
                datasette: GET /bench/observations.json?indicator=…&subject=…&region=…&_size=1000&_shape=objects
                &_nosuggest=1 — `datasette serve -i` (a real process) over a SQLite copy of the store's current
                figures, the API's columns, obs_id the INTEGER PRIMARY KEY (datasette's default order), one
                index on (indicator, subject, region) as one would add for this filter (built once, kept in
                benchmarks/out/work/api_<size>.sqlite)
  forecasts     GET /api/forecasts?indicator=market_size&subject=成像仪
                library: sectorscope.api.views.forecasts.forecasts(store, …) — the same reads and shaping,
                without HTTP and JSON

The API runs as `sectorscope serve --workers W` (a real process on 127.0.0.1); the library side runs the
same number of threads in this process, each with its own Store. One untimed warm-up per question and side;
answers are checked equal (ids and values; datasette's too). The clients are threads of this process, on
the same 2 cores as the servers: their own cost (httpx, reading a 400 KB answer) is in every HTTP number.

The burst: a copy of the store, a server with --allow-writes (`--burst-workers`, default 1: a server that
writes holds the file, its reads running beside its uploads) and a token; 8 reader threads
loop on the observations question while `--uploads` threads each POST a 5-row CSV (new figures) to
/api/vintages at once. Reported: uploads accepted, the burst's wall time, and the reads that ran during it
(count, p50, p99, max, any non-200).

Prints the tables and writes them to benchmarks/out/api.md. Reports; asserts nothing about speed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
BUILD_SLICE = 1_000_000  # figures per vintage when building the store
KEY_ORDER = ("indicator", "subject", "region", "product", "period")  # the store's bulk-load row order
DS_DB = "bench"  # the SQLite file's stem: datasette's database name


def progress(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# ---- the store -----------------------------------------------------------------------------------------
def build_store(path: Path, n: int) -> dict:
    import pandas as pd

    from sectorscope.analytics.derived import display
    from sectorscope.model.catalog import load_catalog
    from sectorscope.model.observation import FORECAST_SOURCE, MODEL_FORECAST, parse_period
    from sectorscope.store import Batch, Store
    from store import REGIONS, SUBJECTS, generate_frame, sources_frame  # benchmarks/store.py

    for p in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".lock")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    frame = generate_frame(n)
    # key order, as a store's bulk load lays rows out (ids and insert order by indicator, subject, region,
    # product, period), so that a filtered page is pruned by the engine's zonemaps
    frame = frame.sort_values(list(KEY_ORDER), kind="stable").reset_index(drop=True)
    progress(f"generated {n:,} figures in key order in {time.perf_counter() - t0:.0f} s")
    store = Store(path)
    t1 = time.perf_counter()
    indicators = pd.DataFrame(load_catalog().records())
    # in slices of BUILD_SLICE figures, one vintage each, in key order: one 10 M-row write takes more memory
    # (24 GB) than the machine has; the slices keep the rows in key order in the file
    for i, start in enumerate(range(0, n, BUILD_SLICE)):
        part = frame.iloc[start:start + BUILD_SLICE].reset_index(drop=True)
        store.write(Batch(observations=part, sources=sources_frame() if i == 0 else None,
                          indicators=indicators if i == 0 else None), label="synthetic",
                    loaded_at=datetime(2026, 1, 1, tzinfo=UTC))
        progress(f"synthetic figures {start + len(part):,} written ({time.perf_counter() - t1:.0f} s)")
    del frame, part
    progress(f"synthetic figures written in {time.perf_counter() - t1:.0f} s")
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
                "method": "synthetic benchmark forecast", "input_vintage": store.latest_vintage(), "withdrawn": False,
                "kind": MODEL_FORECAST, "formula": None, "note": None,
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


def build_sqlite(store_path: Path, path: Path) -> float:
    """The store's current figures (the API's columns) in SQLite, for datasette: obs_id the INTEGER PRIMARY
    KEY, dates as ISO text, id lists as JSON text, one index on the benchmark's filter columns."""
    import sqlite3

    import pyarrow as pa
    import pyarrow.compute as pc

    from sectorscope.api.models import OBSERVATION_FIELDS
    from sectorscope.store import Store

    t0 = time.perf_counter()
    tmp = path.with_name(path.name + ".building")
    tmp.unlink(missing_ok=True)
    with Store(store_path) as store:
        t = store.query().order_by("obs_id").select(*OBSERVATION_FIELDS)
        schema = t.schema()
        kinds = {c: "INTEGER" if typ.is_integer() else "REAL" if typ.is_floating() else "TEXT"
                 for c, typ in schema.items()}
        cols = ", ".join(f'"{c}" {kinds[c]}' + (" PRIMARY KEY" if c == "obs_id" else "") for c in schema.names)
        db = sqlite3.connect(tmp)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"CREATE TABLE observations ({cols})")
        insert = f"INSERT INTO observations VALUES ({', '.join('?' * len(schema.names))})"
        n = 0
        for batch in t.to_pyarrow_batches(chunk_size=200_000):
            columns = []
            for _name, col in zip(batch.schema.names, batch.columns, strict=True):
                if pa.types.is_date(col.type):
                    col = pc.cast(col, pa.string())
                values = col.to_pylist()
                if pa.types.is_list(col.type):
                    values = [None if v is None else json.dumps(v) for v in values]
                columns.append(values)
            db.executemany(insert, zip(*columns, strict=True))
            n += batch.num_rows
            progress(f"sqlite copy: {n:,} rows")
        db.execute('CREATE INDEX observations_filter ON observations ("indicator", "subject", "region")')
        db.commit()
        db.execute("ANALYZE")
        db.close()
    os.replace(tmp, path)
    return time.perf_counter() - t0


# ---- servers -------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(proc: subprocess.Popen, url: str, what: str) -> None:
    import httpx

    for _ in range(900):
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{what} did not start")


def start_server(store: Path, workers: int, *extra: str) -> tuple[subprocess.Popen, str]:
    """`sectorscope serve` as a user runs it (`--workers` only when more than one, so that a checkout from
    before the option can be measured with the same script)."""
    port = _free_port()
    args = [sys.executable, "-m", "sectorscope", "serve", "--store", str(store), "--port", str(port),
            "--log-level", "warning", *extra]
    if workers > 1:
        args += ["--workers", str(workers)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    _wait_up(proc, f"{base}/api/health", "sectorscope serve")
    return proc, base


def start_datasette(db: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", "127.0.0.1",
                             "--port", str(port), "--setting", "max_returned_rows", "1000"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    _wait_up(proc, f"{base}/-/versions.json", "datasette")
    return proc, base


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# ---- load generation -----------------------------------------------------------------------------------
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
    return {**_stats(lat), "rps": len(lat) / wall, "wall": wall}


def _stats(lat: list[float]) -> dict:
    lat = sorted(lat)
    if not lat:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {"n": len(lat), "p50": statistics.median(lat), "p99": lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))],
            "max": lat[-1]}


def _upload_csv(k: int) -> bytes:
    """Five new figures (products no other figure has) of the synthetic source."""
    lines = ["indicator,subject,region,period,product,value,unit,status,source,quote,location"]
    for i in range(5):
        v = 100 + i
        lines.append(f"market_size,成像仪,北京,2020,基准上传{k}-{i},{v},亿元,actual,bench-src,"
                     f"2020年北京成像仪市场规模为{v}亿元,上传{k}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def burst(store: Path, workers: int, uploads: int, readers: int = 8) -> dict:
    """Reads during `uploads` simultaneous uploads to a writable server over a copy of `store`."""
    import httpx

    copy = store.with_name(f"burst_{store.name}")
    for p in (copy, copy.with_name(copy.name + ".wal"), copy.with_name(copy.name + ".lock"),
              copy.with_name(copy.stem + ".tokens.json")):
        p.unlink(missing_ok=True)
    shutil.copyfile(store, copy)
    made = subprocess.run([sys.executable, "-m", "sectorscope", "token", "create", "--name", "bench", "--store",
                           str(copy)], cwd=ROOT, capture_output=True, text=True, check=True)
    token = made.stdout.strip().splitlines()[-1]
    proc, base = start_server(copy, workers, "--allow-writes")
    reads: list[tuple[float, float, int]] = []  # (start, ms, status)
    lock = threading.Lock()
    stop_reading = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            while not stop_reading.is_set():
                t = time.perf_counter()
                try:
                    code = c.get("/api/observations", params=OBS_PARAMS).status_code
                except httpx.HTTPError:
                    code = -1
                with lock:
                    reads.append((t, (time.perf_counter() - t) * 1000, code))

    def upload(k: int) -> tuple[int, float]:
        t = time.perf_counter()
        with httpx.Client(base_url=base, timeout=600) as c:
            r = c.post("/api/vintages", files={"file": (f"burst_{k}.csv", _upload_csv(k), "text/csv")},
                       data={"label": f"burst {k}"}, headers={"Authorization": f"Bearer {token}"})
        return r.status_code, time.perf_counter() - t

    threads = [threading.Thread(target=read) for _ in range(readers)]
    try:
        for t in threads:
            t.start()
        time.sleep(3)  # readers warm
        t0 = time.perf_counter()
        with ThreadPoolExecutor(uploads) as ex:
            done = list(ex.map(upload, range(uploads)))
        t1 = time.perf_counter()
        time.sleep(1)
    finally:
        stop_reading.set()
        for t in threads:
            t.join()
        stop(proc)
    during = [(ms, code) for start, ms, code in reads if t0 <= start <= t1 or t0 <= start + ms / 1000 <= t1]
    before = [ms for start, ms, code in reads if start + ms / 1000 < t0]
    return {"accepted": sum(1 for code, _ in done if code == 201), "codes": sorted({c for c, _ in done}),
            "upload_max": max(s for _, s in done), "wall": t1 - t0,
            "before": _stats(before), "during": _stats([ms for ms, _ in during]),
            "failed": sum(1 for _, code in during if code != 200)}


# ---- main ----------------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10_000_000)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--workers", type=int, default=2, help="sectorscope serve --workers")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--uploads", type=int, default=20)
    ap.add_argument("--burst-workers", type=int, default=1,
                    help="serve --workers of the burst's writable server (1: the server holds the file and reads "
                         "beside its uploads; several processes cannot all hold it)")
    ap.add_argument("--no-datasette", action="store_true")
    ap.add_argument("--no-burst", action="store_true")
    ap.add_argument("--rebuild", action="store_true")
    a = ap.parse_args()

    import httpx

    from sectorscope.api.models import OBSERVATION_FIELDS
    from sectorscope.api.views.common import Filters
    from sectorscope.api.views.forecasts import forecasts
    from sectorscope.store import Store

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"api_{a.size}.duckdb"
    sqlite_path = WORK / f"{DS_DB}_{a.size}" / f"{DS_DB}.db"
    build = None
    if a.rebuild or not path.exists():
        build = build_store(path, a.size)
        shutil.rmtree(sqlite_path.parent, ignore_errors=True)
    n_obs = int(Store(path).table("observations").count().execute())
    progress(f"store {path.name}: {n_obs:,} rows, {path.stat().st_size / 2**30:.2f} GiB")
    if not a.no_datasette and not sqlite_path.exists():
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        progress(f"sqlite copy built in {build_sqlite(path, sqlite_path):.0f} s")

    cols = list(OBSERVATION_FIELDS)  # the columns the API returns

    def lib_obs(store: Store):
        q = {k: v for k, v in OBS_PARAMS.items() if k != "limit"}
        return store.query(**q).order_by("obs_id").limit(OBS_PARAMS["limit"]).select(*cols).execute()

    fc_filters = Filters(indicator=["market_size"], dims={"subject": "成像仪"})

    def lib_fc(store: Store):
        return forecasts(store, fc_filters, None)

    ds_params = {**{k: v for k, v in OBS_PARAMS.items() if k != "limit"}, "_size": OBS_PARAMS["limit"],
                 "_shape": "objects", "_nosuggest": "1"}
    ds_url = f"/{DS_DB}/observations.json"

    procs = []
    rows = []
    try:
        proc, base = start_server(path, a.workers)
        procs.append(proc)
        ds_base = None
        if not a.no_datasette:
            ds_proc, ds_base = start_datasette(sqlite_path)
            procs.append(ds_proc)
        with httpx.Client(base_url=base, timeout=120) as c, Store(path) as s:  # warm-up and agreement
            api_o = c.get("/api/observations", params=OBS_PARAMS).json()["items"]
            lib_o = lib_obs(s)
            want = list(zip(lib_o["obs_id"], lib_o["value"], strict=True))
            assert [(i["obs_id"], i["value"]) for i in api_o] == want
            if ds_base:
                ds_o = httpx.get(ds_base + ds_url, params=ds_params, timeout=120).json()["rows"]
                assert [(i["obs_id"], i["value"]) for i in ds_o] == want, "datasette answers differently"
            api_f = c.get("/api/forecasts", params=FC_PARAMS).json()["series"]
            lib_f = lib_fc(s)["series"]
            assert [[p["obs_id"] for p in x["points"]] for x in api_f] == \
                   [[p["obs_id"] for p in x["points"]] for x in lib_f]
            progress(f"answers agree: {len(api_o)} figures; {len(api_f)} forecast series, "
                     f"{sum(len(x['reported']) for x in api_f)} reported forecasts beside them")
        sides = [("observations", "HTTP API", base, "/api/observations", OBS_PARAMS, None),
                 ("observations", "library in-process", None, None, None, lib_obs)]
        if ds_base:
            sides.append(("observations", "datasette (SQLite)", ds_base, ds_url, ds_params, None))
        sides += [("forecasts", "HTTP API", base, "/api/forecasts", FC_PARAMS, None),
                  ("forecasts", "library in-process", None, None, None, lib_fc)]
        for name, side, url_base, url, params, lib in sides:
            for clients in a.clients:
                if lib is None:
                    r = drive(lambda cl, url=url, params=params: cl.get(url, params=params).raise_for_status(),
                              requests=a.requests, concurrency=clients, seconds=a.seconds,
                              make_state=lambda b=url_base: httpx.Client(base_url=b, timeout=120))
                else:
                    r = drive(lambda st, lib=lib: lib(st), requests=a.requests, concurrency=clients,
                              seconds=a.seconds, make_state=lambda: Store(path))
                rows.append((name, side, clients, r))
                progress(f"{name:13} {side:19} {clients} clients {r['n']:4} req  {r['rps']:7.1f} req/s  "
                         f"p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms")
    finally:
        for p in procs:
            stop(p)
    b = None
    if not a.no_burst:
        progress(f"burst: {a.uploads} uploads while 8 clients read ...")
        b = burst(path, a.burst_workers, a.uploads)
        progress(f"burst: {b}")

    head = (f"store: {n_obs:,} observations (synthetic, {path.stat().st_size / 2**30:.2f} GiB); "
            f"`sectorscope serve --workers {a.workers}`; {a.requests} requests per row (or {a.seconds:g} s); "
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {date.today()}")
    lines = [head, "", "| query | side | clients | requests | req/s | p50 ms | p99 ms |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for name, side, clients, r in rows:
        lines.append(f"| {name} | {side} | {clients} | {r['n']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} |")
    if b:
        lines += ["", f"burst of {a.uploads} simultaneous uploads (5 new figures each) while 8 clients read "
                  f"the observations page (`serve --allow-writes --workers {a.burst_workers}`):", "",
                  "| uploads accepted | burst wall s | slowest upload s | reads during | p50 ms | p99 ms | max ms | "
                  "failed reads | p50 ms before |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {b['accepted']}/{a.uploads} {b['codes']} | {b['wall']:.1f} | {b['upload_max']:.1f} | "
                  f"{b['during']['n']} | {b['during']['p50']:.0f} | {b['during']['p99']:.0f} | "
                  f"{b['during']['max']:.0f} | {b['failed']} | {b['before']['p50']:.0f} |"]
    if build:
        lines += ["", f"store built in {build['seconds']:.0f} s ({build['n_forecasts']} forecast figures)"]
    text = "\n".join(lines) + "\n"
    (OUT / "api.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
