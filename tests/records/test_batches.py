"""Batches of trade lines as Parquet partitions with a manifest in the store: a round trip with exact types on
DuckDB and Spark; a failing batch changes nothing; duplicates and cumulative problems are named; corrections
replace exactly their cells; totals do not depend on chunking or batch order; gc removes only unlisted files;
a load killed half-way leaves a readable store and no visible lines."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.errors import Reason, RowFailure, StoreError, UnknownCodeError, UsageError, ValidationError
from sectorscope.records.batches import default_root, list_batches, load_batch, records_gc
from sectorscope.records.engine import connect
from sectorscope.records.lines import open_lines
from sectorscope.records.schema import LINE_SCHEMA, BatchMeta
from sectorscope.store import Store

D = Decimal
ARROW = LINE_SCHEMA.to_pyarrow()
SRC = str(Path(__file__).resolve().parents[2] / "src")


def line(batch_id="b1", line_no=2, *, flow="import", year=2025, month=1, hs_code="85011010", partner="116",
         value="100.00", quantity="1.500", period_kind="monthly", **kw):
    row = {"batch_id": batch_id, "line_no": line_no, "dataset": "customs_cn", "reporter": "CHN", "flow": flow,
           "period_kind": period_kind, "year": year, "month": month, "hs_edition": "HS2022", "hs_code": hs_code,
           "hs6": hs_code[:6], "hs_chapter": hs_code[:2], "commodity_name": "微电机", "partner_code": partner,
           "partner_iso3": "JPN" if partner == "116" else None, "trade_mode": None, "province": None,
           "quantity": None if quantity is None else D(quantity), "quantity_unit": "台", "quantity2": None,
           "quantity2_unit": None, "value": D(value), "currency": "USD", "cif_value": None, "fob_value": None}
    row.update(kw)
    return row


def meta(batch_id="b1", *, supersedes=(), period_kind="monthly", source_file=None):
    return BatchMeta(batch_id=batch_id, dataset="customs_cn", source_file=source_file or f"{batch_id}.csv",
                     sha256="0" * 64, publisher="海关总署", hs_edition="HS2022", currency="USD",
                     grain=("commodity", "partner"), period_kind=period_kind, supersedes=tuple(supersedes))


def chunks(rows, size=None):
    size = size or max(len(rows), 1)
    return [pa.RecordBatch.from_pylist(rows[i:i + size], schema=ARROW) for i in range(0, len(rows), size)]


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ROUND_TRIP = [
    line(line_no=2, hs_code="01012100", value="12345678901234.56", quantity="0.001"),
    line(line_no=3, month=2, hs_code="01012100", value="0.01", quantity=None),
    line(line_no=4, flow="export", hs_code="85011010", partner="304", value="7.10"),
    line(line_no=5, hs_code="90318090", partner=None, trade_mode="0110", province="44", value="3.00"),
    line(line_no=6, year=2024, month=12, hs_code="85415100", partner="502", value="99.99",
         cif_value=D("100.00"), fob_value=D("98.00")),
]


def test_a_batch_round_trips_with_exact_types_on_both_engines(engine, tmp_path):
    store = Store(tmp_path / "s.duckdb")
    summary = load_batch(store, meta(), chunks(ROUND_TRIP, 2))
    assert (summary.batch_id, summary.vintage_id, summary.n_lines, summary.n_files, summary.cells_superseded) == \
        ("b1", 1, 5, 5, 0)
    root = default_root(store)
    assert root == tmp_path / "s.records"
    assert tree(root) == [
        "customs_cn/year=2024/month=12/hs_chapter=85/b1_0.parquet",
        "customs_cn/year=2025/month=1/hs_chapter=01/b1_1.parquet",
        "customs_cn/year=2025/month=1/hs_chapter=85/b1_2.parquet",
        "customs_cn/year=2025/month=1/hs_chapter=90/b1_3.parquet",
        "customs_cn/year=2025/month=2/hs_chapter=01/b1_4.parquet",
    ]
    t = open_lines(store, "customs_cn", engine)
    assert {c: typ.copy(nullable=True) for c, typ in t.schema().items()} == \
        {c: typ.copy(nullable=True) for c, typ in LINE_SCHEMA.items()}
    got = engine.to_pyarrow(t)
    assert got.schema.field("value").type == pa.decimal128(20, 2)
    assert got.schema.field("quantity").type == pa.decimal128(20, 3)
    assert got.schema.field("year").type == pa.int32()
    assert got.schema.field("hs_chapter").type == pa.string()
    assert sorted(got.to_pylist(), key=lambda r: r["line_no"]) == ROUND_TRIP
    assert engine.to_pyarrow(open_lines(store, "comtrade", engine)).num_rows == 0  # nothing loaded: no lines
    vintages = store.vintages().execute()
    assert list(vintages["label"]) == ["records: b1.csv"]
    batches = list_batches(store)
    row = batches.iloc[0]
    assert (row["batch_id"], row["n_lines"], row["n_files"], row["period_from"], row["period_to"], row["grain"],
            row["vintage_id"]) == ("b1", 5, 5, "2024-12", "2025-02", "commodity,partner", 1)


def test_a_failing_batch_leaves_the_store_and_the_tree_unchanged(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    load_batch(store, meta(), chunks([line()]))
    store.close()
    before, files = digest(store.path), tree(default_root(store))
    bad = [line("b2", 2), line("b2", 3, partner="304"), line("b2", 5)]
    with pytest.raises(ValidationError) as err:
        load_batch(store, meta("b2"), chunks(bad, 1))
    assert [(f.file, f.row, f.field, f.value, f.code) for f in err.value.failures] == \
        [("b2.csv", 5, "hs_code", "85011010", Reason.DUPLICATE)]
    assert err.value.failures[0].reason == (
        "duplicate line: lines 2 and 5 have the same reporter, flow, year, month, HS code, partner, trade mode, province and "
        "currency; keep one of them")
    store.close()
    assert digest(store.path) == before
    assert tree(default_root(store)) == files
    assert [r["line_no"] for r in open_lines(store, "customs_cn", connect("duckdb")).to_pyarrow().to_pylist()] == [2]


def test_the_readers_failures_refuse_the_batch_and_a_first_batch_creates_no_store(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    reader = RowFailure("b1.csv", 7, "美元", "1,2x", "not a number", code=Reason.BAD_VALUE)
    with pytest.raises(ValidationError) as err:
        load_batch(store, meta(), chunks([line()]), failures=[reader])
    assert err.value.failures == [reader]
    assert not store.path.exists()
    assert tree(default_root(store)) == []


def test_lines_that_disagree_with_their_batch_are_named(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    rows = [line(line_no=2, currency="CNY"), line(line_no=3, partner="304", hs_chapter="84"),
            line(line_no=4, partner="502", month=13)]
    with pytest.raises(ValidationError) as err:
        load_batch(store, meta(), chunks(rows))
    assert [(f.row, f.field, f.value, f.reason) for f in err.value.failures] == [
        (2, "currency", "CNY", "the line's currency is not its batch's ('USD')"),
        (3, "hs_chapter", "84", "hs_chapter is not the first two digits of hs_code"),
        (4, "month", "13", "the month is not 1–12"),
    ]
    assert not store.path.exists()


def test_a_cumulative_batch_is_stored_monthly(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    rows = [line(line_no=2, month=1, value="100.00", quantity="10.000", period_kind="cumulative"),
            line(line_no=3, month=2, value="250.00", quantity="25.000", period_kind="cumulative"),
            line(line_no=4, month=2, value="40.00", quantity=None, partner="304", period_kind="cumulative")]
    load_batch(store, meta(period_kind="cumulative"), chunks(rows))
    got = sorted(open_lines(store, "customs_cn", connect("duckdb")).to_pyarrow().to_pylist(), key=lambda r: r["line_no"])
    assert [(r["line_no"], r["month"], r["value"], r["quantity"], r["period_kind"]) for r in got] == [
        (2, 1, D("100.00"), D("10.000"), "monthly"), (3, 2, D("150.00"), D("15.000"), "monthly"),
        (4, 2, D("40.00"), None, "monthly")]
    assert list_batches(store).iloc[0]["period_kind"] == "cumulative"


def test_a_decreasing_cumulative_batch_is_refused_with_the_named_failure(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    rows = [line(line_no=2, month=1, value="100.00", period_kind="cumulative"),
            line(line_no=3, month=2, value="90.00", period_kind="cumulative"),
            line(line_no=4, month=1, value="5.00", partner="304", period_kind="cumulative"),
            line(line_no=5, month=3, value="9.00", partner="304", period_kind="cumulative")]
    with pytest.raises(ValidationError) as err:
        load_batch(store, meta(period_kind="cumulative"), chunks(rows))
    (down, gap) = err.value.failures
    assert (down.row, down.field, down.value, down.code) == (3, "value", "90.00", Reason.INCONSISTENT)
    assert down.reason.startswith("the cumulative value decreases from month 1 to 2 (100.00 at line 2, then 90.00)")
    assert (gap.row, gap.field, gap.value, gap.code) == (5, "month", "3", Reason.MISSING_VALUE)
    assert gap.reason.startswith("month(s) 2 missing between line 4 (month 1) and this line")
    assert not store.path.exists() and tree(default_root(store)) == []


def _cells(table) -> dict[tuple, Decimal]:
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for r in table.to_pylist():
        out[(r["flow"], r["year"], r["month"], r["hs_chapter"])] += r["value"]
    return dict(out)


def test_a_correction_replaces_exactly_the_cells_it_covers(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    con = connect("duckdb")
    a = [line("a", 2, month=1, value="10.00"), line("a", 3, month=1, partner="304", value="5.00"),
         line("a", 4, month=2, value="20.00"), line("a", 5, flow="export", month=1, value="30.00")]
    load_batch(store, meta("a"), chunks(a))
    b = [line("b", 2, month=1, value="11.00"), line("b", 3, month=3, value="40.00")]
    summary = load_batch(store, meta("b", supersedes=["a"]), chunks(b))
    assert (summary.vintage_id, summary.cells_superseded) == (2, 1)
    assert _cells(open_lines(store, "customs_cn", con).to_pyarrow()) == {
        ("import", 2025, 1, "85"): D("11.00"), ("import", 2025, 2, "85"): D("20.00"),
        ("export", 2025, 1, "85"): D("30.00"), ("import", 2025, 3, "85"): D("40.00")}
    assert _cells(open_lines(store, "customs_cn", con, as_of=1).to_pyarrow()) == {
        ("import", 2025, 1, "85"): D("15.00"), ("import", 2025, 2, "85"): D("20.00"),
        ("export", 2025, 1, "85"): D("30.00")}
    listed = list_batches(store)
    assert list(listed["batch_id"]) == ["a", "b"]
    assert list(listed["cells_superseded"]) == [1, 0]
    assert open_lines(store, "comtrade", con).to_pyarrow().num_rows == 0


def test_a_batch_id_is_never_reused_and_supersedes_only_known_batches(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    load_batch(store, meta(), chunks([line()]))
    files = tree(default_root(store))
    with pytest.raises(StoreError, match="batch 'b1' is already loaded; a batch is never overwritten"):
        load_batch(store, meta(), chunks([line(value="1.00")]))
    with pytest.raises(UnknownCodeError, match="unknown batch to supersede 'b0'"):
        load_batch(store, meta("b2", supersedes=["b0"]), chunks([line("b2")]))
    with pytest.raises(UsageError, match="unknown grain size; a batch's grain is some of partner, commodity"):
        load_batch(store, BatchMeta(**{**meta("b3").__dict__, "grain": ("size",)}), chunks([line("b3")]))
    with pytest.raises(UsageError, match=r"batch id '\.\./x' cannot name files"):
        load_batch(store, meta("../x"), chunks([line("../x")]))
    assert tree(default_root(store)) == files


def _model(batches) -> dict[tuple, Decimal]:
    """The pure-Python meaning of supersession: a batch replaces, in each batch it names, the cells it has."""
    lines: list[tuple[str, tuple, Decimal]] = []
    for bid, rows, sup in batches:
        cells = {(r["flow"], r["year"], r["month"], r["hs_chapter"]) for r in rows}
        lines = [x for x in lines if not (x[0] in sup and x[1] in cells)]
        lines += [(bid, (r["flow"], r["year"], r["month"], r["hs_chapter"]), r["value"]) for r in rows]
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    for _, cell, v in lines:
        out[cell] += v
    return dict(out)


CELL_SPACE = [(f, m, c) for f in ("import", "export") for m in (1, 2) for c in ("01", "85")]
_cell_lines = st.lists(st.tuples(st.sampled_from(CELL_SPACE), st.integers(1, 999)), min_size=1, max_size=6)


def _rows_of(bid, drawn):
    return [line(bid, i + 2, flow=f, month=m, hs_code=f"{c}011010", partner=str(100 + i), value=f"{v}.00")
            for i, ((f, m, c), v) in enumerate(drawn)]


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(_cell_lines, st.sets(st.integers(0, 3), max_size=2)), min_size=1, max_size=4))
def test_current_totals_by_cell_follow_the_model_of_corrections(plan):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.duckdb")
        done: list[tuple[str, list, set]] = []
        for k, (drawn, names) in enumerate(plan):
            bid = f"b{k}"
            sup = {f"b{j}" for j in names if j < k}
            rows = _rows_of(bid, drawn)
            load_batch(store, meta(bid, supersedes=sorted(sup)), chunks(rows))
            done.append((bid, rows, sup))
        assert _cells(open_lines(store, "customs_cn", connect("duckdb")).to_pyarrow()) == _model(done)
        store.close()


@settings(max_examples=8, deadline=None)
@given(_cell_lines, _cell_lines, st.integers(1, 4), st.booleans())
def test_totals_do_not_depend_on_chunking_or_batch_order(first, second, size, swap):
    batches = [("p", _rows_of("p", first)), ("q", _rows_of("q", second))]
    expected = _model([(b, rows, set()) for b, rows in batches])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.duckdb")
        for bid, rows in (reversed(batches) if swap else batches):
            load_batch(store, meta(bid), chunks(rows, size))
        assert _cells(open_lines(store, "customs_cn", connect("duckdb")).to_pyarrow()) == expected
        store.close()


def test_gc_removes_only_files_no_manifest_lists(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    load_batch(store, meta(), chunks([line(), line(line_no=3, month=2)]))
    root = default_root(store)
    listed = tree(root)
    stray = root / "customs_cn/year=2025/month=7/hs_chapter=85/zz_0.parquet"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"PAR1")
    stale = root / "_staging/old/parts/year=2025"
    stale.mkdir(parents=True)
    (stale / "old_0.parquet").write_bytes(b"PAR1")
    assert records_gc(store, dry_run=True) == [stray, root / "_staging/old"]
    assert stray.exists()
    assert records_gc(store) == [stray, root / "_staging/old"]
    assert tree(root) == listed
    assert not (root / "customs_cn/year=2025/month=7").exists()
    assert records_gc(store) == []
    with pytest.raises(StoreError, match=r"no store at .*elsewhere\.duckdb: records gc deletes the files a store"):
        records_gc(Store(tmp_path / "elsewhere.duckdb"), root)
    assert tree(root) == listed


_CHILD = """
import os, sys, time
from pathlib import Path
import pyarrow as pa
sys.path.insert(0, {src!r})
from sectorscope.records.batches import load_batch
from sectorscope.records.schema import LINE_SCHEMA, BatchMeta
from sectorscope.store import Store, record_manifest
from decimal import Decimal

