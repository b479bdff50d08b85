"""Periods: the ASCII form of a period is its key (a full-width `２０２５` is `2025`), and a year outside 1900–2200
is a typo, not a period (#18)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.errors import ParseError
from sectorscope.model import PERIOD_PATTERN, Period, parse_period

FULL_WIDTH = str.maketrans("0123456789Q-/", "０１２３４５６７８９Ｑ－／")

forms = st.one_of(
    st.integers(1900, 2200).map(str),
    st.tuples(st.integers(1900, 2200), st.integers(1, 4)).map(lambda t: f"{t[0]}Q{t[1]}"),
    st.tuples(st.integers(1900, 2200), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(st.integers(1900, 2199), st.integers(1, 100)).map(lambda t: f"{t[0]}/{min(t[0] + t[1], 2200)}"),
)


@given(forms)
def test_a_full_width_period_is_its_ascii_period(text):
    assert parse_period(text.translate(FULL_WIDTH)) == parse_period(text)
    assert parse_period(text.translate(FULL_WIDTH)).text == text


def test_full_width_periods_read_as_ascii():
    assert parse_period("２０２５") == Period("2025", date(2025, 1, 1), date(2025, 12, 31))
    assert parse_period("２０２５Ｑ３") == Period("2025Q3", date(2025, 7, 1), date(2025, 9, 30))
    assert parse_period(" ２０２５－０３ ") == Period("2025-03", date(2025, 3, 1), date(2025, 3, 31))


def test_the_period_pattern_means_ascii_digits():
    """\\d would match ２０２５ (and ٢٠٢٥): the pattern the API and the readers use takes ASCII digits only."""
    assert re.match(PERIOD_PATTERN, "2025") and re.match(PERIOD_PATTERN, "2025/2030")
    for text in ("２０２５", "٢٠٢٥", "2025/２０３０", "２０２５Q1"):
        assert not re.match(PERIOD_PATTERN, text), text


@pytest.mark.parametrize("text", ["0000", "1899", "2201", "9999", "1899Q4", "2201-01", "1850/1950", "2100/2300"])
def test_a_year_outside_1900_to_2200_is_refused(text):
    with pytest.raises(ParseError, match=f"period '{text}' is outside the years 1900–2200; check the year"):
        parse_period(text)


@pytest.mark.parametrize("text", ["1900", "2200", "1900Q1", "2200-12", "1900/2200"])
def test_the_bounds_themselves_are_periods(text):
    assert parse_period(text).text == text


def test_a_span_still_ends_after_it_starts():
    with pytest.raises(ParseError, match="must end after it starts"):
        parse_period("2030/2025")
