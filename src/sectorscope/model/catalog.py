"""The indicator catalog, kept as data: every `*.yaml` in `model/catalog/` (or a folder a user names).

An indicator says what a figure means, the unit kind it must be printed in, how it aggregates and the
bounds a value must lie in. Ingest refuses figures that break these; later layers read labels from here.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from ..errors import CatalogError
from .formula import Formula, parse_formula
from .units import UNIT_KINDS

__all__ = [
    "AGGREGATIONS",
    "Catalog",
    "Derivation",
    "Indicator",
    "load_catalog",
]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same result, 10× faster
AGGREGATIONS = ("sum", "mean", "none")


@dataclass(frozen=True)
class Derivation:
    """One way to compute an indicator from others (an entry of its `derive:` list in the catalog).

    Parameters with a number are constants of the method (a healthy band); a parameter declared `null`
    must be given by the dataset, per scenario (a localisation target), in its `analytics.yaml`."""

    indicator: str
    name: str
    formula: Formula
    params: dict[str, float | None] = field(default_factory=dict, compare=False, hash=False)
    note_zh: str = ""
    note_en: str = ""

    @property
    def free_parameters(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.params.items() if v is None)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit_kind: str
    aggregation: str
    definition_zh: str = ""
    definition_en: str = ""
    lower: float | None = None
    upper: float | None = None
    file: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh

    def within_bounds(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if self.lower is not None and value < self.lower:
            return False
        return not (self.upper is not None and value > self.upper)

    def bounds_text(self) -> str:
        lo = "−∞" if self.lower is None else f"{self.lower:g}"
        hi = "+∞" if self.upper is None else f"{self.upper:g}"
        return f"[{lo}, {hi}]"


class Catalog:
    """Indicators by code. Iterating yields them in file order."""

    def __init__(self, indicators: list[Indicator]) -> None:
        self._by_code: dict[str, Indicator] = {}
        for ind in indicators:
            if ind.code in self._by_code:
                first = self._by_code[ind.code].file
                raise CatalogError(f"indicator {ind.code!r} is defined twice: in {first} and in {ind.file}")
            self._by_code[ind.code] = ind
        self._derivations = self._read_derivations()

    def _read_derivations(self) -> list[Derivation]:
        out: list[Derivation] = []
        codes = frozenset(self._by_code)
        for ind in self:
            entries = ind.extra.get("derive") or []
            if not isinstance(entries, list):
                raise CatalogError(f"{ind.file} ({ind.code}): derive must be a list of {{name, formula}}")
            seen: set[str] = set()
            for n, e in enumerate(entries, start=1):
                where = f"{ind.file} ({ind.code}), derive entry {n}"
                if not isinstance(e, dict) or not e.get("name") or not e.get("formula"):
                    raise CatalogError(f"{where}: needs a name and a formula")
                unknown = set(e) - {"name", "formula", "params", "note_zh", "note_en"}
                if unknown:
                    raise CatalogError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
                name = str(e["name"])
                if name in seen:
                    raise CatalogError(f"{where}: derivation {name!r} is declared twice")
                seen.add(name)
                params = e.get("params") or {}
                if not isinstance(params, dict) or any(
                        v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))) for v in params.values()):
                    raise CatalogError(f"{where}: params must map names to numbers (or null: given by the dataset)")
                clash = sorted(set(params) & codes)
                if clash:
                    raise CatalogError(f"{where}: parameter name(s) {', '.join(clash)} clash with indicator codes")
                formula = parse_formula(str(e["formula"]), where, indicators=codes, parameters=set(params))
                if ind.code in formula.indicators and ind.code not in formula.lagged:
                    raise CatalogError(f"{where}: {ind.code} cannot be derived from itself")
                out.append(Derivation(ind.code, name, formula,
                                      {k: None if v is None else float(v) for k, v in params.items()},
                                      str(e.get("note_zh", "")), str(e.get("note_en", ""))))
        return out

    def derivations(self) -> list[Derivation]:
        """Every formula of the catalog, in file order."""
        return list(self._derivations)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Indicator:
        try:
            return self._by_code[code]
        except KeyError:
            raise CatalogError(f"unknown indicator {code!r}") from None

    def get(self, code: str) -> Indicator | None:
        return self._by_code.get(code)

    def __iter__(self):
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def codes(self) -> list[str]:
        return list(self._by_code)

    def records(self) -> list[dict]:
        """Plain rows, for the store's `indicators` table and for exports."""
        return [
            {
                "code": i.code, "name_zh": i.name_zh, "name_en": i.name_en, "unit_kind": i.unit_kind,
                "canonical_unit": UNIT_KINDS[i.unit_kind], "aggregation": i.aggregation,
                "definition_zh": i.definition_zh, "definition_en": i.definition_en,
                "lower": i.lower, "upper": i.upper,
            }
            for i in self
        ]


