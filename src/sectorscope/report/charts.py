"""Static SVG charts for the reports (HTML and PDF): plain DataFrames in, an SVG string out.

Why static SVG from matplotlib: the HTML report is self-contained (no script) and WeasyPrint draws SVG
natively, so one rendering serves the page and the PDF, sharp at any zoom. Each function is pure: it builds
a `matplotlib.figure.Figure` of its own (no pyplot, no global figure state), inside an rc context that sets
the CJK font and the deterministic SVG settings, so the same input gives byte-identical SVG and the
report's golden files stay stable.

Conventions shared by every chart:

- `lang` "zh" (default) or "en" chooses the axis labels, legends and notes; `title` comes from the caller
  and is drawn as the chart's heading.
- Width 16 cm (an A4 page's text width); the height follows the number of rows. The root element carries
  width/height in pt and a viewBox, so a page can scale it with CSS (`max-width: 100%; height: auto`).
- Text is kept as text (`svg.fonttype = "none"`) in Noto Sans CJK SC (see `fonts.py`): small files, and the
  PDF's text stays searchable; WeasyPrint and browsers draw it with the installed font. See SVG_FONTTYPE.
- The string starts at `<svg` (no XML declaration, no DOCTYPE), so it can be inlined into HTML as it is, or
  written to a .svg file / a data: URI. Every id in it starts with `key` (a keyword each function takes), so
  several charts can be inlined in one page without clashing ids: give each chart its own key.
- Okabe–Ito colours (safe for the common colour-vision deficiencies), light grid, no box, no chart junk.
- Artists that stand for data carry ids (`{key}-bar-0`, `{key}-point-3`, `{key}-history`, …) so tests and
  readers can find them.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .fonts import FontError, cjk_font_family, cjk_font_path

__all__ = [
    "QUADRANT_NAMES",
    "SVG_FONTTYPE",
    "WIDTH_CM",
    "elasticity_bars_svg",
    "market_fan_svg",
    "rank_intervals_svg",
    "trl_quadrant_svg",
]

# "none": text stays <text> (searchable in the PDF, 3–5× smaller than glyph outlines); the HTML/PDF must have
# the font, which fontconfig gives WeasyPrint and the SVG's CSS names first. Measurements: docs/decisions.md.
SVG_FONTTYPE = "none"
WIDTH_CM = 16.0
_CM = 1 / 2.54
_HASHSALT = "sectorscope"  # fixed, so clip-path and marker ids are the same on every run

# Okabe & Ito (2008), "Color Universal Design".
_BLACK = "#222222"
_ORANGE = "#E69F00"
_SKY = "#56B4E9"
_GREEN = "#009E73"
_BLUE = "#0072B2"
_VERMILLION = "#D55E00"
_PURPLE = "#CC79A7"
_GREY = "#8C8C8C"
_INK = "#333333"
# The forecast fan: _BLUE mixed with white (35 %, 15 %), solid rather than translucent so print and PDF
# viewers cannot differ on how the bands blend.
_FAN80 = "#A6CDE4"
_FAN95 = "#D9EAF4"

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "year": "年份",
        "observed": "实际值",
        "mean": "预测均值",
        "band80": "80% 预测区间",
        "band95": "95% 预测区间",
        "reported": "报告预测",
        "no_data": "无数据",
        "elasticity": "供需弹性指数(+ 短缺,− 过剩)",
        "shortage": "短缺(+)",
        "surplus": "过剩(−)",
        "interval": "区间",
        "limit": "阈值 ±{limit}",
        "demand": "需求评分(0–1)",
        "trl": "技术成熟度(TRL)",
        "hollow": "空心点:需求区间跨越分界线",
        "unplaced": "缺需求数据、未定位:{names}",
        "rank": "排名(中位数与 95% 区间,1 为最高)",
        "score": "指数得分(点估计与 95% 区间)",
        "list_sep": "、",
        "tier": "{label}({tier})",
    },
    "en": {
        "year": "year",
        "observed": "observed",
        "mean": "forecast mean",
        "band80": "80% interval",
        "band95": "95% interval",
        "reported": "report's forecast",
        "no_data": "no data",
        "elasticity": "supply-demand elasticity index (+ shortage, − surplus)",
        "shortage": "shortage (+)",
        "surplus": "surplus (−)",
        "interval": "interval",
        "limit": "threshold ±{limit}",
        "demand": "demand score (0–1)",
        "trl": "technology readiness level (TRL)",
        "hollow": "hollow: demand interval straddles the cut",
        "unplaced": "no demand data, not placed: {names}",
        "rank": "rank (median and 95% interval, 1 = best)",
        "score": "index score (point and 95% interval)",
        "list_sep": ", ",
        "tier": "{label} ({tier})",
    },
}

# The TRL × demand quadrants: the same codes and advice as analytics.trl.QUADRANTS, so a chart's corners read
# exactly like the table's advice column (a test holds them equal).
# (code, zh, en, corner, colour); corner is (high demand?, high TRL?).
_QUADRANTS: tuple[tuple[str, str, str, tuple[bool, bool], str], ...] = (
    ("scale_up", "规模化推进", "scale up", (True, True), _GREEN),
    ("fund_rnd", "加大研发投入", "fund R&D", (True, False), _BLUE),
    ("watch", "持续观察/市场培育", "watch (cultivate the market)", (False, True), _ORANGE),
    ("drop", "暂缓/退出", "drop or defer", (False, False), _GREY),
)
QUADRANT_NAMES: dict[str, tuple[str, str]] = {code: (zh, en) for code, zh, en, _, _ in _QUADRANTS}
_REPORTED_MARKERS = ("D", "^", "s", "v", "P")
_REPORTED_COLOURS = (_VERMILLION, _PURPLE, _ORANGE, _SKY, _GREEN)


# ---------------------------------------------------------------------------------------------------------
# Style, font, rendering
# ---------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _register_font() -> str:
    """Add the Noto CJK file to matplotlib's font list (once) and check matplotlib resolves the family to it:
    a silent fallback to DejaVu would draw every Chinese character as a box."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    family = cjk_font_family()
    try:
        found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError as exc:
        raise FontError(f"matplotlib cannot use '{family}' from {path}: {exc}") from exc
    if "CJK" not in found:
        raise FontError(f"matplotlib resolves '{family}' to {found}, not to {path}")
    return family


