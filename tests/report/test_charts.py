"""The report's static SVG charts: well-formed, Chinese (or English) text in the Noto CJK font, one plotted
element per row, the values where they belong, byte-identical output, and text WeasyPrint keeps searchable."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.errors import SectorscopeError
from sectorscope.report import charts, fonts
from sectorscope.report.charts import (
    elasticity_bars_svg,
    market_fan_svg,
    rank_intervals_svg,
    trl_quadrant_svg,
)
from sectorscope.report.charts import text as chart_text
from sectorscope.report.fonts import FontError, cjk_font_family, cjk_font_path

GOLDEN = Path(__file__).with_name("golden") / "charts"
SVG = "{http://www.w3.org/2000/svg}"
EMPTY = pd.DataFrame()

# ---------------------------------------------------------------------------------------------------------
# Data (the shapes the report layer feeds in)
# ---------------------------------------------------------------------------------------------------------


def history() -> pd.DataFrame:
    return pd.DataFrame({"year": [2019, 2020, 2021, 2022, 2023, 2024],
                         "value": [420.0, 455.0, 510.0, 560.0, 600.0, 668.0]})


def forecast() -> pd.DataFrame:
    years = np.arange(2025, 2030)
    mean = 668 * 1.09 ** (years - 2024)
    w = 0.03 * (years - 2024) * mean
    return pd.DataFrame({"year": years, "mean": mean, "lo80": mean - w, "hi80": mean + w,
                         "lo95": mean - 1.6 * w, "hi95": mean + 1.6 * w})


def reported() -> pd.DataFrame:
    return pd.DataFrame({"year": [2025, 2027, 2029, 2026], "value": [730.0, 880.0, 1050.0, 800.0],
                         "label": ["报告甲", "报告甲", "报告甲", "调研报告乙"]})


def elasticity() -> pd.DataFrame:
    return pd.DataFrame({
        "label": ["MEMS 压力传感器", "MEMS 惯性传感器(加速度计与陀螺仪)用于消费电子和汽车电子的高端型号",
                  "红外热成像仪", "微流控芯片", "显微成像仪器", "工业内窥镜"],
        "tier": [None, "高端", "中端", None, "低端", None],
        "value": [0.42, 1.15, -0.35, 0.05, -0.9, 0.6],
        "low": [0.2, 0.8, -0.6, -0.2, -1.3, 0.4],
        "high": [0.6, 1.4, -0.1, 0.3, -0.5, 0.9],
    })


def technologies() -> pd.DataFrame:
    return pd.DataFrame({
        "label": ["MEMS 麦克风", "硅基微镜", "压电 MEMS 超声换能器", "非制冷红外焦平面", "太赫兹成像", "微型光谱仪",
                  "量子点成像芯片", "晶圆级封装", "边缘 AI 视觉模组", "微纳 3D 打印"],
        "trl": [9, 6, 5, 8, 3, 6, 4, 8, 7, 3],
        "demand": [0.8, 0.55, 0.62, 0.7, 0.3, 0.45, 0.58, 0.4, 0.9, np.nan],
        "demand_low": [0.7, 0.45, 0.5, 0.6, 0.2, 0.38, 0.52, 0.3, 0.85, np.nan],
        "demand_high": [0.88, 0.66, 0.7, 0.8, 0.42, 0.52, 0.68, 0.48, 0.95, np.nan],
        "quadrant": ["scale_up", "scale_up", "fund_rnd", "scale_up", "drop", "watch", "fund_rnd", "watch",
                     "scale_up", "unrated"],
    })


def regions() -> pd.DataFrame:
    # deliberately not in rank order: the chart sorts
    return pd.DataFrame({
        "label": ["京津冀", "长三角", "东北地区", "珠三角", "成渝地区", "长江中游城市群", "山东半岛", "关中平原"],
        "score": [0.70, 0.82, 0.30, 0.78, 0.55, 0.52, 0.50, 0.38],
        "score_low": [0.60, 0.74, 0.22, 0.69, 0.45, 0.43, 0.40, 0.30],
        "score_high": [0.80, 0.90, 0.40, 0.86, 0.65, 0.62, 0.60, 0.47],
        "rank": [3, 1, 8, 2, 4, 5, 6, 7],
        "rank_low": [2, 1, 7, 1, 3, 3, 3, 6],
        "rank_high": [4, 2, 8, 3, 6, 7, 7, 8],
    })


def all_charts(lang: str = "zh") -> dict[str, str]:
    zh = lang == "zh"
    return {
        "fan": market_fan_svg(history(), forecast(), reported(),
                              title="MEMS 市场规模及预测" if zh else "MEMS market",
                              unit="亿元" if zh else "100 million yuan", lang=lang),
        "bars": elasticity_bars_svg(elasticity(), title="各产品供需弹性指数" if zh else "Elasticity", lang=lang,
                                    limit=0.8),
        "trl": trl_quadrant_svg(technologies(), title="关键技术 TRL × 需求四象限" if zh else "TRL × demand",
                                lang=lang),
        "rank": rank_intervals_svg(regions(), title="区域产业竞争力指数及排名区间" if zh else "Regions", lang=lang),
    }


@pytest.fixture(scope="module")
def zh() -> dict[str, str]:
    return all_charts("zh")


@pytest.fixture(scope="module")
def en() -> dict[str, str]:
    return all_charts("en")


# ---------------------------------------------------------------------------------------------------------
# Reading the SVG back
# ---------------------------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(svg: str) -> list[str]:
    """The content of every <text> element (matplotlib writes one per line of a multi-line label)."""
    return ["".join(t.itertext()) for t in parse(svg).iter(f"{SVG}text")]


def by_id(root: ET.Element, ident: str) -> ET.Element:
    found = [e for e in root.iter() if e.get("id") == ident]
    assert len(found) == 1, f"{ident}: {len(found)} elements"
    return found[0]


def ids_matching(root: ET.Element, pattern: str) -> list[str]:
    return [i for e in root.iter() if (i := e.get("id")) and re.fullmatch(pattern, i)]


def markers(group: ET.Element) -> list[tuple[float, float]]:
    """The positions of the markers (<use> of the marker path) in an artist's group."""
    return [(float(u.attrib["x"]), float(u.attrib["y"])) for u in group.iter(f"{SVG}use")]


