"""Audit rules as data: the packaged audit.yaml, a dataset's rules.yaml, and the errors a bad one gets."""
from __future__ import annotations

import pytest

from sectorscope.errors import CatalogError
from sectorscope.model.rules import CHANGE_KINDS, SEVERITIES, load_rules, packaged_rules

from ..conftest import DEFAULT_DATA

FILE = "my_rules.yaml"


def test_packaged_rules_load_and_name_only_catalog_codes(catalog):
    rules = packaged_rules()
    assert rules.files == ("audit.yaml",)
    assert len(rules.changes) == 22 and len(rules.identities) == 5 and len(rules.differences) == 1
    assert rules.part_whole == ()
    codes = set()
    for c in rules.changes:
        assert c.kind in CHANGE_KINDS and c.severity in SEVERITIES
        codes |= {c.change, c.level}
    for i in rules.identities:
        assert i.operands and 0 <= i.tolerance < 1
        codes |= {i.result, *i.operands}
    codes |= {d.result for d in rules.differences}
    missing = sorted(c for c in codes if c not in catalog)
    assert missing == []
    assert set(catalog.codes()) >= codes
    # A few values read from the file, not defaults.
    util = next(i for i in rules.identities if i.name == "utilisation")
    assert (util.result, util.operands) == ("capacity_utilisation", ("output", "capacity"))
    assert util.formula.text == "output / capacity * 100"  # parsed by model/formula.py
    demand = next(i for i in rules.identities if i.name == "market_from_demand")
    assert (demand.tolerance, demand.severity) == (0.3, "warning")
    assert rules.settings.about_units == 1.0 and "同口径" in rules.settings.exempt_bases
    assert next(c for c in rules.changes if c.change == "market_size_cagr").kind == "cagr"


def test_default_dataset_rules_load(catalog):
    text = (DEFAULT_DATA / "rules.yaml").read_text(encoding="utf-8")
    rules = load_rules(text, "rules.yaml", catalog)
    assert rules.files == ("rules.yaml",)
    assert rules.changes == () and rules.identities == ()
    assert len(rules.part_whole) == text.count("\n  - name: ") == 10
    assert all(p.indicator in catalog and p.file == "rules.yaml" for p in rules.part_whole)
    first = rules.part_whole[0]
    assert (first.indicator, first.subject, first.source, first.total, first.whole, first.complete) == (
        "order_share", "缩微机械", "seed-000", 100.0, None, True)
    assert len(first.parts) == 5 and dict(first.parts[0])["application"] == "商业航天"
    assert dict(first.parts[0])["region"] == "中国"  # the default region filled in
    mean = next(p for p in rules.part_whole if p.aggregate == "mean")
    assert dict(mean.whole)["tier"] == "高端" and mean.total is None
    overlapping = [p for p in rules.part_whole if p.overlapping]
    assert [p.name for p in overlapping] == ["004 成像仪细分市场"]
    # Common dims apply to every part.
    stepper = next(p for p in rules.part_whole if p.name == "000 步进式光刻机装机量份额")
    assert {dict(p)["product"] for p in stepper.parts} == {"步进式光刻机(微结构图形化)"}


def test_a_valid_document_of_every_section_loads(catalog):
    text = """
settings: {about: {units: 2, relative: 0.01}, exempt_bases: [同口径]}
bounds: {severity: warning}
conflicts: {severity: info}
changes:
  - {change: market_size_growth, level: market_size, kind: growth, severity: warning}
identities:
  - {result: capacity_utilisation, formula: "output / capacity * 100", tolerance: 0.5}
differences:
  - {result: performance_gap, severity: info}
part_whole:
  - {indicator: order_share, subject: 测试, whole: {}, parts: [{application: a}, {application: b}], overlapping: true}
"""
    r = load_rules(text, FILE, catalog)
    assert (r.settings.about_units, r.settings.about_relative, r.settings.exempt_bases) == (2.0, 0.01, ("同口径",))
    assert (r.bounds_severity, r.conflict_severity) == ("warning", "info")
    assert r.changes[0].severity == "warning" and r.identities[0].tolerance == 0.5
    assert r.identities[0].name == "capacity_utilisation"  # name defaults to the result
    assert r.differences[0].severity == "info"
    assert r.part_whole[0].name == "order_share #1" and r.part_whole[0].whole is not None


CHANGE = "{change: market_size_growth, level: market_size, kind: growth}"
IDENTITY = '{result: capacity_utilisation, formula: "output / capacity * 100"}'
PW = "indicator: order_share, subject: 测试"

