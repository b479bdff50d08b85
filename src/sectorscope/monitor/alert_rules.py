"""Alert rules as YAML: read, and checked field by field before anything is evaluated.

A monitoring rule file is edited by hand by the analyst who watches the market, so every mistake in it is
reported at once, each naming the file, the rule (its position and id) and the field — the same courtesy
the data files get. A rule that cannot fire (an indicator the catalog does not know, an operator we do not
have, a threshold that is not a number, a template naming a field the alert does not have) is an error,
not a silent no-op.
"""
from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import yaml

from ..errors import AlertRulesError, InputError, RowFailure, UnitError
from ..model import DIMENSIONS, STATUSES, Catalog, load_catalog, parse_unit

__all__ = [
    "ALLOWED_STATUSES",
    "DEFAULT_STATUSES",
    "KINDS",
    "OPERATORS",
    "SEVERITIES",
    "TEMPLATE_FIELDS",
    "AlertRule",
    "AlertRulesError",
    "RuleFailure",
    "parse_alert_rules",
    "read_alert_rules",
]

KINDS = ("threshold", "forecast_miss", "revision")
SEVERITIES = ("info", "warning", "critical")
OPERATORS = ("<", "<=", ">", ">=", "abs>", "abs>=")
# Threshold rules watch what the market is, not what someone expects it to be: forecasts, targets and
# scenario rows only when a rule asks for them.
DEFAULT_STATUSES = {
    "threshold": ("actual", "estimate", "derived"),
    "forecast_miss": ("actual", "estimate"),
    "revision": STATUSES,
}
# What each kind may be asked to read: a forecast miss is about figures that report what happened.
ALLOWED_STATUSES = {"threshold": STATUSES, "forecast_miss": ("actual", "estimate"), "revision": STATUSES}
_COMMON_KEYS = {"id", "kind", "severity", "message_zh", "message_en", "title_zh", "title_en", "indicator",
                "where", "statuses", "sources", "exclude_sources"}
_KIND_KEYS = {
    "threshold": {"operator", "value", "unit", "include_scenarios", "basis"},
    "forecast_miss": {"interval", "same_source"},
    "revision": {"percent", "since", "include_scenarios"},
}
_COMMON_FIELDS = {
    "rule_id": "r", "severity": "warning", "indicator": "x", "indicator_zh": "指标", "indicator_en": "indicator",
    "dims": "市场 / 产品", "period": "2025", "value": 1.0, "printed": "1%", "unit": "%", "source_id": "s",
    "location": "p1", "status": "actual", "vintage": 1,
}
TEMPLATE_FIELDS = {
    "threshold": {**_COMMON_FIELDS, "operator": "<", "threshold": 1.0, "threshold_unit": "%"},
    "forecast_miss": {**_COMMON_FIELDS, "lo": 0.5, "hi": 1.5, "lo_printed": "0.5%", "hi_printed": "1.5%",
                      "level": 95, "forecast_value": 1.0, "forecast_printed": "1%", "forecast_vintage": 1,
                      "input_vintage": 1},
    "revision": {**_COMMON_FIELDS, "old_value": 1.0, "old_printed": "1%", "pct_change": 1.0, "threshold": 1.0,
                 "since": 1},
}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SINCE = re.compile(r"^(v?\d{1,9}|\d{4}-\d{2}-\d{2}(?:[T ].*)?)$")


@dataclass(frozen=True)
class AlertRule:
    """One rule, validated. `value` (threshold) is in the indicator's canonical unit; `threshold_as_written`
    and `unit` are what the file says, for messages."""

    id: str
    kind: str
    severity: str
    message_zh: str
    message_en: str
    indicators: tuple[str, ...] = ()  # empty: every indicator (forecast_miss, revision)
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    title_zh: str = ""
    title_en: str = ""
    operator: str | None = None
    value: float | None = None
    threshold_as_written: float | None = None
    unit: str | None = None
    include_scenarios: bool = False
    basis: str = "certain"
    interval: int = 95
    same_source: bool = True
    percent: float | None = None
    since: str | None = None
    file: str = ""
    index: int = 0  # 1-based position in the file

    def title(self, lang: str = "zh") -> str:
        return (self.title_en if lang == "en" else self.title_zh) or self.id


