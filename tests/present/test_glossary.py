"""The glossary: every unit has a zh and an en display, every qualifier a word in both languages, and the
catalog's own English names are used, not copied."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sectorscope.model.units import PREFIXES, UNIT_KINDS, known_units
from sectorscope.present import (
    LANGS,
    glossary,
    indicator_name,
    qualifier_symbol,
    qualifier_word,
    scales,
    term,
    unit_label,
)

GLOSSARY = Path(__file__).parents[2] / "src" / "sectorscope" / "present" / "glossary.yaml"


def _units() -> set[str]:
    names = {u for units in known_units().values() for u in units} | set(UNIT_KINDS.values())
    return names | {shown for unit in UNIT_KINDS.values() for _, shown in scales(unit)}


@pytest.mark.parametrize("lang", LANGS)
def test_every_unit_has_a_display_in_both_languages(lang):
    missing = [u for u in sorted(_units()) if u and not glossary().knows("unit", u)]
    assert not missing
    for u in _units() - {""}:
        assert unit_label(u, lang), u
    assert unit_label("", lang) == ""


def test_units_in_english():
    assert unit_label("亿元", "en") == "CNY 100 m" and unit_label("万个", "en") == "10 k units"
    assert unit_label("万元/个", "en") == "CNY 10 k/unit" and unit_label("百分点", "en") == "pp"
    assert unit_label("万台", "en") == "10 k units" and unit_label("亿美元", "en") == "USD 100 m"
    assert unit_label("万元/台", "en") == "CNY 10 k/unit" and unit_label("不明", "en") == "不明"
    assert unit_label("万台", "zh") == "万台" and unit_label("％", "zh") == "%"
    assert all(unit_label(f"{p}台", "en") != f"{p}台" for p in PREFIXES)


@pytest.mark.parametrize(("q", "zh", "en", "symbol"), [
    ("about", "约", "about", "约"), ("at_least", "以上", "at least", "≥"), ("at_most", "不足", "at most", "≤"),
    ("range", "区间", "range", "–"), ("exact", "", "", ""),
])
def test_qualifiers_in_both_languages(q, zh, en, symbol):
    assert (qualifier_word(q, "zh"), qualifier_word(q, "en"), qualifier_symbol(q)) == (zh, en, symbol)


def test_one_word_for_at_most():
    """以下 and 不足 both meant at_most; the glossary says 不足 (as the audit and the report do)."""
    text = GLOSSARY.read_text(encoding="utf-8")
    assert "以下" not in yaml.safe_load(text)["qualifier"]["at_most"].values()


def test_terms_fall_back_to_what_the_store_holds():
    assert term("reading", "shortage", "zh") == "短缺" and term("scenario", "基准", "en") == "base"
    assert term("region", "华东", "en") == "East China" and term("country", "日本", "en") == "Japan"
    assert term("product", "没有这个产品", "en") == "没有这个产品"
    with pytest.raises(KeyError, match="no group"):
        term("nonsense", "x")


def test_indicator_names_come_from_the_catalog(catalog):
    assert indicator_name("market_size", "en", catalog) == catalog["market_size"].name_en
    assert indicator_name("market_size", "zh") == "市场规模" and indicator_name("no_such", "en") == "no_such"
    raw = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    assert not set(raw) & {"indicator", "indicators"}  # not copied


def test_every_entry_has_both_languages():
    for group, entries in glossary().groups.items():
        for key, entry in entries.items():
            assert set(entry) >= {"zh", "en"}, (group, key)


def test_a_qualifier_has_a_name_and_a_word():
    """The name of a qualifier code (a code list, a figure's details) names an exact figure too; the word
    beside a figure says nothing for one."""
    from sectorscope.present import qualifier_name

    assert [qualifier_name(q) for q in ("exact", "about", "at_least", "at_most", "range")] == \
        ["精确", "约", "以上", "不足", "区间"]
    assert qualifier_name("at_least", "en") == "at least" and qualifier_name(None, "en") == "exact"
    assert qualifier_word("exact") == "" and qualifier_word(None) == ""


def test_headings_and_templates():
    from sectorscope.present import heading

    assert heading("period", "zh") == "期间" and heading("period", "en") == "Period"
    assert heading("number", "en") == "No." and heading("trl", "en") == "TRL"
    assert term("table", "scenarios", "zh", year=2030) == "2030年CAGR情景"
    assert term("table", "scenarios", "en", year=2030) == "CAGR scenarios for 2030"
    assert term("table", "scenarios", "en") == "CAGR scenarios for {year}"  # nothing to fill: as written


def test_the_report_reads_its_words_from_the_glossary():
    """The report's sections, tables, columns, chart labels and citation kinds are glossary words in both
    languages; no word there is English in the Chinese edition or Chinese in the English one (bar units and
    proper names the glossary gives as such)."""
    g = glossary()
    for group in ("report", "section", "section_text", "table", "table_note", "chart", "citation_kind", "column"):
        assert g.groups[group], group
        for key, entry in g.groups[group].items():
            assert entry["zh"] and entry["en"], (group, key)
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in entry["en"]), (group, key)


def test_served_glossary_is_the_glossary():
    """What GET /api/glossary serves the dashboard: every group, the quadrants' advice as the analytics layer
    words it, every unit a computed value can take labelled as unit_label labels it, the display units and
    the stated rule's constants."""
    import json

    from sectorscope.analytics.trl.quadrants import QUADRANTS
    from sectorscope.present import MAX_DECIMALS, MISSING, SIGNIFICANT, served_glossary

    doc = served_glossary()
    json.dumps(doc)  # JSON as it stands
    assert {k: dict(v) for k, v in glossary().groups["qualifier"].items()} == doc["groups"]["qualifier"]
    assert {k: (v["zh"], v["en"]) for k, v in doc["groups"]["quadrant"].items()} == QUADRANTS
    for unit in _units():
        assert doc["units"][unit] == {lang: unit_label(unit, lang) for lang in LANGS}, unit
    assert doc["display_units"]["元"] == {"alone": True, "scales": [[1e8, "亿元"], [1e4, "万元"]]}
    assert doc["numbers"] == {"significant": SIGNIFICANT, "max_decimals": MAX_DECIMALS, "missing": MISSING}
