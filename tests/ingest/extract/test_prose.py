"""Prose figures: the cases the seeds show, each asserted value by value."""
from __future__ import annotations

import pytest

from sectorscope.ingest.extract import Document, load_lexicon
from sectorscope.ingest.extract.periods import ReportDate
from sectorscope.ingest.extract.prose import find_figures, report_year
from sectorscope.model.catalog import load_catalog


@pytest.fixture(scope="module")
def read():
    catalog, lexicon = load_catalog(), load_lexicon()

    def run(text: str, year: int = 2025):
        doc = Document.from_text(text)
        return [(c.indicator, c.period, c.printed, c.printed_high, c.unit_as_printed, c.qualifier)
                for c in find_figures(doc, lexicon, catalog, report=ReportDate(year=year))]
    return run


def test_utilisation_and_percentage_point_change(read):
    assert read("2025年一季度,全国缩微机械整体产能利用率为68.3%,较2024年同期下降4.7个百分点。") == [
        ("capacity_utilisation", "2025Q1", 68.3, None, "%", "exact"),
        ("capacity_utilisation_change", "2025Q1", -4.7, None, "个百分点", "exact"),
    ]


def test_bounds_and_qualifiers(read):
    got = read("2025年全球MEMS市场规模突破600亿元,国内厂商份额约35%,进口依存度超过70%,高端产品自给率不足8%,国产化率低于10%。")
    assert got == [
        ("market_size", "2025", 600.0, None, "亿元", "at_least"),
        ("domestic_share", "2025", 35.0, None, "%", "about"),
        ("import_dependence", "2025", 70.0, None, "%", "at_least"),
        ("self_sufficiency_rate", "2025", 8.0, None, "%", "at_most"),
        ("localisation_rate", "2025", 10.0, None, "%", "at_most"),
    ]


def test_symbols_and_suffix_bounds(read):
    # no period in the text: left open, not the report's year
    assert read("库存周转天数<30天,交货周期≥14.6周,相关企业300家以上。") == [
        ("inventory_days", "", 30.0, None, "天", "at_most"),
        ("lead_time", "", 14.6, None, "周", "at_least"),
        ("company_count", "", 300.0, None, "家", "at_least"),
    ]


def test_ranges(read):
    got = read("良品率徘徊在70%–75%。")
    assert got == [("yield_rate", "", 70.0, 75.0, "%", "range")]
    months = read("风险投资普遍偏好12–18个月可退出的项目。")
    assert [(g[2], g[3], g[4], g[5]) for g in months] == [(12.0, 18.0, "个月", "range")]


def test_mixed_numerals_and_growth(read):
    assert read("2025年高纯铌酸锂晶片进口量达1,820吨,同比增长19.6%;可穿戴设备出货量预计达2.1亿台。") == [
        ("imports_volume", "2025", 1820.0, None, "吨", "exact"),
        ("imports_volume_growth", "2025", 19.6, None, "%", "exact"),
        ("sales_volume", "2025", 2.1, None, "亿台", "exact"),
    ]


def test_chinese_numerals(read):
    assert read("国内掌握TSV技术的企业不足五家。") == [("company_count", "", 5.0, None, "家", "at_most")]


def test_cagr_with_its_period(read):
    assert read("预计2025–2030年市场规模年均复合增长率为11.5%–12.2%。") == [
        ("market_size_cagr", "2025/2030", 11.5, 12.2, "%", "range")]


def test_decrease_and_deficit_are_negative(read):
    assert read("2023年出口额同比下降7.4%,贸易逆差扩大至4.8亿美元。") == [
        ("exports_value_growth", "2023", -7.4, None, "%", "exact"),
        ("trade_balance", "2023", -4.8, None, "亿美元", "exact"),
    ]


def test_year_bound_to_its_figure(read):
    got = read("本土厂商市场份额从2020年的38%提升至2023年的62%。")
    assert [(g[1], g[2]) for g in got] == [("2020", 38.0), ("2023", 62.0)]


def test_not_figures(read):
    # years, section numbers, model names and thresholds are not figures
    assert read("2025年,5G与3.0T MRI推动ISO10993认证;营收超10亿元有7家以上。")[:1] == [] or all(
        g[4] != "亿元" for g in read("营收超10亿元有7家以上。"))
    assert read("2025年是关键之年。") == []