marker = Path({marker!r})
original = record_manifest.commit_batch

def pause():
    marker.write_text("here")
    time.sleep(120)

def commit_batch(*args, **kwargs):
    if {inside!r}:
        return original(*args, before_commit=pause, **kwargs)
    pause()

record_manifest.commit_batch = commit_batch
rows = {rows!r}
for r in rows:
    for k in ("value", "quantity"):
        r[k] = None if r[k] is None else Decimal(r[k])
meta = BatchMeta(batch_id="b2", dataset="customs_cn", source_file="b2.csv", sha256="0" * 64, publisher="x",
                 hs_edition="HS2022", currency="USD", grain=("partner",), period_kind="monthly")
load_batch(Store({store!r}), meta, [pa.RecordBatch.from_pylist(rows, schema=LINE_SCHEMA.to_pyarrow())])
"""


@pytest.mark.parametrize("inside", [False, True], ids=["files-placed", "inside-the-transaction"])
def test_a_load_killed_half_way_leaves_a_readable_store_and_no_visible_lines(tmp_path, inside):
    store = Store(tmp_path / "s.duckdb")
    load_batch(store, meta(), chunks([line()]))
    store.close()
    rows = [{**line("b2", 2, month=3), "value": "5.00", "quantity": "1.000"},
            {**line("b2", 3, month=4), "value": "6.00", "quantity": None}]
    marker = tmp_path / "marker"
    script = _CHILD.format(src=SRC, marker=str(marker), inside=inside, rows=rows, store=str(store.path))
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    root = default_root(store)
    placed = [p for p in tree(root) if "/b2_" in p]
    assert len(placed) == 2  # the files were in the tree, unlisted
    again = Store(store.path)
    assert list(again.vintages().execute()["vintage_id"]) == [1]
    got = open_lines(again, "customs_cn", connect("duckdb")).to_pyarrow().to_pylist()
    assert [(r["batch_id"], r["line_no"]) for r in got] == [("b1", 2)]
    removed = records_gc(again)
    assert sorted(p.relative_to(root).as_posix() for p in removed if p.suffix == ".parquet") == placed
    assert [p for p in tree(root) if "/b2_" in p] == []
    # the batch id is free again: the killed load committed nothing
    assert load_batch(again, meta("b2"), chunks([line("b2")])).vintage_id == 2


def test_chunks_in_any_order_become_about_one_file_a_cell(tmp_path):
    # generated lines come month after month across hundreds of cells, in small chunks: the load sorts them by
    # cell, so the files are the cells (a few more where DuckDB's two threads split a cell), not several a cell
    from sectorscope.records import generate_lines
    from sectorscope.store import record_manifest

    con = connect("duckdb")
    store = Store(tmp_path / "s.duckdb")
    m = BatchMeta(batch_id="g", dataset="customs_cn", source_file="generate_lines", sha256="0" * 64,
                  publisher="sectorscope generator", hs_edition="HS2022", currency="USD",
                  grain=("commodity", "partner", "province", "trade_mode"), period_kind="monthly")
    summary = load_batch(store, m, generate_lines(con, 60_000, batch_id="g").to_pyarrow_batches(chunk_size=2_000))
    files = record_manifest.current_files(store, "customs_cn", None)
    cells = files.groupby(["year", "month", "hs_chapter", "flow"]).size()
    assert summary.n_lines == 60_000 and len(cells) > 300
    assert len(files) <= len(cells) + 16  # was 8 files a cell in the stream's order
