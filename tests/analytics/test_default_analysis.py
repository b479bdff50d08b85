"""`analyse` on the default dataset: golden values, lineage back to quotes, and a rerun that changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sectorscope.analytics.pipeline import analyse, read_config
from sectorscope.errors import InputError
from sectorscope.ingest import default_dataset_dir, load_default
from sectorscope.store import Store


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("analyse") / "s.duckdb")
    load_default(store)
    result = analyse(store, read_config(default_dataset_dir()))
    yield store, result
    store.close()


def test_supply_demand_reads_low_end_surplus_high_end_shortage_from_the_data(analysed):
    _, r = analysed
    sd = r.supply_demand.set_index("product")
    golden = {"通用型微型电机": -0.77, "高精度微型传感器": 0.32, "MEMS执行器(半导体封装用)": 0.44,
              "生物医疗微型泵阀": 0.27, "微型振动马达(可穿戴设备用)": -0.07}
    assert {p: round(v, 2) for p, v in sd["index"].items()} == golden
    assert (sd["index_low"] <= sd["index"]).all() and (sd["index"] <= sd["index_high"]).all()
    tiers = r.tiers.set_index("tier")["reading"].to_dict()
    assert tiers == {"低端": "surplus", "高端": "shortage"}
    assert sd.loc["微型振动马达(可穿戴设备用)", "reading"] == "balanced"


def test_the_index_figures_carry_their_kind_reading_and_band(analysed):
    store, r = analysed
    t = store.query(indicator="supply_demand_index").execute()
    products = t[t["kind"] == "derived"].set_index("product")["reading"].to_dict()
    assert products == r.supply_demand.set_index("product")["reading"].to_dict()
    tiers = t[t["kind"] == "tier_summary"].set_index("tier")["reading"].to_dict()
    assert tiers == {"低端": "surplus", "高端": "shortage"} and t["product"][t["kind"] == "tier_summary"].isna().all()
    assert set(t["reading_band"]) == {0.2} and set(t["kind"]) == {"derived", "tier_summary"}
    kinds = store.observations().execute().groupby("indicator")["kind"].agg(set).to_dict()
    assert kinds["trl"] == {"assessment"} and kinds["demand_score"] == {"derived"}
    assert kinds["composite_rank"] == {"derived"} and kinds["substitution_space"] == {"derived"}
    assert kinds["market_size"] == {"stated"}


def test_regional_index_ranks_with_intervals(analysed):
    _, r = analysed
    _, runs = next((i, runs) for i, runs in r.extra["composites"] if i.name == "regional_mems_capability")
    summ = runs[0][1].summary()
    assert list(summ.index) == ["华东", "中南", "华北", "西北", "西南", "东北"]
    assert (summ["rank_95_lower"] <= summ["rank"]).all() and (summ["rank"] <= summ["rank_95_upper"]).all()
    assert summ.loc["华东", "rank_95_upper"] == 1  # first in every draw


def test_manufacturing_index_is_labelled_example(analysed):
    _, r = analysed
    rows = r.derived[(r.derived["product"] == "mems_manufacturing")]
    assert len(rows) == 20 and rows["basis"].eq("示例数据(example data)").all()


def test_dual_track_quadrants(analysed):
    _, r = analysed
    q = r.extra["dual_track"].set_index("technology")["quadrant"].to_dict()
    assert q["纳米压印(NIL)"] == "fund_rnd" and q["深反应离子刻蚀(DRIE)"] == "scale_up"
    assert q["铜-铜混合键合3D堆叠(MEMS-SiP)"] == "watch"


def test_substitution_space_by_scenario(analysed):
    _, r = analysed
    s = r.derived[r.derived["indicator"] == "substitution_space"].set_index(["scenario", "period"])
    assert round(s.loc[("高", "2025"), "value"] / 1e8, 2) == 58.46  # 185.6亿元 × (70 − 38.5) %
    assert s.loc[("基准", "2025"), "qualifier"] == "at_least"
    assert s.loc[("低", "2029"), "value"] == 0


def test_every_derived_figure_leads_back_to_quoted_figures(analysed):
    store, r = analysed
    obs = store.observations().execute().set_index("obs_id")
    derived = obs[obs["status"] == "derived"]
    assert len(derived) == (r.derived["status"] == "derived").sum()
    for _, row in derived.iterrows():
        if row["indicator"] in ("composite_index", "composite_rank") and row["basis"]:
            continue  # the example input file: no store figures behind it, and labelled so
        assert len(row["input_ids"]) > 0, row["indicator"]
        for i in row["input_ids"]:
            src = obs.loc[i]
            assert src["status"] != "derived" and isinstance(src["quote"], str) and src["quote"]
        assert row["formula"] and row["input_vintage"] == 1


def test_a_rerun_on_the_same_data_adds_nothing(analysed):
    store, _ = analysed
    again = analyse(store, read_config(default_dataset_dir()), as_of=1)
    assert again.written.n_new == 0 and again.written.n_revised == 0 and again.written.n_withdrawn == 0


def test_a_bad_analytics_file_is_named(tmp_path):
    (tmp_path / "analytics.yaml").write_text("scenarios:\n  substitution_space:\n    - {name: x, params: {target: high}}\n",
                                             encoding="utf-8")
    with pytest.raises(InputError, match=r"analytics.yaml.*entry 1 \(x\): params target must be numbers"):
        read_config(tmp_path)
    (tmp_path / "analytics.yaml").write_text("colour: blue\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown section"):
        read_config(tmp_path)


def test_cli_analyse(tmp_path):
    from sectorscope.cli.main import app

    store = Store(tmp_path / "s.duckdb")
    load_default(store)
    store.close()
    res = CliRunner().invoke(app, ["analyse", "-s", str(tmp_path / "s.duckdb"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "out" / "analytics.md").read_text(encoding="utf-8")
    assert "由数据得出:低端过剩(-0.77),高端短缺(+0.34)。" in text
    assert "From the data: 低端 surplus (-0.77), 高端 shortage (+0.34)." in (tmp_path / "out" / "analytics.en.md").read_text(encoding="utf-8")
    assert Path(tmp_path / "out" / "analytics.en.md").exists()
