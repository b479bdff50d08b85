"""UN Comtrade bulk files: the 47-column sample reads to hand-written lines; World, aggregate, breakdown and
partial-flow rows are dropped and counted; tab or comma; M49 → ISO3; annual files; missing columns."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from sectorscope.errors import InputError, Reason, ValidationError
from sectorscope.records.formats import read_records, sniff_format
from sectorscope.records.schema import LINE_SCHEMA

from .record_files import COMTRADE_HEADER, COMTRADE_ROWS, ComtradeRow, write_comtrade


def _line(line_no, reporter, flow, partner_code, partner_iso3, cmd, qty, value, *, cif=None, fob=None):
    return {"batch_id": "ct", "line_no": line_no, "dataset": "comtrade", "reporter": reporter, "flow": flow,
            "period_kind": "monthly", "year": 2025, "month": 1, "hs_edition": "HS2022", "hs_code": cmd,
            "hs6": cmd, "hs_chapter": cmd[:2], "commodity_name": f"desc {cmd}", "partner_code": partner_code,
            "partner_iso3": partner_iso3, "trade_mode": None, "province": None,
            "quantity": Decimal(qty).quantize(Decimal("0.001")), "quantity_unit": "u", "quantity2": None,
            "quantity2_unit": None, "value": Decimal(value), "currency": "USD",
            "cif_value": None if cif is None else Decimal(cif), "fob_value": None if fob is None else Decimal(fob)}


EXPECTED = [
    _line(2, "CHN", "import", "392", "JPN", "850110", "120000", "15000000.50", cif="15000000.50"),
    _line(3, "CHN", "import", "276", "DEU", "850110", "30000", "4500000.00", cif="4500000.00"),
    _line(4, "CHN", "import", "842", "USA", "850110", "15000", "2100000.25", cif="2100000.25"),
    _line(5, "CHN", "import", "392", "JPN", "854151", "2500000", "3000000.00", cif="3000000.00"),
    _line(6, "CHN", "import", "276", "DEU", "903180", "1200", "8800000.00", cif="8800000.00"),
    _line(7, "CHN", "import", "842", "USA", "903180", "900", "7200000.75", cif="7200000.75"),
    _line(8, "JPN", "export", "156", "CHN", "850110", "118000", "14500000.00", fob="14500000.00"),
    _line(9, "DEU", "export", "156", "CHN", "903180", "1150", "8400000.40", fob="8400000.40"),
    _line(10, "CHN", "re_import", "392", "JPN", "854151", "100", "2000.00", cif="2000.00"),
]
DROPPED = sorted([
    "dropped 1 World rows (partnerCode 0)",
    "dropped 1 aggregate rows (isAggregate true)",
    "dropped 1 aggregate rows (cmdCode TOTAL or a 2- or 4-digit code)",
    "dropped 1 breakdown rows by mode of transport (motCode not 0)",
    "dropped 1 breakdown rows by customs procedure (customsCode not C00)",
    "dropped 1 breakdown rows by second partner (partner2Code not 0)",
    "dropped 1 rows of flows other than M, X, RM, RX",
])


def _read(path, **kw):
    kw.setdefault("batch_id", "ct")
    kw.setdefault("hs_edition", "HS2022")
    return read_records(path, **kw)


def _lines(rf):
    out = []
    for chunk in rf.chunks():
        assert chunk.schema == LINE_SCHEMA.to_pyarrow()
        out.extend(chunk.to_pylist())
    return out


def test_the_sample_has_47_columns():
    assert len(COMTRADE_HEADER) == 47
    assert sniff_format(COMTRADE_HEADER) == "comtrade"


@pytest.mark.parametrize("delimiter", [",", "\t"])
@pytest.mark.parametrize("chunk_rows", [1, 4, 1000])
def test_sample_reads_to_hand_written_lines_and_counts_what_it_drops(tmp_path, delimiter, chunk_rows):
    path = write_comtrade(tmp_path / "COMTRADE-FINAL-CM.txt", delimiter=delimiter)
    rf = _read(path, chunk_rows=chunk_rows)
    assert _lines(rf) == EXPECTED
    rf.check()
    assert sorted(rf.warnings) == DROPPED
    m = rf.meta
    assert (m.dataset, m.currency, m.grain, m.period_kind, m.container) == (
        "comtrade", "USD", ("commodity", "partner"), "monthly", "tsv" if delimiter == "\t" else "csv")


def test_missing_required_columns_is_a_file_error(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("refYear,refMonth,flowCode,cmdCode,primaryValue\n2025,1,M,850110,5\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs the columns reporterCode or reporterISO, partnerCode or "
                                         "partnerISO, qty, qtyUnitAbbr or qtyUnitCode") as e:
        _read(path)
    assert e.value.reason is Reason.WRONG_SHAPE and e.value.file == str(path)


def test_a_minimal_file_with_period_and_m49_codes_only(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("period,flowCode,reporterCode,partnerCode,cmdCode,qty,qtyUnitCode,primaryValue\n"
                    "202503,M,156,842,850110,10,5,1234.5678\n"
                    "202503,X,156,899,850110,,5,99\n", encoding="utf-8")
    rf = _read(path)
    lines = _lines(rf)
    assert [(x["month"], x["reporter"], x["partner_iso3"], x["quantity"], x["quantity_unit"], x["value"])
            for x in lines] == [(3, "CHN", "USA", Decimal("10.000"), "5", Decimal("1234.57")),
                                (3, "CHN", None, None, None, Decimal("99.00"))]
    assert rf.warnings == ["partners that are areas, not countries, kept without an ISO3 code: 899 (1)"]


def test_an_annual_file_is_cumulative_to_december(tmp_path):
    rows = [replace(r, month="52") for r in COMTRADE_ROWS[:2]]
    path = write_comtrade(tmp_path / "a.csv", rows)
    text = path.read_text(encoding="utf-8").replace(",M,2025520", ",A,2025520").replace(",202552,", ",2025,")
    path.write_text(text, encoding="utf-8")
    rf = _read(path)
    lines = _lines(rf)
    assert rf.meta.period_kind == "cumulative"
    assert [(x["year"], x["month"], x["period_kind"]) for x in lines] == [(2025, 12, "cumulative")] * 2


def test_a_row_of_another_classification_is_a_failure(tmp_path):
    path = write_comtrade(tmp_path / "a.csv", COMTRADE_ROWS[:1])
    path.write_text(path.read_text(encoding="utf-8").replace(",H6,", ",H5,"), encoding="utf-8")
    rf = _read(path)
    _lines(rf)
    with pytest.raises(ValidationError) as e:
        rf.check()
    (f,) = e.value.failures
    assert (f.row, f.field, f.value, f.code) == (2, "classificationCode", "H5", Reason.INCONSISTENT)


def test_two_reporters_exports_of_one_code_in_one_month_are_two_lines_of_one_batch(tmp_path):
    # Japan's and Germany's exports to China of 8501.10 in May: the same flow, month, code and partner, but two
    # reports — a multi-reporter bulk file was once refused as holding duplicates (the key lacked the reporter)
    from sectorscope.records import connect, load_records, open_lines
    from sectorscope.store import Store

    rows = [ComtradeRow("392", "X", "156", "850110", "118000", "5", "u", "", "14500000", "14500000"),
            ComtradeRow("276", "X", "156", "850110", "900", "5", "u", "", "88000", "88000")]
    path = write_comtrade(tmp_path / "two.csv", rows)
    store = Store(tmp_path / "s.duckdb")
    res = load_records(store, path, hs_edition="HS2022", publisher="UN Comtrade")
    assert res.summary.n_lines == 2
    back = open_lines(store, "comtrade", connect("duckdb")).to_pyarrow().to_pylist()
    assert sorted((x["reporter"], x["partner_iso3"], x["value"]) for x in back) == [
        ("DEU", "CHN", Decimal("88000.00")), ("JPN", "CHN", Decimal("14500000.00"))]
    # the same report twice is still a duplicate
    path2 = write_comtrade(tmp_path / "twice.csv", [rows[0], rows[0]])
    with pytest.raises(ValidationError) as e:
        load_records(store, path2, hs_edition="HS2022", publisher="UN Comtrade")
    assert [(f.row, f.code) for f in e.value.failures] == [(3, Reason.DUPLICATE)]
