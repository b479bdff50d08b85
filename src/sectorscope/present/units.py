"""Display units: the unit a value stored in its canonical unit is shown in.

The store keeps every figure in one canonical unit per kind (money in 元, counts in 个) so that figures
compare; a reader wants the unit the reports print in (185.6亿元, not 18,560,000,000元). Which scaled units
exist, and when a value takes one, is data (the glossary's `display_unit`); this module applies it.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .numbers import number
from .wording import glossary

if TYPE_CHECKING:
    from ..model import Catalog

__all__ = ["canonical_unit_of", "column_unit", "own_unit", "scaled", "scales"]


def scales(unit: str) -> tuple[tuple[float, str], ...]:
    """The units a value in canonical `unit` may be shown in, largest first, the unit itself last:
    元 → ((1e8, 亿元), (1e4, 万元), (1, 元))."""
    entry = glossary().display_units.get(unit)
    if not entry:
        return ((1.0, unit),)
    steps = [(float(f), str(u)) for f, u in entry["scales"]]  # type: ignore[attr-defined]  # a list from YAML
    return (*steps, (1.0, unit))


def column_unit(unit: str, values: Iterable[object]) -> tuple[float, str]:
    """(divisor, display unit) for values in canonical `unit` shown together (a column, an interval, a
    chart's axis): the largest unit the largest magnitude reaches, so no value shows as 0.0001亿元."""
    known = (number(v) for v in values)
    finite = [abs(x) for x in known if x is not None and math.isfinite(x)]
    top = max(finite) if finite else 0.0
    for factor, shown in scales(unit):
        if top >= factor:
            return factor, shown
    return 1.0, unit


def own_unit(unit: str, values: Iterable[object]) -> tuple[float, str]:
    """(divisor, display unit) for a value or two shown by themselves (a figure, a range), not in a column:
    money takes 亿元 or 万元 by its magnitude; a unit whose display entry says `alone: false` keeps its
    canonical unit."""
    entry = glossary().display_units.get(unit)
    if not entry or not entry.get("alone"):
        return 1.0, unit
    return column_unit(unit, values)


def scaled(value: float, unit: str) -> tuple[float, str]:
    """A single value shown by itself: (value in its display unit, display unit), as `own_unit` picks it."""
    factor, shown = own_unit(unit, [value])
    return value / factor, shown


def canonical_unit_of(indicator: str, catalog: Catalog | None = None) -> str:
    """The canonical unit an indicator's values are stored in (its unit kind's); "" for a code the catalog
    does not know."""
    from ..model import UNIT_KINDS

    if catalog is None:
        from ..model import load_catalog

        catalog = load_catalog()
    ind = catalog.get(indicator)
    return UNIT_KINDS[ind.unit_kind] if ind is not None else ""