def _rc() -> dict[str, object]:
    family = _register_font()
    return {
        "font.family": [family, "DejaVu Sans"],  # DejaVu only for a glyph Noto CJK lacks
        "font.size": 8.0,
        "axes.titlesize": 8.5,
        "axes.labelsize": 8.0,
        "axes.labelcolor": _INK,
        "axes.edgecolor": "#666666",
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.unicode_minus": True,
        "grid.color": "#E3E3E3",
        "grid.linewidth": 0.5,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "xtick.color": _INK,
        "ytick.color": _INK,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "legend.fontsize": 7.5,
        "legend.frameon": False,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "text.parse_math": False,  # labels are data: "US$5亿 – $8亿" must print as written, not as TeX
        "svg.fonttype": SVG_FONTTYPE,
        "svg.hashsalt": _HASHSALT,
        "svg.id": None,
        "path.simplify": False,
    }


@contextmanager
def _style() -> Iterator[None]:
    """Everything a chart draws and saves happens inside this context; nothing leaks into the caller's
    matplotlib settings."""
    with matplotlib.rc_context(_rc()):
        yield


def _figure(height_cm: float) -> Figure:
    return Figure(figsize=(WIDTH_CM * _CM, height_cm * _CM), layout="constrained")


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_PROLOG = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")


def _scope_ids(svg: str, key: str) -> str:
    """Prefix every id (and every reference to one) with `key`, so charts inlined in one page stay apart."""
    ids = set(_ID.findall(svg))

    def sub(m: re.Match[str]) -> str:
        name = m.group(2)
        return m.group(1) + (f"{key}-{name}" if name in ids and not name.startswith(f"{key}-") else name)

    return _REF.sub(sub, svg)


def _check_key(key: str) -> str:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", key):
        raise ValueError(
            f"chart key must be ASCII letters, digits, - or _ and start with a letter, got {key!r}"
        )
    return key


# Where a page is read without Noto Sans CJK: Source Han Sans SC is the same design (same metrics, so the
# layout matplotlib measured still holds), then the platforms' own CJK fonts.
_CSS_FALLBACK = "'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'DejaVu Sans', sans-serif"


