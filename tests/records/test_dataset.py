"""A dataset's record files (records/records.yaml): each listed file loaded once, the list's mistakes named with
the file and the key."""
from __future__ import annotations

from pathlib import Path

import pytest

from sectorscope.errors import InputError, Reason
from sectorscope.records import (
    connect,
    generate_lines,
    list_batches,
    load_dataset_records,
    read_dataset_records,
)
from sectorscope.records import write_customs_csv as write_csv
from sectorscope.store import Store


def _dataset(tmp_path: Path, yaml_text: str, n_lines: int = 300) -> Path:
    folder = tmp_path / "ds"
    (folder / "records").mkdir(parents=True)
    con = connect("duckdb")
    write_csv(con, generate_lines(con, n_lines, seed=7, years=(2024, 2024), targets=(), only_mapped=True),
              str(folder / "records" / "lines.csv"))
    (folder / "records" / "records.yaml").write_text(yaml_text, encoding="utf-8")
    return folder


GOOD = "files:\n  - file: lines.csv\n    hs_edition: HS2022\n    publisher: 测试\n"


def test_a_listed_file_is_loaded_once(tmp_path):
    folder = _dataset(tmp_path, GOOD)
    store = Store(tmp_path / "s.duckdb")
    first = load_dataset_records(store, folder)
    (loaded,) = first.loaded
    assert loaded.summary.n_lines == 300 and not first.skipped
    again = load_dataset_records(store, folder)
    assert not again.loaded
    assert again.skipped == {(folder / "records" / "lines.csv").resolve(): loaded.summary.batch_id}
    batches = list_batches(store)
    assert list(batches["batch_id"]) == [loaded.summary.batch_id]
    assert list(batches["publisher"]) == ["测试"]


def test_a_dataset_without_a_list_loads_nothing(tmp_path):
    assert read_dataset_records(tmp_path) is None
    assert load_dataset_records(Store(tmp_path / "s.duckdb"), tmp_path).loaded == []


@pytest.mark.parametrize(("text", "says", "reason"), [
    ("files: [1]\n", "files[1]: expected a mapping", Reason.WRONG_SHAPE),
    ("files:\n  - file: lines.csv\n", "files[1].hs_edition: expected text", Reason.BAD_VALUE),
    ("files:\n  - file: lines.csv\n    hs_edition: HS2007\n", "files[1].hs_edition: 'HS2007' is not one of",
     Reason.BAD_VALUE),
    ("files:\n  - file: nope.csv\n    hs_edition: HS2022\n", "files[1].file: nope.csv does not exist",
     Reason.FILE_NOT_FOUND),
    (GOOD + "  - file: lines.csv\n    hs_edition: HS2022\n", "files[2].file: lines.csv is listed twice",
     Reason.DUPLICATE),
    ("files:\n  - file: lines.csv\n    hs_edition: HS2022\n    edition: HS2017\n", "files[1]: unknown key(s) edition",
     Reason.WRONG_SHAPE),
    ("file: lines.csv\n", "unknown key(s) file; known: concordance, files", Reason.WRONG_SHAPE),
    ("files:\n  - file: lines.csv\n    hs_edition: HS2022\n    format: xls\n", "files[1].format: 'xls' is not one of",
     Reason.BAD_VALUE),
    ("files: [\n", "not a valid YAML file", Reason.UNREADABLE),
])
def test_mistakes_in_the_list_name_the_file_and_key(tmp_path, text, says, reason):
    folder = _dataset(tmp_path, text, n_lines=10)
    with pytest.raises(InputError) as e:
        read_dataset_records(folder)
    assert says in str(e.value)
    assert e.value.reason == reason
    assert str(folder / "records" / "records.yaml") in str(e.value)
