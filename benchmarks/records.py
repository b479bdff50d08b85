#!/usr/bin/env python
"""Records benchmark: customs lines → validated Parquet, and lines → every trade indicator, against DuckDB.

    python benchmarks/records.py [--sizes 10000000 100000000] [--csv-max 10000000] [--spark-max 10000000]
                                 [--no-spark] [--keep]

For each size, in one run:

  1. ingest      `records.load_records(Store(path), csv, hs_edition="HS2022", publisher=...)`: read the China
                 Customs CSV, line checks, staging as partitioned Parquet, batch checks, commit to the manifest
                 peer: DuckDB `COPY (SELECT * FROM read_csv(csv)) TO dir (FORMAT parquet, PARTITION_BY (year,
                 month, hs_chapter))` — the same partitions, no checks. Target ≤ 2×. The CSV is written before,
                 untimed, by `records.generate_lines` + `records.write_customs_csv`; sizes above --csv-max skip
                 this row (a 100 M-line CSV is ~7 GB) and load their lines, untimed, straight from
                 `generate_lines(...).to_pyarrow_batches()` through `records.load_batch`.
  2. indicators  on the loaded lines, with the library on DuckDB: `open_lines` → `apply(lines, hs_catalog.csv)`
   (DuckDB)      → trade_flows by month, quarter, year and 1–N月, trade_flows by year × partner and by year ×
                 province, yoy of the yearly flows, unit_values (year), partner_concentration (year),
                 import_dependence (output and FX tables below), mirror_gap (year, against the partners' mirror batch), unmapped — each materialised
                 with `to_pyarrow()`.
                 peer: one hand-written DuckDB SQL script (SQL_SCRIPT below) computing the same eleven tables
                 from the same Parquet files. Target ≤ 1.3×. Both results are sorted and compared value by
                 value (decimals and text exactly, doubles to 1e-12 relative, said when not to the last bit):
                 "identical figures".
  3. Spark       the same library code on Spark local[2] (`records.connect(EngineSettings(engine="spark",
                 spark_master="local[2]"))`) at sizes ≤ --spark-max: ratio to sectorscope-on-DuckDB (no target),
                 figures compared with the DuckDB ones the same way. Spark's session start is outside the clock.
  4. memory      peak RSS of step 2 (target ≤ 6 GiB at 100 M lines).

A second table shows how each step's time grows between the smallest and the largest size it ran at (for Spark
that needs two sizes within --spark-max, e.g. --spark-max 100000000 for 10 M → 100 M).

The output (stated domestic output by market × product × year) and FX tables that import_dependence needs are
made up here (OUTPUT_CNY, FX): round CNY amounts for every market and product of the concordance, half of
them stated in USD so the FX conversion runs; they are the same input for both sides.

Every measured step runs in its own subprocess, which builds its input first (untimed) and then times the
step alone with time.perf_counter. Memory is the peak resident set of that subprocess during the step (the
kernel's high-water mark reset after the input is built; for Spark it is the Python driver only, the JVM is a
child process and not counted). Prints a rich table and writes the same table as Markdown to
benchmarks/out/records.md (raw numbers in benchmarks/out/records.json). Exits 0 whether or not a target is
met: it reports, it does not assert.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import shutil
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import Meter
from harness import ram_gib as _ram_gib
from harness import run_child as _run

OUT = ROOT / "benchmarks" / "out"
CONCORDANCE = ROOT / "data" / "default" / "concordance" / "hs_catalog.csv"
PUBLISHER = "sectorscope generator"
MIRROR_DATASET = "comtrade"  # generate_mirror_lines' dataset: the partners' reports of their exports to China

TARGET_INGEST = 2.0
TARGET_INDICATORS = 1.3
TARGET_PEAK_GIB = 6.0

YEARS = range(2021, 2026)  # generate_lines' default years
FX = {2020: "6.8976", 2021: "6.4515", 2022: "6.7261", 2023: "7.0467", 2024: "7.1217", 2025: "7.1800"}
OUTPUTS = ("flows_month", "flows_quarter", "flows_year", "flows_cumulative", "flows_year_partner",
           "flows_year_province", "yoy_flows_year", "unit_values", "partner_concentration", "import_dependence",
           "mirror_gap", "unmapped")


# ================================================================================================
# inputs
# ================================================================================================
def output_and_fx():
    """The made-up stated output (market, product, year, value, currency) and FX (year, currency, cny_per_unit)
    as Arrow tables: for each (market, product) of the concordance, 10^8 CNY × (its index + 1) × 1.07^(year −
    2021); every second one stated in USD at that year's rate (rounded to cents)."""
    import pyarrow as pa

    from sectorscope.records import load_concordance

    pairs = sorted({(r.market, r.product) for r in load_concordance(CONCORDANCE).rows})
    rows = []
    for i, (market, product) in enumerate(pairs):
        for y in YEARS:
            cny = Decimal(100_000_000 * (i + 1)) * Decimal("1.07") ** (y - 2021)
            if i % 2:
                rows.append((market, product, y, (cny / Decimal(FX[y])).quantize(Decimal("0.01")), "USD"))
            else:
                rows.append((market, product, y, cny.quantize(Decimal("0.01")), "CNY"))
    output = pa.table({
        "market": pa.array([r[0] for r in rows], pa.string()), "product": pa.array([r[1] for r in rows], pa.string()),
        "year": pa.array([r[2] for r in rows], pa.int32()), "value": pa.array([r[3] for r in rows], pa.decimal128(20, 2)),
        "currency": pa.array([r[4] for r in rows], pa.string())})
    fx = pa.table({"year": pa.array(list(FX), pa.int32()), "currency": pa.array(["USD"] * len(FX), pa.string()),
                   "cny_per_unit": pa.array([Decimal(v) for v in FX.values()], pa.decimal128(12, 4))})
    return output, fx


