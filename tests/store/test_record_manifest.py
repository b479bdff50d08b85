"""The record sets' manifest in the store: a batch is a vintage committed in one transaction with its files and
the cells it supersedes; "current" and "as of" are queries over it; a refused or failed commit leaves the
store's content as it was; a store of figures gains the tables on first use and keeps working."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sectorscope.errors import Reason, StoreError, UnknownCodeError
from sectorscope.ingest import load_paths
from sectorscope.store import Store, backend, record_manifest

from ..conftest import obs, write_csv


def batch(batch_id, dataset="customs_cn", n_lines=3):
    return {"batch_id": batch_id, "dataset": dataset, "source_file": f"{batch_id}.csv", "sha256": "ab" * 32,
            "bytes": 1234, "publisher": "海关总署", "release_date": date(2025, 4, 18),
            "retrieved_at": datetime(2025, 4, 20, 8, 30), "hs_edition": "HS2022", "currency": "USD",
            "grain": "commodity,partner", "period_kind": "monthly", "period_from": "2025-01",
            "period_to": "2025-02", "n_lines": n_lines}


def file(path, flow="import", year=2025, month=1, chapter="85", n_lines=1):
    return {"path": path, "flow": flow, "year": year, "month": month, "hs_chapter": chapter, "n_lines": n_lines,
            "bytes": 100}


A_FILES = [file("customs_cn/year=2025/month=1/hs_chapter=85/a_0.parquet"),
           file("customs_cn/year=2025/month=2/hs_chapter=85/a_1.parquet", month=2),
           file("customs_cn/year=2025/month=1/hs_chapter=85/a_2.parquet", flow="export")]


def test_a_batch_is_a_vintage_with_its_files(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    vid, cells = record_manifest.commit_batch(store, batch("a"), A_FILES,
                                              loaded_at=datetime(2025, 5, 1, tzinfo=UTC))
    assert (vid, cells) == (1, 0)
    v = store.vintages().execute().iloc[0]
    assert (v["label"], v["files"], v["n_rows"], v["n_new"], v["note"]) == \
        ("records: a.csv", "a.csv", 3, 3, "record batch a (customs_cn)")
    b = record_manifest.record_batches(store).iloc[0]
    assert (b["batch_id"], b["vintage_id"], b["n_files"], b["cells_superseded"], b["bytes"]) == ("a", 1, 3, 0, 1234)
    assert b["retrieved_at"] == datetime(2025, 4, 20, 8, 30, tzinfo=UTC)
    assert list(record_manifest.current_files(store, "customs_cn")["path"]) == sorted(f["path"] for f in A_FILES)
    assert record_manifest.batch_datasets(store) == {"a": "customs_cn"}
    assert record_manifest.current_files(store, "comtrade").empty


def test_a_correction_supersedes_the_cells_it_shares_from_its_vintage_on(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    record_manifest.commit_batch(store, batch("a"), A_FILES)
    b_files = [file("customs_cn/year=2025/month=1/hs_chapter=85/b_0.parquet"),
               file("customs_cn/year=2025/month=3/hs_chapter=85/b_1.parquet", month=3)]
    vid, cells = record_manifest.commit_batch(store, batch("b"), b_files, ["a"])
    assert (vid, cells) == (2, 1)
    assert list(record_manifest.current_files(store, "customs_cn")["path"]) == [
        "customs_cn/year=2025/month=1/hs_chapter=85/a_2.parquet",  # the export cell: b has none
        "customs_cn/year=2025/month=1/hs_chapter=85/b_0.parquet",
        "customs_cn/year=2025/month=2/hs_chapter=85/a_1.parquet",
        "customs_cn/year=2025/month=3/hs_chapter=85/b_1.parquet",
    ]
    assert list(record_manifest.current_files(store, "customs_cn", as_of=1)["path"]) == sorted(f["path"] for f in A_FILES)
    s = store.table("record_supersessions").execute().iloc[0]
    assert (s["batch_id"], s["superseded_batch"], s["flow"], s["year"], s["month"], s["hs_chapter"]) == \
        ("b", "a", "import", 2025, 1, "85")
    assert record_manifest.listed_paths(store) == {f["path"] for f in A_FILES + b_files}


def test_a_refused_or_failed_commit_leaves_the_store_as_it_was(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    record_manifest.commit_batch(store, batch("a"), A_FILES)
    record_manifest.commit_batch(store, batch("c", dataset="comtrade"), [file("comtrade/x/c_0.parquet")])
    before = store.fingerprint()
    with pytest.raises(StoreError) as err:
        record_manifest.commit_batch(store, batch("a"), A_FILES)
    assert err.value.reason == Reason.DUPLICATE
    with pytest.raises(UnknownCodeError, match="unknown batch to supersede 'x'"):
        record_manifest.commit_batch(store, batch("b"), A_FILES, ["x"])
    with pytest.raises(StoreError, match="cannot supersede 'c', a batch of comtrade") as err:
        record_manifest.commit_batch(store, batch("b"), A_FILES, ["c"])
    assert err.value.reason == Reason.INCONSISTENT

    def boom():
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        record_manifest.commit_batch(store, batch("b"), A_FILES, before_commit=boom)
    assert store.fingerprint() == before


def test_a_store_of_figures_gains_the_tables_and_shares_its_vintages(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [write_csv(tmp_path / "f.csv", [obs()])], sources=sources_csv)
    store.close()
    with backend.write_session(store.path) as con:  # a store written before the record tables existed
        for name in ("record_batches", "record_files", "record_supersessions"):
            con.raw_sql(f"DROP TABLE {name}")
    assert record_manifest.current_files(store, "customs_cn").empty
    assert record_manifest.record_batches(store).empty
    assert record_manifest.commit_batch(store, batch("a"), A_FILES)[0] == 2
    load_paths(store, [write_csv(tmp_path / "g.csv", [obs(period="2026", value="7", quote="规模7亿元")])],
               sources=sources_csv)
    assert list(store.vintages().execute()["vintage_id"]) == [1, 2, 3]
    assert len(record_manifest.current_files(store, "customs_cn")) == 3
