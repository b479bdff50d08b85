"""The interval a figure stands for (store/figure_interval.py): the issue's examples, and properties on random
figures — the Ibis forms (staged and inline) and the pandas form agree exactly, and the interval contains the
figure's value (and its true value before printing, when rounding is read)."""
from __future__ import annotations

import math

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.store.figure_interval import (
    DEFAULT,
    RULES,
    About,
    interval_columns,
    interval_exprs,
    interval_frame,
)

SCHEMA = {"i": "int64", "value": "float64", "value_high": "float64", "qualifier": "string", "status": "string",
          "value_as_printed": "string", "value_high_as_printed": "string", "unit_as_printed": "string",
          "bound_low": "float64", "bound_high": "float64"}
# unit as printed → how many canonical units one printed unit is (家 counts: exact)
UNITS = {"%": 1.0, "亿元": 1e8, "万台": 1e4, "家": 1.0, "个": 1.0, "天": 1.0, "": 1.0, None: 1.0}


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame([{k: r.get(k) for k in SCHEMA} for r in rows], columns=list(SCHEMA))
    df["i"] = range(len(df))
    for c, kind in SCHEMA.items():
        if kind == "float64":
            df[c] = df[c].astype(float)
    return df


def ibis_forms(df: pd.DataFrame, **opts) -> pd.DataFrame:
    """lo, hi from interval_columns and lo2, hi2 from interval_exprs, in one query."""
    t = ibis.memtable(df, schema=SCHEMA)
    staged = interval_columns(t, **opts)
    lo2, hi2 = interval_exprs(t, **opts)
    inline = t.select("i", lo2=lo2, hi2=hi2)
    return staged.select("i", "lo", "hi").join(inline, "i").execute().sort_values("i").reset_index(drop=True)


def one(**fig) -> tuple[float, float]:
    """A single figure's interval, from the pandas form, checked against the Ibis form."""
    opts = {k: fig.pop(k) for k in ("rounding", "about", "derived_bounds") if k in fig}
    df = frame([fig])
    lo, hi = interval_frame(df, **opts)
    got = ibis_forms(df, **opts)
    assert (got.loc[0, "lo"], got.loc[0, "hi"]) == (lo[0], hi[0])
    return float(lo[0]), float(hi[0])


AUDIT = {"rounding": True, "about": About(1.0)}
ALERT = {"rounding": False, "derived_bounds": True}


# ---- the examples ---------------------------------------------------------------------------------------
def test_printed_decimals_give_half_a_digit_either_side():
    lo, hi = one(value=12.8, value_as_printed="12.8", unit_as_printed="%", qualifier="exact", **AUDIT)
    assert (lo, hi) == (pytest.approx(12.75), pytest.approx(12.85))
    lo, hi = one(value=3.2e10, value_as_printed="320", unit_as_printed="亿元", qualifier="exact", **AUDIT)
    assert (lo, hi) == (pytest.approx(3.195e10), pytest.approx(3.205e10))
    assert one(value=1820.0, value_as_printed="1,820", unit_as_printed="天", **AUDIT) == (1819.5, 1820.5)


def test_about_widens_by_digits_or_share_of_the_value():
    lo, hi = one(value=12.8, value_as_printed="12.8", unit_as_printed="%", qualifier="about", **AUDIT)
    assert (lo, hi) == (pytest.approx(12.65), pytest.approx(12.95))  # ±(0.05 + one digit)
    lo, hi = one(value=100.0, value_as_printed="100", unit_as_printed="%", qualifier="about", rounding=True,
                 about=About(1.0, 0.1))
    assert (lo, hi) == (pytest.approx(89.5), pytest.approx(110.5))  # 10 % of the value is wider than 1


def test_bounds_are_half_lines_and_ranges_their_ends():
    assert one(value=70.0, value_as_printed="70", unit_as_printed="%", qualifier="at_least", **AUDIT) == (69.5, math.inf)
    assert one(value=8.0, value_as_printed="8", unit_as_printed="%", qualifier="at_most", **AUDIT) == (-math.inf, 8.5)
    lo, hi = one(value=11.5, value_high=12.2, value_as_printed="11.5", value_high_as_printed="12.2",
                 unit_as_printed="%", qualifier="range", **AUDIT)
    assert (lo, hi) == (pytest.approx(11.45), pytest.approx(12.25))


def test_a_count_in_a_bare_counter_is_exact():
    assert one(value=5.0, value_as_printed="5", unit_as_printed="家", qualifier="exact", **AUDIT) == (5.0, 5.0)
    assert one(value=5e4, value_as_printed="5", unit_as_printed="万台", qualifier="exact", **AUDIT) == (4.5e4, 5.5e4)


def test_alert_rules_read_the_qualifier_alone_and_derived_bounds():
    # exactly 70 with "< 70" does not fire: no rounding
    assert one(value=70.0, value_as_printed="70", unit_as_printed="%", qualifier="exact", **ALERT) == (70.0, 70.0)
    assert one(value=70.0, value_as_printed="70", qualifier="about", **ALERT) == (70.0, 70.0)
    assert one(value=70.0, qualifier="at_least", **ALERT) == (70.0, math.inf)
    assert one(value=10.0, value_high=20.0, qualifier="range", **ALERT) == (10.0, 20.0)
    derived = {"value": 0.8, "status": "derived", "value_as_printed": "0.8", "qualifier": "exact"}
    assert one(**derived, bound_low=0.7, bound_high=0.9, **ALERT) == (0.7, 0.9)
    assert one(**derived, bound_low=0.7, **ALERT) == (0.8, 0.8)  # one bound stored: the qualifier's rule
    assert one(**derived, bound_low=0.7, bound_high=0.9, **AUDIT) == (pytest.approx(0.75), pytest.approx(0.85))