def step_csv(p: dict) -> dict:
    """Untimed input: the China Customs CSV of n generated lines."""
    from sectorscope.records import connect, generate_lines, write_customs_csv

    con = connect("duckdb")
    t0 = time.perf_counter()
    write_customs_csv(con, generate_lines(con, p["n"]), p["csv"])
    return {"seconds": time.perf_counter() - t0, "bytes": Path(p["csv"]).stat().st_size}


def step_ss_ingest(p: dict) -> dict:
    from sectorscope.records import load_records
    from sectorscope.store import Store

    store = Store(p["store"])  # opening (and creating) the store file is outside the clock
    with Meter() as m:
        res = load_records(store, p["csv"], hs_edition="HS2022", publisher=PUBLISHER)
    return m.result(n_lines=res.summary.n_lines, warnings=list(res.warnings))


def step_duck_ingest(p: dict) -> dict:
    import duckdb

    con = duckdb.connect()
    out = Path(p["out"])
    shutil.rmtree(out, ignore_errors=True)
    csv, target = p["csv"].replace("'", "''"), str(out).replace("'", "''")
    # the CSV has 数据年月 (yyyymm) and 商品编码: the partition columns are derived from them, as the reader does
    with Meter() as m:
        con.execute(f"""COPY (SELECT *, "数据年月" // 100 AS year, "数据年月" % 100 AS month,
                                    substr(CAST("商品编码" AS VARCHAR), 1, 2) AS hs_chapter
                              FROM read_csv('{csv}'))
                        TO '{target}' (FORMAT parquet, PARTITION_BY (year, month, hs_chapter))""")
    n = con.execute(f"SELECT count(*) FROM read_parquet('{target}/**/*.parquet')").fetchone()[0]
    return m.result(n_lines=n)


def step_load_generated(p: dict) -> dict:
    """Untimed input for sizes above --csv-max: the generated lines loaded straight as a batch."""
    from sectorscope.records import BatchMeta, connect, generate_lines, load_batch
    from sectorscope.store import Store

    con = connect("duckdb")
    meta = BatchMeta(batch_id=f"generated-{p['n']}", dataset="customs_cn", source_file=f"generate_lines(n={p['n']})",
                     sha256="0" * 64, publisher=PUBLISHER, hs_edition="HS2022", currency="USD",
                     grain=("commodity", "partner", "province", "trade_mode"), period_kind="monthly")
    t0 = time.perf_counter()
    s = load_batch(Store(p["store"]), meta, generate_lines(con, p["n"], batch_id=meta.batch_id).to_pyarrow_batches(chunk_size=500_000))
    return {"seconds": time.perf_counter() - t0, "n_lines": s.n_lines}


def step_load_mirror(p: dict) -> dict:
    """Untimed input: the partners' mirror of the n lines (`generate_mirror_lines`, every reporter's exports to
    China, one line per reporter × month × HS6) loaded as one Comtrade batch, so that mirror_gap has both sides."""
    from sectorscope.records import BatchMeta, connect, generate_mirror_lines, load_batch
    from sectorscope.store import Store

    con = connect("duckdb")
    meta = BatchMeta(batch_id=f"generated-mirror-{p['n']}", dataset=MIRROR_DATASET,
                     source_file=f"generate_mirror_lines(n={p['n']})", sha256="0" * 64, publisher=PUBLISHER,
                     hs_edition="HS2022", currency="USD", grain=("commodity", "partner"), period_kind="monthly")
    t0 = time.perf_counter()
    lines = generate_mirror_lines(con, p["n"], batch_id=meta.batch_id)
    s = load_batch(Store(p["store"]), meta, lines.to_pyarrow_batches(chunk_size=500_000))
    return {"seconds": time.perf_counter() - t0, "n_lines": s.n_lines}


# ================================================================================================
# step 2/3: the library
# ================================================================================================
def library_outputs(store, con, output_arrow, fx_arrow) -> dict:
    """Every indicator table, as Ibis expressions on `con` (not yet run)."""
    import ibis

    from sectorscope.records import (
        apply,
        import_dependence,
        load_concordance,
        mirror_gap,
        open_lines,
        partner_concentration,
        trade_flows,
        unit_values,
        unmapped,
        yoy,
    )

    conc = load_concordance(CONCORDANCE)
    lines = open_lines(store, "customs_cn", con)
    mapped = apply(lines, conc, con)
    # the mirror check reads both sides: China's lines and its partners' own (the generated mirror batch)
    both = apply(lines.union(open_lines(store, MIRROR_DATASET, con)), conc, con)
    output, fx = ibis.memtable(output_arrow), ibis.memtable(fx_arrow)
    if con.name == "pyspark":
        output = con.create_view("bench_output", output, overwrite=True)
        fx = con.create_view("bench_fx", fx, overwrite=True)
    year = trade_flows(mapped, "year")
    return {
        "flows_month": trade_flows(mapped, "month"),
        "flows_quarter": trade_flows(mapped, "quarter"),
        "flows_year": year,
        "flows_cumulative": trade_flows(mapped, "cumulative"),
        "flows_year_partner": trade_flows(mapped, "year", by=("partner",)),
        "flows_year_province": trade_flows(mapped, "year", by=("province",)),
        "yoy_flows_year": yoy(year),
        "unit_values": unit_values(mapped, "year"),
        "partner_concentration": partner_concentration(mapped, "year"),
        "import_dependence": import_dependence(mapped, output, fx),
        "mirror_gap": mirror_gap(both, "year"),
        "unmapped": unmapped(lines, conc, con),
    }


