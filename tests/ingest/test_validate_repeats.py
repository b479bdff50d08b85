"""One figure stated by two files of one load (#18): each would be stored under one key in one vintage and a
query would show only one, so the load is refused naming both files and rows, every repeat at once."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.errors import Reason, RowFailure, ValidationError
from sectorscope.ingest import load_paths
from sectorscope.model import KEY_COLUMNS
from sectorscope.store import Store

from ..conftest import obs, write_csv

WHAT = "same source, indicator, dimensions, period and location"
ADVICE = "one load states each figure once: drop one of them, or give each passage its own location"


def repeat(file, row, location, first_file, first_row) -> RowFailure:
    return RowFailure(file, row, "location", location,
                      f"repeats the figure of {first_file} row {first_row} ({WHAT}); {ADVICE}", code=Reason.DUPLICATE)


def test_one_figure_in_two_files_is_refused_naming_both_files_and_rows(tmp_path, sources_csv):
    a = write_csv(tmp_path / "a.csv", [obs(period="2023", value="55", quote="规模55亿元"),
                                       obs(value="60", quote="规模60亿元"),
                                       obs(indicator="market_size_growth", unit="%", value="5", quote="增长5%")])
    b = write_csv(tmp_path / "b.csv", [obs(period="2022", value="50", quote="规模50亿元"),
                                       obs(value="70", quote="规模70亿元"),
                                       obs(indicator="market_size_growth", unit="%", value="5", quote="增长5%")])
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(ValidationError) as info:
        load_paths(store, [a, b], sources=sources_csv)
    assert info.value.failures == [repeat(str(b), 3, "p1", str(a), 3), repeat(str(b), 4, "p1", str(a), 4)]
    assert info.value.reason == Reason.DUPLICATE
    assert f"{b}, row 3, field 'location': repeats the figure of {a} row 3 ({WHAT})" in str(info.value)
    assert not store.exists()  # nothing written


def test_every_repeat_of_every_file_is_reported_at_once(tmp_path, sources_csv):
    files = [write_csv(tmp_path / f"{n}.csv", [obs(value="60", quote="规模60亿元"),
                                               obs(period=str(2010 + n), value="1", quote="规模1亿元", location="q")])
             for n in range(3)]
    with pytest.raises(ValidationError) as info:
        load_paths(Store(tmp_path / "s.duckdb"), files, sources=sources_csv)
    first = str(files[0])
    assert info.value.failures == [repeat(str(files[1]), 2, "p1", first, 2), repeat(str(files[2]), 2, "p1", first, 2)]


def test_keys_equal_once_normalised_are_one_figure(tmp_path, sources_csv):
    """Traditional and simplified subjects, and full-width and ASCII periods, are the same key."""
    a = write_csv(tmp_path / "a.csv", [obs(subject="縮微機械", period="2024")])
    b = write_csv(tmp_path / "b.csv", [obs(subject="缩微机械", period="２０２４")])
    with pytest.raises(ValidationError) as info:
        load_paths(Store(tmp_path / "s.duckdb"), [a, b], sources=sources_csv)
    assert info.value.failures == [repeat(str(b), 2, "p1", str(a), 2)]


def test_the_same_figure_at_two_locations_of_two_files_loads_both(tmp_path, sources_csv):
    a = write_csv(tmp_path / "a.csv", [obs(location="表1")])
    b = write_csv(tmp_path / "b.csv", [obs(location="正文第3段")])
    c = write_csv(tmp_path / "c.csv", [obs(source="src-b")])  # another source: another key
    store = Store(tmp_path / "s.duckdb")
    assert load_paths(store, [a, b, c], sources=sources_csv).n_rows == 3
    store.close()


def _frame(keys: list[tuple[str, str]]) -> pd.DataFrame:
    """A normalised frame whose keys differ in source and period only."""
    rows = [dict.fromkeys(KEY_COLUMNS, "") | {"source_id": s, "period": p, "location": None} for s, p in keys]
    return pd.DataFrame(rows, columns=list(KEY_COLUMNS))


@given(st.lists(st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from(["2024", "2025", "2026"])),
                         max_size=6, unique=True), min_size=1, max_size=4))
def test_each_later_statement_of_a_key_names_its_first(files):
    """Files without repeats of their own: every statement of a key after its first is reported once, naming
    the file and row of the first, in load order."""
    from sectorscope.ingest.validate import repeats_across_files  # here: the load-level tests run without it

    parts = [(f"f{n}.csv", [r + 2 for r in range(len(keys))], _frame(keys)) for n, keys in enumerate(files)]
    got = repeats_across_files(parts)
    first: dict[tuple[str, str], tuple[str, int]] = {}
    want = []
    for n, keys in enumerate(files):
        for r, key in enumerate(keys):
            if key in first:
                want.append(RowFailure(f"f{n}.csv", r + 2, "location", "", f"repeats the figure of {first[key][0]} "
                                       f"row {first[key][1]} ({WHAT}); {ADVICE}", code=Reason.DUPLICATE))
            else:
                first[key] = (f"f{n}.csv", r + 2)
    assert got == want