class _KindFields(TypedDict, total=False):
    """The fields of AlertRule that only one kind of rule sets."""

    operator: str | None
    value: float | None
    threshold_as_written: float | None
    unit: str | None
    include_scenarios: bool
    basis: str
    interval: int
    same_source: bool
    percent: float | None
    since: str | None


@dataclass(frozen=True)
class RuleFailure(RowFailure):
    """One problem of one rule: `row` is the rule's 1-based position in the file, `rule_id` its id."""

    rule_id: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", rule {self.row}" + (f" ({self.rule_id})" if self.rule_id else "")
        if self.field:
            where += f", field '{self.field}'"
        shown = "" if self.value in (None, "") else f" (got {self.value!r})"
        return f"{where}: {self.reason}{shown}"


def read_alert_rules(path: str | Path, *, catalog: Catalog | None = None) -> list[AlertRule]:
    """Read and check a rule file (YAML: `rules:` a list of rules). Raises InputError when the file cannot
    be read and AlertRulesError (a ValidationError) listing every problem of every rule."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such alert rule file", file=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the alert rule file: {exc}", file=str(p)) from None
    return parse_alert_rules(text, str(p), catalog=catalog)


def parse_alert_rules(text: str, file: str = "<alerts>", *, catalog: Catalog | None = None) -> list[AlertRule]:
    """`read_alert_rules` on text already read; `file` names it in errors."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"not a valid YAML file: {exc}", file=file) from None
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - {"rules"})
        if unknown:
            raise InputError(f"unknown top-level key(s) {', '.join(map(str, unknown))}; the file holds `rules:`", file=file)
        raw = raw.get("rules")
    if not isinstance(raw, list) or not raw:
        raise InputError("expected `rules:` followed by a list of rules", file=file)
    catalog = catalog or load_catalog()
    failures: list[RuleFailure] = []
    rules: list[AlertRule] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(raw, start=1):
        rule = _Rule(file, n, entry, catalog, failures).parse()
        if rule is None:
            continue
        if rule.id in seen:
            failures.append(RuleFailure(file, n, "id", rule.id, f"duplicate id: rule {seen[rule.id]} has it too",
                                        rule_id=rule.id))
            continue
        seen[rule.id] = n
        rules.append(rule)
    if failures:
        raise AlertRulesError(failures, file=file)
    return rules


