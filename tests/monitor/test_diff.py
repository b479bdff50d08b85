"""The vintage diff: exactly the set difference of two loads, old value beside new; restatements are no
change; withdrawals and restatements after them; forecasts like any other figure."""
from __future__ import annotations

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from sectorscope.errors import StoreError
from sectorscope.ingest import load_paths
from sectorscope.model.observation import FORECAST_SOURCE
from sectorscope.monitor import diff_vintages, summarise_diff
from sectorscope.monitor.diff import CHANGES, DIFF_COLUMNS
from sectorscope.store import Store

from ..conftest import obs
from .conftest import at, fig, load, write_forecasts

PERIODS = ["2019", "2020", "2021", "2022", "2023", "2024"]
KEYS = [(subject, p) for subject in ("甲市场", "乙市场", "丙市场") for p in PERIODS]
YI = 1e8  # 亿元 in 元, the canonical unit


def _rows(values: dict[tuple[str, str], int]) -> list[dict]:
    return [obs(subject=s, period=p, value=str(v), quote=f"{s}{p}年市场规模{v}亿元", location=f"表1 / {p}")
            for (s, p), v in values.items()]


def _ids(store: Store, as_of) -> dict[tuple[str, str], int]:
    t = store.observations(as_of, include_withdrawn=True).select("subject", "period", "obs_id").execute()
    return dict(zip(zip(t["subject"], t["period"], strict=True), t["obs_id"], strict=True))


