"""One test per named row failure: each names the file, the row, the field and the reason; all at once."""
from __future__ import annotations

from dataclasses import replace

import pyarrow as pa
import pytest

from sectorscope.errors import Reason, RowFailure, ValidationError
from sectorscope.records.formats import read_records
from sectorscope.records.line_checks import FailureLog, parse_decimal, parse_hs_code

from .record_files import ROWS, write_customs_csv

GOOD = ROWS[0]  # 202501, 85011010, partner 116, 1,200 台, 1,234,567 USD


def _failures(tmp_path, rows, **kw):
    path = write_customs_csv(tmp_path / "lines.csv", rows)
    kw.setdefault("hs_edition", "HS2022")
    rf = read_records(path, batch_id="b", flow="import", **kw)
    for _ in rf.chunks():
        pass
    with pytest.raises(ValidationError) as e:
        rf.check()
    assert e.value.file == str(path)
    return [(f.row, f.field, f.value, f.code, f.reason) for f in e.value.failures], str(path)


def test_hs_code_not_digits_or_wrong_length(tmp_path):
    got, _ = _failures(tmp_path, [GOOD, replace(GOOD, code="8501101"), replace(GOOD, code="85O11010")])
    reason = "an HS code must be 6, 8 or 10 digits (dots allowed)"
    assert got == [(3, "商品编码", "8501101", Reason.BAD_VALUE, reason), (4, "商品编码", "85O11010", Reason.BAD_VALUE, reason)]


def test_a_code_of_another_edition_says_which(tmp_path):
    got, _ = _failures(tmp_path, [GOOD, replace(GOOD, code="8548.90.00", u1="千克")])
    assert got == [(3, "商品编码", "85489000", Reason.OTHER_EDITION,  # the code as digits
                    "854890 is an HS2017 code; HS2022 has 854800: convert the codes, or load the file as an HS2017 "
                    "batch")]


def test_an_hs2022_code_in_an_hs2017_batch(tmp_path):
    got, _ = _failures(tmp_path, [GOOD, replace(GOOD, code="85258100", u1="台")], hs_edition="HS2017")
    assert got == [(3, "商品编码", "85258100", Reason.OTHER_EDITION,
                    "852581 is an HS2022 code; HS2017 has 852580: convert the codes, or load the file as an HS2022 "
                    "batch")]


def test_a_code_of_no_edition(tmp_path):
    got, _ = _failures(tmp_path, [replace(GOOD, code="85999900")])
    assert got == [(2, "商品编码", "85999900", Reason.UNKNOWN_CODE,
                    "859999 is not a six-digit code of HS2022 (nor of HS2012, HS2017)")]


def test_unknown_customs_partner_code(tmp_path):
    got, _ = _failures(tmp_path, [GOOD, replace(GOOD, partner="998")])
    assert got == [(3, "贸易伙伴编码", "998", Reason.UNKNOWN_CODE,
                    "not a customs partner code sectorscope knows (records/reference/customs_partners.csv); "
                    "check the code, or add the country with its source")]


def test_negative_value_and_quantity(tmp_path):
    got, _ = _failures(tmp_path, [replace(GOOD, q1="-5"), replace(GOOD, usd=-10)])
    assert [(r, f, v, c) for r, f, v, c, _ in got] == [(2, "第一数量", "-5.000", Reason.BAD_VALUE),
                                                       (3, "美元", "-10.00", Reason.BAD_VALUE)]
    assert got[1][4].startswith("a negative value")


def test_an_amount_that_is_not_a_number(tmp_path):
    path = write_customs_csv(tmp_path / "a.csv", [GOOD], extra=[
        ["202501", "85011010", "微电机", "116", "日本", "1", "台", "", "", "1.234.567"],
        ["202501", "85011010", "微电机", "116", "日本", "1", "台", "", "", ""]])
    rf = read_records(path, batch_id="b", hs_edition="HS2022", flow="import")
    lines = [x for c in rf.chunks() for x in c.to_pylist()]
    assert [x["value"] for x in lines][1:] == [None, None]
    assert [(f.row, f.field, f.value, f.code, f.reason) for f in rf.failures] == [
        (3, "美元", "1.234.567", Reason.BAD_VALUE, "not a number"),
        (4, "美元", None, Reason.MISSING_VALUE, "no amount: every line needs one")]