class _Rule:
    """The checks of one rule entry; every problem is recorded, the first per field."""

    def __init__(self, file: str, n: int, entry: object, catalog: Catalog, failures: list[RuleFailure]) -> None:
        self.file, self.n, self.entry, self.catalog, self.failures = file, n, entry, catalog, failures
        self.id: str | None = None
        self.ok = True

    def fail(self, fld: str | None, value: object, reason: str) -> None:
        shown = None if value is None else str(value)
        self.failures.append(RuleFailure(self.file, self.n, fld, shown, reason, rule_id=self.id))
        self.ok = False

    def parse(self) -> AlertRule | None:
        e = self.entry
        if not isinstance(e, dict):
            self.fail(None, e, "a rule is a mapping (id, kind, severity, message_zh, message_en …)")
            return None
        rid = e.get("id")
        if not isinstance(rid, str) or not _ID.match(rid):
            self.fail("id", rid, "every rule needs an id: letters, digits, _ . - (e.g. utilisation_low)")
        else:
            self.id = rid
        kind = e.get("kind")
        if kind not in KINDS:
            self.fail("kind", kind, f"unknown kind; kinds are {', '.join(KINDS)}")
            return None
        unknown = sorted(set(map(str, e)) - _COMMON_KEYS - _KIND_KEYS[kind])
        for k in unknown:
            self.fail(k, None, f"unknown field for a {kind} rule; fields are "
                               f"{', '.join(sorted(_COMMON_KEYS | _KIND_KEYS[kind]))}")
        severity = e.get("severity")
        if severity not in SEVERITIES:
            self.fail("severity", severity, f"severity must be one of {', '.join(SEVERITIES)}")
        messages = {lang: self.template(e, f"message_{lang}", kind) for lang in ("zh", "en")}
        titles = {lang: self.text(e, f"title_{lang}") for lang in ("zh", "en")}
        indicators = self.indicators(e, required=kind == "threshold")
        where = self.where(e)
        statuses = self.names(e, "statuses", allowed=ALLOWED_STATUSES[kind])
        sources = self.names(e, "sources")
        exclude = self.names(e, "exclude_sources")
        extra: _KindFields
        if kind == "threshold":
            extra = self.threshold(e, indicators)
        elif kind == "forecast_miss":
            extra = self.forecast_miss(e)
        else:
            extra = self.revision(e)
        if not self.ok or self.id is None:
            return None
        return AlertRule(
            id=self.id, kind=kind, severity=str(severity), message_zh=messages["zh"], message_en=messages["en"],
            indicators=indicators, where=where, statuses=statuses or DEFAULT_STATUSES[kind], sources=sources,
            exclude_sources=exclude, title_zh=titles["zh"], title_en=titles["en"], file=self.file, index=self.n,
            **extra,
        )

    # ---- fields --------------------------------------------------------------------------------------
    def text(self, e: dict, key: str) -> str:
        v = e.get(key)
        if v is None:
            return ""
        if not isinstance(v, str):
            self.fail(key, v, "must be text")
            return ""
        return v

    def template(self, e: dict, key: str, kind: str) -> str:
        v = e.get(key)
        if not isinstance(v, str) or not v.strip():
            self.fail(key, v, "every rule needs a message template in Chinese (message_zh) and English (message_en)")
            return ""
        fields = TEMPLATE_FIELDS[kind]
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(v) if f is not None]
        except ValueError as exc:
            self.fail(key, v, f"not a valid template: {exc}")
            return ""
        for name in names:
            base = re.split(r"[.\[]", name, maxsplit=1)[0]
            if base == "" or base.isdigit():
                self.fail(key, v, "templates use named fields such as {value} or {period}, not {} or {0}")
                return ""
            if base not in fields:
                self.fail(key, name, f"unknown template field for a {kind} rule; fields are {', '.join(sorted(fields))}")
                return ""
        try:
            v.format(**fields)
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
            self.fail(key, v, f"the template cannot be filled: {exc}")
            return ""
        return v

    def indicators(self, e: dict, *, required: bool) -> tuple[str, ...]:
        v = e.get("indicator")
        if v is None:
            if required:
                self.fail("indicator", None, "a threshold rule needs an indicator code (`sectorscope catalog` lists them)")
            return ()
        codes = [v] if isinstance(v, str) else v if isinstance(v, list) else None
        if not codes or not all(isinstance(c, str) for c in codes):
            self.fail("indicator", v, "an indicator code, or a list of them")
            return ()
        bad = [c for c in codes if c not in self.catalog]
        if bad:
            self.fail("indicator", ", ".join(bad), "unknown indicator code; `sectorscope catalog` lists them")
            return ()
        return tuple(codes)

    def where(self, e: dict) -> dict[str, tuple[str, ...]]:
        v = e.get("where")
        if v is None:
            return {}
        if not isinstance(v, dict):
            self.fail("where", v, "a mapping from a dimension (subject, product …) or period to a value or a list")
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for dim, vals in v.items():
            if dim not in (*DIMENSIONS, "period"):
                self.fail(f"where.{dim}", None, f"unknown dimension; dimensions are {', '.join(DIMENSIONS)}, period")
                continue
            vals = [vals] if isinstance(vals, (str, int)) and not isinstance(vals, bool) else vals
            if not isinstance(vals, list) or not vals or not all(isinstance(x, (str, int)) and not isinstance(x, bool)
                                                                   for x in vals):
                self.fail(f"where.{dim}", vals, "a value or a list of values")
                continue
            out[str(dim)] = tuple(str(x) for x in vals)
        return out

    def names(self, e: dict, key: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        v = e.get(key)
        if v is None:
            return ()
        vals = [v] if isinstance(v, str) else v
        if not isinstance(vals, list) or not vals or not all(isinstance(x, str) and x for x in vals):
            self.fail(key, v, "a name or a list of names")
            return ()
        if allowed is not None:
            bad = [x for x in vals if x not in allowed]
            if bad:
                self.fail(key, ", ".join(bad), f"not allowed here; use {', '.join(allowed)}")
                return ()
        return tuple(vals)

    def number(self, e: dict, key: str) -> float | None:
        v = e.get(key)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
            self.fail(key, v, "must be a number")
            return None
        return float(v)

    def flag(self, e: dict, key: str, default: bool) -> bool:
        v = e.get(key, default)
        if not isinstance(v, bool):
            self.fail(key, v, "must be true or false")
            return default
        return v

    def threshold(self, e: dict, indicators: tuple[str, ...]) -> _KindFields:
        op = e.get("operator")
        if op not in OPERATORS:
            self.fail("operator", op, f"operator must be one of {', '.join(OPERATORS)}")
        value = self.number(e, "value")
        if value is not None and str(op).startswith("abs") and value < 0:
            self.fail("value", value, f"{op} compares a magnitude with a limit, which cannot be negative")
        basis = e.get("basis", "certain")
        if basis not in ("certain", "possible"):
            self.fail("basis", basis, "certain (the figure's whole interval meets the condition) or possible (some of it)")
        unit = e.get("unit")
        factor = 1.0
        if unit is not None:
            if not isinstance(unit, str):
                self.fail("unit", unit, "a unit as printed (%, 亿元, 天 …)")
            else:
                for code in indicators:
                    try:
                        u = parse_unit(unit, self.catalog[code].unit_kind)
                    except UnitError as exc:
                        self.fail("unit", unit, f"{exc} (indicator {code})")
                        break
                    if u.needs_fx:
                        self.fail("unit", unit, "a threshold in a foreign currency would need an exchange rate; give it in 元")
                        break
                    factor = u.factor
        kinds = {self.catalog[c].unit_kind for c in indicators if c in self.catalog}
        if unit is None and len(kinds) > 1:
            self.fail("indicator", ", ".join(indicators), "indicators of different unit kinds cannot share one threshold")
        return {"operator": op, "value": None if value is None else value * factor, "threshold_as_written": value,
                "unit": unit, "basis": basis, "include_scenarios": self.flag(e, "include_scenarios", False)}

    def forecast_miss(self, e: dict) -> _KindFields:
        interval = e.get("interval", 95)
        if interval not in (80, 95) or isinstance(interval, bool):
            self.fail("interval", interval, "the forecasts carry 80 % and 95 % intervals: 80 or 95")
            interval = 95
        return {"interval": int(interval), "same_source": self.flag(e, "same_source", True)}

    def revision(self, e: dict) -> _KindFields:
        pct = self.number(e, "percent")
        if pct is not None and pct < 0:
            self.fail("percent", pct, "a revision larger than x %: x cannot be negative")
        since = e.get("since")
        if since is not None:
            since = str(since)
            if not _SINCE.match(since):
                self.fail("since", since, "a vintage (3, v3) or an ISO date (2025-06-30)")
        return {"percent": pct, "since": since, "include_scenarios": self.flag(e, "include_scenarios", True)}
