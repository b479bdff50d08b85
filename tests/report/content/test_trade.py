"""The section 进出口与进口依赖 on the store the main job leaves (the default dataset with its synthetic record
set): every number is a figure of the store, cited, and the seeds' customs statements stand beside what the
lines give — which the generator calibrated them to reproduce."""
from __future__ import annotations

import pytest

from sectorscope.report.content.build import build_report_data

from ..conftest import FIXED


@pytest.fixture(scope="module")
def sections(full_store):
    out = {}
    for lang in ("zh", "en"):
        data = build_report_data(full_store, lang=lang, generated=FIXED)
        (sec,) = [s for s in data.sections if s.key == "trade"]
        out[lang] = (sec, {c.n: c for c in data.citations})
    return out


@pytest.fixture(scope="module")
def records_figures(full_store):
    obs = full_store.observations().execute()
    return obs[obs["method"].fillna("") == "records"]


def _table(sec, key):
    (t,) = [t for t in sec.tables if t.key == key]
    return t


def test_the_section_has_its_tables_and_chart_in_both_languages(sections):
    for lang, (sec, _) in sections.items():
        keys = [t.key for t in sec.tables]
        assert keys[:2] == ["trade_flows", "import_sources"], lang
        assert {"unit_values", "stated_vs_computed"} <= set(keys), lang
        assert sec.charts == ["import_sources"]
    zh, en = sections["zh"][0], sections["en"][0]
    assert zh.title("zh") == "进出口与进口依赖" and en.title("en") == "Trade and import dependence"


def test_flows_are_the_stored_figures_each_cited(sections, records_figures):
    sec, cites = sections["zh"]
    t = _table(sec, "trade_flows")
    imports = records_figures[records_figures["indicator"] == "imports_value"]
    annual = imports[imports["period"].str.fullmatch(r"\d{4}")]
    assert len(t.rows) >= len(annual.drop_duplicates(["subject", "product", "period"])) > 0
    factor = 1e8  # the table's unit is 亿元 for the default record set
    assert t.columns[3].unit == "亿元"
    by_key = {(r["subject"], r["item"], r["period"]): r for r in t.rows}
    for f in annual.to_dict("records"):
        row = by_key[(f["subject"], f["product"] or "", f["period"])]
        assert row["imports"] == pytest.approx(f["value"] / factor, rel=1e-12)
    for row, ns in zip(t.rows, t.cites, strict=True):
        assert ns and all(cites[n].kind == "derived" for n in ns), row


@pytest.mark.parametrize(("subject", "indicator", "item", "period", "stated"), [
    ("成像仪", "进口额", "高端成像设备", "2023", "343.2亿元"),        # seed-004: 48.7亿美元 at 2023's rate
    ("缩微机械", "出口额同比增长率", "微型电机类商品", "2025年第1季度", "-7.4%"),  # seed-000 §1.1: 2025Q1
])
def test_the_seeds_customs_statements_stand_beside_what_the_lines_give(sections, subject, indicator, item, period,
                                                                        stated):
    sec, cites = sections["zh"]
    t = _table(sec, "stated_vs_computed")
    hits = [(r, ns) for r, ns in zip(t.rows, t.cites, strict=True)
            if (r["subject"], r["indicator"], r["period"]) == (subject, indicator, period) and item in r["item"]]
    assert len(hits) == 1, [r for r in t.rows if r["subject"] == subject]
    row, ns = hits[0]
    assert row["stated"] == stated and row["computed"] == stated  # calibrated: equal as printed
    assert {cites[n].kind for n in ns} == {"observed", "derived"}


def test_the_import_sources_chart_cites_what_its_table_cites(sections):
    sec, _ = sections["zh"]
    t = _table(sec, "import_sources")
    assert t.rows and all(r["partners"] for r in t.rows)
    shares = [float(p.rsplit(" ", 1)[1].rstrip("%")) for r in t.rows for p in r["partners"].split("、")]
    assert all(0 < s <= 100 for s in shares)
