"""Alert rules on crafted vintages: each kind fires when its condition is met and not otherwise, at the
boundary too; forecasts missed against hand-made and pipeline forecasts; revisions larger than x %."""
from __future__ import annotations

import json
import shutil

import ibis
import pandas as pd
import pytest
import yaml

from sectorscope.analytics.derived import DERIVED_SOURCE
from sectorscope.forecast.pipeline import ForecastConfig, forecast_store
from sectorscope.ingest import load_paths
from sectorscope.model.observation import FORECAST_SOURCE, parse_period
from sectorscope.monitor.alert_rules import parse_alert_rules
from sectorscope.monitor.alerts import alerts_history, evaluate_alerts, previous_vintage
from sectorscope.monitor.output import alerts_to_frame, write_alerts_json
from sectorscope.store import Batch, Store

from ..conftest import write_csv
from .conftest import HEADER, at, fig, load, write_forecasts

YI = 1e8


def rules(*entries: dict):
    return parse_alert_rules(yaml.safe_dump({"rules": list(entries)}, allow_unicode=True), "test-alerts.yaml")


def rule(kind: str = "threshold", id: str = "r", **kw) -> dict:
    base = {"id": id, "kind": kind, "severity": "warning", "message_zh": "{dims}:{period} {printed}",
            "message_en": "{dims}: {printed} in {period}"}
    return {**base, **kw}


def util(**kw) -> dict:
    return rule(**{"indicator": "capacity_utilisation", "operator": "<", "value": 70, **kw})


def fired(store, *entries, as_of=None, **kw) -> list[str]:
    """The products (or subjects) of the figures that fire, sorted."""
    return sorted(a.dims.get("product") or a.dims["subject"] for a in evaluate_alerts(store, rules(*entries), as_of, **kw))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "s.duckdb")
    yield s
    s.close()


# ---- threshold -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def utilisation(folder):
    store = Store(folder / "utilisation.duckdb")

    def u(product: str, value: str, **kw) -> dict:
        return fig(indicator="capacity_utilisation", unit="%", period="2025", product=product, value=value, **kw)

    load(store, folder, 1, [
        u("P1", "69.9"), u("P2", "70"), u("P3", "70.1"),
        u("P4", "65", qualifier="at_least"), u("P5", "68", qualifier="at_most"),
        u("P6", "60", value_high="75", qualifier="range"), u("P7", "69", qualifier="about"),
        u("P8", "50", status="forecast"), u("P9", "40", status="target"), u("P10", "50", scenario="高"),
        u("P11", "60", source="src-b"),
        # for the abs operators and the units
        *[fig(indicator="price_change", unit="%", period="2025", product=p, value=v)
          for p, v in [("A", "-12"), ("B", "12"), ("C", "10"), ("D", "-10"), ("E", "5")]],
        fig(product="A", value="149.9"), fig(product="B", value="150"), fig(product="C", value="1.2", unit="万亿元"),
    ], folder / "sources.csv")
    yield store
    store.close()


def test_a_threshold_fires_below_the_line_not_on_it(utilisation):
    assert fired(utilisation, util()) == ["P1", "P11", "P5", "P7"]
    assert fired(utilisation, util(operator="<=")) == ["P1", "P11", "P2", "P5", "P7"]
    assert fired(utilisation, util(operator=">=")) == ["P2", "P3"]
    assert fired(utilisation, util(operator=">")) == ["P3"]  # 以上65 could be 60: not certainly above 70


def test_bounds_count_whole_or_in_part(utilisation):
    # 以上65% and 60–75% may be below 70 %; certain only when all of the interval is
    assert fired(utilisation, util(basis="possible")) == ["P1", "P11", "P4", "P5", "P6", "P7"]


def test_forecasts_targets_and_scenarios_only_when_asked(utilisation):
    assert fired(utilisation, util(statuses=["forecast"])) == ["P8"]
    assert fired(utilisation, util(statuses=["target", "forecast"])) == ["P8", "P9"]
    assert fired(utilisation, util(include_scenarios=True)) == ["P1", "P10", "P11", "P5", "P7"]
    assert fired(utilisation, util(where={"scenario": "高"})) == ["P10"]


