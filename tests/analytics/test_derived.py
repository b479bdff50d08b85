"""Derived indicators: each equals its formula, its interval holds every value its inputs allow, and a
bound in gives a bound out."""
from __future__ import annotations

import math

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.analytics.derived import Scenario, derive, figures_with_intervals
from sectorscope.analytics.formulas import interval_staged, lag_name, point_expr
from sectorscope.errors import CatalogError
from sectorscope.model.catalog import load_catalog
from sectorscope.model.formula import parse_formula
from sectorscope.model.observation import OBSERVATION_COLUMNS
from sectorscope.model.rules import packaged_rules
from sectorscope.store.schema import SCHEMAS

# the columns a read of the store gives (the realtime end, superseded_in, is the store's own)
READ_SCHEMA = ibis.schema({k: v for k, v in SCHEMAS["observations"].items() if k != "superseded_in"})

CATALOG = load_catalog()
SETTINGS = packaged_rules().settings


def _figs(rows: list[dict]) -> ibis.Table:
    """Observations as the store would hold them (memtable), then with their intervals."""
    base = {c: None for c in OBSERVATION_COLUMNS}
    full = []
    for n, r in enumerate(rows, start=1):
        row = {**base, "obs_id": n, "obs_key": f"k{n}", "vintage_id": 1, "subject": "测试",
               "region": "中国", "status": "estimate", "source_id": "s1", "qualifier": "exact", "withdrawn": False,
               "period_start": pd.Timestamp(f"{r.get('period', '2025')[:4]}-01-01").date(),
               "period_end": pd.Timestamp(f"{r.get('period', '2025')[:4]}-12-31").date(), "period": "2025", **r}
        row.setdefault("value_as_printed", f"{row['value']}")
        full.append(row)
    frame = pd.DataFrame(full, columns=list(OBSERVATION_COLUMNS))
    t = ibis.memtable(frame).cast(READ_SCHEMA)
    return figures_with_intervals(t, SETTINGS)


def _printed(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}"


@settings(max_examples=8)
@given(out=st.integers(1, 10_000), cap_extra=st.integers(0, 10_000), d=st.integers(0, 2))
def test_utilisation_equals_its_formula_and_its_interval_holds_the_rounding(out, cap_extra, d):
    o = out / 10**d
    c = (out + cap_extra) / 10**d
    figs = _figs([
        {"indicator": "output", "value": o, "value_as_printed": _printed(o, d), "unit": "个", "unit_as_printed": "万台"},
        {"indicator": "capacity", "value": c, "value_as_printed": _printed(c, d), "unit": "个", "unit_as_printed": "万台"},
    ])
    rows = derive(figs, CATALOG, derivations=[x for x in CATALOG.derivations() if x.indicator == "capacity_utilisation"])
    assert len(rows) == 1
    r = rows.iloc[0]
    assert r["value"] == pytest.approx(o / c * 100)
    h = 0.5 / 10**d  # the printed numbers stand for ±half a unit of their last digit
    worst = [(o + a) / (c + b) * 100 for a in (-h, h) for b in (-h, h) if c + b > 0]
    lo = r["bound_low"] if r["bound_low"] is not None and not pd.isna(r["bound_low"]) else -math.inf
    assert lo <= min(worst) + 1e-9
    assert r["bound_high"] >= min(max(worst), 100) - 1e-9 or max(worst) > 100  # clipped to the catalog bound
    assert r["input_ids"] == [1, 2]
    assert r["formula"] == "capacity_utilisation = output / capacity * 100"
    assert r["status"] == "derived"


def test_a_lower_bound_in_gives_a_lower_bound_out():
    figs = _figs([
        {"indicator": "market_size", "value": 600e8, "value_as_printed": "600", "unit": "元", "unit_as_printed": "亿元",
         "qualifier": "at_least"},
        {"indicator": "domestic_share", "value": 38.5, "value_as_printed": "38.5", "unit": "%", "unit_as_printed": "%"},
    ])
    sc = Scenario("基准", {"target": 55})
    rows = derive(figs, CATALOG, scenarios={"substitution_space": [sc]})
    r = rows.iloc[0]
    assert r["qualifier"] == "at_least"
    # stated as its lower end: the least market (599.5, the rounding of 600) times the least gap (55 − 38.55)
    assert r["value"] == pytest.approx(599.5e8 * (55 - 38.55) / 100)
    assert pd.isna(r["bound_high"])
    assert r["scenario"] == "基准"
    # …and a target given as "at least 55" keeps the upper end open even from an exact market size
    figs2 = _figs([
        {"indicator": "market_size", "value": 185.6e8, "value_as_printed": "185.6", "unit": "元", "unit_as_printed": "亿元"},
        {"indicator": "domestic_share", "value": 38.5, "value_as_printed": "38.5", "unit": "%", "unit_as_printed": "%"},
    ])
    r2 = derive(figs2, CATALOG, scenarios={"substitution_space": [Scenario("基准", {"target": 55}, at_least=("target",))]}).iloc[0]
    assert r2["qualifier"] == "at_least" and r2["value"] == pytest.approx(185.55e8 * (55 - 38.55) / 100)