def test_a_frame_lacking_columns_reads_them_as_null():
    df = pd.DataFrame({"value": [1.0, 2.0], "qualifier": ["at_least", None]}, index=[5, 7])
    lo, hi = interval_frame(df, rounding=False)
    assert list(lo.index) == [5, 7] and lo.tolist() == [1.0, 2.0] and hi.tolist() == [math.inf, 2.0]
    lo, hi = interval_frame(pd.DataFrame({"value": [3.0], "qualifier": ["about"]}), rounding=True, about=About(1.0))
    assert (lo[0], hi[0]) == (2.0, 4.0)  # nothing printed: 约 widens by one unit, rounding by nothing


def test_every_qualifier_has_a_rule_and_the_default_is_exact():
    assert set(RULES) == {"exact", "about", "at_least", "at_most", "range"} and DEFAULT == "exact"


# ---- properties on random figures -------------------------------------------------------------------------------
def printed(x: float, d: int, commas: bool) -> str:
    return f"{x:,.{d}f}" if commas else f"{x:.{d}f}"


@st.composite
def figures(draw) -> dict:
    """A figure as ingest stores it: a true value printed at some precision in some unit, the value read back
    from the printing, a qualifier, maybe a range's upper end, maybe stored bounds."""
    unit = draw(st.sampled_from(list(UNITS)))
    scale = UNITS[unit]
    d = draw(st.integers(0, 4))
    true = draw(st.floats(-5e4, 5e4, allow_nan=False, allow_infinity=False))
    kind = draw(st.sampled_from(["number", "number", "number", "chinese", "none"]))
    if unit in ("家", "个") or kind == "chinese":
        true, d = (3.0 if kind == "chinese" else float(round(true))), 0
    text = printed(true, d, draw(st.booleans()))
    value = float(text.replace(",", "")) * scale
    if kind == "chinese":
        text = "三"  # a Chinese numeral: no digits to read, so no rounding
    elif kind == "none":
        text = None
    status = draw(st.sampled_from(["actual", "estimate", "forecast", "derived", None]))
    # a derived figure is never a range (analytics/derived.py states it as a point, a bound or about)
    qualifier = draw(st.sampled_from([q for q in (*RULES, None) if not (status == "derived" and q == "range")]))
    fig = {"value": value, "value_as_printed": text, "unit_as_printed": unit, "qualifier": qualifier,
           "status": status, "true": true * scale}
    if qualifier == "range" or (status != "derived" and draw(st.integers(0, 9)) == 0):
        step = draw(st.floats(0, 1e4, allow_nan=False))
        high = printed(true + step, d, False)
        fig.update(value_high=float(high) * scale, value_high_as_printed=high)
    if fig["status"] == "derived" and draw(st.booleans()):
        fig["bound_low"] = value - draw(st.floats(0, 100, allow_nan=False))
        if draw(st.integers(0, 3)):
            fig["bound_high"] = value + draw(st.floats(0, 100, allow_nan=False))
    return fig


OPTIONS = st.fixed_dictionaries({
    "rounding": st.booleans(),
    "about": st.sampled_from([None, About(1.0), About(0.5, 0.02), About(0.0, 0.1)]),
    "derived_bounds": st.booleans(),
})


def same(a: pd.Series, b: pd.Series) -> bool:
    return bool(np.array_equal(a.to_numpy(float), b.to_numpy(float), equal_nan=True))


@settings(max_examples=40)
@given(st.lists(figures(), min_size=1, max_size=25), OPTIONS)
def test_the_ibis_and_pandas_forms_agree_and_contain_the_value(figs, opts):
    df = frame(figs)
    lo, hi = interval_frame(df, **opts)
    got = ibis_forms(df, **opts)
    assert same(got["lo"], lo) and same(got["hi"], hi)  # the staged Ibis form and the pandas form
    assert same(got["lo2"], lo) and same(got["hi2"], hi)  # the inline Ibis form
    value = df["value"]
    assert (lo <= value).all() and (value <= hi).all()
    rng = df["qualifier"] == "range"
    assert (hi[rng] >= df["value_high"][rng]).all()
    if opts["rounding"]:  # printing rounds the true value: the interval holds it (up to the float error)
        true = pd.Series([f["true"] for f in figs])
        # a printed 0 says nothing of its unit's scale (factor 1), and nothing printed nothing of its digits
        exact = df["value_as_printed"].notna() & (df["value"] != 0)
        if opts["derived_bounds"]:
            exact &= ~((df["status"] == "derived") & df["bound_low"].notna() & df["bound_high"].notna())
        tol = 1e-9 * np.maximum(true.abs(), 1.0)
        assert (lo[exact] <= true[exact] + tol[exact]).all() and (true[exact] - tol[exact] <= hi[exact]).all()


@settings(max_examples=30)
@given(st.lists(figures(), min_size=1, max_size=25))
def test_rounding_and_about_only_widen(figs):
    df = frame(figs)
    lo0, hi0 = interval_frame(df, rounding=False)
    lo1, hi1 = interval_frame(df, rounding=True)
    lo2, hi2 = interval_frame(df, rounding=True, about=About(1.0, 0.05))
    assert (lo2 <= lo1).all() and (lo1 <= lo0).all() and (hi0 <= hi1).all() and (hi1 <= hi2).all()