def path_xs(group: ET.Element) -> list[float]:
    d = next(group.iter(f"{SVG}path")).attrib["d"]
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return nums[0::2]


def path_ys(group: ET.Element) -> list[float]:
    d = next(group.iter(f"{SVG}path")).attrib["d"]
    nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return nums[1::2]


@lru_cache(maxsize=1)
def font_cmap() -> frozenset[int]:
    """The code points of the Noto Sans CJK SC face (the .ttc's face whose family says SC)."""
    path = cjk_font_path()
    if path.suffix.lower() != ".ttc":
        return frozenset(TTFont(path).getBestCmap())
    for number in range(20):
        face = TTFont(path, fontNumber=number)
        if face["name"].getDebugName(1) == cjk_font_family():
            return frozenset(face.getBestCmap())
    raise AssertionError(f"no face named {cjk_font_family()} in {path}")


def assert_glyphs_exist(svg: str) -> None:
    missing = {ch for s in texts(svg) for ch in s if not ch.isspace() and ord(ch) not in font_cmap()}
    assert not missing, f"characters the font cannot draw: {sorted(missing)}"


# ---------------------------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------------------------


def test_the_noto_cjk_font_is_found_and_draws_simplified_chinese():
    path = cjk_font_path()
    assert path.is_file() and "NotoSansCJK" in path.name
    assert cjk_font_family() == "Noto Sans CJK SC"
    assert all(ord(ch) in font_cmap() for ch in "市场规模报告预测短缺过剩亿元−±×≤≥")
    # fontconfig (what WeasyPrint draws with) resolves the family to the same file
    if shutil.which("fc-match"):
        assert fonts._from_fontconfig() == path


def test_a_missing_font_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(fonts, "_from_known_paths", lambda: None)
    monkeypatch.setattr(fonts, "_from_fontconfig", lambda: None)
    fonts.cjk_font_path.cache_clear()
    try:
        with pytest.raises(FontError, match=r"install fonts-noto-cjk \(make install does it") as info:
            cjk_font_path()
        assert isinstance(info.value, SectorscopeError)
    finally:
        fonts.cjk_font_path.cache_clear()


# ---------------------------------------------------------------------------------------------------------
# Every chart
# ---------------------------------------------------------------------------------------------------------


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
               "rank": "rank-intervals"}[name]
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


# ---------------------------------------------------------------------------------------------------------
# 1. Market fan
# ---------------------------------------------------------------------------------------------------------


