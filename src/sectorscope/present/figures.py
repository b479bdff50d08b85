"""A figure as a reader sees it: its number, its qualifier and its unit together.

A stated figure is shown as its source printed it (约12.3%, ≥70%, ≤5家, 30–45天): its printed digits are
the precision the source claimed, and its qualifier one symbol in both languages, so a reader can find it
in the quote. A computed figure (derived, forecast) has no printed form: its value is shown by the stated
rule of `numbers` in its display unit. Intervals and spans join two such numbers one way everywhere.
"""
from __future__ import annotations

import math

from .numbers import MISSING, decimals_of, fixed, grouped, missing, number, signed, significant, step_of
from .units import canonical_unit_of, own_unit, scaled
from .wording import qualifier_symbol, unit_label

__all__ = ["figure", "in_unit", "interval", "qualified", "quantity", "span"]


def _with_unit(number: str, unit: str, lang: str) -> str:
    label = unit_label(unit, lang)
    gap = " " if lang == "en" and label[:1].isascii() and label[:1].isalpha() else ""
    return f"{number}{gap}{label}"


def quantity(value: float | None, unit: str = "", *, indicator: str | None = None, lang: str = "zh",
             grouping: bool = False, scale: bool = True) -> str:
    """A computed value in canonical `unit` (or the indicator's), in its display unit by the stated rule:
    18560000000, 元 → 185.6亿元; 769.5000000000006, 亿元 → 769.5亿元. The unit is labelled in `lang`
    (zh: as the reports print it). Missing: —."""
    x = number(value)
    if x is None:
        return MISSING
    if not unit and indicator:
        unit = canonical_unit_of(indicator)
    v, shown = scaled(x, unit) if scale else (x, unit)
    return _with_unit(significant(v, grouping=grouping), shown, lang)


def qualified(text: str, qualifier: str | None, high: str | None = None, unit: str = "") -> str:
    """Printed digits, qualifier and unit as one figure: ("12.3", about, unit %) → 约12.3%; a range with
    its upper end → 30–45天; ≥70%, ≤5家."""
    if qualifier == "range":
        return f"{text}{qualifier_symbol('range')}{high}{unit}" if high else f"{text}{unit}"
    return f"{qualifier_symbol(qualifier)}{text}{unit}"


def figure(value: float | None = None, qualifier: str | None = "exact", value_high: float | None = None,
           unit: str = "", *, indicator: str | None = None, printed: str | None = None,
           printed_high: str | None = None, unit_printed: str | None = None, lang: str = "zh") -> str:
    """A figure with its qualifier. With `printed` (the store's value_as_printed), as its source printed
    it, in the printed unit (`unit_printed`, else `unit`): 约12.3%, ≥560亿元, 30–45天 — the same in both
    languages, as it stands in the quote. Without, a computed value (`value`, `value_high` in canonical
    `unit`) in its display unit by the stated rule. Nothing to show: —."""
    if not missing(printed) and str(printed) != "":
        high = None if missing(printed_high) else str(printed_high)  # value_high is canonical: no stand-in
        shown_unit = unit if missing(unit_printed) else str(unit_printed)
        return qualified(str(printed), qualifier, high, shown_unit)
    low, high_value = number(value), number(value_high)
    if low is None:
        return MISSING
    if not unit and indicator:
        unit = canonical_unit_of(indicator)
    if qualifier == "range" and high_value is not None:
        factor, shown = own_unit(unit, [low, high_value])
        lo, hi = significant(low / factor), significant(high_value / factor)
        return _with_unit(qualified(lo, "range", hi), shown, lang)
    return qualified(quantity(value, unit, lang=lang), qualifier)


def interval(low: float | None, high: float | None, unit: str = "", *, digits: int | None = None,
             sign: bool = False, lang: str = "zh", grouping: bool = False) -> str:
    """Where a value lies: [a, b]; ≥a or ≤b when one end is open; — when neither end is known. Each end by
    the stated rule, both in the one display unit the pair takes ([0亿元, 2979亿元], never [0元, 2979亿元]),
    or with `digits` decimals (signed with `sign`: [-0.07, +0.02]); thousands separated with `grouping`
    (what a page whose tables separate them shows: [0亿元, 11,776亿元])."""
    lo_num, hi_num = number(low), number(high)
    lo_ok, hi_ok = lo_num is not None, hi_num is not None
    factor, shown = own_unit(unit, [low, high]) if lo_ok and hi_ok else (1.0, unit)

    def end(v: float) -> str:
        if digits is None and lo_ok and hi_ok:
            return _with_unit(significant(v / factor, grouping=grouping), shown, lang)
        if digits is None:
            return quantity(v, unit, lang=lang, grouping=grouping)
        text = signed(v, digits) if sign else fixed(v, digits, grouping=grouping)
        return _with_unit(text, unit, lang) if unit else text

    if lo_num is not None and hi_num is not None:
        return f"[{end(lo_num)}, {end(hi_num)}]"
    if lo_num is not None:
        return f"{qualifier_symbol('at_least')}{end(lo_num)}"
    if hi_num is not None:
        return f"{qualifier_symbol('at_most')}{end(hi_num)}"
    return MISSING


def span(low: float | None, high: float | None, unit: str = "", *, lang: str = "zh") -> str:
    """Two values as a stretch, each in its display unit: 502.1亿元 – 841.4亿元 (a prediction interval in a
    sentence or a cell)."""
    if missing(low) and missing(high):
        return MISSING
    return f"{quantity(low, unit, lang=lang)} – {quantity(high, unit, lang=lang)}"


def in_unit(value: float | None, factor: float = 1.0, *, printed: str | None = None,
            printed_factor: float | None = None, grouping: bool = True) -> str:
    """A value in canonical units shown in a display unit worth `factor` canonical units (a column's unit,
    see `column_unit`). A stated figure keeps the precision its source printed: `printed` ("185.6") in a
    unit worth `printed_factor` canonical units gives the decimals. A computed one follows the stated rule.
    1,234.5 style, with `grouping`."""
    x = number(value)
    if x is None:
        return MISSING
    v = x / factor
    if missing(printed) or not printed or printed_factor is None:
        return significant(v, grouping=grouping)
    step = step_of(str(printed)) * printed_factor / factor
    digits = max(0, math.ceil(-math.log10(step) - 1e-9)) if step > 0 else decimals_of(str(printed))
    text = fixed(v, digits, grouping=False)
    return grouped(text) if grouping else text
