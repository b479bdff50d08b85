"""What every chart shares (charts/style.py, text.py, inputs.py): well-formed SVG 16 cm wide, Chinese (or
English) text in the Noto CJK font, byte-identical output matching the golden files, ids scoped by key, no
leaked matplotlib settings, and text WeasyPrint keeps searchable."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib
import pytest

from sectorscope.report.charts import elasticity_bars_svg, market_fan_svg
from sectorscope.report.charts import text as chart_text

from .inputs import EMPTY, all_charts, elasticity, forecast, history, reported
from .reading import SVG, assert_glyphs_exist, parse, texts

GOLDEN = Path(__file__).parent.parent / "golden" / "charts"


def test_every_chart_is_wellformed_svg_16cm_wide_with_text_in_the_cjk_font(zh):
    for name, svg in zh.items():
        assert svg.startswith("<svg"), name  # no XML prolog or DOCTYPE: inlines into HTML as it is
        root = parse(svg)
        assert root.get("width") == "453.543307pt", name  # 16 cm
        styles = [t.get("style") for t in root.iter(f"{SVG}text")]
        assert styles and all("font-family: 'Noto Sans CJK SC'" in s for s in styles), name
        assert not list(root.iter(f"{SVG}image")), name
        assert_glyphs_exist(svg)


def test_chinese_titles_axis_labels_and_data_labels_are_text(zh):
    fan, bars, trl, rank = (texts(zh[k]) for k in ("fan", "bars", "trl", "rank"))
    assert "MEMS 市场规模及预测" in fan
    assert {"亿元", "年份", "实际值", "预测均值", "80% 预测区间", "95% 预测区间",
            "报告预测 · 报告甲", "报告预测 · 调研报告乙"} <= set(fan)
    assert "各产品供需弹性指数" in bars
    assert {"MEMS 压力传感器", "红外热成像仪(中端)", "显微成像仪器(低端)", "短缺(+)", "过剩(−)",
            "阈值 ±0.8", "供需弹性指数(+ 短缺,− 过剩)"} <= set(bars)
    # the long label wraps onto lines, none wider than the label column allows, and loses nothing
    long = "MEMS 惯性传感器(加速度计与陀螺仪)用于消费电子和汽车电子的高端型号(高端)"
    i = next(i for i, s in enumerate(bars) if long.startswith(s) and len(s) > 6)
    assert "".join(bars[i:i + 3]) == long and all(chart_text.text_width(s) <= 24 for s in bars[i:i + 3])
    assert {"关键技术 TRL × 需求四象限", "规模化推进", "加大研发投入", "持续观察/市场培育", "暂缓/退出",
            "需求评分(0–1)", "技术成熟度(TRL)", "硅基微镜", "压电 MEMS 超声换能器"} <= set(trl)
    assert any("微纳 3D 打印" in s and "未定位" in s for s in trl)  # no demand score: named, not placed
    assert {"区域产业竞争力指数及排名区间", "长三角", "长江中游城市群", "东北地区"} <= set(rank)


def test_english_labels_with_lang_en(en):
    fan, bars, trl, rank = (set(texts(en[k])) for k in ("fan", "bars", "trl", "rank"))
    assert {"year", "observed", "forecast mean", "80% interval", "95% interval", "report's forecast · 报告甲",
            "100 million yuan"} <= fan
    assert {"shortage (+)", "surplus (−)", "threshold ±0.8", "红外热成像仪 (中端)"} <= bars
    assert {"scale up", "fund R&D", "watch (cultivate the market)", "drop or defer",
            "demand score (0–1)", "technology readiness level (TRL)"} <= trl
    assert {"rank (median and 95% interval, 1 = best)", "index score (point and 95% interval)"} <= rank
    for svg in en.values():  # no Chinese chrome left; the data's own labels stay as given
        assert not {"年份", "实际值", "短缺(+)", "规模化推进", "需求评分(0–1)"} & set(texts(svg))


def test_same_input_gives_byte_identical_svg(zh):
    again = all_charts("zh")
    for name in zh:
        assert again[name] == zh[name], name
    assert "<dc:date>" not in zh["fan"] and "sectorscope" in zh["fan"]


def test_golden_files(zh, en):
    """The four charts as the report embeds them. Regenerate with SECTORSCOPE_UPDATE_GOLDEN=1 after looking
    at them (open the .svg files in a browser)."""
    for lang, svgs in (("zh", zh), ("en", en)):
        for name, svg in svgs.items():
            path = GOLDEN / f"{name}.{lang}.svg"
            if os.environ.get("SECTORSCOPE_UPDATE_GOLDEN"):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(svg, encoding="utf-8")
            assert svg == path.read_text(encoding="utf-8"), path.name


def test_ids_are_unique_and_start_with_the_key(zh):
    for name, svg in zh.items():
        ids = re.findall(r'\bid="([^"]+)"', svg)
        key = {"fan": "market-fan", "bars": "elasticity", "trl": "trl-quadrant",
               "rank": "rank-intervals", "partners": "import_sources"}[name]
        assert len(ids) == len(set(ids)) and all(i.startswith(f"{key}-") for i in ids), name


def test_ids_are_scoped_by_key_so_charts_can_share_a_page():
    a = market_fan_svg(history(), forecast(), reported(), title="甲", unit="亿元", key="fan-mems")
    b = market_fan_svg(history(), forecast(), reported(), title="甲", unit="亿元", key="fan-imaging")
    ids_a, ids_b = (re.findall(r'\bid="([^"]+)"', s) for s in (a, b))
    assert len(ids_a) == len(set(ids_a)) and all(i.startswith("fan-mems-") for i in ids_a)
    assert not set(ids_a) & set(ids_b)
    refs = re.findall(r'(?:url\(#|href="#)([^")]+)', a)
    assert refs and set(refs) <= set(ids_a)  # every reference points into its own chart
    with pytest.raises(ValueError, match="chart key"):
        market_fan_svg(history(), EMPTY, EMPTY, title="甲", unit="亿元", key="市场")


def test_labels_and_titles_print_as_written():
    """Data, not markup: no TeX from "$…$", no broken XML from "<" or "&"."""
    frame = elasticity().head(2).assign(label=["进口额 US$5亿–$8亿", "A&B <高端> x_1^2"])
    svg = elasticity_bars_svg(frame, title="标题 <&> $x$", lang="zh")
    assert {"进口额 US$5亿–$8亿", "A&B <高端> x_1^2(高端)", "标题 <&> $x$"} <= set(texts(svg))


def test_matplotlib_settings_do_not_leak():
    before = {k: matplotlib.rcParams[k] for k in ("font.family", "svg.fonttype", "svg.hashsalt", "font.size")}
    all_charts("zh")
    assert {k: matplotlib.rcParams[k] for k in before} == before


def test_bad_language_and_missing_columns_are_refused():
    with pytest.raises(ValueError, match="lang"):
        elasticity_bars_svg(elasticity(), title="x", lang="fr")
    with pytest.raises(ValueError, match=r"missing column.*high"):
        elasticity_bars_svg(elasticity().drop(columns="high"), title="x")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_weasyprint_pdf_keeps_the_chart_text_searchable(zh, tmp_path):
    import base64

    import weasyprint

    inline = "".join(zh.values())  # inline SVG, as the HTML report embeds it
    as_img = '<img src="data:image/svg+xml;base64,{}">'.format(base64.b64encode(zh["trl"].encode()).decode())
    html = f'<html><head><meta charset="utf-8"><style>@page {{ size: A4; margin: 2cm }}</style></head>' \
           f"<body>{inline}{as_img}</body></html>"
    pdf = tmp_path / "charts.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for label in ("MEMS 市场规模及预测", "报告预测", "亿元", "短缺(+)", "红外热成像仪(中端)", "规模化推进",
                  "加大研发投入", "硅基微镜", "长江中游城市群", "区域产业竞争力指数及排名区间"):
        assert label in text, label
    assert text.count("持续观察/市场培育") == 2  # the <img> copy too
    fonts_used = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    # embedded, subset, with a ToUnicode map (what lets pdftotext read the Chinese back)
    assert re.search(r"Noto-?Sans-?CJK-?SC .* yes +yes +yes", fonts_used)
