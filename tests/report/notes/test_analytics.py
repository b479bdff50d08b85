"""analytics.md and forecast.md of the default dataset: one qualifier wording, no float artefacts, and the
same bytes whatever order the engine returned tied rows in."""
from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from sectorscope.report.notes import render_analytics, render_forecast, write_analytics, write_forecast

ARTEFACT = re.compile(r"\d\.\d*[1-9](0{4,}|9{4,})\d|\d[eE][+-]\d|\bnan\b|-0\.0+\b(?!\d)|-0(?=[^.\d])")


@pytest.fixture(scope="module")
def analysis(main_job):
    return main_job.analysis


@pytest.fixture(scope="module")
def forecast(main_job):
    return main_job.forecast


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_float_artefacts_and_one_qualifier_wording(analysis, forecast, lang):
    for text in (render_analytics(analysis, lang=lang), render_forecast(forecast, lang=lang)):
        assert not ARTEFACT.search(text), ARTEFACT.search(text)
        assert "≥ " not in text and "≤ " not in text  # a qualifier sits on its figure: ≥30.52亿元
        assert not re.search(r"\d(亿元|%|家|天)?(以上|以下)", text)  # a bound is ≥/≤, never a trailing word


def test_figures_read_as_everywhere_else(analysis, forecast):
    zh = render_analytics(analysis, lang="zh")
    assert "| ≥30.52亿元 | ≥30.52亿元 |" in zh and "库存周转天数 31天 → +0.00" in zh
    assert "| 2025 | 20.42亿元 [20.32亿元, 20.51亿元] | ≥30.52亿元 | 58.46亿元 [58.36亿元, 58.57亿元] |" in zh
    assert "由数据得出:低端过剩(-0.77),高端短缺(+0.34)。" in zh
    en = render_forecast(forecast, lang="en")
    assert "| Market size | 成像仪 / 中国 | 2030 | ≥560亿元 | seed-004 摘要 (517) | 769.5亿元 | 70.48亿元 – 3097亿元 | inside |" in en


def test_tied_rows_come_out_in_one_order(analysis):
    """Rows that tie on derive()'s sort keys (成像仪's price change in 2027 with and without the product
    热成像仪) may come from the engine in any order: the note is the same."""
    d = analysis.derived
    formula = d["method"].fillna("").str.startswith("formula:")
    shuffled = d[formula].sample(frac=1, random_state=7).sort_values(
        ["indicator", "location", "subject", "period"], kind="stable")
    reordered = dataclasses.replace(analysis, derived=pd.concat([shuffled, d[~formula]]))
    assert render_analytics(reordered, lang="zh") == render_analytics(analysis, lang="zh")
    rows = [line for line in render_analytics(analysis, lang="zh").splitlines() if "价格变动率 | 成像仪" in line]
    assert [("热成像仪" in r, r.split(" | ")[3]) for r in rows] == [
        (False, "2026"), (True, "2026"), (False, "2027"), (True, "2027"), (False, "2028"), (True, "2028"),
        (False, "2029"), (True, "2029")]


def test_writers_name_their_files(analysis, forecast, tmp_path):
    assert [p.name for p in write_analytics(analysis, tmp_path)] == ["analytics.md", "analytics.en.md"]
    assert [p.name for p in write_forecast(forecast, tmp_path, ("en",))] == ["forecast.en.md"]
    assert (tmp_path / "analytics.en.md").read_text(encoding="utf-8") == render_analytics(analysis, lang="en")
