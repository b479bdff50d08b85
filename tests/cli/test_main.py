"""The CLI as a user runs it: a real process for the main job, Typer's runner for the rest."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sectorscope.cli.main import app

from ..conftest import obs, write_csv

runner = CliRunner()


def test_run_as_a_process_writes_store_and_report(tmp_path):
    out = tmp_path / "out"
    exe = Path(sys.executable).with_name("sectorscope")
    proc = subprocess.run([str(exe), "run", "--out", str(out)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert (out / "sectorscope.duckdb").is_file() and (out / "report.zh.html").is_file()
    assert "vintage v1" in proc.stdout and str((out / "report.zh.html").resolve()) in proc.stdout
    assert "缩微机械: 299 figures" in proc.stdout
    assert re.search(r"record batch customs_cn-[0-9a-f]{12} loaded: 40000 lines", proc.stdout)
    assert re.search(r"vintage v3: \d+ figures derived from the record set, (\d+) new, 0 revised", proc.stdout)
    again = subprocess.run([str(exe), "run", "--out", str(out)], capture_output=True, text=True, timeout=300,
                           env={**os.environ, "COLUMNS": "200"})
    # v2 the record batch, v3 the figures derived from it, v4 and v5 the first run's analysis and forecast; the
    # second load (v6) changes nothing, and its counts leave derived figures out; the record file is already a
    # batch, and deriving again revises nothing
    assert again.returncode == 0 and "vintage v6" in again.stdout and "0 new, 0 revised" in again.stdout
    assert "record file customs_cn_2021_2025.csv already loaded" in again.stdout
    assert re.search(r"vintage v7: \d+ figures derived from the record set, 0 new, 0 revised, 0 withdrawn",
                     again.stdout)
    assert "缩微机械: 299 figures" in again.stdout and str((out / "analytics.md").resolve()) in again.stdout
    # every output of issue 8, printed where it is
    for name in ("report.zh.html", "report.en.html", "report.zh.pdf", "tables.xlsx", "audit.md", "alerts.json",
                 "observations.sdmx.csv", "observations.structure.xml"):
        assert (out / name).is_file() and (out / name).stat().st_size > 1000, name
    for name in ("report.zh.html", "alerts.json", "observations.sdmx.csv"):
        assert str((out / name).resolve()) in again.stdout, name
    # the second run's report compares with the first run's last vintage (v5): the load changed nothing, the
    # reruns of the derivation, the analysis and the forecasts restate their figures
    assert "0 figures changed since v5" in again.stdout
    assert json.loads((out / "alerts.json").read_text(encoding="utf-8"))["vintage"] == 9


def test_report_command_builds_one_report(tmp_path, sources_csv):
    store = tmp_path / "s.duckdb"
    f = write_csv(tmp_path / "a.csv", [obs(), obs(period="2025", value="120", quote="规模为120亿元", location="p2")])
    assert runner.invoke(app, ["load", str(f), "--store", str(store), "--sources", str(sources_csv)]).exit_code == 0
    out = tmp_path / "reports"  # --out is a folder in every command
    pdf = out / "report.en.pdf"
    r = runner.invoke(app, ["report", "--store", str(store), "--lang", "en", "--format", "pdf", "--out", str(out),
                            "--no-alerts"])
    assert r.exit_code == 0, r.output
    assert pdf.read_bytes().startswith(b"%PDF") and str(pdf.resolve()) in r.output.replace("\n", "")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Industry research data report" in text and "Sources and quotes" in text and "规模为120亿元" in text
    r = runner.invoke(app, ["report", "--store", str(store), "--format", "xlsx", "--out", str(out), "--no-alerts"])
    assert r.exit_code == 0 and (out / "tables.xlsx").read_bytes()[:2] == b"PK"
    r = runner.invoke(app, ["report", "--store", str(store), "--lang", "en", "--format", "xlsx", "--out", str(out),
                            "--no-alerts"])
    assert r.exit_code == 0 and (out / "tables.en.xlsx").read_bytes()[:2] == b"PK"
    r = runner.invoke(app, ["report", "--store", str(store), "--format", "docx"])
    assert r.exit_code == 2 and "--format 'docx': choose one of html, pdf, xlsx" in r.output
    r = runner.invoke(app, ["report", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 1 and "no store at" in r.output and "sectorscope run" in r.output
    r = runner.invoke(app, ["report", "--store", str(store), "--out", str(pdf)])  # a file is not a folder
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_load_query_vintages(tmp_path, sources_csv):
    store = tmp_path / "s.duckdb"
    f = write_csv(tmp_path / "a.csv", [obs(), obs(period="2025", value="120", quote="规模为120亿元", location="p2")])
    r = runner.invoke(app, ["load", str(f), "--store", str(store), "--sources", str(sources_csv), "--label", "first"])
    assert r.exit_code == 0, r.output
    assert "vintage v1" in r.output and "2 new" in r.output
    r = runner.invoke(app, ["query", "--store", str(store), "-i", "market_size", "--format", "json"])
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(x["period"], x["value"], x["unit"], x["source_id"]) for x in lines] == [
        ("2024", 100e8, "元", "src-a"), ("2025", 120e8, "元", "src-a")]
    r = runner.invoke(app, ["query", "--store", str(store), "--period", "2025", "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.count("\n") == 2 and "12000000000.0" in r.stdout
    r = runner.invoke(app, ["vintages", "--store", str(store)])
    assert r.exit_code == 0 and "first" in r.output


def test_a_bad_file_exits_non_zero_names_the_row_and_changes_nothing(tmp_path, sources_csv):
    store = tmp_path / "s.duckdb"
    runner.invoke(app, ["load", str(write_csv(tmp_path / "a.csv", [obs()])), "--store", str(store),
                        "--sources", str(sources_csv)])
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    bad = write_csv(tmp_path / "b.csv", [obs(location="x"), obs(unit="斤", location="y")])
    r = runner.invoke(app, ["load", str(bad), "--store", str(store), "--sources", str(sources_csv)])
    assert r.exit_code == 2
    assert "row 3, field 'unit'" in r.output and "nothing was loaded" in r.output
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_query_errors_are_messages_not_tracebacks(tmp_path):
    r = runner.invoke(app, ["query", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 1 and "no store at" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["query", "--store", str(tmp_path / "none.duckdb"), "--dim", "oops"])
    assert r.exit_code == 2 and "NAME=VALUE" in r.output


def test_catalog_lists_indicators():
    r = runner.invoke(app, ["catalog"])
    assert r.exit_code == 0 and "market_size" in r.output and "市场规模" in r.output
