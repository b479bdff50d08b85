"""DuckDB's CSV reader behind read_table (issue #18): the same cells, row numbers and errors as the exact
reader (the csv module) for any text, well-formed or not; the scratch copy hashed, transcoded and removed."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sectorscope.errors import InputError, ValidationError
from sectorscope.ingest import csv_reader, read, read_rows, read_table
from sectorscope.ingest.read import recording_reads


def _outcome(path: Path, duckdb: bool) -> tuple:
    """What read_table gives for `path` with DuckDB (any size) or the exact reader alone."""
    saved = read._DUCKDB_FROM
    read._DUCKDB_FROM = 0 if duckdb else 2**62
    try:
        frame = read_table(path, strings="object")
    except ValidationError as exc:
        return ("failures", [(f.file, f.row, f.field, f.code, f.reason) for f in exc.failures])
    except InputError as exc:
        return ("input", str(exc), exc.reason)
    finally:
        read._DUCKDB_FROM = saved
    return ("rows", list(frame.columns), frame.values.tolist())


# pieces of CSV text, well-formed or not: quotes anywhere, spaces before quotes, blank and whitespace lines,
# every line ending (mixed), multibyte text
_PIECE = st.sampled_from(['a', 'b', '中文', ',', ',', ',', '"', '""', ' ', '\t', '\n', '\n', '\r\n', '\r', ' "',
                          '"x"', '"多\n行"', '"a,b"', '\u3000', '\n\n'])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from(["h1,h2,h3\n", "h1,h2\r\n", "h1\n", "h1,h2,h3\r", '"h1","h2"\n']),
       body=st.lists(_PIECE, max_size=40))
def test_duckdb_reads_any_text_as_the_exact_reader_does(tmp_path_factory, header, body):
    path = tmp_path_factory.mktemp("d") / "t.csv"
    path.write_bytes((header + "".join(body)).encode("utf-8"))
    assert _outcome(path, duckdb=True) == _outcome(path, duckdb=False)


_CELL = st.text(st.sampled_from('ab中 ,"\r\n\t€'), max_size=8)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=20),
       eol=st.sampled_from(["\n", "\r\n", "\r"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
       end=st.booleans())
def test_well_formed_files_are_read_by_duckdb(tmp_path_factory, rows, eol, encoding, end, monkeypatch_module):
    """A file as a careful writer writes it (cells quoted when needed, one line ending) is read by DuckDB,
    not handed to the exact reader, and the cells and row numbers are the exact reader's. (Unless a cell
    ends in a comma or line break and spaces: that looks like a field that starts with spaces and a quote,
    which DuckDB reads otherwise, so such a file goes to the exact reader.)"""
    def field(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\r\n') or c.startswith(" ") else c

    text = eol.join(",".join(map(field, r)) for r in [["x", "y", "z"], *rows]) + (eol if end else "")
    assume(not csv_reader._SPACE_QUOTE.search(text.encode()))
    path = tmp_path_factory.mktemp("w") / "t.csv"
    path.write_bytes(text.encode(encoding))
    used = []
    monkeypatch_module.setattr(read, "_parse", _spy(read._parse, used))
    got = _outcome(path, duckdb=True)
    assert not used, f"the exact reader read {text!r}"
    assert got == _outcome(path, duckdb=False)


def _spy(fn, used):
    def wrapped(*a, **k):
        used.append(a)
        return fn(*a, **k)
    return wrapped


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture()
def on_duckdb():
    saved = read._DUCKDB_FROM
    read._DUCKDB_FROM = 0
    yield
    read._DUCKDB_FROM = saved


def test_the_hash_is_of_the_original_bytes_and_the_scratch_copy_is_removed(tmp_path, on_duckdb):
    path = tmp_path / "gb.csv"
    data = "indicator,subject,value\r\nmarket_size,成像仪,1\r\n".encode("gb18030")
    path.write_bytes(data)
    mine = f"sectorscope-read-{os.getpid()}-*"  # this process's scratch files: other processes share the folder
    before = set(Path(tempfile.gettempdir()).glob(mine))
    with recording_reads() as log:
        frame = read_table(path)
    assert log.take(path) == hashlib.sha256(data).hexdigest()
    assert frame[["indicator", "subject", "value"]].values.tolist() == [["market_size", "成像仪", "1"]]
    assert set(Path(tempfile.gettempdir()).glob(mine)) == before
    path.write_bytes(b"a,b\n1\n")  # refused: still removed
    with pytest.raises(ValidationError):
        read_table(path)
    assert set(Path(tempfile.gettempdir()).glob(mine)) == before


def test_text_columns_are_arrow_strings_and_rows_int64(tmp_path, on_duckdb):
    path = tmp_path / "obs.csv"
    path.write_text("indicator,period,value\nm, 2024 ,\nm,2025,2\n", encoding="utf-8")
    frame = read_table(path)
    assert [str(t) for t in frame.dtypes] == ["string[pyarrow]", "string[pyarrow]", "string[pyarrow]", "int64"]
    assert frame["indicator"].dtype == pd.ArrowDtype(pa.string())
    assert frame.values.tolist() == [["m", "2024", "", 2], ["m", "2025", "2", 3]]
    assert read_table(path, strings="object")["value"].tolist() == ["", "2"]
    with pytest.raises(ValueError, match="strings must be"):
        read_table(path, strings="numpy")


def test_a_wide_file_melts_with_arrow_strings(tmp_path, on_duckdb):
    path = tmp_path / "wide.csv"
    path.write_text("indicator,subject,2024,２０２５\nm,s,1,\nm,t,,2\n", encoding="utf-8")
    for strings in ("arrow", "object"):
        long, layout = read_rows(path, strings=strings)
        assert layout == "wide"
        assert long[["subject", "period", "value", "_row"]].values.tolist() == [["s", "2024", "1", 2],
                                                                                ["t", "２０２５", "2", 3]]


def test_a_bad_row_at_the_end_of_a_large_file_is_named(tmp_path):
    """DuckDB refuses; the exact reader names the row without holding the rows before it."""
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("indicator,subject,value\n")
        fh.writelines(f"market_size,成像仪,{i}\n" for i in range(30_000))
        fh.write("market_size,1\n")
    assert path.stat().st_size > read._DUCKDB_FROM
    with pytest.raises(ValidationError) as info:
        read_table(path)
    assert [(f.row, f.reason) for f in info.value.failures] == [
        (30_002, "2 cells, but the header has 3: every row needs one cell per column (a file cut short, or a "
                 "missing or extra comma)")]


def test_a_million_columns_are_refused_before_the_file_is_copied(tmp_path, monkeypatch):
    from sectorscope.ingest import csv_reader

    path = tmp_path / "wide.csv"
    path.write_text(",".join(["c"] * 1_000_000) + "\n" + ",".join(["1"] * 1_000_000) + "\n")

    def no_copy(*a, **k):
        raise AssertionError("copied")

    monkeypatch.setattr(csv_reader, "_copy", no_copy)
    with pytest.raises(InputError, match="the header has 1,000,000 columns"):
        read_table(path)


def test_the_whitespace_stripped_is_what_str_strip_strips():
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == csv_reader._WHITESPACE


@given(cells=st.lists(st.text(st.sampled_from("a中 \t\r\n\x1c\x85\xa0\u1680\u2000\u200a\u200b\u2028\u202f\u205f\u3000€"),
                              max_size=4), max_size=8),
       offset=st.integers(min_value=0, max_value=2))
def test_a_column_is_stripped_as_str_strip_strips(cells, offset):
    col = pa.array(["x", "y", *cells], pa.string()).slice(offset)
    got = csv_reader._stripped(col)
    assert got.to_pylist() == [c.strip() for c in col.to_pylist()]
    assert (got is col) == all(c == c.strip() for c in col.to_pylist())


def test_a_row_with_one_empty_cell_too_many_is_named(tmp_path, on_duckdb):
    """DuckDB's strict mode accepts `1,2,` for two columns and drops the empty cell; it is a named error."""
    path = tmp_path / "obs.csv"
    path.write_text('h1,h2\n1,2,\n3,4,""\n5,6\n', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_table(path)
    assert [(f.row, f.reason) for f in info.value.failures] == [
        (r, "3 cells, but the header has 2: every row needs one cell per column (a file cut short, or a missing or "
            "extra comma)") for r in (2, 3)]


def test_multi_line_cells_are_numbered_by_duckdb(tmp_path, on_duckdb, monkeypatch):
    used = []
    monkeypatch.setattr(read, "_parse", _spy(read._parse, used))
    path = tmp_path / "obs.csv"
    path.write_bytes('h1,h2\r1,"a\rb\r\nc"\r2,x\r'.encode("gb18030"))
    frame = read_table(path)
    assert not used
    assert frame.values.tolist() == [["1", "a\rb\r\nc", 2], ["2", "x", 5]]


def test_the_scratch_copy_of_a_killed_read_is_removed_by_the_next(tmp_path):
    """A read killed with -9 leaves its copy (as large as the file); the next read removes it, and never the
    copy of a read still running."""
    import os
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    tmp = Path(tempfile.gettempdir())
    left = tmp / f"sectorscope-read-{dead.stdout.strip()}-x1.csv"
    live = tmp / f"sectorscope-read-{os.getppid()}-x2.csv"
    left.write_text("a,b\n")
    live.write_text("a,b\n")
    try:
        path = tmp_path / "obs.csv"
        path.write_text("h1,h2\n1,2\n", encoding="utf-8")
        read_table(path)
        assert not left.exists() and live.exists()
    finally:
        left.unlink(missing_ok=True)
        live.unlink(missing_ok=True)


@pytest.mark.parametrize("text", [b'h1,h2\r\n,,"', b'h1,h2\n,,"\n', b'h1,h2\na,"b\n', b'h1,h2\na,b\nc,d,"'])
def test_a_quote_never_closed_is_the_exact_readers_refusal(tmp_path, text):
    """Found by the differential test in a fresh clone's run: DuckDB read `,,"` ending a file as two empty cells
    and an empty third one, which the null-padded extra column cannot tell from padding, so the row was taken.
    An odd number of quotes now sends the file to the exact reader, which names the unclosed quote."""
    path = tmp_path / "t.csv"
    path.write_bytes(text)
    outcome = _outcome(path, duckdb=True)
    assert outcome == _outcome(path, duckdb=False)
    assert outcome[0] == "failures" and "never closed" in outcome[1][0][-1]


@pytest.mark.parametrize("text", [b'h1,h2\r\n,"" ""', b'h1,h2\n"a"b,c\n', b'h1,h2\na,5" screen\n',
                                  b'h1,h2\n"a""b" x,c\n', b'h1,h2\n"a",""\n'])
def test_text_after_a_closing_quote_is_read_as_the_exact_reader_reads_it(tmp_path, text):
    """Found by the differential test in a fresh clone's run: `,"" ""` (text after a quoted empty cell) read as
    an empty cell by DuckDB and as `""` by the csv module. A quote where well-formed CSV has none now sends the
    file to the exact reader; a well-formed file (the last case) still goes to DuckDB."""
    from sectorscope.ingest.csv_reader import Snapshot

    path = tmp_path / "t.csv"
    path.write_bytes(text)
    assert _outcome(path, duckdb=True) == _outcome(path, duckdb=False)
    snap = Snapshot(path)
    snap.count(text)
    assert snap.stray_quote == (text != b'h1,h2\n"a",""\n')
    # a chunk boundary right after a closing quote is seen the same way
    split = Snapshot(path)
    cut = text.index(b'"" ""') + 2 if b'"" ""' in text else len(text) // 2
    split.count(text[:cut])
    split.count(text[cut:])
    assert split.stray_quote == snap.stray_quote