def test_fan_draws_one_marker_per_point_and_the_bands_nest(zh):
    root = parse(zh["fan"])
    assert len(markers(by_id(root, "market-fan-history"))) == len(history())
    assert [len(markers(by_id(root, f"market-fan-reported-{i}"))) for i in range(2)] == [3, 1]
    # the fan starts at the last observed point (zero width there) and the 95 % band contains the 80 % band
    b80, b95 = by_id(root, "market-fan-band80"), by_id(root, "market-fan-band95")
    assert min(path_xs(b95)) == pytest.approx(markers(by_id(root, "market-fan-history"))[-1][0])
    def span_at_end(band: ET.Element) -> tuple[float, float]:  # the band's vertical extent in its last year
        pts = list(zip(path_xs(band), path_ys(band), strict=True))
        end = max(x for x, _ in pts)
        ys = [y for x, y in pts if x == pytest.approx(end)]
        return min(ys), max(ys)

    (top95, bottom95), (top80, bottom80) = span_at_end(b95), span_at_end(b80)
    assert top95 < top80 < bottom80 < bottom95
    f = forecast().iloc[-1]  # to scale: the 95 % band is 1.6 times as wide as the 80 % band
    ratio = (f.hi95 - f.lo95) / (f.hi80 - f.lo80)
    assert (bottom95 - top95) / (bottom80 - top80) == pytest.approx(ratio, rel=1e-4)
    # the dashed mean passes through the last observed point and through every forecast year
    mean_d = next(by_id(root, "market-fan-forecast-mean").iter(f"{SVG}path")).get("d")
    assert mean_d.count("L") == len(forecast())
    assert "stroke-dasharray" in next(by_id(root, "market-fan-forecast-mean").iter(f"{SVG}path")).get("style")


def test_fan_renders_with_empty_inputs():
    only_history = market_fan_svg(history(), EMPTY, EMPTY, title="仅实际值", unit="亿元")
    root = parse(only_history)
    assert len(markers(by_id(root, "market-fan-history"))) == 6
    assert not ids_matching(root, r"market-fan-(band\d+|forecast-mean|reported-\d+)")
    assert "95% 预测区间" not in texts(only_history)
    no_history = market_fan_svg(None, forecast(), reported(), title="仅预测", unit="亿元")
    assert ids_matching(parse(no_history), r"market-fan-band95") and "实际值" not in texts(no_history)
    nothing = market_fan_svg(None, None, None, title="空", unit="亿元")
    assert {"空", "无数据"} <= set(texts(nothing))


def test_fan_refuses_bands_out_of_order_naming_the_year():
    bad = forecast()
    bad.loc[2, "lo80"] = bad.loc[2, "mean"] + 1
    with pytest.raises(ValueError, match=r"2027.*lo80 = .* > mean"):
        market_fan_svg(history(), bad, EMPTY, title="x", unit="亿元")
    nan = forecast()
    nan.loc[0, "hi95"] = np.nan
    with pytest.raises(ValueError, match="2025"):
        market_fan_svg(history(), nan, EMPTY, title="x", unit="亿元")


@st.composite
def fans(draw):
    start = draw(st.integers(1990, 2030))
    n_hist = draw(st.integers(0, 8))
    n_fc = draw(st.integers(0, 6))
    scale = draw(st.sampled_from([1.0, 100.0, 1e5]))
    finite = st.floats(0, 1, allow_nan=False)
    hist = pd.DataFrame({"year": range(start, start + n_hist),
                         "value": [draw(finite) * scale for _ in range(n_hist)]})
    rows = []
    for k in range(n_fc):
        mean = draw(st.floats(-0.5, 2)) * scale
        a, b, c, d = (draw(finite) * scale * 0.3 for _ in range(4))
        rows.append({"year": start + n_hist + k, "mean": mean, "lo80": mean - a, "lo95": mean - a - b,
                     "hi80": mean + c, "hi95": mean + c + d})
    fc = pd.DataFrame(rows, columns=["year", "mean", "lo80", "hi80", "lo95", "hi95"])
    n_rep = draw(st.integers(0, 4))
    rep = pd.DataFrame({"year": [start + draw(st.integers(0, 12)) for _ in range(n_rep)],
                        "value": [draw(finite) * scale for _ in range(n_rep)],
                        "label": [draw(st.sampled_from(["", "报告甲", "report B"])) for _ in range(n_rep)]})
    return hist, fc, rep


