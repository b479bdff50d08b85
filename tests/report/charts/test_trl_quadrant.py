"""The TRL × demand quadrant (charts/trl_quadrant.py): one point per placed row, where its values say."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.report import charts
from sectorscope.report.charts import trl_quadrant_svg

from .inputs import CJK_LABELS, technologies
from .reading import assert_glyphs_exist, by_id, ids_matching, markers, parse, texts


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
