"""Reading lines by the manifest's cells (records/lines.py): `open_lines(..., years=, months=, chapters=, flows=)` opens only the
files of the cells asked for (asserted on the file list `line_files` gives), and its totals are those of the
same lines filtered after reading everything."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.errors import UsageError
from sectorscope.records import lines
from sectorscope.records.batches import default_root, load_batch
from sectorscope.records.engine import connect
from sectorscope.records.lines import filter_lines, line_files, matching_lines, open_lines
from sectorscope.records.schema import LINE_SCHEMA, BatchMeta
from sectorscope.store import Store

D = Decimal
ARROW = LINE_SCHEMA.to_pyarrow()

#      flow,    year, month, hs_code,   value
ROWS = [
    ("import", 2024, 1, "85011010", "10.00"),
    ("import", 2024, 1, "90318090", "1.50"),
    ("export", 2024, 1, "85011010", "20.00"),
    ("import", 2024, 2, "85011010", "30.00"),
    ("import", 2025, 1, "85011010", "40.00"),
    ("import", 2025, 1, "85011091", "0.25"),  # a second line of the cell (import, 2025, 1, 85)
    ("export", 2025, 2, "90318090", "50.00"),
    ("import", 2025, 3, "90318090", "60.00"),
    ("import", 2025, 3, "09011100", "7.00"),  # chapter 09: the zero stays
]
CELLS = {(f, y, m, c[:2]) for f, y, m, c, _ in ROWS}


def _line(n: int, flow: str, year: int, month: int, code: str, value: str) -> dict:
    return {"batch_id": "b1", "line_no": n, "dataset": "customs_cn", "reporter": "CHN", "flow": flow,
            "period_kind": "monthly", "year": year, "month": month, "hs_edition": "HS2022", "hs_code": code,
            "hs6": code[:6], "hs_chapter": code[:2], "commodity_name": None, "partner_code": "116",
            "partner_iso3": "JPN", "trade_mode": None, "province": None, "quantity": D("1.000"),
            "quantity_unit": "台", "quantity2": None, "quantity2_unit": None, "value": D(value), "currency": "USD",
            "cif_value": None, "fob_value": None}


def _load(path: Path) -> Store:
    store = Store(path / "s.duckdb")
    rows = [_line(n, *r) for n, r in enumerate(ROWS, start=2)]
    meta = BatchMeta(batch_id="b1", dataset="customs_cn", source_file="b1.csv", sha256="0" * 64, publisher="海关总署",
                     hs_edition="HS2022", currency="USD", grain=("commodity", "partner"), period_kind="monthly")
    load_batch(store, meta, [pa.RecordBatch.from_pylist(rows, schema=ARROW)])
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return _load(tmp_path_factory.mktemp("lines"))


def cells_of(files: list[Path]) -> set[tuple[str, int, int, str]]:
    """The cell of each file, read from its own lines (every file holds one cell)."""
    import pyarrow.parquet as pq

    out = set()
    for f in files:
        t = pq.read_table(f, columns=["flow", "year", "month", "hs_chapter"]).to_pylist()
        assert len({tuple(r.values()) for r in t}) == 1, f"{f} holds more than one cell"
        r = t[0]
        out.add((r["flow"], r["year"], r["month"], r["hs_chapter"]))
    return out


def totals(table: pa.Table) -> dict[tuple[str, int, int, str], Decimal]:
    out: dict[tuple[str, int, int, str], Decimal] = defaultdict(Decimal)
    for r in table.to_pylist():
        out[(r["flow"], r["year"], r["month"], r["hs_chapter"])] += r["value"]
    return dict(out)


def test_without_filters_every_current_file_is_read(store):
    files = line_files(store, "customs_cn")
    assert len(files) == len(CELLS) == 8
    assert cells_of(files) == CELLS
    assert all(f.is_relative_to(default_root(store)) for f in files)


def test_a_year_reads_only_that_years_files_and_its_totals_are_unchanged(store):
    files = line_files(store, "customs_cn", years=2024)
    assert cells_of(files) == {("import", 2024, 1, "85"), ("import", 2024, 1, "90"), ("export", 2024, 1, "85"),
                               ("import", 2024, 2, "85")}
    assert all("/year=2024/" in f.as_posix() for f in files)
    got = totals(open_lines(store, "customs_cn", connect("duckdb"), years=2024).to_pyarrow())
    assert got == {("import", 2024, 1, "85"): D("10.00"), ("import", 2024, 1, "90"): D("1.50"),
                   ("export", 2024, 1, "85"): D("20.00"), ("import", 2024, 2, "85"): D("30.00")}


def test_filters_combine_and_take_one_value_or_several(store):
    files = line_files(store, "customs_cn", years=[2025], months=(1, 3), chapters=85, flows="import")
    assert cells_of(files) == {("import", 2025, 1, "85")}
    got = totals(open_lines(store, "customs_cn", connect("duckdb"), years=[2025], months=(1, 3), chapters="85",
                            flows=["import"]).to_pyarrow())
    assert got == {("import", 2025, 1, "85"): D("40.25")}  # 40.00 + 0.25, both lines of the cell
    assert cells_of(line_files(store, "customs_cn", chapters=[9, "90"])) == {
        ("import", 2024, 1, "90"), ("export", 2025, 2, "90"), ("import", 2025, 3, "90"), ("import", 2025, 3, "09")}


def test_a_filter_that_matches_no_cell_reads_nothing(store):
    assert line_files(store, "customs_cn", years=2023) == []
    t = open_lines(store, "customs_cn", connect("duckdb"), years=2023)
    assert t.schema() == LINE_SCHEMA
    assert t.to_pyarrow().num_rows == 0


@pytest.mark.parametrize(("kw", "message"), [
    ({"chapters": "850"}, "an HS chapter is one or two digits (85, '09'); got '850'"),
    ({"flows": "imports"}, "unknown flow 'imports'; flows are import, export, re_import, re_export"),
])
def test_a_wrong_filter_is_a_usage_error(store, kw, message):
    with pytest.raises(UsageError) as err:
        line_files(store, "customs_cn", **kw)
    assert str(err.value) == message


@settings(max_examples=25, deadline=None)
@given(years=st.none() | st.sets(st.sampled_from([2024, 2025])), months=st.none() | st.sets(st.integers(1, 3)),
       chapters=st.none() | st.sets(st.sampled_from(["85", "90", "09"])),
       flows=st.none() | st.sets(st.sampled_from(["import", "export"])))
def test_pruned_totals_equal_the_totals_of_all_lines_filtered_after_reading(store, years, months, chapters, flows):
    con = connect("duckdb")
    everything = totals(open_lines(store, "customs_cn", con).to_pyarrow())
    expected = {cell: v for cell, v in everything.items()
                if (years is None or cell[1] in years) and (months is None or cell[2] in months)
                and (chapters is None or cell[3] in chapters) and (flows is None or cell[0] in flows)}
    files = line_files(store, "customs_cn", years=years, months=months, chapters=chapters, flows=flows)
    assert cells_of(files) == set(expected)
    got = totals(open_lines(store, "customs_cn", con, years=years, months=months, chapters=chapters,
                            flows=flows).to_pyarrow())
    assert got == expected


def test_pruning_reads_the_same_lines_on_both_engines(engine, store):
    t = open_lines(store, "customs_cn", engine, years=2025, chapters="90")
    got = totals(engine.to_pyarrow(t))
    assert got == {("export", 2025, 2, "90"): D("50.00"), ("import", 2025, 3, "90"): D("60.00")}


def test_duckdb_does_not_keep_the_files_it_reads(store):
    """DuckDB's external file cache would keep every Parquet block read: memory growing with the record set."""
    con = connect("duckdb")
    open_lines(store, "customs_cn", con)
    assert con.raw_sql("SELECT current_setting('enable_external_file_cache')").fetchone()[0] is False


