"""Exports of a query: CSV (plain and for Excel), Parquet and SDMX-CSV read back — SDMX-CSV through the sdmx1
client with the structure we write — and compared with the store, value for value."""
from __future__ import annotations

import csv
import io
import json
import math
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sdmx
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sectorscope.cli.main import app
from sectorscope.errors import InputError, StoreError
from sectorscope.ingest import load_default
from sectorscope.model.observation import DIMENSIONS, OBSERVATION_COLUMNS, parse_period
from sectorscope.report import export as ex
from sectorscope.report import files
from sectorscope.report.export import (
    EXPORT_COLUMNS,
    EXPORT_ORDER,
    csv_guard,
    csv_unguard,
    export_query,
    format_for_path,
    formula_like,
)
from sectorscope.report.sdmx_export import (
    SDMX_ATTRIBUTES,
    SDMX_DIMENSIONS,
    SDMX_FLOW,
    sdmx_structure,
    sdmx_time_period,
    structure_path,
)
from sectorscope.store import Batch, Store

FIXED = datetime(2026, 1, 1, tzinfo=UTC)
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "'quoted", "\tTab", "\rCR", "-6.5e3", "-"]


# ---- stores ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def default_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("x") / "s.duckdb")
    load_default(store, loaded_at=FIXED)
    yield store
    store.close()


def _row(**kw) -> dict:
    """One store-ready observation (what `Store.write` takes); keywords override."""
    row: dict[str, object] = {c: None for c in OBSERVATION_COLUMNS if c not in ("obs_id", "obs_key", "vintage_id")}
    row.update(indicator="market_size", subject="测试市场", region="中国", period="2024", value=1e10,
               qualifier="exact", unit="元", value_as_printed="100", unit_as_printed="亿元", status="actual",
               source_id="src-a", quote="市场规模为100亿元", location="p1", withdrawn=False)
    row.update(kw)
    p = parse_period(row["period"])
    row["period_start"], row["period_end"] = p.start, p.end
    return row


def _store(path: Path, rows: list[dict], *, loaded_at: datetime = FIXED) -> Store:
    store = Store(path)
    store.write(Batch(observations=pd.DataFrame(rows)), loaded_at=loaded_at)
    return store


@pytest.fixture
def hand_store(tmp_path):
    """Hostile text, analysis columns (intervals, formula, input ids), a span, a quarter, empty dimensions."""
    rows = [_row(quote=q, location=f"p{i}", value_as_printed=q, note=None) for i, q in enumerate(HOSTILE)]
    rows += [
        _row(indicator="market_size", period="2025/2030", location="cagr", value=0.123, unit="%",
             status="forecast", product="热成像仪"),
        _row(period="2025Q3", location="q", product="", company="公司,\"甲\"", quote="第三季度\n规模"),
        _row(source_id="sectorscope", status="derived", location="派生", formula="a / b * 100",
             input_ids=[3, 5], lo80=1.0, hi80=2.0, lo95=0.5, hi95=2.5, method="Monte-Carlo", value=-1.5),
        _row(source_id="sectorscope", status="derived", location="派生2", formula="x", input_ids=[]),
    ]
    store = _store(tmp_path / "h.duckdb", rows)
    yield store
    store.close()


def _expected(store: Store, **filters) -> pa.Table:
    t = store.query(**filters).order_by(list(EXPORT_ORDER)).select(*EXPORT_COLUMNS)
    return t.to_pyarrow()


def _ids_json(values: list) -> list:
    return [None if v is None else json.dumps(v, separators=(",", ":")) for v in values]


def _read_csv(path: Path, schema: pa.Schema) -> pa.Table:
    """Read our CSV back exactly: quoted "" is an empty text, an unquoted empty field is missing."""
    types = {f.name: (pa.string() if f.name == "input_ids" else f.type) for f in schema}
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False))


def _assert_csv_equals_store(path: Path, expected: pa.Table, *, excel: bool) -> None:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == excel
    got = _read_csv(path, expected.schema)
    assert got.column_names == list(EXPORT_COLUMNS)
    assert got.num_rows == expected.num_rows
    for name in EXPORT_COLUMNS:
        want = expected[name].to_pylist()
        have = got[name].to_pylist()
        if name == "input_ids":
            want = _ids_json(want)
        if excel and pa.types.is_string(got[name].type):
            for cell in have:  # nothing a spreadsheet could run is left
                assert cell is None or not formula_like(cell) or ex._PLAIN_NUMBER_RE.fullmatch(cell), cell
            assert have == [None if v is None else csv_guard(v) for v in want], name  # engine = Python twin
            have = [None if v is None else csv_unguard(v) for v in have]
        assert have == want, name
        if pa.types.is_floating(expected[name].type) or pa.types.is_integer(expected[name].type):
            assert got[name].type == expected[name].type, name  # numbers stay numbers


