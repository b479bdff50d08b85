"""Indicators from trade lines on both engines, against numbers computed by hand from a 27-line fixture.

The fixture (China's lines, USD, HS2022, Jan–Mar 2025 and exports of Jan–Mar 2024):
- MEMS: 8541.51 (share 1) and the national line 90318090 (share 0.5) — two codes of one market, one partial;
  imports from JPN, DEU, USA and KOR, exports; and JPN's own export lines to China (the mirror side).
- 缩微机械/微型电机类商品: 85011010 (share 1), imports and exports, and exports of 2024 for year-on-year growth.
- 90318010 matches only the 6-digit row 903180 (传感器): the longest prefix decides.
- Two lines map to nothing: 84713000 (no row) and an HS2017 85489000 (the rows are HS2022 only).
"""
from __future__ import annotations

import decimal
from pathlib import Path

import ibis
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.records.concordance import apply, load_concordance, unmapped
from sectorscope.records.indicators import trade_flows, unit_values, yoy
from sectorscope.records.indicators_dependence import import_dependence, localisation
from sectorscope.records.indicators_partners import mirror_gap, partner_concentration
from sectorscope.records.schema import LINE_SCHEMA

D = decimal.Decimal
MEMS, MICRO, MOTORS, SENSORS = "MEMS", "缩微机械", "微型电机类商品", "传感器"

CONCORDANCE = """version,hs_edition,code,market,product,share,source,note
t1,HS2022,854151,MEMS,,1,test,
t1,HS2022,90318090,MEMS,,0.5,test,half of the national line
t1,HS2022,903180,传感器,,1,test,
t1,HS2022,850110,缩微机械,微型电机类商品,1,test,
"""

#     reporter, flow, year, month, hs_code, partner, province, quantity, unit, value
ROWS = [
    ("CHN", "import", 2025, 1, "85415100", "JPN", "32", "100", "个", "1000"),
    ("CHN", "import", 2025, 1, "85415100", "DEU", "44", "50", "个", "600"),
    ("CHN", "import", 2025, 1, "90318090", "USA", "32", "10", "千克", "400"),
    ("CHN", "import", 2025, 2, "85415100", "JPN", "44", "80", "个", "900"),
    ("CHN", "import", 2025, 2, "85415100", "USA", "32", "20", "个", "300"),
    ("CHN", "import", 2025, 2, "90318090", "JPN", "32", "4", "千克", "200"),
    ("CHN", "import", 2025, 2, "85415100", "KOR", "44", "10", "个", "550"),
    ("CHN", "import", 2025, 3, "85415100", "DEU", "32", "60", "个", "700"),
    ("CHN", "import", 2025, 3, "85415100", "JPN", "32", "40", "个", "500"),
    ("CHN", "import", 2025, 3, "90318090", "DEU", "44", "6", "千克", "300"),
    ("CHN", "export", 2025, 1, "85415100", "USA", "44", "30", "个", "250"),
    ("CHN", "export", 2025, 2, "85415100", "JPN", "32", "10", "个", "100"),
    ("CHN", "export", 2025, 3, "90318090", "USA", "44", "2", "千克", "80"),
    ("CHN", "import", 2025, 1, "85011010", "JPN", "32", "200", "台", "2000"),
    ("CHN", "import", 2025, 2, "85011010", "DEU", "44", "100", "台", "1100"),
    ("CHN", "import", 2025, 3, "85011010", "USA", "32", "50", "台", "700"),
    ("CHN", "export", 2025, 1, "85011010", "USA", "44", "500", "台", "3000"),
    ("CHN", "export", 2025, 2, "85011010", "JPN", "44", "400", "台", "2600"),
    ("CHN", "export", 2025, 3, "85011010", "DEU", "32", "300", "台", "2000"),
    ("CHN", "export", 2024, 1, "85011010", "USA", "44", "480", "台", "3000"),
    ("CHN", "export", 2024, 2, "85011010", "JPN", "44", "420", "台", "2800"),
    ("CHN", "export", 2024, 3, "85011010", "DEU", "32", "330", "台", "2200"),
    ("CHN", "import", 2025, 1, "90318010", "USA", "32", "3", "千克", "330"),
    ("CHN", "import", 2025, 1, "84713000", "JPN", "32", "5", "台", "5000"),
    ("CHN", "import", 2025, 1, "85489000", "JPN", "44", None, None, "800"),
    ("JPN", "export", 2025, 1, "85415100", "CHN", None, "150", "个", "1200"),
    ("JPN", "export", 2025, 2, "90318090", "CHN", None, "4", "千克", "2200"),
]