def test_filters_on_dimensions_and_sources(utilisation):
    assert fired(utilisation, util(where={"product": ["P1", "P2", "P3"]})) == ["P1"]
    assert fired(utilisation, util(sources=["src-a"])) == ["P1", "P5", "P7"]
    assert fired(utilisation, util(exclude_sources=["src-a"])) == ["P11"]
    assert fired(utilisation, util(where={"subject": "别的市场"})) == []


def test_the_alert_carries_the_figure_and_its_words(utilisation):
    [a] = evaluate_alerts(utilisation, rules(util(
        id="low", where={"product": "P1"}, severity="critical",
        message_zh="{dims}:{period} {indicator_zh}{printed},低于{threshold:g}{threshold_unit}",
        message_en="{dims}: {indicator_en} {printed} in {period}, below {threshold:g} {threshold_unit}")))
    assert (a.rule_id, a.kind, a.severity, a.vintage_id, a.figure_vintage) == ("low", "threshold", "critical", 1, 1)
    assert (a.indicator, a.period, a.value, a.unit, a.printed, a.threshold, a.operator) == (
        "capacity_utilisation", "2025", 69.9, "%", "69.9%", 70.0, "<")
    assert a.dims == {"subject": "测试市场", "region": "中国", "product": "P1"}
    assert (a.source_id, a.location, a.quote) == ("src-a", "p1", "2025年capacity_utilisation为69.9%")
    assert a.message_zh == "测试市场 / P1:2025 产能利用率69.9%,低于70%"
    assert a.message_en == "测试市场 / P1: Capacity utilisation 69.9% in 2025, below 70 %"
    row = utilisation.query(indicator="capacity_utilisation", product="P1").execute()
    assert a.obs_id == int(row["obs_id"].iloc[0]) and a.obs_key == row["obs_key"].iloc[0]


def test_abs_operators_on_both_sides(utilisation):
    pc = {"indicator": "price_change", "value": 10}  # −12, 12, 10, −10, 5
    assert fired(utilisation, rule(operator="abs>", **pc)) == ["A", "B"]
    assert fired(utilisation, rule(operator="abs>=", **pc)) == ["A", "B", "C", "D"]


def test_a_threshold_in_a_printed_unit_is_compared_in_the_canonical_one(utilisation):
    [r] = rules(rule(indicator="market_size", operator="<", value=150, unit="亿元"))
    assert r.value == 150 * YI and r.threshold_as_written == 150
    # 149.9亿元, 150亿元, 1.2万亿元
    assert fired(utilisation, rule(indicator="market_size", operator="<", value=150, unit="亿元")) == ["A"]
    assert fired(utilisation, rule(indicator="market_size", operator=">", value=1, unit="万亿元")) == ["C"]


def _derived(value: float, lo: float, hi: float, product: str, inputs: list[int], vid: int) -> dict:
    p = parse_period("2025")
    return {"indicator": "capacity_utilisation", "subject": "测试市场", "region": "中国", "product": product,
            "period": "2025", "period_start": p.start, "period_end": p.end, "value": value, "qualifier": "exact",
            "unit": "%", "value_as_printed": f"{value:g}", "unit_as_printed": "%", "status": "derived",
            "source_id": DERIVED_SOURCE, "kind": "derived", "location": "派生:output_over_capacity",
            "formula": "output / capacity",
            "input_ids": inputs, "bound_low": lo, "bound_high": hi, "input_vintage": vid, "withdrawn": False}


