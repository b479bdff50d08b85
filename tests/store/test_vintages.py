"""Vintage semantics: as-of returns exactly what was loaded then; corrections keep old values reachable."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.errors import StoreError
from sectorscope.ingest import load_paths
from sectorscope.store import Store

from ..conftest import obs, write_csv

T0 = datetime(2025, 1, 1, tzinfo=UTC)
KEYS = ["2021", "2022", "2023", "2024"]


def _load(store, tmp_path, n, values: dict[str, int], sources_csv, **kw):
    rows = [obs(period=p, value=str(v), quote=f"{p}年市场规模{v}亿元", location=f"p{p}") for p, v in values.items()]
    path = write_csv(tmp_path / f"v{n}.csv", rows)
    kw.setdefault("max_withdraw_share", None)  # these tests withdraw on purpose
    return load_paths(store, [path], sources=sources_csv, loaded_at=T0 + timedelta(days=n), **kw)


def _state(store, as_of) -> dict[str, float]:
    frame = store.query(as_of, indicator="market_size").select("period", "value").execute()
    return {r.period: r.value / 1e8 for r in frame.itertuples()}


@settings(max_examples=12)
@given(st.lists(st.dictionaries(st.sampled_from(KEYS), st.integers(1, 999), min_size=1), min_size=1, max_size=4))
def test_as_of_returns_exactly_what_was_loaded_then(tmp_path_factory, loads):
    tmp = tmp_path_factory.mktemp("v")
    sources_csv = tmp / "sources.csv"
    sources_csv.write_text("source_id,title\nsrc-a,测试报告A\n", encoding="utf-8")
    store = Store(tmp / "s.duckdb")
    expected: dict[str, int] = {}
    history = []
    for n, values in enumerate(loads, start=1):
        summary = _load(store, tmp, n, values, sources_csv)
        assert summary.vintage_id == n
        new = sum(1 for k in values if k not in expected)
        revised = sum(1 for k, v in values.items() if k in expected and expected[k] != v)
        assert (summary.n_new, summary.n_revised, summary.n_unchanged) == (new, revised, len(values) - new - revised)
        expected.update(values)
        history.append(dict(expected))
    for n, state in enumerate(history, start=1):
        assert _state(store, n) == pytest.approx(state)
        assert _state(store, f"v{n}") == pytest.approx(state)
        # a datetime at the load, and a date (read as the end of that day), which ends before vintage n+1
        assert _state(store, (T0 + timedelta(days=n)).isoformat()) == pytest.approx(state)
        assert _state(store, (T0 + timedelta(days=n)).date().isoformat()) == pytest.approx(state)
    assert _state(store, None) == pytest.approx(history[-1])
    assert _state(store, "2024-12-31") == {}
    store.close()


def test_a_correction_keeps_the_old_value_reachable(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    _load(store, tmp_path, 1, {"2024": 100}, sources_csv)
    s2 = _load(store, tmp_path, 2, {"2024": 120}, sources_csv, note="corrected from the errata")
    assert (s2.n_new, s2.n_revised) == (0, 1)
    assert _state(store, 1) == {"2024": 100}
    assert _state(store, 2) == {"2024": 120}
    every = store.table("observations").filter(lambda t: t.period == "2024").order_by("vintage_id").execute()
    assert list(every["value"] / 1e8) == [100, 120]
    assert every["obs_key"].nunique() == 1
    store.close()


def test_reloading_unchanged_data_adds_a_vintage_but_no_rows(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    _load(store, tmp_path, 1, {"2023": 5, "2024": 6}, sources_csv)
    s2 = _load(store, tmp_path, 2, {"2023": 5, "2024": 6}, sources_csv)
    assert (s2.vintage_id, s2.n_new, s2.n_revised, s2.n_unchanged) == (2, 0, 0, 2)
    assert store.table("observations").count().execute() == 2
    store.close()


def test_withdrawn_figures_disappear_later_but_not_earlier(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    _load(store, tmp_path, 1, {"2023": 5, "2024": 6}, sources_csv, withdraw_missing=True)
    s2 = _load(store, tmp_path, 2, {"2024": 6}, sources_csv, withdraw_missing=True)
    assert s2.n_withdrawn == 1
    assert _state(store, 1) == {"2023": 5, "2024": 6}
    assert _state(store, 2) == {"2024": 6}
    s3 = _load(store, tmp_path, 3, {"2023": 5, "2024": 6}, sources_csv, withdraw_missing=True)
    assert (s3.n_revised, s3.n_unchanged) == (1, 1)  # the figure comes back as a revision of its tombstone
    assert _state(store, 3) == {"2023": 5, "2024": 6}
    store.close()


def test_unknown_vintage_and_bad_as_of_are_clear_errors(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    _load(store, tmp_path, 1, {"2024": 1}, sources_csv)
    with pytest.raises(StoreError, match="no vintage 7"):
        store.observations(7)
    with pytest.raises(StoreError, match="neither a vintage"):
        store.observations("last tuesday")
    with pytest.raises(StoreError, match="unknown dimension"):
        store.query(colour="red")
    store.close()


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "nope.duckdb").observations().execute()


def test_two_passages_of_one_source_are_both_kept(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    rows = [obs(value="100", location="摘要"), obs(value="120", quote="市场规模为120亿元", location="§1.1")]
    load_paths(store, [write_csv(tmp_path / "a.csv", rows)], sources=sources_csv)
    got = store.observations().execute().sort_values("location")
    assert list(got["value"] / 1e8) == [120, 100] and list(got["location"]) == ["§1.1", "摘要"]
    assert isinstance(got, pd.DataFrame)
    store.close()


def test_filters_select_whole_figures_and_status_is_judged_on_the_latest_row(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    v1 = [obs(period="2025", status="forecast", quote="规模100亿元"), obs(period="2024", location="q")]
    load_paths(store, [write_csv(tmp_path / "a.csv", v1)], sources=sources_csv)
    v2 = [obs(period="2025", status="actual", quote="规模100亿元"), obs(period="2024", location="q")]
    load_paths(store, [write_csv(tmp_path / "b.csv", v2)], sources=sources_csv)
    assert store.query(1, status="forecast", period="2025").count().execute() == 1
    assert store.query(2, status="forecast", period="2025").count().execute() == 0
    assert store.query(2, status="actual", indicator="market_size").count().execute() == 2
    assert store.query(2, subject="测试市场", source_id="src-a", period="2024").count().execute() == 1
    assert store.query(2, subject="别的市场").count().execute() == 0
    store.close()
