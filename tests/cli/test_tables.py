"""The CLI's tables show figures as every other output does (sectorscope.present): a stated figure as its
source printed it, qualifier and unit included; an index signed to two decimals; a change signed."""
from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from sectorscope.analytics.pipeline import AnalysisResult
from sectorscope.cli.analyse import print_summary
from sectorscope.cli.main import app

from ..conftest import obs, write_csv

runner = CliRunner()
ENV = {"COLUMNS": "200"}


def test_query_shows_each_figure_as_printed(tmp_path, sources_csv):
    store = tmp_path / "s.duckdb"
    f = write_csv(tmp_path / "a.csv", [
        obs(value="560", qualifier="at_least", quote="2030年有望达到560亿元以上", location="p1"),
        obs(period="2025", value="100", value_high="120", qualifier="range", quote="100–120亿元", location="p2"),
        obs(indicator="market_share", value="12.3", unit="%", qualifier="about", quote="约12.3%", location="p3"),
        obs(indicator="company_count", value="5", unit="家", qualifier="at_most", quote="不足5家", location="p4"),
    ])
    assert runner.invoke(app, ["load", str(f), "--store", str(store), "--sources", str(sources_csv)]).exit_code == 0
    r = runner.invoke(app, ["query", "--store", str(store)], env=ENV)
    assert r.exit_code == 0, r.output
    assert "figure" in r.output.splitlines()[1]
    for shown in ("≥560亿元", "100–120亿元", "约12.3%", "≤5家"):
        assert shown in r.output, shown
    assert "以上" not in r.output.replace("560亿元以上", "")  # the quote keeps its words; the figure has ≥


def test_analyse_prints_the_index_through_present(capsys):
    sd = pd.DataFrame([{"product": "A", "tier": "高端", "index": 0.3412, "index_low": 0.331, "index_high": 0.349,
                        "reading": "shortage"},
                       {"product": "B", "tier": None, "index": -0.0004, "index_low": -0.071, "index_high": 0.024,
                        "reading": "balanced"}])
    print_summary(AnalysisResult(vintage_id=2, derived=pd.DataFrame(), supply_demand=sd))
    text = capsys.readouterr().out
    assert "+0.34" in text and "[+0.33, +0.35]" in text and "shortage" in text
    assert "+0.00" in text and "-0.00" not in text and "[-0.07, +0.02]" in text
