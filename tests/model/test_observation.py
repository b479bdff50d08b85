"""Periods: the ASCII form of a period is its key (a full-width `２０２５` is `2025`), and a year outside 1900–2200
is a typo, not a period (#18)."""
from __future__ import annotations

import calendar
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


# ---- spans of months within one year: 1–N月 cumulative figures (#19) ----------------------------------------

month_spans = st.tuples(st.integers(1900, 2200), st.integers(1, 11)).flatmap(
    lambda t: st.tuples(st.just(t[0]), st.just(t[1]), st.integers(t[1] + 1, 12)))


@given(month_spans)
def test_a_month_span_round_trips_and_starts_and_ends_on_its_months(span):
    y, m1, m2 = span
    text = f"{y}-{m1:02d}/{y}-{m2:02d}"
    p = parse_period(text)
    assert p.text == text and re.match(PERIOD_PATTERN, text)
    assert p.start == date(y, m1, 1)
    assert p.end == date(y, m2, calendar.monthrange(y, m2)[1])
    assert p.year == y
    assert parse_period(p.text) == p  # its text is a period again
    assert parse_period(text.translate(FULL_WIDTH)) == p  # typed full-width, the same key


def test_january_to_may_2025():
    assert parse_period("2025-01/2025-05") == Period("2025-01/2025-05", date(2025, 1, 1), date(2025, 5, 31))
    assert parse_period("2024-01/2024-02").end == date(2024, 2, 29)  # a leap year's February


@given(month_spans)
def test_a_month_span_that_ends_before_it_starts_is_refused(span):
    y, m1, m2 = span
    with pytest.raises(ParseError, match="must end after it starts"):
        parse_period(f"{y}-{m2:02d}/{y}-{m1:02d}")


@pytest.mark.parametrize(("text", "reason"), [
    ("2025-05/2025-03", "period span '2025-05/2025-03' must end after it starts$"),
    ("2025-03/2025-03", "must end after it starts; a single month is written 2025-03"),
    ("2025-01/2026-02", "must end in the year it starts \\(2025\\); a span of months is 1–N月 of one year"),
    ("2024-11/2025-02", "must end in the year it starts \\(2024\\)"),
    ("2025-13/2025-14", "is not YYYY, YYYYQn, YYYY-MM, YYYY/YYYY or YYYY-MM/YYYY-MM"),
    ("2025-00/2025-05", "is not YYYY"),
    ("2025-01/2025-5", "is not YYYY"),
    ("2025-01/05", "is not YYYY"),
    ("2025Q1/2025Q2", "is not YYYY"),
    ("2025-01/2025", "is not YYYY"),
    ("2201-01/2201-05", "outside the years 1900–2200"),
])
def test_a_bad_month_span_is_refused_with_its_reason(text, reason):
    with pytest.raises(ParseError, match=reason):
        parse_period(text)


@given(st.text(alphabet="0123456789-/Q", max_size=16))
def test_the_pattern_and_the_parser_agree_on_the_form(text):
    """What the API's query pattern and the readers' header pattern accept is what parse_period reads (or
    refuses for a year or an order, never for its form)."""
    try:
        parse_period(text)
        parsed = True
    except ParseError as exc:
        parsed = "is not YYYY" not in str(exc)
    assert parsed == bool(re.match(PERIOD_PATTERN, text.strip()))
