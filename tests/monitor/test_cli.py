"""`sectorscope diff` and `sectorscope alerts` as a user runs them, through the CLI's own app (its error
handling included)."""
from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from sectorscope.cli.main import app
from sectorscope.cli.monitor import default_rules_path
from sectorscope.store import Store

from .conftest import fig, load

runner = CliRunner()
ENV = {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def store_path(folder):
    store = Store(folder / "cli.duckdb")
    u = dict(indicator="capacity_utilisation", unit="%", period="2025")
    load(store, folder, 1, [fig(product="A", value="65", **u), fig(product="B", value="80", **u),
                            fig(product="C", value="90", **u)], folder / "sources.csv")
    load(store, folder, 2, [fig(product="A", value="60", **u), fig(product="B", value="80", **u),
                            fig(product="D", value="50", source="src-b", **u)], folder / "sources.csv",
         withdraw_missing=True)
    store.close()
    return folder / "cli.duckdb"


def _diff(store_path, *args):
    return runner.invoke(app, ["diff", "-s", str(store_path), *args], env=ENV)


def test_diff_as_a_table(store_path):
    r = _diff(store_path, "--since", "v1")
    assert r.exit_code == 0, r.output
    assert "changes from v1 to v2: 1 new, 1 revised, 1 withdrawn" in r.output
    lines = [line for line in r.output.splitlines() if "capacity_utilisation" in line]
    assert len(lines) == 3
    assert "new" in lines[0] and "src-b" in lines[0] and "50%" in lines[0]
    assert "revised" in lines[1] and "65%" in lines[1] and "60%" in lines[1] and "-7.7%" in lines[1]
    assert "withdrawn" in lines[2] and "90%" in lines[2]


def test_diff_as_json_and_csv_with_filters(store_path):
    r = _diff(store_path, "--since", "1", "--until", "v2", "-f", "json", "--change", "revised", "--change", "new")
    assert r.exit_code == 0, r.output
    recs = [json.loads(line) for line in r.output.splitlines()]
    assert [(x["change"], x["product"], x["value_old"], x["value_new"]) for x in recs] == [
        ("new", "D", None, 50.0), ("revised", "A", 65.0, 60.0)]
    r = _diff(store_path, "--since", "v1", "-f", "csv", "--source", "src-a")
    lines = r.output.splitlines()
    assert lines[0].startswith("change,obs_key,source_id,indicator,subject") and len(lines) == 3
    assert [line.split(",")[0] for line in lines[1:]] == ["revised", "withdrawn"]


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "v9"], "error: no vintage 9 in "),
    (["--since", "v2", "--until", "v1"], "is after --until"),
    (["--since", "v1", "-f", "xml"], "error: --format 'xml': choose one of table, json, csv"),
    (["--since", "v1", "--change", "moved"], "error: --change 'moved': choose one of new, revised, withdrawn"),
])
def test_diff_errors_are_one_line_without_a_traceback(store_path, args, message):
    # all four are input the user typed: exit 2, the CLI's code for bad input
    r = _diff(store_path, *args)
    assert r.exit_code == 2 and message in r.stderr and "Traceback" not in r.output


def test_diff_without_a_store(tmp_path):
    r = _diff(tmp_path / "none.duckdb", "--since", "v1")
    assert r.exit_code == 1 and "no store at" in r.stderr


def _rules(tmp_path, **over) -> str:
    rule = {"id": "low", "kind": "threshold", "severity": "critical", "indicator": "capacity_utilisation",
            "operator": "<", "value": 70, "message_zh": "{dims}:{period} 产能利用率{printed}",
            "message_en": "{dims}: {printed}", **over}
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": [rule]}, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_alerts_prints_and_writes_json(store_path, tmp_path):
    out = tmp_path / "out" / "alerts.json"
    r = runner.invoke(app, ["alerts", "-s", str(store_path), "--rules", _rules(tmp_path), "-o", str(out.parent)],
                      env=ENV)
    assert r.exit_code == 0, r.output
    assert "alerts on vintage v2: 2 from 1 rules" in r.output and "测试市场 / A:2025 产能利用率60%" in r.output
    assert "2 critical, 0 warning, 0 info; written to" in r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (doc["vintage"], doc["counts"]["total"]) == (2, 2)
    assert [(a["dims"]["product"], a["value"]) for a in doc["alerts"]] == [("A", 60.0), ("D", 50.0)]
    r = runner.invoke(app, ["alerts", "-s", str(store_path), "--rules", _rules(tmp_path), "-o", str(out.parent),
                            "--as-of", "v1"], env=ENV)
    assert r.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["alerts"][0]["value"] == 65.0


def test_alerts_with_a_bad_rule_file_names_the_field(store_path, tmp_path):
    r = runner.invoke(app, ["alerts", "-s", str(store_path), "--rules", _rules(tmp_path, operator="=<"),
                            "-o", str(tmp_path / "a")], env=ENV)
    assert r.exit_code == 2
    assert "rule 1 (low), field 'operator': operator must be one of" in r.stderr
    assert not (tmp_path / "a" / "alerts.json").exists()


def test_alerts_default_to_the_default_datasets_rules(default_store, tmp_path):
    default_store.close()
    r = runner.invoke(app, ["alerts", "-s", str(default_store.path), "-o", str(tmp_path)], env=ENV)
    assert r.exit_code == 0, r.output
    assert default_rules_path().name == "alerts.yaml"
    doc = json.loads((tmp_path / "alerts.json").read_text(encoding="utf-8"))
    assert doc["rules_file"].endswith("data/default/alerts.yaml") and doc["counts"]["total"] == 30
    assert "0 critical, 30 warning, 0 info" in r.output
