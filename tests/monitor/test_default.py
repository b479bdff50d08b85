"""The default dataset under its alert rules, as `sectorscope run` leaves the store (v1 loaded, its record set
and the figures derived from it, analysed, forecast), and a later vintage of it: a revised figure and a new estimate outside our forecast."""
from __future__ import annotations

import json
import shutil

import pytest

from sectorscope.ingest import default_dataset_dir, load_paths
from sectorscope.model.observation import FORECAST_SOURCE
from sectorscope.monitor import diff_vintages, summarise_diff
from sectorscope.monitor.alerts import alerts_history, dims_label, evaluate_alerts, read_alert_rules
from sectorscope.monitor.output import diff_frame, rules_to_frame, write_alerts_json
from sectorscope.store import Store

from ..conftest import job_vintages, write_csv
from .conftest import HEADER, fig

RULES = read_alert_rules(default_dataset_dir() / "alerts.yaml")
T = "表:1.1节 产品类别供需指标表 / "
SEEDED = [  # (rule, obs_id, dimensions, period, as printed, location): figures of the default dataset's files
    ("utilisation_low", 1, "缩微机械", "2025", "68.3%", "摘要"),
    ("utilisation_low", 22, "缩微机械", "2025Q1", "68.3%", "1.1 第1段"),
    ("utilisation_low", 60, "缩微机械 / MEMS执行器(半导体封装用)", "2025Q1", "48.9%", T + "MEMS执行器(半导体封装用) / 2025年Q1产能利用率(%)"),
    ("utilisation_low", 68, "缩微机械 / 微型振动马达(可穿戴设备用)", "2025Q1", "61.7%", T + "微型振动马达(可穿戴设备用) / 2025年Q1产能利用率(%)"),
    ("utilisation_low", 64, "缩微机械 / 生物医疗微型泵阀", "2025Q1", "45.6%", T + "生物医疗微型泵阀 / 2025年Q1产能利用率(%)"),
    ("utilisation_low", 56, "缩微机械 / 高精度微型传感器", "2025Q1", "52.4%", T + "高精度微型传感器 / 2025年Q1产能利用率(%)"),
    ("import_dependence_high", 3, "缩微机械 / 高端", "2025", "57.2%", "摘要"),
    ("import_dependence_high", 24, "缩微机械 / 高端", "2025Q1", "57.2%", "1.1 第1段"),
    ("import_dependence_high", 61, "缩微机械 / MEMS执行器(半导体封装用)", "2025Q1", "71.3%", T + "MEMS执行器(半导体封装用) / 2025年Q1进口依存度(%)"),
    ("import_dependence_high", 121, "缩微机械 / 单晶铌酸锂薄膜", "2025", "78.4%", "2.1 第2段"),
    ("import_dependence_high", 69, "缩微机械 / 微型振动马达(可穿戴设备用)", "2025Q1", "52.1%", T + "微型振动马达(可穿戴设备用) / 2025年Q1进口依存度(%)"),
    ("import_dependence_high", 65, "缩微机械 / 生物医疗微型泵阀", "2025Q1", "68.9%", T + "生物医疗微型泵阀 / 2025年Q1进口依存度(%)"),
    ("import_dependence_high", 7, "缩微机械 / 缩微器件测试设备", "2025", "89.2%", "摘要"),
    ("import_dependence_high", 88, "缩微机械 / 缩微器件测试设备", "2025", "89.2%", "1.2 第4段"),
    ("import_dependence_high", 4, "缩微机械 / 高端EDA工具", "2025", "92.4%", "摘要"),
    ("import_dependence_high", 157, "缩微机械 / 高端医疗微系统核心器件 / 医疗", "2025", "≥70%", "2.3 第2段"),
    ("import_dependence_high", 83, "缩微机械 / 高端微执行器用PZT陶瓷片", "2025", "63.8%", "1.2 第2段"),
    ("import_dependence_high", 57, "缩微机械 / 高精度微型传感器", "2025Q1", "63.7%", T + "高精度微型传感器 / 2025年Q1进口依存度(%)"),
    ("import_dependence_high", 209, "缩微机械 / 高纯硅片、特种光刻胶、压电薄膜前驱体", "2025", "≥70%", "3.3 第1段"),
    ("import_dependence_high", 12, "缩微机械 / 高纯铌酸锂、钽酸锂", "2025", "≥78%", "摘要"),
    ("import_dependence_high", 481, "成像仪 / 高端", "2025", "约52%", "表:SWOT分析(三.2 中游制造与品牌竞争态势) / 劣势(Weaknesses) / 相关数据(2025年预估)"),
    ("import_dependence_high", 553, "成像仪 / 特种光学玻璃及非球面镜片", "2025", "≥70%", "一.2 供应链瓶颈、高端产品依赖进口及价格竞争压力 段1"),
]
DERIVED = [  # the analysis's figures (their ids depend on the order the analysis writes them in)
    ("inventory_above_band", "缩微机械 / 低端", "2025", "33天", "派生:healthy_band"),
    ("inventory_above_band", "缩微机械 / 通用型微型电机", "2025", "33天", "派生:healthy_band"),
    ("supply_demand_imbalance", "缩微机械 / 低端", "2025", "-0.7725", "派生:supply_demand_index / 档位均值"),
    ("supply_demand_imbalance", "缩微机械 / 高端", "2025", "0.3417", "派生:supply_demand_index / 档位均值"),
    ("supply_demand_imbalance", "缩微机械 / MEMS执行器(半导体封装用) / 高端", "2025", "0.4351", "派生:supply_demand_index"),
    ("supply_demand_imbalance", "缩微机械 / 生物医疗微型泵阀 / 高端", "2025", "0.2732", "派生:supply_demand_index"),
    ("supply_demand_imbalance", "缩微机械 / 通用型微型电机 / 低端", "2025", "-0.7725", "派生:supply_demand_index"),
    ("supply_demand_imbalance", "缩微机械 / 高精度微型传感器 / 高端", "2025", "0.3169", "派生:supply_demand_index"),
]


