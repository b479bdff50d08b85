"""A period as a reader writes it (present/periods.py): the exact forms in both languages, and, for every
period code the store accepts, a label that reads back to the same code — no two periods share a label."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.present import period_label

MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.mark.parametrize(("code", "zh", "en"), [
    ("2025", "2025", "2025"),
    ("2025Q3", "2025年第3季度", "Q3 2025"),
    ("2025-03", "2025年3月", "Mar 2025"),
    ("2025-12", "2025年12月", "Dec 2025"),
    ("2025/2030", "2025–2030年", "2025–2030"),
    ("2025-01/2025-05", "2025年1–5月", "Jan–May 2025"),
    ("2024-03/2024-11", "2024年3–11月", "Mar–Nov 2024"),
    ("２０２５Ｑ１", "2025年第1季度", "Q1 2025"),  # full width, as an IME types it: the same period
])
def test_each_form_reads_as_a_reader_writes_it(code, zh, en):
    assert period_label(code) == zh
    assert period_label(code, "en") == en


@pytest.mark.parametrize("value", ["2025年", "近五年", "2025-13", "2030/2025", "2025-05/2025-01", "FY2025"])
def test_a_text_that_is_not_a_period_code_shows_as_given(value):
    assert period_label(value) == value
    assert period_label(value, "en") == value


@pytest.mark.parametrize("value", [None, "", float("nan")])
def test_a_missing_period_is_blank(value):
    assert period_label(value) == ""


def _code_back_zh(label: str) -> str:
    if m := re.fullmatch(r"(\d{4})", label):
        return m[1]
    if m := re.fullmatch(r"(\d{4})年第([1-4])季度", label):
        return f"{m[1]}Q{m[2]}"
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月", label):
        return f"{m[1]}-{int(m[2]):02d}"
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})–(\d{1,2})月", label):
        return f"{m[1]}-{int(m[2]):02d}/{m[1]}-{int(m[3]):02d}"
    if m := re.fullmatch(r"(\d{4})–(\d{4})年", label):
        return f"{m[1]}/{m[2]}"
    raise AssertionError(f"unreadable label {label!r}")


def _code_back_en(label: str) -> str:
    mon = {name: i + 1 for i, name in enumerate(MONTHS_EN)}
    if m := re.fullmatch(r"(\d{4})", label):
        return m[1]
    if m := re.fullmatch(r"Q([1-4]) (\d{4})", label):
        return f"{m[2]}Q{m[1]}"
    if m := re.fullmatch(r"([A-Z][a-z]{2}) (\d{4})", label):
        return f"{m[2]}-{mon[m[1]]:02d}"
    if m := re.fullmatch(r"([A-Z][a-z]{2})–([A-Z][a-z]{2}) (\d{4})", label):
        return f"{m[3]}-{mon[m[1]]:02d}/{m[3]}-{mon[m[2]]:02d}"
    if m := re.fullmatch(r"(\d{4})–(\d{4})", label):
        return f"{m[1]}/{m[2]}"
    raise AssertionError(f"unreadable label {label!r}")


years = st.integers(1900, 2200)


@st.composite
def period_codes(draw) -> str:
    y = draw(years)
    form = draw(st.sampled_from(["year", "quarter", "month", "months", "years"]))
    if form == "year":
        return f"{y}"
    if form == "quarter":
        return f"{y}Q{draw(st.integers(1, 4))}"
    if form == "month":
        return f"{y}-{draw(st.integers(1, 12)):02d}"
    if form == "months":
        m1 = draw(st.integers(1, 11))
        return f"{y}-{m1:02d}/{y}-{draw(st.integers(m1 + 1, 12)):02d}"
    y = min(y, 2199)  # a span ends after it starts, by 2200
    return f"{y}/{draw(st.integers(y + 1, 2200))}"


@given(period_codes())
def test_every_period_reads_back_to_its_code_in_both_languages(code):
    assert _code_back_zh(period_label(code, "zh")) == code
    assert _code_back_en(period_label(code, "en")) == code
