"""The elasticity bars (charts/elasticity_bars.py): one signed, coloured bar per row, to scale."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.report.charts import elasticity_bars_svg

from .inputs import CJK_LABELS, elasticity
from .reading import SVG, assert_glyphs_exist, by_id, ids_matching, parse, path_xs, path_ys, texts


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
