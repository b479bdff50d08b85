"""Composite indices (analytics/composite/): invariances and monotonicity of the normalisations (hypothesis),
PCA weights, a hand-computed 3 × 2 example, missing data, errors that name the culprit, and the Monte-Carlo
rank intervals and sensitivity."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope.analytics.composite import (
    AGGREGATIONS,
    FACTORS,
    NORMALISATIONS,
    QUANTILES,
    CompositeError,
    IndexSpec,
    aggregate,
    make_positive,
    normalise,
    rank,
    score,
    uncertainty,
    weights,
)
from sectorscope.errors import InputError

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def frames(draw, min_units=3, max_units=8, min_ind=2, max_ind=4, missing=False):
    """Units × indicators of positive values on a 0.1 grid (distinct enough for tolerances), optionally with
    gaps — never a whole indicator or a whole unit missing."""
    n = draw(st.integers(min_units, max_units))
    k = draw(st.integers(min_ind, max_ind))
    vals = draw(st.lists(st.integers(1, 5000), min_size=n * k, max_size=n * k))
    arr = np.array(vals, dtype=float).reshape(n, k) / 10
    if missing:
        holes = np.array(draw(st.lists(st.booleans(), min_size=n * k, max_size=n * k))).reshape(n, k)
        holes[0, :] = False  # every indicator keeps a value
        holes[:, 0] = False  # every unit keeps a value
        arr[holes] = np.nan
    cols = [f"i{j}" for j in range(k)]
    dirs = {c: draw(st.sampled_from([1, -1])) for c in cols}
    return pd.DataFrame(arr, index=[f"u{i}" for i in range(n)], columns=cols), dirs


# ------------------------------------------------------------------------------------------------
# normalisation
# ------------------------------------------------------------------------------------------------
@SETTINGS
@given(frames(), st.data())
def test_minmax_zscore_rank_unchanged_by_positive_affine_rescaling(fd, data):
    frame, dirs = fd
    col = data.draw(st.sampled_from(list(frame.columns)))
    a = data.draw(st.sampled_from([0.001, 0.5, 3.7, 1000.0]))
    b = data.draw(st.floats(-1000, 1000))
    moved = frame.copy()
    moved[col] = a * moved[col] + b
    for method in ("minmax", "zscore", "rank"):
        pd.testing.assert_frame_equal(normalise(moved, method, dirs), normalise(frame, method, dirs),
                                      atol=1e-9, rtol=0)
        spec = IndexSpec("t", list(frame.columns), dirs, normalisation=method)
        pd.testing.assert_series_equal(score(moved, spec), score(frame, spec), atol=1e-9, rtol=0)


@SETTINGS
@given(frames())
def test_frontier_unchanged_by_positive_scaling_and_in_unit_interval(fd):
    frame, dirs = fd
    n = normalise(frame, "frontier", dirs)
    pd.testing.assert_frame_equal(normalise(frame * 7.5, "frontier", dirs), n, atol=1e-12, rtol=0)
    assert ((n > 0) & (n <= 1)).all().all()
    assert np.allclose(n.max(), 1.0)  # the best unit of each indicator is on the frontier


@SETTINGS
@given(frames())
def test_direction_minus_one_is_the_negated_indicator(fd):
    frame, _ = fd
    plus = {c: 1 for c in frame.columns}
    minus = {c: -1 for c in frame.columns}
    for method in ("minmax", "zscore", "rank"):
        pd.testing.assert_frame_equal(normalise(frame, method, minus), normalise(-frame, method, plus),
                                      atol=1e-12, rtol=0)


# Raising one indicator (direction +1) of one unit, every other figure fixed, with fixed positive weights
# (equal or expert): the unit's score never falls, for these normalisation × aggregation pairs. It does not
# hold for z-score × geometric (the shift to positive values moves, see the counterexample below), nor for
# PCA weights (they move with the data).
MONOTONE = [("minmax", "arithmetic"), ("minmax", "geometric"), ("rank", "arithmetic"), ("rank", "geometric"),
            ("frontier", "arithmetic"), ("frontier", "geometric"), ("zscore", "arithmetic")]


@settings(max_examples=60, deadline=None)
@given(frames(), st.data())
def test_raising_an_indicator_never_lowers_the_units_own_score(fd, data):
    frame, dirs = fd
    col = data.draw(st.sampled_from(list(frame.columns)))
    dirs = {**dirs, col: 1}
    unit = data.draw(st.sampled_from(list(frame.index)))
    raised = frame.copy()
    raised.loc[unit, col] += data.draw(st.integers(1, 3000)) / 10
    expert = {c: data.draw(st.integers(1, 10)) for c in frame.columns}
    for (norm, agg), (weighting, ew) in itertools.product(MONOTONE, [("equal", None), ("expert", expert)]):
        spec = IndexSpec("t", list(frame.columns), dirs, normalisation=norm, aggregation=agg,
                         weighting=weighting, expert_weights=ew)
        before, after = score(frame, spec)[unit], score(raised, spec)[unit]
        assert after >= before - 1e-12, (norm, agg, weighting, before, after)


def test_zscore_geometric_is_not_monotone_counterexample():
    """Why z-score × geometric is left out above: the top unit's shifted z-score (x − min) / sd + floor falls
    when it pulls further ahead, because the sd grows faster than its lead."""
    spec = IndexSpec("t", ["x"], {"x": 1}, normalisation="zscore", aggregation="geometric")
    before = score(pd.DataFrame({"x": [0.0, 1.0, 2.0]}, index=list("abc")), spec)["c"]
    after = score(pd.DataFrame({"x": [0.0, 1.0, 10.0]}, index=list("abc")), spec)["c"]
    assert after < before
    arith = IndexSpec("t", ["x"], {"x": 1}, normalisation="zscore")
    assert score(pd.DataFrame({"x": [0.0, 1.0, 10.0]}, index=list("abc")), arith)["c"] > \
        score(pd.DataFrame({"x": [0.0, 1.0, 2.0]}, index=list("abc")), arith)["c"]


# ------------------------------------------------------------------------------------------------
# weights and aggregation
# ------------------------------------------------------------------------------------------------
@SETTINGS
@given(frames(min_units=4, max_units=12, max_ind=6, missing=True), st.floats(0, 3), st.integers(0, 2 ** 31))
def test_pca_weights_are_non_negative_and_sum_to_one(fd, strength, seed):
    frame, dirs = fd
    latent = np.random.default_rng(seed).normal(size=(len(frame), 1))
    frame = frame + strength * 100 * latent  # from uncorrelated to strongly correlated indicators
    for method in ("minmax", "zscore", "rank"):
        w = weights(normalise(frame, method, dirs), "pca")
        assert list(w.index) == list(frame.columns)
        assert (w >= 0).all()
        assert w.sum() == pytest.approx(1.0, abs=1e-12)


def test_pca_weights_of_a_constant_indicator_are_zero_and_all_constant_gives_equal():
    f = pd.DataFrame({"a": [1.0, 2, 3, 5], "b": [2.0, 3, 3, 9], "c": [4.0, 4, 4, 4]})
    w = weights(f, "pca")
    assert w["c"] == 0 and w.sum() == pytest.approx(1)
    assert weights(pd.DataFrame({"a": [1.0, 1], "b": [2.0, 2]}), "pca").tolist() == [0.5, 0.5]


@SETTINGS
@given(st.floats(1e-6, 1e6), st.lists(st.floats(0.01, 10), min_size=1, max_size=6), st.integers(1, 5))
def test_geometric_mean_of_equal_values_is_that_value(c, ws, n):
    cols = [f"i{j}" for j in range(len(ws))]
    norm = pd.DataFrame(c, index=range(n), columns=cols)
    out = aggregate(norm, pd.Series(ws, index=cols), "geometric")
    assert np.allclose(out, c, rtol=1e-12, atol=0)
    assert np.allclose(aggregate(norm, pd.Series(ws, index=cols), "arithmetic"), c, rtol=1e-12, atol=0)


def test_geometric_aggregation_refuses_non_positive_values_and_make_positive_fixes_it():
    norm = pd.DataFrame({"a": [0.0, 0.5, 1.0], "b": [1.0, 0.2, 0.0]})
    with pytest.raises(CompositeError, match=r"indicator\(s\) a, b .*make_positive"):
        aggregate(norm, {"a": 1, "b": 1}, "geometric")
    pos = make_positive(norm, 0.01)
    assert pos.min().tolist() == [0.01, 0.01]
    assert pos["a"].tolist() == pytest.approx([0.01, 0.51, 1.01])


def test_rank_is_one_for_the_best_and_averages_ties():
    assert rank(pd.Series([0.5, 0.9, 0.5, np.nan, 0.1])).tolist()[:3] == [2.5, 1.0, 2.5]
    r = rank(pd.Series([0.5, 0.9, 0.5, np.nan, 0.1]))
    assert math.isnan(r.iloc[3]) and r.iloc[4] == 4.0


# ------------------------------------------------------------------------------------------------
# a hand-computed example: 3 units × 2 indicators, x more is better, y less is better
# ------------------------------------------------------------------------------------------------
POINT = pd.DataFrame({"x": [10.0, 20.0, 40.0], "y": [1.0, 3.0, 5.0]}, index=["A", "B", "C"])
DIRS = {"x": 1, "y": -1}


def spec(**kw) -> IndexSpec:
    return IndexSpec("golden", ["x", "y"], DIRS, **kw)


def test_golden_normalisations():
    n = normalise(POINT, "minmax", DIRS)
    assert n["x"].tolist() == pytest.approx([0, 1 / 3, 1], abs=1e-15)
    assert n["y"].tolist() == pytest.approx([1, 0.5, 0], abs=1e-15)
    z = normalise(POINT, "zscore", DIRS)
    sd_x = math.sqrt(4200 / 27)  # deviations -40/3, -10/3, 50/3
    assert z["x"].tolist() == pytest.approx([-40 / 3 / sd_x, -10 / 3 / sd_x, 50 / 3 / sd_x], abs=1e-14)
    assert z["y"].tolist() == pytest.approx([math.sqrt(1.5), 0, -math.sqrt(1.5)], abs=1e-14)
    assert normalise(POINT, "rank", DIRS).to_numpy().tolist() == [[0, 1], [0.5, 0.5], [1, 0]]
    f = normalise(POINT, "frontier", DIRS)
    assert f["x"].tolist() == pytest.approx([0.25, 0.5, 1], abs=1e-15)
    assert f["y"].tolist() == pytest.approx([1, 1 / 3, 1 / 5], abs=1e-15)


def test_golden_scores_and_ranks():
    s = score(POINT, spec())
    assert s.tolist() == pytest.approx([0.5, 5 / 12, 0.5], abs=1e-15)
    assert rank(s).tolist() == [1.5, 3.0, 1.5]
    g = score(POINT, spec(aggregation="geometric"))  # min-max + 0.01 floor, equal weights
    assert g.tolist() == pytest.approx([math.sqrt(0.01 * 1.01), math.sqrt((1 / 3 + 0.01) * 0.51),
                                        math.sqrt(1.01 * 0.01)], abs=1e-15)
    f = score(POINT, spec(normalisation="frontier"))
    assert f.tolist() == pytest.approx([0.625, 5 / 12, 0.6], abs=1e-15)
    assert rank(f).tolist() == [1.0, 3.0, 2.0]
    assert score(POINT, spec(normalisation="rank")).tolist() == [0.5, 0.5, 0.5]
    e = score(POINT, spec(weighting="expert", expert_weights={"x": 3, "y": 1}))
    assert e.tolist() == pytest.approx([0.25, 0.375, 0.75], abs=1e-15)


def test_spec_is_hashable_and_revalidated_on_replace():
    from dataclasses import replace

    assert hash(spec()) == hash(spec()) and spec() == spec()
    assert {spec(): 1}[spec()] == 1
    with pytest.raises(CompositeError, match="unknown aggregation"):
        replace(spec(), aggregation="median")


def test_golden_pca_weights_two_indicators_are_equal():
    # two indicators: one component kept (eigenvalue 1 + |r| > 1), both load √((1 + |r|) / 2) on it
    w = weights(normalise(POINT, "minmax", DIRS), "pca")
    assert w.tolist() == pytest.approx([0.5, 0.5], abs=1e-12)
    assert score(POINT, spec(weighting="pca")).tolist() == pytest.approx([0.5, 5 / 12, 0.5], abs=1e-12)


# ------------------------------------------------------------------------------------------------
# missing data
# ------------------------------------------------------------------------------------------------
GAPPY = pd.DataFrame({"x": [10.0, 20.0, 40.0], "y": [1.0, np.nan, 5.0]}, index=["A", "B", "C"])


def test_missing_available_reweights_over_present_indicators():
    s = score(GAPPY, spec())
    # B has only x (1/3 on min-max); its weight is re-scaled to 1 — B is not scored as if y were 0
    assert s.tolist() == pytest.approx([0.5, 1 / 3, 0.5], abs=1e-15)
    e = score(GAPPY, spec(weighting="expert", expert_weights={"x": 1, "y": 3}))
    assert e["B"] == pytest.approx(1 / 3, abs=1e-15)
    assert e["A"] == pytest.approx(0.75, abs=1e-15)


def test_missing_mean_imputes_the_indicator_mean():
    s = score(GAPPY, spec(missing="mean"))  # B's y := 3, normalised 0.5
    assert s.tolist() == pytest.approx([0.5, 5 / 12, 0.5], abs=1e-15)


def test_missing_drop_removes_the_unit_and_renormalises_without_it():
    s = score(GAPPY, spec(missing="drop"))
    assert list(s.index) == ["A", "C"]
    assert s.tolist() == pytest.approx([0.5, 0.5], abs=1e-15)  # x: A 0, C 1 over A and C only


# ------------------------------------------------------------------------------------------------
# errors name the thing
# ------------------------------------------------------------------------------------------------
def test_errors_name_the_index_unit_or_indicator():
    with pytest.raises(CompositeError, match=r"index 'golden'.*empty"):
        score(POINT.iloc[:0], spec())
    with pytest.raises(CompositeError, match="empty"):
        normalise(pd.DataFrame(), "minmax", {})
    with pytest.raises(CompositeError, match=r"index 'golden': unknown normalisation method 'maxmin'.*minmax"):
        spec(normalisation="maxmin")
    with pytest.raises(CompositeError, match="unknown weighting method 'ahp'"):
        weights(POINT, "ahp")
    with pytest.raises(CompositeError, match="unknown aggregation method 'harmonic'"):
        aggregate(POINT, {"x": 1, "y": 1}, "harmonic")
    with pytest.raises(CompositeError, match="unknown normalisation method 'log'"):
        normalise(POINT, "log", DIRS)
    with pytest.raises(CompositeError, match=r"indicator\(s\) y have no value"):
        score(POINT.assign(y=np.nan), spec())
    with pytest.raises(CompositeError, match=r"no column for indicator\(s\) y"):
        score(POINT[["x"]], spec())
    with pytest.raises(CompositeError, match="no direction for y"):
        IndexSpec("golden", ["x", "y"], {"x": 1})
    with pytest.raises(CompositeError, match="expert_weights"):
        spec(weighting="expert")
    with pytest.raises(CompositeError, match="missing: y"):
        spec(weighting="expert", expert_weights={"x": 1})
    with pytest.raises(CompositeError, match=r"frontier.*i1.*minmax"):
        normalise(pd.DataFrame({"i0": [1.0, 2], "i1": [-1.0, 2]}), "frontier", {"i0": 1, "i1": 1})
    with pytest.raises(CompositeError, match=r"unit\(s\) B have none"):
        score(POINT.assign(x=[1.0, np.nan, 2.0], y=[1.0, np.nan, 2.0]), spec())
    upper = POINT.copy()
    upper.loc["C", "y"] = 4.0
    with pytest.raises(CompositeError, match=r"unit C, indicator y.*lower ≤ point ≤ upper"):
        uncertainty(POINT, None, upper, spec(), n_draws=10)
    with pytest.raises(CompositeError, match="unknown choice"):
        uncertainty(POINT, None, None, spec(), {"normalization": ["minmax"]}, n_draws=10)
    assert issubclass(CompositeError, InputError)


# ------------------------------------------------------------------------------------------------
# Monte-Carlo
# ------------------------------------------------------------------------------------------------
COMBOS = list(itertools.product(NORMALISATIONS, ["equal", "expert", "pca"], AGGREGATIONS,
                                ["available", "mean", "drop"]))


@settings(max_examples=40, deadline=None)
@given(frames(min_units=3, max_units=10, max_ind=5, missing=True), st.sampled_from(COMBOS))
def test_exact_data_and_one_choice_collapse_the_rank_interval_to_the_point_rank(fd, combo):
    frame, dirs = fd
    norm, wgt, agg, miss = combo
    if miss == "drop" and frame.isna().any(axis=1).all():
        miss = "available"
    sp = IndexSpec("t", list(frame.columns), dirs, normalisation=norm, weighting=wgt, aggregation=agg,
                   missing=miss, expert_weights={c: i + 1 for i, c in enumerate(frame.columns)},
                   weight_concentration=None)
    u = uncertainty(frame, frame, frame, sp, {c: [getattr(sp, c)] for c in FACTORS[:4]}, n_draws=7, block=3)
    point = rank(score(frame, sp)).reindex(frame.index)
    for q in QUANTILES:
        pd.testing.assert_series_equal(u.rank_quantiles[q], point, check_names=False)
    pd.testing.assert_series_equal(u.rank_interval_95["lower"], point, check_names=False)
    pd.testing.assert_series_equal(u.rank_interval_80["upper"], point, check_names=False)
    pd.testing.assert_series_equal(u.ranks, point, check_names=False)
    assert (u.sensitivity["first_order"] == 0).all()


@settings(max_examples=20, deadline=None)
@given(frames(min_units=3, max_units=10, max_ind=5))
def test_rank_intervals_contain_the_point_rank_when_the_nominal_choices_are_drawn(fd):
    """With exact data and unperturbed weights the nominal combination occurs in ≥ 1/16 of the (balanced)
    draws, so its rank — the point rank — occurs in more than 2.5 % of them: inside the 95 % interval. With
    ≤ 8 combinations (≥ 12.5 % > 10 %) inside the 80 % interval too."""
    frame, dirs = fd
    sp = IndexSpec("t", list(frame.columns), dirs, weight_concentration=None)
    u = uncertainty(frame, None, None, sp, n_draws=160)  # default: 4 normalisations × 2 × (equal, pca)
    assert (u.rank_interval_95["lower"] <= u.ranks).all() and (u.ranks <= u.rank_interval_95["upper"]).all()
    u = uncertainty(frame, None, None, sp, {"normalisation": ["minmax", "rank"], "aggregation": AGGREGATIONS},
                    n_draws=40)
    assert (u.rank_interval_80["lower"] <= u.ranks).all() and (u.ranks <= u.rank_interval_80["upper"]).all()


def _bench_like(n=30, k=6, seed=3):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    x = pd.DataFrame(np.exp(0.6 * latent + 0.5 * rng.normal(size=(n, k))) * 100,
                     index=[f"u{i}" for i in range(n)], columns=[f"i{j}" for j in range(k)]).round(1)
    return x, x - 0.05, x + 0.05, {c: (1 if j % 3 else -1) for j, c in enumerate(x.columns)}


def test_rank_intervals_with_rounding_intervals_and_perturbed_weights():
    x, lo, hi, dirs = _bench_like()
    sp = IndexSpec("t", list(x.columns), dirs)
    u = uncertainty(x, lo, hi, sp, n_draws=2000, seed=1)
    assert (u.rank_interval_95["lower"] <= u.ranks).all() and (u.ranks <= u.rank_interval_95["upper"]).all()
    assert (u.rank_interval_95["lower"] <= u.rank_interval_80["lower"]).all()
    assert (u.rank_interval_80["upper"] <= u.rank_interval_95["upper"]).all()
    assert u.rank_draws.shape == (2000, len(x))
    assert (u.ranked_share == 1).all()
    assert list(u.sensitivity.columns) == ["varied", "levels", "first_order", "first_order_unit_mean", "pairs"]
    assert set(u.sensitivity.index) == set(FACTORS)
    # the same seed gives the same answer
    again = uncertainty(x, lo, hi, sp, n_draws=2000, seed=1)
    pd.testing.assert_frame_equal(u.rank_quantiles, again.rank_quantiles)
    pd.testing.assert_frame_equal(u.sensitivity, again.sensitivity)
    assert list(u.summary().columns)[:3] == ["score", "rank", "median_rank"]


def test_sensitivity_is_one_for_the_only_factor_that_varies():
    x, lo, hi, dirs = _bench_like()
    sp = IndexSpec("t", list(x.columns), dirs, weight_concentration=None)
    u = uncertainty(x, None, None, sp, {"normalisation": list(NORMALISATIONS)}, n_draws=400)
    s = u.sensitivity["first_order"]
    assert s["normalisation"] == pytest.approx(1.0, abs=1e-9)
    assert (s.drop("normalisation") == 0).all()
    assert s.index[0] == "normalisation"
    u = uncertainty(x, lo * 0.9, hi * 1.1, sp, {}, n_draws=400)
    s = u.sensitivity["first_order"]
    assert s["data"] == pytest.approx(1.0, abs=1e-9) and (s.drop("data") == 0).all()


def test_pick_freeze_agrees_with_the_between_level_variance_for_a_choice():
    """For a discrete choice, Var(E[rank | level]) can also be read off the main draws directly (variance of
    the per-level mean ranks); the pick-freeze estimate must agree within sampling error."""
    x, lo, hi, dirs = _bench_like(n=25, k=5)
    sp = IndexSpec("t", list(x.columns), dirs)
    u = uncertainty(x, lo, hi, sp, {"normalisation": ["minmax", "rank"], "aggregation": AGGREGATIONS},
                    n_draws=4000, sensitivity_draws=2000, seed=5)
    sims = {}
    for norm in ("minmax", "rank"):
        for agg in AGGREGATIONS:
            one = uncertainty(x, lo, hi, sp, {"normalisation": [norm], "aggregation": [agg]}, n_draws=1000,
                              sensitivity_draws=0, seed=7)
            sims[norm, agg] = one.rank_draws.mean(0)
    total = u.rank_draws.var(0).sum()
    grand = np.mean(list(sims.values()), axis=0)
    between = sum(((np.mean([sims[n, a] for a in AGGREGATIONS], axis=0) - grand) ** 2) / 2
                  for n in ("minmax", "rank")).sum()
    assert u.sensitivity.loc["normalisation", "first_order"] == pytest.approx(between / total, abs=0.08)


def test_open_bounds_are_sampled_up_to_the_factor():
    point = pd.DataFrame({"x": [10.0, 12.0, 20.0]}, index=["A", "B", "C"])
    sp = IndexSpec("t", ["x"], {"x": 1}, weight_concentration=None)
    upper = point.copy()
    upper.loc["A", "x"] = np.inf  # A: 10 以上 → sampled in [10, 15]; beats B (12) in 3/5 of the draws
    u = uncertainty(point, point, upper, sp, {}, n_draws=4000)
    a = u.rank_draws[:, 0]
    assert set(np.unique(a)) == {2.0, 3.0}
    assert (a == 2).mean() == pytest.approx(0.6, abs=0.03)
    assert u.ranks["A"] == 3.0
    lower = point.copy()
    lower.loc["C", "x"] = -np.inf  # C: 20 以下 → sampled in [20 / 1.5, 20] = [13.3, 20]; never below B
    u = uncertainty(point, lower, point, sp, {}, n_draws=500)
    assert (u.rank_draws[:, 2] == 1).all()
    lower.loc["C", "x"] = np.nan
    lower.loc["B", "x"] = -np.inf  # B: 12 以下 → [8, 12]; below A (10) in half the draws
    u = uncertainty(point, lower, point, sp, {}, n_draws=4000)
    assert (u.rank_draws[:, 1] == 3).mean() == pytest.approx(0.5, abs=0.03)


def test_drop_in_the_alternatives_leaves_the_unit_unranked_in_those_draws():
    sp = IndexSpec("golden", ["x", "y"], DIRS, weight_concentration=None)
    u = uncertainty(GAPPY, None, None, sp, {"missing": ["available", "drop"]}, n_draws=200)
    assert u.ranked_share["B"] == pytest.approx(0.5)
    assert u.ranked_share["A"] == 1.0
    assert u.ranks["B"] == 3.0


def test_default_alternatives_leave_out_frontier_when_values_can_be_negative():
    neg = POINT.assign(x=[-1.0, 2.0, 3.0])
    u = uncertainty(neg, None, None, spec(), n_draws=50)
    assert "frontier" not in u.alternatives["normalisation"]
    assert any("frontier" in n for n in u.notes)
    with pytest.raises(CompositeError, match="frontier"):
        uncertainty(neg, None, None, spec(), {"normalisation": ["frontier"]}, n_draws=50)
