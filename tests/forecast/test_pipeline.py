"""The forecast layer over the store: series read coherently, bounded forecasts that stay in their bounds,
segments that add up exactly, CAGR scenarios, the reports' forecasts against our intervals, and a rerun
that changes nothing."""
from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.audit import audit
from sectorscope.errors import InputError
from sectorscope.forecast import models
from sectorscope.forecast.cagr import history_scenarios, project, stated_scenarios
from sectorscope.forecast.hierarchy import reconcile
from sectorscope.forecast.pipeline import forecast_store, read_forecast_config
from sectorscope.forecast.series import history_series
from sectorscope.forecast.transforms import scale_for
from sectorscope.ingest import default_dataset_dir, load_default
from sectorscope.model.catalog import load_catalog
from sectorscope.model.observation import FORECAST_SOURCE, OBSERVATION_COLUMNS
from sectorscope.store import Store
from sectorscope.store.schema import SCHEMAS

# the columns a read of the store gives (the realtime end, superseded_in, is the store's own)
READ_SCHEMA = ibis.schema({k: v for k, v in SCHEMAS["observations"].items() if k != "superseded_in"})

CATALOG = load_catalog()


@pytest.fixture(scope="module")
def forecasted(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("forecast") / "s.duckdb")
    load_default(store)
    result = forecast_store(store, read_forecast_config(default_dataset_dir()))
    yield store, result
    store.close()


def _figs(rows: list[dict]) -> ibis.Table:
    base = {c: None for c in OBSERVATION_COLUMNS}
    full = []
    for n, r in enumerate(rows, start=1):
        y = r["period"]
        full.append({**base, "obs_id": n, "obs_key": f"k{n}", "vintage_id": 1, "subject": "测试",
                     "region": "中国", "status": "actual", "source_id": "s1", "qualifier": "exact", "withdrawn": False,
                     "indicator": "market_size", "unit": "元", "location": "表1",
                     "period_start": pd.Timestamp(f"{y}-01-01").date(), "period_end": pd.Timestamp(f"{y}-12-31").date(),
                     "value_as_printed": str(r["value"]), **r})
    return ibis.memtable(pd.DataFrame(full, columns=list(OBSERVATION_COLUMNS))).cast(READ_SCHEMA)


# ---- series --------------------------------------------------------------------------------------------
def test_a_year_stated_twice_takes_the_figure_from_the_passage_of_the_other_years():
    figs = _figs([
        {"period": "2023", "value": 100.0, "location": "表1 / 2023"},
        {"period": "2024", "value": 999.0, "location": "摘要"},
        {"period": "2024", "value": 110.0, "location": "表1 / 2024"},
        {"period": "2025", "value": 121.0, "location": "表1 / 2025"},
        {"period": "2026", "value": 150.0, "status": "forecast", "location": "表1 / 2026"},
        {"period": "2022", "value": 90.0, "qualifier": "at_least", "location": "表1 / 2022"},
    ])
    [s] = history_series(figs, CATALOG)
    assert s.years == [2023, 2024, 2025] and s.values == [100.0, 110.0, 121.0]
    assert s.obs_ids == [1, 3, 4] and s.unused_ids == [2]  # the bound (以上) and the forecast are not history


def test_missing_years_are_interpolated_log_linearly_and_named():
    figs = _figs([{"period": "2020", "value": 100.0}, {"period": "2022", "value": 144.0}])
    [s] = history_series(figs, CATALOG)
    years, values, gaps = s.filled()
    assert years == [2020, 2021, 2022] and gaps == [2021] and values[1] == pytest.approx(120.0)


# ---- scales: bounded series stay in their bounds -----------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(0.0, 100.0), min_size=3, max_size=8), h=st.integers(1, 8))
def test_a_share_forecast_and_its_intervals_never_leave_0_to_100(values, h):
    scale = scale_for(np.array(values), 0.0, 100.0)
    assert scale.kind == "logit"
    [fc] = models.forecast([scale.forward(np.array(values))], h)
    for arr in (fc.mean, fc.lo80, fc.hi80, fc.lo95, fc.hi95):
        back = scale.back(arr)
        assert np.all(np.isfinite(back)) and np.all(back >= 0.0) and np.all(back <= 100.0)
    lo95, lo80, mean, hi80, hi95 = (scale.back(a) for a in (fc.lo95, fc.lo80, fc.mean, fc.hi80, fc.hi95))
    assert np.all(lo95 <= lo80 + 1e-9) and np.all(lo80 <= mean + 1e-9) and np.all(mean <= hi80 + 1e-9) and np.all(hi80 <= hi95 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(1e-3, 1e12), min_size=2, max_size=8))
