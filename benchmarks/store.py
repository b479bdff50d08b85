#!/usr/bin/env python
"""Store benchmark: sectorscope's vintaged store against DuckDB's own bulk load and a hand-written as-of query.

    python benchmarks/store.py [--sizes 1000000 10000000] [--vintages 3] [--repeat 5] [--csv-max 1000000] [--profile]

For each size, in one run:

  a. sectorscope store load   `Store(path).write(Batch(observations=df, sources=...))` into a fresh file
     peer: DuckDB bulk load    `CREATE TABLE observations AS SELECT * FROM df`, CHECKPOINT, close
  c. sectorscope file ingest  `load_paths(Store(path), [csv], sources=sources.csv)` (read, pandera, normalise, write)
     peer: DuckDB CSV load     `CREATE TABLE t AS SELECT * FROM read_csv('obs.csv')`, CHECKPOINT, close
  d. revisions                --vintages more full restatements with ~10 % of the values changed, each a
                              `Store.write` on the same store; peer (no target): the same vintaged write as
                              hand-written DuckDB SQL (same md5 key and row hash, left join against the current
                              rows, insert the changed ones, mark the ones they supersede) in place on a copy
  f. small load               `Store.write` of 100 rows (revising 100 figures) into the store after d, median
                              of --repeat loads; peer: the same load into an empty store (target 1.2×: a load
                              costs what it writes, not the size of the store)
  e. as-of queries            `store.observations(as_of=v).count().execute()` and
                              `store.query(as_of=v, indicator=X, subject=Y).execute()` for the latest and an
                              earlier vintage; peer: hand-written DuckDB SQL on the same layout (range filter on
                              [vintage_id, superseded_in)) on the same file (results asserted equal)

The data are synthetic and deterministic (numpy seed): every indicator of the real catalog, 6 subjects, 30
regions, 20 products, 527 periods (2000-2030: years, quarters, months), 40 locations, one source, quotes that
contain the printed value. The store-ready frame has exactly the shape `normalise_rows` returns; a self-check
at the start loads a small CSV sample through `normalise_rows` and asserts the frames are equal, and after
the file ingest the CSV-loaded store is checked row for row (obs_key and every content column) against the frame-loaded one.

Every measured step runs in its own subprocess, which builds its input first (untimed) and then times the
step alone with time.perf_counter. Memory is the peak resident set of that subprocess *during the step*
(the kernel's high-water mark is reset with /proc/self/clear_refs after the input is built), so it includes
the input frame the step was given. Queries: one untimed warm-up, then --repeat timed runs, median reported.

Prints a rich table and writes the same table as Markdown to benchmarks/out/store.md (raw numbers in
benchmarks/out/store.json). Exits 0 whether or not a target is met: it reports, it does not assert.
"""
from __future__ import annotations

import argparse
import functools
import gc
import json
import math
import os
import platform
import shutil
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import Meter
from harness import ram_gib as _ram_gib
from harness import rm as _rm
from harness import run_child as _run

OUT = ROOT / "benchmarks" / "out"
WORK = OUT / "work"

SEED = 20250630
CHANGE = 0.10  # share of values a revision changes
SOURCE_ID = "bench-src"
STRIDE = 2_654_435_761  # prime; coprime with the key space, so (i * STRIDE) % P is a permutation of it

SUBJECTS = ("缩微机械", "MEMS", "成像仪", "传感器", "激光雷达", "光刻机")
REGIONS = (
    "中国", "全球", "北京", "上海", "江苏", "浙江", "广东", "山东", "湖北", "四川", "安徽", "福建", "河南", "湖南",
    "陕西", "天津", "重庆", "辽宁", "河北", "江西", "吉林", "广西", "云南", "山西", "贵州", "海南", "长三角",
    "珠三角", "京津冀", "成渝",
)
PRODUCTS = (
    "", "压力传感器", "加速度计", "陀螺仪", "麦克风", "微镜", "喷墨打印头", "射频器件", "微流控芯片", "红外探测器",
    "图像传感器", "热成像仪", "工业相机", "医疗成像设备", "光学镜头", "晶圆", "封装测试", "精密齿轮", "微型电机",
    "微型泵",
)
LOCATIONS = (
    "摘要", "前言", *(f"表{i}-{j}" for i in range(1, 7) for j in range(1, 5)), *(f"图{i}" for i in range(1, 9)),
    *(f"第{i}章" for i in range(1, 7)),
)
PERIODS = tuple(
    p for y in range(2000, 2031)
    for p in (str(y), *(f"{y}Q{q}" for q in range(1, 5)), *(f"{y}-{m:02d}" for m in range(1, 13)))
)
STATUSES = ("actual", "estimate", "forecast", "target")
CSV_COLUMNS = ("indicator", "subject", "region", "period", "product", "value", "unit", "status", "source", "quote",
               "location")
# The columns normalise_rows returns, in its order (= OBSERVATION_COLUMNS less obs_id, obs_key, vintage_id).
STORE_COLUMNS = (
    "subject", "region", "product", "application", "company", "country", "tier", "scenario", "location", "basis",
    "note", "indicator", "period", "status", "source_id", "qualifier", "period_start", "period_end", "value",
    "value_high", "unit", "value_as_printed", "value_high_as_printed", "unit_as_printed", "quote",
    "quote_normalised", "quote_start", "quote_end", "formula", "input_ids", "withdrawn",
)
TARGET_LOAD = 1.5    # store load vs DuckDB CTAS from Arrow (issue #18)
TARGET_INGEST = 3.0  # file ingest with all validation vs DuckDB read_csv CTAS
TARGET_QUERY = 1.2   # as-of queries vs hand-written SQL on the same layout
TARGET_SMALL = 1.2   # a small load into a big store vs into an empty one


# ================================================================================================
# synthetic data
# ================================================================================================
def _catalog():
    from sectorscope.model.catalog import load_catalog
    from sectorscope.model.units import UNIT_KINDS

    inds = list(load_catalog())
    lo, hi = [], []
    for i in inds:
        low = i.lower if i.lower is not None else (i.upper - 10_000 if i.upper is not None else 0.0)
        high = i.upper if i.upper is not None else low + 10_000
        lo.append(math.ceil(low * 10))
        hi.append(math.floor(high * 10))
    return {
        "codes": [i.code for i in inds],
        "names": [i.name_zh for i in inds],
        "units": [UNIT_KINDS[i.unit_kind] for i in inds],
        "lo10": np.array(lo, dtype=np.int64),
        "hi10": np.array(hi, dtype=np.int64),
    }