def step_ss_indicators(p: dict) -> dict:
    from sectorscope.records import EngineSettings, connect
    from sectorscope.store import Store

    store = Store(p["store"])
    output, fx = output_and_fx()
    if p["engine"] == "spark":
        con = connect(EngineSettings(engine="spark", spark_master="local[2]"))
        con._session.range(1).count()  # the JVM is up before the clock
    else:
        con = connect("duckdb")
    results = {}
    with Meter() as m:
        exprs = library_outputs(store, con, output, fx)
        for name in OUTPUTS:
            results[name] = exprs[name].to_pyarrow()
    save_results(p["results"], results)
    return m.result(rows={k: v.num_rows for k, v in results.items()})


# ================================================================================================
# step 2: the hand-written peer
# ================================================================================================
def _by_period(src: str, keys: str, sums: str, products: str, names: str, grain: str) -> str:
    """SQL: `src` (mapped lines with year, month, share) summed by `keys`, month and share (`sums`: `expr AS
    name, …` with n_lines last), the weighted sums multiplied by share (`products`: `name * share AS name, …`),
    added up by month, then re-summed to `grain` — the columns keys, grain, year, part, period, `names`."""
    sum_names = ", ".join(f"sum({n}) AS {n}" for n in names.split(", "))
    monthly = f"""(SELECT {keys}, year, month, {sum_names} FROM (
                SELECT {keys}, year, month, {products} FROM (
                  SELECT {keys}, year, month, share, {sums} FROM {src} GROUP BY ALL)) GROUP BY ALL)"""
    lab = "CAST(year AS VARCHAR)"
    if grain == "month":
        return f"""SELECT {keys}, 'month' AS grain, year, month AS part,
                   {lab} || '-' || lpad(CAST(month AS VARCHAR), 2, '0') AS period, {names} FROM {monthly}"""
    if grain == "cumulative":
        return f"""SELECT {keys}, 'cumulative' AS grain, year, part,
                   {lab} || '-01/' || {lab} || '-' || lpad(CAST(part AS VARCHAR), 2, '0') AS period, {names}
                 FROM (SELECT {keys}, m.year, e.n AS part, {sum_names} FROM {monthly} m
                       JOIN (SELECT DISTINCT year AS y, month AS n FROM {monthly}) e ON m.year = e.y AND m.month <= e.n
                       GROUP BY ALL)"""
    if grain == "quarter":
        return f"""SELECT {keys}, 'quarter' AS grain, year, part, {lab} || 'Q' || CAST(part AS VARCHAR) AS period, {names}
                 FROM (SELECT {keys}, year, CAST((month - 1) // 3 + 1 AS INTEGER) AS part, {sum_names} FROM {monthly}
                       GROUP BY ALL)"""
    return f"""SELECT {keys}, 'year' AS grain, year, part, {lab} AS period, {names}
             FROM (SELECT {keys}, year, CAST(0 AS INTEGER) AS part, {sum_names} FROM {monthly} GROUP BY ALL)"""


def _flows(grain: str, by: str = "") -> str:
    keys = f"market, product, {by + ', ' if by else ''}unit"
    wide = _by_period(
        "flow_lines", keys,
        "sum(CASE WHEN flow = 'import' THEN value ELSE 0 END) AS _imp, "
        "sum(CASE WHEN flow = 'import' THEN 0 ELSE value END) AS _exp, "
        "sum(CASE WHEN flow = 'import' THEN 1 ELSE 0 END) AS _nimp, count(*) AS n_lines",
        "_imp * share AS _imp, _exp * share AS _exp, _nimp, n_lines", "_imp, _exp, _nimp, n_lines", grain)
    return f"""SELECT * FROM (
      SELECT {keys}, grain, year, part, period, f.flow,
             CASE f.flow WHEN 'import' THEN _imp WHEN 'export' THEN _exp ELSE _exp - _imp END AS value,
             CASE f.flow WHEN 'import' THEN _nimp WHEN 'export' THEN n_lines - _nimp ELSE n_lines END AS n_lines
      FROM ({wide}) CROSS JOIN (VALUES ('import'), ('export'), ('balance')) f(flow))
    WHERE flow = 'balance' OR n_lines > 0"""