@pytest.fixture(scope="module")
def alerts(default_store):
    return evaluate_alerts(default_store, RULES)


def test_the_default_datasets_alerts(alerts, default_store):
    steps = job_vintages(default_store)
    assert default_store.latest_vintage() == steps["forecast"]
    assert [(a.rule_id, a.obs_id, dims_label(a.dims), a.period, a.printed, a.location) for a in alerts[:22]] == SEEDED
    assert [(a.rule_id, dims_label(a.dims), a.period, a.printed, a.location) for a in alerts[22:]] == DERIVED
    assert all(a.severity == "warning" and a.vintage_id == steps["forecast"] for a in alerts)
    # every alert's id is the figure it names; the derived ones are the analysis vintage's
    ids = default_store.observations().select("obs_id", "location", "source_id", "vintage_id").execute().set_index("obs_id")
    for a in alerts:
        assert (ids.loc[a.obs_id, "location"], ids.loc[a.obs_id, "source_id"]) == (a.location, a.source_id)
    assert {a.figure_vintage for a in alerts[22:]} == {steps["analyse"]}
    assert {a.source_id for a in alerts[22:]} == {"sectorscope"}


def test_the_default_messages_read(alerts):
    by = {(a.rule_id, a.obs_id): a for a in alerts}
    assert by[("utilisation_low", 60)].message_zh == "缩微机械 / MEMS执行器(半导体封装用):2025Q1 产能利用率48.9%,低于70%"
    assert by[("import_dependence_high", 4)].message_en == (
        "缩微机械 / 高端EDA工具: import dependence 92.4% in 2025, above 50 % (source seed-000, 摘要)")
    sd = [a for a in alerts if a.rule_id == "supply_demand_imbalance" and a.dims.get("tier") == "低端" and "product" not in a.dims]
    assert sd[0].message_zh == "缩微机械 / 低端:2025 供需弹性指数-0.7725,超出±0.2的平衡区间(正为短缺,负为过剩)"


def test_the_default_alerts_began_with_the_data_and_the_analysis(default_store):
    h = alerts_history(default_store, RULES)
    steps = job_vintages(default_store)
    assert sorted(zip(h["rule_id"], h["first_vintage"], strict=True)) == sorted(
        [(r[0], steps["load"]) for r in SEEDED] + [(r[0], steps["analyse"]) for r in DERIVED])
    assert h["active"].all()


def test_alerts_json_of_the_default_dataset(alerts, tmp_path):
    path = write_alerts_json(alerts, tmp_path / "alerts.json", vintage_id=3, rules_file="data/default/alerts.yaml")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["counts"] == {"total": 30, "by_severity": {"critical": 0, "warning": 30, "info": 0},
                             "by_rule": {"import_dependence_high": 16, "inventory_above_band": 2,
                                         "supply_demand_imbalance": 6, "utilisation_low": 6}}
    assert doc["alerts"][0]["quote"] == "整體產(chǎn)能利用率僅為68.3%"


