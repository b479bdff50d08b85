"""House views: a choice among conflicting figures is a vintage of its own that changes no figure."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from sectorscope.audit import choose, house_view_rows
from sectorscope.errors import StoreError
from sectorscope.ingest import load_default
from sectorscope.store import Store

KEY = dict(indicator="market_size", subject="成像仪", period="2025", source_id="seed-004")


@pytest.fixture(scope="module")
def loaded_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("default") / "s.duckdb"
    store = Store(path)
    load_default(store)
    store.close()
    return path


@pytest.fixture
def store(tmp_path, loaded_file):
    path = tmp_path / "s.duckdb"
    shutil.copyfile(loaded_file, path)
    s = Store(path)
    yield s
    s.close()


def _whole_market(store) -> pd.DataFrame:
    t = store.query(**KEY).execute()
    return t[t["product"].isna() & t["application"].isna()]


def _id_of(store, value: float) -> int:
    t = _whole_market(store)
    hit = t[t["value"] == value]
    assert len(hit) == 1, t[["obs_id", "value"]]
    return int(hit["obs_id"].iloc[0])


def _frozen(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("obs_id").reset_index(drop=True)


def test_choose_adds_an_empty_vintage_and_changes_no_figure(store):
    oid = _id_of(store, 185.6e8)
    before_vid = store.latest_vintage()
    before = _frozen(store.observations().execute())
    summary = choose(store, oid, "表2是报告中唯一的逐年序列", analyst="王")
    assert summary.vintage_id == before_vid + 1
    assert (summary.n_rows, summary.n_new, summary.n_revised, summary.n_withdrawn) == (0, 0, 0, 0)
    v = store.vintages().execute().set_index("vintage_id")
    assert v.loc[summary.vintage_id, "n_rows"] == 0
    assert v.loc[summary.vintage_id, "label"] == f"house view: market_size 2025 → #{oid}"
    now = _frozen(store.observations().execute())
    then = _frozen(store.observations(as_of=before_vid).execute())
    pd.testing.assert_frame_equal(now, then)
    pd.testing.assert_frame_equal(now, before)
    assert store.observations(include_withdrawn=True).count().execute() == len(before)


def test_house_view_rows_report_the_chosen_figure_and_the_spread(store):
    oid = _id_of(store, 185.6e8)
    choose(store, oid, "表2是报告中唯一的逐年序列", analyst="王")
    rows = house_view_rows(store)
    assert len(rows) == 1
    r = rows[0]
    assert (r["indicator"], r["subject"], r["period"], r["dims"]) == ("market_size", "成像仪", "2025", "")
    assert r["obs_id"] == oid and r["shown"] == "185.6亿元"
    assert r["reason"] == "表2是报告中唯一的逐年序列" and r["analyst"] == "王"
    assert r["spread"] == "185.6亿元 – 612亿元 (n=5)"
    # The spread is over every figure under the key (all of the whole market, none of a product's market).
    assert r["ids"] == set(_whole_market(store)["obs_id"]) and len(r["ids"]) == 5
    assert house_view_rows(store, as_of=1) == []


def test_a_choice_without_analyst_reports_an_empty_analyst(store):
    # A NULL analyst is read back as NaN, which used to be reported (and printed in audit.md) as "nan".
    choose(store, _id_of(store, 185.6e8), "表2")
    assert house_view_rows(store)[0]["analyst"] == ""


@pytest.mark.parametrize(("obs_id", "reason", "words"), [
    (999_999, "表2", "no current figure with id 999999"),
    (None, "", "needs a reason"),
    (None, "   ", "needs a reason"),
])
def test_a_bad_choice_raises_and_leaves_the_store_byte_identical(store, obs_id, reason, words):
    oid = _id_of(store, 185.6e8) if obs_id is None else obs_id
    store.close()
    before = store.path.read_bytes()
    with pytest.raises(StoreError, match=words):
        choose(store, oid, reason)
    store.close()
    assert store.path.read_bytes() == before
    assert store.latest_vintage() == 1 and len(store.house_views().execute()) == 0


def test_a_second_choice_replaces_the_first_and_the_first_stays_as_of(store):
    first, second = _id_of(store, 185.6e8), _id_of(store, 612e8)
    v1 = choose(store, first, "表2").vintage_id
    v2 = choose(store, second, "一.1节引用弗若斯特沙利文").vintage_id
    assert v2 == v1 + 1
    now = store.house_views().execute()
    assert len(now) == 1
    assert int(now["chosen_obs_id"].iloc[0]) == second and now["reason"].iloc[0] == "一.1节引用弗若斯特沙利文"
    then = store.house_views(as_of=v1).execute()
    assert len(then) == 1
    assert int(then["chosen_obs_id"].iloc[0]) == first and then["reason"].iloc[0] == "表2"
    assert len(store.house_views(as_of=1).execute()) == 0
    rows = house_view_rows(store)
    assert [(r["obs_id"], r["shown"]) for r in rows] == [(second, "612亿元")]
    assert rows[0]["spread"] == "185.6亿元 – 612亿元 (n=5)"
    assert [(r["obs_id"], r["shown"]) for r in house_view_rows(store, as_of=v1)] == [(first, "185.6亿元")]