def _codes(n: int, revision: int) -> dict:
    """Integer codes of every column for n rows; revision k applies k successive 10 % value changes."""
    cat = _catalog()
    rng = np.random.default_rng(SEED)
    radices = (len(cat["codes"]), len(SUBJECTS), len(REGIONS), len(PRODUCTS), len(PERIODS))
    space = math.prod(radices)
    if n > space:
        raise SystemExit(f"at most {space} unique keys")
    assert math.gcd(STRIDE, space) == 1
    rest = (np.arange(n, dtype=np.int64) * STRIDE + 12_345) % space
    parts = []
    for r in reversed(radices):
        rest, d = np.divmod(rest, r)
        parts.append(d)
    per, prod, reg, subj, ind = parts
    loc = rng.integers(0, len(LOCATIONS), n)
    span = cat["hi10"] - cat["lo10"] + 1
    assert (span >= 2).all()
    v10 = cat["lo10"][ind] + (rng.random(n) * span[ind]).astype(np.int64)
    year = np.array([int(p[:4]) for p in PERIODS])[per]
    status = np.where(year < 2025, 0, np.where(year == 2025, 1, 2))
    status = np.where((status == 2) & (rng.random(n) < 0.05), 3, status)
    for k in range(1, revision + 1):
        r = np.random.default_rng([SEED, k])
        m = np.flatnonzero(r.random(n) < CHANGE)
        s, lo = span[ind[m]], cat["lo10"][ind[m]]
        # a different value within the indicator's bounds
        v10[m] = lo + (v10[m] - lo + 1 + (r.random(len(m)) * (s - 1)).astype(np.int64)) % s
    return {"cat": cat, "ind": ind, "subj": subj, "reg": reg, "prod": prod, "per": per, "loc": loc, "v10": v10,
            "status": status}


def _text_columns(c: dict):
    """Arrow string arrays shared by the store-ready frame and the CSV."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def take(values, idx):
        return pc.take(pa.array(list(values), pa.string()), pa.array(idx))

    cat = c["cat"]
    value = c["v10"] / 10.0
    value_s = pc.cast(pa.array(value), pa.string())
    t = {
        "indicator": take(cat["codes"], c["ind"]),
        "subject": take(SUBJECTS, c["subj"]),
        "region": take(REGIONS, c["reg"]),
        "period": take(PERIODS, c["per"]),
        "product": take(PRODUCTS, c["prod"]),
        "value": value_s,
        "unit": take(cat["units"], c["ind"]),
        "status": take(STATUSES, c["status"]),
        "location": take(LOCATIONS, c["loc"]),
    }
    t["quote"] = pc.binary_join_element_wise(
        t["period"], pa.scalar("年"), t["region"], t["subject"], take(cat["names"], c["ind"]), pa.scalar("为"),
        value_s, t["unit"], "")
    return t, value


def generate_csv_table(n: int, revision: int = 0):
    """The long-format text table of docs/data-format.md."""
    import pyarrow as pa

    t, _ = _text_columns(_codes(n, revision))
    t["source"] = pa.array(np.full(n, SOURCE_ID, dtype=object), pa.string())
    return pa.table({k: t[k] for k in CSV_COLUMNS})


def generate_frame(n: int, revision: int = 0):
    """The store-ready frame: what `normalise_rows` returns for the CSV of the same data."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from sectorscope.model.observation import parse_period

    c = _codes(n, revision)
    t, value = _text_columns(c)
    strs = pa.table({
        "subject": t["subject"], "region": t["region"],
        "product": pc.if_else(pc.equal(t["product"], ""), pa.scalar(None, pa.string()), t["product"]),
        "location": t["location"], "indicator": t["indicator"], "period": t["period"], "status": t["status"],
        "value_as_printed": t["value"], "unit_as_printed": t["unit"], "quote": t["quote"],
    }).to_pandas()
    del t
    idx = pd.RangeIndex(n)

    def nan_str():
        return pd.Series(np.nan, index=idx, dtype="str")

    def const_str(v):
        return pd.Series(pa.array(np.full(n, v, dtype=object), pa.string()).to_pandas().array, index=idx)

    periods = [parse_period(p) for p in PERIODS]
    starts = np.array([p.start for p in periods], dtype=object)
    ends = np.array([p.end for p in periods], dtype=object)
    cols = {
        "subject": strs["subject"], "region": strs["region"], "product": strs["product"],
        **{k: nan_str() for k in ("application", "company", "country", "tier", "scenario")},
        "location": strs["location"], "basis": nan_str(), "note": nan_str(), "indicator": strs["indicator"],
        "period": strs["period"], "status": strs["status"], "source_id": const_str(SOURCE_ID),
        "qualifier": const_str("exact"),
        "period_start": pd.Series(starts[c["per"]], index=idx, dtype=object),
        "period_end": pd.Series(ends[c["per"]], index=idx, dtype=object),
        "value": pd.Series(value, index=idx),
        "value_high": pd.Series(np.nan, index=idx, dtype="float64"),
        "unit": pd.Series(np.array(c["cat"]["units"], dtype=object)[c["ind"]], index=idx, dtype=object),
        "value_as_printed": strs["value_as_printed"], "value_high_as_printed": nan_str(),
        "unit_as_printed": strs["unit_as_printed"], "quote": strs["quote"], "quote_normalised": strs["quote"],
        "quote_start": pd.Series(pd.NA, index=idx, dtype="Int64"),
        "quote_end": pd.Series(pd.NA, index=idx, dtype="Int64"),
        "formula": pd.Series(np.full(n, None, dtype=object), index=idx, dtype=object),
        "input_ids": pd.Series(np.full(n, None, dtype=object), index=idx, dtype=object),
        "withdrawn": pd.Series(np.zeros(n, dtype=bool), index=idx),
    }
    df = pd.DataFrame(cols, index=idx)
    assert tuple(df.columns) == STORE_COLUMNS
    return df


