from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.model.numbers import parse_number


@pytest.mark.parametrize("text, value", [
    ("1,820", 1820), ("68.3", 68.3), ("-4.7", -4.7), ("１２.５", 12.5), ("1,060", 1060), ("0.5", 0.5),
    ("三", 3), ("十二", 12), ("两千", 2000), ("一百零五", 105), ("半", 0.5), ("二分之一", 0.5),
    ("万亿", 1e12), ("三分之二", 2 / 3),
])
def test_printed_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1,82,0", "12..3", "约12", "12%"])
def test_not_numbers(text):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators_round_trip(n):
    assert parse_number(f"{n:,}") == n


@given(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False))
def test_decimals_round_trip(d):
    assert parse_number(str(d)) == float(d)