BROKEN = [
    # (id, document, where, words the message must also hold)
    ("unknown indicator", "changes:\n  - {change: no_such_code, level: market_size, kind: growth}",
     "changes entry 1", "no_such_code"),
    ("unknown level", f"changes:\n  - {CHANGE}\n  - {{change: market_size_growth, level: nope, kind: growth}}",
     "changes entry 2", "nope"),
    ("unknown key", "changes:\n  - {change: market_size_growth, level: market_size, kind: growth, colour: red}",
     "changes entry 1", "colour"),
    ("bad kind", "changes:\n  - {change: market_size_growth, level: market_size, kind: ratio}",
     "changes entry 1", "ratio"),
    ("bad severity", "changes:\n  - {change: market_size_growth, level: market_size, kind: growth, severity: fatal}",
     "changes entry 1", "fatal"),
    ("entry not a mapping", "changes:\n  - market_size_growth", "changes entry 1", "expected a mapping"),
    ("changes not a list", "changes: {change: market_size_growth}", FILE, "`changes` must be a list"),
    ("function call", f"identities:\n  - {IDENTITY}\n  - {{result: market_size, formula: \"__import__('os')\"}}",
     "identities entry 2", "may hold only"),
    ("call of a code", "identities:\n  - {result: market_size, formula: \"demand(unit_price)\"}",
     "identities entry 1", "may hold only"),
    ("attribute", "identities:\n  - {result: market_size, formula: \"a.b\"}", "identities entry 1", "may hold only"),
    ("attribute of a code", "identities:\n  - {result: market_size, formula: \"demand.real * unit_price\"}",
     "identities entry 1", "may hold only"),
    ("power", "identities:\n  - {result: market_size, formula: \"demand ** 2\"}", "identities entry 1", "may hold only"),
    # the catalog's formula grammar has these; an identity's (its arithmetic core) does not
    ("unary minus", "identities:\n  - {result: market_size, formula: \"-demand * unit_price\"}",
     "identities entry 1", "may hold only"),
    ("catalog function", "identities:\n  - {result: market_size, formula: \"max(demand, unit_price)\"}",
     "identities entry 1", "may hold only"),
    ("not an expression", "identities:\n  - {result: market_size, formula: \"demand *\"}",
     "identities entry 1", "not an expression"),
    ("no indicators", "identities:\n  - {result: market_size, formula: \"100 * 2\"}",
     "identities entry 1", "names no indicator"),
    ("formula not text", "identities:\n  - {result: market_size, formula: 3}", "identities entry 1", "formula must be text"),
    ("unknown operand", "identities:\n  - {result: market_size, formula: \"demand * no_price\"}",
     "identities entry 1", "no_price"),
    ("tolerance 1", "identities:\n  - {result: capacity_utilisation, formula: \"output / capacity * 100\", tolerance: 1}",
     "identities entry 1", "tolerance"),
    ("tolerance above 1", "identities:\n  - {result: capacity_utilisation, formula: \"output / capacity * 100\", tolerance: 1.5}",
     "identities entry 1", "tolerance"),
    ("tolerance negative", "identities:\n  - {result: capacity_utilisation, formula: \"output / capacity * 100\", tolerance: -0.1}",
     "identities entry 1", "tolerance"),
    ("tolerance bool", "identities:\n  - {result: capacity_utilisation, formula: \"output / capacity * 100\", tolerance: true}",
     "identities entry 1", "tolerance"),
    ("difference unknown", "differences:\n  - {result: gap_of_nothing}", "differences entry 1", "gap_of_nothing"),
    ("both whole and total", f"part_whole:\n  - {{{PW}, whole: {{}}, total: 100, parts: [{{application: a}}]}}",
     "part_whole entry 1", "not both or neither"),
    ("neither whole nor total", f"part_whole:\n  - {{{PW}, parts: [{{application: a}}]}}",
     "part_whole entry 1", "not both or neither"),
    ("parts empty", f"part_whole:\n  - {{{PW}, total: 100, parts: []}}", "part_whole entry 1", "non-empty list"),
    ("parts missing", f"part_whole:\n  - {{{PW}, total: 100}}", "part_whole entry 1", "non-empty list"),
    ("duplicate part", f"part_whole:\n  - {{{PW}, total: 100, parts: [{{application: a}}, {{application: a}}]}}",
     "part_whole entry 1", "listed twice"),
    ("part is the whole", f"part_whole:\n  - {{{PW}, whole: {{application: a}}, parts: [{{application: a}}, {{application: b}}]}}",
     "part_whole entry 1", "is the whole itself"),
    ("unknown dimension", f"part_whole:\n  - {{{PW}, total: 100, parts: [{{application: a}}, {{colour: red}}]}}",
     "part_whole entry 1, part 2", "colour"),
    ("unknown dimension of whole", f"part_whole:\n  - {{{PW}, whole: {{colour: red}}, parts: [{{application: a}}]}}",
     "part_whole entry 1, whole", "colour"),
    ("subject as dimension", f"part_whole:\n  - {{{PW}, total: 100, parts: [{{subject: a}}]}}",
     "part_whole entry 1, part 1", "subject"),
    ("unknown indicator of part_whole", "part_whole:\n  - {indicator: no_share, subject: s, total: 100, parts: [{application: a}]}",
     "part_whole entry 1", "no_share"),
    ("second entry", f"part_whole:\n  - {{{PW}, total: 100, parts: [{{application: a}}]}}\n  - {{{PW}, total: 100, parts: []}}",
     "part_whole entry 2", "non-empty list"),
    ("no subject", "part_whole:\n  - {indicator: order_share, total: 100, parts: [{application: a}]}",
     "part_whole entry 1", "subject is required"),
    ("total not a number", f"part_whole:\n  - {{{PW}, total: all, parts: [{{application: a}}]}}",
     "part_whole entry 1", "total must be a number"),
    ("mean of a total", f"part_whole:\n  - {{{PW}, total: 100, aggregate: mean, parts: [{{application: a}}]}}",
     "part_whole entry 1", "mean needs a whole"),
    ("bad aggregate", f"part_whole:\n  - {{{PW}, whole: {{}}, aggregate: median, parts: [{{application: a}}]}}",
     "part_whole entry 1", "aggregate"),
    ("complete and overlapping", f"part_whole:\n  - {{{PW}, whole: {{}}, complete: true, overlapping: true, parts: [{{application: a}}]}}",
     "part_whole entry 1", "both complete and overlapping"),
    ("complete not a bool", f"part_whole:\n  - {{{PW}, whole: {{}}, complete: yes please, parts: [{{application: a}}]}}",
     "part_whole entry 1", "complete must be true or false"),
    ("part_whole unknown key", f"part_whole:\n  - {{{PW}, total: 100, parts: [{{application: a}}], weight: 2}}",
     "part_whole entry 1", "weight"),
    ("bad severity of part_whole", f"part_whole:\n  - {{{PW}, total: 100, parts: [{{application: a}}], severity: loud}}",
     "part_whole entry 1", "loud"),
    ("bad bounds severity", "bounds: {severity: never}", f"{FILE}, bounds", "never"),
    ("negative about", "settings: {about: {units: -1}}", f"{FILE}, settings", "negative"),
    ("about not a number", "settings: {about: {units: many}}", f"{FILE}, settings", "must be numbers"),
    ("unknown top-level key", "checks: []", FILE, "checks"),
    ("not valid YAML", "changes: [ {change: market_size_growth", FILE, "not valid YAML"),
    ("top-level list", f"- {CHANGE}", FILE, "expected a mapping"),
    ("top-level text", "just words", FILE, "expected a mapping"),
]