def sql_script() -> dict[str, str]:
    """The peer: setup statements (key "_setup", run in order) and one query per output."""
    q: dict[str, str] = {}
    q["_setup"] = """
    CREATE TEMP VIEW lines AS SELECT * FROM read_parquet($files, hive_partitioning = false);
    CREATE TEMP VIEW mirror_lines AS SELECT * FROM read_parquet($mirror_files, hive_partitioning = false);
    -- each distinct code of the lines → the longest concordance code of its edition that prefixes it
    CREATE TEMP TABLE code_map AS
      SELECT c.hs_edition, c.hs_code, k.code AS conc_code
      FROM (SELECT DISTINCT hs_edition, hs_code FROM lines) c
      JOIN conc k ON k.hs_edition = c.hs_edition AND starts_with(c.hs_code, k.code)
      QUALIFY row_number() OVER (PARTITION BY c.hs_edition, c.hs_code ORDER BY length(k.code) DESC) = 1;
    CREATE TEMP TABLE code_rows AS
      SELECT m.hs_edition, m.hs_code, k.market, k.product, k.share
      FROM code_map m JOIN conc k ON k.hs_edition = m.hs_edition AND k.code = m.conc_code;
    CREATE TEMP VIEW mapped AS
      SELECT l.*, r.market, r.product, r.share, coalesce(l.partner_iso3, l.partner_code) AS partner
      FROM lines l JOIN code_rows r ON r.hs_edition = l.hs_edition AND r.hs_code = l.hs_code;
    -- the partners' own reports (the mirror batch), mapped the same way: the export side of the mirror check
    CREATE TEMP VIEW mapped_mirror AS
      SELECT l.*, k.market, k.product, k.share, coalesce(l.partner_iso3, l.partner_code) AS partner
      FROM mirror_lines l JOIN conc k ON k.hs_edition = l.hs_edition AND starts_with(l.hs_code, k.code)
      QUALIFY max(length(k.code)) OVER (PARTITION BY l.line_no, l.batch_id) = length(k.code);
    CREATE TEMP VIEW flow_lines AS
      SELECT *, currency AS unit FROM mapped WHERE reporter = 'CHN' AND flow IN ('import', 'export');
    """
    for g in ("month", "quarter", "year", "cumulative"):
        q[f"flows_{g}"] = _flows(g)
    q["flows_year_partner"] = _flows("year", "partner")
    q["flows_year_province"] = _flows("year", "province")
    q["yoy_flows_year"] = f"""
      WITH t AS ({_flows('year')})
      SELECT t.market, t.product, t.flow, t.unit, t.grain, t.part, t.year, t.period, t.value, p.value AS value_prev,
             CAST(t.value - p.value AS DOUBLE) / nullif(CAST(p.value AS DOUBLE), 0) * 100 AS yoy_pct
      FROM t LEFT JOIN t p ON p.market IS NOT DISTINCT FROM t.market AND p.product IS NOT DISTINCT FROM t.product
        AND p.flow IS NOT DISTINCT FROM t.flow AND p.unit IS NOT DISTINCT FROM t.unit
        AND p.grain IS NOT DISTINCT FROM t.grain AND p.part IS NOT DISTINCT FROM t.part AND t.year = p.year + 1"""
    uv = _by_period(
        "(SELECT * FROM mapped WHERE reporter = 'CHN' AND flow IN ('import', 'export') AND quantity IS NOT NULL "
        "AND quantity_unit IS NOT NULL)", "market, product, flow, currency, quantity_unit",
        "sum(value) AS value, sum(quantity) AS quantity, count(*) AS n_lines",
        "value * share AS value, quantity * share AS quantity, n_lines", "value, quantity, n_lines", "year")
    q["unit_values"] = f"""SELECT *, CAST(value AS DOUBLE) / nullif(CAST(quantity AS DOUBLE), 0) AS unit_value,
                                  currency || '/' || quantity_unit AS unit FROM ({uv})"""
    per = _by_period("(SELECT * FROM flow_lines WHERE flow = 'import' AND partner IS NOT NULL)",
                     "market, product, unit, partner", "sum(value) AS value, count(*) AS n_lines",
                     "value * share AS value, n_lines", "value, n_lines", "year")
    q["partner_concentration"] = f"""
      WITH per AS (SELECT *, row_number() OVER (PARTITION BY market, product, unit, grain, year, part, period
                                                ORDER BY value DESC, partner) AS rnk,
                          CAST(round(value, 2) AS DECIMAL(20, 2)) AS c FROM ({per}))
      SELECT market, product, unit, grain, year, part, period, sum(value) AS value,
             sum(CASE WHEN rnk <= 3 THEN value ELSE 0 END) AS top_value, count(*) AS n_partners,
             sum(n_lines) AS n_lines,
             CAST(sum(CASE WHEN rnk <= 3 THEN value ELSE 0 END) AS DOUBLE) / nullif(CAST(sum(value) AS DOUBLE), 0)
               AS top_share,
             CAST(sum(CAST(c * c AS DECIMAL(38, 4))) AS DOUBLE)
               / nullif(CAST(sum(c) AS DOUBLE) * CAST(sum(c) AS DOUBLE), 0) AS hhi
      FROM per GROUP BY ALL"""
    yearly = _by_period("flow_lines", "market, product, currency, flow", "sum(value) AS value, count(*) AS n_lines",
                        "value * share AS value, n_lines", "value, n_lines", "year")
    to_cny = ("CAST(CAST(round({a}, 2) AS DECIMAL(24, 4)) * CASE WHEN {c} = 'CNY' THEN CAST(1 AS DECIMAL(24, 4)) "
              "ELSE CAST(CAST({r} AS DECIMAL(12, 4)) AS DECIMAL(24, 4)) END AS DECIMAL(38, 6))")
    q["import_dependence"] = f"""
      WITH trade AS (
        SELECT market, product, t.year, sum(CASE WHEN flow = 'import' THEN cny ELSE CAST(0 AS DECIMAL(38, 6)) END) AS imports,
               sum(CASE WHEN flow = 'export' THEN cny ELSE CAST(0 AS DECIMAL(38, 6)) END) AS exports,
               sum(n_lines) AS n_lines
        FROM (SELECT y.*, {to_cny.format(a='y.value', c='y.currency', r='fx.cny_per_unit')} AS cny
              FROM ({yearly}) y LEFT JOIN fx ON y.year = CAST(fx.year AS INTEGER) AND y.currency = fx.currency) t
        GROUP BY ALL),
      produced AS (
        SELECT o.market, o.product, CAST(o.year AS INTEGER) AS year,
               sum({to_cny.format(a='o.value', c='o.currency', r='fx.cny_per_unit')}) AS output
        FROM output o LEFT JOIN fx ON CAST(o.year AS INTEGER) = CAST(fx.year AS INTEGER) AND o.currency = fx.currency
        GROUP BY ALL),
      j AS (SELECT t.*, p.output, p.output + t.imports - t.exports AS apparent
            FROM trade t JOIN produced p ON p.market = t.market AND p.product = t.product AND p.year = t.year)
      SELECT market, product, year, CAST(year AS VARCHAR) AS period, output, imports, exports,
             apparent AS apparent_consumption,
             CAST(imports AS DOUBLE) / nullif(CASE WHEN apparent > 0 THEN CAST(apparent AS DOUBLE) END, 0)
               AS import_dependence,
             CAST(output - exports AS DOUBLE) / nullif(CASE WHEN apparent > 0 THEN CAST(apparent AS DOUBLE) END, 0)
               AS localisation,
             'CNY' AS unit, n_lines FROM j"""
    side = ("market, product, unit, partner", "sum(value) AS value, count(*) AS n_lines",
            "value * share AS value, n_lines", "value, n_lines", "year")
    imp = _by_period("(SELECT * EXCLUDE (partner), currency AS unit, partner_iso3 AS partner FROM mapped "
                     "WHERE reporter = 'CHN' AND flow = 'import' AND partner_iso3 IS NOT NULL)", *side)
    exp = _by_period("(SELECT * EXCLUDE (partner), currency AS unit, reporter AS partner FROM mapped_mirror "
                     "WHERE partner_iso3 = 'CHN' AND flow = 'export')", *side)
    q["mirror_gap"] = f"""
      SELECT i.market, i.product, i.unit, i.partner, i.grain, i.year, i.part, i.period, i.value AS import_value,
             x.value AS export_value,
             CAST(i.value - x.value AS DOUBLE) / nullif(CAST(x.value AS DOUBLE), 0) * 100 AS gap_pct,
             i.n_lines + x.n_lines AS n_lines
      FROM ({imp}) i JOIN ({exp}) x ON i.market = x.market AND i.product = x.product AND i.unit = x.unit
        AND i.partner = x.partner AND i.grain = x.grain AND i.year = x.year AND i.part = x.part"""
    q["unmapped"] = """
      SELECT l.hs_edition, l.hs6, l.flow, l.currency, sum(l.n_lines) AS n_lines, sum(l.value) AS value
      FROM (SELECT hs_edition, hs_code, hs6, flow, currency, count(*) AS n_lines, sum(value) AS value
            FROM lines GROUP BY ALL) l
      ANTI JOIN code_map m ON m.hs_edition = l.hs_edition AND m.hs_code = l.hs_code
      GROUP BY ALL"""
    return q


