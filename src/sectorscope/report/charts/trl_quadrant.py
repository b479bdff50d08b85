"""The TRL × demand dual track as a chart: each technology placed by demand score and readiness, in the
quadrant whose advice (scale up, fund R&D, watch, drop) the analytics layer gives it."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from ...analytics import QUADRANTS
from ...errors import ChartError
from .inputs import check_interval, read_frame
from .parts import heading, note, whiskers
from .style import BLACK, BLUE, GREEN, GREY, ORANGE, check_key, figure, style, to_svg
from .text import texts, truncate

__all__ = ["QUADRANT_NAMES", "trl_quadrant_svg"]

# The TRL × demand quadrants: their codes, advice and corners. The advice is analytics.trl's own words (one
# copy: a chart's corners read exactly like the table's advice column); the corner and colour are the chart's.
# (code, corner, colour); corner is (high demand?, high TRL?).
_CORNERS: tuple[tuple[str, tuple[bool, bool], str], ...] = (
    ("scale_up", (True, True), GREEN),
    ("fund_rnd", (True, False), BLUE),
    ("watch", (False, True), ORANGE),
    ("drop", (False, False), GREY),
)
QUADRANT_NAMES: dict[str, tuple[str, str]] = {code: QUADRANTS[code] for code, _, _ in _CORNERS}
_QUADRANTS: tuple[tuple[str, str, str, tuple[bool, bool], str], ...] = tuple(
    (code, *QUADRANTS[code], corner, colour) for code, corner, colour in _CORNERS)


def _quadrant_colour(value: object) -> str:
    """The colour of a point from its quadrant column: a code (scale_up …) or its zh/en name."""
    text = str(value) if value is not None else ""
    for code, zh, en, _, colour in _QUADRANTS:
        if text == code or zh in text or text.endswith(en):
            return colour
    return GREY


def _dodge(trl: pd.Series, demand: pd.Series) -> np.ndarray:
    """Vertical offsets for points sharing a TRL: spread over at most ±0.42 around the level, ordered by
    demand (lowest at the top), so their labels stack instead of printing over each other."""
    offsets = np.zeros(len(trl))
    for idx in trl.groupby(trl).groups.values():
        members = sorted(idx, key=lambda i: (demand[i], i))
        m = len(members)
        if m == 1:
            continue
        step = min(0.3, 0.84 / (m - 1))
        for k, i in enumerate(members):
            offsets[trl.index.get_loc(i)] = ((m - 1) / 2 - k) * step
    return offsets


def trl_quadrant_svg(
    frame: pd.DataFrame,
    *,
    title: str,
    lang: str = "zh",
    trl_cut: int = 6,
    demand_cut: float = 0.5,
    key: str = "trl-quadrant",
) -> str:
    """Technologies placed by demand score (x, 0–1) and readiness (y, TRL 1–9), with the quadrant advice.

    frame: [label, trl, demand, demand_low, demand_high, quadrant]. The demand interval is a horizontal error
    bar. Cut lines: demand = demand_cut, and between TRL trl_cut − 1 and trl_cut (high readiness is
    TRL ≥ trl_cut). The corners name the quadrants as analytics.trl does (QUADRANT_NAMES):

        top right    high TRL, high demand   规模化推进           scale up
        bottom right low TRL,  high demand   加大研发投入         fund R&D
        top left     high TRL, low demand    持续观察/市场培育    watch (cultivate the market)
        bottom left  low TRL,  low demand    暂缓/退出            drop or defer

    Points take the colour of their `quadrant` column (a code or its zh/en name; boundary advice included),
    hollow when the demand interval straddles the cut. Points sharing a TRL are spread vertically, ordered
    by demand, and labelled beyond the end of their whisker (before its start near the right edge), so labels
    stack rather than overlap and never hide an interval. Rows without a demand score cannot be placed: they
    are named in a note under the chart.
    Points carry ids `{key}-point-0` … in the order of the placed rows.
    """
    t = texts(lang)
    check_key(key)
    df, unplaced = _placed(frame)
    crowd = int(df.groupby("trl").size().max()) if not df.empty else 1
    height = min(max(11.0, 3.6 + 9 * crowd * 0.34), 20.0)

    with style():
        fig = figure(height)
        ax = fig.add_subplot()
        _quadrant_axes(ax, t, lang, trl_cut, demand_cut)
        any_hollow = _plot_points(ax, df, demand_cut)
        notes = []
        if any_hollow:
            notes.append(t["hollow"])
        if unplaced:
            notes.append(t["unplaced"].format(names=t["list_sep"].join(unplaced)))
        if notes:
            note(fig, t["note_sep"].join(notes))
        heading(fig, title)
        return to_svg(fig, key, title)


def _placed(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows with a demand score (checked), and the labels of those without one, which cannot be placed."""
    df = read_frame(frame, ["label", "trl", "demand", "demand_low", "demand_high", "quadrant"], "trl_quadrant",
                    numeric=["trl", "demand", "demand_low", "demand_high"])
    for row in df.itertuples(index=False):
        if not (math.isfinite(row.trl) and float(row.trl).is_integer() and 1 <= row.trl <= 9):
            raise ChartError(f"{row.label}: TRL must be a whole number from 1 to 9, got {row.trl!r}")
        if math.isfinite(row.demand):
            check_interval(str(row.label), row.demand, row.demand_low, row.demand_high, "demand score")
    unplaced = df.loc[df["demand"].isna(), "label"].astype(str).tolist()
    return df.loc[df["demand"].notna()].reset_index(drop=True), unplaced