def _to_svg(fig: Figure, key: str, title: str) -> str:
    """The figure as SVG text: no date, a fixed creator, ids scoped by `key`, no XML prolog, and a CSS font
    fallback list after the fonts matplotlib names."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "sectorscope", "Title": title})
    svg = _PROLOG.sub("", buf.getvalue().decode("utf-8"))
    svg = svg.replace(f"font-family: '{cjk_font_family()}', 'DejaVu Sans'",
                      f"font-family: '{cjk_font_family()}', {_CSS_FALLBACK}")
    return _scope_ids(svg, key)


def _texts(lang: str) -> dict[str, str]:
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return _TEXT[lang]


# ---------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------

def _frame(
    df: pd.DataFrame | None, columns: Sequence[str], name: str, *, numeric: Sequence[str] = ()
) -> pd.DataFrame:
    """The columns a chart needs, copied; numeric ones as float. None, or a frame without rows (even one
    without the columns: "nothing to show" is often `pd.DataFrame()`), reads as an empty frame."""
    if df is None or len(df) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c in numeric else object) for c in columns})
    missing = [c for c in columns if c not in df.columns]
    if missing:
        has = ", ".join(map(str, df.columns))
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)} (has {has})")
    out = df.loc[:, list(columns)].copy().reset_index(drop=True)
    for c in numeric:
        out[c] = pd.to_numeric(out[c], errors="raise").astype(float)
    return out


def _text_width(text: str) -> int:
    """Display width in half-width units: a CJK (wide or full-width) character counts 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%'’&/+\-]*|\s+|.", re.DOTALL)
_NO_LINE_START = set(",。、;:!?)】》」』,.;:!?)%")
_NO_LINE_END = set("(【《「『(")