def step_duck_sql(p: dict) -> dict:
    import duckdb

    from sectorscope.records import load_concordance
    from sectorscope.store import Store, record_manifest

    store = Store(p["store"])
    root = store.path.parent / f"{store.path.stem}.records"

    def files(dataset: str) -> str:
        paths = [str(root / f) for f in record_manifest.current_files(store, dataset, None)["path"]]
        return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in paths) + "]"

    conc = load_concordance(CONCORDANCE).to_arrow()
    output, fx = output_and_fx()
    script = sql_script()
    con = duckdb.connect()
    con.register("conc", conc)
    con.register("output", output)
    con.register("fx", fx)
    results = {}
    with Meter() as m:
        for stmt in script["_setup"].split(";"):
            if stmt.strip():
                con.execute(stmt.replace("$mirror_files", files(MIRROR_DATASET)).replace("$files", files("customs_cn")))
        for name in OUTPUTS:
            results[name] = con.execute(script[name]).to_arrow_table()
    save_results(p["results"], results)
    return m.result(rows={k: v.num_rows for k, v in results.items()})


# ================================================================================================
# comparing figures
# ================================================================================================
def _canon(v) -> str:
    """One text per value: numbers by their exact value (a decimal of scale 8 equals the same value at scale
    2; an integer equals the same decimal), doubles by repr (equal to the last bit), text as is."""
    if v is None:
        return "∅"
    if isinstance(v, bool):
        return f"b:{v}"
    if isinstance(v, (int, Decimal)):
        d = Decimal(v)
        return "d:" + ("0" if d == 0 else str(d.normalize()))
    if isinstance(v, float):
        return "f:" + repr(v)
    return "s:" + str(v)


