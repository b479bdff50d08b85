"""The audit of the default dataset: what must be raised and what must not (its audit.md, the golden file read
through by hand, is tested with the note's writer in tests/report/notes/test_audit.py)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def default_store(loaded_default_store):
    return loaded_default_store


@pytest.fixture(scope="module")
def result(default_audit):
    return default_audit


def test_findings_by_rule(result):
    """Each of these is a real problem of the seeds (see the golden file for the figures and quotes):
    004's 2025 market size (185.6 / ≥320 / 385 / ≥600 / 612 亿元) and its 2025–2030 CAGR (约12.3 vs 约11.8 %);
    004's SWOT CAGR 12.3 % against its own table's 185.6 → 301.2 (12.87 %); 004's segments above the whole
    market in 2028; 004's market size against demand × unit price (100× apart, every year); 000's bottom-layer
    financing share 11.4 vs 78 %; 000's TSV firms 不足5家 vs 6家; 000's high-end import dependence 57.2 %
    below each of its three high-end products; 000's table 4.1 gap column in 百分点 holding MPa and nm."""
    assert result.counts() == {"cagr": 1, "conflict": 3, "identity": 1, "part_whole": 2, "qualifier": 1, "unit": 1}
    by_rule = {(f.rule, f.indicator, tuple(f.periods)) for f in result.findings}
    assert by_rule == {
        ("cagr", "market_size_cagr", ("2025/2029",)),
        ("conflict", "market_size_cagr", ("2025/2030",)),
        ("conflict", "market_size", ("2025",)),
        ("conflict", "financing_share", ("2025",)),
        ("qualifier", "company_count", ("2025",)),
        ("part_whole", "market_size", ("2028",)),
        ("part_whole", "import_dependence", ("2025Q1",)),
        ("unit", "performance_gap", ("2025",)),
        ("identity", "market_size", ("2025", "2026", "2027", "2028", "2029")),
    }


def test_every_finding_shows_its_figures_with_quotes(result):
    for f in result.findings:
        assert len(f.figures) >= 2
        assert all(x.quote and x.source_id and x.location for x in f.figures)
        assert f.message_zh and f.message_en and f.suggestion_zh and f.suggestion_en


def test_ratios_that_are_not_parts_of_a_whole_raise_nothing(result):
    """Each country's own pilot-stage patent ratio (41.3 + 36.8 + 29.5 + 24.1 + 12.7 > 100), the regions'
    own ratios of 001's resource table, and shares of different wholes are not parts of one whole."""
    involved = {x.indicator for f in result.findings for x in f.figures}
    for code in ("pilot_patent_share", "adoption_rate", "company_count_share", "market_share", "global_share",
                 "localisation_rate", "listed_company_count", "yield_rate", "respin_rate"):
        assert code not in involved


def test_a_series_conflict_is_one_finding(result):
    """004's market size against demand × price fails in each of 2025–2029 and for each 2025 candidate: one
    finding, not seven."""
    identity = [f for f in result.findings if f.rule == "identity"]
    assert len(identity) == 1
    assert {x.shown for x in identity[0].figures if x.indicator == "market_size"} == {
        "185.6亿元", "209.3亿元", "236.8亿元", "267.5亿元", "301.2亿元", "385亿元", "612亿元"}

