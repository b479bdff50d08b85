"""Audit rules as data: the packaged `audit.yaml` beside the catalog, and a dataset's own `rules.yaml`.

This module only reads and validates declarations (so a load can refuse a bad rules file before anything
is written); the checks themselves live in `sectorscope.audit`. Every error names the file and the entry.
"""
from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field, replace
from importlib import resources

import yaml

from ...errors import CatalogError
from ..catalog import Catalog, load_catalog
from ..observation import DEFAULT_REGION, DIMENSIONS

__all__ = [
    "RuleSet", "ChangeRule", "IdentityRule", "DifferenceRule", "PartWhole", "Settings", "SEVERITIES",
    "CHANGE_KINDS", "load_rules", "parse_rules", "packaged_rules",
]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SEVERITIES = ("error", "warning", "info")
CHANGE_KINDS = ("growth", "cagr", "difference")
_DIMS = tuple(d for d in DIMENSIONS if d != "subject")


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
    name: str
    result: str
    formula: str
    operands: tuple[str, ...]
    tolerance: float = 0.0
    severity: str = "error"


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
    parts: tuple[tuple[tuple[str, str], ...], ...]
    whole: tuple[tuple[str, str], ...] | None = ()
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


def _operands(formula: str, where: str) -> tuple[str, ...]:
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError:
        raise CatalogError(f"{where}: formula {formula!r} is not an expression") from None
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            continue
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Load)):
            raise CatalogError(f"{where}: formula {formula!r} may hold only indicator codes, numbers and + − × ÷")
    if not names:
        raise CatalogError(f"{where}: formula {formula!r} names no indicator")
    return tuple(dict.fromkeys(names))


class _Reader:
    def __init__(self, file: str, catalog: Catalog) -> None:
        self.file = file
        self.catalog = catalog

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

    def entries(self, data: dict, key: str) -> list:
        value = data.get(key) or []
        if not isinstance(value, list):
            raise CatalogError(f"{self.file}: `{key}` must be a list")
        return value

    def dims(self, value: object, where: str) -> tuple[tuple[str, str], ...]:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise CatalogError(f"{where}: dimensions must be a mapping such as {{product: 热成像仪}}")
        bad = [k for k in value if k not in _DIMS]
        if bad:
            raise CatalogError(f"{where}: unknown dimension(s) {', '.join(map(str, bad))}; use {', '.join(_DIMS)}")
        full = {d: None for d in _DIMS}
        full["region"] = DEFAULT_REGION
        for k, v in value.items():
            full[k] = None if v in (None, "") else str(v)
        return tuple(full.items())