def save_results(path: str, results: dict) -> None:
    """Each table as its column names and its rows (canonical texts, sorted), pickled (outside the clock)."""
    out = {}
    for name, t in results.items():
        cols = t.column_names
        rows = sorted(tuple(_canon(v) for v in row.values()) for row in t.to_pylist())
        out[name] = {"columns": cols, "rows": rows}
    Path(path).write_bytes(pickle.dumps(out))


REL_TOL = 1e-12  # doubles: equal to 12 significant digits (the figures are shown with 4)


def _close(rows_a: list[tuple], rows_b: list[tuple]) -> bool:
    """The same rows, every value equal exactly except doubles, which are equal within REL_TOL."""
    import math

    if len(rows_a) != len(rows_b):
        return False
    for ra, rb in zip(rows_a, rows_b, strict=True):
        for x, y in zip(ra, rb, strict=True):
            if x == y:
                continue
            if not (x.startswith("f:") and y.startswith("f:")
                    and math.isclose(float(x[2:]), float(y[2:]), rel_tol=REL_TOL, abs_tol=0.0)):
                return False
    return True


def compare(path_a: str, path_b: str) -> dict:
    """Per output: 'identical', or what differs. Columns are matched by name (the SQL's order may differ)."""
    a, b = (pickle.loads(Path(p).read_bytes()) for p in (path_a, path_b))
    verdicts = {}
    for name in OUTPUTS:
        ta, tb = a.get(name), b.get(name)
        if ta is None or tb is None:
            verdicts[name] = "missing"
            continue
        if set(ta["columns"]) != set(tb["columns"]):
            verdicts[name] = f"columns differ: {sorted(set(ta['columns']) ^ set(tb['columns']))}"
            continue
        order = [tb["columns"].index(c) for c in ta["columns"]]
        rows_b = sorted(tuple(r[i] for i in order) for r in tb["rows"])
        if ta["rows"] == rows_b:
            verdicts[name] = "identical"
        elif _close(ta["rows"], rows_b):
            # a double summed in another order (Spark's partitions) may differ in its last bits: 0.22094202799850676
            # against 0.2209420279985068; decimals and every other value are still equal exactly
            n = sum(x != y for ra, rb in zip(ta["rows"], rows_b, strict=True) for x, y in zip(ra, rb, strict=True))
            verdicts[name] = f"identical (decimals exactly; {n} doubles within {REL_TOL:g} relative)"
        else:
            diff = len(set(ta["rows"]) ^ set(rows_b))
            first = next((x, y) for x, y in zip([*ta["rows"], ()], [*rows_b, ()], strict=False) if x != y)
            verdicts[name] = f"{len(ta['rows'])} vs {len(rows_b)} rows, {diff} differ; first: {first[0]} / {first[1]}"
    return verdicts


STEPS = {"csv": step_csv, "ss_ingest": step_ss_ingest, "duck_ingest": step_duck_ingest,
         "load_generated": step_load_generated, "load_mirror": step_load_mirror, "ss_indicators": step_ss_indicators, "duck_sql": step_duck_sql}