def sources_frame():
    import pandas as pd

    return pd.DataFrame([{
        "source_id": SOURCE_ID, "title": "合成基准数据", "title_en": "Synthetic benchmark data",
        "publisher": "sectorscope", "published": date(2025, 6, 30), "document": None, "document_sha256": None,
        "lang": "zh-Hans", "note": None,
    }])


def write_sources_csv(path: Path) -> None:
    path.write_text("source_id,title,title_en,publisher,published,document,lang,note\n"
                    f"{SOURCE_ID},合成基准数据,Synthetic benchmark data,sectorscope,2025-06-30,,zh-Hans,\n",
                    encoding="utf-8")


def write_csv(table, path: Path) -> None:
    import pyarrow.csv as pacsv

    pacsv.write_csv(table, str(path), pacsv.WriteOptions(quoting_style="needed"))


# ================================================================================================
# measuring inside a child
# ================================================================================================


# ================================================================================================
# child steps
# ================================================================================================
def step_selfcheck(p: dict) -> dict:
    """A small sample through read_rows + normalise_rows equals the generated store-ready frame."""
    import pandas as pd

    from sectorscope.ingest.read import read_rows
    from sectorscope.ingest.validate import SourceInfo, normalise_rows
    from sectorscope.model.catalog import load_catalog
    from sectorscope.model.fx import FxTable
    from sectorscope.model.text import normalise

    n = p["n"]
    path = WORK / "selfcheck.csv"
    write_csv(generate_csv_table(n, revision=2), path)
    rows, layout = read_rows(path)
    assert layout == "long"
    out = normalise_rows(rows, file=str(path), catalog=load_catalog(), fx=FxTable([]),
                         sources={SOURCE_ID: SourceInfo(SOURCE_ID)})
    gen = generate_frame(n, revision=2)
    pd.testing.assert_frame_equal(out[list(STORE_COLUMNS)], gen, check_dtype=True)
    for s in (*SUBJECTS, *REGIONS, *PRODUCTS, *LOCATIONS):
        assert normalise(s) == s, s
    path.unlink()
    return {"rows": n, "ok": True}


def step_csv(p: dict) -> dict:
    n = p["n"]
    t0 = time.perf_counter()
    write_csv(generate_csv_table(n), Path(p["csv"]))
    write_sources_csv(Path(p["sources"]))
    return {"seconds": time.perf_counter() - t0, "bytes": Path(p["csv"]).stat().st_size}


def step_ss_load(p: dict) -> dict:
    import pyarrow as pa

    from sectorscope.store import Batch, Store

    df = generate_frame(p["n"])
    src = sources_frame()
    path = Path(p["store"])
    out = {}
    for how in ("pandas", "arrow"):  # the store as the benchmark's reference is the last one written
        batch = pa.Table.from_pandas(df, preserve_index=False) if how == "arrow" else df  # untimed: the input
        _rm(path)
        gc.collect()
        with Meter() as m:
            summary = Store(path).write(Batch(observations=batch, sources=src), label="bench v1")
        out[how] = m.result(vintage=summary.vintage_id, n_new=summary.n_new, file_bytes=path.stat().st_size)
        del batch
    return out


def step_duck_load(p: dict) -> dict:
    """DuckDB's own bulk load of the same data, two ways, each the peer of the store load from the same input:
    from an Arrow table (converted before the clock starts, as for the store) and scanned straight from pandas."""
    import duckdb
    import pyarrow as pa

    df = generate_frame(p["n"])
    path = Path(p["peer"])
    out = {}
    for how in ("arrow", "pandas"):
        _rm(path)
        data = pa.Table.from_pandas(df, preserve_index=False) if how == "arrow" else df
        gc.collect()
        with Meter() as m:
            con = duckdb.connect(str(path))
            con.register("src", data)
            con.execute("CREATE TABLE observations AS SELECT * FROM src")
            con.execute("CHECKPOINT")
            con.close()
        n = duckdb.connect(str(path), read_only=True).execute("SELECT count(*) FROM observations").fetchone()[0]
        assert n == p["n"], n
        out[how] = m.result(file_bytes=path.stat().st_size)
        _rm(path)
    return out


def step_ss_ingest(p: dict) -> dict:
    import duckdb

    from sectorscope.ingest.load import load_paths
    from sectorscope.store import Store

    path = Path(p["store"])
    _rm(path)
    with Meter() as m:
        summary = load_paths(Store(path), [p["csv"]], sources=p["sources"], label="bench csv")
    # the CSV path stored exactly what the frame path stored: same keys, same content column by column
    from sectorscope.store.keys import CONTENT_COLUMNS

    con = duckdb.connect(str(path), read_only=True)
    con.execute(f"ATTACH '{p['reference']}' AS ref (READ_ONLY)")
    same_content = " AND ".join(f'o."{c}" IS NOT DISTINCT FROM r."{c}"' for c in CONTENT_COLUMNS)
    same = con.execute(
        "SELECT count(*) FROM observations o JOIN (SELECT * FROM ref.observations WHERE vintage_id = 1) r "
        f"USING (obs_key) WHERE {same_content}").fetchone()[0]
    con.close()
    size = path.stat().st_size
    _rm(path)
    return m.result(n_new=summary.n_new, same_as_frame_load=int(same), file_bytes=size)


def step_duck_csv(p: dict) -> dict:
    import duckdb

    path = Path(p["peer"])
    _rm(path)
    with Meter() as m:
        con = duckdb.connect(str(path))
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{p['csv']}')")
        con.execute("CHECKPOINT")
        con.close()
    n = duckdb.connect(str(path), read_only=True).execute("SELECT count(*) FROM t").fetchone()[0]
    assert n == p["n"], n
    _rm(path)
    return m.result()


def step_ss_revisions(p: dict) -> dict:
    from sectorscope.store import Batch, Store

    out = []
    for k in range(1, p["vintages"] + 1):
        df = generate_frame(p["n"], revision=k)
        src = sources_frame()
        with Meter() as m:
            s = Store(p["store"]).write(Batch(observations=df, sources=src), label=f"bench revision {k}")
        out.append(m.result(vintage=s.vintage_id, n_new=s.n_new, n_revised=s.n_revised, n_unchanged=s.n_unchanged,
                            file_bytes=Path(p["store"]).stat().st_size))
        del df
    return {"writes": out}


SMALL = 100  # rows of the small load measured into the big store and into an empty one