@settings(max_examples=25)
@given(fans(), st.sampled_from(["zh", "en"]))
def test_random_fans_render_with_one_marker_per_row(data, lang):
    hist, fc, rep = data
    svg = market_fan_svg(hist, fc, rep, title="随机 fan", unit="亿元", lang=lang)
    root = parse(svg)
    drawn_hist = markers(by_id(root, "market-fan-history")) if len(hist) else []
    assert len(drawn_hist) == len(hist)
    reported_ids = ids_matching(root, r"market-fan-reported-\d+")
    assert sum(len(markers(by_id(root, i))) for i in reported_ids) == len(rep)
    assert bool(ids_matching(root, "market-fan-band95")) == (len(fc) > 0)


@settings(max_examples=25)
@given(fans(), st.data())
def test_random_fans_out_of_order_are_refused_naming_the_year(data, pick):
    _, fc, _ = data
    if fc.empty:
        return
    i = pick.draw(st.integers(0, len(fc) - 1))
    lower, upper = pick.draw(st.sampled_from([("lo95", "lo80"), ("lo80", "mean"), ("mean", "hi80"),
                                              ("hi80", "hi95")]))
    bad = fc.copy()
    bad.loc[i, lower] = bad.loc[i, upper] + 1 + abs(bad.loc[i, upper]) * 0.01
    with pytest.raises(ValueError, match=str(int(bad.loc[i, "year"]))):
        market_fan_svg(None, bad, None, title="x", unit="亿元")


# ---------------------------------------------------------------------------------------------------------
# 2. Elasticity bars
# ---------------------------------------------------------------------------------------------------------


def test_bars_one_per_row_signed_coloured_and_to_scale(zh):
    root = parse(zh["bars"])
    frame = elasticity()
    bars = [by_id(root, f"elasticity-bar-{i}") for i in range(len(frame))]
    assert len(ids_matching(root, r"elasticity-bar-\d+")) == len(frame)
    zero = path_xs(by_id(root, "elasticity-zero"))[0]
    widths = []
    for bar, value in zip(bars, frame["value"], strict=True):
        xs = path_xs(bar)
        style = next(bar.iter(f"{SVG}path")).get("style")
        if value >= 0:
            assert min(xs) == pytest.approx(zero, abs=0.01) and "#d55e00" in style  # shortage: vermillion
        else:
            assert max(xs) == pytest.approx(zero, abs=0.01) and "#0072b2" in style  # surplus: blue
        widths.append(max(xs) - min(xs))
    scale = widths[0] / abs(frame["value"][0])
    assert [w / scale for w in widths] == pytest.approx(frame["value"].abs().tolist(), rel=1e-4)
    # first row at the top
    assert [min(path_ys(b)) for b in bars] == sorted(min(path_ys(b)) for b in bars)
    assert ids_matching(root, "elasticity-limit-(neg|pos)") == ["elasticity-limit-neg",
                                                                 "elasticity-limit-pos"]


def test_bars_without_limit_and_empty():
    svg = elasticity_bars_svg(elasticity(), title="无阈值", lang="zh")
    assert not ids_matching(parse(svg), "elasticity-limit-.*") and "阈值 ±0.8" not in texts(svg)
    empty = elasticity_bars_svg(elasticity().iloc[:0], title="空表")
    assert "无数据" in texts(empty) and not ids_matching(parse(empty), r"elasticity-bar-\d+")


def test_bars_refuse_a_value_outside_its_interval():
    bad = elasticity()
    bad.loc[3, "low"] = 0.1
    with pytest.raises(ValueError, match="微流控芯片"):
        elasticity_bars_svg(bad, title="x")


def test_bars_figure_grows_with_the_rows():
    def height(n: int) -> float:
        frame = pd.concat([elasticity()] * 4, ignore_index=True).iloc[:n]
        return float(parse(elasticity_bars_svg(frame, title="x")).attrib["height"].removesuffix("pt"))

    assert height(4) < height(12) < height(24)


CJK_LABELS = st.text(alphabet=st.sampled_from(list("市场规模传感器微机械成像仪热红外长三角珠江中游 MEMSabc0123()-、$_^\\{}<&")),
                     min_size=1, max_size=40)


