"""The rank intervals (charts/rank_intervals.py): rows in rank order, rank 1 at the top."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.report.charts import rank_intervals_svg

from .inputs import CJK_LABELS, regions
from .reading import by_id, ids_matching, markers, parse, texts


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