def test_lag_reads_the_previous_year_of_the_same_series():
    figs = _figs([
        {"indicator": "unit_price", "period": "2025", "value": 28.7e4, "value_as_printed": "28.7", "unit": "元/个", "unit_as_printed": "万元/台"},
        {"indicator": "unit_price", "period": "2026", "value": 27.9e4, "value_as_printed": "27.9", "unit": "元/个", "unit_as_printed": "万元/台"},
        {"indicator": "unit_price", "period": "2026", "value": 1.0, "value_as_printed": "1", "unit": "元/个",
         "unit_as_printed": "元/台", "source_id": "other"},
    ])
    rows = derive(figs, CATALOG, derivations=[x for x in CATALOG.derivations() if x.indicator == "price_change"])
    assert list(rows["period"]) == ["2026"]
    assert rows.iloc[0]["value"] == pytest.approx((27.9 / 28.7 - 1) * 100)
    assert rows.iloc[0]["input_ids"] == [2, 1]


def test_a_formula_with_free_parameters_and_no_scenario_is_skipped():
    figs = _figs([{"indicator": "market_size", "value": 1e8, "unit": "元", "unit_as_printed": "亿元", "value_as_printed": "1"},
                  {"indicator": "domestic_share", "value": 10.0, "unit": "%", "unit_as_printed": "%"}])
    assert derive(figs, CATALOG, derivations=[x for x in CATALOG.derivations() if x.indicator == "substitution_space"]).empty


# ---- interval soundness on every catalog formula -------------------------------------------------
@pytest.mark.parametrize("d", CATALOG.derivations(), ids=lambda d: f"{d.indicator}.{d.name}")
def test_every_catalog_formula_bounds_every_value_its_inputs_allow(d):
    """5 000 random input intervals per formula (both signs, widths up to ±20 %, some exact), one point
    drawn inside each: the formula's value at that point lies inside the computed interval."""
    rng = np.random.default_rng(sum(map(ord, d.name)))
    names = list(d.formula.plain) + [lag_name(c) for c in d.formula.lagged]
    n = 5000
    cols = {}
    for name in names:
        centre = rng.uniform(0.5, 200, n) * rng.choice([1, 1, 1, -1], n)
        width = rng.uniform(0, 0.2, n) * np.abs(centre) * (rng.uniform(0, 1, n) > 0.1)
        lo, hi = centre - width, centre + width
        pick = rng.uniform(0, 1, n)
        cols[f"{name}__lo"], cols[f"{name}__hi"], cols[f"{name}__x"] = lo, hi, lo + pick * (hi - lo)
    params = {k: (v if v is not None else 55.0) for k, v in d.params.items()}
    t = ibis.memtable(pd.DataFrame(cols))
    staged, lo, hi = interval_staged(t, d.formula, {k: (f"{k}__lo", f"{k}__hi") for k in names}, params)
    x = point_expr(d.formula, {k: staged[f"{k}__x"] for k in names}, params)
    res = staged.select(lo=staged[lo], hi=staged[hi], x=x).execute()
    res = res[res["x"].notna() & np.isfinite(res["x"])]
    tol = 1e-9 * (1 + res["x"].abs())
    assert (res["lo"] <= res["x"] + tol).all()
    assert (res["hi"] >= res["x"] - tol).all()


@pytest.mark.parametrize("text, msg", [
    ("output / nonsense", "nonsense"),
    ("output ** 2", "Pow"),
    ("__import__('os')", "unknown function"),
    ("lag(output + 1)", "lag() takes an indicator"),
    ("lag(output)", "only lagged"),
    ("", "non-empty"),
])
def test_a_bad_formula_fails_the_catalog_with_its_place(text, msg):
    with pytest.raises(CatalogError, match=msg.replace("(", r"\(").replace(")", r"\)")) as e:
        parse_formula(text, "common.yaml (x), derive entry 1", indicators=set(CATALOG.codes()))
    assert "common.yaml (x), derive entry 1" in str(e.value)