@pytest.mark.parametrize(("text", "where", "words"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_rules_document_names_file_and_entry(catalog, text, where, words):
    with pytest.raises(CatalogError) as info:
        load_rules(text, FILE, catalog)
    msg = str(info.value)
    assert msg.startswith(FILE), msg
    assert where in msg, msg
    assert words in msg, msg


def test_the_entry_numbers_count_from_one_per_section(catalog):
    text = f"changes:\n  - {CHANGE}\n  - {CHANGE}\n  - {{change: market_size_growth, level: market_size, kind: bad}}\n" \
           f"identities:\n  - {IDENTITY}"
    with pytest.raises(CatalogError, match=rf"^{FILE}, changes entry 3: kind must be one of growth, cagr, difference, not 'bad'$"):
        load_rules(text, FILE, catalog)


def test_an_empty_document_is_an_empty_rule_set(catalog):
    r = load_rules("", FILE, catalog)
    assert (r.changes, r.identities, r.differences, r.part_whole, r.files) == ((), (), (), (), (FILE,))


def test_a_part_that_is_not_a_mapping_is_a_catalog_error(catalog):
    # A bare string used to reach `{**common, **p}` and raise TypeError.
    with pytest.raises(CatalogError, match=rf"^{FILE}, part_whole entry 1, part 1: a part is a mapping") as info:
        load_rules(f"part_whole:\n  - {{{PW}, total: 100, parts: [商业航天, 医疗电子]}}", FILE, catalog)
    assert "商业航天" in str(info.value)