def step_ss_small(p: dict) -> dict:
    """`Store.write` of SMALL rows (the big store's first SMALL figures, each with a changed value) into
    `store`: --repeat times, each a new vintage; the median is reported. Into an empty store, each run gets
    a fresh file."""
    from sectorscope.store import Batch, Store

    times = []
    for k in range(p["repeat"]):
        df = generate_frame(SMALL, revision=20 + k)
        df["value"] = df["value"] + 0.5 + k  # every figure changes: a revision in the big store
        path = Path(p["store"])
        if p["empty"]:
            _rm(path)
        src = sources_frame()
        gc.collect()
        t0 = time.perf_counter()
        s = Store(path).write(Batch(observations=df, sources=src), label=f"bench small {k}")
        times.append(time.perf_counter() - t0)
        assert s.n_rows == SMALL
    if p["empty"]:
        _rm(Path(p["store"]))
    return {"seconds": statistics.median(times), "times": times, "n_revised": s.n_revised}


def _sql_digest(cols) -> str:
    parts = [f"COALESCE(CAST(\"{c}\" AS VARCHAR), '')" for c in cols]
    return "md5(" + " || chr(31) || ".join(parts) + ")"


def step_duck_revisions(p: dict) -> dict:
    """The same vintaged write as hand-written SQL on the same layout, in place on a copy of the store."""
    import duckdb
    import pyarrow as pa

    from sectorscope.model.observation import KEY_COLUMNS
    from sectorscope.store.keys import CONTENT_COLUMNS

    out = []
    for k in range(1, p["vintages"] + 1):
        df = generate_frame(p["n"], revision=k)
        with Meter() as m:
            con = duckdb.connect(p["peer"])
            types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE observations)").fetchall())
            con.register("src", pa.Table.from_pandas(df, preserve_index=False))
            cast = ", ".join(f"CAST(\"{c}\" AS {types[c]}) AS \"{c}\"" for c in STORE_COLUMNS)
            cur = ", ".join(f'"{c}" AS "cur_{c}"' for c in CONTENT_COLUMNS)
            differs = " OR ".join(f'i."{c}" IS DISTINCT FROM c."cur_{c}"' for c in CONTENT_COLUMNS)
            con.execute("BEGIN TRANSACTION")
            vid = con.execute("SELECT max(vintage_id) + 1 FROM observations").fetchone()[0]
            base = con.execute("SELECT coalesce(max(obs_id), 0) FROM observations").fetchone()[0]
            con.execute(f"""
                CREATE TEMP TABLE chg AS
                WITH inc AS (
                    SELECT *, {_sql_digest(KEY_COLUMNS)} AS obs_key FROM (SELECT {cast} FROM src)
                )
                SELECT i.* FROM inc i LEFT JOIN (
                    SELECT obs_key AS cur_key, withdrawn AS cur_withdrawn, {cur} FROM observations
                    WHERE superseded_in IS NULL
                ) c ON c.cur_key = i.obs_key
                WHERE c.cur_key IS NULL OR c.cur_withdrawn OR {differs}""")
            names = [c for c in types if c in (*STORE_COLUMNS, "obs_key")]
            con.execute(f"INSERT INTO observations (obs_id, vintage_id, {', '.join(names)}) "
                        f"SELECT {base} + row_number() OVER (), {vid}, {', '.join(names)} FROM chg "
                        "ORDER BY indicator, subject, region, product, period")
            con.execute(f"UPDATE observations SET superseded_in = {vid} WHERE superseded_in IS NULL AND vintage_id < "
                        f"{vid} AND obs_key IN (SELECT obs_key FROM chg)")
            n_changed = con.execute("SELECT count(*) FROM chg").fetchone()[0]
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
        out.append(m.result(vintage=int(vid), n_changed=int(n_changed)))
        del df
    _rm(Path(p["peer"]))
    return {"writes": out}


def _ibis_count_sql(store, v) -> str:
    import ibis

    return ibis.to_sql(store.observations(as_of=v).count())


# Hand-written on the same layout: each row valid in [vintage_id, superseded_in), so as-of is a range filter;
# the latest vintage needs only `superseded_in IS NULL`.
COUNT_SQL = """
SELECT count(*) FROM observations
WHERE vintage_id <= $v AND (superseded_in IS NULL OR superseded_in > $v) AND NOT withdrawn"""
COUNT_LATEST_SQL = "SELECT count(*) FROM observations WHERE superseded_in IS NULL AND NOT withdrawn"
FILTER_SQL = """
SELECT * EXCLUDE (superseded_in) FROM observations
WHERE vintage_id <= $v AND (superseded_in IS NULL OR superseded_in > $v) AND NOT withdrawn
  AND indicator = $i AND subject = $s"""
FILTER_LATEST_SQL = """
SELECT * EXCLUDE (superseded_in) FROM observations
WHERE superseded_in IS NULL AND NOT withdrawn AND indicator = $i AND subject = $s"""

def _timed(fn, repeat: int):
    res = fn()  # warm-up (connection, file pages)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t0)
        assert _summarise(r) == _summarise(res)
    return statistics.median(times), times, _summarise(res)


def _summarise(r):
    if hasattr(r, "shape"):  # a DataFrame: its size and its ids
        return [len(r), int(r["obs_id"].sum())]
    return int(r)


def _queries(p: dict):
    return [
        (f"as-of count, latest (v{p['latest']})", "count", p["latest"]),
        (f"as-of count, earlier (v{p['earlier']})", "count", p["earlier"]),
        (f"as-of filtered, latest (v{p['latest']})", "filter", p["latest"]),
        (f"as-of filtered, earlier (v{p['earlier']})", "filter", p["earlier"]),
    ]


def step_ss_queries(p: dict) -> dict:
    from sectorscope.store import Store

    store = Store(p["store"])
    out = {}
    for name, kind, v in _queries(p):
        if kind == "count":
            fn = functools.partial(_ss_count, store, v)
        else:
            fn = functools.partial(_ss_filtered, store, v, p["indicator"], p["subject"])
        gc.collect()
        with Meter() as m:
            med, times, res = _timed(fn, p["repeat"])
        out[name] = {"seconds": med, "times": times, "result": res, "peak_rss": m.peak}
    import ibis

    out["_ibis_sql"] = {
        name: ibis.to_sql(store.observations(as_of=v).count() if kind == "count"
                          else store.query(as_of=v, indicator=p["indicator"], subject=p["subject"]))
        for name, kind, v in _queries(p)
    }
    store.close()
    return out