# Each example is two loads of up to 18 figures (values drawn from a few, so that restated, revised, new
# and withdrawn figures all occur). No shrinking: an example costs two store writes, and shrinking a slow
# example takes minutes; the failing example is printed as drawn.
@settings(max_examples=6, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(first=st.dictionaries(st.sampled_from(KEYS), st.integers(1, 4), min_size=1),
       second=st.dictionaries(st.sampled_from(KEYS), st.integers(1, 4)),
       withdraw=st.booleans())
def test_the_diff_of_two_loads_is_exactly_their_difference(tmp_path_factory, first, second, withdraw):
    tmp = tmp_path_factory.mktemp("diff")
    sources = tmp / "sources.csv"
    sources.write_text("source_id,title\nsrc-a,测试报告A\n", encoding="utf-8")
    store = Store(tmp / "s.duckdb")
    load(store, tmp, 1, _rows(first), sources)
    if second:
        load(store, tmp, 2, _rows(second), sources, withdraw_missing=withdraw)
    else:  # an empty load: the sources file alone, which withdraws every figure of its source when asked
        load_paths(store, [sources], loaded_at=at(2), withdraw_missing=withdraw, max_withdraw_share=None)
    d = diff_vintages(store, 1, 2)
    expected = {k: "new" for k in second.keys() - first.keys()}
    expected |= {k: "revised" for k in second.keys() & first.keys() if second[k] != first[k]}
    if withdraw:
        expected |= {k: "withdrawn" for k in first.keys() - second.keys()}
    got = dict(zip(zip(d["subject"], d["period"], strict=True), d["change"], strict=True))
    assert got == expected and len(d) == len(expected)
    assert list(d.columns) == list(DIFF_COLUMNS)
    old_ids, new_ids = _ids(store, 1), _ids(store, 2)
    for r in d.to_dict("records"):
        k = (r["subject"], r["period"])
        s, p = k
        assert r["vintage_id"] == 2 and r["obs_id_new"] == new_ids[k] and r["source_id"] == "src-a"
        if r["change"] == "new":
            assert r["value_old"] is None and r["obs_id_old"] is None and r["printed_old"] is None
        else:
            assert r["value_old"] == first[k] * YI and r["printed_old"] == f"{first[k]}亿元"
            assert r["obs_id_old"] == old_ids[k] and r["source_id_old"] == "src-a"
            assert r["quote_old"] == f"{s}{p}年市场规模{first[k]}亿元" and r["location_old"] == f"表1 / {p}"
        if r["change"] == "withdrawn":  # the tombstone's id, no new value
            assert r["value_new"] is None and r["printed_new"] is None and r["source_id_new"] is None
        else:
            assert r["value_new"] == second[k] * YI and r["printed_new"] == f"{second[k]}亿元"
            assert r["quote_new"] == f"{s}{p}年市场规模{second[k]}亿元"
        if r["change"] == "revised":
            assert r["pct_change"] == pytest.approx(100 * (second[k] - first[k]) / first[k], abs=1e-9)
        else:
            assert r["pct_change"] is None
    assert summarise_diff(d).by_change == {c: sum(1 for v in expected.values() if v == c) for c in CHANGES}
    assert len(diff_vintages(store, 2, 2)) == 0
    # from before the first load, every figure standing at v2 is new
    standing = set(second) if withdraw else set(first) | set(second)
    before = diff_vintages(store, "2024-12-31", 2)
    assert set(zip(before["subject"], before["period"], strict=True)) == standing
    assert set(before["change"]) <= {"new"}
    store.close()


def test_a_reload_of_the_same_files_changes_nothing(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    rows = _rows({("甲市场", "2023"): 3, ("甲市场", "2024"): 4})
    load(store, tmp_path, 1, rows, sources_csv)
    load(store, tmp_path, 2, rows, sources_csv, withdraw_missing=True)
    assert len(diff_vintages(store, 1, 2)) == 0
    store.close()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "s.duckdb")
    yield s
    s.close()


def test_withdrawn_then_restated_is_new_against_the_withdrawal_and_nothing_against_before(store, tmp_path, sources_csv):
    a = obs(period="2023", value="80", quote="市场规模为80亿元", location="表1")
    b = obs(period="2024", value="100", location="表1")
    load(store, tmp_path, 1, [a, b], sources_csv)
    load(store, tmp_path, 2, [b], sources_csv, withdraw_missing=True)
    load(store, tmp_path, 3, [a, b], sources_csv, withdraw_missing=True)
    gone = diff_vintages(store, 1, 2)
    assert gone[["change", "period", "value_old", "value_new"]].values.tolist() == [["withdrawn", "2023", 80 * YI, None]]
    assert gone["obs_id_new"][0] == 3  # the tombstone
    back = diff_vintages(store, 2, 3)  # the old side: the tombstone, no value
    assert back[["change", "period", "value_old", "printed_old", "obs_id_old", "value_new", "obs_id_new"]].values.tolist() == [
        ["new", "2023", None, None, 3, 80 * YI, 4]]
    assert len(diff_vintages(store, 1, 3)) == 0  # as it was at v1


def test_printed_values_show_the_qualifier_and_a_status_change_is_a_revision(store, tmp_path, sources_csv):
    rows = [
        fig(indicator="capacity_utilisation", unit="%", period="2024", value="68", qualifier="about", location="a"),
        fig(indicator="capacity_utilisation", unit="%", period="2025", value="70", qualifier="at_least", location="b"),
        fig(indicator="inventory_days", unit="天", period="2024", value="30", value_high="45", qualifier="range", location="c"),
        fig(period="2025", value="120", status="estimate", location="d"),
    ]
    load(store, tmp_path, 1, rows, sources_csv)
    rows[3] = {**rows[3], "status": "actual"}
    rows[0] = {**rows[0], "qualifier": "exact"}
    load(store, tmp_path, 2, rows, sources_csv)
    first = diff_vintages(store, "2024-12-31", 1)
    assert sorted(first["printed_new"]) == sorted(["约68%", "≥70%", "30–45天", "120亿元"])
    d = diff_vintages(store, 1, 2).set_index("location_new")
    assert d.loc["a", ["change", "printed_old", "printed_new", "pct_change"]].tolist() == ["revised", "约68%", "68%", 0.0]
    assert d.loc["d", ["status_old", "status_new", "pct_change"]].tolist() == ["estimate", "actual", 0.0]
    assert set(d.index) == {"a", "d"}


def test_a_second_source_is_a_new_figure_and_counts_are_by_source(store, tmp_path, sources_csv):
    load(store, tmp_path, 1, [fig(value="100")], sources_csv)
    load(store, tmp_path, 2, [fig(value="100"), fig(value="90", source="src-b")], sources_csv)
    d = diff_vintages(store, 1, 2)
    assert d[["change", "source_id", "value_new"]].values.tolist() == [["new", "src-b", 90 * YI]]
    s = summarise_diff(d)
    assert s.by_source == {"src-b": {"new": 1, "revised": 0, "withdrawn": 0}} and s.total == 1
    assert s.forecasts == {"new": 0, "revised": 0, "withdrawn": 0}


def _fc(period: str, value: float, lo: float, hi: float, vintage: int, ids: list[int]) -> dict:
    return {"indicator": "market_size", "subject": "测试市场", "period": period, "value": value * YI, "unit": "元",
            "lo95": lo * YI, "hi95": hi * YI, "input_ids": ids, "input_vintage": vintage}


def test_the_analysts_own_forecasts_are_diffed_like_any_figure(store, tmp_path, sources_csv):
    load(store, tmp_path, 1, [fig(period="2023", value="90", location="p23"), fig(value="100")], sources_csv)
    write_forecasts(store, 2, [_fc("2025", 110, 100, 120, 1, [1, 2]), _fc("2026", 121, 105, 137, 1, [1, 2])])
    # a rerun on a newer vintage that gives the same numbers: only the bookkeeping (input vintage) moves
    write_forecasts(store, 3, [_fc("2025", 110, 100, 120, 2, [1, 2]), _fc("2026", 121, 105, 137, 2, [1, 2])])
    assert len(diff_vintages(store, 2, 3)) == 0
    write_forecasts(store, 4, [_fc("2025", 99, 90, 108, 3, [1, 2])])  # 2026 no longer forecast: withdrawn
    d = diff_vintages(store, 2, 4)
    assert d[["change", "source_id", "period", "value_old", "value_new", "lo95_old", "lo95_new", "hi95_old",
              "hi95_new", "input_vintage_old", "input_vintage_new"]].values.tolist() == [
        ["revised", FORECAST_SOURCE, "2025", 110 * YI, 99 * YI, 100 * YI, 90 * YI, 120 * YI, 108 * YI, 1, 3],
        ["withdrawn", FORECAST_SOURCE, "2026", 121 * YI, None, 105 * YI, None, 137 * YI, None, 1, None],
    ]
    assert d["pct_change"][0] == pytest.approx(-10.0)
    assert summarise_diff(d).forecasts == {"new": 0, "revised": 1, "withdrawn": 1}
    assert summarise_diff(diff_vintages(store, 1, 4)).forecasts == {"new": 1, "revised": 0, "withdrawn": 0}


def test_bad_points_are_refused_with_a_hint(store, tmp_path, sources_csv):
    load(store, tmp_path, 1, [obs()], sources_csv)
    load(store, tmp_path, 2, [fig(value="110")], sources_csv)
    with pytest.raises(StoreError, match="after --until"):
        diff_vintages(store, 2, 1)
    with pytest.raises(StoreError, match=r"no vintage 7 .*`sectorscope vintages` lists them"):
        diff_vintages(store, "v7")
    with pytest.raises(StoreError, match="neither a vintage"):
        diff_vintages(store, "last week")
    with pytest.raises(StoreError, match="nothing had been loaded"):
        diff_vintages(store, "2024-01-01", "2024-06-30")
    assert diff_vintages(store, "v1")["change"].tolist() == ["revised"]  # until: the latest