def _bound(v: object, where: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise CatalogError(f"{where}: bounds must be numbers or null, got {v!r}")
    return float(v)


def _parse(entries: object, file: str) -> list[Indicator]:
    if not isinstance(entries, list):
        raise CatalogError(f"{file}: expected a list of indicators")
    out = []
    for n, e in enumerate(entries, start=1):
        where = f"{file}, entry {n}"
        if not isinstance(e, dict):
            raise CatalogError(f"{where}: expected a mapping")
        missing = [k for k in ("code", "name_zh", "name_en", "unit_kind", "aggregation") if not e.get(k)]
        if missing:
            raise CatalogError(f"{where} ({e.get('code', '?')}): missing {', '.join(missing)}")
        if e["unit_kind"] not in UNIT_KINDS:
            raise CatalogError(f"{where} ({e['code']}): unknown unit_kind {e['unit_kind']!r}")
        if e["aggregation"] not in AGGREGATIONS:
            raise CatalogError(f"{where} ({e['code']}): aggregation must be one of {AGGREGATIONS}")
        bounds = e.get("bounds") or [None, None]
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise CatalogError(f"{where} ({e['code']}): bounds must be [low, high]")
        lo, hi = _bound(bounds[0], where), _bound(bounds[1], where)
        if lo is not None and hi is not None and lo > hi:
            raise CatalogError(f"{where} ({e['code']}): lower bound {lo} above upper bound {hi}")
        known = {"code", "name_zh", "name_en", "unit_kind", "aggregation", "definition_zh", "definition_en", "bounds"}
        out.append(
            Indicator(
                code=str(e["code"]), name_zh=str(e["name_zh"]), name_en=str(e["name_en"]),
                unit_kind=e["unit_kind"], aggregation=e["aggregation"],
                definition_zh=str(e.get("definition_zh", "")), definition_en=str(e.get("definition_en", "")),
                lower=lo, upper=hi, file=file, extra={k: v for k, v in e.items() if k not in known},
            )
        )
    return out


def load_catalog(folder: str | Path | None = None) -> Catalog:
    """Read every YAML file of the catalog folder (the packaged one by default), common.yaml first.
    The packaged catalog is read once per process: it is package data, and parsing it cost more than a
    short extraction."""
    if folder is None:
        return _packaged()
    return _read(folder)


@functools.cache
def _packaged() -> Catalog:
    return _read(None)


def _read(folder: str | Path | None) -> Catalog:
    if folder is None:
        base = resources.files("sectorscope") / "model" / "catalog"
        files = sorted((p for p in base.iterdir() if p.name.endswith(".yaml")), key=lambda p: (p.name != "common.yaml", p.name))
    else:
        base = Path(folder)
        if not base.is_dir():
            raise CatalogError(f"catalog folder {base} does not exist")
        files = sorted(base.glob("*.yaml"), key=lambda p: (p.name != "common.yaml", p.name))
    indicators: list[Indicator] = []
    for f in files:
        try:
            data = yaml.load(f.read_text(encoding="utf-8"), Loader=_LOADER)
        except yaml.YAMLError as exc:
            raise CatalogError(f"{f.name}: not valid YAML: {exc}") from None
        indicators.extend(_parse(data or [], f.name))
    return Catalog(indicators)