def test_derived_figures_use_their_interval_and_skip_those_computed_from_forecasts(store, tmp_path, sources_csv):
    load(store, tmp_path, 1, [fig(indicator="output", unit="万台", product=p, period="2025", value="60", status=s,
                                  location=f"{p}产量") for p, s in [("A", "actual"), ("B", "forecast")]] +
         [fig(indicator="capacity", unit="万台", product=p, period="2025", value="100", status=s, location=f"{p}产能")
          for p, s in [("A", "actual"), ("B", "forecast")]], sources_csv)
    ids = store.observations(1).select("product", "status", "obs_id").execute()
    a_ids = sorted(int(i) for i in ids[ids["product"] == "A"]["obs_id"])
    b_ids = sorted(int(i) for i in ids[ids["product"] == "B"]["obs_id"])
    rows = [_derived(60.0, 59.9, 60.1, "A", a_ids, 1), _derived(60.0, 59.9, 60.1, "B", b_ids, 1),
            _derived(69.95, 69.9, 70.05, "C", a_ids, 1)]  # C's interval reaches 70: not certainly below
    store.write(Batch(observations=pd.DataFrame(rows)), loaded_at=at(2))
    assert fired(store, util()) == ["A"]
    assert fired(store, util(basis="possible")) == ["A", "C"]
    assert fired(store, util(statuses=["derived", "forecast"])) == ["A", "B"]


def test_a_threshold_alert_lasts_while_the_figure_does_and_history_says_when_it_began(store, tmp_path, sources_csv):
    for n, v in enumerate(["75", "65", "72", "60"], start=1):
        load(store, tmp_path, n, [fig(indicator="capacity_utilisation", unit="%", period="2025", value=v)], sources_csv)
    rs = rules(util())
    assert [len(evaluate_alerts(store, rs, n)) for n in (1, 2, 3, 4)] == [0, 1, 0, 1]
    h = alerts_history(store, rs)  # the figure key fired in v2 and again in v4: one alert, first seen in v2
    assert h[["first_vintage", "last_vintage", "active", "rule_id", "value", "vintage_id"]].values.tolist() == [
        [2, 4, True, "r", 60.0, 4]]


# ---- forecast_miss ---------------------------------------------------------------------------------------------
def _fc(product: str, period: str, value: float, lo95: float, hi95: float, ids: list[int], vid: int = 1,
        lo80: float | None = None, hi80: float | None = None) -> dict:
    return {"indicator": "market_size", "subject": "测试市场", "product": product, "period": period,
            "value": value * YI, "unit": "元", "lo95": lo95 * YI, "hi95": hi95 * YI,
            "lo80": (lo80 or lo95) * YI, "hi80": (hi80 or hi95) * YI, "input_ids": ids, "input_vintage": vid}


PRODUCTS = ["甲", "乙", "丙", "丁", "戊", "己"]


@pytest.fixture(scope="module")
def forecast_then_actuals(folder):
    """v1: each product's history 2022–2024 (src-a); v2: our forecasts of 2025, 95 % [100, 120] 亿元,
    80 % [105, 115]; v3: the 2025 figures."""
    store, sources_csv, tmp_path = Store(folder / "forecasts.duckdb"), folder / "sources.csv", folder
    load(store, tmp_path, 1, [fig(product=p, period=str(y), value=str(80 + 10 * (y - 2022)), location=f"表1 / {y}")
                              for p in PRODUCTS for y in (2022, 2023, 2024)], sources_csv)
    ids = store.observations(1).select("product", "obs_id").execute()
    write_forecasts(store, 2, [_fc(p, "2025", 110, 100, 120, sorted(int(i) for i in ids[ids["product"] == p]["obs_id"]),
                                   lo80=105, hi80=115) for p in PRODUCTS])
    load(store, tmp_path, 3, [
        fig(product="甲", period="2025", value="125", location="表1 / 2025"),  # above 120: missed
        fig(product="乙", period="2025", value="120", location="表1 / 2025"),  # on the edge: inside
        fig(product="丙", period="2025", value="117", location="表1 / 2025"),  # inside 95 %, outside 80 %
        fig(product="丁", period="2025", value="95", status="estimate", location="表1 / 2025"),  # below 100
        fig(product="戊", period="2025", value="90", qualifier="at_least", location="表1 / 2025"),  # may be inside
        fig(product="己", period="2025", value="300", status="forecast", location="表1 / 2025"),  # a forecast
        fig(product="甲", period="2025", value="200", source="src-b", location="B表 / 2025"),  # another source
    ], sources_csv)
    yield store
    store.close()


