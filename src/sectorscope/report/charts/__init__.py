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

Layout of the package: `style` (colours, the CJK font, the rc settings, the SVG output), `text` (the zh/en
wording and line breaking), `inputs` and `parts` (what every chart reads and draws alike), then one module
per chart. Importing it imports matplotlib; the report's content builder imports it only when it draws.
"""
from __future__ import annotations

from .elasticity_bars import elasticity_bars_svg
from .market_fan import market_fan_svg
from .partner_shares import partner_shares_svg
from .rank_intervals import rank_intervals_svg
from .style import SVG_FONTTYPE, WIDTH_CM
from .trl_quadrant import QUADRANT_NAMES, trl_quadrant_svg

__all__ = [
    "QUADRANT_NAMES",
    "SVG_FONTTYPE",
    "WIDTH_CM",
    "elasticity_bars_svg",
    "market_fan_svg",
    "partner_shares_svg",
    "rank_intervals_svg",
    "trl_quadrant_svg",
]
