"""Market size over time: the observed series, sectorscope's forecast as a fan (80 % and 95 % bands around
the mean) and the reports' own forecasts, so a reader sees at once whether the reports' numbers lie inside
what the data support."""
from __future__ import annotations

import math
from itertools import pairwise

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ...errors import ChartError
from .inputs import read_frame
from .parts import heading, no_data
from .style import BLACK, BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, check_key, figure, style, to_svg
from .text import texts, wrap

__all__ = ["market_fan_svg"]

# The forecast fan: BLUE mixed with white (35 %, 15 %), solid rather than translucent so print and PDF
# viewers cannot differ on how the bands blend.
_FAN80 = "#A6CDE4"
_FAN95 = "#D9EAF4"
_REPORTED_MARKERS = ("D", "^", "s", "v", "P")
_REPORTED_COLOURS = (VERMILLION, PURPLE, ORANGE, SKY, GREEN)


def _year_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:.0f}"))


_FAN = ("lo95", "lo80", "mean", "hi80", "hi95")


def _check_fan(fc: pd.DataFrame) -> None:
    """lo95 ≤ lo80 ≤ mean ≤ hi80 ≤ hi95 in every year (to a rounding tolerance); a ValueError names the
    year."""
    for row in fc.itertuples(index=False):
        vals = [getattr(row, c) for c in _FAN]
        year = int(row.year)
        if any(not math.isfinite(v) for v in vals):
            raise ChartError(f"forecast for {year}: every one of {', '.join(_FAN)} must be a finite number")
        tol = 1e-9 * max(1.0, *(abs(v) for v in vals))
        for (a, va), (b, vb) in pairwise(zip(_FAN, vals, strict=True)):
            if va > vb + tol:
                raise ChartError(
                    f"forecast for {year}: the bands are out of order, {a} = {va:g} > {b} = {vb:g} "
                    "(need lo95 ≤ lo80 ≤ mean ≤ hi80 ≤ hi95)"
                )


def _fan_series(hist: pd.DataFrame, fc: pd.DataFrame) -> pd.DataFrame:
    """The fan's rows, starting at the last observed point (zero width there) when the history ends before
    the forecast begins, so the fan visibly grows out of the data."""
    if hist.empty or fc.empty or hist["year"].max() >= fc["year"].min():
        return fc
    last = hist.iloc[-1]
    anchor = pd.DataFrame({"year": [last["year"]], **{c: [last["value"]] for c in _FAN}})
    return pd.concat([anchor, fc], ignore_index=True)


def market_fan_svg(
    history: pd.DataFrame | None,
    forecast: pd.DataFrame | None,
    reported: pd.DataFrame | None,
    *,
    title: str,
    unit: str,
    lang: str = "zh",
    key: str = "market-fan",
) -> str:
    """Market size over time: the observed series, sectorscope's forecast as a fan, the report's own
    forecasts.

    history: [year, value] observed points, drawn as a line with markers (id `{key}-history`).
    forecast: [year, mean, lo80, hi80, lo95, hi95]; the 95 % band lighter, the 80 % band darker, the mean
    dashed, all joined to the last observed point. ValueError (naming the year) unless
    lo95 ≤ lo80 ≤ mean ≤ hi80 ≤ hi95 and all are finite.
    reported: [year, value, label] the report's forecasts, one marker series per distinct label (so two
    reports' forecasts stay apart), legend "报告预测 · label" / "report's forecast · label" (ids
    `{key}-reported-0`, …).
    Any frame may be empty or None. The y axis is labelled with `unit` and starts at 0 when nothing is
    negative (market sizes: a truncated axis would exaggerate growth).
    """
    t = texts(lang)
    check_key(key)
    hist = read_frame(history, ["year", "value"], "history", numeric=["year", "value"])
    hist = hist.dropna().sort_values("year", kind="stable").reset_index(drop=True)
    fc = read_frame(forecast, ["year", *_FAN], "forecast", numeric=["year", *_FAN])
    fc = fc.sort_values("year", kind="stable").reset_index(drop=True)
    _check_fan(fc)
    rep = read_frame(reported, ["year", "value", "label"], "reported", numeric=["year", "value"]).dropna(
        subset=["year", "value"]
    )
    rep["label"] = rep["label"].fillna("").astype(str)

    with style():
        fig = figure(9.0)
        ax = fig.add_subplot()
        handles: list[object] = []
        if not hist.empty:
            (line,) = ax.plot(hist["year"], hist["value"], color=BLACK, lw=1.4, marker="o", ms=3.5,
                              label=t["observed"], gid="history", zorder=4)
            handles.append(line)
        if not fc.empty:
            fan = _fan_series(hist, fc)
            p95 = ax.fill_between(fan["year"], fan["lo95"], fan["hi95"], color=_FAN95, lw=0,
                                  label=t["band95"], gid="band95", zorder=1)
            p80 = ax.fill_between(fan["year"], fan["lo80"], fan["hi80"], color=_FAN80, lw=0,
                                  label=t["band80"], gid="band80", zorder=2)
            (mean,) = ax.plot(fan["year"], fan["mean"], color=BLUE, lw=1.4, ls=(0, (4, 2)),
                              label=t["mean"], gid="forecast-mean", zorder=3)
            handles += [mean, p80, p95]
        for i, (label, grp) in enumerate(rep.groupby("label", sort=False)):
            name = f"{t['reported']} · {label}" if label else t["reported"]
            (pts,) = ax.plot(grp["year"], grp["value"], ls="none", marker=_REPORTED_MARKERS[i % 5], ms=5,
                             mfc="white", mec=_REPORTED_COLOURS[i % 5], mew=1.3, label=wrap(name, 40, 2),
                             gid=f"reported-{i}", zorder=5)
            handles.append(pts)
        if not handles:
            no_data(fig, ax, t)
        else:
            values = pd.concat([hist["value"], fc["lo95"], fc["hi95"], rep["value"]])
            if values.min() >= 0:
                ax.set_ylim(bottom=0, top=values.max() * 1.06 if values.max() > 0 else 1)
            _year_axis(ax)
            ax.set_xlabel(t["year"])
            ax.set_ylabel(unit)
            ax.grid(axis="x", visible=False)
            fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3))
        heading(fig, title)
        return to_svg(fig, key, title)