def fixture_lines(rows=ROWS) -> pa.Table:
    out = []
    for n, (rep, flow, y, m, code, partner, prov, q, unit, v) in enumerate(rows, start=2):
        out.append(dict(
            batch_id="b-test", line_no=n, dataset="comtrade" if rep != "CHN" else "customs_cn", reporter=rep,
            flow=flow, period_kind="monthly", year=y, month=m, hs_edition="HS2017" if code == "85489000" else "HS2022",
            hs_code=code, hs6=code[:6], hs_chapter=code[:2], commodity_name=None, partner_code=None,
            partner_iso3=partner, trade_mode=None, province=prov, quantity=None if q is None else D(q),
            quantity_unit=unit, quantity2=None, quantity2_unit=None, value=D(v), currency="USD", cif_value=None,
            fob_value=None))
    return pa.Table.from_pylist(out, schema=LINE_SCHEMA.to_pyarrow())


def on(engine, name: str, table: pa.Table):
    """A table on the engine: a memtable on DuckDB, a temp view on Spark. On Spark the view is made from the
    Arrow table by Spark itself: ibis 12's Spark memtable fails on a null decimal (it maps Decimal over the
    column's values, None included)."""
    if engine.name == "pyspark":
        engine._session.createDataFrame(table).createOrReplaceTempView(name)
        return engine.table(name)
    return ibis.memtable(table)


def output_and_fx(engine):
    """Stated output 2025: micro-motors 100000 CNY, MEMS 2000 USD; USD at 7.1 (2024) and 7.2 (2025)."""
    output = on(engine, "output_ind", pa.table({
        "market": [MICRO, MEMS], "product": [MOTORS, ""], "year": pa.array([2025, 2025], pa.int32()),
        "value": pa.array([D("100000"), D("2000")], pa.decimal128(20, 2)), "currency": ["CNY", "USD"]}))
    fx = on(engine, "fx_ind", pa.table({"year": pa.array([2024, 2025], pa.int32()), "currency": ["USD", "USD"],
                                        "cny_per_unit": pa.array([D("7.1"), D("7.2")], pa.decimal128(12, 4))}))
    return output, fx


@pytest.fixture(scope="module")
def conc(tmp_path_factory):
    path = Path(tmp_path_factory.mktemp("conc")) / "hs_catalog.csv"
    path.write_text(CONCORDANCE, encoding="utf-8")
    return load_concordance(path)


@pytest.fixture
def mapped(engine, conc):
    return apply(on(engine, "lines_ind", fixture_lines()), conc, engine)


def rows_of(expr, *cols, order=None):
    t = expr.order_by(list(order or cols)).to_pyarrow()
    return [tuple(r[c] for c in cols) for r in t.to_pylist()]


def test_cumulative_months_and_yoy_of_micro_motor_exports(mapped):
    """Exports 2025: 3000, 2600, 2000; 2024: 3000, 2800, 2200. 1–N月: 3000 / 5600 / 7600 against 3000 / 5800
    / 8000 → 0 %, −200/5800 = −3.448 %, −400/8000 = −5 %."""
    flows = trade_flows(mapped, "cumulative")
    growth = yoy(flows.filter((flows.market == MICRO) & (flows.flow == "export")))
    got = rows_of(growth.filter(growth.year == 2025), "period", "value", "value_prev", "yoy_pct")
    assert [g[:3] for g in got] == [("2025-01/2025-01", D("3000"), D("3000")),
                                    ("2025-01/2025-02", D("5600"), D("5800")),
                                    ("2025-01/2025-03", D("7600"), D("8000"))]
    assert [g[3] for g in got] == pytest.approx([0.0, -200 / 5800 * 100, -5.0], abs=1e-12)


def test_flows_by_quarter_and_province_with_a_partial_share(mapped):
    """MEMS imports 2025Q1 by province, 90318090 at half its value: 江苏(32) 1000+200+300+100+700+500 = 2800,
    广东(44) 600+900+550+150 = 2200; balance = exports (250+100+40 = 390) − imports (5000)."""
    flows = trade_flows(mapped, "quarter", by=("province",))
    got = rows_of(flows.filter((flows.market == MEMS) & (flows.flow == "import")), "province", "period", "value",
                  "n_lines", "unit")
    assert got == [("32", "2025Q1", D("2800"), 6, "USD"), ("44", "2025Q1", D("2200"), 4, "USD")]
    total = trade_flows(mapped, "quarter", by_product=False)
    got = rows_of(total.filter(total.market == MEMS), "flow", "value")
    assert got == [("balance", D("-4610")), ("export", D("390")), ("import", D("5000"))]


