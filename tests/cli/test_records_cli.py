"""`sectorscope records`: a customs export loaded, listed, its lines paged and filtered; a bad file refused with
its rows named and nothing written; a bad --period a usage error."""
from __future__ import annotations

import json
from decimal import Decimal

import ibis
from typer.testing import CliRunner

from sectorscope.cli.main import app
from sectorscope.records.generate import generate_lines, write_customs_csv

runner = CliRunner()


def _export(tmp_path, n=400):
    con = ibis.duckdb.connect()
    lines = generate_lines(con, n, only_mapped=True)
    path = tmp_path / "customs.csv"
    write_customs_csv(con, lines, str(path))
    return path, lines.to_pyarrow()


def test_load_list_and_lines(tmp_path):
    path, lines = _export(tmp_path)
    store = str(tmp_path / "s.duckdb")
    r = runner.invoke(app, ["records", "load", str(path), "--hs-edition", "HS2022", "--store", store,
                            "--batch-id", "cn-test", "--publisher", "sectorscope generator"])
    assert r.exit_code == 0, r.output
    assert "batch cn-test (vintage v1)" in r.output and "400 lines" in r.output
    r = runner.invoke(app, ["records", "list", "--store", store, "--format", "json"])
    batch = json.loads(r.stdout.splitlines()[0])
    assert (batch["batch_id"], batch["n_lines"], batch["publisher"]) == ("cn-test", 400, "sectorscope generator")
    r = runner.invoke(app, ["records", "lines", "--store", store, "--hs", "8501.10", "--flow", "export",
                            "--format", "json", "--limit", "1000"])
    got = [json.loads(x) for x in r.stdout.splitlines()]
    want = [x for x in lines.to_pylist() if x["hs_code"].startswith("850110") and x["flow"] == "export"]
    assert sorted(g["line_no"] for g in got) == sorted(w["line_no"] for w in want) and got
    r = runner.invoke(app, ["records", "lines", "--store", store, "--format", "json", "--limit", "5", "--offset", "10"])
    assert [json.loads(x)["line_no"] for x in r.stdout.splitlines()] == list(range(12, 17))


def test_a_bad_file_names_its_rows_and_writes_nothing(tmp_path):
    path, _ = _export(tmp_path, 50)
    rows = path.read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace(rows[3].split(",")[2], "1234567", 1)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    r = runner.invoke(app, ["records", "load", str(path), "--hs-edition", "HS2022", "--store", str(store)])
    assert r.exit_code == 2
    assert "row 4" in r.output and "商品编码" in r.output
    assert not store.exists()


def test_a_period_that_is_not_months_of_one_year_is_a_usage_error(tmp_path):
    path, _ = _export(tmp_path, 10)
    r = runner.invoke(app, ["records", "load", str(path), "--hs-edition", "HS2022", "--store",
                            str(tmp_path / "s.duckdb"), "--period", "2024-11/2025-02"])
    assert r.exit_code == 2 and "within one year" in r.output


def test_aggregate_and_derive(tmp_path):
    from sectorscope.ingest import load_default
    from sectorscope.store import Store

    path, lines = _export(tmp_path, 3_000)
    store = str(tmp_path / "s.duckdb")
    load_default(Store(store))
    assert runner.invoke(app, ["records", "load", str(path), "--hs-edition", "HS2022", "--store", store]).exit_code == 0
    r = runner.invoke(app, ["records", "aggregate", "--store", store, "--market", "缩微机械", "--grain", "year",
                            "--format", "json", "--limit", "1000"])
    assert r.exit_code == 0, r.output
    got = {(x["product"], x["period"], x["flow"]): x["value"] for x in map(json.loads, r.stdout.splitlines())}
    want = sum(x["value"] for x in lines.to_pylist()
               if x["hs6"] == "850110" and x["flow"] == "export" and x["year"] == 2024)
    assert Decimal(got[("微型电机类商品", "2024", "export")]) == want  # exact: decimals printed as text
    r = runner.invoke(app, ["records", "aggregate", "--store", store, "--indicator", "nonsense"])
    assert r.exit_code == 2 and "trade_flows" in r.output
    r = runner.invoke(app, ["records", "derive", "--store", store])
    assert r.exit_code == 0, r.output
    assert "figures from record set customs_cn" in r.output
    derived = Store(store).query(indicator="exports_value", kind="derived", period="2024").execute()
    assert "微型电机类商品" in set(derived["product"])


def test_the_lines_behind_a_derived_figure(tmp_path):
    from sectorscope.ingest import load_default
    from sectorscope.store import Store

    path, lines = _export(tmp_path, 3_000)
    store = str(tmp_path / "s.duckdb")
    load_default(Store(store))
    runner.invoke(app, ["records", "load", str(path), "--hs-edition", "HS2022", "--store", store])
    runner.invoke(app, ["records", "derive", "--store", store])
    fig = Store(store).query(indicator="exports_value", kind="derived", period="2024", subject="缩微机械",
                             product="微型电机类商品").execute().iloc[0]
    r = runner.invoke(app, ["records", "lines", "--store", store, "--figure", str(int(fig["obs_id"])),
                            "--format", "json", "--limit", "500"])
    assert r.exit_code == 0, r.output
    got = sorted(json.loads(x)["line_no"] for x in r.stdout.splitlines())
    want = sorted(x["line_no"] for x in lines.to_pylist()
                  if x["hs6"] == "850110" and x["flow"] == "export" and x["year"] == 2024)
    assert got == want
    r = runner.invoke(app, ["records", "lines", "--store", store, "--figure", "1"])
    assert r.exit_code == 2 and "not computed from a record set" in r.output


def test_load_keeps_the_release_and_retrieval_dates_and_refuses_a_bad_one(tmp_path):
    """`records load --release-date/--retrieval-date` are stored with the batch and listed; a date that is not
    one is a usage error (exit 2) naming the option, and nothing is loaded."""
    from sectorscope.records import connect, generate_lines, list_batches, write_customs_csv
    from sectorscope.store import Store

    con = connect("duckdb")
    csv_path = tmp_path / "lines.csv"
    write_customs_csv(con, generate_lines(con, 200, seed=3, years=(2024, 2024), targets=(), only_mapped=True),
                      str(csv_path))
    store = tmp_path / "s.duckdb"
    bad = runner.invoke(app, ["records", "load", str(csv_path), "--hs-edition", "HS2022", "--store", str(store),
                              "--release-date", "2025-13-01"])
    assert bad.exit_code == 2 and "--release-date '2025-13-01'" in bad.output
    assert not Store(store).exists() or list_batches(Store(store)).empty
    ok = runner.invoke(app, ["records", "load", str(csv_path), "--hs-edition", "HS2022", "--store", str(store),
                             "--release-date", "2025-02-20", "--retrieval-date", "2026-12-01T08:30"])
    assert ok.exit_code == 0, ok.output
    (b,) = list_batches(Store(store)).to_dict("records")
    assert str(b["release_date"])[:10] == "2025-02-20" and str(b["retrieved_at"])[:16] == "2026-12-01 08:30"
