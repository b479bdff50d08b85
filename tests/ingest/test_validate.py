"""Validation gaps of #18: periods out of range or in full-width digits, an actual for a period that has not
begun, a quote check that was a substring test, value_text that was not compared with value, full-width quote
offsets that crashed or were dropped, full-width decimals rounded away."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.errors import InputError, ValidationError
from sectorscope.ingest import load_paths, normalise_rows
from sectorscope.ingest.columns import ROW_COLUMN
from sectorscope.ingest.validate import SourceInfo
from sectorscope.model import FxTable, load_catalog
from sectorscope.store import Store

from ..conftest import obs, write_csv

DAY = date(2026, 12, 6)
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
NOT_STATED = ("the quote does not contain the value as printed, as a whole number (5 is not in 51 or 5.1); set "
              "value_text to the printed form")
NOT_VALUE = ("value_text is not the number in value ({}): it is the value as printed in the quote, so it must be the "
             "same number (5,000 for 5000, 五千, 半 for 50 %); correct one of them")


def normalise(rows: list[dict], *, today: date = DAY, document: str | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows).fillna("")
    frame[ROW_COLUMN] = range(2, len(frame) + 2)
    return normalise_rows(frame, file="f.csv", catalog=load_catalog(), fx=FxTable(),
                          sources={"src-a": SourceInfo("src-a", document)}, today=today)


def failures(rows: list[dict], **kw) -> list[tuple[int | None, str | None, str | None, str]]:
    """(row, field, value, reason) of every failure; [] when the rows pass."""
    try:
        normalise(rows, **kw)
    except ValidationError as exc:
        return [(f.row, f.field, f.value, f.reason) for f in exc.failures]
    return []


# periods


def test_periods_outside_1900_to_2200_are_refused_naming_the_year():
    rows = [obs(period="0000", status="estimate"), obs(period="9999", location="p2"),
            obs(period="1899/1950", status="estimate", location="p3"), obs(period="2201-01", location="p4")]
    assert failures(rows) == [
        (2, "period", "0000", "period '0000' is outside the years 1900–2200; check the year"),
        (3, "period", "9999", "period '9999' is outside the years 1900–2200; check the year"),
        (4, "period", "1899/1950", "period '1899/1950' is outside the years 1900–2200; check the year"),
        (5, "period", "2201-01", "period '2201-01' is outside the years 1900–2200; check the year"),
    ]


def test_a_span_that_ends_before_it_starts_says_so():
    assert failures([obs(period="2030/2025", status="forecast")]) == [
        (2, "period", "2030/2025", "period span '2030/2025' must end after it starts")]


def test_an_actual_for_a_period_that_has_not_begun_is_refused():
    """Loaded on 2026-12-06: an actual for 2027 or 2027-01 is refused; one for a period under way or over
    (2026, 2026Q4, 2026-12, 2026-11) is not, and a forecast for 2027 is not."""
    rows = [obs(period=p, location=f"{p} {s}", status=s) for p, s in
            [("2027", "actual"), ("2026", "actual"), ("2026Q4", "actual"), ("2026-12", "actual"), ("2026-11", "actual"),
             ("2027-01", "actual"), ("2027", "forecast"), ("2027Q1", "target")]]
    assert failures(rows) == [
        (2, "status", "actual", "an actual for period 2027, which starts 2027-01-01, after the day of the load "
         "(2026-12-06): set status to forecast, estimate or target, or correct the period"),
        (7, "status", "actual", "an actual for period 2027-01, which starts 2027-01-01, after the day of the load "
         "(2026-12-06): set status to forecast, estimate or target, or correct the period"),
    ]
    assert failures(rows, today=date(2027, 1, 1)) == []


def test_the_load_time_is_the_day_validation_uses(tmp_path, sources_csv):
    path = write_csv(tmp_path / "a.csv", [obs(period="2025")])
    with pytest.raises(ValidationError, match=r"row 2, field 'status': an actual for period 2025, which starts "
                                              r"2025-01-01, after the day of the load \(2024-06-01\)"):
        load_paths(Store(tmp_path / "s.duckdb"), [path], sources=sources_csv, loaded_at=datetime(2024, 6, 1, tzinfo=UTC))
    store = Store(tmp_path / "t.duckdb")
    assert load_paths(store, [path], sources=sources_csv, loaded_at=datetime(2025, 1, 1, tzinfo=UTC)).n_rows == 1
    store.close()


def test_a_full_width_period_is_stored_as_its_ascii_period():
    got = normalise([obs(period="２０２５Ｑ３", status="estimate"), obs(period="２０２４", location="p2")])
    assert list(got["period"]) == ["2025Q3", "2024"]
    assert list(got["period_start"]) == [date(2025, 7, 1), date(2024, 1, 1)]


def test_a_full_width_period_and_its_ascii_form_are_one_key():
    assert failures([obs(period="2024"), obs(period="２０２４")]) == [
        (3, "location", "p1", "repeats the figure of row 2 (same source, indicator, dimensions, period and location); "
         "give each passage its own location")]


def test_a_full_width_period_header_never_becomes_a_key_of_its_own(tmp_path, sources_csv):
    """Whether the reader takes `２０２４` as a period header (then it is the period 2024) or not (then it is an
    unknown column and the file is refused), no figure is stored under the period `２０２４`."""
    path = tmp_path / "wide.csv"
    path.write_text("indicator,subject,unit,status,source,location,2023,２０２４\n"
                    "market_size,成像仪,亿元,actual,src-a,表1,165.3,185.6\n", encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    try:
        load_paths(store, [path], sources=sources_csv, loaded_at=datetime(2025, 6, 1, tzinfo=UTC))
    except InputError as exc:
        assert "２０２４" in str(exc) and not store.exists()
    else:
        assert set(store.observations().execute()["period"]) == {"2023", "2024"}
        store.close()


def test_a_wide_file_with_full_width_period_headers_loads_ascii_periods(tmp_path, sources_csv):
    path = tmp_path / "wide.csv"
    path.write_text("indicator,subject,unit,status,source,location,2023,２０２４\n"
                    "market_size,成像仪,亿元,actual,src-a,表1,165.3,185.6\n", encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [path], sources=sources_csv, loaded_at=datetime(2025, 6, 1, tzinfo=UTC))
    got = store.observations().execute().sort_values("period")
    assert list(zip(got["period"], got["value"], strict=True)) == [("2023", 165.3e8), ("2024", 185.6e8)]
    store.close()


def test_a_full_width_decimal_keeps_its_decimals():
    """１２．５ % was parsed as 12.5 and then rounded to the decimals of its printed form, counted in ASCII: 12."""
    got = normalise([obs(indicator="market_size_growth", unit="%", value="１２．５", quote="增长１２．５%")])
    assert got.loc[0, "value"] == 12.5 and got.loc[0, "value_as_printed"] == "１２．５"
    got = normalise([obs(value="１６５．３", quote="规模１６５．３亿元")])
    assert got.loc[0, "value"] == 16_530_000_000.0


# the quote states the value


@pytest.mark.parametrize(("value", "value_text", "quote"), [
    ("5", "", "51个品种"), ("5", "", "增长5.1%"), ("5", "", "增长15%"), ("5", "", "增长1.5%"), ("5", "", "5,000台"),
    ("500", "", "1,500台"), ("3", "三", "三十家"), ("3", "三", "十三家"), ("5", "", "５１个品种"),
])
def test_a_value_inside_a_longer_number_is_not_stated(value, value_text, quote):
    rows = [obs(indicator="company_count", unit="家", value=value, value_text=value_text, quote=quote)]
    assert failures(rows) == [(2, "quote", value_text or value, NOT_STATED)]


@pytest.mark.parametrize(("value", "value_text", "quote"), [
    ("5", "", "共5个品种"), ("5", "", "15家中的5家"), ("5000", "5,000", "5,000台"), ("5000", "5,000", "５,０００台"),
    ("5000", "5,000", "５，０００台"), ("5000", "", "５０００台"), ("12.5", "", "约12.5家"), ("3", "三", "停工三周"),
    ("3", "三", "三万台"), ("5", "", "-5家"), ("1500", "1,500", "达1,500家"),
])
def test_a_value_printed_as_a_whole_number_is_stated(value, value_text, quote):
    rows = [obs(indicator="company_count", unit="家", value=value, value_text=value_text, quote=quote)]
    assert failures(rows) == []


def test_a_table_row_printed_without_separators_states_its_cells():
    """The seeds print a table row's cells glued (2025 | 850 | 720 | 84.7): a cell may touch the figures the file
    reads from the same quote, and its period; a figure alone in such a quote may not."""
    quote = "202585072084.7"
    rows = [obs(indicator="demand", unit="万台", value=v, quote=quote, location=f"t{n}", status="estimate", period="2025")
            for n, v in enumerate(["850", "720"])]
    rows.append(obs(indicator="capacity_utilisation", unit="%", value="84.7", quote=quote, status="estimate",
                    period="2025", location="t2"))
    assert failures(rows) == []
    assert failures(rows[1:2]) == [(2, "quote", "720", NOT_STATED)]
    assert failures([obs(value="5", quote="51个品种"), obs(value="1", quote="51个品种", location="p2")]) == []


ints = st.integers(0, 10**9)


@settings(max_examples=60)
@given(ints, st.sampled_from(["规模", "约", "(", "", "达到 "]), st.sampled_from(["亿元", "%", "，", ")", ""]),
       st.booleans(), st.booleans())
def test_a_whole_number_in_a_quote_is_stated(n, before, after, separators, full_width):
    printed = f"{n:,}" if separators else str(n)
    quote = before + printed + after
    row = obs(value=str(n), value_text=printed, quote=quote.translate(FULL_WIDTH) if full_width else quote)
    assert failures([row]) == []


@settings(max_examples=60)
@given(ints, st.sampled_from(["{}{d}", "{d}{}", "{}.{d}", "{d}.{}", "{},{d}{d}{d}"]), st.integers(0, 9),
       st.booleans())
def test_a_number_that_is_part_of_a_longer_one_is_not_stated(n, shape, d, full_width):
    quote = "规模" + shape.format(n, d=d) + "亿元"
    row = obs(value=str(n), quote=quote.translate(FULL_WIDTH) if full_width else quote)
    assert failures([row]) == [(2, "quote", str(n), NOT_STATED)]


# value_text is the number in value


def test_value_text_of_another_number_is_refused():
    rows = [obs(value="52", value_text="51", quote="51个品种")]
    assert failures(rows) == [(2, "value_text", "51", NOT_VALUE.format("52"))]


def test_value_text_that_is_not_a_number_is_refused():
    rows = [obs(value="5", value_text="五成多", quote="五成多")]
    assert failures(rows) == [(2, "value_text", "五成多",
                               "not a number: value_text is the value as printed in the quote (5,000, 五千, 半)")]


@pytest.mark.parametrize(("indicator", "value", "value_text", "unit", "quote"), [
    ("market_size", "5000", "5,000", "亿元", "5,000亿元"), ("market_size", "5000", "五千", "亿元", "五千亿元"),
    ("market_size", "123", "１２３", "亿元", "１２３亿元"),
    ("price_change", "-4.7", "4.7", "%", "同比下降4.7%"),  # the sign printed as a word
    ("market_share", "50", "半", "%", "占比过半"), ("market_share", "50", "二分之一", "%", "近二分之一"),
    ("market_size", "1", "万亿", "万亿元", "首次突破万亿"),  # the unit's scale word itself
])
def test_value_text_in_the_forms_a_report_prints_a_value(indicator, value, value_text, unit, quote):
    rows = [obs(indicator=indicator, value=value, value_text=value_text, unit=unit, quote=quote, status="estimate")]
    assert failures(rows) == []


@settings(max_examples=40)
@given(st.integers(1, 10**9), st.sampled_from(["{:,}", "{}"]), st.booleans(), st.integers(1, 10**6))
def test_value_text_must_denote_the_value(n, form, full_width, off):
    printed = form.format(n)
    printed = printed.translate(FULL_WIDTH) if full_width else printed
    assert failures([obs(value=str(n), value_text=printed, quote=f"规模{printed}亿元")]) == []
    other = str(n + off)
    assert failures([obs(value=other, value_text=printed, quote=f"规模{printed}亿元")]) == [
        (2, "value_text", printed, NOT_VALUE.format(other))]


# quote offsets


def test_a_full_width_quote_start_is_the_offset_it_writes():
    doc = "前言。" * 4 + "市场规模为100亿元。"
    rows = [obs(quote="市场规模为100亿元", quote_start="１２", quote_end="２２")]
    got = normalise(rows, document=doc)
    assert (got.loc[0, "quote_start"], got.loc[0, "quote_end"]) == (12, 22)
    assert failures([obs(quote="市场规模为100亿元", quote_start="１３")], document=doc) == [
        (2, "quote_start", "13", "the quote is not at this offset of src-a's document")]


def test_a_full_width_quote_start_is_kept_without_a_document(tmp_path, sources_csv):
    """Without the source's document the offset cannot be checked; it was stored as null, now as the number."""
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [write_csv(tmp_path / "a.csv", [obs(quote_start="１２")], [*obs(), "quote_start"])],
               sources=sources_csv)
    assert store.observations().execute()["quote_start"].tolist() == [12]
    store.close()


def test_a_quote_start_that_is_not_a_number_is_a_named_failure_even_with_a_document():
    assert failures([obs(quote_start="十二")], document="市场规模为100亿元") == [
        (2, "quote_start", "十二", "not a character offset (a whole number)")]
