"""Reference tables the record formats check lines against: China Customs' partner codes, mainland provinces
(GB/T 2260), trade modes, and country names in Chinese and English.

Why hand-written CSVs beside this module (records/reference/*.csv): no licensed, citable machine-readable copy
of customs' 国别(地区)代码表 or its trade-mode list was found, so each table is written by hand and says in its
header comment where every fact comes from; a code that is missing is reported as unknown, never guessed.
Why pycountry for the rest: it is a kept library with ISO 3166-1 codes, M49 numbers and zh_CN names of every
country, so only customs' own display names (中国台湾, 中国香港, 亚洲其他国家(地区) …) need a table, and they take
precedence over pycountry's names (中国台湾省, 香港).
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "Partner",
    "Province",
    "TradeMode",
    "country_name",
    "customs_partners",
    "iso3_from_m49",
    "partner_by_name",
    "partner_names",
    "province_code",
    "province_keys",
    "provinces",
    "reference_rows",
    "trade_mode_category",
    "trade_modes",
]

# UN Comtrade's reporter/partner codes that are not the ISO 3166-1 numeric code of the same country (Comtrade
# keeps the M49 codes it used before a change of territory): USA 842 (ISO 840), France 251 (250), India 699
# (356), Switzerland 757 (756), Norway 579 (578). Source: UN Comtrade's reference list of reporters/partners.
_COMTRADE_M49 = {"842": "USA", "251": "FRA", "699": "IND", "757": "CHE", "579": "NOR"}


@dataclass(frozen=True)
class Partner:
    """A customs partner code. `iso3` is None for residual regions (199 亚洲其他国家(地区)), 701 (unknown)
    and 702 (international organisations); `kind` is country, territory, residual, unknown or org."""

    code: str
    name_zh: str
    aliases_zh: tuple[str, ...]
    iso3: str | None
    kind: str
    continent: str


@dataclass(frozen=True)
class Province:
    code: str  # GB/T 2260 two-digit prefix
    name_zh: str
    short_zh: str


@dataclass(frozen=True)
class TradeMode:
    name: str
    declaration_code: str | None
    category: str  # general | processing | bonded_logistics | other


def reference_rows(name: str) -> list[dict[str, str]]:
    """The rows of records/reference/<name>.csv as dicts (lines starting with '#' are the source notes)."""
    text = resources.files(__package__).joinpath("reference", f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@functools.cache
def customs_partners() -> dict[str, Partner]:
    """Customs partner code → Partner (from customs_partners.csv)."""
    return {r["code"]: Partner(r["code"], r["name_zh"], tuple(a for a in r["aliases_zh"].split("|") if a),
                               r["iso3"] or None, r["kind"], r["continent"])
            for r in reference_rows("customs_partners")}


@functools.cache
def _partner_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for p in customs_partners().values():
        for name in (p.name_zh, *p.aliases_zh):
            out[name] = p.code
    return out


def partner_names() -> dict[str, str]:
    """Every name a file may give a partner (display name or alias) → its customs code."""
    return dict(_partner_names())


def partner_by_name(name: str) -> Partner | None:
    """The partner a file names (display name or alias, e.g. 台澎金马关税区), or None."""
    code = _partner_names().get(name.strip())
    return customs_partners()[code] if code else None


@functools.cache
def provinces() -> dict[str, Province]:
    """GB/T 2260 two-digit code → Province, the 31 mainland provincial-level divisions."""
    return {r["code"]: Province(r["code"], r["name_zh"], r["short_zh"]) for r in reference_rows("provinces")}


@functools.cache
def _province_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for p in provinces().values():
        out[p.code] = out[p.name_zh] = out[p.short_zh] = p.code
    return out


def province_keys() -> dict[str, str]:
    """Every (stripped) text `province_code` accepts → the two-digit code: codes, six-digit division codes
    (440000), full and short names — a table to join against instead of calling it line by line."""
    out = dict(_province_lookup())
    for code in provinces():
        out[code + "0000"] = code
    return out


def province_code(text: str) -> str | None:
    """The two-digit province code for a code (`44`, or a six-digit division code `440000`), a full name
    (广东省) or a short name (广东); None when it is none of these."""
    t = text.strip()
    if len(t) == 6 and t.isdigit() and t.endswith("0000"):
        t = t[:2]
    return _province_lookup().get(t)


@functools.cache
def trade_modes() -> dict[str, TradeMode]:
    """Trade mode name → TradeMode (from trade_modes.csv)."""
    return {r["name"]: TradeMode(r["name"], r["declaration_code"] or None, r["category"])
            for r in reference_rows("trade_modes")}


def trade_mode_category(name_or_code: str) -> str | None:
    """general, processing, bonded_logistics or other for a trade mode's name or declaration code; None when
    the table does not know it."""
    t = name_or_code.strip()
    if t in trade_modes():
        return trade_modes()[t].category
    for mode in trade_modes().values():
        if mode.declaration_code == t:
            return mode.category
    return None


@functools.cache
def _zh_gettext() -> functools.partial[str] | None:
    import gettext

    import pycountry

    try:
        t = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, ["zh_CN"])
    except OSError:
        return None
    return functools.partial(t.gettext)


@functools.cache
def _customs_display() -> dict[str, str]:
    """ISO3 → customs' own Chinese name, for countries and territories customs names its own way."""
    return {p.iso3: p.name_zh for p in customs_partners().values() if p.iso3}


def country_name(code: str, lang: str = "zh") -> str | None:
    """A country's name by ISO 3166-1 alpha-2 or alpha-3 code: Chinese (customs' display name when the
    partner table has the country, else pycountry's zh_CN name) or English (pycountry). None if unknown."""
    import pycountry

    c = pycountry.countries.get(alpha_2=code) if len(code) == 2 else pycountry.countries.get(alpha_3=code)
    if c is None:
        return None
    if lang == "en":
        return str(c.name)
    if lang != "zh":
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    shown = _customs_display().get(c.alpha_3)
    if shown:
        return shown
    translate = _zh_gettext()
    return translate(c.name) if translate else str(c.name)


@functools.cache
def iso3_from_m49(code: str) -> str | None:
    """ISO 3166-1 alpha-3 for a UN M49 / Comtrade numeric country code ('392' → JPN, '842' → USA); None for
    World (0), areas and codes pycountry does not know."""
    t = code.strip().lstrip("0") or "0"
    if t in _COMTRADE_M49:
        return _COMTRADE_M49[t]
    import pycountry

    c = pycountry.countries.get(numeric=t.zfill(3))
    return str(c.alpha_3) if c else None