def test_traditional_source_offsets_point_at_the_printed_figure():
    catalog, lexicon = load_catalog(), load_lexicon()
    original = "2025年一季度,全國縮微機(jī)械整體產(chǎn)能利用率為68.3%,較2024年同期下降4.7個百分點(diǎn)。"
    doc = Document.from_text(original)
    a, b = find_figures(doc, lexicon, catalog)
    assert original[a.start:a.end] == "68.3%"
    assert original[b.start:b.end] == "4.7個百分點"
    assert a.value_as_printed == "68.3" and b.value_as_printed == "4.7"
    assert original[a.quote_start:a.quote_end] == a.quote
    assert "產(chǎn)能利用率" in a.quote


def test_report_year_from_title_or_text():
    assert report_year(Document.from_text("2025年及未来5年中国缩微机械市场报告\n正文2019年…")) == 2025
    # the page's most frequent year is not the report's: no year in the title, none invented
    assert report_year(Document.from_text("MEMS产业\n2019年规模…2019年…2018年…")) is None


def test_modifier_makes_a_generic_share_domestic(read):
    assert read("2023年国产高精度工业成像仪在国内市场份额已达38.6%,较2020年提升12.4个百分点。") == [
        ("domestic_share", "2023", 38.6, None, "%", "exact"),
        ("domestic_share_change", "2020/2023", 12.4, None, "个百分点", "exact"),
    ]


def test_a_fall_said_with_a_single_character_is_a_fall(read):
    # 再降15%: 降 alone (and 跌, 下跌) is a decrease; 降至 still states a level
    assert read("2024年MEMS市场规模同比再降15%,营收同比下跌8.2%,毛利率降至21.5%。", 2024) == [
        ("market_size_growth", "2024", -15.0, None, "%", "exact"),
        ("revenue_growth", "2024", -8.2, None, "%", "exact"),
        ("gross_margin", "2024", 21.5, None, "%", "exact"),
    ]


def test_tenths_are_shares(read):
    # 接近六成, 七成多, 三成: tenths of a whole, with their bounds; 二成品 (成品, a word) is no share
    assert read("2024年国产传感器市场份额接近六成,国产设备占比七成多,成本下降三成,库存中二成品待检。", 2024) == [
        ("domestic_share", "2024", 60.0, None, "%", "about"),
        ("domestic_share", "2024", 70.0, None, "%", "at_least"),
        ("cost_change", "2024", -30.0, None, "%", "exact"),
    ]


@pytest.mark.parametrize(("text", "value", "qualifier"), [
    ("2024年国产化率约 50%。", 50.0, "about"), ("2024年国产化率约\u300050%。", 50.0, "about"),
    ("2024年国产化率80% 以上。", 80.0, "at_least"), ("2024年国产化率 20% 左右。", 20.0, "about"),
    ("2024年国产化率不足 8%。", 8.0, "at_most"),
])
def test_a_space_does_not_part_a_qualifier_from_its_figure(read, text, value, qualifier):
    assert read(text, 2024) == [("localisation_rate", "2024", value, None, "%", qualifier)]


def test_figures_written_as_words(read):
    # 过半, 近一半, 超过半数, 翻一番: a share or a multiple without a numeral; 半导体 and 半年 are no figures
    got = read("2024年国产传感器市场份额过半,进口依存度近一半,超过半数企业营收翻一番,半导体企业近半年产能利用率下降一半。", 2024)
    assert [(p, v, u, q) for _, p, v, _, u, q in got] == [
        ("2024", 50.0, "%", "at_least"), ("2024", 50.0, "%", "about"), ("2024", 50.0, "%", "at_least"),
        ("2024", 2.0, "倍", "exact"), ("2024", -50.0, "%", "exact")]
    assert [i for i, *_ in got][:2] == ["domestic_share", "import_dependence"]


def test_a_second_number_in_another_unit_is_a_second_figure(read):
    got = read("2024年韩国设备支出增长3%至205亿美元。")
    assert [(g[2], g[3], g[4]) for g in got] == [(3.0, None, "%"), (205.0, None, "亿美元")]


def test_whose_figure_it_is(read_dims):
    # the region named earlier in the sentence or list item, not the one a share is of (占全球)
    assert read_dims("韩国:受HBM需求拉动,设备支出增长3%至205亿美元。") == [("3", "韩国"), ("205", "韩国")]
    assert read_dims("2000年中国产量约39亿台,占全球总产量的60%。") == [("39", "中国"), ("60", "中国")]
    assert read_dims("北美:设备投资增长14%至137亿美元。") == [("14", "北美"), ("137", "北美")]


