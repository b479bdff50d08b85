"""Cumulative (January-to-month) lines become monthly ones by one Ibis window, with the same numbers on DuckDB
and on Spark; a decrease and a missing month are named failures. Numbers computed by hand."""
from __future__ import annotations

from decimal import Decimal

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from sectorscope.records.cumulative import cumulative_failures, cumulative_to_monthly
from sectorscope.records.schema import LINE_SCHEMA

D = Decimal


def _line(line_no, month, value, *, partner="116", quantity=None, hs_code="85011010", flow="import", year=2025):
    return {"batch_id": "c1", "line_no": line_no, "dataset": "customs_cn", "reporter": "CHN", "flow": flow,
            "period_kind": "cumulative", "year": year, "month": month, "hs_edition": "HS2022", "hs_code": hs_code,
            "hs6": hs_code[:6], "hs_chapter": hs_code[:2], "commodity_name": None, "partner_code": partner,
            "partner_iso3": None, "trade_mode": None, "province": None,
            "quantity": None if quantity is None else D(quantity), "quantity_unit": "台", "quantity2": None,
            "quantity2_unit": None, "value": D(value), "currency": "USD", "cif_value": None, "fob_value": None}


def _table(engine, rows, name, tmp_path):
    """The lines on the engine. Spark reads them from a Parquet file: ibis 12's PySpark memtable cannot take a
    null decimal (it maps every cell through Decimal())."""
    table = pa.Table.from_pylist(rows, schema=LINE_SCHEMA.to_pyarrow())
    if engine.name != "pyspark":
        return ibis.memtable(table)
    path = tmp_path / f"{name}.parquet"
    pq.write_table(table, path)
    engine._session.read.parquet(str(path)).createOrReplaceTempView(name)
    return engine.table(name)


def _rows(engine, expr):
    return sorted(engine.to_pyarrow(expr).to_pylist(), key=lambda r: r["line_no"])


# Series 116: 100, 250, 250 (quantities 10, 25, 30) → 100, 150, 0 (10, 15, 5).
# Series 304 starts in February (nothing in January): 40, 90 → 40, 50.
# Series "all partners" (null): 7.00, 7.50 → 7.00, 0.50. Exports of the same code are their own series.
CUMULATIVE = [
    _line(2, 1, "100.00", quantity="10.000"), _line(3, 2, "250.00", quantity="25.000"),
    _line(4, 3, "250.00", quantity="30.000"),
    _line(5, 2, "40.00", partner="304"), _line(6, 3, "90.00", partner="304"),
    _line(7, 1, "7.00", partner=None), _line(8, 2, "7.50", partner=None),
    _line(9, 1, "3.00", flow="export"), _line(10, 2, "3.00", flow="export"),
]
MONTHLY = {2: D("100.00"), 3: D("150.00"), 4: D("0.00"), 5: D("40.00"), 6: D("50.00"), 7: D("7.00"), 8: D("0.50"),
           9: D("3.00"), 10: D("0.00")}


def test_cumulative_lines_become_monthly_on_both_engines(engine, tmp_path):
    t = _table(engine, CUMULATIVE, "cum_ok", tmp_path)
    assert _rows(engine, cumulative_failures(t)) == []
    out = cumulative_to_monthly(t)
    assert out.schema() == t.schema()
    rows = _rows(engine, out)
    assert {r["line_no"]: r["value"] for r in rows} == MONTHLY
    assert [r["quantity"] for r in rows[:3]] == [D("10.000"), D("15.000"), D("5.000")]
    assert {r["period_kind"] for r in rows} == {"monthly"}
    assert engine.to_pyarrow(out).schema.field("value").type == pa.decimal128(20, 2)


def test_a_decrease_and_a_missing_month_are_named_on_both_engines(engine, tmp_path):
    rows = [
        _line(2, 1, "100.00", quantity="5.000"), _line(3, 2, "90.00", quantity="6.000"),  # value falls 1 → 2
        _line(4, 1, "10.00", partner="304"), _line(5, 3, "30.00", partner="304"),  # February missing
    ]
    got = _rows(engine, cumulative_failures(_table(engine, rows, "cum_bad", tmp_path)))
    assert [(r["line_no"], r["rule"], r["field"], r["month"], r["prev_month"], r["prev_line_no"], r["value"],
             r["prev_value"]) for r in got] == [
        (3, "decreases", "value", 2, 1, 2, "90.00", "100.00"),
        (5, "missing_month", "month", 3, 1, 4, "3", "1"),
    ]


def test_a_year_that_does_not_begin_in_january_cannot_be_made_monthly(engine, tmp_path):
    rows = [_line(2, 2, "10.00"), _line(3, 3, "30.00"), _line(4, 2, "5.00", partner="304")]
    got = _rows(engine, cumulative_failures(_table(engine, rows, "cum_late", tmp_path)))
    assert [(r["line_no"], r["rule"], r["month"], r["prev_month"]) for r in got] == [(2, "missing_month", 2, None)]
