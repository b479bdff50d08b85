"""Every command, given what a careless user gives it, answers with one actionable line and a documented
exit code — never a traceback. 2: the input cannot be used; 1: the job failed (here: no store, or a file
that is not a store)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sectorscope.cli.main import app

runner = CliRunner()

STORE_COMMANDS = [
    ["query"], ["vintages"], ["audit"], ["audit", "choose", "1", "--why", "x"], ["analyse"], ["forecast"],
    ["report"], ["diff", "--since", "v1"], ["alerts"], ["export", "{tmp}/x.csv"], ["serve"],
]


def _invoke(args: list[str], tmp: Path):
    r = runner.invoke(app, [a.replace("{tmp}", str(tmp)) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    return r


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, output
    return errors[0]


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=lambda a: " ".join(a))
def test_a_missing_store_is_one_line_and_exit_1(args, tmp_path):
    r = _invoke([*args, "--store", str(tmp_path / "none.duckdb")], tmp_path)
    assert r.exit_code == 1, r.output
    line = _one_error_line(r.output)
    assert "no store at" in line and "sectorscope run" in line
    assert not (tmp_path / "none.duckdb").exists()  # a read never creates an empty store


@pytest.mark.parametrize("args", STORE_COMMANDS, ids=lambda a: " ".join(a))
def test_a_corrupt_store_is_one_line_and_exit_1(args, tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database\n" * 100)
    r = _invoke([*args, "--store", str(bad)], tmp_path)
    assert r.exit_code == 1, r.output
    assert "not a sectorscope store" in _one_error_line(r.output)
    assert bad.read_bytes() == b"this is not a database\n" * 100


BAD_INPUT = [
    (["query", "--format", "xml"], "--format 'xml': choose one of table, json, csv"),
    (["query", "--dim", "region"], "must be NAME=VALUE"),
    (["query", "--status", "guessed"], "--status 'guessed'"),
    (["vintages", "--format", "yaml"], "choose one of"),
    (["catalog", "--lang", "fr"], "--lang 'fr'"),
    (["catalog", "--format", "xml"], "choose one of"),
    (["load", "{tmp}/missing.csv"], "missing.csv"),
    (["extract", "{tmp}/missing.txt"], "missing.txt"),
    (["extract", "{tmp}/r.txt", "--format", "pdf"], "choose one of"),
    (["extract", "{tmp}/r.txt", "--from-review", "{tmp}/r.csv"], "add --load"),
    (["audit", "--lang", "de"], "--lang 'de'"),
    (["report", "--format", "docx"], "--format 'docx'"),
    (["report", "--lang", "ja"], "--lang 'ja'"),
    (["diff", "--since", "v1", "--change", "moved"], "--change 'moved'"),
    (["alerts", "--rules", "{tmp}/missing.yaml"], "missing.yaml"),
    (["export", "{tmp}/x.csv", "--dim", "nonsense"], "must be NAME=VALUE"),
    (["token", "burn"], "token action 'burn'"),
    (["token", "create"], "--name"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=lambda a: " ".join(a) if isinstance(a, list) else "")
def test_bad_input_is_one_line_and_exit_2(args, message, tmp_path):
    (tmp_path / "r.txt").write_text("2024年市场规模为100亿元。", encoding="utf-8")
    r = _invoke(args, tmp_path)
    assert r.exit_code == 2, r.output
    assert message.replace("{tmp}", str(tmp_path)) in _one_error_line(r.output)


def test_click_usage_errors_are_exit_2_too(tmp_path):
    for args in (["query", "--no-such-option"], ["diff"], ["report", "--out", str(tmp_path / "f.html")]):
        if args[0] == "report":
            (tmp_path / "f.html").write_text("x")
        r = _invoke(args, tmp_path)
        assert r.exit_code == 2, (args, r.output)


def test_an_unknown_code_says_did_you_mean(default_store_path):
    r = _invoke(["query", "--store", str(default_store_path), "-i", "market_sise"], default_store_path.parent)
    assert r.exit_code == 2
    assert "unknown indicator 'market_sise'; did you mean 'market_size'" in _one_error_line(r.output)
    r = _invoke(["query", "--store", str(default_store_path), "--subject", "成象仪"], default_store_path.parent)
    assert r.exit_code == 2 and "did you mean '成像仪'" in _one_error_line(r.output)
    r = _invoke(["export", str(default_store_path.parent / "x.csv"), "--store", str(default_store_path),
                 "--dim", "colour=red"], default_store_path.parent)
    assert r.exit_code == 2 and "unknown dimension 'colour'" in _one_error_line(r.output)
    assert not (default_store_path.parent / "x.csv").exists()


def test_as_of_before_the_first_vintage_says_so(default_store_path):
    r = runner.invoke(app, ["query", "--store", str(default_store_path), "--as-of", "2000-01-01"])
    assert r.exit_code == 0, r.output
    assert "before the first vintage" in r.output and "0 row(s)" in r.output


def test_version(tmp_path):
    from sectorscope import __version__

    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"sectorscope {__version__}"
    assert __version__ != "0+unknown"


def test_control_characters_in_a_file_name_are_escaped(tmp_path):
    """A file name is the file maker's text: ESC sequences in it must not reach the terminal raw."""
    bad = tmp_path / "x\x1b[2J\x1b[31m\u202egpj.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    r = _invoke(["load", str(bad), "--store", str(tmp_path / "s.duckdb")], tmp_path)
    assert r.exit_code == 2
    assert "\x1b" not in r.output and "\u202e" not in r.output
    line = _one_error_line(r.output)
    assert f"{tmp_path}/x\\x1b[2J\\x1b[31m\\u202egpj.csv: no 'value' column" in line


def test_a_bad_row_message_escapes_the_file_name_and_keeps_its_lines(tmp_path):
    bad = tmp_path / "row\x07s.csv"
    bad.write_text("indicator,value\nx\n", encoding="utf-8")
    r = _invoke(["load", str(bad), "--store", str(tmp_path / "s.duckdb")], tmp_path)
    assert r.exit_code == 2 and "\x07" not in r.output
    assert f"  - {tmp_path}/row\\x07s.csv, row 2: 1 cells, but the header has 2" in r.output


def test_the_progress_line_escapes_the_file_name(monkeypatch):
    from rich.progress import Progress

    from sectorscope.cli.common import file_progress

    shown = []
    real = Progress.update
    monkeypatch.setattr(Progress, "update", lambda self, task, **kw: (shown.append(kw.get("description")),
                                                                      real(self, task, **kw)))
    with file_progress(1) as step:
        step(Path("/data/a\x1b]8;;https:x\x07[bold]b.csv"))
    assert shown == [r"validated a\x1b]8;;https:x\x07\[bold]b.csv"]


@given(st.text())
def test_printable_leaves_no_control_character(text):
    import unicodedata

    from sectorscope.errors import printable

    shown = printable(text)
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in shown)
    assert printable(text, keep="\n").count("\n") == text.count("\n")
    if text.isprintable():
        assert shown == text
