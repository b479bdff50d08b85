"""Audit rules as data: the packaged `model/audit.yaml` beside the catalog, and a dataset's own `rules.yaml`.

This module only reads and validates declarations (so a load can refuse a bad rules file before anything
is written); the checks themselves live in `sectorscope.audit`. Every error names the file and the entry.
An identity's formula is parsed by `model/formula.py`, the one parser of the catalog's formula grammar.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from importlib import resources

import yaml

from ..errors import CatalogError
from .catalog import Catalog, load_catalog
from .formula import Formula, parse_formula
from .observation import DEFAULT_REGION, DIMENSIONS

__all__ = [
    "CHANGE_KINDS",
    "SEVERITIES",
    "ChangeRule",
    "DifferenceRule",
    "Dims",
    "IdentityRule",
    "PartWhole",
    "RuleSet",
    "Settings",
    "load_rules",
    "packaged_rules",
    "parse_rules",
]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SEVERITIES = ("error", "warning", "info")
CHANGE_KINDS = ("growth", "cagr", "difference")
_DIMS = tuple(d for d in DIMENSIONS if d != "subject")
Dims = tuple[tuple[str, str | None], ...]  # every dimension but subject, in DIMENSIONS order; None: not given


@dataclass(frozen=True)
class Settings:
    about_units: float = 1.0
    about_relative: float = 0.0
    exempt_bases: tuple[str, ...] = ("可比口径",)


@dataclass(frozen=True)
class ChangeRule:
    change: str
    level: str
    kind: str
    severity: str = "error"


@dataclass(frozen=True)
class IdentityRule:
    """`result` = `formula` (arithmetic over indicator codes), within rounding and a relative `tolerance`."""

    name: str
    result: str
    formula: Formula
    tolerance: float = 0.0
    severity: str = "error"

    @property
    def operands(self) -> tuple[str, ...]:
        """The indicators the formula reads, each once, in reading order."""
        return self.formula.indicators


@dataclass(frozen=True)
class DifferenceRule:
    result: str
    severity: str = "error"


@dataclass(frozen=True)
class PartWhole:
    """Parts declared as parts of a whole. `whole` is the whole's dimensions, or None when the parts add up
    to the constant `total` (100 for shares). `complete`: the parts are all of the whole (sum = whole);
    otherwise they may not exceed it. `overlapping`: parts may overlap, so each alone must not exceed it.
    `aggregate: mean`: the whole is an average of the parts (it lies between the smallest and the largest)."""

    name: str
    indicator: str
    subject: str
    parts: tuple[Dims, ...]
    whole: Dims | None = ()
    total: float | None = None
    complete: bool = False
    overlapping: bool = False
    aggregate: str = "sum"
    source: str | None = None
    severity: str = "error"
    note: str = ""
    file: str = ""


@dataclass(frozen=True)
class RuleSet:
    settings: Settings = field(default_factory=Settings)
    bounds_severity: str = "error"
    conflict_severity: str = "error"
    changes: tuple[ChangeRule, ...] = ()
    identities: tuple[IdentityRule, ...] = ()
    differences: tuple[DifferenceRule, ...] = ()
    part_whole: tuple[PartWhole, ...] = ()
    files: tuple[str, ...] = ()

    def merged(self, other: RuleSet) -> RuleSet:
        """This rule set with another's declarations added (a dataset's rules on top of the packaged ones)."""
        return replace(
            self, changes=self.changes + other.changes, identities=self.identities + other.identities,
            differences=self.differences + other.differences, part_whole=self.part_whole + other.part_whole,
            files=self.files + other.files,
        )


class _Reader:
    def __init__(self, file: str, catalog: Catalog) -> None:
        self.file = file
        self.catalog = catalog

    @functools.cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(self.catalog.codes())

    def code(self, value: object, where: str, what: str) -> str:
        if not isinstance(value, str) or value not in self.catalog:
            raise CatalogError(f"{where}: {what} {value!r} is not an indicator of the catalog")
        return value

    def severity(self, entry: dict, where: str, default: str = "error") -> str:
        s = entry.get("severity", default)
        if s not in SEVERITIES:
            raise CatalogError(f"{where}: severity must be one of {', '.join(SEVERITIES)}, not {s!r}")
        return s

    def mapping(self, entry: object, where: str, keys: set[str]) -> dict:
        if not isinstance(entry, dict):
            raise CatalogError(f"{where}: expected a mapping")
        unknown = set(entry) - keys
        if unknown:
            raise CatalogError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; allowed: {', '.join(sorted(keys))}")
        return entry

    def entries(self, data: dict, key: str, keys: set[str]) -> Iterator[tuple[str, int, dict]]:
        """The entries of section `key`, each checked to be a mapping of `keys` as it comes (so the first
        bad entry is the one reported), with its place for messages and its number."""
        value = data.get(key) or []
        if not isinstance(value, list):
            raise CatalogError(f"{self.file}: `{key}` must be a list")
        for n, e in enumerate(value, 1):
            where = f"{self.file}, {key} entry {n}"
            yield where, n, self.mapping(e, where, keys)

    def dims(self, value: object, where: str) -> Dims:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise CatalogError(f"{where}: dimensions must be a mapping such as {{product: 热成像仪}}")
        bad = [k for k in value if k not in _DIMS]
        if bad:
            raise CatalogError(f"{where}: unknown dimension(s) {', '.join(map(str, bad))}; use {', '.join(_DIMS)}")
        full: dict[str, str | None] = {d: None for d in _DIMS}
        full["region"] = DEFAULT_REGION
        for k, v in value.items():
            full[k] = None if v in (None, "") else str(v)
        return tuple(full.items())


def _settings(r: _Reader, data: dict) -> Settings:
    file = r.file
    s = r.mapping(data.get("settings") or {}, f"{file}, settings", {"about", "exempt_bases"})
    about = r.mapping(s.get("about") or {}, f"{file}, settings.about", {"units", "relative"})
    try:
        settings = Settings(float(about.get("units", 1.0)), float(about.get("relative", 0.0)),
                            tuple(str(b) for b in s.get("exempt_bases", Settings.exempt_bases)))
    except (TypeError, ValueError):
        raise CatalogError(f"{file}, settings: about.units and about.relative must be numbers") from None
    if settings.about_units < 0 or settings.about_relative < 0:
        raise CatalogError(f"{file}, settings: about.units and about.relative cannot be negative")
    return settings


def _changes(r: _Reader, data: dict) -> tuple[ChangeRule, ...]:
    changes = []
    for where, _, e in r.entries(data, "changes", {"change", "level", "kind", "severity"}):
        if e.get("kind") not in CHANGE_KINDS:
            raise CatalogError(f"{where}: kind must be one of {', '.join(CHANGE_KINDS)}, not {e.get('kind')!r}")
        changes.append(ChangeRule(r.code(e.get("change"), where, "change"), r.code(e.get("level"), where, "level"),
                                  e["kind"], r.severity(e, where)))
    return tuple(changes)


def _identities(r: _Reader, data: dict) -> tuple[IdentityRule, ...]:
    identities = []
    for where, _, e in r.entries(data, "identities", {"name", "result", "formula", "tolerance", "severity"}):
        text = e.get("formula")
        if not isinstance(text, str):
            raise CatalogError(f"{where}: formula must be text such as 'output / capacity * 100'")
        formula = parse_formula(text, where, indicators=r.codes, arithmetic=True)
        tol = e.get("tolerance", 0.0)
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 <= tol < 1:
            raise CatalogError(f"{where}: tolerance must be a number in [0, 1), not {tol!r}")
        result = r.code(e.get("result"), where, "result")
        identities.append(IdentityRule(str(e.get("name") or result), result, formula, float(tol), r.severity(e, where)))
    return tuple(identities)


def _differences(r: _Reader, data: dict) -> tuple[DifferenceRule, ...]:
    return tuple(DifferenceRule(r.code(e.get("result"), where, "result"), r.severity(e, where))
                 for where, _, e in r.entries(data, "differences", {"result", "severity"}))


_PART_WHOLE_KEYS = {"name", "indicator", "subject", "source", "dims", "whole", "total", "parts", "complete",
                    "overlapping", "aggregate", "severity", "note"}


def _whole_or_total(r: _Reader, e: dict, common: dict, where: str) -> tuple[Dims | None, float | None]:
    """The whole's dimensions, or the constant the parts add up to: exactly one of them is given."""
    if ("whole" in e) == ("total" in e):
        raise CatalogError(f"{where}: give either `whole` (the whole's dimensions) or `total` (e.g. 100), not both or neither")
    if "whole" in e:
        if e["whole"] is not None and not isinstance(e["whole"], dict):
            raise CatalogError(f"{where}: whole must be a mapping of dimensions ({{}} for the market as a whole)")
        return r.dims({**common, **(e["whole"] or {})}, f"{where}, whole"), None
    if isinstance(e["total"], bool) or not isinstance(e["total"], (int, float)):
        raise CatalogError(f"{where}: total must be a number")
    return None, float(e["total"])


