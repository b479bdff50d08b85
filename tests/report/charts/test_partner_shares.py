"""The import-source bars (charts/partner_shares.py): one stacked bar per row, each partner a segment to scale,
a partner one colour in every row, the rest of 100 % grey."""
from __future__ import annotations

import pytest

from sectorscope.errors import ChartError
from sectorscope.report.charts import partner_shares_svg

from .inputs import partner_bars
from .reading import SVG, by_id, ids_matching, parse, path_xs, texts


def _fill(el) -> str:
    return next(el.iter(f"{SVG}path")).get("style")


def test_segments_to_scale_with_one_colour_per_partner(zh):
    root = parse(zh["partners"])
    bars = partner_bars()
    assert ids_matching(root, r"import_sources-bar-\d+-\d+") == sorted(
        f"import_sources-bar-{i}-{k}" for i, b in enumerate(bars) for k in range(len(b["parts"])))
    # the first row: 40 + 25 + 16.4 of 100, then the rest (18.6) grey
    first = [by_id(root, f"import_sources-bar-0-{k}") for k in range(3)]
    widths = [max(path_xs(s)) - min(path_xs(s)) for s in first]
    rest = by_id(root, "import_sources-bar-0-rest")
    rest_w = max(path_xs(rest)) - min(path_xs(rest))
    full = sum(widths) + rest_w
    assert [w / full * 100 for w in [*widths, rest_w]] == pytest.approx([40, 25, 16.4, 18.6], abs=0.01)
    # segments follow one another
    assert min(path_xs(first[1])) == pytest.approx(max(path_xs(first[0])), abs=0.01)
    # Japan is one colour in rows 0, 1 and 2 (segments 0, 1, 0)
    japan = {_fill(by_id(root, f"import_sources-bar-{i}-{k}")) for i, k in ((0, 0), (1, 1), (2, 0))}
    assert len(japan) == 1
    # a full bar (60 + 40) has no grey rest
    assert "import_sources-bar-2-rest" not in ids_matching(root, r"import_sources-bar-2-rest")
    words = texts(zh["partners"])
    assert {"日本", "德国", "美国", "韩国", "其他"} <= set(words)  # the legend
    assert {"日本 40%", "德国 25%", "美国 16%", "美国 30%", "日本 20%", "日本 60%", "韩国 40%"} <= set(words)
    assert "占进口额的比重(%)" in words


def test_english_words(en):
    assert {"others", "share of imports (%)"} <= set(texts(en["partners"]))


@pytest.mark.parametrize(("parts", "says"), [
    ([("日本", 101.0)], "must lie in 0–100"),
    ([("日本", -1.0)], "must lie in 0–100"),
    ([("日本", float("nan"))], "must lie in 0–100"),
    ([("日本", 60.0), ("德国", 45.0)], "add up to 105.0 %"),
])
def test_shares_that_cannot_be_are_refused(parts, says):
    with pytest.raises(ChartError, match=says):
        partner_shares_svg([{"label": "x", "parts": parts}], title="t")


def test_no_rows_is_an_empty_chart_that_says_so():
    assert "无数据" in texts(partner_shares_svg([], title="进口来源"))
