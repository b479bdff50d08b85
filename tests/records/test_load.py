"""A record file end to end: read, checked line by line, staged, checked as a batch, committed — and the lines
read back from the record set; a file with bad lines is refused with all of them and writes nothing."""
from __future__ import annotations

import ibis
import pyarrow as pa
import pytest

from sectorscope.errors import ValidationError
from sectorscope.records.batches import list_batches
from sectorscope.records.engine import connect
from sectorscope.records.generate import generate_lines, write_customs_csv
from sectorscope.records.lines import open_lines
from sectorscope.records.load import load_records
from sectorscope.store import Store


@pytest.fixture()
def export(tmp_path):
    con = ibis.duckdb.connect()
    lines = generate_lines(con, 2_000, only_mapped=True, batch_id="x")
    path = tmp_path / "customs.csv"
    write_customs_csv(con, lines, str(path))
    return path, lines.to_pyarrow().sort_by("line_no")


def test_a_customs_export_becomes_a_batch_whose_lines_read_back(tmp_path, export):
    path, expected = export
    store = Store(tmp_path / "s.duckdb")
    loaded = load_records(store, path, hs_edition="HS2022", publisher="sectorscope generator", chunk_rows=700)
    s = loaded.summary
    assert (s.n_lines, s.cells_superseded) == (2_000, 0)
    assert s.batch_id.startswith("customs_cn-") and len(s.batch_id) == len("customs_cn-") + 12
    batches = list_batches(store)
    assert batches["batch_id"].tolist() == [s.batch_id]
    assert batches["publisher"].tolist() == ["sectorscope generator"]
    got = open_lines(store, "customs_cn", connect("duckdb")).order_by("line_no").to_pyarrow()
    want = expected.set_column(expected.schema.get_field_index("batch_id"), "batch_id",
                               pa.array([s.batch_id] * expected.num_rows))
    assert got.select(want.column_names).equals(want)


def test_a_file_with_bad_lines_is_refused_with_every_one_and_nothing_is_written(tmp_path, export):
    path, _ = export
    text = path.read_text(encoding="utf-8").splitlines()
    bad = text[:]
    bad[5] = bad[5].replace(bad[5].split(",")[2], "12345", 1)  # an HS code of five digits
    bad[9] = bad[9].rsplit(",", 1)[0] + ",-3.00"  # a negative value
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(bad) + "\n", encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(ValidationError) as caught:
        load_records(store, broken, hs_edition="HS2022")
    rows = sorted((f.row, f.field) for f in caught.value.failures)
    assert [r for r, _ in rows] == [6, 10]
    assert not store.exists()
    assert not any(p.suffix == ".parquet" for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("how", ["csv", "arrow"])
def test_a_store_named_relative_to_the_working_folder_loads(tmp_path, monkeypatch, export, how):
    # `sectorscope run` names its store relative to the working folder (out/sectorscope.duckdb): DuckDB then
    # returned the written files relative too, and they were read against the staging folder twice (a fresh
    # clone's `make run` failed with "dictionary update sequence element #0 has length 1")
    from sectorscope.records import BatchMeta, load_batch

    path, expected = export
    monkeypatch.chdir(tmp_path)
    store = Store("out/s.duckdb")
    (tmp_path / "out").mkdir()
    if how == "csv":
        n = load_records(store, path.name, hs_edition="HS2022", publisher="sectorscope generator").summary.n_lines
    else:
        meta = BatchMeta(batch_id="x", dataset="customs_cn", source_file="customs.csv", sha256="0" * 64,
                         publisher="sectorscope generator", hs_edition="HS2022", currency="USD",
                         grain=("commodity", "partner", "province", "trade_mode"), period_kind="monthly")
        n = load_batch(store, meta, expected.to_batches()).n_lines
    assert n == 2_000
    assert (tmp_path / "out" / "s.records" / "customs_cn").is_dir()
    assert open_lines(store, "customs_cn", connect("duckdb")).count().to_pyarrow().as_py() == 2_000