# ---- CSV and Parquet -------------------------------------------------------------------------------
@pytest.mark.parametrize("excel", [False, True])
def test_csv_of_the_default_dataset_equals_the_store(default_store, tmp_path, excel):
    summary = export_query(default_store, tmp_path / "all.csv", excel=excel)
    expected = _expected(default_store)
    assert (summary.rows, summary.fmt, summary.vintage_id) == (expected.num_rows, "csv", 1) and summary.rows > 600
    _assert_csv_equals_store(summary.path, expected, excel=excel)


def test_parquet_of_the_default_dataset_equals_the_store(default_store, tmp_path):
    summary = export_query(default_store, tmp_path / "all.parquet", indicator=["market_size", "growth_rate"])
    expected = _expected(default_store, indicator=["market_size", "growth_rate"])
    got = pq.read_table(summary.path)
    assert summary.rows == got.num_rows == expected.num_rows > 20
    assert got.schema.names == list(EXPORT_COLUMNS)
    assert [f.type for f in got.schema] == [f.type for f in expected.schema]
    assert got.to_pylist() == expected.to_pylist()


def test_excel_csv_guards_text_and_keeps_numbers(hand_store, tmp_path):
    path = export_query(hand_store, tmp_path / "h.csv").path
    _assert_csv_equals_store(path, _expected(hand_store), excel=True)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    quotes = {r["location"]: r["quote"] for r in rows}
    assert quotes["p0"] == "'=HYPERLINK(\"http://x\",\"y\")" and quotes["p1"] == "'+1+1"
    assert quotes["p3"] == "'@SUM(A1)" and quotes["p4"] == "''quoted" and quotes["p5"] == "'\tTab"
    assert quotes["p2"] == "-2" and quotes["p7"] == "-6.5e3"  # plain numbers: nothing to run, left alone
    assert quotes["p8"] == "'-"
    derived = next(r for r in rows if r["location"] == "派生")
    assert derived["value"] == "-1.5" and derived["input_ids"] == "[3,5]" and derived["lo95"] == "0.5"
    assert next(r for r in rows if r["location"] == "派生2")["input_ids"] == "[]"
    # the plain flavour writes every text exactly
    plain = export_query(hand_store, tmp_path / "p.csv", excel=False).path
    _assert_csv_equals_store(plain, _expected(hand_store), excel=False)


@given(st.text(alphabet=st.sampled_from(list("=+-@'\t\r\n .,\"e0123456789中文a")), max_size=8))
def test_csv_guard_round_trips_and_disarms(text):
    guarded = csv_guard(text)
    assert csv_unguard(guarded) == text
    assert not formula_like(guarded) or ex._PLAIN_NUMBER_RE.fullmatch(guarded)


def test_filters_and_as_of_are_the_query_filters(tmp_path):
    store = _store(tmp_path / "v.duckdb", [_row(), _row(indicator="growth_rate", unit="%", value=5.0, location="g")])
    store.write(Batch(observations=pd.DataFrame([_row(value=2e10), _row(period="2025", location="p2")])),
                loaded_at=datetime(2026, 2, 1, tzinfo=UTC))
    got = pq.read_table(export_query(store, tmp_path / "a.parquet", indicator="market_size").path)
    assert sorted(zip(got["period"].to_pylist(), got["value"].to_pylist(), strict=True)) == [("2024", 2e10), ("2025", 1e10)]
    old = export_query(store, tmp_path / "b.parquet", as_of="v1", indicator="market_size")
    assert old.vintage_id == 1 and pq.read_table(old.path)["value"].to_pylist() == [1e10]
    by_date = export_query(store, tmp_path / "c.csv", as_of="2026-01-15", status="actual", subject="测试市场")
    assert by_date.rows == 2 and by_date.vintage_id == 1
    assert export_query(store, tmp_path / "d.csv", period="2030").rows == 0
    with pytest.raises(StoreError, match="unknown dimension"):
        export_query(store, tmp_path / "e.csv", colour="red")
    assert not (tmp_path / "e.csv").exists()
    store.close()