def _parts(r: _Reader, e: dict, common: dict, where: str) -> tuple[Dims, ...]:
    plist = e.get("parts")
    if not isinstance(plist, list) or not plist:
        raise CatalogError(f"{where}: parts must be a non-empty list of dimension mappings")
    for i, p in enumerate(plist, 1):
        if p is not None and not isinstance(p, dict):
            raise CatalogError(f"{where}, part {i}: a part is a mapping of dimensions such as {{product: 热成像仪}}, not {p!r}")
    return tuple(r.dims({**common, **(p or {})}, f"{where}, part {i}") for i, p in enumerate(plist, 1))


def _part_whole(r: _Reader, where: str, n: int, e: dict) -> PartWhole:
    indicator = r.code(e.get("indicator"), where, "indicator")
    if not e.get("subject"):
        raise CatalogError(f"{where}: subject is required (the market the parts belong to)")
    common = e.get("dims") or {}
    if not isinstance(common, dict):
        raise CatalogError(f"{where}: dims must be a mapping")
    whole, total = _whole_or_total(r, e, common, where)
    pdims = _parts(r, e, common, where)
    if len(set(pdims)) != len(pdims) or (whole is not None and whole in pdims):
        raise CatalogError(f"{where}: a part is listed twice, or is the whole itself")
    aggregate = e.get("aggregate", "sum")
    if aggregate not in ("sum", "mean"):
        raise CatalogError(f"{where}: aggregate must be sum or mean")
    if aggregate == "mean" and whole is None:
        raise CatalogError(f"{where}: a mean needs a whole figure, not a total")
    for flag in ("complete", "overlapping"):
        if not isinstance(e.get(flag, False), bool):
            raise CatalogError(f"{where}: {flag} must be true or false")
    if e.get("complete") and e.get("overlapping"):
        raise CatalogError(f"{where}: parts cannot be both complete and overlapping")
    return PartWhole(
        name=str(e.get("name") or f"{indicator} #{n}"), indicator=indicator, subject=str(e["subject"]),
        parts=pdims, whole=whole, total=total, complete=bool(e.get("complete", False)),
        overlapping=bool(e.get("overlapping", False)), aggregate=aggregate,
        source=str(e["source"]) if e.get("source") else None, severity=r.severity(e, where),
        note=str(e.get("note") or ""), file=r.file,
    )