def test_a_new_figure_outside_the_forecasts_interval_fires(forecast_then_actuals):
    s = forecast_then_actuals
    miss = rule("forecast_miss", id="miss")
    assert fired(s, miss, as_of=2) == []  # nothing new yet
    assert fired(s, miss, as_of=3) == ["丁", "甲"]
    assert fired(s, {**miss, "interval": 80}, as_of=3) == ["丁", "丙", "乙", "甲"]  # 80 %: [105, 115]
    # another source's figure is another series; unless asked, it does not test our forecast of src-a's
    assert fired(s, {**miss, "same_source": False}, as_of=3) == ["丁", "甲", "甲"]
    assert fired(s, {**miss, "indicator": "capacity_utilisation"}, as_of=3) == []


def test_a_forecast_miss_names_both_figures(forecast_then_actuals):
    s = forecast_then_actuals
    [a] = evaluate_alerts(s, rules(rule(
        "forecast_miss", id="miss", where={"product": "甲"},
        message_zh="{dims}:{period} {printed},在预测(v{forecast_vintage},基于v{input_vintage}){level}%区间"
                   "{lo_printed}–{hi_printed}之外,预测值{forecast_printed}")), 3)
    fc = s.query(2, source_id=FORECAST_SOURCE, product="甲").execute()
    actual = s.query(3, source_id="src-a", product="甲", period="2025").execute()
    assert (a.obs_id, a.forecast_obs_id) == (int(actual["obs_id"].iloc[0]), int(fc["obs_id"].iloc[0]))
    assert (a.value, a.interval, a.interval_level, a.forecast_value) == (125 * YI, (100 * YI, 120 * YI), 95, 110 * YI)
    assert (a.forecast_vintage, a.input_vintage, a.figure_vintage, a.vintage_id) == (2, 1, 3, 3)
    assert a.message_zh == "测试市场 / 甲:2025 125亿元,在预测(v2,基于v1)95%区间100亿元–120亿元之外,预测值110亿元"


def test_the_last_forecast_before_the_figure_counts_even_once_withdrawn(forecast_then_actuals, folder, tmp_path):
    forecast_then_actuals.close()
    shutil.copyfile(forecast_then_actuals.path, tmp_path / "s.duckdb")  # the module's store stays as it is
    s = Store(tmp_path / "s.duckdb")
    # v4: a rerun no longer forecasts most of 2025 (it is history now); what it forecasts of 2025 it made
    # from v3, which held the 2025 figures
    write_forecasts(s, 4, [_fc("己", "2025", 300, 290, 310, [1], vid=3), _fc("乙", "2025", 150, 90, 200, [1], vid=3)])
    assert fired(s, rule("forecast_miss"), as_of=4) == ["丁", "甲"]
    # v5: 甲's figure is revised into the interval, 乙's out of it: a revision is still judged against the
    # forecast made before the figure was first stated (v2's [100, 120]), not against v4's
    load(s, folder, 5, [fig(product="甲", period="2025", value="118", location="表1 / 2025"),
                        fig(product="乙", period="2025", value="95", location="表1 / 2025")], folder / "sources.csv")
    assert fired(s, rule("forecast_miss"), as_of=5) == ["丁", "乙"]
    h = alerts_history(s, rules(rule("forecast_miss")))
    assert sorted(zip(h["product"], h["first_vintage"], h["last_vintage"], h["active"], strict=True)) == [
        ("丁", 3, 5, True), ("乙", 5, 5, True), ("甲", 3, 4, False)]
    s.close()


def test_a_forecast_made_after_the_figure_arrived_is_not_missed(store, tmp_path, sources_csv):
    load(store, tmp_path, 1, [fig(product="甲", period="2025", value="500")], sources_csv)
    write_forecasts(store, 2, [_fc("甲", "2025", 110, 100, 120, [1], vid=1)])  # it saw the figure (v1)
    assert fired(store, rule("forecast_miss")) == []


