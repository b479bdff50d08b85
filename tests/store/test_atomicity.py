"""A load is one transaction: a refused file leaves the store file byte-identical (nothing opened it for
writing); a failure inside the write leaves its content identical (Store.fingerprint)."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.errors import SectorscopeError, ValidationError
from sectorscope.ingest import load_paths
from sectorscope.store import Store, writing

from ..conftest import obs, write_csv

BAD_CELLS = [
    ("value", "1.2.3"), ("value", "abc"), ("value", ""), ("unit", "furlong"), ("unit", "%"),
    ("indicator", "no_such_indicator"), ("period", "2025年"), ("period", "2030/2025"), ("status", "guess"),
    ("qualifier", "roughly"), ("source", "nobody"), ("value", "-5"), ("subject", ""),
]


def checksum(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    rows = [obs(period=str(y), value=str(y - 2000), quote=f"规模{y - 2000}亿元", location=f"t{y}") for y in range(2010, 2025)]
    load_paths(store, [write_csv(tmp_path / "base.csv", rows)], sources=sources_csv)
    store.close()
    return store


@settings(max_examples=25)
@given(n_rows=st.integers(1, 60), bad_at=st.data(), cell=st.sampled_from(BAD_CELLS))
def test_a_bad_row_anywhere_leaves_the_file_unchanged(tmp_path_factory, loaded, sources_csv, n_rows, bad_at, cell):
    tmp = tmp_path_factory.mktemp("bad")
    before = checksum(loaded.path)
    rows = [obs(period=str(1900 + i), value=str(i + 1), quote=f"规模{i + 1}亿元", location=f"x{i}") for i in range(n_rows)]
    i = bad_at.draw(st.integers(0, n_rows - 1))
    field, bad = cell
    rows[i][field] = bad
    if field == "value":
        rows[i]["quote"] = f"规模{bad}亿元"
    path = write_csv(tmp / "bad.csv", rows)
    with pytest.raises(ValidationError) as info:
        load_paths(loaded, [path], sources=sources_csv)
    assert checksum(loaded.path) == before
    failure = info.value.failures[0]
    assert failure.row == i + 2 and failure.file == str(path) and failure.field == field
    assert str(failure) in str(info.value)
    assert not list(loaded.path.parent.glob(".*.loading*"))


def test_every_failing_row_is_reported_at_once(tmp_path, loaded, sources_csv):
    before = checksum(loaded.path)
    rows = [obs(period="2030", status="forecast", location="a"), obs(unit="斤", location="b"), obs(value="x", quote="规模x亿元", location="c"),
            obs(indicator="capacity_utilisation", unit="%", value="130", quote="利用率130%", location="d")]
    with pytest.raises(ValidationError) as info:
        load_paths(loaded, [write_csv(tmp_path / "bad.csv", rows)], sources=sources_csv)
    got = {(f.row, f.field) for f in info.value.failures}
    assert got == {(3, "unit"), (4, "value"), (5, "value")}
    msg = str(info.value)
    assert "row 3, field 'unit'" in msg and "unknown unit '斤'" in msg
    assert "outside the bounds of capacity_utilisation: [0, 100] %" in msg
    assert checksum(loaded.path) == before


def test_a_failure_while_writing_leaves_the_content_unchanged(tmp_path, loaded, sources_csv, monkeypatch):
    """Inside the write a rollback may leave the file's bytes changed (free blocks); its content may not."""
    before = loaded.fingerprint()
    loaded.close()
    rows = [obs(period=str(y), value="1", quote="规模1亿元", location=f"w{y}") for y in range(1950, 2000)]

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(writing, "append_reference", explode)
    with pytest.raises(SectorscopeError, match="disk full"):
        load_paths(loaded, [write_csv(tmp_path / "ok.csv", rows)], sources=sources_csv)
    assert loaded.fingerprint() == before
    assert not [p for p in loaded.path.parent.iterdir() if ".loading" in p.name or ".creating" in p.name]


def test_a_failed_first_load_creates_no_file(tmp_path, sources_csv):
    store = Store(tmp_path / "new.duckdb")
    with pytest.raises(ValidationError):
        load_paths(store, [write_csv(tmp_path / "bad.csv", [obs(value="x")])], sources=sources_csv)
    assert not store.path.exists()