def _ss_count(store, v):
    return store.observations(as_of=v).count().execute()


def _ss_filtered(store, v, indicator, subject):
    return store.query(as_of=v, indicator=indicator, subject=subject).execute()


def _duck_scalar(con, sql, params=None):
    return con.execute(sql, params).fetchone()[0] if params else con.execute(sql).fetchone()[0]


def _duck_frame(con, sql, params=None):
    return con.execute(sql, params).df() if params else con.execute(sql).df()


def step_duck_queries(p: dict) -> dict:
    import duckdb

    con = duckdb.connect(p["store"], read_only=True)
    out = {}
    for name, kind, v in _queries(p):
        latest = v == p["latest"]
        if kind == "count":
            fn = (functools.partial(_duck_scalar, con, COUNT_LATEST_SQL) if latest
                  else functools.partial(_duck_scalar, con, COUNT_SQL, {"v": v}))
        else:
            args = {"i": p["indicator"], "s": p["subject"]}
            fn = (functools.partial(_duck_frame, con, FILTER_LATEST_SQL, args) if latest
                  else functools.partial(_duck_frame, con, FILTER_SQL, {"v": v, **args}))
        with Meter() as m:
            med, times, res = _timed(fn, p["repeat"])
        out[name] = {"seconds": med, "times": times, "result": res, "peak_rss": m.peak}
    for name, sql in (p.get("ibis_sql") or {}).items():  # profiling: Ibis's own SQL text, run on plain DuckDB
        if "filtered" in name:
            fn = functools.partial(_duck_frame, con, sql)
        else:
            fn = functools.partial(_duck_scalar, con, sql)
        med, _, res = _timed(fn, p["repeat"])
        out["_ibis_sql_raw " + name] = {"seconds": med, "result": res}
    con.close()
    return out


def step_profile(p: dict) -> dict:
    """Where a Store.write spends its time: every engine call of the write, timed by monkeypatching (the
    library is not changed), then the same work split apart on a plain DuckDB connection."""
    import duckdb
    import ibis
    import ibis.backends.duckdb as ibd
    import pyarrow as pa

    from sectorscope.model.observation import KEY_COLUMNS
    from sectorscope.store import Batch, Store
    from sectorscope.store import backend as sbackend
    from sectorscope.store.keys import CONTENT_COLUMNS

    events: list[tuple[str, float, int]] = []
    depth = [0]

    def wrap(owner, attr, label):
        orig = getattr(owner, attr)

        def timed(*a, **kw):
            depth[0] += 1
            t0 = time.perf_counter()
            try:
                return orig(*a, **kw)
            finally:
                dt = time.perf_counter() - t0
                depth[0] -= 1
                lab = label(a, kw) if callable(label) else label
                events.append((lab, dt, depth[0]))

        setattr(owner, attr, timed)
        return orig

    B = ibd.Backend

    def sql_label(a, kw):
        q = a[1] if len(a) > 1 else kw.get("query", "")
        return f"raw_sql {str(q).split()[0].upper()}"

    def exec_label(a, kw):
        expr = a[1]
        sql = ibis.to_sql(expr)
        if "_state" in sql:
            return "execute: tally (memtable, md5 x2, left join vs latest, group by)"
        if "obs_id" in sql and "MAX" in sql.upper():
            return "execute: max(obs_id)"
        if '"vintages"' in sql:
            return "execute: last vintage"
        return "execute: reference latest row_hash"

    def insert_label(a, kw):
        return f"insert into {a[1]}" + (" (md5 x2 again, left join again, row_number, write)"
                                        if a[1] == "observations" else "")

    wrap(B, "execute", exec_label)
    wrap(B, "insert", insert_label)
    wrap(B, "raw_sql", sql_label)
    wrap(B, "create_table", "create_table (5 empty tables)")
    wrap(B, "list_tables", "list_tables")
    wrap(B, "_register_in_memory_table", "  of which: memtable pandas -> Arrow + register")
    wrap(B, "disconnect", "disconnect")
    wrap(B, "do_connect", "connect")
    wrap(sbackend.os, "fsync", "fsync (first write only)")
    wrap(sbackend.os, "replace", "os.replace (first write only)")

    def run(df, path):
        events.clear()
        t0 = time.perf_counter()
        Store(path).write(Batch(observations=df, sources=sources_frame()))
        total = time.perf_counter() - t0
        agg: dict[str, list] = {}
        for lab, dt, d in events:
            if d == 0 or lab.startswith("  of which"):
                e = agg.setdefault(lab, [0.0, 0])
                e[0] += dt
                e[1] += 1
        return {"total": total, "parts": sorted(([k, v[0], v[1]] for k, v in agg.items()), key=lambda x: -x[1])}

    path = WORK / f"profile_{p['n']}.duckdb"
    _rm(path)
    df = generate_frame(p["n"])
    res = {"load": run(df, path)}
    df1 = generate_frame(p["n"], revision=1)
    res["revision"] = run(df1, path)
    del df1
    gc.collect()
    res["store_bytes"] = path.stat().st_size

    # the same work, split apart, on plain DuckDB (best of `reps` runs each)
    reps = 2 if p["n"] <= 2_000_000 else 1
    split = {}

    def best(label, fn, setup=None):
        ts = []
        for _ in range(reps):
            if setup:
                setup()
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        split[label] = min(ts)

    holder = {}
    best("pandas -> Arrow (pa.Table.from_pandas)",
         lambda h=holder, frame=df: h.__setitem__("at", pa.Table.from_pandas(frame, preserve_index=False)))
    tmp = WORK / "split.duckdb"
    _rm(tmp)
    con = duckdb.connect(str(tmp))
    con.register("arrow_in", holder["at"])
    key, content = _sql_digest(KEY_COLUMNS), _sql_digest(CONTENT_COLUMNS)
    best("md5 obs_key over the batch (computed, not stored)",
         lambda: con.execute(f"SELECT sum(strlen({key})) FROM arrow_in").fetchone())
    best("md5 row_hash over the batch (computed, not stored)",
         lambda: con.execute(f"SELECT sum(strlen({content})) FROM arrow_in").fetchone())
    def drop(*ts: str) -> None:
        for t in ts:
            con.execute(f"DROP TABLE IF EXISTS {t}")

    best("CTAS into a file from Arrow, no hashes, + CHECKPOINT",
         lambda: (con.execute("CREATE TABLE plain AS SELECT * FROM arrow_in"), con.execute("CHECKPOINT")),
         lambda: (drop("plain"), con.execute("CHECKPOINT")))
    best("CTAS into a file from Arrow + md5 obs_key + md5 row_hash, + CHECKPOINT",
         lambda: (con.execute(f"CREATE TABLE hashed AS SELECT {key} AS obs_key, {content} AS row_hash, * FROM arrow_in"),
                  con.execute("CHECKPOINT")),
         lambda: (drop("hashed"), con.execute("CHECKPOINT")))
    best("left join of the (hashed) batch vs latest-per-key window of itself",
         lambda: con.execute("""SELECT count(*) FROM hashed i LEFT JOIN (SELECT obs_key, row_hash AS cur_hash FROM hashed
                   QUALIFY row_number() OVER (PARTITION BY obs_key ORDER BY obs_key) = 1) c USING (obs_key)
                   WHERE c.cur_hash IS NULL OR c.cur_hash <> i.row_hash""").fetchone())
    con.close()
    _rm(tmp, path)
    res["split"] = split
    del holder, df
    gc.collect()
    if p.get("csv"):
        res["ingest"] = _profile_ingest(p)
    return res