def test_a_month_outside_the_declared_period(tmp_path):
    got, _ = _failures(tmp_path, [GOOD, replace(GOOD, yyyymm="202504"), replace(GOOD, yyyymm="202412")],
                       period=(2025, 1, 3))
    reason = "a month outside the batch's period 2025-01..2025-03"
    assert got == [(3, "数据年月", "2025-04", Reason.BAD_VALUE, reason), (4, "数据年月", "2024-12", Reason.BAD_VALUE, reason)]


def test_a_unit_that_contradicts_the_codes_unit_in_the_batch(tmp_path):
    rows = [GOOD, GOOD, replace(GOOD, u1="千克"), GOOD, replace(GOOD, u1="千克")]
    got, _ = _failures(tmp_path, rows, chunk_rows=2)
    assert got == [(4, "第一计量单位", "千克", Reason.UNIT_MISMATCH,
                    "85011010 has first unit 台 on 3 line(s) and 千克 on 2 line(s): one code has one statutory "
                    "unit; correct the lines or their code")]


def test_all_failures_at_once_with_file_row_field(tmp_path):
    rows = [replace(GOOD, code="123"), replace(GOOD, partner="998"), replace(GOOD, q1="-1")]
    got, path = _failures(tmp_path, rows)
    assert {(r, f) for r, f, *_ in got} == {(2, "商品编码"), (3, "贸易伙伴编码"), (4, "第一数量")}
    rf = read_records(path, batch_id="b", hs_edition="HS2022", flow="import")
    list(rf.chunks())
    with pytest.raises(ValidationError, match=r"3 problem\(s\) in 3 row\(s\)") as e:
        rf.check()
    assert f"{path}, row 3, field '贸易伙伴编码'" in str(e.value)


def test_failures_are_capped_per_field_and_reason_and_the_rest_counted():
    log = FailureLog("f.csv", cap=3)
    cells = pa.array(["x"] * 5 + ["1"])
    parse_decimal(cells, 2, pa.array(range(2, 8), pa.int64()), log, "美元", required=True)
    out = log.all()
    assert [f.row for f in out] == [2, 3, 4, None]
    assert out[-1] == RowFailure("f.csv", None, "美元", None,
                                 "2 more line(s) fail the same way (bad_value; only the first 3 are listed)",
                                 code=Reason.BAD_VALUE)


def test_parsers_by_hand():
    log = FailureLog("f")
    line_no = pa.array([2, 3, 4, 5], pa.int64())
    assert parse_decimal(pa.array(["1,234,567", " 12.345 ", "0.5", "1e5"]), 2, line_no, log, "v",
                         required=False).to_pylist()[:3] == [__import__("decimal").Decimal(x)
                                                            for x in ("1234567.00", "12.35", "0.50")]
    assert [f.value for f in log.kept] == ["1e5"]
    codes = parse_hs_code(pa.array(["8501.10.10", "850110", "8501101010", "85"]), line_no, log, "c")
    assert codes.to_pylist() == ["85011010", "850110", "8501101010", None]


def test_codes_outside_84_85_90_are_named_in_the_warnings_for_older_editions(tmp_path):
    path = write_customs_csv(tmp_path / "a.csv", [GOOD, replace(GOOD, code="30049090", u1="千克")])
    rf = read_records(path, batch_id="b", hs_edition="HS2017", flow="import")
    list(rf.chunks())
    rf.check()
    assert rf.warnings == ["1 six-digit code(s) outside chapters 84, 85 and 90 (1 line(s)) were checked against "
                           "HS2022 only: sectorscope has the HS2017 changes of chapters 84, 85 and 90 alone"]