def test_monthly_flows_and_the_period_labels(mapped):
    flows = trade_flows(mapped, "month")
    got = rows_of(flows.filter((flows.market == MICRO) & (flows.flow == "balance") & (flows.year == 2025)),
                  "period", "part", "value")
    assert got == [("2025-01", 1, D("1000")), ("2025-02", 2, D("1500")), ("2025-03", 3, D("1300"))]


def test_unit_values_are_per_unit_and_never_add_units(mapped):
    """MEMS imports 2025: 个 4550 / 360; 千克 (half of each 90318090 line) (200+100+150) / (5+2+3) = 45."""
    uv = unit_values(mapped, "year")
    got = rows_of(uv.filter((uv.market == MEMS) & (uv.flow == "import")), "quantity_unit", "value", "quantity",
                  "unit_value", "unit")
    assert got == [("个", D("4550"), D("360"), pytest.approx(4550 / 360, abs=1e-12), "USD/个"),
                   ("千克", D("450"), D("10"), 45.0, "USD/千克")]


def test_partner_concentration_top3_and_hhi(mapped):
    """MEMS imports 2025 by partner: JPN 1000+900+500+100 = 2500, DEU 600+700+150 = 1450, KOR 550, USA 300+200
    = 500; total 5000. Top 3 = 4500/5000 = 0.9; HHI = (2500² + 1450² + 550² + 500²) / 5000² = 0.3562."""
    pc = partner_concentration(mapped, "year")
    got = rows_of(pc.filter(pc.market == MEMS), "period", "value", "top_value", "top_share", "hhi", "n_partners")
    assert got == [("2025", D("5000"), D("4500"), pytest.approx(0.9, abs=1e-12), pytest.approx(0.3562, abs=1e-12), 4)]


def test_import_dependence_and_localisation_with_output_and_fx(engine, mapped):
    """2025, USD at 7.2: micro-motors imports 3800 → 27360, exports 7600 → 54720, output 100000 CNY: apparent
    72640, dependence 27360/72640, localisation 45280/72640. MEMS: output 2000 USD → 14400, imports 5000 →
    36000, exports 390 → 2808: apparent 47592, dependence 36000/47592."""
    output, fx = output_and_fx(engine)
    dep = import_dependence(mapped, output, fx)
    got = rows_of(dep, "market", "product", "imports", "exports", "output", "apparent_consumption", "import_dependence",
                  "localisation", "unit")
    assert got == [
        (MEMS, "", D("36000"), D("2808"), D("14400"), D("47592"), pytest.approx(36000 / 47592, abs=1e-12),
         pytest.approx((14400 - 2808) / 47592, abs=1e-12), "CNY"),
        (MICRO, MOTORS, D("27360"), D("54720"), D("100000"), D("72640"), pytest.approx(27360 / 72640, abs=1e-12),
         pytest.approx(45280 / 72640, abs=1e-12), "CNY"),
    ]
    assert "import_dependence" not in localisation(mapped, output, fx).columns


def test_mirror_gap_of_imports_from_japan(mapped):
    """China's MEMS imports from JPN in 2025 (CIF): 2500; JPN's reported exports to China: 1200 + 2200×0.5 =
    2300 → gap (2500 − 2300)/2300 = 8.6957 %."""
    got = rows_of(mirror_gap(mapped, "year"), "market", "partner", "import_value", "export_value", "gap_pct")
    assert got == [(MEMS, "JPN", D("2500"), D("2300"), pytest.approx(200 / 2300 * 100, abs=1e-12))]


def test_lines_that_map_to_nothing_are_counted_with_their_value(engine, conc):
    lines = on(engine, "lines_unmapped", fixture_lines())
    got = rows_of(unmapped(lines, conc, engine), "hs_edition", "hs6", "n_lines", "value")
    assert got == [("HS2017", "854890", 1, D("800")), ("HS2022", "847130", 1, D("5000"))]


def test_the_longest_code_wins(engine, conc):
    """90318090 is MEMS at 0.5 (its own 8-digit row), 90318010 only 传感器 (the 6-digit row)."""
    lines = on(engine, "lines_prefix", fixture_lines([r for r in ROWS if r[4].startswith("903180")]))
    got = rows_of(apply(lines, conc, engine), "hs_code", "conc_code", "market", "share", order=["line_no"])
    assert {g[:3] for g in got} == {("90318090", "90318090", MEMS), ("90318010", "903180", SENSORS)}
    assert {g[3] for g in got} == {D("0.5"), D("1")}


