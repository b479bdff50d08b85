"""Where a market's imports come from: one stacked bar per market (or product), each partner's share of the
imports a segment, the rest grey — concentration read at a glance, the partners named on the bar."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.patches import Patch

from ...errors import ChartError
from .parts import heading, no_data, row_labels
from .style import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, check_key, figure, style, to_svg
from .text import texts, truncate, wrap

__all__ = ["partner_shares_svg"]

_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE)


def partner_shares_svg(bars: Sequence[Mapping[str, Any]], *, title: str, lang: str = "zh",
                       key: str = "import_sources") -> str:
    """Stacked horizontal bars of import shares (%), first bar at the top.

    bars: [{"label": str, "parts": [(partner, share %), …]}] — the largest partners of each row, largest
    first; what they leave of 100 % is drawn grey as 其他/others. A partner keeps its colour across rows (by
    the order partners first appear), so Japan is one colour in every bar. Shares outside 0–100 or summing
    past 100 (+0.5 for rounding) are a ChartError. Segments carry ids `{key}-bar-{row}-{k}`.
    """
    t = texts(lang)
    check_key(key)
    order: list[str] = []
    for b in bars:
        total = 0.0
        for partner, share in b["parts"]:
            if not math.isfinite(share) or not 0 <= share <= 100:
                raise ChartError(f"{b['label']}: the share of {partner} must lie in 0–100 %, got {share!r}")
            total += share
            if partner not in order:
                order.append(partner)
        if total > 100.5:
            raise ChartError(f"{b['label']}: the partners' shares add up to {total:.1f} %, more than 100 %")
    colour = {p: _COLOURS[i] if i < len(_COLOURS) else GREY for i, p in enumerate(order)}
    labels = [wrap(str(b["label"]), 22 if lang == "zh" else 28) for b in bars]
    n_lines = sum(s.count("\n") + 1 for s in labels)
    height = 4.0 + 0.6 * len(bars) + 0.3 * (n_lines - len(bars))
    with style():
        fig = figure(max(height, 6.0))
        ax = fig.add_subplot()
        if not bars:
            no_data(fig, ax, t)
        else:
            y = np.arange(len(bars))
            for i, b in enumerate(bars):
                left = 0.0
                for k, (partner, share) in enumerate(b["parts"]):
                    seg = ax.barh(i, share, left=left, height=0.62, color=colour[partner], zorder=2)
                    seg[0].set_gid(f"bar-{i}-{k}")
                    if share >= 7:  # a narrower segment keeps its colour and its name in the legend only
                        shown = truncate(partner, 8) + (f" {share:.0f}%" if share >= 12 else "")
                        ax.text(left + share / 2, i, shown, ha="center", va="center", fontsize=7,
                                color="white", zorder=3)
                    left += share
                if left < 100:
                    ax.barh(i, 100 - left, left=left, height=0.62, color="#DDDDDD", zorder=2,
                            gid=f"bar-{i}-rest")
            ax.set_xlim(0, 100)
            row_labels(ax, y, labels)
            ax.set_xlabel(t["import_share"])
            handles = [Patch(color=colour[p], label=p) for p in order[:len(_COLOURS)]]
            handles.append(Patch(color="#DDDDDD", label=t["others"]))
            fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 7))
        heading(fig, title)
        return to_svg(fig, key, title)