def test_a_forecast_miss_against_the_forecast_pipeline(store, tmp_path, sources_csv):
    history = {2019: 100.0, 2020: 110.0, 2021: 121.0, 2022: 133.1, 2023: 146.41, 2024: 161.05}
    load(store, tmp_path, 1, [fig(period=str(y), value=f"{v:g}", location=f"表1 / {y}") for y, v in history.items()],
         sources_csv)
    result = forecast_store(store, ForecastConfig(horizon_end=2026))
    assert result.written.vintage_id == 2
    fc = store.query(2, source_id=FORECAST_SOURCE, period="2025").execute()
    fc = fc[fc["location"] == "预测:模型"].iloc[0]
    assert fc["lo95"] < 177.2 * YI < fc["hi95"]  # the trend's next value is inside
    # the forecast was written now, so the next load is too
    write_csv(tmp_path / "v3.csv", [fig(period="2025", value="177.2", location="表1 / 2025"),
                                    fig(period="2025", value="400", location="摘要")], HEADER)
    load_paths(store, [tmp_path / "v3.csv"], sources=sources_csv)
    [a] = evaluate_alerts(store, rules(rule("forecast_miss")))
    assert (a.location, a.value, a.forecast_obs_id, a.input_vintage) == ("摘要", 400 * YI, int(fc["obs_id"]), 1)
    assert a.interval == (fc["lo95"], fc["hi95"])


# ---- revision --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def revised(folder):
    store = Store(folder / "revised.duckdb")
    v1 = {"甲": "100", "乙": "100", "丙": "100", "丁": "0", "戊": "100"}
    v2 = {"甲": "111", "乙": "110", "丙": "95", "丁": "5", "戊": "80"}
    for n, values in ((1, v1), (2, v2), (3, v2)):
        load(store, folder, n, [fig(product=p, value=v, source="src-b" if p == "戊" else "src-a")
                                for p, v in values.items()], folder / "sources.csv")
    yield store
    store.close()


def test_a_revision_larger_than_x_percent_fires_in_the_vintage_that_made_it(revised):
    rev = rule("revision", percent=10)
    assert fired(revised, rev, as_of=1) == []
    assert fired(revised, rev, as_of=2) == ["丁", "戊", "甲"]  # +11 %, from zero, −20 %; exactly +10 % does not
    assert fired(revised, rev, as_of=3) == []  # v3 restated v2
    assert fired(revised, rev, as_of=3, since=1) == ["丁", "戊", "甲"]
    assert fired(revised, {**rev, "since": "v1"}, as_of=3) == ["丁", "戊", "甲"]
    assert fired(revised, {**rev, "sources": ["src-a"]}, as_of=2) == ["丁", "甲"]
    assert fired(revised, {**rev, "statuses": ["estimate"]}, as_of=2) == []
    assert fired(revised, {**rev, "percent": 4}, as_of=2) == ["丁", "丙", "乙", "戊", "甲"]


def test_a_revision_alert_shows_old_and_new(revised):
    alerts = evaluate_alerts(revised, rules(rule(
        "revision", percent=10, where={"product": ["甲", "丁"]},
        message_zh="{dims}:{period} 由{old_printed}修订为{printed}({pct_change:+.1f}%,自v{since})")), 2)
    by = {a.dims["product"]: a for a in alerts}
    old = revised.query(1, product="甲").execute()
    assert (by["甲"].old_obs_id, by["甲"].old_value, by["甲"].value, by["甲"].pct_change, by["甲"].since_vintage) == (
        int(old["obs_id"].iloc[0]), 100 * YI, 111 * YI, 11.0, 1)
    assert by["甲"].message_zh == "测试市场 / 甲:2024 由100亿元修订为111亿元(+11.0%,自v1)"
    assert by["丁"].pct_change is None and by["丁"].message_zh.endswith("(+inf%,自v1)")
    history = alerts_history(revised, rules(rule("revision", percent=10)))
    assert sorted(zip(history["first_vintage"], history["active"], strict=True)) == [(2, False)] * 3


