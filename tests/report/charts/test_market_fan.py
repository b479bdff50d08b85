"""The market fan (charts/market_fan.py): one marker per point, bands that nest, refused out-of-order bands."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.report.charts import market_fan_svg

from .inputs import EMPTY, forecast, history, reported
from .reading import SVG, by_id, ids_matching, markers, parse, path_xs, path_ys, texts


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