def child_main(step: str, params: str) -> None:
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
    d = args.out_dir / "work" / "records" / str(n)
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    store = d / "store.duckdb"
    r: dict = raw.setdefault(str(n), {})
    steps = set(args.steps.split(","))

    def add(op, ss, peer_name, peer, target, ss_rss=None, peer_rss=None, figures="—", kind=""):
        rows.append({"operation": op, "size": n, "ss": ss, "peer_name": peer_name, "peer": peer, "target": target,
                     "ss_rss": ss_rss, "peer_rss": peer_rss, "figures": figures, "kind": kind})

    # 1. ingest (or, above --csv-max or without the ingest step, the lines loaded untimed from the generator)
    if n <= args.csv_max and "ingest" in steps:
        csv = d / "customs.csv"
        r["csv"] = c0 = run_child("csv", n=n, csv=str(csv))
        r["ss_ingest"] = a = run_child("ss_ingest", n=n, csv=str(csv), store=str(store))
        r["duck_ingest"] = b = run_child("duck_ingest", n=n, csv=str(csv), out=str(d / "duck_parquet"))
        add(f"ingest customs CSV → Parquet, validated (CSV {c0.get('bytes', 0) / 1e6:.0f} MB)", a.get("seconds"),
            "DuckDB read_csv → COPY … PARTITION_BY", b.get("seconds"), TARGET_INGEST, a.get("peak_rss"),
            b.get("peak_rss"), kind="ingest")
        if a.get("n_lines") is not None and a.get("n_lines") != b.get("n_lines"):
            notes.append(f"{n:,}: ingest: sectorscope stored {a.get('n_lines')} lines, DuckDB {b.get('n_lines')} — MISMATCH")
        csv.unlink(missing_ok=True)
        shutil.rmtree(d / "duck_parquet", ignore_errors=True)
        if "error" in a:
            notes.append(f"{n:,}: the ingest failed; nothing else was measured for this size")
            return
    else:
        r["load_generated"] = g = run_child("load_generated", n=n, store=str(store))
        why = (f"above --csv-max {args.csv_max:,}; the CSV would be ~{n * 70 / 1e9:.0f} GB" if "ingest" in steps
               else "not in --steps")
        notes.append(f"{n:,}: CSV ingest not run ({why}); the lines were loaded untimed from generate_lines through "
                     "load_batch")
        if "error" in g:
            notes.append(f"{n:,}: loading the generated lines failed; nothing else was measured for this size")
            return

    if not {"indicators", "spark"} & steps:
        if not args.keep:
            shutil.rmtree(d, ignore_errors=True)
        return
    r["load_mirror"] = mi = run_child("load_mirror", n=n, store=str(store))
    if "error" in mi:
        notes.append(f"{n:,}: loading the mirror lines failed; nothing else was measured for this size")
        if not args.keep:
            shutil.rmtree(d, ignore_errors=True)
        return
    # 2. indicators on DuckDB vs the hand-written SQL (Spark compares with its figures, so it needs them too)
    ss_res, sql_res = d / "ss_duckdb.pkl", d / "sql.pkl"
    r["ss_duckdb"] = s = run_child("ss_indicators", n=n, store=str(store), engine="duckdb", results=str(ss_res))
    r["duck_sql"] = q = run_child("duck_sql", n=n, store=str(store), results=str(sql_res))
    same = compare(str(ss_res), str(sql_res)) if ss_res.exists() and sql_res.exists() else {}
    r["figures_sql"] = same
    ok = bool(same) and all(v.startswith("identical") for v in same.values())
    add(f"records → all indicators ({len(OUTPUTS)} tables), DuckDB", s.get("seconds"), "hand-written DuckDB SQL script",
        q.get("seconds"), TARGET_INDICATORS, s.get("peak_rss"), q.get("peak_rss"),
        figures="identical" if ok else ("not compared" if not same else "DIFFER"), kind="duckdb")
    for k, v in same.items():
        if not v.startswith("identical"):
            notes.append(f"{n:,}: {k}: sectorscope vs SQL — {v}")
    if s.get("rows"):
        notes.append(f"{n:,}: rows per output: " + ", ".join(f"{k} {v:,}" for k, v in s["rows"].items()))

    # 3. the same on Spark local[2]
    if "spark" in steps and not args.no_spark and n <= args.spark_max:
        sp_res = d / "ss_spark.pkl"
        r["ss_spark"] = sp = run_child("ss_indicators", n=n, store=str(store), engine="spark", results=str(sp_res))
        same_sp = compare(str(ss_res), str(sp_res)) if ss_res.exists() and sp_res.exists() else {}
        r["figures_spark"] = same_sp
        ok = bool(same_sp) and all(v.startswith("identical") for v in same_sp.values())
        add("the same library code on Spark local[2]", sp.get("seconds"), "sectorscope on DuckDB", s.get("seconds"),
            None, sp.get("peak_rss"), s.get("peak_rss"),
            figures="identical" if ok else ("not compared" if not same_sp else "DIFFER"), kind="spark")
        for k, v in same_sp.items():
            if v != "identical":  # the doubles within REL_TOL are said too
                notes.append(f"{n:,}: {k}: Spark vs DuckDB — {v}")
    elif "spark" in steps and not args.no_spark:
        notes.append(f"{n:,}: Spark not run (above --spark-max {args.spark_max:,})")

    # 4. peak memory of step 2
    if s.get("peak_rss") is not None:
        rows.append({"operation": "peak memory of the indicators on DuckDB", "size": n, "ss": None, "peer_name": "—",
                     "peer": None, "target": None, "ss_rss": s["peak_rss"], "peer_rss": None, "figures": "—",
                     "kind": "memory", "mem_met": s["peak_rss"] <= TARGET_PEAK_GIB * 1024 ** 3})
    if not args.keep:
        shutil.rmtree(d, ignore_errors=True)


def verdict(row) -> tuple[str, str, str]:
    if row["kind"] == "memory":
        met = ("met" if row["mem_met"] else "NOT met") if row["size"] >= 100_000_000 else "— (target at 100 M)"
        return "—", f"≤ {TARGET_PEAK_GIB:g} GiB (at 100 M)", met
    if row["ss"] is None or row["peer"] is None:
        return "—", (f"≤ {row['target']:g}×" if row["target"] else "—"), "not run"
    ratio = row["ss"] / row["peer"]
    if not row["target"]:
        return f"{ratio:.2f}×", "— (report)", "—"
    return f"{ratio:.2f}×", f"≤ {row['target']:g}×", "met" if ratio <= row["target"] else "NOT met"


HEADERS = ("operation", "size", "sectorscope s", "peer", "peer s", "ratio", "target", "met?", "figures",
           "peak RSS GiB (sectorscope / peer)")


def table_cells(rows):
    for row in rows:
        ratio, target, met = verdict(row)
        yield (row["operation"], f"{row['size']:,}", "—" if row["ss"] is None else f"{row['ss']:.3f}",
               row["peer_name"], "—" if row["peer"] is None else f"{row['peer']:.3f}", ratio, target, met,
               row["figures"], f"{gib(row['ss_rss'])} / {gib(row['peer_rss'])}")


