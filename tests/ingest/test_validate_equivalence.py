"""normalise_rows per distinct value (#18, session 2) gives what it gave per row: the same frame (values, dtypes,
column order) or the same failures (file, row, field, value, reason, code, in order), for text columns as
objects and as both kinds of Arrow-backed strings. The oracle is the implementation of 78ca612, frozen in
validate_before_18b.py."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope.errors import InputError, ValidationError
from sectorscope.ingest.columns import ROW_COLUMN
from sectorscope.ingest.validate import SourceInfo, normalise_rows
from sectorscope.model import FxRate, FxTable, load_catalog

from . import validate_before_18b as before

DAY = date(2026, 12, 6)
DOC = "2025年市场规模为12.5亿元，同比增长8%。"
SOURCES = {"src-a": SourceInfo("src-a", DOC), "src-b": SourceInfo("src-b")}
FX = FxTable([FxRate(2024, "USD", 7.1, "src-a")])
KINDS = ("object", "string[pyarrow]", "arrow")

# (indicator, units that fit it and some that do not)
INDICATORS = [("market_size", ["亿元", "万元", "元", "USD", "百万美元", "台"]), ("market_share", ["%", "亿元"]),
              ("output", ["万台", "台", "%"]), ("supply_demand_index", ["", "x"]), ("no_such_indicator", ["亿元"])]
VALUES = ["12.5", "1,234", "５０", "三", "abc", "", "-3", "１２．５", "250", "0.5", "5,000", "半", "105", "1e3"]


def _quote(value: str, form: int) -> str:
    return ["", f"2025年市场规模为{value}亿元", f"约{value}", "与此无关", f"1{value}", f"{value}.5%", f"（{value}）",
            "規模為12.5億元", DOC][form]


@st.composite
def rows(draw: st.DrawFn) -> list[dict[str, str]]:
    """Rows of the long format, valid and invalid, often sharing keys and quotes."""
    out = []
    for _ in range(draw(st.integers(1, 12))):
        indicator, units = draw(st.sampled_from(INDICATORS))
        value = draw(st.sampled_from(VALUES))
        row = {
            "indicator": indicator, "subject": draw(st.sampled_from(["MEMS", "传感器", "", " 陀螺仪 ", "數據"])),
            "period": draw(st.sampled_from(["2024", "2025Q1", "2025-03", "２０２５", "2024/2026", "2030/2025", "0000",
                                            "2025Q5", "2027", "2026-12"])),
            "value": value, "unit": draw(st.sampled_from(units)),
            "status": draw(st.sampled_from(["actual", "forecast", "estimate", "derived"])),
            "source": draw(st.sampled_from(["src-a", "src-b", "", "src-z"])),
            "region": draw(st.sampled_from(["", "全球", "江西", "臺灣"])),
            "qualifier": draw(st.sampled_from(["", "range", "about", "wrong"])),
            "value_high": draw(st.sampled_from(["", "20", "x", "1", "２０"])),
            "quote": _quote(value, draw(st.integers(0, 8))),
            "quote_start": draw(st.sampled_from(["", "", "0", "9", "x", "１２"])),
            "quote_end": draw(st.sampled_from(["", "", "13", "x"])),
            "value_text": draw(st.sampled_from(["", "", "12.5", "五千", "x", value])),
            "location": draw(st.sampled_from(["", "p1", "p2", "ｐ1"])),
            "note": draw(st.sampled_from(["", "n"])), "basis": draw(st.sampled_from(["", "b"])),
            "product": draw(st.sampled_from(["", "陀螺仪"])),
        }
        out.append({k: v for k, v in row.items() if draw(st.booleans()) or k in ("indicator", "subject", "period",
                                                                                  "value", "unit", "status", "source")})
    return out


@st.composite
def valid_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    """Rows that pass (each its own location, units that fit), so the frames themselves are compared."""
    out = []
    for i in range(draw(st.integers(1, 12))):
        indicator, unit = draw(st.sampled_from([("market_size", "亿元"), ("market_size", "USD"), ("output", "万台"),
                                                ("market_share", "%"), ("price_elasticity", "")]))
        value = draw(st.sampled_from(["12.5", "５０", "三", "0.5", "１２．５", "1"] + (["1,234"] if unit != "%" else [])))
        row = {"indicator": indicator, "subject": draw(st.sampled_from(["MEMS", " 陀螺仪 ", "數據"])),
               "period": draw(st.sampled_from(["2024", "2025Q1", "２０２５", "2024/2026"])), "value": value, "unit": unit,
               "status": draw(st.sampled_from(["actual", "forecast"])), "source": "src-b",
               "region": draw(st.sampled_from(["", "全球", "臺灣"])), "qualifier": draw(st.sampled_from(["", "about"])),
               "quote": _quote(value, draw(st.sampled_from([0, 1, 2]))), "location": f"p{i}",
               "value_text": draw(st.sampled_from(["", value])), "note": draw(st.sampled_from(["", "n"]))}
        out.append(row)
    return out


def _frame(records: list[dict[str, str]], kind: str) -> pd.DataFrame:
    frame = pd.DataFrame(records).fillna("")
    text = [c for c in frame.columns]
    frame[ROW_COLUMN] = range(2, len(frame) + 2)
    if kind == "string[pyarrow]":
        frame = frame.astype(dict.fromkeys(text, pd.StringDtype("pyarrow")))
    elif kind == "arrow":
        frame = frame.astype(dict.fromkeys(text, pd.ArrowDtype(pa.string())))
    return frame


def _outcome(fn, frame: pd.DataFrame):
    """The frame, or the failures as tuples, or the InputError's message."""
    try:
        return fn(frame, file="f.csv", catalog=load_catalog(), fx=FX, sources=SOURCES, today=DAY)
    except ValidationError as exc:
        return [(f.file, f.row, f.field, f.value, f.reason, f.code) for f in exc.failures]
    except InputError as exc:
        return str(exc)


