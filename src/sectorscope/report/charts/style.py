"""The charts' house style and SVG output, in one place so that every chart looks alike and the same input
always gives the same bytes (the report's golden files depend on it).

Every chart draws on a `Figure` of its own (no pyplot, no global figure state) inside `style()`, an rc
context that sets the CJK font and the deterministic SVG settings, and leaves through `to_svg`.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from ...errors import ChartError
from ..fonts import FontError, cjk_font_family, cjk_font_path

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "BLACK",
    "BLUE",
    "CM",
    "GREEN",
    "GREY",
    "INK",
    "ORANGE",
    "PURPLE",
    "SKY",
    "SVG_FONTTYPE",
    "VERMILLION",
    "WIDTH_CM",
    "check_key",
    "figure",
    "style",
    "to_svg",
]

# "none": text stays <text> (searchable in the PDF, 3–5× smaller than glyph outlines); the HTML/PDF must have
# the font, which fontconfig gives WeasyPrint and the SVG's CSS names first. Measurements: docs/decisions.md.
SVG_FONTTYPE = "none"
WIDTH_CM = 16.0
CM = 1 / 2.54  # inches per centimetre
_HASHSALT = "sectorscope"  # fixed, so clip-path and marker ids are the same on every run

# Okabe & Ito (2008), "Color Universal Design".
BLACK = "#222222"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#8C8C8C"
INK = "#333333"


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


def _rc() -> dict[RcKeyType, Any]:
    family = _register_font()
    return {
        "font.family": [family, "DejaVu Sans"],  # DejaVu only for a glyph Noto CJK lacks
        "font.size": 8.0,
        "axes.titlesize": 8.5,
        "axes.labelsize": 8.0,
        "axes.labelcolor": INK,
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
        "xtick.color": INK,
        "ytick.color": INK,
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
def style() -> Iterator[None]:
    """Everything a chart draws and saves happens inside this context; nothing leaks into the caller's
    matplotlib settings."""
    with matplotlib.rc_context(_rc()):
        yield


def figure(height_cm: float) -> Figure:
    """A page-wide figure (WIDTH_CM) of the given height, laid out by matplotlib's constrained layout."""
    return Figure(figsize=(WIDTH_CM * CM, height_cm * CM), layout="constrained")


def check_key(key: str) -> str:
    """`key` prefixes every id of a chart's SVG, so it must be a valid id start."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", key):
        raise ChartError(
            f"chart key must be ASCII letters, digits, - or _ and start with a letter, got {key!r}"
        )
    return key


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_PROLOG = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")

# Where a page is read without Noto Sans CJK: Source Han Sans SC is the same design (same metrics, so the
# layout matplotlib measured still holds), then the platforms' own CJK fonts.
_CSS_FALLBACK = "'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'DejaVu Sans', sans-serif"


def _scope_ids(svg: str, key: str) -> str:
    """Prefix every id (and every reference to one) with `key`, so charts inlined in one page stay apart."""
    ids = set(_ID.findall(svg))

    def sub(m: re.Match[str]) -> str:
        name = m.group(2)
        return m.group(1) + (f"{key}-{name}" if name in ids and not name.startswith(f"{key}-") else name)

    return _REF.sub(sub, svg)


def to_svg(fig: Figure, key: str, title: str) -> str:
    """The figure as SVG text: no date, a fixed creator, ids scoped by `key`, no XML prolog, and a CSS font
    fallback list after the fonts matplotlib names."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "sectorscope", "Title": title})
    svg = _PROLOG.sub("", buf.getvalue().decode("utf-8"))
    svg = svg.replace(f"font-family: '{cjk_font_family()}', 'DejaVu Sans'",
                      f"font-family: '{cjk_font_family()}', {_CSS_FALLBACK}")
    return _scope_ids(svg, key)