def test_a_size_is_forecast_on_its_level_and_its_interval_is_cut_at_zero(values):
    scale = scale_for(np.array(values), 0.0, None)
    assert scale.kind == "level"
    [fc] = models.forecast([scale.forward(np.array(values))], 5)
    assert np.all(scale.back(fc.lo95) >= 0) and np.all(np.isfinite(scale.back(fc.hi95)))


def test_a_three_point_series_forecasts_through_the_pipeline(tmp_path):
    figs = _figs([{"period": "2023", "value": 486.0e8}, {"period": "2024", "value": 540.0e8},
                  {"period": "2025", "value": 612.0e8}])
    store = Store(tmp_path / "s.duckdb")
    from sectorscope.store import Batch
    rows = figs.execute().drop(columns=["obs_id", "obs_key", "vintage_id"])
    store.write(Batch(observations=rows, sources=pd.DataFrame([{"source_id": "s1", "title": "t", "lang": "zh"}])))
    r = forecast_store(store, save=True)
    [f] = r.forecasts
    assert f.years == list(range(2026, 2031)) and np.all(np.isfinite(f.mean))
    assert np.all(f.lo95 <= f.lo80) and np.all(f.lo80 <= f.mean) and np.all(f.mean <= f.hi80) and np.all(f.hi80 <= f.hi95)
    assert f.mean[0] > 0 and f.lo95[0] >= 0
    names = sorted({c.name for c, _ in f.scenarios})
    assert names == ["低", "基准", "高"]
    store.close()


# ---- hierarchy: segments add up exactly -----------------------------------------------------------------
@settings(max_examples=50, deadline=None)
@given(parts=st.lists(st.lists(st.floats(1.0, 1e11), min_size=3, max_size=3), min_size=1, max_size=5),
       total_bias=st.floats(0.5, 2.0))
def test_reconciled_parts_add_up_to_the_total_exactly(parts, total_bias):
    p = np.array(parts)
    total = p.sum(axis=0) * total_bias  # an incoherent base forecast of the total
    means = np.vstack([total, p])
    rec, (lo, hi) = reconcile(means, [means * 0.8, means * 1.2])
    assert np.array_equal(rec[0], rec[1:].sum(axis=0))  # exactly: the total is the sum of the parts
    assert np.all(rec >= 0)
    assert np.all(lo <= rec + 1e-6 * np.abs(rec)) and np.all(rec <= hi + 1e-6 * np.abs(rec))


def test_reconciliation_moves_an_incoherent_total_toward_its_parts():
    rec, _ = reconcile(np.array([[12.0], [6.0], [3.0]]))
    assert rec[0, 0] == rec[1, 0] + rec[2, 0]
    assert 9.0 < rec[0, 0] < 12.0


# ---- CAGR scenarios -------------------------------------------------------------------------------------
def test_history_scenarios_are_the_cagr_and_its_spread():
    sc = {s.name: s.rate for s in history_scenarios([2021, 2022, 2023], [100.0, 110.0, 121.0])}
    assert sc["基准"] == pytest.approx(0.10) and sc["低"] == pytest.approx(0.10) and sc["高"] == pytest.approx(0.10)
    two = {s.name: s.rate for s in history_scenarios([2023, 2025], [486.0, 612.0])}
    base = (612 / 486) ** 0.5 - 1
    assert two["基准"] == pytest.approx(base) and two["低"] == pytest.approx(base / 2) and two["高"] == pytest.approx(1.5 * base)
    assert history_scenarios([2025], [1.0]) == []


def test_stated_scenarios_and_projection():
    sc = {s.name: s.rate for s in stated_scenarios([12.8, 13.1, 13.0, 12.6], "x", "x")}
    assert sc["低"] == pytest.approx(0.126) and sc["高"] == pytest.approx(0.131)
    assert sc["低"] < sc["基准"] < sc["高"]
    assert project(2025, 100.0, 0.1, [2026, 2027]) == pytest.approx([110.0, 121.0])
    assert project(2025, 90.0, 0.5, [2026], upper=100.0) == pytest.approx([100.0])