def assert_same(records: list[dict[str, str]] | pd.DataFrame, kinds: tuple[str, ...] = KINDS) -> None:
    frame = records if isinstance(records, pd.DataFrame) else _frame(records, "object")
    expected = _outcome(before.normalise_rows, frame.copy())
    for kind in kinds:
        got = _outcome(normalise_rows, frame if kind == "object" else _frame(frame.drop(columns=ROW_COLUMN).to_dict("records"), kind))
        if isinstance(expected, pd.DataFrame):
            assert isinstance(got, pd.DataFrame), (kind, got)
            assert list(got.columns) == list(expected.columns)
            assert list(got.dtypes) == list(expected.dtypes), kind
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
        else:
            assert got == expected, kind
    assert_arrow_output_is_the_object_output(frame)


def _as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow columns as the object columns they stand for: Python values, None for null."""
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.ArrowDtype):
            out[c] = pd.Series(out[c].array._pa_array.to_pylist(), index=out.index, dtype=object)
    return out


def assert_arrow_output_is_the_object_output(frame: pd.DataFrame) -> None:
    """strings="arrow" (what a load hands the store) holds exactly the values of strings="object": text and
    dates are Arrow arrays, null where the object frame has None; numbers and flags are the same columns."""
    objects = _outcome(normalise_rows, frame)
    arrow = _outcome(lambda f, **kw: normalise_rows(f, strings="arrow", **kw), frame)
    if not isinstance(objects, pd.DataFrame):
        assert arrow == objects
        return
    assert list(arrow.columns) == list(objects.columns)
    text = [c for c in objects.columns if objects[c].dtype == object]
    assert all(isinstance(arrow[c].dtype, pd.ArrowDtype) for c in text)
    assert all(arrow[c].dtype == objects[c].dtype for c in objects.columns if c not in text)
    pd.testing.assert_frame_equal(_as_objects(arrow), objects, check_exact=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_the_same_frame_or_the_same_failures_as_row_by_row(records):
    assert_same(records)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_rows())
def test_the_same_frame_as_row_by_row_for_valid_rows(records):
    assert isinstance(_outcome(before.normalise_rows, _frame(records, "object")), pd.DataFrame)
    assert_same(records)


@pytest.mark.parametrize("value, quote", [("3", "2013Q3年为3元"), ("13", "2013年为13"), ("500", "1,500和500"),
                                          ("5", "5.1和5"), ("三", "三十和三"), ("12", "１２万台"), ("7", "7")])
def test_a_number_found_first_inside_another_is_still_found_where_it_stands_alone(value, quote):
    """The vectorised search clears a row on the first place only; a later, whole place is Python's to find."""
    assert_same([{"indicator": "output", "subject": "s", "period": "2024", "value": value, "unit": "台",
                  "status": "actual", "source": "src-b", "quote": quote}])


def test_a_valid_file_of_many_rows_is_the_same_frame():
    records = [{"indicator": "market_size", "subject": f"s{i % 7}", "period": str(2000 + i % 20), "value": f"{i}.5",
                "unit": "亿元", "status": "actual", "source": "src-b", "quote": f"{2000 + i % 20}年规模{i}.5亿元",
                "location": f"p{i}"} for i in range(300)]
    out = _outcome(normalise_rows, _frame(records, "arrow"))
    assert isinstance(out, pd.DataFrame) and len(out) == 300
    assert_same(records)


def test_one_bad_row_among_many_names_only_that_row():
    records = [{"indicator": "market_size", "subject": "s", "period": "2024", "value": f"{i}", "unit": "亿元",
                "status": "actual", "source": "src-b", "location": f"p{i}"} for i in range(200)]
    records[120]["value"] = "x12"
    assert _outcome(normalise_rows, _frame(records, "string[pyarrow]")) == [
        ("f.csv", 122, "value", "x12", "not a number", "bad_value")]
    assert_same(records)


@pytest.mark.parametrize("cell, value, reason", [(np.nan, "nan", "not_nullable"), (None, "None", "not_nullable"),
                                                  (5, "5", "dtype('str')")])
def test_a_required_cell_that_is_not_text_is_a_named_failure_not_a_crash(cell, value, reason):
    """A caller's frame with a number or a null in a required column: the row by row code crashed (TypeError from
    the quote check's NFKC); now the row fails as pandera reports such a cell."""
    frame = _frame([{"indicator": "market_size", "subject": "s", "period": "2024", "value": "1", "unit": "亿元",
                     "status": "actual", "source": "src-b"}] * 2, "object")
    frame["value"] = pd.Series(["1", cell], dtype=object)
    with pytest.raises(TypeError):
        before.normalise_rows(frame.copy(), file="f.csv", catalog=load_catalog(), fx=FX, sources=SOURCES, today=DAY)
    assert _outcome(normalise_rows, frame) == [("f.csv", 3, "value", value, reason, "bad_value")]


def test_missing_columns_and_empty_files_are_the_same_input_errors():
    assert_same(pd.DataFrame({"indicator": ["x"], ROW_COLUMN: [2]}), kinds=("object",))
    empty = _frame([{"indicator": "market_size", "subject": "s", "period": "2024", "value": "1", "unit": "亿元",
                     "status": "actual", "source": "src-b"}], "object").iloc[:0]
    assert _outcome(normalise_rows, empty) == _outcome(before.normalise_rows, empty) == (
        "f.csv: the file has a header but no rows")
