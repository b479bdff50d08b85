"""The glossary: every word sectorscope shows a reader, in zh and en, read from one data file.

Wording lives in `glossary.yaml`, not in code, so a translation is fixed in one place and every output (the
notes, the CLI, the report, the API and the dashboard) says the same thing. Indicator names are the one
exception: the catalog already names each indicator in both languages, and a second copy would drift.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from ..errors import CatalogError
from ..model import CURRENCIES, PREFIXES

if TYPE_CHECKING:
    from ..model import Catalog

__all__ = ["LANGS", "Glossary", "glossary", "heading", "indicator_name", "qualifier_name", "qualifier_symbol",
           "qualifier_word", "term", "unit_label"]

LANGS = ("zh", "en")


def _lang(lang: str) -> str:
    """"en" or "zh": anything but "en" reads as Chinese, as every output has always treated it."""
    return "en" if lang == "en" else "zh"


@dataclass(frozen=True)
class Glossary:
    """The glossary's groups: group → key → {"zh": …, "en": …} (plus `symbol` for qualifiers), and the
    display units (canonical unit → {"alone": bool, "scales": [(factor, unit), …]})."""

    groups: Mapping[str, Mapping[str, Mapping[str, str]]]
    display_units: Mapping[str, Mapping[str, object]]

    def term(self, group: str, key: str, lang: str = "zh") -> str:
        """The word for `key` in `group`; a key the group does not know is shown as itself."""
        try:
            entries = self.groups[group]
        except KeyError:
            raise KeyError(f"the glossary has no group {group!r}; groups: {', '.join(sorted(self.groups))}") from None
        entry = entries.get(key)
        if entry is None:
            return key
        return str(entry.get(_lang(lang), key))

    def knows(self, group: str, key: str) -> bool:
        return key in self.groups.get(group, {})


def _read() -> Glossary:
    import yaml  # on first use: importing the layer stays cheap

    text = (resources.files("sectorscope") / "present" / "glossary.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    displays = raw.pop("display_unit")
    groups: dict[str, dict[str, dict[str, str]]] = {}
    for group, entries in raw.items():
        out: dict[str, dict[str, str]] = {}
        for key, entry in (entries or {}).items():
            if not isinstance(entry, dict) or "en" not in entry:
                raise CatalogError(f"glossary.yaml, {group}.{key}: an entry needs at least `en`")
            k = "" if key is None else str(key)
            out[k] = {"zh": str(entry.get("zh", k)), "en": str(entry["en"]),
                      **({"symbol": str(entry["symbol"])} if "symbol" in entry else {})}
        groups[str(group)] = out
    return Glossary(groups, displays)


@functools.cache
def glossary() -> Glossary:
    """The packaged glossary, read once per process."""
    return _read()


def term(group: str, key: str, lang: str = "zh", **fill: object) -> str:
    """A word of the glossary: `term("reading", "shortage", "en")` → "shortage"; a market, region, product,
    tier or scenario the glossary does not know is shown as the store holds it. A template's {…} are filled
    from `fill`: `term("table", "scenarios", "en", year=2030)` → "CAGR scenarios for 2030"."""
    text = glossary().term(group, key, lang)
    return text.format(**fill) if fill else text


def heading(key: str, lang: str = "zh", group: str = "column") -> str:
    """A column's name as a heading: the glossary's word, its first letter capitalised in English (the
    glossary keeps English column names in lower case, so that a sentence can use them too)."""
    text = term(group, key, lang)
    return text[:1].upper() + text[1:] if _lang(lang) == "en" else text


def qualifier_word(qualifier: str | None, lang: str = "zh") -> str:
    """The qualifier as a word beside a figure (a column of its own): 约 / 以上 / 不足 / 区间; about / at least /
    at most / range; nothing for an exact figure."""
    return qualifier_name(qualifier, lang) if qualifier and qualifier != "exact" else ""


def qualifier_name(qualifier: str | None, lang: str = "zh") -> str:
    """The qualifier's own name, an exact figure's included (精确 / exact): what a code list or a figure's
    details call it."""
    return glossary().term("qualifier", qualifier or "exact", lang)


def qualifier_symbol(qualifier: str | None) -> str:
    """What prefixes a figure with this qualifier as printed: 约, ≥, ≤ (a range joins its ends with –)."""
    entry = glossary().groups["qualifier"].get(qualifier or "exact")
    return entry.get("symbol", "") if entry else ""


@functools.cache
def unit_label(unit: str | None, lang: str = "zh") -> str:
    """A unit as shown in `lang`: 亿元 → CNY 100 m, 万台 → 10 k units, % → %. Chinese shows the unit as the
    reports print it (a spelling variant in its usual form: ％ → %). A prefixed unit the glossary does not
    list is composed of its prefix and base unit; a unit it does not know at all is shown as given."""
    g = glossary()
    text = "" if unit is None else str(unit)
    if g.knows("unit", text):
        return g.term("unit", text, lang)
    if "/" in text:  # a price: money over a counter
        num, _, den = text.partition("/")
        if g.knows("unit", num) or num.startswith(tuple(PREFIXES)):
            return f"{unit_label(num, lang)}/{unit_label(den, lang) if lang == 'zh' else _per(den)}"
    for prefix in PREFIXES:  # longest first
        base = text[len(prefix):]
        if text.startswith(prefix) and base and g.knows("unit", base):
            if _lang(lang) == "zh":
                return prefix + g.term("unit", base, "zh")
            scale, name = g.term("unit_prefix", prefix, "en"), g.term("unit", base, "en")
            return f"{name} {scale}" if base in CURRENCIES else f"{scale} {name}"  # CNY 100 m, 10 k units
    return text


def _per(unit: str) -> str:
    """The English of a counter after a slash: per unit, not per units."""
    name = unit_label(unit, "en")
    return {"units": "unit", "wafers": "wafer", "firms": "firm", "people": "person", "days": "day",
            "pieces": "piece", "sets": "set", "items": "item", "times": "time"}.get(name, name)


def indicator_name(code: str, lang: str = "zh", catalog: Catalog | None = None) -> str:
    """An indicator's name in `lang`, as the catalog gives it; a code the catalog does not know is shown as
    the code."""
    if catalog is None:
        from ..model import load_catalog

        catalog = load_catalog()
    ind = catalog.get(code)
    return ind.name(_lang(lang)) if ind is not None else code