def _greedy_lines(text: str, width: int) -> list[str]:
    """Greedy line breaking by display width: Chinese may break between any two characters, Latin words stay
    whole, closing punctuation never starts a line and an opening bracket never ends one."""
    lines: list[str] = []
    line = ""
    for tok in _TOKEN.findall(text.strip()):
        if tok.isspace():
            if line:
                line += " "
            continue
        if line and _text_width(line + tok) > width and tok[0] not in _NO_LINE_START:
            carry, line = "", line.rstrip()
            while line[-1] in _NO_LINE_END and len(line) > 1:
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line.rstrip())
            line = carry + tok
        else:
            line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    """Lines at most `width` wide. When the last line would be a stub (under a quarter of the width), the lines
    are balanced instead: the narrowest width giving the same number of lines, so a label breaks
    "微型振动马达 / (可穿戴设备用)" rather than "微型振动马达(可穿戴设备 / 用)". Past `max_lines` the text
    ends in an ellipsis."""
    lines = _greedy_lines(text, width)
    if 1 < len(lines) <= max_lines and _text_width(lines[-1]) < width / 4:
        for narrower in range(width - 1, width // 2, -1):
            trial = _greedy_lines(text, narrower)
            if len(trial) != len(lines):
                break
            lines = trial
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _text_width(last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return "\n".join(lines)


def _truncate(text: str, width: int) -> str:
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _fmt_number(x: float) -> str:
    return f"{x:g}"


def _whiskers(ax: Axes, x: object, y: object, minus: object, plus: object, gid: str, **style: object) -> None:
    """Horizontal error bars from x − minus to x + plus. The id goes on the bars only: errorbar would give
    its caps the same id, and ids must be unique."""
    xerr = np.vstack([np.asarray(minus, dtype=float), np.asarray(plus, dtype=float)])
    container = ax.errorbar(np.asarray(x, dtype=float), np.asarray(y, dtype=float), xerr=xerr, fmt="none",
                            **style)
    container.lines[2][0].set_gid(gid)


def _year_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:.0f}"))


def _no_data(ax: Axes, t: dict[str, str]) -> None:
    """An empty chart keeps its title and says so, in a short figure: a report section with nothing to plot
    should not spend half a page on empty axes."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, t["no_data"], transform=ax.transAxes, ha="center", va="center", color=_GREY,
            fontsize=10, gid="no-data")
    ax.get_figure(root=True).set_size_inches(WIDTH_CM * _CM, 3.5 * _CM)


def _title(fig: Figure, title: str) -> None:
    fig.suptitle(_wrap(title, 76, max_lines=2), x=0.01, ha="left", fontsize=10, color=_BLACK)


def _note(fig: Figure, text: str) -> None:
    """A one-line note under the chart (legend-like), kept inside the figure by the layout engine."""
    fig.supxlabel(_wrap(text, 100, max_lines=3), x=0.01, ha="left", fontsize=7, color="#555555")


# ---------------------------------------------------------------------------------------------------------
# 1. Market size: history, forecast fan, the report's own forecasts
# ---------------------------------------------------------------------------------------------------------

_FAN = ("lo95", "lo80", "mean", "hi80", "hi95")


def _check_fan(fc: pd.DataFrame) -> None:
    """lo95 ≤ lo80 ≤ mean ≤ hi80 ≤ hi95 in every year (to a rounding tolerance); a ValueError names the
    year."""
    for row in fc.itertuples(index=False):
        vals = [getattr(row, c) for c in _FAN]
        year = int(row.year)
        if any(not math.isfinite(v) for v in vals):
            raise ValueError(f"forecast for {year}: every one of {', '.join(_FAN)} must be a finite number")
        tol = 1e-9 * max(1.0, *(abs(v) for v in vals))
        for (a, va), (b, vb) in zip(zip(_FAN, vals), zip(_FAN[1:], vals[1:])):
            if va > vb + tol:
                raise ValueError(
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
    t = _texts(lang)
    _check_key(key)
    hist = _frame(history, ["year", "value"], "history", numeric=["year", "value"])
    hist = hist.dropna().sort_values("year", kind="stable").reset_index(drop=True)
    fc = _frame(forecast, ["year", *_FAN], "forecast", numeric=["year", *_FAN])
    fc = fc.sort_values("year", kind="stable").reset_index(drop=True)
    _check_fan(fc)
    rep = _frame(reported, ["year", "value", "label"], "reported", numeric=["year", "value"]).dropna(
        subset=["year", "value"]
    )
    rep["label"] = rep["label"].fillna("").astype(str)

    with _style():
        fig = _figure(9.0)
        ax = fig.add_subplot()
        handles: list[object] = []
        if not hist.empty:
            (line,) = ax.plot(hist["year"], hist["value"], color=_BLACK, lw=1.4, marker="o", ms=3.5,
                              label=t["observed"], gid="history", zorder=4)
            handles.append(line)
        if not fc.empty:
            fan = _fan_series(hist, fc)
            p95 = ax.fill_between(fan["year"], fan["lo95"], fan["hi95"], color=_FAN95, lw=0,
                                  label=t["band95"], gid="band95", zorder=1)
            p80 = ax.fill_between(fan["year"], fan["lo80"], fan["hi80"], color=_FAN80, lw=0,
                                  label=t["band80"], gid="band80", zorder=2)
            (mean,) = ax.plot(fan["year"], fan["mean"], color=_BLUE, lw=1.4, ls=(0, (4, 2)),
                              label=t["mean"], gid="forecast-mean", zorder=3)
            handles += [mean, p80, p95]
        for i, (label, grp) in enumerate(rep.groupby("label", sort=False)):
            name = f"{t['reported']} · {label}" if label else t["reported"]
            (pts,) = ax.plot(grp["year"], grp["value"], ls="none", marker=_REPORTED_MARKERS[i % 5], ms=5,
                             mfc="white", mec=_REPORTED_COLOURS[i % 5], mew=1.3, label=_wrap(name, 40, 2),
                             gid=f"reported-{i}", zorder=5)
            handles.append(pts)
        if not handles:
            _no_data(ax, t)
        else:
            values = pd.concat([hist["value"], fc["lo95"], fc["hi95"], rep["value"]])
            if values.min() >= 0:
                ax.set_ylim(bottom=0, top=values.max() * 1.06 if values.max() > 0 else 1)
            _year_axis(ax)
            ax.set_xlabel(t["year"])
            ax.set_ylabel(unit)
            ax.grid(axis="x", visible=False)
            fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3))
        _title(fig, title)
        return _to_svg(fig, key, title)


# ---------------------------------------------------------------------------------------------------------
# 2. Supply-demand elasticity index
# ---------------------------------------------------------------------------------------------------------

def _check_interval(label: str, value: float, low: float, high: float, what: str) -> None:
    if math.isfinite(low) and math.isfinite(high) and not (low <= value <= high):
        raise ValueError(f"{label}: {what} {value:g} lies outside its interval [{low:g}, {high:g}]")


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
    t = _texts(lang)
    _check_key(key)
    df = _frame(frame, ["label", "tier", "value", "low", "high"], "elasticity",
                numeric=["value", "low", "high"])
    for row in df.itertuples(index=False):
        if not math.isfinite(row.value):
            raise ValueError(f"{row.label}: the elasticity index must be a finite number, got {row.value!r}")
        _check_interval(str(row.label), row.value, row.low, row.high, "index")
    names = [t["tier"].format(label=r.label, tier=r.tier) if isinstance(r.tier, str) and r.tier
             else str(r.label) for r in df.itertuples(index=False)]
    labels = [_wrap(name, 24 if lang == "zh" else 30) for name in names]
    n_lines = sum(s.count("\n") + 1 for s in labels)
    height = 3.4 + 0.55 * len(df) + 0.3 * (n_lines - len(df))

    with _style():
        fig = _figure(max(height, 6.0))
        ax = fig.add_subplot()
        if df.empty:
            _no_data(ax, t)
        else:
            y = np.arange(len(df))
            colours = [_VERMILLION if v >= 0 else _BLUE for v in df["value"]]
            bars = ax.barh(y, df["value"], height=0.62, color=colours, zorder=2)
            for i, bar in enumerate(bars):
                bar.set_gid(f"bar-{i}")
            lo = (df["value"] - df["low"]).where(df["low"].notna(), 0.0)
            hi = (df["high"] - df["value"]).where(df["high"].notna(), 0.0)
            _whiskers(ax, df["value"], y, lo, hi, "intervals", ecolor=_INK, elinewidth=0.8, capsize=2.2,
                      capthick=0.8, zorder=3)
            ax.axvline(0, color=_INK, lw=0.8, zorder=2.5, gid="zero")
            reach = np.nanmax(np.abs(df[["value", "low", "high"]].to_numpy()))
            if limit is not None:
                for sign, side in ((-1, "neg"), (1, "pos")):
                    ax.axvline(sign * limit, color=_GREY, lw=0.8, ls=(0, (4, 3)), zorder=1.5,
                               gid=f"limit-{side}")
                reach = max(reach, abs(limit))
            reach = reach * 1.12 if reach > 0 else 1.0
            ax.set_xlim(-reach, reach)
            ax.set_yticks(y, labels)
            ax.set_ylim(len(df) - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            ax.grid(axis="y", visible=False)
            ax.spines["left"].set_visible(False)
            ax.set_xlabel(t["elasticity"])
            handles = [Patch(color=_VERMILLION, label=t["shortage"]), Patch(color=_BLUE, label=t["surplus"]),
                       Line2D([], [], color=_INK, lw=0.8, marker="|", ms=6, label=t["interval"])]
            if limit is not None:
                handles.append(Line2D([], [], color=_GREY, lw=0.8, ls=(0, (4, 3)),
                                      label=t["limit"].format(limit=_fmt_number(abs(limit)))))
            fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        _title(fig, title)
        return _to_svg(fig, key, title)


# ---------------------------------------------------------------------------------------------------------
# 3. TRL × demand quadrant
# ---------------------------------------------------------------------------------------------------------

def _quadrant_colour(value: object) -> str:
    """The colour of a point from its quadrant column: a code (scale_up …) or its zh/en name."""
    text = str(value) if value is not None else ""
    for code, zh, en, _, colour in _QUADRANTS:
        if text == code or zh in text or text.endswith(en):
            return colour
    return _GREY


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
    t = _texts(lang)
    _check_key(key)
    df = _frame(frame, ["label", "trl", "demand", "demand_low", "demand_high", "quadrant"], "trl_quadrant",
                numeric=["trl", "demand", "demand_low", "demand_high"])
    for row in df.itertuples(index=False):
        if not (math.isfinite(row.trl) and float(row.trl).is_integer() and 1 <= row.trl <= 9):
            raise ValueError(f"{row.label}: TRL must be a whole number from 1 to 9, got {row.trl!r}")
        if math.isfinite(row.demand):
            _check_interval(str(row.label), row.demand, row.demand_low, row.demand_high, "demand score")
    unplaced = df.loc[df["demand"].isna(), "label"].astype(str).tolist()
    df = df.loc[df["demand"].notna()].reset_index(drop=True)
    crowd = int(df.groupby("trl").size().max()) if not df.empty else 1
    height = min(max(11.0, 3.6 + 9 * crowd * 0.34), 20.0)

    with _style():
        fig = _figure(height)
        ax = fig.add_subplot()
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(0.0, 10.0)  # a free band above TRL 9 and below TRL 1 for the corner names
        ax.set_yticks(range(1, 10))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_xlabel(t["demand"])
        ax.set_ylabel(t["trl"])
        ax.axvline(demand_cut, color=_GREY, lw=0.8, ls=(0, (4, 3)), gid="cut-demand")
        ax.axhline(trl_cut - 0.5, color=_GREY, lw=0.8, ls=(0, (4, 3)), gid="cut-trl")
        name_index = 1 if lang == "zh" else 2
        for q in _QUADRANTS:
            right, top = q[3]
            ax.text(0.995 if right else 0.005, 0.995 if top else 0.005, q[name_index], transform=ax.transAxes,
                    ha="right" if right else "left", va="top" if top else "bottom", fontsize=8.5, color=q[4],
                    gid=f"quadrant-{q[0]}")  # no alpha: WeasyPrint 70 drops translucent end-anchored text
        y = df["trl"].to_numpy() + _dodge(df["trl"], df["demand"])
        any_hollow = False
        for i, row in enumerate(df.itertuples(index=False)):
            colour = _quadrant_colour(row.quadrant)
            lo = row.demand_low if math.isfinite(row.demand_low) else row.demand
            hi = row.demand_high if math.isfinite(row.demand_high) else row.demand
            if hi > lo:
                _whiskers(ax, [row.demand], [y[i]], [row.demand - lo], [hi - row.demand], f"interval-{i}",
                          ecolor=colour, elinewidth=0.9, capsize=1.8, capthick=0.9, zorder=2)
            hollow = lo < demand_cut <= hi
            any_hollow |= hollow
            ax.plot([row.demand], [y[i]], ls="none", marker="o", ms=4.8, mec=colour, mew=1.2,
                    mfc="white" if hollow else colour, zorder=3, gid=f"point-{i}")
            left = hi > 0.72  # beyond the whisker's end, so the label never hides the interval
            ax.annotate(_truncate(str(row.label), 26), (lo if left else hi, y[i]),
                        xytext=(-4 if left else 4, 0), textcoords="offset points",
                        ha="right" if left else "left", va="center", fontsize=7, color=_BLACK, zorder=4,
                        gid=f"label-{i}",
                        bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.7})
        notes = []
        if any_hollow:
            notes.append(t["hollow"])
        if unplaced:
            notes.append(t["unplaced"].format(names=t["list_sep"].join(unplaced)))
        if notes:
            _note(fig, ";".join(notes) if lang == "zh" else "; ".join(notes))
        _title(fig, title)
        return _to_svg(fig, key, title)


# ---------------------------------------------------------------------------------------------------------
# 4. Regional index with rank intervals
# ---------------------------------------------------------------------------------------------------------

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
    t = _texts(lang)
    _check_key(key)
    cols = ["label", "score", "score_low", "score_high", "rank", "rank_low", "rank_high"]
    df = _frame(frame, cols, "rank_intervals", numeric=cols[1:])
    for row in df.itertuples(index=False):
        _check_interval(str(row.label), row.rank, row.rank_low, row.rank_high, "rank")
        _check_interval(str(row.label), row.score, row.score_low, row.score_high, "score")
    df = df.assign(_neg=-df["score"]).sort_values(["rank", "_neg"], kind="stable").reset_index(drop=True)
    labels = [_wrap(str(s), 16 if lang == "zh" else 20, 2) for s in df["label"]]
    height = max(6.0, 3.6 + 0.62 * len(df))

    with _style():
        fig = _figure(height)
        if df.empty:
            _no_data(fig.add_subplot(), t)
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
            ax_rank.set_xlabel(_wrap(t["rank"], 44))
            ax_score.set_xlabel(_wrap(t["score"], 44))
        _title(fig, title)
        return _to_svg(fig, key, title)


def _dot_whisker(
    ax: Axes, point: pd.Series, low: pd.Series, high: pd.Series, y: np.ndarray, name: str
) -> None:
    """Each row's interval as a thick light whisker under a dark dot; one artist (and id) per dot."""
    lo = (point - low).where(low.notna(), 0.0).clip(lower=0)
    hi = (high - point).where(high.notna(), 0.0).clip(lower=0)
    _whiskers(ax, point, y, lo, hi, f"{name}-intervals", ecolor=_SKY, elinewidth=2.2, capsize=0, zorder=2)
    for i, (xv, yv) in enumerate(zip(point, y)):
        ax.plot([xv], [yv], ls="none", marker="o", ms=5, color=_BLUE, zorder=3, gid=f"{name}-{i}")