def test_the_default_runs_diff_is_the_analysis_then_the_forecasts(default_store):
    v = default_store.vintages().execute().set_index("vintage_id")
    steps = job_vintages(default_store)
    rec, an, fc = steps["derive"], steps["analyse"], steps["forecast"]
    derived, analysed, forecast = (diff_vintages(default_store, 1, rec), diff_vintages(default_store, rec, an),
                                   diff_vintages(default_store, an, fc))
    assert set(derived["change"]) == {"new"} and set(derived["source_id"]) == {"records-customs_cn"}
    assert set(analysed["change"]) == {"new"} and set(analysed["source_id"]) == {"sectorscope"}
    assert len(analysed) == v.loc[an, "n_new"]
    assert summarise_diff(forecast).forecasts == {"new": int(v.loc[fc, "n_new"]), "revised": 0, "withdrawn": 0}
    assert forecast["lo95_new"].notna().sum() == (forecast["location_new"] == "预测:模型").sum() > 0
    _, counts = diff_frame(default_store, 1)
    n = {k: int(v.loc[vid, "n_new"]) for k, vid in (("rec", rec), ("an", an), ("fc", fc))}
    assert sorted(counts.values.tolist()) == sorted([
        ["records-customs_cn", n["rec"], 0, 0, n["rec"]], ["sectorscope", n["an"], 0, 0, n["an"]],
        [FORECAST_SOURCE, n["fc"], 0, 0, n["fc"]], ["*", sum(n.values()), 0, 0, sum(n.values())]])


def test_the_rules_as_a_table():
    t = rules_to_frame(RULES)
    assert t["condition"].tolist() == [
        "capacity_utilisation < 70%", "import_dependence > 50%", "inventory_days_gap > 0", "supply_demand_index abs> 0.2",
        "outside the 95 % interval of sectorscope's forecast", "revised by more than 10 %", "revised by more than 20 %"]
    assert t["title_zh"][0] == "产能利用率低于70%"


@pytest.fixture(scope="module")
def next_vintage(default_store, tmp_path_factory):
    """v4: seed-000 revises its summary's utilisation (68.3 % → 80 %); seed-004 gives a 2025 estimate of the
    Yangtze delta's high-end CT/MRI localisation rate (30 %), below our forecast's 95 % interval."""
    folder = tmp_path_factory.mktemp("default-v4")
    default_store.close()
    shutil.copyfile(default_store.path, folder / "s.duckdb")
    store = Store(folder / "s.duckdb")
    rows = [fig(indicator="capacity_utilisation", subject="缩微机械", period="2025", value="80", unit="%",
                status="estimate", source="seed-000", location="摘要", quote="整体产能利用率为80%"),
            fig(indicator="localisation_rate", subject="成像仪", region="长三角", product="高端CT、MRI、PET-CT", period="2025", value="30",
                unit="%", status="estimate", source="seed-004", location="勘误 / 2025", quote="国产化率回落至30%")]
    load_paths(store, [write_csv(folder / "v4.csv", rows, HEADER)], label="errata")
    yield store
    store.close()


def test_a_later_vintage_raises_a_revision_and_a_forecast_miss(next_vintage):
    alerts = evaluate_alerts(next_vintage, RULES)
    by_rule = {}
    for a in alerts:
        by_rule.setdefault(a.rule_id, []).append(a)
    assert [a.obs_id for a in by_rule["utilisation_low"]] == [22, 60, 68, 64, 56]  # the summary's 68.3 % is now 80 %
    [rev] = by_rule["figure_revised"]
    steps = job_vintages(next_vintage)
    assert (rev.old_obs_id, rev.old_printed, rev.printed, rev.pct_change, rev.since_vintage) == (
        1, "68.3%", "80%", pytest.approx(17.1303074671), steps["forecast"])
    assert rev.message_zh == "缩微机械:2025 产能利用率由68.3%修订为80%(+17.1%,来源 seed-000)"
    [miss] = by_rule["forecast_missed"]
    fc = next_vintage.query(source_id=FORECAST_SOURCE, indicator="localisation_rate", region="长三角",
                            product="高端CT、MRI、PET-CT", period="2025").execute()
    fc = fc[fc["location"] == "预测:模型"].iloc[0]
    assert (miss.printed, miss.forecast_obs_id, miss.input_vintage, miss.forecast_vintage) == (
        "30%", int(fc["obs_id"]), steps["analyse"], steps["forecast"])
    assert miss.interval == (fc["lo95"], fc["hi95"]) and miss.interval[0] > 30
    assert miss.message_zh.startswith(f"成像仪 / 长三角 / 高端CT、MRI、PET-CT:2025 国产化率30%,落在 sectorscope 预测"
                                      f"(v{steps['forecast']},基于 v{steps['analyse']} 的数据)的95%区间 ")
    assert "forecast_revised" not in by_rule
    d = diff_vintages(next_vintage, steps["forecast"])
    assert d[["change", "source_id", "printed_old", "printed_new"]].values.tolist() == [
        ["new", "seed-004", None, "30%"], ["revised", "seed-000", "68.3%", "80%"]]