# ---- errors and atomicity --------------------------------------------------------------------------
def test_format_names_and_paths(tmp_path, hand_store):
    assert format_for_path("a/b.CSV") == "csv" and format_for_path("x.sdmx.csv") == "sdmx-csv"
    assert format_for_path("x.parquet") == "parquet"
    assert structure_path("out/x.sdmx.csv") == Path("out/x.structure.xml")
    assert structure_path("out/y.csv") == Path("out/y.structure.xml")
    with pytest.raises(InputError, match=r"cannot tell the export format.*\.csv, \.sdmx\.csv or \.parquet"):
        export_query(hand_store, tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="unknown export format 'json'; choose one of csv, parquet, sdmx-csv"):
        export_query(hand_store, tmp_path / "x.csv", fmt="json")
    with pytest.raises(InputError, match="unknown SDMX-CSV version"):
        export_query(hand_store, tmp_path / "x.csv", fmt="sdmx-csv", sdmx_version="3")
    for fmt in ("csv", None):
        with pytest.raises(InputError, match="is a folder; give a file name inside it"):
            export_query(hand_store, tmp_path, fmt=fmt)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot create the folder"):
        export_query(hand_store, blocker / "x.csv")
    deep = export_query(hand_store, tmp_path / "new" / "dir" / "x.parquet")
    assert deep.path.is_file()


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sdmx-csv"])
def test_a_failed_export_leaves_no_half_file(hand_store, tmp_path, monkeypatch, fmt):
    target = tmp_path / "out" / "x.out"
    target.parent.mkdir()
    target.write_bytes(b"before")

    def broken(table):
        reader = table.to_pyarrow_batches()

        def gen():
            yield next(iter(reader))
            raise RuntimeError("disk on fire")

        return pa.RecordBatchReader.from_batches(reader.schema, gen())

    monkeypatch.setattr(files, "_batches", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_query(hand_store, target, fmt=fmt)
    assert target.read_bytes() == b"before"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.out"]  # no temp file, no structure file


# ---- SDMX-CSV --------------------------------------------------------------------------------------
def _read_sdmx(summary) -> tuple[list[tuple], object]:
    """(key values…, TIME_PERIOD, OBS_VALUE, attributes) per observation, read by the sdmx1 client."""
    structure = sdmx.read_sdmx(summary.structure)
    assert isinstance(structure, sdmx.message.StructureMessage)
    flow = structure.dataflow["OBSERVATIONS"]
    message = sdmx.read_sdmx(summary.path, structure=flow)
    assert isinstance(message, sdmx.message.DataMessage)
    assert len(message.data) == 1
    out = []
    for obs in message.data[0].obs:
        key = tuple(obs.dimension.values[d].value for d, *_ in SDMX_DIMENSIONS)
        attrs = {k: v.value for k, v in obs.attached_attribute.items()}
        out.append((key, obs.dimension.values["TIME_PERIOD"].value, obs.value, attrs))
    return out, flow


def _sdmx1_text(text: str | None) -> str:
    """A text as sdmx1 2.28 reads it from SDMX-CSV: its reader splits the file into lines before parsing the
    CSV, so a line break inside a quoted value is lost (the file itself holds it; see docs/exports.md)."""
    return "".join((text or "").splitlines())


def _store_keys(expected: pa.Table, *, lose_newlines: bool = False) -> list[tuple]:
    def code(v):
        v = "_Z" if v in (None, "") else v
        return _sdmx1_text(v) if lose_newlines else v

    rows = expected.to_pylist()
    return [(tuple(code(r[col]) for _, col, *_ in SDMX_DIMENSIONS), sdmx_time_period(r["period"]), r["value"])
            for r in rows]


def test_sdmx_csv_of_the_default_dataset_reads_back_with_sdmx1(default_store, tmp_path):
    summary = export_query(default_store, tmp_path / "obs.sdmx.csv")
    assert summary.fmt == "sdmx-csv" and summary.structure == tmp_path / "obs.structure.xml"
    got, flow = _read_sdmx(summary)
    dsd = flow.structure
    assert [d.id for d in dsd.dimensions] == [d for d, *_ in SDMX_DIMENSIONS] + ["TIME_PERIOD"]
    assert [a.id for a in dsd.attributes] == [a for a, *_ in SDMX_ATTRIBUTES]
    assert str(flow.name["zh"]) == "sectorscope 指标数据"
    expected = _expected(default_store)
    want = _store_keys(expected)
    assert len(got) == summary.rows == len(want) == expected.num_rows
    # the figure key makes every (series key, period) unique, so each observation is one figure
    assert len({(k, p) for k, p, _, _ in got}) == len(got)
    assert {(k, p): float(v) for k, p, v, _ in got} == {(k, p): v for k, p, v in want}
    by_id = {int(a["OBS_ID"]): a for _, _, _, a in got}
    for r in expected.to_pylist():
        a = by_id[r["obs_id"]]
        assert (a["UNIT_MEASURE"], a["OBS_STATUS"], a["QUALIFIER"], a["QUOTE"]) == (
            r["unit"], r["status"], r["qualifier"], _sdmx1_text(r["quote"]))
    # the file holds the quotes exactly (some of the seeds' quotes span lines)
    rows = {int(r["OBS_ID"]): r for r in csv.DictReader(io.StringIO(summary.path.read_text("utf-8"), newline=""))}
    assert any("\n" in (r["quote"] or "") for r in expected.to_pylist())
    assert all(rows[r["obs_id"]]["QUOTE"] == (r["quote"] or "") for r in expected.to_pylist())
    # the indicator codelist names what the catalog names
    cl = dsd.dimensions.get("INDICATOR").local_representation.enumerated
    assert str(cl["market_size"].name["zh"]) == "市场规模" and str(cl["market_size"].name["en"]) == "Market size"


def test_sdmx_csv_hand_store_periods_attributes_and_version_1(hand_store, tmp_path):
    v2 = export_query(hand_store, tmp_path / "h.sdmx.csv")
    got, _ = _read_sdmx(v2)
    periods = Counter(p for _, p, _, _ in got)
    assert periods["2025-01-01/P6Y"] == 1 and periods["2025-Q3"] == 1
    derived = next(a for _, _, _, a in got if a["FORMULA"] == "a / b * 100")
    assert (derived["INPUT_IDS"], derived["LO80"], derived["HI95"], derived["METHOD"]) == ("[3,5]", "1", "2.5",
                                                                                            "Monte-Carlo")
    header = v2.path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,")
    v1 = export_query(hand_store, tmp_path / "h1.sdmx.csv", sdmx_version="1.0")
    rows1 = list(csv.reader(io.StringIO(v1.path.read_text(encoding="utf-8"), newline="")))
    rows2 = list(csv.reader(io.StringIO(v2.path.read_text(encoding="utf-8"), newline="")))
    assert rows1[0][0] == "DATAFLOW" and rows1[0][1:] == rows2[0][3:]
    assert all(r[0] == SDMX_FLOW for r in rows1[1:]) and [r[1:] for r in rows1[1:]] == [r[3:] for r in rows2[1:]]
    assert all(r[:3] == ["dataflow", SDMX_FLOW, "I"] for r in rows2[1:])
    assert v1.structure.read_bytes() == v2.structure.read_bytes()


def test_sdmx_time_periods():
    assert [sdmx_time_period(p) for p in ("2025", "2025Q3", "2025-03", "2025/2030")] == [
        "2025", "2025-Q3", "2025-03", "2025-01-01/P6Y"]


def test_sdmx_structure_is_deterministic_and_codes_only_valid_ids():
    names = [("market_size", "Market size", "市场规模")]
    a = sdmx_structure(names, prepared=FIXED, vintage_id=3)
    assert a == sdmx_structure(names, prepared=FIXED, vintage_id=3)
    assert b"<mes:Prepared>2026-01-01T00:00:00Z</mes:Prepared>" in a and b'id="CL_INDICATOR"' in a
    odd = sdmx_structure([("市场 规模", "x", "y")], prepared=FIXED)
    assert b'id="CL_INDICATOR"' not in odd  # not a valid SDMX id: the dimension is left uncoded
    flow = sdmx.read_sdmx(io.BytesIO(odd)).dataflow["OBSERVATIONS"]
    assert flow.structure.dimensions.get("INDICATOR").local_representation.enumerated is None


# ---- any small store: every format reads back as stored --------------------------------------------
_TEXT = st.text(alphabet=st.sampled_from(list("中文市场规模ab ,\"'\n=+-@é9")), min_size=0, max_size=6)
_DIM = st.one_of(st.none(), st.just(""), _TEXT)
_FIGURE = st.fixed_dictionaries({
    "indicator": st.sampled_from(["market_size", "growth_rate", "x-1"]),
    "subject": _TEXT.filter(bool),
    **{d: _DIM for d in DIMENSIONS if d != "subject"},
    "period": st.sampled_from(["2020", "2024Q2", "2023-11", "2025/2030"]),
    "source_id": st.sampled_from(["src-a", "来源,乙"]),
    "location": _DIM,
    "value": st.floats(allow_nan=False, allow_infinity=False, width=64),
    "quote": st.one_of(st.none(), _TEXT),
    "value_as_printed": st.one_of(st.none(), _TEXT),
    "unit": st.sampled_from(["元", "%", ""]),
    "input_ids": st.one_of(st.none(), st.lists(st.integers(1, 10**12), max_size=3)),
    "lo80": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
})


def _figure_key(f: dict) -> tuple:
    return tuple(f[c] or "" for c in ("source_id", "indicator", *DIMENSIONS, "period", "location"))


@settings(max_examples=12)
@given(st.lists(_FIGURE, min_size=1, max_size=8, unique_by=_figure_key))
def test_any_small_store_reads_back_from_every_format(figures):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = _store(tmp / "s.duckdb", [_row(**f) for f in figures])
        try:
            expected = _expected(store)
            assert expected.num_rows == len(figures)
            for excel in (False, True):
                path = export_query(store, tmp / f"e{excel}.csv", excel=excel).path
                _assert_csv_equals_store(path, expected, excel=excel)
            got = pq.read_table(export_query(store, tmp / "a.parquet").path)
            assert got.to_pylist() == expected.to_pylist()

            summary = export_query(store, tmp / "a.sdmx.csv")
            # the file itself, read by Python's csv module, holds every key and value exactly …
            rows = list(csv.DictReader(io.StringIO(summary.path.read_text(encoding="utf-8"), newline="")))
            exact = [(tuple(r[d] for d, *_ in SDMX_DIMENSIONS), r["TIME_PERIOD"], float(r["OBS_VALUE"])) for r in rows]
            assert sorted(exact) == sorted(_store_keys(expected))
            # … and sdmx1 reads the same values (less line breaks inside values, see _sdmx1_text)
            sdmx_rows, _ = _read_sdmx(summary)
            assert sorted((k, p, float(v)) for k, p, v, _ in sdmx_rows) == sorted(
                _store_keys(expected, lose_newlines=True))
            assert all(math.isfinite(float(v)) for _, _, v, _ in sdmx_rows)
        finally:
            store.close()


# ---- the command -------------------------------------------------------------------------------------
def test_export_command(hand_store, tmp_path):
    runner = CliRunner()
    store = str(hand_store.path)
    hand_store.close()
    r = runner.invoke(app, ["export", str(tmp_path / "a.csv"), "--store", store, "-i", "market_size",
                            "--dim", "product=热成像仪"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "1 rows written (vintage v1)" in r.output and str((tmp_path / "a.csv").resolve()) in r.output
    assert "CSV for Excel" in r.output
    r = runner.invoke(app, ["export", str(tmp_path / "b.sdmx.csv"), "--store", store, "--plain"],
                      env={"COLUMNS": "200"})
    assert r.exit_code == 0 and "SDMX-CSV 2.0" in r.output and "b.structure.xml" in r.output
    r = runner.invoke(app, ["export", str(tmp_path / "c.data"), "--store", store, "--format", "parquet",
                            "--as-of", "v1", "--status", "derived", "--source", "sectorscope"])
    assert r.exit_code == 0 and "2 rows written" in r.output and pq.read_table(tmp_path / "c.data").num_rows == 2
    r = runner.invoke(app, ["export", str(tmp_path / "d.csv"), "--store", store, "--format", "xml"])
    assert r.exit_code == 2 and "unknown export format 'xml'" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["export", str(tmp_path / "d.csv"), "--store", store, "--dim", "oops"])
    assert r.exit_code == 2 and "NAME=VALUE" in r.output
    r = runner.invoke(app, ["export", str(tmp_path / "d.csv"), "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 1 and "no store at" in r.output and not (tmp_path / "d.csv").exists()