def _ids(t) -> list[int]:
    return sorted(r["line_no"] for r in t.select("line_no").to_pyarrow().to_pylist())


@settings(max_examples=40, deadline=None)
@given(hs=st.none() | st.sampled_from(["8", "85", "8501", "85.01", "850110", "9031", "09", "0", "x5", "90.31.80"]),
       flow=st.none() | st.sampled_from(["import", "export"]), year=st.none() | st.sampled_from([2024, 2025, 2023]),
       month=st.none() | st.integers(1, 3))
def test_matching_lines_are_the_filtered_lines_read_from_fewer_files(store, hs, flow, year, month):
    # the CLI's and the API's line listings: the same lines as filtering everything, from the cells that can match
    con = connect("duckdb")
    wanted = {"hs": hs, "flow": flow, "year": year, "month": month}
    assert _ids(matching_lines(store, "customs_cn", con, **wanted)) == \
        _ids(filter_lines(open_lines(store, "customs_cn", con), **wanted))


def test_a_chapter_month_and_flow_open_only_their_cell(store, monkeypatch):
    opened: list[Path] = []

    def spy(*args, **kwargs):
        files = line_files(*args, **kwargs)
        opened.extend(files)
        return files

    monkeypatch.setattr(lines, "line_files", spy)
    t = matching_lines(store, "customs_cn", connect("duckdb"), hs="8501.10", flow="import", year=2025, month=1)
    assert _ids(t) == [6, 7]  # 85011010 and 85011091, the two lines of the cell
    assert cells_of(opened) == {("import", 2025, 1, "85")}
