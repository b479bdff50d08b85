"""`aggregate` is the one dispatch the CLI and the API share: each name gives its indicator's own result (on the
27-line fixture of test_indicators, whose numbers are computed by hand there), and each option an indicator
does not take is refused before any line is read."""
from __future__ import annotations

import decimal
from pathlib import Path

import pytest

from sectorscope.errors import Reason, UsageError
from sectorscope.records import AGGREGATES, aggregate
from sectorscope.records.aggregates import check_aggregate
from sectorscope.records.concordance import load_concordance
from sectorscope.records.engine import connect

from .test_indicators import CONCORDANCE, MICRO, fixture_lines, on

D = decimal.Decimal


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("conc")) / "hs_catalog.csv"
    path.write_text(CONCORDANCE, encoding="utf-8")
    con = connect("duckdb")
    return on(con, "lines_agg", fixture_lines()), load_concordance(path), con


def rows(t, *cols):
    return sorted(tuple(r[c] for c in cols) for r in t.to_pyarrow().to_pylist())


def test_flows_of_one_market_and_flow(setup):
    """缩微机械 exports, 2025Q1: 3000 + 2600 + 2000; 2024Q1: 3000 + 2800 + 2200."""
    lines, conc, con = setup
    t = aggregate(lines, conc, con, "trade_flows", "quarter", market=MICRO, flow="export")
    assert rows(t, "period", "flow", "value") == [("2024Q1", "export", D("8000")), ("2025Q1", "export", D("7600"))]


def test_flows_by_partner(setup):
    """缩微机械 imports 2025 by partner: JPN 2000, DEU 1100, USA 700."""
    lines, conc, con = setup
    t = aggregate(lines, conc, con, "trade_flows", "year", by=["partner", "partner"], market=MICRO, flow="import")
    assert rows(t, "partner", "value") == [("DEU", D("1100")), ("JPN", D("2000")), ("USA", D("700"))]


def test_unit_values_concentration_mirror_and_unmapped_are_their_functions(setup):
    lines, conc, con = setup
    uv = aggregate(lines, conc, con, "unit_values", "year", market=MICRO, flow="import")
    # 3800 USD over 350 台
    assert [(r[0], float(r[1])) for r in rows(uv, "quantity_unit", "unit_value")] == [("台", pytest.approx(3800 / 350))]
    pc = aggregate(lines, conc, con, "partner_concentration", "year", market=MICRO)
    # shares 2000/3800, 1100/3800, 700/3800: the top three are all of it; HHI = Σ share² (0..1)
    (got,) = pc.to_pyarrow().to_pylist()
    assert got["top_share"] == pytest.approx(1.0)
    assert got["hhi"] == pytest.approx((2000 / 3800) ** 2 + (1100 / 3800) ** 2 + (700 / 3800) ** 2)
    un = aggregate(lines, conc, con, "unmapped")
    assert rows(un, "hs6", "n_lines", "value") == [("847130", 1, D("5000")), ("854890", 1, D("800"))]
    assert set(AGGREGATES) == {"trade_flows", "unit_values", "partner_concentration", "mirror_gap", "unmapped"}


@pytest.mark.parametrize(("indicator", "grain", "opts", "says"), [
    ("imports", "year", {}, "unknown indicator 'imports'; indicators are trade_flows, unit_values"),
    ("trade_flows", "week", {}, "unknown grain 'week'"),
    ("trade_flows", "year", {"by": ["hs_code"]}, "cannot break down by 'hs_code'"),
    ("partner_concentration", "year", {"by": ["partner"]}, "by applies to trade_flows and unit_values"),
    ("unmapped", "year", {"market": MICRO}, "market does not apply to unmapped"),
    ("mirror_gap", "year", {"flow": "import"}, "flow=import does not apply to mirror_gap"),
    ("unit_values", "year", {"flow": "balance"}, "flow=balance does not apply to unit_values"),
    ("trade_flows", "year", {"flow": "re-export"}, "unknown flow 're-export'"),
])
def test_options_an_indicator_does_not_take_are_refused(indicator, grain, opts, says):
    with pytest.raises(UsageError, match=says.replace("(", r"\(")) as e:
        check_aggregate(indicator, grain, **opts)
    assert e.value.reason == Reason.BAD_ARGUMENT
