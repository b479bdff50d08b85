"""Mirror lines: the partners' own reports of their exports to China, mirroring the generated China imports —
Comtrade-style, FOB, a CIF/FOB gap of a few per cent — so that `mirror_gap` has both sides to compare."""
from __future__ import annotations

import math
import statistics
from decimal import Decimal
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sectorscope.records.batches import load_batch
from sectorscope.records.concordance import apply, load_concordance
from sectorscope.records.engine import connect
from sectorscope.records.generate import MIRROR_NON_REPORTERS, generate_lines, generate_mirror_lines
from sectorscope.records.indicators_partners import mirror_gap
from sectorscope.records.lines import open_lines
from sectorscope.records.schema import LINE_SCHEMA, BatchMeta
from sectorscope.store import Store

N = 20_000
CONCORDANCE = Path(__file__).resolve().parents[2] / "data" / "default" / "concordance" / "hs_catalog.csv"


@pytest.fixture(scope="module")
def both():
    con = ibis.duckdb.connect()
    china = generate_lines(con, N, only_mapped=True).to_pyarrow()
    mirror = generate_mirror_lines(con, N, only_mapped=True).to_pyarrow()
    con.con.register("china", china)
    con.con.register("mirror", mirror)
    return con, china, mirror


def _sql(con, query):
    return con.raw_sql(query).fetchall()


def test_mirror_lines_are_comtrade_exports_to_china_one_per_reporter_month_and_code(both):
    con, _, mirror = both
    assert mirror.schema.equals(LINE_SCHEMA.to_pyarrow())
    n, keys, line_nos = _sql(con, "SELECT count(*), count(DISTINCT (reporter, year, month, hs_code)), "
                                  "count(DISTINCT line_no) FROM mirror")[0]
    assert n == keys == line_nos > 1000
    assert _sql(con, "SELECT DISTINCT dataset, flow, partner_code, partner_iso3, period_kind, hs_edition, currency, "
                     "length(hs_code) FROM mirror") == [("comtrade", "export", "156", "CHN", "monthly", "HS2022", "USD", 6)]
    assert _sql(con, "SELECT count(*) FROM mirror WHERE value <> fob_value OR cif_value IS NOT NULL OR value <= 0 "
                     "OR quantity <= 0 OR province IS NOT NULL OR trade_mode IS NOT NULL") == [(0,)]
    reporters = {r for (r,) in _sql(con, "SELECT DISTINCT reporter FROM mirror")}
    assert "CHN" not in reporters and not reporters & set(MIRROR_NON_REPORTERS)


def test_every_mirror_line_has_chinas_imports_behind_it_and_every_reporting_partners_imports_a_mirror(both):
    con, _, _ = both
    china_keys = ("SELECT DISTINCT partner_iso3, year, month, hs6 FROM china WHERE flow = 'import' "
                  f"AND partner_iso3 IS NOT NULL AND partner_iso3 NOT IN ({', '.join(repr(c) for c in MIRROR_NON_REPORTERS)})")
    mirror_keys = "SELECT reporter, year, month, hs6 FROM mirror"
    assert _sql(con, f"SELECT count(*) FROM ({china_keys} EXCEPT {mirror_keys})") == [(0,)]
    assert _sql(con, f"SELECT count(*) FROM ({mirror_keys} EXCEPT {china_keys})") == [(0,)]


def test_without_noise_each_lines_cif_fob_gap_is_in_the_range():
    con = ibis.duckdb.connect()
    con.con.register("china", generate_lines(con, 5_000, only_mapped=True).to_pyarrow())
    con.con.register("mirror", generate_mirror_lines(con, 5_000, only_mapped=True, cif_fob=(0.03, 0.06),
                                                     noise=0).to_pyarrow())
    ratios = _sql(con, """
        SELECT c.cif / m.value FROM mirror m JOIN (
          SELECT partner_iso3, year, month, hs6, sum(value) AS cif FROM china WHERE flow = 'import' GROUP BY ALL) c
        ON c.partner_iso3 = m.reporter AND c.year = m.year AND c.month = m.month AND c.hs6 = m.hs6
        WHERE m.value >= 100""")  # a cent's rounding is below 1e-4 of these
    assert len(ratios) > 500
    assert all(Decimal("1.03") - Decimal("0.0001") <= r <= Decimal("1.06") + Decimal("0.0001") for (r,) in ratios)


