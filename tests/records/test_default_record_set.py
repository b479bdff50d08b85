"""The default dataset's record set is what its records.yaml says it is: the seeded generator's output, byte for
byte, so anyone can see how the synthetic lines were made and make them again."""
from __future__ import annotations

import hashlib

from sectorscope.ingest import default_dataset_dir
from sectorscope.records import connect, generate_lines, read_dataset_records, write_customs_csv


def test_the_committed_lines_are_the_generators(tmp_path):
    spec = read_dataset_records(default_dataset_dir())
    assert spec is not None
    (src,) = spec.sources
    assert (src.hs_edition, src.fmt) == ("HS2022", "customs_cn") and "synthetic" in src.publisher
    con = connect("duckdb")
    again = tmp_path / "again.csv"
    write_customs_csv(con, generate_lines(con, 40000, only_mapped=True, batch_id="default"), str(again))
    assert hashlib.sha256(again.read_bytes()).hexdigest() == hashlib.sha256(src.path.read_bytes()).hexdigest()