@settings(max_examples=20)
@given(st.lists(st.tuples(CJK_LABELS, st.sampled_from([None, "高端", "low-end"]), st.floats(-5, 5),
                          st.floats(0, 2), st.floats(0, 2)), max_size=14),
       st.one_of(st.none(), st.floats(0.1, 3)), st.sampled_from(["zh", "en"]))
def test_random_bars_render_one_bar_per_row(rows, limit, lang):
    frame = pd.DataFrame([{"label": lab, "tier": tier, "value": v, "low": v - a, "high": v + b}
                          for lab, tier, v, a, b in rows], columns=["label", "tier", "value", "low", "high"])
    svg = elasticity_bars_svg(frame, title="随机", lang=lang, limit=limit)
    assert len(ids_matching(parse(svg), r"elasticity-bar-\d+")) == len(frame)
    assert_glyphs_exist(svg)


# ---------------------------------------------------------------------------------------------------------
# 3. TRL × demand quadrant
# ---------------------------------------------------------------------------------------------------------


def test_quadrant_one_point_per_placed_row_where_its_values_say(zh):
    root = parse(zh["trl"])
    placed = technologies().dropna(subset=["demand"]).reset_index(drop=True)
    points = [markers(by_id(root, f"trl-quadrant-point-{i}")) for i in range(len(placed))]
    assert len(ids_matching(root, r"trl-quadrant-point-\d+")) == len(placed)
    assert all(len(p) == 1 for p in points)
    xs = np.array([p[0][0] for p in points])
    ys = np.array([p[0][1] for p in points])
    # x is linear in the demand score
    fit = np.polyfit(placed["demand"], xs, 1)
    assert np.allclose(np.polyval(fit, placed["demand"]), xs, atol=0.01)
    # y follows the TRL (higher TRL higher up), points sharing a TRL are spread but stay in their level
    spacing = (ys[placed["trl"] == 3].mean() - ys[placed["trl"] == 9].mean()) / 6
    assert np.all(np.abs(ys - (ys[0] + (9 - placed["trl"]) * spacing)) < 0.45 * spacing)
    six = placed.index[placed["trl"] == 6]
    assert abs(ys[six[0]] - ys[six[1]]) > 0.2 * spacing
    # hollow: the demand interval straddles the cut (硅基微镜 0.45–0.66, 微型光谱仪 0.38–0.52)
    hollow = {placed["label"][i] for i in range(len(placed))
              if "fill: #ffffff" in ET.tostring(by_id(root, f"trl-quadrant-point-{i}"), encoding="unicode")}
    assert hollow == {"硅基微镜", "微型光谱仪"}  # 压电 MEMS 超声换能器's 0.50–0.70 starts at the cut: not hollow


def test_quadrant_names_match_the_analytics_advice():
    from sectorscope.analytics.trl import QUADRANTS

    assert {k: v for k, v in QUADRANTS.items() if k != "unrated"} == charts.QUADRANT_NAMES


def test_quadrant_refuses_a_bad_trl_and_renders_empty():
    bad = technologies()
    bad.loc[1, "trl"] = 10
    with pytest.raises(ValueError, match=r"硅基微镜.*TRL"):
        trl_quadrant_svg(bad, title="x")
    svg = trl_quadrant_svg(technologies().iloc[:0], title="无技术")
    assert "规模化推进" in texts(svg) and not ids_matching(parse(svg), r"trl-quadrant-point-\d+")


@settings(max_examples=20)
@given(st.lists(st.tuples(CJK_LABELS, st.integers(1, 9), st.one_of(st.none(), st.floats(0, 1)),
                          st.floats(0, 0.3), st.floats(0, 0.3),
                          st.sampled_from(["scale_up", "fund_rnd", "watch", "drop", "其他"])),
                max_size=16), st.sampled_from(["zh", "en"]))
def test_random_quadrants_render_one_point_per_placed_row(rows, lang):
    frame = pd.DataFrame([{"label": lab, "trl": trl, "demand": np.nan if d is None else d,
                           "demand_low": np.nan if d is None else max(0.0, d - a),
                           "demand_high": np.nan if d is None else min(1.0, d + b), "quadrant": q}
                          for lab, trl, d, a, b, q in rows],
                         columns=["label", "trl", "demand", "demand_low", "demand_high", "quadrant"])
    svg = trl_quadrant_svg(frame, title="随机", lang=lang)
    assert len(ids_matching(parse(svg), r"trl-quadrant-point-\d+")) == int(frame["demand"].notna().sum())
    assert_glyphs_exist(svg)


