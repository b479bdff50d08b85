"""The period a passage carries: through sentences, into a list, from a heading; and where it stops."""
from __future__ import annotations

from datetime import date

import pytest

from sectorscope.ingest.extract import Document, load_lexicon
from sectorscope.ingest.extract.periods import ReportDate
from sectorscope.ingest.extract.prose import find_figures
from sectorscope.model.catalog import load_catalog


@pytest.fixture(scope="module")
def periods():
    catalog, lexicon = load_catalog(), load_lexicon()

    def run(text: str, report: ReportDate | None = None) -> list[tuple[str, str]]:
        doc = Document.from_text(text)
        return [(c.value_as_printed, c.period) for c in find_figures(doc, lexicon, catalog, report=report)]
    return run


def test_the_next_sentence_of_a_paragraph_keeps_its_year(periods):
    assert periods("2023年,中国MEMS市场规模达到1200亿元。其中,智能传感器贡献240亿元。") == [
        ("1200", "2023"), ("240", "2023")]


def test_a_new_paragraph_does_not(periods):
    assert periods("2023年,中国MEMS市场规模达到1200亿元。\n国内企业超过300家。") == [("1200", "2023"), ("300", "")]


def test_a_dated_heading_dates_its_section_until_the_next_heading(periods):
    text = "2024年市场回顾\n市场规模达到860亿元,同比增长12%。\n企业格局\n企业数量超过300家。"
    assert periods(text) == [("860", "2024"), ("12", "2024"), ("300", "")]


def test_list_items_take_the_intro_not_each_other(periods):
    text = "2025年1-6月主要数据如下:\n- 营业收入10.87亿元\n- 净利润1.12亿元\n\n- 2024年营业收入8.70亿元\n- 毛利率45%"
    assert periods(text) == [("10.87", "2025-01/2025-06"), ("1.12", "2025-01/2025-06"),
                             ("8.70", "2024"), ("45", "2025-01/2025-06")]


def test_items_without_a_full_stop_are_read_apart(periods):
    text = "市场规模与区域分布\n- 2023年全球出货量约210亿台\n- 中国产量占全球60%"
    assert periods(text) == [("210", "2023"), ("60", "")]


def test_now_with_no_report_date_stops_the_carry(periods):
    text = "2008年,全球传感器销售额为500亿美元。目前我国已有1700多家传感器企业。"
    assert periods(text) == [("500", "2008"), ("1700", "")]
    dated = ReportDate(day=date(2012, 3, 1), year=2012)
    assert periods(text, dated)[1] == ("1700", "2012")


def test_a_cagr_between_the_two_years_before_it(periods):
    text = "2025年市场价值为35.4亿美元,预计到2030年将达到49.4亿美元,期间复合年增长率为6.9%。"
    assert periods(text)[-1] == ("6.9", "2025/2030")


def test_a_wrapped_paragraph_is_one_passage(periods):
    text = "2023年,中国MEMS市场规模达到1200亿元,\n其中智能传感器贡献240亿元。"
    assert periods(text) == [("1200", "2023"), ("240", "2023")]


def test_a_bullet_mark_on_its_own_line_starts_an_item(periods):
    text = "2024年设备市场结构性变革显著:\n-\n前端设备:EUV出货量突破62台\n-\n先进封装:需求激增70%"
    assert periods(text) == [("62", "2024"), ("70", "2024")]


def test_each_period_of_a_report_is_no_period_to_carry(periods):
    text = "镜头是公司在2014年布局的产品线。报告期各期,镜头产品分别实现收入0.39亿元、0.70亿元和0.97亿元。"
    assert periods(text) == [("0.39", ""), ("0.70", ""), ("0.97", "")]
