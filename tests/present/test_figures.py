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