# ---------------------------------------------------------------------------------------------------------
# 4. Rank intervals
# ---------------------------------------------------------------------------------------------------------


def test_rank_rows_in_rank_order_with_rank_one_at_the_top(zh):
    root = parse(zh["rank"])
    frame = regions().sort_values("rank").reset_index(drop=True)
    rank_pts = [markers(by_id(root, f"rank-intervals-rank-{i}"))[0] for i in range(len(frame))]
    score_pts = [markers(by_id(root, f"rank-intervals-score-{i}"))[0] for i in range(len(frame))]
    assert len(ids_matching(root, r"rank-intervals-(rank|score)-\d+")) == 2 * len(frame)
    ys = [y for _, y in rank_pts]
    assert ys == sorted(ys)  # rank 1 at the top
    assert [y for _, y in score_pts] == pytest.approx(ys)  # the two panels' rows line up
    # dots where the values say: rank positions linear in rank, score positions linear in score
    for pts, values in ((rank_pts, frame["rank"]), (score_pts, frame["score"])):
        xs = [x for x, _ in pts]
        fit = np.polyfit(values, xs, 1)
        assert fit[0] > 0 and np.allclose(np.polyval(fit, values), xs, atol=0.01)
    # the y tick labels read in rank order
    tick_labels = [t for t in texts(zh["rank"]) if t in set(frame["label"])]
    assert tick_labels == frame["label"].tolist()


def test_rank_refuses_a_rank_outside_its_interval_and_renders_empty():
    bad = regions()
    bad.loc[0, "rank_high"] = 2
    with pytest.raises(ValueError, match="京津冀: rank 3"):
        rank_intervals_svg(bad, title="x")
    assert "无数据" in texts(rank_intervals_svg(regions().iloc[:0], title="空"))


@settings(max_examples=20)
@given(st.lists(st.tuples(CJK_LABELS, st.floats(-10, 10), st.floats(0, 3), st.floats(0, 3),
                          st.integers(1, 12), st.integers(0, 4), st.integers(0, 4)), max_size=12),
       st.sampled_from(["zh", "en"]))
def test_random_rank_frames_render_one_row_each(rows, lang):
    columns = ["label", "score", "score_low", "score_high", "rank", "rank_low", "rank_high"]
    frame = pd.DataFrame([(lab, s, s - a, s + b, r, max(1, r - lo), r + hi)
                          for lab, s, a, b, r, lo, hi in rows], columns=columns)
    svg = rank_intervals_svg(frame, title="随机", lang=lang)
    assert len(ids_matching(parse(svg), r"rank-intervals-rank-\d+")) == len(frame)


# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from(list("传感器成像仪,。、)((MEMS sensor ")), max_size=80), st.integers(8, 40))
def test_wrap_keeps_every_character_within_the_width(text, width):
    out = chart_text.wrap(text, width, max_lines=99)
    lines = out.split("\n") if out else []
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for k, line in enumerate(lines):
        # a line overruns only by the closing punctuation it must keep, the opening bracket it carried over,
        # or a Latin word longer than the width
        core = re.sub(r"^[((]+|[,。、)]+$", "", line)
        assert chart_text.text_width(core) <= width or any(len(w) > width - 2 for w in re.findall(r"[A-Za-z]+", line))
        assert k == 0 or line[0] not in ",。、)"
        assert k == len(lines) - 1 or line[-1] not in "((" or len(line) == 1


def test_wrap_balances_a_stub_and_keeps_brackets_with_their_text():
    assert chart_text.wrap("微型振动马达(可穿戴设备用)", 24) == "微型振动马达\n(可穿戴设备用)"
    assert chart_text.wrap("MEMS执行器(半导体封装用)(高端)", 24) == "MEMS执行器(半导体封装用)\n(高端)"
    assert chart_text.wrap("Middle Reaches of the Yangtze River", 20) == "Middle Reaches of\nthe Yangtze River"
    assert chart_text.wrap("长" * 40, 10, max_lines=2) == "长" * 5 + "\n" + "长" * 4 + "…"


# ---------------------------------------------------------------------------------------------------------
# Through WeasyPrint: the PDF keeps the charts' Chinese as text
# ---------------------------------------------------------------------------------------------------------


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
