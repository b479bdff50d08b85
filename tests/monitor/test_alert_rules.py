"""Alert rule files: every problem reported at once, each naming the file, the rule (position and id) and
the field; a file that is not YAML or holds no rules is refused whole."""
from __future__ import annotations

import pytest
import yaml

from sectorscope.errors import InputError, ValidationError
from sectorscope.ingest import default_dataset_dir
from sectorscope.monitor.alert_rules import AlertRulesError, parse_alert_rules, read_alert_rules

GOOD = {"id": "low", "kind": "threshold", "severity": "warning", "indicator": "capacity_utilisation",
        "operator": "<", "value": 70, "message_zh": "{dims} {printed}", "message_en": "{dims} {printed}"}


def _write(tmp_path, *entries) -> str:
    path = tmp_path / "alerts.yaml"
    path.write_text(yaml.safe_dump({"rules": list(entries)}, allow_unicode=True), encoding="utf-8")
    return path


def _failures(tmp_path, *entries) -> list[str]:
    path = _write(tmp_path, *entries)
    with pytest.raises(AlertRulesError) as info:
        read_alert_rules(path)
    assert isinstance(info.value, ValidationError) and info.value.file == str(path)
    return [str(f) for f in info.value.failures]


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"indicator": "capacity_utilization"}, "indicator", "unknown indicator code; `sectorscope catalog` lists them (got 'capacity_utilization')"),
    ({"operator": "=<"}, "operator", "operator must be one of <, <=, >, >=, abs>, abs>= (got '=<')"),
    ({"value": "seventy"}, "value", "must be a number (got 'seventy')"),
    ({"value": True}, "value", "must be a number (got 'True')"),
    ({"value": None}, "value", "must be a number"),
    ({"severity": "high"}, "severity", "severity must be one of info, warning, critical (got 'high')"),
    ({"message_zh": "{dims} {figure}"}, "message_zh", "unknown template field for a threshold rule"),
    ({"message_en": "{0} {printed}"}, "message_en", "templates use named fields"),
    ({"message_en": "{value:%%}"}, "message_en", "the template cannot be filled"),
    ({"message_zh": None}, "message_zh", "every rule needs a message template"),
    ({"unit": "台"}, "unit", "is not a unit of kind 'percent'"),
    ({"indicator": "market_size", "unit": "亿美元"}, "unit", "a threshold in a foreign currency would need an exchange rate"),
    ({"where": {"province": "江苏"}}, "where.province", "unknown dimension"),
    ({"where": {"product": []}}, "where.product", "a value or a list of values"),
    ({"statuses": ["actual", "guess"]}, "statuses", "not allowed here; use actual, estimate, forecast, target, derived (got 'guess')"),
    ({"operator": "abs>", "value": -1}, "value", "cannot be negative"),
    ({"basis": "maybe"}, "basis", "certain (the figure's whole interval"),
    ({"include_scenarios": "yes"}, "include_scenarios", "must be true or false"),
    ({"percent": 10}, "percent", "unknown field for a threshold rule"),
])
def test_a_bad_field_is_named_with_its_file_and_rule(tmp_path, change, field, reason):
    other = {**GOOD, "id": "fine"}
    [failure] = _failures(tmp_path, other, {**GOOD, **change})
    assert failure.startswith(f"{tmp_path / 'alerts.yaml'}, rule 2 (low), field '{field}': ")
    assert reason in failure


def test_kinds_and_ids(tmp_path):
    failures = _failures(tmp_path, GOOD, {**GOOD, "kind": "trend"}, GOOD, {**GOOD, "id": "has space"},
                         {**GOOD, "id": None})
    path = tmp_path / "alerts.yaml"
    assert failures == [
        f"{path}, rule 2 (low), field 'kind': unknown kind; kinds are threshold, forecast_miss, revision (got 'trend')",
        f"{path}, rule 3 (low), field 'id': duplicate id: rule 1 has it too (got 'low')",
        f"{path}, rule 4, field 'id': every rule needs an id: letters, digits, _ . - (e.g. utilisation_low) (got 'has space')",
        f"{path}, rule 5, field 'id': every rule needs an id: letters, digits, _ . - (e.g. utilisation_low)",
    ]


def test_every_problem_of_every_rule_at_once(tmp_path):
    failures = _failures(tmp_path, {**GOOD, "operator": "≈", "value": "x", "indicator": "nope"},
                         {"id": "miss", "kind": "forecast_miss", "severity": "info", "interval": 90,
                          "statuses": ["forecast"], "message_zh": "{lo}", "message_en": "{threshold}"},
                         {"id": "rev", "kind": "revision", "severity": "info", "percent": "ten", "since": "last week",
                          "message_zh": "{pct_change:+.1f}", "message_en": "{old_printed}"})
    fields = [f.split("field '")[1].split("'")[0] for f in failures]
    assert fields == ["indicator", "operator", "value", "message_en", "statuses", "interval", "percent", "since"]
    assert "rule 2 (miss), field 'message_en': unknown template field for a forecast_miss rule" in failures[3]
    assert "rule 3 (rev), field 'since': a vintage (3, v3) or an ISO date (2025-06-30) (got 'last week')" in failures[7]


@pytest.mark.parametrize(("text", "reason"), [
    ("rules: [", "not a valid YAML file"),
    ("rules: []", "expected `rules:` followed by a list of rules"),
    ("- 1\n- 2\n", None),
    ("alerts:\n  - id: x\n", "unknown top-level key(s) alerts"),
])
def test_a_file_that_holds_no_rules_is_refused(text, reason):
    with pytest.raises(InputError) as info:
        parse_alert_rules(text, "my-alerts.yaml")
    assert str(info.value).startswith("my-alerts.yaml: ")
    if reason:
        assert reason in str(info.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"alerts\.yml: no such alert rule file"):
        read_alert_rules(tmp_path / "alerts.yml")


def test_a_good_file_reads_with_defaults_and_units(tmp_path):
    rules = read_alert_rules(_write(tmp_path, GOOD, {**GOOD, "id": "big", "indicator": "market_size", "operator": ">=",
                                                     "value": 1.5, "unit": "万亿元", "where": {"subject": "成像仪"}},
                                    {"id": "m", "kind": "forecast_miss", "severity": "info", "message_zh": "{level}",
                                     "message_en": "{level}"},
                                    {"id": "rv", "kind": "revision", "severity": "info", "percent": 5, "since": 3,
                                     "message_zh": "{since}", "message_en": "{since}"}))
    low, big, miss, rev = rules
    assert (low.statuses, low.basis, low.include_scenarios, low.value, low.index) == (
        ("actual", "estimate", "derived"), "certain", False, 70.0, 1)
    assert (big.value, big.threshold_as_written, big.unit, dict(big.where)) == (1.5e12, 1.5, "万亿元", {"subject": ("成像仪",)})
    assert (miss.statuses, miss.interval, miss.same_source) == (("actual", "estimate"), 95, True)
    assert (rev.percent, rev.since, rev.include_scenarios) == (5.0, "3", True)


def test_the_default_datasets_rules_read():
    rules = read_alert_rules(default_dataset_dir() / "alerts.yaml")
    assert [(r.id, r.kind, r.severity) for r in rules] == [
        ("utilisation_low", "threshold", "warning"), ("import_dependence_high", "threshold", "warning"),
        ("inventory_above_band", "threshold", "warning"), ("supply_demand_imbalance", "threshold", "warning"),
        ("forecast_missed", "forecast_miss", "warning"), ("figure_revised", "revision", "warning"),
        ("forecast_revised", "revision", "info"),
    ]