# ---- the default dataset ----------------------------------------------------------------------------------
def test_default_dataset_forecasts_are_stored_with_intervals_method_and_lineage(forecasted):
    store, _ = forecasted
    t = store.observations()
    ours = t.filter(t.source_id == FORECAST_SOURCE).execute()
    model = ours[ours["scenario"].isna()]
    assert len(model) >= 50 and (model["status"] == "forecast").all()
    assert model[["lo80", "hi80", "lo95", "hi95"]].notna().all().all()
    assert (model["lo95"] <= model["lo80"]).all() and (model["lo80"] <= model["value"]).all()
    assert (model["value"] <= model["hi80"]).all() and (model["hi80"] <= model["hi95"]).all()
    assert model["method"].str.len().min() > 10 and (model["input_vintage"] == 1).all()
    assert all(len(ids) >= 2 for ids in model["input_ids"])
    scen = ours[ours["scenario"].notna()]
    assert set(scen["scenario"]) >= {"CAGR-低", "CAGR-基准", "CAGR-高", "报告CAGR-基准"}
    assert scen["formula"].str.contains(r"\(1 \+").all()
    # what a row is, is its kind: a model forecast has intervals, a CAGR scenario is a projection without one
    assert (model["kind"] == "model_forecast").all() and (scen["kind"] == "scenario_projection").all()
    assert set(t.filter(t.source_id != FORECAST_SOURCE).kind.execute()) == {"stated"}


def test_imaging_market_segments_add_up_and_are_bounded_below_by_zero(forecasted):
    _, r = forecasted
    seg = {f.segment.split(": ")[1]: f for f in r.forecasts if f.segment.startswith("成像仪市场")}
    assert set(seg) == {"total", "part", "other"}
    np.testing.assert_array_equal(seg["total"].mean, seg["part"].mean + seg["other"].mean)
    assert seg["total"].series.values == [486e8, 612e8]  # the paragraph's own pair, not the table's 185.6
    assert seg["other"].series.values == pytest.approx([354e8, 427e8])
    assert all(np.all(f.lo95 >= 0) for f in seg.values())


def test_shares_stay_within_their_bounds(forecasted):
    _, r = forecasted
    shares = [f for f in r.forecasts if f.mean is not None and f.scale.kind == "logit"]
    assert len(shares) >= 8
    for f in shares:
        assert np.all(f.lo95 >= f.series.lower) and np.all(f.hi95 <= f.series.upper)


def test_reports_forecasts_outside_our_interval_become_audit_findings(forecasted):
    store, r = forecasted
    c = r.comparisons.set_index(["obs_id"])
    table = c[c["location"].str.startswith("表:市场规模")]
    # 004's table (185.6 亿元 in 2025 rising to 301.2) is a different scope from its own text (612 亿元 in 2025):
    # all four lie below our 80 % interval; with a history of two observed years the 95 % interval is wide, and
    # only the first year falls outside it
    assert len(table) == 4 and not table["inside80"].any()
    assert list(table.sort_values("period")["inside95"]) == [False, True, True, True]
    assert (table["value"] < table["lo80"]).all()
    text2030 = c[(c["period"] == "2030") & (c["value_as_printed"] == "1050")]
    assert len(text2030) == 1 and bool(text2030["inside95"].iloc[0])
    res = audit(store)
    misses = [f for f in res.findings if f.rule == "forecast_interval"]
    assert {f.figures[0].obs_id for f in misses} == set(c.index[~c["inside95"]])
    assert all(f.figures[1].source_id == FORECAST_SOURCE for f in misses)
    # our forecasts are not compared as stated figures: no conflict names one
    assert not any(FORECAST_SOURCE in {g.source_id for g in f.figures} for f in res.findings if f.rule != "forecast_interval")


def test_a_rerun_on_the_same_vintage_adds_nothing(forecasted):
    store, first = forecasted
    again = forecast_store(store, read_forecast_config(default_dataset_dir()), as_of=first.vintage_id)
    w = again.written
    assert w.n_new == 0 and w.n_revised == 0 and w.n_withdrawn == 0 and w.n_unchanged == len(first.rows)


def test_short_series_are_named_not_dropped(forecasted):
    _, r = forecasted
    assert r.skipped and all(zh and en for _, zh, en in r.skipped)
    assert any("1 observed year" in en for _, _, en in r.skipped)


@pytest.mark.parametrize("text, message", [
    ("horizon_end: soon\n", "horizon_end"),
    ("min_points: 1\n", "min_points"),
    ("hierarchies:\n  - name: x\n    source_id: s\n    indicator: market_size\n    total: {subject: a}\n", "parts"),
    ("colour: red\n", "unknown key"),
    ("[1, 2\n", "not a valid YAML"),
])
def test_a_bad_forecast_yaml_names_the_file_and_the_field(tmp_path, text, message):
    path = tmp_path / "forecast.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_forecast_config(path)
    assert str(path) in str(e.value) and message in str(e.value)