def parse_rules(data: object, file: str, catalog: Catalog | None = None) -> RuleSet:
    """A rules document (already parsed YAML) → RuleSet; CatalogError naming the file and entry otherwise."""
    r = _Reader(file, catalog or load_catalog())
    data = r.mapping({} if data is None else data, file,
                     {"settings", "bounds", "conflicts", "changes", "identities", "differences", "part_whole"})
    settings = _settings(r, data)
    bounds = r.mapping(data.get("bounds") or {}, f"{file}, bounds", {"severity"})
    conflicts = r.mapping(data.get("conflicts") or {}, f"{file}, conflicts", {"severity"})
    changes = _changes(r, data)
    identities = _identities(r, data)
    differences = _differences(r, data)
    parts = tuple(_part_whole(r, where, n, e) for where, n, e in r.entries(data, "part_whole", _PART_WHOLE_KEYS))
    return RuleSet(settings, r.severity(bounds, f"{file}, bounds"), r.severity(conflicts, f"{file}, conflicts"),
                   changes, identities, differences, parts, (file,))


def load_rules(text: str, file: str, catalog: Catalog | None = None) -> RuleSet:
    """Rules from YAML text (a dataset's `rules.yaml`); CatalogError naming the file otherwise."""
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{file}: not valid YAML: {exc}") from None
    return parse_rules(data, file, catalog)


@functools.cache
def packaged_rules() -> RuleSet:
    """The rules shipped with sectorscope (`model/audit.yaml`)."""
    path = resources.files("sectorscope") / "model" / "audit.yaml"
    return load_rules(path.read_text(encoding="utf-8"), "audit.yaml")
