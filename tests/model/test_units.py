from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.errors import UnitError
from sectorscope.model.units import PREFIXES, UNIT_KINDS, canonical_unit, parse_unit

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
COUNTERS = {"count_device": ["台", "颗", "只"], "count_wafer": ["片"], "count_org": ["家"], "count_item": ["项", "条"],
            "money": ["元", "人民币"], "mass": ["吨"]}


def test_yi_is_ten_thousand_wan():
    yi, wan = parse_unit("亿元"), parse_unit("万元")
    assert yi.kind == wan.kind == "money" and yi.canonical == wan.canonical == "元"
    assert yi.factor == 1e8 and wan.factor == 1e4
    assert 1 * yi.factor == 10_000 * wan.factor


@given(finite)
def test_yi_yuan_equals_ten_thousand_wan_yuan_for_any_value(x):
    assert math.isclose(x * parse_unit("亿元").factor, x * 10_000 * parse_unit("万元").factor, rel_tol=1e-12)


@given(st.sampled_from(sorted(PREFIXES)), st.sampled_from([(k, b) for k, bs in COUNTERS.items() for b in bs]), finite)
def test_prefixed_units_round_trip(prefix, kind_base, x):
    kind, base = kind_base
    u = parse_unit(prefix + base, kind)
    plain = parse_unit(base, kind)
    assert u.kind == kind and u.canonical == canonical_unit(kind) == plain.canonical
    canonical = x * u.factor
    assert math.isclose(canonical / u.factor, x, rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(canonical, x * PREFIXES[prefix] * plain.factor, rel_tol=1e-12, abs_tol=1e-9)


@pytest.mark.parametrize("printed, kind, canonical, factor", [
    ("億元", "money", "元", 1e8), ("萬臺", "count_device", "个", 1e4), ("万片", "count_wafer", "片", 1e4),
    ("%", "percent", "%", 1), ("个百分点", "percentage_point", "百分点", 1), ("百分點", "percentage_point", "百分点", 1),
    ("个月", "duration", "天", 365.25 / 12), ("周", "duration", "天", 7), ("吨", "mass", "吨", 1),
    ("万元/台", "price", "元/个", 1e4), ("家", "count_org", "家", 1), ("项", "count_item", "个", 1),
    ("亿颗", "count_device", "个", 1e8), ("μm", "length", "μm", 1), ("nm", "length", "μm", 1e-3),
])
def test_known_units(printed, kind, canonical, factor):
    u = parse_unit(printed, kind)
    assert (u.kind, u.canonical) == (kind, canonical)
    assert math.isclose(u.factor, factor)


def test_foreign_currency_is_flagged_for_fx():
    u = parse_unit("亿美元", "money")
    assert u.currency == "USD" and u.needs_fx and u.factor == 1e8
    assert not parse_unit("亿元", "money").needs_fx


@given(st.text(alphabet="qxzQZ#@!&*~^", min_size=1, max_size=6))
def test_unknown_units_are_rejected(text):
    with pytest.raises(UnitError, match=r"unknown unit|not a unit"):
        parse_unit(text)


@pytest.mark.parametrize("printed, kind", [("亿元", "percent"), ("%", "money"), ("万台", "money"), ("百分点", "percent")])
def test_unit_of_wrong_kind_is_rejected(printed, kind):
    with pytest.raises(UnitError, match=f"not a unit of kind '{kind}'"):
        parse_unit(printed, kind)


def test_ambiguous_counter_needs_a_kind():
    with pytest.raises(UnitError, match="ambiguous"):
        parse_unit("个")
    assert parse_unit("个", "count_org").canonical == "家"


def test_percent_takes_no_scale_prefix():
    with pytest.raises(UnitError):
        parse_unit("万%")


def test_every_kind_has_a_canonical_unit():
    for kind in UNIT_KINDS:
        assert canonical_unit(kind) == UNIT_KINDS[kind]
    with pytest.raises(UnitError):
        canonical_unit("furlongs")
