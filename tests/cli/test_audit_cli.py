"""`sectorscope audit` and `sectorscope audit choose` as a user runs them (Typer's runner)."""
from __future__ import annotations

import re
import shutil

import pytest
from typer.testing import CliRunner

from sectorscope.cli.main import app
from sectorscope.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    r = runner.invoke(app, ["run", "-o", str(out)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert (out / "audit.md").is_file() and (out / "audit.en.md").is_file()
    return out


@pytest.fixture
def out(tmp_path, ran):
    shutil.copyfile(ran / "sectorscope.duckdb", tmp_path / "sectorscope.duckdb")
    return tmp_path


def _audit(out, *extra):
    return runner.invoke(app, ["audit", "-s", str(out / "sectorscope.duckdb"), "-o", str(out), *extra],
                         env={"COLUMNS": "200"})


def _whole_market_2025(store_path) -> dict[float, int]:
    with Store(store_path) as s:
        t = s.query(indicator="market_size", subject="成像仪", period="2025", source_id="seed-004").execute()
    t = t[t["product"].isna() & t["application"].isna()]
    return {float(v): int(i) for v, i in zip(t["value"], t["obs_id"], strict=True)}


def test_run_writes_both_audit_files(ran):
    assert "## 发现" in (ran / "audit.md").read_text(encoding="utf-8")
    assert "## Findings" in (ran / "audit.en.md").read_text(encoding="utf-8")


def test_audit_both_languages(out):
    (out / "audit.md").unlink(missing_ok=True)
    r = _audit(out, "--lang", "both")
    assert r.exit_code == 0, r.output
    with Store(out / "sectorscope.duckdb") as s:
        n = int(s.findings().count().execute())
        vid = s.latest_vintage()
    assert n > 0
    assert re.search(rf"audit of vintage v{vid}: {n} finding\(s\) in \d+ figures", r.output), r.output
    zh = (out / "audit.md").read_text(encoding="utf-8")
    en = (out / "audit.en.md").read_text(encoding="utf-8")
    assert "## 发现" in zh and "## Findings" not in zh
    assert "## Findings" in en and "## 发现" not in en
    assert f"| **合计** | | **{n}** |" in zh and f"| **total** | | **{n}** |" in en
    assert str((out / "audit.md").resolve()) in r.output and str((out / "audit.en.md").resolve()) in r.output
    assert "采用口径" not in zh  # no house view yet


def test_audit_en_only_writes_only_the_english_file(out):
    r = _audit(out, "--lang", "en", "--no-save")
    assert r.exit_code == 0, r.output
    assert (out / "audit.en.md").is_file() and not (out / "audit.md").exists()


def test_choose_then_audit_shows_the_house_view(out):
    store = out / "sectorscope.duckdb"
    oid = _whole_market_2025(store)[185.6e8]
    r = runner.invoke(app, ["audit", "choose", str(oid), "--why", "表2是唯一的逐年序列", "--analyst", "王",
                            "-s", str(store)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert f"figure #{oid}" in r.output and "表2是唯一的逐年序列" in r.output
    r = _audit(out)
    assert r.exit_code == 0, r.output
    zh = (out / "audit.md").read_text(encoding="utf-8")
    assert "## 采用口径" in zh
    assert f"| #{oid} 185.6亿元 | 表2是唯一的逐年序列 | 王 | 185.6亿元 – 612亿元 (n=5) |" in zh
    # The conflict finding about this figure names the house view too.
    assert f"- 采用口径:#{oid} 185.6亿元(表2是唯一的逐年序列)" in zh


def test_choose_an_unknown_id_exits_1_naming_it(out):
    store = out / "sectorscope.duckdb"
    before = store.read_bytes()
    r = runner.invoke(app, ["audit", "choose", "999999", "--why", "x", "-s", str(store)])
    assert r.exit_code == 1
    assert "999999" in r.output and "no current figure" in r.output and "Traceback" not in r.output
    assert store.read_bytes() == before


def test_choose_needs_why(out):
    r = runner.invoke(app, ["audit", "choose", "1", "-s", str(out / "sectorscope.duckdb")])
    assert r.exit_code != 0 and "--why" in r.output


def test_an_unknown_language_is_refused(out):
    r = _audit(out, "--lang", "fr")
    assert r.exit_code != 0
    assert "--lang" in r.output
    assert not (out / "audit.md").exists() and not (out / "audit.fr.md").exists()


def test_a_missing_store_is_a_message_not_a_traceback(tmp_path):
    missing = tmp_path / "missing.duckdb"
    r = runner.invoke(app, ["audit", "-s", str(missing), "-o", str(tmp_path / "o")], env={"COLUMNS": "200"})
    assert r.exit_code == 1
    assert "no store at" in r.output and str(missing) in r.output
    assert "Traceback" not in r.output and isinstance(r.exception, SystemExit)
    assert not missing.exists()


def test_a_choice_without_analyst_leaves_the_analyst_cell_empty(out):
    # It used to print "nan" (a NULL analyst read back as NaN).
    store = out / "sectorscope.duckdb"
    oid = _whole_market_2025(store)[185.6e8]
    assert runner.invoke(app, ["audit", "choose", str(oid), "--why", "表2", "-s", str(store)]).exit_code == 0
    assert _audit(out).exit_code == 0
    zh = (out / "audit.md").read_text(encoding="utf-8")
    assert f"| #{oid} 185.6亿元 | 表2 |  | 185.6亿元 – 612亿元 (n=5) |" in zh
