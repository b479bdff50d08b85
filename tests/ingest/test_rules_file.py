"""A dataset folder's rules.yaml: validated with the load, stored with it, and a bad one refuses the load."""
from __future__ import annotations

import hashlib
import shutil

import pytest

from sectorscope.errors import ValidationError
from sectorscope.ingest import load_paths
from sectorscope.store import Store

from ..conftest import DEFAULT_DATA, obs, write_csv

BROKEN_ENTRY = """
  - name: broken
    indicator: order_share
    subject: 缩微机械
    whole: {}
    total: 100
    parts:
      - {application: 商业航天}
"""


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "dataset"
    shutil.copytree(DEFAULT_DATA, folder)
    return folder


def _break(folder):
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + BROKEN_ENTRY, encoding="utf-8")
    return rules


def test_a_dataset_folder_stores_its_rules_file(tmp_path, dataset):
    store = Store(tmp_path / "s.duckdb")
    summary = load_paths(store, [dataset])
    assert summary.vintage_id == 1 and summary.n_new > 0
    rows = store.rule_files().execute()
    assert list(rows["name"]) == ["rules.yaml"]
    text = (dataset / "rules.yaml").read_text(encoding="utf-8")
    assert rows["text"].iloc[0] == text
    assert rows["sha256"].iloc[0] == hashlib.sha256((dataset / "rules.yaml").read_bytes()).hexdigest()
    assert int(rows["vintage_id"].iloc[0]) == 1
    store.close()


def test_a_changed_rules_file_is_a_new_version_and_the_old_one_stays_as_of(tmp_path, dataset):
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [dataset])
    old = (dataset / "rules.yaml").read_text(encoding="utf-8")
    new = old + "\n# reviewed again\n"
    (dataset / "rules.yaml").write_text(new, encoding="utf-8")
    second = load_paths(store, [dataset])
    assert second.vintage_id == 2 and second.n_new == 0 and second.n_revised == 0
    now = store.rule_files().execute()
    assert len(now) == 1 and now["text"].iloc[0] == new and int(now["vintage_id"].iloc[0]) == 2
    then = store.rule_files(as_of=1).execute()
    assert len(then) == 1 and then["text"].iloc[0] == old
    # Unchanged on a third load: no new row.
    load_paths(store, [dataset])
    assert int(store.rule_files().execute()["vintage_id"].iloc[0]) == 2
    store.close()


def test_a_broken_rules_file_refuses_the_load_and_leaves_the_store_byte_identical(tmp_path, dataset, sources_csv):
    path = tmp_path / "s.duckdb"
    store = Store(path)
    load_paths(store, [write_csv(tmp_path / "a.csv", [obs()])], sources=sources_csv)
    store.close()
    before = path.read_bytes()
    rules = _break(dataset)
    with pytest.raises(ValidationError) as info:
        load_paths(store, [dataset])
    assert path.read_bytes() == before
    assert [f.file for f in info.value.failures] == [str(rules)]
    msg = str(info.value)
    assert str(rules) in msg and "not a valid rules file" in msg
    assert "part_whole entry 11" in msg and "not both or neither" in msg
    assert "nothing was loaded" in msg
    assert not list(tmp_path.glob(".*.loading*"))
    # The store still holds only what it held.
    assert len(store.observations().execute()) == 1 and len(store.rule_files().execute()) == 0
    store.close()


def test_a_broken_rules_file_leaves_a_missing_store_missing(tmp_path, dataset):
    path = tmp_path / "new.duckdb"
    rules = _break(dataset)
    with pytest.raises(ValidationError, match="part_whole entry 11") as info:
        load_paths(Store(path), [dataset])
    assert str(rules) in str(info.value)
    assert not path.exists()
    assert not list(tmp_path.glob(".*.loading*"))


def test_a_rules_file_given_by_name_is_validated_too(tmp_path, sources_csv):
    path = tmp_path / "s.duckdb"
    bad = tmp_path / "extra_rules.yaml"
    bad.write_text("changes:\n  - {change: market_size_growth, level: market_size, kind: growth, colour: red}\n",
                   encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_paths(Store(path), [write_csv(tmp_path / "a.csv", [obs()]), bad], sources=sources_csv)
    assert str(bad) in str(info.value) and "extra_rules.yaml, changes entry 1" in str(info.value)
    assert not path.exists()


def test_a_rules_file_that_is_not_utf8_is_a_validation_error(tmp_path, dataset):
    # It used to escape as UnicodeDecodeError.
    rules = dataset / "rules.yaml"
    rules.write_bytes("part_whole: []\n# 注释\n".encode("gb18030"))
    path = tmp_path / "s.duckdb"
    with pytest.raises(ValidationError) as info:
        load_paths(Store(path), [dataset])
    assert [(f.file, f.reason) for f in info.value.failures] == [(str(rules), "a rules file must be UTF-8 text")]
    assert not path.exists()
