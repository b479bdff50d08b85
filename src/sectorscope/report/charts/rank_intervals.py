"""A composite index per region or company with its rank and score intervals from the Monte-Carlo run: a
wide rank whisker says the order is not settled by the data."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from .inputs import check_interval, read_frame
from .parts import heading, no_data, whiskers
from .style import BLUE, SKY, check_key, figure, style, to_svg
from .text import texts, wrap

__all__ = ["rank_intervals_svg"]


def rank_intervals_svg(
    frame: pd.DataFrame,
    *,
    title: str,
    lang: str = "zh",
    key: str = "rank-intervals",
) -> str:
    """A composite index per region: its rank (left panel) and its score (right panel), each a dot with its
    95 % interval as a whisker, one row per region, rank 1 at the top.

    frame: [label, score, score_low, score_high, rank, rank_low, rank_high] with `rank` the median rank of the
    Monte-Carlo draws. Rows are ordered by rank, then by score (highest first). A wide rank whisker says the
    order is not settled by the data. Dots carry ids `{key}-rank-0` / `{key}-score-0` … in the drawn order.
    """
    t = texts(lang)
    check_key(key)
    cols = ["label", "score", "score_low", "score_high", "rank", "rank_low", "rank_high"]
    df = read_frame(frame, cols, "rank_intervals", numeric=cols[1:])
    for row in df.itertuples(index=False):
        check_interval(str(row.label), row.rank, row.rank_low, row.rank_high, "rank")
        check_interval(str(row.label), row.score, row.score_low, row.score_high, "score")
    df = df.assign(_neg=-df["score"]).sort_values(["rank", "_neg"], kind="stable").reset_index(drop=True)
    labels = [wrap(str(s), 16 if lang == "zh" else 20, 2) for s in df["label"]]
    height = max(6.0, 3.6 + 0.62 * len(df))

    with style():
        fig = figure(height)
        if df.empty:
            no_data(fig, fig.add_subplot(), t)
        else:
            ax_rank, ax_score = fig.subplots(1, 2, sharey=True, gridspec_kw={"wspace": 0.08})
            y = np.arange(len(df))
            _dot_whisker(ax_rank, df["rank"], df["rank_low"], df["rank_high"], y, "rank")
            _dot_whisker(ax_score, df["score"], df["score_low"], df["score_high"], y, "score")
            top = int(np.nanmax(df[["rank", "rank_high"]].to_numpy()))
            ax_rank.set_xlim(0.5, max(top, len(df)) + 0.5)
            ax_rank.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
            ax_rank.set_yticks(y, labels)
            ax_rank.set_ylim(len(df) - 0.5, -0.5)
            for ax in (ax_rank, ax_score):
                ax.tick_params(axis="y", length=0)
                ax.spines["left"].set_visible(False)  # the light row lines lead the eye across both panels
            ax_score.tick_params(axis="y", labelleft=False)
            ax_rank.set_xlabel(wrap(t["rank"], 44))
            ax_score.set_xlabel(wrap(t["score"], 44))
        heading(fig, title)
        return to_svg(fig, key, title)


def _dot_whisker(
    ax: Axes, point: pd.Series, low: pd.Series, high: pd.Series, y: np.ndarray, name: str
) -> None:
    """Each row's interval as a thick light whisker under a dark dot; one artist (and id) per dot."""
    lo = (point - low).where(low.notna(), 0.0).clip(lower=0)
    hi = (high - point).where(high.notna(), 0.0).clip(lower=0)
    whiskers(ax, point, y, lo, hi, f"{name}-intervals", ecolor=SKY, elinewidth=2.2, capsize=0, zorder=2)
    for i, (xv, yv) in enumerate(zip(point, y, strict=True)):
        ax.plot([xv], [yv], ls="none", marker="o", ms=5, color=BLUE, zorder=3, gid=f"{name}-{i}")