@pytest.fixture(scope="module")
def read_dims():
    catalog, lexicon = load_catalog(), load_lexicon()

    def run(text: str) -> list[tuple[str, str]]:
        out = []
        for c in find_figures(Document.from_text(text), lexicon, catalog):
            out.append((c.value_as_printed, c.dimensions.get("country") or c.dimensions.get("region", "")))
        return out
    return run


def test_a_growth_or_cagr_word_alone_is_of_the_quantity_before_it(read):
    got = read("2025年加速度计市场价值为35.4亿美元,预计到2030年将达到49.4亿美元,期间复合年增长率为6.9%。")
    assert [(g[0], g[1], g[2]) for g in got] == [
        ("market_size", "2025", 35.4), ("market_size", "2030", 49.4), ("market_size_cagr", "2025/2030", 6.9)]


def test_a_market_size_in_units_is_units_sold(read):
    assert [(g[0], g[2], g[4]) for g in read("2018年MEMS市场规模为31.21亿颗。")] == [("sales_volume", 31.21, "亿颗")]


def test_respectively_pairs_each_figure_with_its_term(read):
    # the case: a sales-volume CAGR is not a market-size CAGR
    got = read("2018年至2027年销售额及销售量的复合增长率分别为6.39%和7.65%。")
    assert [(g[0], g[1], g[2]) for g in got] == [
        ("market_size_cagr", "2018/2027", 6.39), ("sales_volume_cagr", "2018/2027", 7.65)]


def test_a_space_between_a_fall_and_its_figure(read):
    got = read("2022 年上半年,我国共进口集成电路 2797 亿块,同比减少 10.4%。")
    assert [(g[1], g[2], g[4]) for g in got] == [("2022-01/2022-06", 2797.0, "亿块"), ("2022-01/2022-06", -10.4, "%")]


@pytest.mark.parametrize(("text", "expected"), [
    # company announcements: revenue, its growth, margin, R&D as a share of revenue
    ("报告期内公司实现营业总收入18.6亿元,营业收入增速为12.4%,销售毛利率为41.2%,研发费用占营业收入的比例为8.5%。",
     [("revenue", 18.6), ("revenue_growth", 12.4), ("gross_margin", 41.2), ("rd_intensity", 8.5)]),
    ("2024年公司主营收入9.3亿元,资本开支为2.5亿元,研发开支为0.68亿元。",
     [("revenue", 9.3), ("investment_amount", 2.5), ("rd_spending", 0.68)]),
    # market research: market size, its growth and CAGR, a region's share of the world market
    ("2024年该行业市场总规模约为350亿元,市场规模同比增速为9.1%,2024—2030年市场规模年复合增长率预计为11%。",
     [("market_size", 350.0), ("market_size_growth", 9.1), ("market_size_cagr", 11.0)]),
    ("该地区传感器出口占国际市场约15%的份额。", [("global_share", 15.0)]),
    ("到2024年,工业应用将占压力传感器市场规模的27%。", [("market_share", 27.0)]),
    # statistics bulletins: output, export delivery value, trade unit values
    ("2024年全国工业机器人产出35.6万套,传感器出口交货值为420亿元,出口金额同比增长率为6.5%。",
     [("output", 35.6), ("exports_value", 420.0), ("exports_value_growth", 6.5)]),
    ("2024年该产品进口单价为12.5美元/个,出口均价为8.2美元/个,进口均价同比下降5%。",
     [("import_unit_value", 12.5), ("export_unit_value", 8.2), ("price_change", -5.0)]),
    # supply: deliveries, utilisation, planned capacity, prices
    ("2024年公司设备交付量为1.8万台,销量增长率为35%,行业平均稼动率为82%,规划产能达120万台。",
     [("sales_volume", 1.8), ("sales_volume_growth", 35.0), ("capacity_utilisation", 82.0), ("capacity", 120.0)]),
    ("2024年产品成交均价为3200元/台,成交均价同比下降4.2%,国内企业总数为1200家。",
     [("unit_price", 3200.0), ("price_change", -4.2), ("company_count", 1200.0)]),
], ids=["announcement", "capex-rd", "market-size", "world-share", "share-of-market-size", "statistics", "trade-prices",
        "supply", "prices-companies"])
def test_general_report_wording_reaches_its_indicator(read, text, expected):
    assert [(g[0], g[2]) for g in read(text)] == expected


def test_vehicles_are_counted(read):
    got = read("2024年新能源汽车销量达到1286.6万辆,同比增长35.5%。")
    assert [(g[0], g[2], g[4]) for g in got] == [("sales_volume", 1286.6, "万辆"), ("sales_volume_growth", 35.5, "%")]
