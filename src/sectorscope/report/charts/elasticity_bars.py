"""The supply-demand elasticity index per product as signed bars: shortage and surplus read at a glance,
each with the interval its inputs allow."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ...errors import ChartError
from ...present import significant
from .inputs import check_interval, read_frame
from .parts import heading, no_data, row_labels, whiskers
from .style import BLUE, GREY, INK, VERMILLION, check_key, figure, style, to_svg
from .text import texts, wrap

__all__ = ["elasticity_bars_svg"]


def elasticity_bars_svg(
    frame: pd.DataFrame,
    *,
    title: str,
    lang: str = "zh",
    limit: float | None = None,
    key: str = "elasticity",
) -> str:
    """The supply-demand elasticity index per product as horizontal bars, first row at the top.

    frame: [label, tier, value, low, high]; tier may be None/NaN (else shown after the label in brackets).
    Positive values (shortage 短缺) are vermillion, negative (surplus 过剩) blue; [low, high] is drawn as an
    error bar (a NaN bound leaves it out); a zero line; with `limit`, dashed lines at ±limit. Long labels wrap
    (Chinese by character, English by word) and the figure grows with the rows, so nothing is cut off.
    Bars carry ids `{key}-bar-0` … in row order.
    """
    t = texts(lang)
    check_key(key)
    df = read_frame(frame, ["label", "tier", "value", "low", "high"], "elasticity",
                    numeric=["value", "low", "high"])
    for row in df.itertuples(index=False):
        if not math.isfinite(row.value):
            raise ChartError(f"{row.label}: the elasticity index must be a finite number, got {row.value!r}")
        check_interval(str(row.label), row.value, row.low, row.high, "index")
    names = [t["tier"].format(label=r.label, tier=r.tier) if isinstance(r.tier, str) and r.tier
             else str(r.label) for r in df.itertuples(index=False)]
    labels = [wrap(name, 24 if lang == "zh" else 30) for name in names]
    n_lines = sum(s.count("\n") + 1 for s in labels)
    height = 3.4 + 0.55 * len(df) + 0.3 * (n_lines - len(df))

    with style():
        fig = figure(max(height, 6.0))
        ax = fig.add_subplot()
        if df.empty:
            no_data(fig, ax, t)
        else:
            y = np.arange(len(df))
            colours = [VERMILLION if v >= 0 else BLUE for v in df["value"]]
            bars = ax.barh(y, df["value"], height=0.62, color=colours, zorder=2)
            for i, bar in enumerate(bars):
                bar.set_gid(f"bar-{i}")
            lo = (df["value"] - df["low"]).where(df["low"].notna(), 0.0)
            hi = (df["high"] - df["value"]).where(df["high"].notna(), 0.0)
            whiskers(ax, df["value"], y, lo, hi, "intervals", ecolor=INK, elinewidth=0.8, capsize=2.2,
                     capthick=0.8, zorder=3)
            ax.axvline(0, color=INK, lw=0.8, zorder=2.5, gid="zero")
            reach = np.nanmax(np.abs(df[["value", "low", "high"]].to_numpy()))
            if limit is not None:
                for sign, side in ((-1, "neg"), (1, "pos")):
                    ax.axvline(sign * limit, color=GREY, lw=0.8, ls=(0, (4, 3)), zorder=1.5,
                               gid=f"limit-{side}")
                reach = max(reach, abs(limit))
            reach = reach * 1.12 if reach > 0 else 1.0
            ax.set_xlim(-reach, reach)
            row_labels(ax, y, labels)
            ax.set_xlabel(t["elasticity"])
            handles = [Patch(color=VERMILLION, label=t["shortage"]), Patch(color=BLUE, label=t["surplus"]),
                       Line2D([], [], color=INK, lw=0.8, marker="|", ms=6, label=t["interval"])]
            if limit is not None:
                handles.append(Line2D([], [], color=GREY, lw=0.8, ls=(0, (4, 3)),
                                      label=t["limit"].format(limit=significant(abs(limit)))))
            fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        heading(fig, title)
        return to_svg(fig, key, title)