def test_a_loads_revisions_are_still_seen_on_the_forecast_vintage_after_it(store, tmp_path, sources_csv):
    load(store, tmp_path, 1, [fig(product="甲", value="100")], sources_csv)
    write_forecasts(store, 2, [_fc("甲", "2025", 110, 100, 120, [1])])
    load(store, tmp_path, 3, [fig(product="甲", value="120")], sources_csv)  # +20 %
    write_forecasts(store, 4, [_fc("甲", "2025", 165, 150, 180, [2], vid=3)])  # the rerun: +50 %
    rs = rules(rule("revision", id="figure", percent=10, exclude_sources=[FORECAST_SOURCE]),
               rule("revision", id="forecast", percent=10, sources=[FORECAST_SOURCE]))
    assert previous_vintage(store, 4) == previous_vintage(store, 3) == 2 and previous_vintage(store, 2) is None
    at3, at4 = evaluate_alerts(store, rs, 3), evaluate_alerts(store, rs, 4)
    assert [(a.rule_id, a.pct_change, a.since_vintage) for a in at3] == [("figure", 20.0, 2)]
    assert [(a.rule_id, a.pct_change, a.since_vintage) for a in at4] == [("figure", 20.0, 2), ("forecast", 50.0, 2)]
    h = alerts_history(store, rs)
    assert h[["rule_id", "first_vintage", "last_vintage", "active"]].values.tolist() == [
        ["figure", 3, 4, True], ["forecast", 4, 4, True]]


# ---- output ----------------------------------------------------------------------------------------------------
def test_alerts_json_is_stable_and_readable(utilisation, tmp_path):
    rs = rules(util(id="low"), util(id="high", operator=">", value=70, severity="info"))
    alerts = evaluate_alerts(utilisation, rs)
    p1 = write_alerts_json(alerts, tmp_path / "a" / "alerts.json", vintage_id=1, rules_file="test-alerts.yaml")
    p2 = write_alerts_json(evaluate_alerts(utilisation, rs), tmp_path / "b.json", vintage_id=1, rules_file="test-alerts.yaml")
    assert p1.read_bytes() == p2.read_bytes()
    doc = json.loads(p1.read_text(encoding="utf-8"))
    assert list(doc) == ["vintage", "rules_file", "counts", "alerts"]
    assert doc["counts"] == {"total": 5, "by_severity": {"critical": 0, "warning": 4, "info": 1},
                             "by_rule": {"high": 1, "low": 4}}
    assert [(a["rule_id"], a["source_id"], a["dims"]["product"]) for a in doc["alerts"]] == [
        ("low", "src-a", "P1"), ("low", "src-a", "P5"), ("low", "src-a", "P7"), ("low", "src-b", "P11"),
        ("high", "src-a", "P3")]
    assert "测试市场" in p1.read_text(encoding="utf-8")  # not \u escapes
    stamped = write_alerts_json(alerts, tmp_path / "c.json", vintage_id=1, rules_file="x", generated_at="2025-01-02T00:00:00")
    assert json.loads(stamped.read_text(encoding="utf-8"))["generated_at"] == "2025-01-02T00:00:00"
    frame = alerts_to_frame(alerts)
    assert list(frame["product"]) == ["P1", "P5", "P7", "P11", "P3"] and frame["lo"].isna().all()


def test_record_batches_and_figures_derived_from_them_are_not_loads(tmp_path):
    """The main job writes: the figures' load, a record batch, the figures derived from records, the analysis.
    "Before the latest load" is before the figures' load: the record batch changes no figure and the derived
    figures are computed, like the analysis."""
    from sectorscope.records import DERIVE_LABEL
    from sectorscope.store import RECORD_LABEL_PREFIX

    class Labelled:
        def __init__(self, labels):
            self.labels = labels

        def vintages(self):
            return ibis.memtable(pd.DataFrame({"vintage_id": range(1, len(self.labels) + 1), "label": self.labels}))

    first = ["default dataset", f"{RECORD_LABEL_PREFIX}lines.csv", DERIVE_LABEL, "analyse", "forecast"]
    assert [previous_vintage(Labelled(first), v) for v in range(1, 6)] == [None] * 5
    rerun = Labelled([*first, "default dataset", DERIVE_LABEL, "analyse"])
    assert [previous_vintage(rerun, v) for v in (6, 7, 8)] == [5, 5, 5]
