"""The set-based reading of a customs export in DuckDB (formats/customs_sql.py, the path `load_records` takes)
gives the same lines, failures and warnings as the Arrow reader the format tests pin down
(`read_records(...).chunks()`): on every fixture of those tests, and on generated files of good and bad cells.
And `load_records` keeps a batch's release and retrieval dates."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope.errors import Reason, ValidationError
from sectorscope.records.batches import list_batches
from sectorscope.records.formats import read_records
from sectorscope.records.formats.customs_sql import stage_customs_lines
from sectorscope.records.load import load_records
from sectorscope.records.schema import LINE_SCHEMA
from sectorscope.store import Store

from .record_files import ROWS, write_customs_csv, write_customs_xlsx


def _arrow_reading(path, **kw):
    rf = read_records(path, **kw)
    lines = [x for c in rf.chunks() for x in c.to_pylist()]
    return lines, [(f.row, f.field, f.value, f.reason, f.code) for f in rf.failures], rf.warnings


def _set_based_reading(path, **kw):
    rf = read_records(path, **kw)
    con = duckdb.connect()
    staged = stage_customs_lines(con, rf.meta, rf.source, rf.flow)
    got = con.execute(f'SELECT * FROM "{staged.table}" ORDER BY line_no').arrow()
    if not isinstance(got, pa.Table):
        got = got.read_all()
    lines = got.cast(LINE_SCHEMA.to_pyarrow()).to_pylist()
    con.close()
    return lines, [(f.row, f.field, f.value, f.reason, f.code) for f in staged.failures], staged.warnings


def _same(path, **kw):
    kw.setdefault("batch_id", "b1")
    kw.setdefault("hs_edition", "HS2022")
    want = _arrow_reading(path, **kw)
    got = _set_based_reading(path, **kw)
    assert got[0] == want[0]
    assert got[1] == want[1]
    assert got[2] == want[2]
    return got


BAD = [replace(ROWS[0], code="8501101"), replace(ROWS[1], code="8548.90.00", u1="千克"), replace(ROWS[2], partner="998"),
       replace(ROWS[3], q1="-5"), replace(ROWS[4], usd=-10), replace(ROWS[5], yyyymm="202504"),
       replace(ROWS[6], u1="台"), replace(ROWS[7], code="85999900"), replace(ROWS[8], partner=""), *ROWS[9:]]


@pytest.mark.parametrize("case", ["gb18030", "utf8-bom", "xlsx", "cny", "cumulative", "bad-lines", "bad-hs2017",
                                  "flow-province-mode", "partner-names", "empty", "cut-row"])
def test_the_same_lines_failures_and_warnings_as_the_arrow_reader(tmp_path, case):
    p = tmp_path / "a.csv"
    if case == "gb18030":
        got = _same(write_customs_csv(p), flow="import")
        assert len(got[0]) == len(ROWS) and got[1] == [] and got[2] == []
    elif case == "utf8-bom":
        _same(write_customs_csv(p, encoding="utf-8-sig", trailing_comma=False), flow="import")
    elif case == "xlsx":
        _same(write_customs_xlsx(tmp_path / "a.xlsx"), flow="import")
    elif case == "cny":
        _same(write_customs_csv(p, currency="人民币"), flow="import")
    elif case == "cumulative":
        _same(write_customs_csv(p, [r for r in ROWS if r.yyyymm == "202503"], monthly=False), flow="import",
              period=(2025, 1, 3))
    elif case == "bad-lines":
        got = _same(write_customs_csv(p, BAD, extra=[["202501", "85011010", "微电机", "116", "日本", "1", "台", "", "",
                                                       "1.234.567"],
                                                      ["202501", "85011010", "微电机", "116", "日本", "1", "台", "", "", ""]]),
                    flow="import", period=(2025, 1, 3))
        codes = {(row, code) for row, _, _, _, code in got[1]}
        assert {(2, Reason.BAD_VALUE), (3, Reason.OTHER_EDITION), (4, Reason.UNKNOWN_CODE), (9, Reason.UNKNOWN_CODE),
                (10, Reason.MISSING_VALUE), (5, Reason.BAD_VALUE), (6, Reason.BAD_VALUE), (7, Reason.BAD_VALUE),
                (8, Reason.UNIT_MISMATCH)} <= codes
    elif case == "bad-hs2017":
        _same(write_customs_csv(p, [ROWS[0], replace(ROWS[1], code="85258100", u1="台"),
                                    replace(ROWS[2], code="30049090", u1="千克")]), flow="import", hs_edition="HS2017")
    elif case == "flow-province-mode":
        header = ["数据年月", "商品编码", "商品名称", "进出口", "贸易方式名称", "注册地编码", "注册地名称", "第一数量",
                  "第一计量单位", "第二数量", "第二计量单位", "美元", "备注"]
        rows = [["202501", "85011010", "微电机", "出口", "一般贸易", "44", "广东省", "10", "台", "1.5", "千克", "1,000", "x"],
                ["202501", "85011010", "微电机", "进口", "新方式", "440000", "江苏省", "5", "台", "", "", "2,500", ""],
                ["202502", "85011010", " 微电机 ", "转口", "", "99", "", "5", "台", "x", "", " 7 ", ""],
                ["202502", "9031.80.90", "", "出口", "新方式", "江苏", "", "1.2345", "台", "", "", "3.456", ""]]
        _same(write_customs_csv(p, [], header=header, extra=rows), flow="export")
    elif case == "partner-names":
        header = ["数据年月", "商品编码", "贸易伙伴名称", "第一数量", "第一计量单位", "美元"]
        _same(write_customs_csv(p, [], header=header, trailing_comma=False,
                                extra=[["202501", "85011010", "台澎金马关税区", "1", "台", "10"],
                                       ["202501", "85011010", "火星", "1", "台", "10"],
                                       ["202501", "85011010", "", "1", "台", "10"]]), flow="import")
    elif case == "empty":
        got = _same(write_customs_csv(p, []), flow="import")
        assert got[2] == ["the file has no lines (a header and nothing else, or only dropped rows)"]
    else:  # a row with the wrong number of cells, and a blank line
        path = write_customs_csv(p, ROWS[:2], trailing_comma=False, extra=[["202501", "85011010", "cut"], [], ROWS_TAIL])
        got = _same(path, flow="import")
        assert [(r, c) for r, _, _, _, c in got[1]] == [(4, Reason.WRONG_SHAPE)]


ROWS_TAIL = ["202502", "85011010", "微电机", "116", "日本", "1", "台", "", "", "5"]

_cells = {
    "period": st.sampled_from(["202501", "202502", "2025-03", "2025年2月", "202513", "", " 202501 ", "202412"]),
    "code": st.sampled_from(["85011010", "8501.10.10", "854890", "85480000", "12345", "85999900", " 90318090 ",
                             "8541510000", "85O11010", "30049090"]),
    "partner": st.sampled_from(["116", "304", "502", "143", "199", "998", "", " 110 "]),
    "q": st.sampled_from(["1,200", "0.5", "12.3456", "", "-5", "x", "1e5", ".5", "+3", "\u30007\u3000", "1 000"]),
    "unit": st.sampled_from(["台", "千克", "个", ""]),
    "usd": st.sampled_from(["1,234,567", "10", "0.125", "", "-3", "1.234.567", " 99 ", "12345678901234567.891"]),
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(_cells), min_size=1, max_size=12), xlsx=st.booleans(),
       period=st.sampled_from([None, (2025, 1, 2)]))
def test_generated_files_of_good_and_bad_cells_read_the_same(tmp_path_factory, rows, xlsx, period):
    d = tmp_path_factory.mktemp("gen")
    header = ["数据年月", "商品编码", "贸易伙伴编码", "第一数量", "第一计量单位", "美元"]
    cells = [[r["period"], r["code"], r["partner"], r["q"], r["unit"], r["usd"]] for r in rows]
    if xlsx:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active.append(header)
        for c in cells:
            wb.active.append(c)
        wb.save(d / "a.xlsx")
        path = d / "a.xlsx"
    else:
        path = write_customs_csv(d / "a.csv", [], header=header, extra=cells, encoding="utf-8")
    _same(path, flow="import", period=period)


def test_load_records_keeps_the_release_and_retrieval_dates(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    path = write_customs_csv(tmp_path / "a.csv")
    loaded = load_records(store, path, hs_edition="HS2022", flow="import", release_date=date(2025, 4, 18),
                          retrieval_date=date(2025, 5, 2))
    assert (loaded.summary.n_lines, loaded.warnings) == (len(ROWS), ())
    row = list_batches(store).iloc[0]
    assert pd.Timestamp(row["release_date"]).date() == date(2025, 4, 18)
    assert pd.Timestamp(row["retrieved_at"]).to_pydatetime() == datetime(2025, 5, 2, tzinfo=UTC)


def test_a_failing_export_names_reader_and_batch_failures_together_and_writes_nothing(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    rows = [ROWS[0], replace(ROWS[1], usd=-10), ROWS[0]]  # a negative value; row 4 repeats row 2
    path = write_customs_csv(tmp_path / "a.csv", rows)
    with pytest.raises(ValidationError) as e:
        load_records(store, path, hs_edition="HS2022", flow="import")
    assert [(f.row, f.field, f.code) for f in e.value.failures] == [(3, "美元", Reason.BAD_VALUE),
                                                                   (4, "hs_code", Reason.DUPLICATE)]
    assert e.value.failures[1].reason.startswith("duplicate line: lines 2 and 4 have the same reporter, flow")
    assert not store.exists()
    assert not any(p.suffix == ".parquet" for p in tmp_path.rglob("*"))


def test_a_cumulative_export_of_january_loads_as_monthly_lines(tmp_path):
    from sectorscope.records.engine import connect
    from sectorscope.records.lines import open_lines

    store = Store(tmp_path / "s.duckdb")
    rows = [r for r in ROWS if r.yyyymm == "202501"]
    path = write_customs_csv(tmp_path / "累计.csv", rows, monthly=False)
    loaded = load_records(store, path, hs_edition="HS2022", flow="import", period=(2025, 1, 1))
    assert loaded.summary.n_lines == len(rows)
    got = open_lines(store, "customs_cn", connect("duckdb")).order_by("line_no").to_pyarrow().to_pylist()
    assert [(x["line_no"], x["month"], x["period_kind"], x["value"]) for x in got] == [
        (i + 2, 1, "monthly", pa.scalar(r.usd, pa.decimal128(20, 2)).as_py()) for i, r in enumerate(rows)]
