"""Figures, quantities and intervals: a stated figure as its source printed it, a computed one in its
display unit by the stated rule, one qualifier wording everywhere."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.model.numbers import parse_number
from sectorscope.present import (
    column_unit,
    figure,
    in_unit,
    interval,
    own_unit,
    qualified,
    quantity,
    scaled,
    span,
    step_of,
)


@pytest.mark.parametrize(("kwargs", "shown"), [
    ({"printed": "12.3", "unit_printed": "%", "qualifier": "about"}, "约12.3%"),
    ({"printed": "560", "unit_printed": "亿元", "qualifier": "at_least"}, "≥560亿元"),
    ({"printed": "5", "unit_printed": "家", "qualifier": "at_most"}, "≤5家"),
    ({"printed": "30", "printed_high": "45", "unit_printed": "天", "qualifier": "range"}, "30–45天"),
    ({"printed": "30", "unit_printed": "天", "qualifier": "range"}, "30天"),
    ({"printed": "1,820", "unit_printed": "台", "qualifier": "exact"}, "1,820台"),
    ({"value": 76_950_000_000.00001, "unit": "元"}, "769.5亿元"),
    ({"value": 3.0e8, "qualifier": "at_least", "unit": "元"}, "≥3亿元"),
    ({"value": 1e9, "value_high": 2e9, "qualifier": "range", "unit": "元"}, "10–20亿元"),
    ({"value": 850000.0, "unit": "个"}, "850000个"),
    ({"value": 12.0, "indicator": "market_share"}, "12%"),
    ({}, "—"),
])
def test_figures(kwargs, shown):
    assert figure(**kwargs) == shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_printed_figure_reads_the_same_in_both_languages(lang):
    """It is a quotation: the qualifier symbol and the printed unit are what the quote shows."""
    assert figure(printed="12.3", unit_printed="%", qualifier="about", lang=lang) == "约12.3%"
    assert qualified("70", "at_least", unit="%") == "≥70%"


def test_a_computed_figure_takes_its_unit_in_the_language():
    assert quantity(18_560_000_000, "元") == "185.6亿元"
    assert quantity(18_560_000_000, "元", lang="en") == "185.6 CNY 100 m"
    assert quantity(4.848, "TOPS") == "4.848TOPS" and quantity(4.848, "TOPS", lang="en") == "4.848 TOPS"
    assert quantity(59_780_000_000, "元", scale=False, grouping=True) == "59,780,000,000元"


def test_intervals_and_spans():
    assert interval(20.32e8, 20.51e8, "元") == "[20.32亿元, 20.51亿元]"
    assert interval(30.52e8, None, "元") == "≥30.52亿元" and interval(None, 5, "家") == "≤5家"
    assert interval(None, None) == "—"
    assert interval(-0.0701, 0.0249, digits=2, sign=True) == "[-0.07, +0.02]"
    assert interval(0.6665, 0.6675, digits=2) == "[0.67, 0.67]"
    assert span(502.1e8, 841.4e8, "元") == "502.1亿元 – 841.4亿元"


def test_display_units():
    assert column_unit("元", [1e8, 5e7]) == (1e8, "亿元") and column_unit("元", [5e5]) == (1e4, "万元")
    assert column_unit("个", [3e5]) == (1e4, "万个") and column_unit("%", [300]) == (1.0, "%")
    assert column_unit("元", []) == (1.0, "元") and column_unit("元", [None, float("nan")]) == (1.0, "元")
    assert own_unit("个", [3e5]) == (1.0, "个") and scaled(2e8, "元") == (2.0, "亿元")


@given(st.floats(min_value=0, max_value=1e13, allow_nan=False), st.sampled_from(["元", "个", "元/个"]))
def test_a_column_in_its_display_unit_round_trips(value, unit):
    factor, _ = column_unit(unit, [value])
    shown = in_unit(value, factor)
    assert abs(parse_number(shown) * factor - value) <= step_of(shown) * factor / 2 * (1 + 1e-9) + 1e-9 * value
    assert factor == 1.0 or value / factor >= 1


def test_an_interval_keeps_both_ends_in_one_display_unit():
    """[0亿元, 2,979亿元], never [0元, 2979亿元]: the pair takes the unit its larger end reaches."""
    assert interval(0, 2.97892e11, "元") == "[0亿元, 2979亿元]"
    assert interval(0, 2.97892e11, "元", grouping=True) == "[0亿元, 2,979亿元]"
    assert interval(9.5e7, 1.2e8, "元") == "[0.95亿元, 1.2亿元]"
    assert interval(0, 1.50625e7, "元", grouping=True) == "[0万元, 1,506万元]"
    assert interval(0.649679, 99.7783, "%") == "[0.6497%, 99.78%]"
    assert interval(3.89549e10, 1.68925e11, "元", lang="en") == "[389.5 CNY 100 m, 1689 CNY 100 m]"
    assert interval(1234.5, 5678.9, grouping=True, digits=1) == "[1,234.5, 5,678.9]"


@given(st.floats(-1e13, 1e13), st.floats(0, 1e13), st.sampled_from(["元", "个", "%", ""]), st.booleans())
def test_an_interval_end_is_the_pairs_unit_and_the_stated_rule(low, width, unit, grouping):
    high = low + width
    factor, shown = own_unit(unit, [low, high])
    text = interval(low, high, unit, grouping=grouping)
    lo, hi = text[1:-1].split(", ")
    assert lo.endswith(shown) and hi.endswith(shown)
    for end, v in ((lo, low), (hi, high)):
        number = end[: len(end) - len(shown)] if shown else end
        assert parse_number(number.replace(",", "")) == pytest.approx(v / factor, rel=5e-4, abs=5e-6)
