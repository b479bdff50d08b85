"""Whitespace-aligned tables (tables/aligned.py) and tables pasted one cell per line (tables/cell_lines.py),
read through find_tables; and the prose around them left alone. Every table here is synthetic."""
from __future__ import annotations


def test_aligned_table_with_spaces_and_tabs(lexicon, cells_of):
    text = ("2024年主要企业经营数据\n企业      营业收入(亿元)    同比增长    毛利率\n甲科技股份    12.5    8.2%    31.0%\n"
            "乙电子    -    -3.4%    22.5%\n丙微电子\t1,086.3\t12.0%\t40.1%\n正文继续,这里  有双空格。\n")
    res, cells = cells_of(text)
    assert len(res.tables) == 1 and res.tables[0].name == "2024年主要企业经营数据"
    c = cells[("丙微电子", "营业收入(亿元)")]
    assert (c.printed, c.unit_as_printed, c.period, c.indicator, c.dimensions) == (
        1086.3, "亿元", "2024", "revenue", {"company": "丙微电子"})
    g = cells[("乙电子", "同比增长")]
    assert (g.printed, g.unit_as_printed, g.indicator) == (-3.4, "%", "revenue_growth")
    assert ("乙电子", "营业收入(亿元)") not in cells
    assert all(c.confidence >= 0.7 for c in cells.values())
    assert res.spans[-1][1] <= text.index("正文继续")


def test_aligned_year_columns_with_blank_key_header(lexicon, cells_of):
    text = "单位:万台\n            2022年    2023年    2024年\n出货量      1,020     1,180     1,305\n销量        998       1,150     1,290\n"
    _, cells = cells_of(text)
    c = cells[("销量", "2023年")]
    assert (c.printed, c.unit_as_printed, c.period, c.indicator) == (1150, "万台", "2023", "sales_volume")


def test_prose_with_double_spaces_is_no_table(lexicon, cells_of):
    text = "2024年市场规模达到120亿元,  同比增长8%。\n其中  消费电子占比  45%。\n汽车电子  占比30%  增长较快。\n"
    res, _ = cells_of(text)
    assert not res.tables and not res.spans


def test_cell_per_line_table(lexicon, cells_of):
    text = ("表2 2023年各应用领域出货量\n应用领域\n出货量(万台)\n同比增长\n消费电子\n1,250\n12.5%\n汽车电子\n380.5\n"
            "-3.2%\n工业控制\n—\n8.0%\n数据来源:某机构\n")
    res, cells = cells_of(text)
    assert len(res.tables) == 1
    c = cells[("汽车电子", "同比增长")]
    assert (c.printed, c.unit_as_printed, c.period, c.indicator, c.dimensions) == (
        -3.2, "%", "2023", "sales_volume_growth", {"application": "汽车电子"})
    assert cells[("消费电子", "出货量(万台)")].printed == 1250
    assert ("工业控制", "出货量(万台)") not in cells


def test_cell_per_line_year_rows(lexicon, cells_of):
    text = "年份\n市场规模(亿元)\n增速\n2022\n120.5\n10.2%\n2023\n133.1\n10.5%\n"
    _, cells = cells_of(text)
    assert (cells[("2023", "市场规模(亿元)")].period, cells[("2023", "增速")].indicator) == ("2023", "market_size_growth")


def test_cell_per_line_left_alone_when_the_count_is_open(lexicon, cells_of):
    # one number a row: a list of figures, not a table whose columns can be counted
    text = "核心数据\n要点\n市场规模\n120亿元\n出货量\n35万台\n"
    res, _ = cells_of(text)
    assert not res.tables


def test_single_space_table_with_scales_in_its_cells(lexicon, cells_of):
    # a stock terminal's page: one space between cells, 万/亿 printed in the cell and 元 in the header, rule
    # lines between row groups, the date the figures run to right above
    text = ("【主营构成分析】\n截止日期:2023-09-30\n项目名 营业收入(元) 收入比例(%) 毛利率(%)\n"
            "─────────────────────\n激光器(产品) 3.52亿 61.20 28.40\n光学元件(产品) 2031.75万 35.33 19.05\n"
            "─────────────────────\n境内(地区) 4.01亿 69.70 25.12\n")
    res, cells = cells_of(text)
    assert len(res.tables) == 1
    c = cells[("光学元件(产品)", "营业收入(元)")]
    assert (c.printed, c.unit_as_printed, c.period, c.indicator) == (2031.75, "万元", "2023-01/2023-09", "revenue")
    assert cells[("激光器(产品)", "营业收入(元)")].unit_as_printed == "亿元"
    assert cells[("境内(地区)", "毛利率(%)")].printed == 25.12  # the rows after a rule line are the same table
    assert len(cells) == 9


def test_prose_with_single_spaces_is_not_a_table(lexicon, cells_of):
    text = "MEMS 市场 规模 增长\n全球 出货量 达到 300 亿颗\n中国 占比 超过 40 %\n"
    res, _ = cells_of(text)
    assert res.tables == []


def test_a_row_marked_as_a_region_or_product_sets_that_dimension(lexicon, cells_of):
    text = ("项目名 营业收入(元) 毛利率(%)\n激光器(产品) 3.52亿 28.40\n光学元件(产品) 2031.75万 19.05\n"
            "境内(地区) 4.01亿 25.12\n境外(地区) 2581.87万 53.27\n")
    _, cells = cells_of(text)
    assert cells[("激光器(产品)", "营业收入(元)")].dimensions == {"product": "激光器"}
    assert cells[("境内(地区)", "毛利率(%)")].dimensions == {"region": "中国"}  # the lexicon's name for 境内
    assert cells[("境外(地区)", "毛利率(%)")].dimensions == {"region": "境外"}
