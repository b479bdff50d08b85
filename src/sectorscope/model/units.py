"""Units as printed in Chinese reports, and their one canonical unit per unit kind.

A printed unit is a Chinese scale prefix (万, 亿, 百万 …) and a base unit (元, 台, 片 …), or a ratio of a
money unit to a counter (万元/台). Each base unit belongs to one or more unit kinds (个 counts devices
or items); the indicator's unit kind picks one. Money converts to 元 through a year-stamped FX table.

We parse this ourselves: pint and friends know SI, not 万/亿 scaling or Chinese counters (see
docs/decisions.md).
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from ..errors import UnitError
from .text import normalise

__all__ = [
    "CURRENCIES",
    "PREFIXES",
    "UNIT_KINDS",
    "Unit",
    "base_units",
    "canonical_unit",
    "counter_units",
    "known_units",
    "parse_unit",
]

# Chinese scale prefixes, longest first so 百万 wins over 百.
PREFIXES: dict[str, float] = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "千万": 1e7, "百万": 1e6, "十万": 1e5,
    "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2, "十": 1e1,
}

# kind → canonical unit
UNIT_KINDS: dict[str, str] = {
    "money": "元",
    "price": "元/个",  # numerator money, denominator any counter or measure: canonical 元/<canonical>
    "percent": "%",
    "percentage_point": "百分点",
    "multiple": "倍",
    "count_device": "个",
    "count_wafer": "片",
    "count_org": "家",
    "count_item": "个",
    "count_event": "次",
    "count_person": "人",
    "duration": "天",
    "mass": "吨",
    "length": "μm",
    "area": "平方米",
    "wafer_size": "英寸",
    "pixels": "像素",
    "temperature_diff": "mK",
    "frequency": "Hz",
    "power": "W",
    "pressure": "kPa",
    "compute": "TOPS",
    "dimensionless": "",
}

# Currencies: base unit → ISO code. 元 and 人民币 are CNY.
CURRENCIES: dict[str, str] = {
    "元": "CNY", "人民币": "CNY", "人民币元": "CNY", "CNY": "CNY", "RMB": "CNY",
    "美元": "USD", "USD": "USD", "US$": "USD", "$": "USD",
    "欧元": "EUR", "EUR": "EUR", "日元": "JPY", "JPY": "JPY", "韩元": "KRW", "港元": "HKD", "英镑": "GBP",
}

# base unit → [(kind, factor to the kind's canonical unit)]; prefixes multiply the factor.
_BASES: dict[str, list[tuple[str, float]]] = {}


def _add(kind: str, factor: float, *names: str) -> None:
    for n in names:
        _BASES.setdefault(n, []).append((kind, factor))


_add("money", 1.0, *CURRENCIES)
_add("percent", 1.0, "%", "％", "percent")
_add("percent", 0.1, "‰")
_add("percentage_point", 1.0, "百分点", "个百分点", "pp", "pct", "ppt")
_add("multiple", 1.0, "倍")
_add("count_device", 1.0, "台", "只", "颗", "套", "部", "件", "个", "支", "块", "辆", "架", "艘")
_add("count_wafer", 1.0, "片")
_add("count_org", 1.0, "家", "所", "个")
_add("count_item", 1.0, "个", "项", "条", "款", "种", "处", "件", "座")
_add("count_event", 1.0, "次", "起", "笔", "轮", "件")
_add("count_person", 1.0, "人", "名", "人次")
_add("duration", 1.0, "天", "日", "day", "days")
_add("duration", 7.0, "周", "星期")
_add("duration", 365.25 / 12, "个月", "月", "month", "months")
_add("duration", 365.25, "年", "year", "years")
_add("duration", 1 / 24, "小时", "h")
_add("mass", 1.0, "吨", "t")
_add("mass", 1e-3, "千克", "公斤", "kg")
_add("mass", 1e-6, "克", "g")
_add("length", 1e6, "米", "m")
_add("length", 1e4, "厘米", "cm")
_add("length", 1e3, "毫米", "mm")
_add("length", 1.0, "微米", "μm", "µm", "um")
_add("length", 1e-3, "纳米", "nm")
_add("area", 1.0, "平方米", "㎡", "m2", "m²")
_add("area", 1e6, "平方公里", "km2", "km²")
_add("area", 10000 / 15, "亩")
_add("wafer_size", 1.0, "英寸", "寸", "inch")
_add("pixels", 1.0, "像素", "pixel", "px")
_add("temperature_diff", 1.0, "mK")
_add("temperature_diff", 1000.0, "K", "℃", "°C")
_add("frequency", 1.0, "Hz")
_add("frequency", 1e3, "kHz")
_add("frequency", 1e6, "MHz")
_add("frequency", 1e9, "GHz")
_add("power", 1.0, "W", "瓦")
_add("power", 1e-3, "mW")
_add("power", 1e3, "kW", "千瓦")
_add("pressure", 1e-3, "Pa")
_add("pressure", 1.0, "kPa")
_add("pressure", 1e3, "MPa")
_add("compute", 1.0, "TOPS")
_add("compute", 1e-3, "GOPS")
_add("compute", 1e3, "POPS")
_add("dimensionless", 1.0, "", "分", "点")

# Kinds that never take a Chinese scale prefix (百分点 is a base of its own, not 百 + 分点).
_NO_PREFIX = {"percent", "percentage_point", "multiple", "dimensionless", "temperature_diff"}


@dataclass(frozen=True)
class Unit:
    """A parsed unit: value_as_printed × factor (× FX rate for `currency`) = value in `canonical`."""

    printed: str
    kind: str
    canonical: str
    factor: float
    currency: str | None = None  # ISO code when the unit is money or a price in money

    @property
    def needs_fx(self) -> bool:
        return self.currency is not None and self.currency != "CNY"


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip()
    s = normalise(s).replace(" ", "")
    return s.replace("／", "/").strip("()（）")


def _simple(s: str) -> list[tuple[str, float, str | None, str]]:
    """All (kind, factor, currency, canonical) readings of a unit without '/'."""
    readings = []
    for kind, factor in _BASES.get(s, []):
        readings.append((kind, factor, CURRENCIES.get(s) if kind == "money" else None, UNIT_KINDS[kind]))
    for prefix, scale in PREFIXES.items():
        if s.startswith(prefix) and len(s) > len(prefix):
            base = s[len(prefix):]
            for kind, factor in _BASES.get(base, []):
                if kind in _NO_PREFIX:
                    continue
                cur = CURRENCIES.get(base) if kind == "money" else None
                readings.append((kind, factor * scale, cur, UNIT_KINDS[kind]))
    return readings


@functools.lru_cache(maxsize=4096)
def parse_unit(text: str, kind: str | None = None) -> Unit:
    """Read a printed unit. With `kind`, only that unit kind's reading is accepted.

    Raises UnitError naming the unit and the kinds it could have been.
    """
    if text is None:
        text = ""
    if kind is not None and kind not in UNIT_KINDS:
        raise UnitError(f"unknown unit kind {kind!r}; known kinds: {', '.join(UNIT_KINDS)}")
    s = _clean(str(text))
    readings: list[tuple[str, float, str | None, str]] = []
    if "/" in s and s not in _BASES:
        num, _, den = s.partition("/")
        money = [r for r in _simple(num) if r[0] == "money"]
        denoms = [r for r in _simple(den) if r[0] not in ("money", "percent", "percentage_point")]
        if money and denoms:
            m = money[0]
            d = denoms[0]
            readings.append(("price", m[1] / d[1], m[2], f"元/{d[3]}"))
    else:
        readings = _simple(s)
    if not readings:
        raise UnitError(
            f"unknown unit {text!r}: expected a scale prefix (万, 亿, 百万 …) and a base unit "
            f"(元, 美元, 台, 片, %, 百分点, 天, 吨 …) or money/counter such as 万元/台"
        )
    if kind is not None:
        others = sorted({r[0] for r in readings})
        readings = [r for r in readings if r[0] == kind]
        if not readings:
            raise UnitError(f"unit {text!r} is not a unit of kind {kind!r}; it is a unit of {', '.join(others)}")
    kinds = {r[0] for r in readings}
    if len(kinds) > 1:
        raise UnitError(f"unit {text!r} is ambiguous without an indicator: it could be {sorted(kinds)}")
    k, factor, currency, canonical = readings[0]
    return Unit(printed=s, kind=k, canonical=canonical, factor=factor, currency=currency)


def canonical_unit(kind: str) -> str:
    """The unit values of this kind are stored in."""
    try:
        return UNIT_KINDS[kind]
    except KeyError:
        raise UnitError(f"unknown unit kind {kind!r}; known kinds: {', '.join(UNIT_KINDS)}") from None


def known_units() -> dict[str, list[str]]:
    """Base units by kind, for documentation and error messages."""
    out: dict[str, list[str]] = {}
    for name, readings in _BASES.items():
        for kind, _ in readings:
            out.setdefault(kind, []).append(name)
    return out




def base_units() -> dict[str, bool]:
    """Every base unit, and whether it takes a Chinese scale prefix (万台 yes, 万% no): for code that must
    recognise printed units in running text."""
    return {name: any(kind not in _NO_PREFIX for kind, _ in readings) for name, readings in _BASES.items()}


def counter_units() -> frozenset[str]:
    """Base units that count things (家, 项, 台 …): a figure printed in one of them, with no scale prefix, is an
    exact integer, so the audit gives it no rounding interval."""
    return frozenset(name for name, readings in _BASES.items() if any(k.startswith("count_") for k, _ in readings))
