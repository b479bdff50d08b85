"""Periods: every form the reader resolves, and what it refuses to invent."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.ingest.extract import Document
from sectorscope.ingest.extract.periods import ReportDate, period_year, periods_in, report_date_of
from sectorscope.model.observation import parse_period


def labels(text: str, ctx_year: int | None = None, report: ReportDate | None = None) -> list[str]:
    return [p.text for p in periods_in(text, 0, len(text), ctx_year, report)]


@pytest.mark.parametrize(("text", "want"), [
    ("2025年10月份,集成电路产量91.3亿块", ["2025-10"]),
    ("2025年1-10月累计产量842.3亿块", ["2025-01/2025-10"]),
    ("报告期为2022年1 - 6月", ["2022-01/2022-06"]),
    ("2022年上半年进口2797亿块", ["2022-01/2022-06"]),
    ("2024年前三季度营收", ["2024-01/2024-09"]),
    ("2025年一季度产能利用率", ["2025Q1"]),
    ("2025年1-3月", ["2025Q1"]),
    ("2020-2025年", ["2020/2025"]),
    ("十四五期间年均增长", ["2021/2025"]),
    ("到十四五末", ["2025"]),
])
def test_forms_with_their_year(text, want):
    assert labels(text) == want


def test_a_month_without_its_year_takes_the_sentences_then_the_passages():
    assert labels("2025年10月产量91.3亿块,1-10月累计842.3亿块") == ["2025-10", "2025-01/2025-10"]
    assert labels("10月份产量91.3亿块", ctx_year=2024) == ["2024-10"]
    assert labels("10月份产量91.3亿块") == []  # no year anywhere: not a period


def test_relative_words_need_the_reports_date():
    dated = ReportDate(day=date(2025, 10, 27), year=2025)
    assert labels("去年产量", report=dated) == ["2024"]
    assert labels("未来五年复合增长率12.5%", report=dated) == ["2025/2030"]
    assert labels("近三年", report=dated) == ["2022/2025"]
    # a year in a title is what the figures are of, not when the report was written: 去年 stays unresolved
    assert labels("去年产量", report=ReportDate(year=2025)) == []
    assert labels("未来五年复合增长率12.5%", report=ReportDate(year=2025)) == []


def test_a_publication_date_dates_to_its_year():
    assert labels("工信部2025年4月发布的《评估》") == ["2025"]


def test_six_months_is_a_duration_not_june():
    assert labels("锁定原材料6个月") == []


def test_report_date_and_period_from_the_header():
    doc = Document.from_text("睿创微纳2022年半年度报告摘要\n发布日期:2022-08-30\n报告期为2022年1-6月,…")
    rd = report_date_of(doc)
    assert (rd.day, rd.year, rd.period, rd.period_end) == (date(2022, 8, 30), 2022, "2022-01/2022-06", "2022-06")
    assert labels("本报告期营业收入10.87亿元,本报告期末总资产56亿元", report=rd) == ["2022-01/2022-06", "2022-06"]


@given(st.integers(1990, 2060), st.integers(1, 12), st.integers(1, 12))
def test_every_month_form_is_a_period_the_store_takes(y, m1, m2):
    for text in (f"{y}年{m1}月", f"{y}年{m1}-{m2}月"):
        for label in labels(text):
            p = parse_period(label)  # raises if the store would refuse it
            assert period_year(label) == p.year == y


@pytest.mark.parametrize(("text", "want"), [
    ("截止日期:2025-06-30", ["2025-01/2025-06"]),
    ("截至2024年9月末,公司", ["2024-01/2024-09"]),
    ("截至2024年12月31日", ["2024"]),
    ("截至2024年3月31日", ["2024Q1"]),
])
def test_a_date_figures_run_to_is_the_year_to_that_date(text, want):
    assert labels(text) == want


def test_last_years_same_period_binds_its_own_clause_only():
    assert labels("2022年上半年营收,去年同期营收") == ["2022-01/2022-06", "2021-01/2021-06"]
    assert labels("较上年同期增长") == []  # a base with nothing to be a year before


@pytest.mark.parametrize(("text", "want"), [
    ("2025H1 占总收入7.47%", ["2025-01/2025-06"]),
    ("2025年H2", ["2025-07/2025-12"]),
    ("2024Q3营收", ["2024Q3"]),
])
def test_halves_and_quarters_written_against_the_year(text, want):
    assert labels(text) == want