def _quadrant_axes(ax: Axes, t: dict[str, str], lang: str, trl_cut: int, demand_cut: float) -> None:
    """Demand 0–1 across, TRL 1–9 up, the two cut lines and the quadrants' names in the corners."""
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(0.0, 10.0)  # a free band above TRL 9 and below TRL 1 for the corner names
    ax.set_yticks(range(1, 10))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.set_xlabel(t["demand"])
    ax.set_ylabel(t["trl"])
    ax.axvline(demand_cut, color=GREY, lw=0.8, ls=(0, (4, 3)), gid="cut-demand")
    ax.axhline(trl_cut - 0.5, color=GREY, lw=0.8, ls=(0, (4, 3)), gid="cut-trl")
    for code, zh, en, (right, top), colour in _QUADRANTS:
        ax.text(0.995 if right else 0.005, 0.995 if top else 0.005, zh if lang == "zh" else en,
                transform=ax.transAxes, ha="right" if right else "left", va="top" if top else "bottom",
                fontsize=8.5, color=colour,
                gid=f"quadrant-{code}")  # no alpha: WeasyPrint 70 drops translucent end-anchored text


def _plot_points(ax: Axes, df: pd.DataFrame, demand_cut: float) -> bool:
    """Each placed row as a point with its demand whisker and label; True when a point is hollow (its demand
    interval straddles the cut)."""
    y = df["trl"].to_numpy() + _dodge(df["trl"], df["demand"])
    any_hollow = False
    for i, row in enumerate(df.itertuples(index=False)):
        colour = _quadrant_colour(row.quadrant)
        lo = row.demand_low if math.isfinite(row.demand_low) else row.demand
        hi = row.demand_high if math.isfinite(row.demand_high) else row.demand
        if hi > lo:
            whiskers(ax, [row.demand], [y[i]], [row.demand - lo], [hi - row.demand], f"interval-{i}",
                     ecolor=colour, elinewidth=0.9, capsize=1.8, capthick=0.9, zorder=2)
        hollow = lo < demand_cut <= hi
        any_hollow |= hollow
        ax.plot([row.demand], [y[i]], ls="none", marker="o", ms=4.8, mec=colour, mew=1.2,
                mfc="white" if hollow else colour, zorder=3, gid=f"point-{i}")
        left = hi > 0.72  # beyond the whisker's end, so the label never hides the interval
        ax.annotate(truncate(str(row.label), 26), (lo if left else hi, y[i]),
                    xytext=(-4 if left else 4, 0), textcoords="offset points",
                    ha="right" if left else "left", va="center", fontsize=7, color=BLACK, zorder=4,
                    gid=f"label-{i}",
                    bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.7})
    return any_hollow
