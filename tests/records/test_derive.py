"""Figures computed from a record set: stored as derived figures with their formula and the store's exchange
rate; the seed's stated customs figure reproduced beside the stated one; only whole quarters and years; a
re-derivation restates what did not change and revises what a correction changed."""
from __future__ import annotations

import re

import pytest

from sectorscope import records as R
from sectorscope.ingest import load_default
from sectorscope.records.schema import BatchMeta
from sectorscope.store import Store


def _meta(batch_id, supersedes=()):
    return BatchMeta(batch_id=batch_id, dataset="customs_cn", source_file="generated", sha256="0" * 64,
                     publisher="sectorscope generator", hs_edition="HS2022", currency="USD",
                     grain=("partner", "province", "trade_mode"), period_kind="monthly", supersedes=supersedes)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    st = Store(tmp_path_factory.mktemp("derive") / "s.duckdb")
    load_default(st)
    con = R.connect("duckdb")
    lines = R.generate_lines(con, 20_000, only_mapped=True, batch_id="gen-1", years=(2024, 2025))
    half = lines.filter((lines.year < 2025) | (lines.month <= 6))  # 2025 has January to June only
    R.load_batch(st, _meta("gen-1"), half.to_pyarrow_batches(chunk_size=5_000))
    st.summary = R.derive_trade_figures(st)
    return st


def test_the_seeds_customs_growth_is_computed_beside_the_stated_one(store):
    t = store.query(indicator="exports_value_growth", subject="缩微机械", product="微型电机类商品",
                    period="2025Q1").execute()
    by_kind = {r.kind: r for r in t.itertuples()}
    assert by_kind["stated"].value == pytest.approx(-7.4)
    derived = by_kind["derived"]
    assert derived.value == pytest.approx(-7.4, abs=1e-5)
    assert (derived.unit, derived.source_id, derived.product) == ("%", "records-customs_cn", "微型电机类商品")
    assert "HS 850110(2012), 850110(2017), 850110(2022)" in derived.formula and "批次 gen-1" in derived.formula


def test_the_seeds_three_sources_share_is_computed_beside_the_stated_one(store):
    """The seed states Japan, Germany and the US together at 81.4 % of 缩微机械's imports in 2025Q1; the record
    set's share of the same three is computed for the whole market, whichever three are its largest."""
    t = store.query(indicator="import_source_share", subject="缩微机械", country="日本、德国、美国",
                    period="2025Q1").execute()
    by_kind = {r.kind: r for r in t.itertuples()}
    assert by_kind["stated"].value == pytest.approx(81.4)
    derived = by_kind["derived"]
    assert derived.value == pytest.approx(81.4, abs=1e-4)
    assert derived.product is None and derived.location == "records:customs_cn:import:partners:all-products"


def test_money_is_stored_in_yuan_at_the_stores_rate_with_its_source(store):
    t = store.query(indicator="imports_value", subject="缩微机械", product="微型电机类商品", period="2024").execute()
    row = t[t["kind"] == "derived"].iloc[0]
    assert row["unit"] == "元" and row["note"].startswith("USD→CNY at ")
    rate = float(row["note"].split(" at ")[1].split(" ")[0])
    con = R.connect("duckdb")
    lines = R.open_lines(store, "customs_cn", con)
    usd = lines.filter((lines.flow == "import") & (lines.year == 2024) & lines.hs6.startswith("850110")).value.sum()
    assert row["value"] == pytest.approx(float(usd.to_pyarrow().as_py()) * rate, rel=1e-12)


def test_only_whole_quarters_and_years_are_stored(store):
    periods = set(store.query(indicator="exports_value", kind="derived").execute()["period"])
    assert {"2024", "2024Q4", "2025Q1", "2025Q2"} <= periods
    assert not periods & {"2025", "2025Q3", "2025Q4"}