def growth_cells(rows):
    """How each timed step grows from the smallest to the largest size (time ratio against size ratio)."""
    by_kind: dict[str, list[dict]] = {}
    for row in rows:
        if row["ss"] is not None:
            by_kind.setdefault(row["kind"], []).append(row)
    labels = {"ingest": ("ingest (sectorscope)", "ingest (DuckDB COPY)"),
              "duckdb": ("indicators, sectorscope on DuckDB", "indicators, hand-written SQL"),
              "spark": ("indicators, sectorscope on Spark", None)}
    for kind, rs in by_kind.items():
        rs = sorted(rs, key=lambda x: x["size"])
        if len(rs) < 2:
            continue
        lo, hi = rs[0], rs[-1]
        for label, key in zip(labels.get(kind, (kind, None)), ("ss", "peer"), strict=False):
            if label and lo[key] and hi[key]:
                yield (label, f"{lo['size']:,} → {hi['size']:,}", f"{lo[key]:.2f} → {hi[key]:.2f}",
                       f"{hi[key] / lo[key]:.1f}× for {hi['size'] / lo['size']:.0f}× the lines")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000_000, 100_000_000])
    ap.add_argument("--csv-max", type=int, default=10_000_000, help="largest size that also runs the CSV ingest")
    ap.add_argument("--spark-max", type=int, default=10_000_000, help="largest size run on Spark")
    ap.add_argument("--no-spark", action="store_true", help="skip Spark (row 3)")
    ap.add_argument("--steps", default="ingest,indicators,spark",
                    help="comma-separated steps to run: ingest, indicators, spark (default: all three)")
    ap.add_argument("--out", default="records", help="file stem of the report (default: records)")
    ap.add_argument("--out-dir", type=Path, default=OUT, help="where the report and the work files go")
    ap.add_argument("--keep", action="store_true", help="keep the stores and Parquet in benchmarks/out/work")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if set(args.steps.split(",")) - {"ingest", "indicators", "spark"}:
        ap.error(f"--steps takes ingest, indicators and spark, not {args.steps!r}")
    if args.child:
        child_main(*args.child)
        return

    import duckdb
    import ibis
    from rich.console import Console
    from rich.table import Table

    args.out_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    t_all = time.perf_counter()
    rows: list[dict] = []
    notes: list[str] = ["import_dependence uses a made-up output and FX table (output_and_fx() in the script), the "
                        "same for both sides; mirror_gap compares China's lines with the partners' mirror batch "
                        "(generate_mirror_lines, loaded untimed as a Comtrade batch)"]
    raw: dict = {}
    for n in args.sizes:
        bench_size(n, args, rows, notes, raw)
    elapsed = time.perf_counter() - t_all

    cmd = "python benchmarks/records.py " + " ".join(sys.argv[1:])
    env = (f"{platform.python_version()}, duckdb {duckdb.__version__}, ibis {ibis.__version__}, "
           f"{os.cpu_count()} cores, {_ram_gib():.0f} GiB RAM")
    console = Console(width=240)
    table = Table(title=f"sectorscope records vs DuckDB — {cmd.strip()}")
    for h in HEADERS:
        table.add_column(h, justify="right" if h.endswith((" s", "ratio", "size")) else "left")
    for cells in table_cells(rows):
        style = "red" if cells[7] == "NOT met" or cells[8] == "DIFFER" else ("green" if cells[7] == "met" else None)
        table.add_row(*cells, style=style)
    console.print(table)
    growth = list(growth_cells(rows))
    if growth:
        gt = Table(title="time growth")
        for h in ("step", "sizes", "seconds", "growth"):
            gt.add_column(h)
        for cells in growth:
            gt.add_row(*cells)
        console.print(gt)
    for note in notes:
        console.print(f"  • {note}")

    stem, out = args.out, args.out_dir
    md = [f"# Records benchmark — {started:%Y-%m-%d %H:%M} UTC", "", f"`{cmd.strip()}` ({elapsed / 60:.1f} min; {env})",
          "", "| " + " | ".join(HEADERS) + " |",
          "|" + "|".join("---:" if h.endswith((" s", "ratio", "size")) else "---" for h in HEADERS) + "|"]
    md += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in table_cells(rows)]
    if growth:
        md += ["", "| step | sizes | seconds | growth |", "|---|---|---|---|"]
        md += ["| " + " | ".join(cells) + " |" for cells in growth]
    md += ["", "Ratio = sectorscope seconds / peer seconds (Spark row: Spark / DuckDB). Each step runs in its own "
           "process; inputs are built before the clock. Peak RSS is the process's high-water mark during the step "
           "(Spark: the Python driver only). Figures: every output table sorted and compared value by value.", ""]
    md += [f"- {note}" for note in notes]
    (out / f"{stem}.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    (out / f"{stem}.json").write_text(json.dumps({"command": cmd, "env": env, "rows": rows, "raw": raw}, indent=1,
                                                 default=str), encoding="utf-8")
    console.print(f"\nwritten: {out / (stem + '.md')} and {stem}.json ({elapsed / 60:.1f} min)")


if __name__ == "__main__":
    main()