def parse_rules(data: object, file: str, catalog: Catalog | None = None) -> RuleSet:
    """A rules document (already parsed YAML) → RuleSet; CatalogError naming the file and entry otherwise."""
    catalog = catalog or load_catalog()
    r = _Reader(file, catalog)
    if data is None:
        data = {}
    data = r.mapping(data, file, {"settings", "bounds", "conflicts", "changes", "identities", "differences", "part_whole"})
    s = r.mapping(data.get("settings") or {}, f"{file}, settings", {"about", "exempt_bases"})
    about = r.mapping(s.get("about") or {}, f"{file}, settings.about", {"units", "relative"})
    try:
        settings = Settings(float(about.get("units", 1.0)), float(about.get("relative", 0.0)),
                            tuple(str(b) for b in s.get("exempt_bases", Settings.exempt_bases)))
    except (TypeError, ValueError):
        raise CatalogError(f"{file}, settings: about.units and about.relative must be numbers") from None
    if settings.about_units < 0 or settings.about_relative < 0:
        raise CatalogError(f"{file}, settings: about.units and about.relative cannot be negative")
    bounds = r.mapping(data.get("bounds") or {}, f"{file}, bounds", {"severity"})
    conflicts = r.mapping(data.get("conflicts") or {}, f"{file}, conflicts", {"severity"})

    changes = []
    for n, e in enumerate(r.entries(data, "changes"), 1):
        where = f"{file}, changes entry {n}"
        e = r.mapping(e, where, {"change", "level", "kind", "severity"})
        if e.get("kind") not in CHANGE_KINDS:
            raise CatalogError(f"{where}: kind must be one of {', '.join(CHANGE_KINDS)}, not {e.get('kind')!r}")
        changes.append(ChangeRule(r.code(e.get("change"), where, "change"), r.code(e.get("level"), where, "level"),
                                  e["kind"], r.severity(e, where)))

    identities = []
    for n, e in enumerate(r.entries(data, "identities"), 1):
        where = f"{file}, identities entry {n}"
        e = r.mapping(e, where, {"name", "result", "formula", "tolerance", "severity"})
        formula = e.get("formula")
        if not isinstance(formula, str):
            raise CatalogError(f"{where}: formula must be text such as 'output / capacity * 100'")
        ops = _operands(formula, where)
        for op in ops:
            r.code(op, where, "operand")
        tol = e.get("tolerance", 0.0)
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 <= tol < 1:
            raise CatalogError(f"{where}: tolerance must be a number in [0, 1), not {tol!r}")
        result = r.code(e.get("result"), where, "result")
        identities.append(IdentityRule(str(e.get("name") or result), result, formula, ops, float(tol), r.severity(e, where)))

    differences = []
    for n, e in enumerate(r.entries(data, "differences"), 1):
        where = f"{file}, differences entry {n}"
        e = r.mapping(e, where, {"result", "severity"})
        differences.append(DifferenceRule(r.code(e.get("result"), where, "result"), r.severity(e, where)))

    parts = []
    for n, e in enumerate(r.entries(data, "part_whole"), 1):
        where = f"{file}, part_whole entry {n}"
        e = r.mapping(e, where, {"name", "indicator", "subject", "source", "dims", "whole", "total", "parts",
                                 "complete", "overlapping", "aggregate", "severity", "note"})
        indicator = r.code(e.get("indicator"), where, "indicator")
        if not e.get("subject"):
            raise CatalogError(f"{where}: subject is required (the market the parts belong to)")
        common = e.get("dims") or {}
        if not isinstance(common, dict):
            raise CatalogError(f"{where}: dims must be a mapping")
        if ("whole" in e) == ("total" in e):
            raise CatalogError(f"{where}: give either `whole` (the whole's dimensions) or `total` (e.g. 100), not both or neither")
        whole = None
        total = None
        if "whole" in e:
            if e["whole"] is not None and not isinstance(e["whole"], dict):
                raise CatalogError(f"{where}: whole must be a mapping of dimensions ({{}} for the market as a whole)")
            whole = r.dims({**common, **(e["whole"] or {})}, f"{where}, whole")
        else:
            if isinstance(e["total"], bool) or not isinstance(e["total"], (int, float)):
                raise CatalogError(f"{where}: total must be a number")
            total = float(e["total"])
        plist = e.get("parts")
        if not isinstance(plist, list) or not plist:
            raise CatalogError(f"{where}: parts must be a non-empty list of dimension mappings")
        for i, p in enumerate(plist, 1):
            if p is not None and not isinstance(p, dict):
                raise CatalogError(f"{where}, part {i}: a part is a mapping of dimensions such as {{product: 热成像仪}}, not {p!r}")
        pdims = tuple(r.dims({**common, **(p or {})}, f"{where}, part {i}") for i, p in enumerate(plist, 1))
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
        parts.append(PartWhole(
            name=str(e.get("name") or f"{indicator} #{n}"), indicator=indicator, subject=str(e["subject"]),
            parts=pdims, whole=whole, total=total, complete=bool(e.get("complete", False)),
            overlapping=bool(e.get("overlapping", False)), aggregate=aggregate,
            source=str(e["source"]) if e.get("source") else None, severity=r.severity(e, where),
            note=str(e.get("note") or ""), file=file,
        ))
    return RuleSet(settings, r.severity(bounds, f"{file}, bounds"), r.severity(conflicts, f"{file}, conflicts"),
                   tuple(changes), tuple(identities), tuple(differences), tuple(parts), (file,))


def load_rules(text: str, file: str, catalog: Catalog | None = None) -> RuleSet:
    """Rules from YAML text (a dataset's `rules.yaml`); CatalogError naming the file otherwise."""
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{file}: not valid YAML: {exc}") from None
    return parse_rules(data, file, catalog)


@functools.cache
def packaged_rules() -> RuleSet:
    """The rules shipped with sectorscope (`model/rules/audit.yaml`)."""
    path = resources.files("sectorscope") / "model" / "rules" / "audit.yaml"
    return load_rules(path.read_text(encoding="utf-8"), "audit.yaml")