def _profile_ingest(p: dict) -> dict:
    """load_paths split into read, validate/normalise and write; normalise_rows under cProfile."""
    import cProfile
    import linecache
    import pstats

    from sectorscope.ingest.load import load_paths, read_sources
    from sectorscope.ingest.read import read_rows
    from sectorscope.ingest.validate import normalise_rows
    from sectorscope.model.catalog import load_catalog
    from sectorscope.model.fx import FxTable
    from sectorscope.store import Batch, Store

    out = {}
    path = WORK / "profile_ingest.duckdb"
    _rm(path)
    t0 = time.perf_counter()
    load_paths(Store(path), [p["csv"]], sources=p["sources"])
    out["load_paths total"] = time.perf_counter() - t0
    _rm(path)
    cat = load_catalog()
    src, infos = read_sources(Path(p["sources"]))
    t0 = time.perf_counter()
    rows, _ = read_rows(p["csv"])
    out["read_rows (read_csv, strip every column)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    obs = normalise_rows(rows, file=p["csv"], catalog=cat, fx=FxTable([]), sources=infos)
    out["normalise_rows (pandera + checks + normalise)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    Store(path).write(Batch(observations=obs, sources=src, indicators=pd_frame(cat.records())))
    out["Store.write of the result"] = time.perf_counter() - t0
    _rm(path)
    del obs
    gc.collect()
    prof = cProfile.Profile()
    prof.enable()
    normalise_rows(rows, file=p["csv"], catalog=cat, fx=FxTable([]), sources=infos)
    prof.disable()
    stats = pstats.Stats(prof).stats
    total = max(v[3] for k, v in stats.items() if k[2] == "normalise_rows")
    picks = []
    for (file, line, func), (_cc, nc, _tt, ct, _) in stats.items():
        where = f"{Path(file).name}:{line} {func}"
        if "sectorscope" in file and func not in ("normalise_rows", "fail", "<genexpr>", "<lambda>"):
            if func.startswith("<"):  # a comprehension: show its line
                where += ": `" + linecache.getline(file, line).strip()[:90].replace("|", "\\|") + "`"
            picks.append((where, ct, nc))
        elif "pandera" in file and func == "validate" and "container" in file:
            if not any(w.startswith("pandera") for w, _, _ in picks) or ct > max(c for w, c, _ in picks if w.startswith("pandera")):
                picks = [x for x in picks if not x[0].startswith("pandera")]
                picks.append(("pandera DataFrameSchema.validate (lazy)", ct, nc))
        elif func == "_cmp_method" and "string_arrow" in file:
            picks.append(("pandas str ==/!= on whole columns (string_arrow._cmp_method)", ct, nc))
    picks.sort(key=lambda x: -x[1])
    out["cprofile_total"] = total
    out["cprofile"] = picks[:14]
    return out


def pd_frame(records):
    import pandas as pd

    return pd.DataFrame(records)


STEPS = {
    "selfcheck": step_selfcheck, "csv": step_csv, "ss_load": step_ss_load, "duck_load": step_duck_load,
    "ss_ingest": step_ss_ingest, "duck_csv": step_duck_csv, "ss_revisions": step_ss_revisions,
    "duck_revisions": step_duck_revisions, "ss_small": step_ss_small, "ss_queries": step_ss_queries, "duck_queries": step_duck_queries,
    "profile": step_profile,
}


def child_main(step: str, params: str) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    res = STEPS[step](json.loads(params))
    print("RESULT " + json.dumps(res, default=str), flush=True)


def run_child(step: str, **params) -> dict:
    return _run(__file__, step, **params)


# ================================================================================================
# orchestration and report
# ================================================================================================


def gib(b) -> str:
    return "—" if b is None else f"{b / 1024 ** 3:.2f}"


def bench_size(n: int, args, rows: list[dict], notes: list[str], raw: dict) -> None:
    from sectorscope.model.catalog import load_catalog

    d = WORK / str(n)
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    store, csv, sources = d / "store.duckdb", d / "obs.csv", d / "sources.csv"
    r: dict = raw.setdefault(str(n), {})

    def add(op, ss, peer_name, peer, target, ss_rss=None, peer_rss=None):
        rows.append({"operation": op, "size": n, "ss": ss, "peer_name": peer_name, "peer": peer, "target": target,
                     "ss_rss": ss_rss, "peer_rss": peer_rss})

    # a/b: bulk load
    r["ss_load"] = a0 = run_child("ss_load", n=n, store=str(store))
    r["duck_load"] = b0 = run_child("duck_load", n=n, peer=str(d / "peer.duckdb"))
    for how, label, target in (("arrow", "Arrow", TARGET_LOAD), ("pandas", "pandas", None)):
        a, b = a0.get(how, a0), b0.get(how, {})
        add(f"store load (Store.write from {label}, fresh file)", a.get("seconds"),
            f"DuckDB CTAS from the same {label} + CHECKPOINT", b.get("seconds"), target, a.get("peak_rss"),
            b.get("peak_rss"))
    a = a0.get("arrow", a0)
    if "arrow" in b0:
        notes.append(f"{n:,}: store load: the input (an Arrow table, or the pandas frame) is built before the clock "
                     f"starts, for both sides. Store file {a.get('file_bytes', 0) / 1e6:.0f} MB vs DuckDB's "
                     f"{b0['arrow']['file_bytes'] / 1e6:.0f} MB (obs_key is one 32-char hex column more; rows in "
                     "figure-key order)")
    if "error" in a:
        notes.append(f"{n:,}: the store load failed; nothing else was measured for this size")
        return

    # c: file ingest
    if n <= args.csv_max:
        r["csv"] = c0 = run_child("csv", n=n, csv=str(csv), sources=str(sources))
        r["ss_ingest"] = c = run_child("ss_ingest", n=n, csv=str(csv), sources=str(sources),
                                       store=str(d / "ingest.duckdb"), reference=str(store))
        r["duck_csv"] = c2 = run_child("duck_csv", n=n, csv=str(csv), peer=str(d / "csvpeer.duckdb"))
        add(f"file ingest (load_paths, CSV {c0.get('bytes', 0) / 1e6:.0f} MB)", c.get("seconds"),
            "DuckDB CTAS from read_csv + CHECKPOINT", c2.get("seconds"), TARGET_INGEST, c.get("peak_rss"),
            c2.get("peak_rss"))
        if "same_as_frame_load" in c:
            ok = c["same_as_frame_load"] == n
            notes.append(f"{n:,}: the CSV-ingested store has {c['same_as_frame_load']:,} of {n:,} rows with the same "
                         f"obs_key and content as the frame-loaded store{'' if ok else ' — MISMATCH'}")
    else:
        done = [(int(k), v["ss_ingest"]) for k, v in raw.items() if k.isdigit() and "ss_ingest" in v
                and v["ss_ingest"].get("peak_rss")]
        guess = ""
        if done:
            m, ing = max(done)
            guess = (f"; the {m:,}-row ingest took {ing['seconds']:.0f} s and peaked at {gib(ing['peak_rss'])} GiB, "
                     f"so {n:,} rows would need ~{ing['seconds'] * n / m / 60:.0f} min and "
                     f"~{ing['peak_rss'] * n / m / 1024 ** 3:.0f} GiB on this {_ram_gib():.0f} GiB machine")
        notes.append(f"{n:,}: CSV file ingest not run: sizes above --csv-max {args.csv_max:,} skip it (a {n:,}-row CSV "
                     f"is ~{n * 167 / 1e9:.1f} GB{guess})")

    # d: revisions
    peer_rev = d / "peer_rev.duckdb"
    shutil.copyfile(store, peer_rev)
    r["ss_revisions"] = sr = run_child("ss_revisions", n=n, store=str(store), vintages=args.vintages)
    r["duck_revisions"] = dr = run_child("duck_revisions", n=n, peer=str(peer_rev), vintages=args.vintages)
    for i, w in enumerate(sr.get("writes", [])):
        pw = dr.get("writes", [{}] * (i + 1))[i] if "writes" in dr else {}
        add(f"revision write v{w['vintage']} ({w['n_revised']:,} revised, {w['n_unchanged']:,} unchanged)",
            w["seconds"], "hand-written DuckDB SQL vintaged write, in place", pw.get("seconds"), None,
            w.get("peak_rss"), pw.get("peak_rss"))
        if pw and pw.get("n_changed") != w["n_new"] + w["n_revised"]:
            notes.append(f"{n:,}: v{w['vintage']}: SQL peer inserted {pw.get('n_changed')} rows, sectorscope "
                         f"{w['n_new'] + w['n_revised']} — MISMATCH")
    if sr.get("writes"):
        w = sr["writes"][-1]
        notes.append(f"{n:,}: store file after {args.vintages} revisions: {w['file_bytes'] / 1e9:.2f} GB")

    # f: a small load into the big store vs into an empty one (after the queries below would change the
    # vintages they read, so it runs on a copy)
    small_store = d / "small.duckdb"
    shutil.copyfile(store, small_store)
    r["ss_small"] = sm = run_child("ss_small", n=n, store=str(small_store), empty=False, repeat=args.repeat)
    r["ss_small_empty"] = se = run_child("ss_small", n=n, store=str(d / "small_empty.duckdb"), empty=True,
                                         repeat=args.repeat)
    _rm(small_store)
    add(f"load of {SMALL} rows into the store ({sm.get('n_revised', 0)} revised)", sm.get("seconds"),
        "the same load into an empty store", se.get("seconds"), TARGET_SMALL)

    # e: as-of queries
    latest = 1 + len(sr.get("writes", []))
    earlier = max(1, (1 + latest) // 2)
    code = load_catalog().codes()[0]
    qp = dict(n=n, store=str(store), latest=latest, earlier=earlier, indicator=code, subject=SUBJECTS[0],
              repeat=args.repeat, profile=args.profile)
    r["ss_queries"] = sq = run_child("ss_queries", **qp)
    r["duck_queries"] = dq = run_child("duck_queries", **qp, ibis_sql=sq.get("_ibis_sql") if args.profile else None)
    for name, _, _ in _queries(qp):
        s, q = sq.get(name, {}), dq.get(name, {})
        label = name + (f" [{code}, {SUBJECTS[0]}]" if "filtered" in name else "")
        add(label, s.get("seconds"), "hand-written DuckDB SQL, same layout", q.get("seconds"), TARGET_QUERY,
            s.get("peak_rss"), q.get("peak_rss"))
        if s and q and s.get("result") != q.get("result"):
            notes.append(f"{n:,}: {name}: results differ (sectorscope {s['result']}, SQL {q['result']}) — MISMATCH")
        elif s and q:
            res = s["result"]
            notes.append(f"{n:,}: {name}: both return {res if isinstance(res, int) else res[0]:,} rows"
                         + ("" if isinstance(res, int) else " (same obs_id sum)"))

    if args.profile:
        r["profile"] = run_child("profile", n=n, csv=str(csv) if csv.exists() else None, sources=str(sources))
    if not args.keep:
        shutil.rmtree(d, ignore_errors=True)


def verdict(row) -> tuple[str, str, str]:
    if row["ss"] is None or row["peer"] is None:
        return "—", (f"≤ {row['target']:g}×" if row["target"] else "—"), "not run"
    ratio = row["ss"] / row["peer"]
    if not row["target"]:
        return f"{ratio:.2f}×", "— (no target)", "—"
    return f"{ratio:.2f}×", f"≤ {row['target']:g}×", "met" if ratio <= row["target"] else "NOT met"


HEADERS = ("operation", "size", "sectorscope s", "peer", "peer s", "ratio", "target", "met?",
           "peak RSS GiB (sectorscope / peer)")


def table_cells(rows):
    for row in rows:
        ratio, target, met = verdict(row)
        yield (row["operation"], f"{row['size']:,}", "—" if row["ss"] is None else f"{row['ss']:.3f}",
               row["peer_name"], "—" if row["peer"] is None else f"{row['peer']:.3f}", ratio, target, met,
               f"{gib(row['ss_rss'])} / {gib(row['peer_rss'])}")


def profile_markdown(raw: dict) -> list[str]:
    out = []
    for n, r in raw.items():
        p = r.get("profile")
        if not p or "error" in p:
            continue
        out += ["", f"### Where a `Store.write` spends its time ({int(n):,} rows)", ""]
        for kind in ("load", "revision"):
            w = p[kind]
            out += [f"**{kind}** ({'fresh file' if kind == 'load' else 'second vintage, 10 % changed'}): "
                    f"{w['total']:.2f} s in all", "", "| step | seconds | share | calls |", "|---|---:|---:|---:|"]
            for lab, sec, calls in w["parts"]:
                out.append(f"| {lab.strip()} | {sec:.2f} | {sec / w['total']:.0%} | {calls} |")
            out.append("")
        out += [f"Two-vintage store file: {p['store_bytes'] / 1e9:.2f} GB.",
                "", "The same work split apart on a plain DuckDB connection:", "", "| operation | seconds |",
                "|---|---:|"]
        out += [f"| {k} | {v:.2f} |" for k, v in p["split"].items()]
        ing = p.get("ingest")
        if ing:
            out += ["", f"`load_paths` of the {int(n):,}-row CSV, split (separate runs):", "", "| part | seconds |",
                    "|---|---:|"]
            out += [f"| {k} | {v:.2f} |" for k, v in ing.items() if not k.startswith("cprofile")]
            out += ["", f"Inside `normalise_rows` (cProfile, cumulative, {ing['cprofile_total']:.1f} s with profiler "
                    "overhead):", "", "| function | cumulative s | calls |", "|---|---:|---:|"]
            out += [f"| {w} | {ct:.2f} | {nc} |" for w, ct, nc in ing["cprofile"]]
        q = r.get("duck_queries", {})
        sq = r.get("ss_queries", {})
        raws = [k for k in q if k.startswith("_ibis_sql_raw ")]
        if raws:
            out += ["", "As-of queries: sectorscope vs the SQL text Ibis generates run on plain DuckDB vs the hand-written "
                    "query:", "", "| query | sectorscope s | Ibis's SQL on plain DuckDB s | hand-written SQL s |",
                    "|---|---:|---:|---:|"]
            for k in raws:
                name = k[len("_ibis_sql_raw "):]
                out.append(f"| {name} | {sq.get(name, {}).get('seconds', float('nan')):.3f} | {q[k]['seconds']:.3f} | "
                           f"{q.get(name, {}).get('seconds', float('nan')):.3f} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--vintages", type=int, default=3, help="revision vintages written after the first load")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query (median reported; plus 1 warm-up)")
    ap.add_argument("--csv-max", type=int, default=1_000_000, help="largest size that also runs the CSV ingest")
    ap.add_argument("--profile", action="store_true", help="also break a Store.write down into its steps")
    ap.add_argument("--keep", action="store_true", help="keep the store files in benchmarks/out/work")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_main(*args.child)
        return

    import duckdb
    import ibis
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    WORK.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    t_all = time.perf_counter()
    rows: list[dict] = []
    notes: list[str] = []
    raw: dict = {"selfcheck": run_child("selfcheck", n=3000)}
    if "error" in raw["selfcheck"]:
        notes.append("self-check FAILED: the generated frame is not what normalise_rows makes of the CSV")
    for n in args.sizes:
        bench_size(n, args, rows, notes, raw)
    elapsed = time.perf_counter() - t_all

    cmd = "python benchmarks/store.py " + " ".join(sys.argv[1:])
    env = (f"{platform.python_version()}, duckdb {duckdb.__version__}, ibis {ibis.__version__}, pandas "
           f"{pd.__version__}, {os.cpu_count()} cores, "
           f"{_ram_gib():.0f} GiB RAM")

    table = Table(title=f"sectorscope store vs DuckDB — {cmd.strip()}")
    for h in HEADERS:
        table.add_column(h, justify="right" if h.endswith((" s", "ratio", "size")) else "left")
    for cells in table_cells(rows):
        style = "red" if cells[7] == "NOT met" else ("green" if cells[7] == "met" else None)
        table.add_row(*cells, style=style)
    console = Console(width=220)
    console.print(table)
    for note in notes:
        console.print(f"  • {note}")

    md = [f"# Store benchmark — {started:%Y-%m-%d %H:%M} UTC", "", f"`{cmd.strip()}` ({elapsed / 60:.1f} min; {env})",
          "", "| " + " | ".join(HEADERS) + " |", "|" + "|".join("---:" if h.endswith((" s", "ratio", "size")) else "---"
                                                                  for h in HEADERS) + "|"]
    md += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in table_cells(rows)]
    md += ["", "Ratio = sectorscope seconds / peer seconds. Each write and each query set runs in its own process; "
           "queries: median of " f"{args.repeat} runs after a warm-up. Peak RSS is the process's high-water mark "
           "during the step, input frame included.", ""]
    md += [f"- {note}" for note in notes]
    md += profile_markdown(raw)
    (OUT / "store.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    (OUT / "store.json").write_text(json.dumps({"command": cmd, "env": env, "rows": rows, "raw": raw}, indent=1,
                                               default=str), encoding="utf-8")
    console.print(f"\nwritten: {OUT / 'store.md'} and store.json ({elapsed / 60:.1f} min)")


if __name__ == "__main__":
    main()