def _figures(engine, conc):
    """Every indicator of the fixture, sorted, as Python values (doubles compared exactly)."""
    mapped = apply(on(engine, "lines_all", fixture_lines()), conc, engine)
    exprs = {"flows": trade_flows(mapped, "cumulative", by=("partner",)),
             "yoy": yoy(trade_flows(mapped, "quarter")), "uv": unit_values(mapped, "month"),
             "pc": partner_concentration(mapped, "quarter"), "mirror": mirror_gap(mapped, "year"),
             "dep": import_dependence(mapped, *output_and_fx(engine))}
    return {k: sorted(map(repr, e.to_pyarrow().to_pylist())) for k, e in exprs.items()}


def test_duckdb_and_spark_give_identical_figures(spark_backend, conc):
    from sectorscope.records.engine import connect

    assert _figures(connect("duckdb"), conc) == _figures(spark_backend, conc)


@settings(max_examples=10, deadline=None)
@given(st.permutations(range(len(ROWS))))
def test_totals_do_not_depend_on_the_order_of_lines(order):
    """On DuckDB only (Spark would take seconds per example): the same lines in any order, the same totals."""
    shuffled = apply(ibis.memtable(fixture_lines([ROWS[i] for i in order])), _CONC)
    base = apply(ibis.memtable(fixture_lines()), _CONC)

    def totals(t):
        f = trade_flows(t, "year", by=("partner", "province"))
        return rows_of(f, "market", "product", "partner", "province", "period", "flow", "value")

    assert totals(shuffled) == totals(base)


def _load_test_concordance():
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.csv"
        p.write_text(CONCORDANCE, encoding="utf-8")
        return load_concordance(p)


_CONC = _load_test_concordance()


def test_yoy_matches_a_null_partner_to_the_null_of_the_year_before(engine, conc):
    """A batch without partners has null partners ("all"): its growth is still found (a null-safe match)."""
    rows = [(*r[:5], None, *r[6:]) for r in ROWS if r[4] == "85011010" and r[1] == "export"]
    mapped = apply(on(engine, "lines_nullp", fixture_lines(rows)), conc, engine)
    flows = trade_flows(mapped, "year", by=("partner",))
    got = rows_of(yoy(flows.filter(flows.flow == "export")), "period", "value", "value_prev", "yoy_pct")
    assert got == [("2024", D("8000"), None, None), ("2025", D("7600"), D("8000"), pytest.approx(-5.0, abs=1e-12))]


def _kept_tables(con) -> int:
    return con.raw_sql("SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, '_sectorscope_kept_')"
                       ).fetchone()[0]


def test_on_duckdb_the_lines_are_read_once_for_every_indicator_with_the_same_figures(conc, capfd):
    """apply keeps one per-code table (unmapped reuses it), the indicators one summary of the mapped lines
    (shared by all of them); the figures are those computed from the lines without any kept table, and a
    closed connection leaves nothing to complain about."""
    import gc

    con = ibis.duckdb.connect()
    mapped = apply(ibis.memtable(fixture_lines()), conc, con)
    assert _kept_tables(con) == 1
    unmapped(mapped.drop("market", "product", "share", "conc_code"), conc, con)  # other lines: another table
    assert _kept_tables(con) == 2
    kept = {"flows": trade_flows(mapped, "cumulative", by=("partner",)), "uv": unit_values(mapped, "month"),
            "pc": partner_concentration(mapped, "quarter"), "mirror": mirror_gap(mapped, "year"),
            "dep": import_dependence(mapped, *output_and_fx(con))}
    assert _kept_tables(con) == 3  # one summary for all five
    plain = apply(ibis.memtable(fixture_lines()), conc)  # no engine: nothing kept, computed in each query
    exprs = {"flows": trade_flows(plain, "cumulative", by=("partner",)), "uv": unit_values(plain, "month"),
             "pc": partner_concentration(plain, "quarter"), "mirror": mirror_gap(plain, "year"),
             "dep": import_dependence(plain, *output_and_fx(con))}
    for name, e in exprs.items():
        assert sorted(map(repr, kept[name].to_pyarrow().to_pylist())) == sorted(map(repr, e.to_pyarrow().to_pylist()))
    con.disconnect()
    del mapped, kept
    gc.collect()
    assert capfd.readouterr().err == ""
