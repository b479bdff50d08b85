"""The generator: deterministic, one line per key, one unit per code, and the seeds' customs figures
reproduced exactly by the lines it writes."""
from __future__ import annotations

import ibis
import pytest

from sectorscope.records.generate import SEED_TARGETS, Target, generate_lines
from sectorscope.records.schema import LINE_SCHEMA


@pytest.fixture(scope="module")
def lines():
    con = ibis.duckdb.connect()
    return con, generate_lines(con, 20_000, only_mapped=True).to_pyarrow()


def _sql(con, table, query):
    con.con.register("g", table)
    return con.raw_sql(query).fetchall()


def test_the_lines_have_the_line_schema_and_one_line_per_key(lines):
    con, t = lines
    assert t.schema.equals(LINE_SCHEMA.to_pyarrow())
    keys = _sql(con, t, "SELECT count(*), count(DISTINCT (flow, year, month, hs_code, partner_code, province, "
                        "trade_mode)), count(DISTINCT hs_code) FROM g")[0]
    assert keys[0] == keys[1] == 20_000
    assert keys[2] == 34  # 17 mapped codes, two national subheadings each


def test_the_same_arguments_give_the_same_lines():
    con = ibis.duckdb.connect()
    a = generate_lines(con, 3_000, seed=7, only_mapped=True).to_pyarrow()
    b = generate_lines(con, 3_000, seed=7, only_mapped=True).to_pyarrow()
    c = generate_lines(con, 3_000, seed=8, only_mapped=True).to_pyarrow()
    assert a.equals(b)
    assert not a.equals(c)


def test_every_code_has_one_unit_and_every_amount_is_positive(lines):
    con, t = lines
    assert _sql(con, t, "SELECT max(n) FROM (SELECT count(DISTINCT quantity_unit) n FROM g GROUP BY hs_code)")[0][0] == 1
    assert _sql(con, t, "SELECT count(*) FROM g WHERE value <= 0 OR quantity <= 0")[0][0] == 0


def test_the_seeds_customs_figures_are_reproduced(lines):
    """2025年1–3月 micro-motor exports −7.4 % on a year earlier; JP, DE and US 81.4 % of 2025 Q1 imports of
    micro-machinery; 2023 imaging imports 48.7亿美元 — to the rounding of cents."""
    con, t = lines
    now, before = _sql(con, t, "SELECT sum(value) FILTER (WHERE year = 2025), sum(value) FILTER (WHERE year = 2024) "
                               "FROM g WHERE flow = 'export' AND hs6 = '850110' AND month <= 3")[0]
    assert float(now / before) - 1 == pytest.approx(-0.074, abs=1e-6)
    share = _sql(con, t, "SELECT sum(value) FILTER (WHERE partner_code IN ('116', '304', '502')) / sum(value) FROM g "
                         "WHERE flow = 'import' AND hs6 IN ('850110', '854800') AND year = 2025 AND month <= 3")[0][0]
    assert float(share) == pytest.approx(0.814, abs=1e-6)
    total = _sql(con, t, "SELECT sum(value) FROM g WHERE flow = 'import' AND year = 2023 AND hs6 IN "
                         "('902750', '902781', '902789')")[0][0]
    assert float(total) == pytest.approx(4.87e9, abs=0.01 * 2000)  # each line rounded to a cent
    # "48.7亿美元,同比增长9.3%": the year before is scaled, so 2023's total stays
    prior = _sql(con, t, "SELECT sum(value) FROM g WHERE flow = 'import' AND year = 2022 AND hs6 IN "
                         "('902750', '902781', '902789')")[0][0]
    assert float(total / prior) - 1 == pytest.approx(0.093, abs=1e-6)
    assert {tg.name for tg in SEED_TARGETS} == {"micro_motor_exports_q1_yoy", "micro_machinery_imports_q1_jp_de_us",
                                                "imaging_imports_2023", "imaging_imports_2023_yoy"}


def test_a_total_sets_the_level_of_the_whole_series():
    """A total scales every year of its selection by one factor: the growth from year to year is the raw
    lines', only the level moves."""
    con = ibis.duckdb.connect()
    kw = dict(only_mapped=True, years=(2023, 2025))
    raw = generate_lines(con, 20_000, targets=(), **kw).to_pyarrow()
    scaled = generate_lines(con, 20_000, targets=(Target("t", "total", 1e9, ("850110",), "import", 2024, (1, 12)),),
                            **kw).to_pyarrow()

    def by_year(t):
        q = "SELECT year, sum(value) FROM g WHERE flow = 'import' AND hs6 = '850110' GROUP BY year ORDER BY year"
        return {int(y): float(v) for y, v in _sql(con, t, q)}

    a, b = by_year(raw), by_year(scaled)
    assert b[2024] == pytest.approx(1e9, abs=0.01 * 2000)
    assert b[2023] / b[2024] == pytest.approx(a[2023] / a[2024], rel=1e-6)
    assert b[2025] / b[2024] == pytest.approx(a[2025] / a[2024], rel=1e-6)


def test_counts_are_whole_and_weights_keep_three_decimals(lines):
    con, t = lines
    frac = _sql(con, t, "SELECT count(*) FILTER (WHERE quantity_unit IN ('台', '个') AND quantity <> round(quantity)), "
                        "count(*) FILTER (WHERE quantity_unit IN ('台', '个') AND quantity < 1), "
                        "count(*) FILTER (WHERE quantity_unit = '千克' AND quantity <> round(quantity)) FROM g")[0]
    assert frac[0] == 0 and frac[1] == 0 and frac[2] > 0


def test_targets_that_select_the_same_lines_are_refused():
    con = ibis.duckdb.connect()
    both = [Target("a", "total", 1e6, ("850110",), "import", 2024, (1, 12)),
            Target("b", "total", 2e6, ("8501",), "import", 2024, (1, 3))]
    with pytest.raises(ValueError, match="select the same lines"):
        generate_lines(con, 5_000, targets=both, only_mapped=True)


def test_more_lines_than_keys_is_refused():
    with pytest.raises(ValueError, match="distinct lines can be generated"):
        generate_lines(ibis.duckdb.connect(), 10**9, years=(2025, 2025), only_mapped=True)


def test_the_customs_csv_has_the_platforms_headers_and_every_line(tmp_path):
    import csv

    con = ibis.duckdb.connect()
    lines = generate_lines(con, 500, only_mapped=True)
    path = tmp_path / "customs.csv"
    from sectorscope.records.generate import write_customs_csv

    write_customs_csv(con, lines, str(path))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == ["数据年月", "进出口", "商品编码", "贸易伙伴编码", "贸易伙伴名称", "注册地编码", "注册地名称",
                             "贸易方式名称", "第一数量", "第一计量单位", "美元"]
    t = lines.to_pyarrow().sort_by("line_no")
    assert len(rows) == t.num_rows == 500
    first = t.slice(0, 1).to_pylist()[0]
    assert rows[0]["数据年月"] == f"{first['year']}{first['month']:02d}"
    assert rows[0]["商品编码"] == first["hs_code"]
    assert rows[0]["美元"] == str(first["value"])
    assert all(r["贸易伙伴名称"] and r["注册地名称"] for r in rows)
