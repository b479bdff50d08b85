"""The server, the indicator catalog and the glossary: what a client reads before any figure."""
from __future__ import annotations

from .base import ApiModel, Int, Num, Str

__all__ = ["Catalog", "DisplayUnit", "Glossary", "GlossaryTerm", "Health", "Indicator", "NumberRule"]


class Health(ApiModel):
    status: str
    store: str
    latest_vintage: Int
    writes: bool
    version: str


class Indicator(ApiModel):
    """One indicator of the catalog as the store holds it."""

    code: str
    name_zh: str
    name_en: str
    unit_kind: str
    canonical_unit: Str
    aggregation: str
    definition_zh: Str
    definition_en: Str
    lower: Num
    upper: Num
    vintage_id: int


class Catalog(ApiModel):
    vintage_id: Int
    indicators: list[Indicator]


class GlossaryTerm(ApiModel):
    zh: str
    en: str
    symbol: Str = None  # a qualifier's prefix as printed (约, ≥, ≤; – joins a range)


class DisplayUnit(ApiModel):
    alone: bool  # whether a value shown by itself takes a scaled unit too (money does, counts do not)
    scales: list[tuple[float, str]]  # (factor, unit), largest first


class NumberRule(ApiModel):
    significant: int  # a computed value shows at most this many significant figures …
    max_decimals: int  # … and at most this many decimals
    missing: str  # what a missing value shows as


class Glossary(ApiModel):
    """Every word, unit label, display unit and number rule sectorscope shows a reader (sectorscope.present):
    what the dashboard formats with, so it words a figure as the report does."""

    langs: list[str]
    groups: dict[str, dict[str, GlossaryTerm]]
    units: dict[str, dict[str, str]]
    display_units: dict[str, DisplayUnit]
    numbers: NumberRule
