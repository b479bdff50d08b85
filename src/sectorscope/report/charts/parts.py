"""Pieces that more than one chart draws: whiskers, labelled bar rows, the title, the note under a chart, the
empty chart."""
from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .style import BLACK, CM, GREY, WIDTH_CM
from .text import wrap

__all__ = ["heading", "no_data", "note", "row_labels", "whiskers"]


def whiskers(ax: Axes, x: object, y: object, minus: object, plus: object, gid: str, **style: Any) -> None:
    """Horizontal error bars from x − minus to x + plus. The id goes on the bars only: errorbar would give
    its caps the same id, and ids must be unique."""
    xerr = np.vstack([np.asarray(minus, dtype=float), np.asarray(plus, dtype=float)])
    container = ax.errorbar(np.asarray(x, dtype=float), np.asarray(y, dtype=float), xerr=xerr, fmt="none",
                            **style)
    container.lines[2][0].set_gid(gid)


def row_labels(ax: Axes, y: np.ndarray, labels: list[str]) -> None:
    """A horizontal bar chart's rows: one label a row, the first at the top, no tick marks, no row grid and no
    left spine (the labels lead the eye to their bars)."""
    ax.set_yticks(y, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)
    ax.spines["left"].set_visible(False)


def no_data(fig: Figure, ax: Axes, t: dict[str, str]) -> None:
    """An empty chart keeps its title and says so, in a short figure: a report section with nothing to plot
    should not spend half a page on empty axes."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, t["no_data"], transform=ax.transAxes, ha="center", va="center", color=GREY,
            fontsize=10, gid="no-data")
    fig.set_size_inches(WIDTH_CM * CM, 3.5 * CM)


def heading(fig: Figure, text: str) -> None:
    """The chart's heading, left-aligned, at most two lines."""
    fig.suptitle(wrap(text, 76, max_lines=2), x=0.01, ha="left", fontsize=10, color=BLACK)


def note(fig: Figure, text: str) -> None:
    """A one-line note under the chart (legend-like), kept inside the figure by the layout engine."""
    fig.supxlabel(wrap(text, 100, max_lines=3), x=0.01, ha="left", fontsize=7, color="#555555")