def test_the_same_arguments_give_the_same_mirror_lines():
    con = ibis.duckdb.connect()
    a = generate_mirror_lines(con, 3_000, seed=7, only_mapped=True).to_pyarrow()
    b = generate_mirror_lines(con, 3_000, seed=7, only_mapped=True).to_pyarrow()
    c = generate_mirror_lines(con, 3_000, seed=8, only_mapped=True).to_pyarrow()
    assert a.equals(b)
    assert not a.equals(c)
    with pytest.raises(ValueError, match="cif_fob is a range"):
        generate_mirror_lines(con, 10, cif_fob=(0.08, 0.02))


def test_mirror_gap_sees_cif_a_few_per_cent_above_fob(both):
    """China's imports from each partner (CIF) against the partner's exports (FOB), by market and year: the
    gap is g (2–8 %, 5 % on average) blurred by a 5 % noise per line, so the total over all markets, partners
    and years lies in 2–8 %, and so does the median."""
    _, china, mirror = both
    con = connect("duckdb")
    lines = ibis.memtable(pa.concat_tables([china, mirror]))
    conc = load_concordance(CONCORDANCE)
    gaps = mirror_gap(apply(lines, conc, con), "year").to_pyarrow().to_pylist()
    assert len(gaps) > 100
    assert {g["partner"] for g in gaps} <= {iso for iso in ("JPN", "DEU", "USA", "KOR", "SGP", "FRA", "GBR", "NLD",
                                                            "THA", "VNM", "MYS", "HKG", "BEL", "RUS", "CAN", "AUS")}
    total = float(sum(g["import_value"] for g in gaps)) / float(sum(g["export_value"] for g in gaps)) - 1
    assert 0.02 <= total <= 0.08
    assert 2 <= statistics.median(g["gap_pct"] for g in gaps) <= 8
    assert all(math.isfinite(g["gap_pct"]) for g in gaps)


def test_every_reporters_mirror_lines_load_as_one_comtrade_batch(tmp_path, both):
    # lines of two reporters with the same flow, month, code and partner are two reports, not a duplicate (the
    # duplicate key once lacked the reporter, and a multi-reporter Comtrade file was refused)
    _, _, mirror = both
    assert len(set(mirror["reporter"].to_pylist())) > 5
    store = Store(tmp_path / "s.duckdb")
    meta = BatchMeta(batch_id="generated-mirror", dataset="comtrade", source_file="generate_mirror_lines",
                     sha256="0" * 64, publisher="sectorscope generator", hs_edition="HS2022", currency="USD",
                     grain=("commodity", "partner"), period_kind="monthly")
    assert load_batch(store, meta, mirror.to_batches()).n_lines == mirror.num_rows
    back = open_lines(store, "comtrade", connect("duckdb")).to_pyarrow()
    assert sorted(back["reporter"].to_pylist()) == sorted(mirror["reporter"].to_pylist())


def test_one_reporters_mirror_lines_load_as_a_comtrade_batch(tmp_path, both):
    _, _, mirror = both
    japan = mirror.filter(pc.equal(mirror["reporter"], "JPN"))
    store = Store(tmp_path / "s.duckdb")
    meta = BatchMeta(batch_id="generated-mirror", dataset="comtrade", source_file="generate_mirror_lines",
                     sha256="0" * 64, publisher="sectorscope generator", hs_edition="HS2022", currency="USD",
                     grain=("commodity", "partner"), period_kind="monthly")
    summary = load_batch(store, meta, japan.to_batches())
    assert summary.n_lines == japan.num_rows
    back = open_lines(store, "comtrade", connect("duckdb")).to_pyarrow()
    assert back.num_rows == japan.num_rows
    assert sum(back["value"].to_pylist()) == sum(japan["value"].to_pylist())
