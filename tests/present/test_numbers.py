"""The stated rules for digits, as properties: a shown number re-read lies within half a unit of its last
digit of the value it stands for, and no rule shows a float's artefacts."""
from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.model.numbers import parse_number
from sectorscope.present import (
    MISSING,
    decimals_of,
    fixed,
    grouped,
    in_unit,
    percent,
    rate,
    signed,
    signed_percent,
    significant,
    step_of,
)

values = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)
ARTEFACT = re.compile(r"e[+-]|nan|inf|\.\d*[1-9](0{4,}|9{4,})\d")  # an exponent, or a binary artefact in the fraction


def _within_half_a_step(shown: str, value: float, scale: float = 1.0) -> bool:
    back = parse_number(shown.rstrip("%")) * scale
    return abs(back - value) <= step_of(shown) * scale / 2 * (1 + 1e-9) + 1e-9 * abs(value)


@given(values, st.booleans())
def test_significant_round_trips_within_half_its_last_digit(v, grouping):
    shown = significant(v, grouping=grouping)
    assert _within_half_a_step(shown, v)


@given(values)
def test_significant_has_no_float_artefacts(v):
    shown = significant(v)
    assert not ARTEFACT.search(shown), shown
    assert len(shown.partition(".")[2]) <= 6 and (float(shown) != 0 or shown == "0"), shown
    digits = shown.lstrip("-").replace(".", "").lstrip("0")
    whole = shown.lstrip("-").split(".")[0]
    assert len(digits) <= max(4, len(whole)), shown  # four significant figures, the whole part never cut


@given(values, st.integers(0, 4))
def test_fixed_and_signed_round_trip(v, d):
    for shown in (fixed(v, d), fixed(v, d, grouping=False), signed(v, d)):
        assert decimals_of(shown) == d
        assert _within_half_a_step(shown, v)
        assert not ARTEFACT.search(shown.replace(",", ""))


@given(values)
def test_zero_never_carries_a_sign(v):
    tiny = v * 1e-20
    assert significant(-0.0) == "0" and fixed(tiny, 2).lstrip("-") == fixed(tiny, 2)
    assert not signed(tiny, 2).startswith("-") and not rate(tiny / 100).startswith("-")
    assert not percent(tiny).startswith("-")


@given(st.floats(min_value=-10, max_value=10, allow_nan=False))
def test_rates_and_percentages_round_trip(f):
    assert _within_half_a_step(rate(f), f * 100)
    assert _within_half_a_step(percent(f), f * 100)
    assert _within_half_a_step(signed_percent(f * 100), f * 100)


@given(values, st.sampled_from([1.0, 1e4, 1e8]), st.sampled_from([1.0, 1e4, 1e8]), st.integers(0, 3))
def test_a_stated_figure_keeps_the_precision_its_source_printed(v, printed_factor, factor, d):
    printed = f"{v / printed_factor:.{d}f}"
    value = float(printed) * printed_factor
    shown = in_unit(value, factor, printed=printed, printed_factor=printed_factor)
    assert _within_half_a_step(shown, value, factor)
    assert step_of(shown) * factor <= step_of(printed) * printed_factor * (1 + 1e-9)


@pytest.mark.parametrize(("value", "shown"), [
    (769.5000000000006, "769.5"), (0.048812, "0.04881"), (88.98, "88.98"), (3.89549e10, "38954900000"),
    (12.0, "12"), (0.1 + 0.2, "0.3"), (-0.0, "0"), (-1e-9, "0"), (1e-7, "0"), (9999.5, "10000"),
])
def test_examples(value, shown):
    assert significant(value) == shown


def test_missing_and_infinite():
    assert significant(None) == fixed(float("nan")) == signed(None) == percent(None) == MISSING
    assert significant(math.inf) == "∞" and signed(-math.inf) == "-∞" and rate(math.inf) == "+∞"


def test_grouping():
    assert grouped("1234567.25") == "1,234,567.25" and grouped("-1234") == "-1,234" and grouped("+12") == "+12"
    assert significant(59_780_000_000, grouping=True) == "59,780,000,000" and fixed(-0.04, 1) == "0.0"
    assert decimals_of("12.80") == 2 and decimals_of("1,820") == 0 and decimals_of("约12.5%") == 1


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
       st.sampled_from([1.0, 1e4, 1e8, 100.0]))
def test_a_stored_number_has_no_float_artefact(value, factor):
    """What a workbook cell holds: the value, without the binary artefact a division leaves (769.5, not
    769.5000000000006), to twelve significant digits."""
    from sectorscope.present import plain

    v = value / factor
    assert plain(v) == pytest.approx(v, rel=1e-11, abs=0)
    mantissa = re.sub(r"e.*$", "", repr(plain(v))).replace("-", "").replace(".", "").strip("0")
    assert len(mantissa) <= 12  # no digit past the twelfth: where a division's artefact would be
    assert plain(76_950_000_000 / 1e8) == 769.5 and plain(0.1 + 0.2) == 0.3 and plain(0.0) == 0.0