def test_a_rederivation_restates_and_a_correction_revises(store):
    again = R.derive_trade_figures(store)
    assert (again.n_new, again.n_revised, again.n_withdrawn) == (0, 0, 0)
    assert again.n_unchanged == store.summary.n_rows
    con = R.connect("duckdb")
    fix = R.generate_lines(con, 20_000, only_mapped=True, batch_id="gen-2", years=(2024, 2025))
    fix = fix.filter((fix.year == 2025) & (fix.month == 6))
    fix = fix.mutate(value=(fix.value * 2).cast("decimal(20, 2)"))
    R.load_batch(store, _meta("gen-2", supersedes=("gen-1",)), fix.to_pyarrow_batches())
    revised = R.derive_trade_figures(store)
    assert revised.n_revised > 0
    # June's lines changed: only the figures with June in them — 2025Q2 and 1–6月 — are new, revised or
    # withdrawn (a partner that falls out of the ten largest and under 1 % is withdrawn, or a new one added)
    obs = store.table("observations")
    touched = obs.filter(obs.vintage_id == revised.vintage_id).execute()
    assert len(touched) == revised.n_new + revised.n_revised + revised.n_withdrawn
    assert set(touched["period"]) == {"2025Q2", "2025-01/2025-06"}
    assert set(touched.loc[touched["withdrawn"], "indicator"]) <= {"import_source_share"}
    q2 = store.query(indicator="exports_value", kind="derived", period="2025Q2").execute()
    assert all(f.endswith("批次 gen-1, gen-2") for f in q2["formula"])
    q1 = store.query(indicator="exports_value", kind="derived", period="2025Q1").execute()
    assert all(f.endswith("批次 gen-1") for f in q1["formula"])  # a figure cites the batches of its own lines


def test_every_figure_is_reproduced_from_the_lines_behind_it(store):
    """The lineage: Σ value × share of `figure_lines`, converted at the figure's rate, is the figure — for
    every imports, exports, balance and unit-price figure of one market and product."""
    import decimal

    con = R.connect("duckdb")
    t = store.query(kind="derived", subject="缩微机械", product="微型电机类商品").execute()
    t = t[t["indicator"].isin(["imports_value", "exports_value", "trade_balance", "import_unit_value",
                                "export_unit_value"])]
    assert len(t) > 20
    for r in t.itertuples():
        lines = R.figure_lines(store, int(r.obs_id), con).to_pyarrow().to_pylist()
        rate = float(re.search(r"\d+\.\d+", r.note).group())  # "USD→CNY at 7.1217 (…)" or "at 2024's rate 7.1217"
        signed = [(x["value"] * x["share"]) * (-1 if r.indicator == "trade_balance" and x["flow"] == "import" else 1)
                  for x in lines]
        total = sum(signed, decimal.Decimal(0))
        if r.indicator.endswith("_unit_value"):
            quantity = sum((x["quantity"] * x["share"] for x in lines), decimal.Decimal(0))
            assert r.value == pytest.approx(float(total / quantity) * rate, rel=1e-9), r
        else:
            assert r.value == pytest.approx(float(total) * rate, rel=1e-12), r


def test_a_stated_figure_has_no_lines_behind_it(store):
    from sectorscope.errors import UsageError

    stated = store.query(indicator="exports_value_growth", kind="stated").execute().iloc[0]
    with pytest.raises(UsageError, match="not computed from a record set"):
        R.figure_lines(store, int(stated["obs_id"]))


def test_records_figures_are_computed_and_a_dollar_growth_says_its_basis(store):
    """The figures are derived (status and kind): the analysis does not take them as inputs of the catalog's
    formulas, and the alert rules do not read them as new actuals. A growth of dollar amounts carries the
    basis 按美元计: the stored levels are yuan at each year's rate, so the audit's growth check, which would
    otherwise find every such rate "inconsistent" with its levels, leaves it alone; a unit value says its
    quantity unit (按台计), so values per 台 and per 个 are not read as one figure stated twice."""
    from sectorscope.audit import audit

    obs = store.observations().execute()
    rec = obs[obs["source_id"] == "records-customs_cn"]
    assert set(rec["status"]) == {"derived"} and set(rec["kind"]) == {"derived"}
    growth = rec[rec["indicator"].str.endswith("_growth")]
    assert len(growth) > 10 and set(growth["basis"]) == {"按美元计"}
    unit_values = rec["indicator"].str.endswith("_unit_value")
    assert set(rec.loc[~rec["indicator"].str.endswith("_growth") & ~unit_values, "basis"].fillna("")) == {""}
    # a unit value says its quantity unit: values per 台 and per 个 are not one figure stated twice
    assert {(u.split("/")[1], b) for u, b in zip(rec.loc[unit_values, "unit_as_printed"], rec.loc[unit_values, "basis"],
                                                 strict=True)} <= {(q, f"按{q}计") for q in ("台", "个", "千克")}
    ids = set(rec["obs_id"].astype(int))
    findings = audit(store).findings
    assert [f for f in findings if f.rule in ("growth", "conflict") and ids & set(f.obs_ids)] == []
