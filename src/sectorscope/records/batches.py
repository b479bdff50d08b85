"""Batches of trade lines kept as Parquet partitions that the store's manifest lists: staged, checked, renamed
into the record tree and committed atomically; never overwritten; replaced cell by cell by corrections.

    <store folder>/<store stem>.records/
        _staging/<batch_id>/…                          a load in progress (or a killed one: records_gc)
        <dataset>/year=2025/month=3/hs_chapter=85/<batch_id>_<n>.parquet

Why this protocol: a batch can be gigabytes, too big for the store's own write path, yet a reader must see all
of a batch or none of it. So the lines are written (DuckDB's COPY … PARTITION_BY, streamed from Arrow) into a
staging folder outside the tree, checked there set-based, renamed into the tree under names no other batch
uses, and only then made visible by one store transaction (store.record_manifest) that also makes the batch a
vintage. A kill before that commit leaves files no manifest row lists, which no reader opens: readers open the
manifest's file lists, never a folder or a glob (DuckDB's `**` descends into dot-folders; partition values read
back from folder names are typed by guess, `hs_chapter=01` as the integer 1). Each file holds one cell
(flow, year, month, chapter), so a correction supersedes whole files and "current" is a manifest query.

Why the partition columns are also written inside the files (WRITE_PARTITION_COLUMNS): their types then come
from the file (hs_chapter stays the text "01"), and the files are read with partition discovery off.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Reason, RowFailure, StoreError, UsageError, ValidationError
from ..store import record_manifest
from .cumulative import SERIES, cumulative_failures, cumulative_to_monthly
from .schema import DATASETS, LINE_SCHEMA, BatchMeta, Flow, Grain, PeriodKind

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd
    import pyarrow as pa
    from ibis.backends import BaseBackend

    from ..store import Store

__all__ = [
    "DUPLICATE_KEY",
    "MEMORY_LIMIT",
    "OPEN_CELLS",
    "STAGING",
    "BatchSummary",
    "default_root",
    "list_batches",
    "load_batch",
    "load_staged_table",
    "records_gc",
]

STAGING = "_staging"
DUPLICATE_KEY = ("reporter", "flow", "year", "month", "hs_code", "partner_code", "trade_mode", "province", "currency")
_BATCH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_FILE = re.compile(r"(?P<batch>.+)_(?P<n>\d+)\.parquet")
OPEN_CELLS = 8  # files a load's partitioned COPY keeps open (its input sorted by cell)
MEMORY_LIMIT = "3GB"  # DuckDB's memory while it loads a batch (the rest spills to the staging folder)
_LIMIT = 1000  # failures collected per rule: enough to act on, a flat memory for a 2 GB file


@dataclass(frozen=True)
class BatchSummary:
    """What a load committed: the batch (a vintage), its lines and files, and how many cells of earlier
    batches it replaced."""

    batch_id: str
    vintage_id: int
    n_lines: int
    n_files: int
    cells_superseded: int
    root: Path


def default_root(store: Store) -> Path:
    """Where a store's record sets live unless told: beside it, `<store folder>/<store stem>.records/`."""
    return store.path.parent / f"{store.path.stem}.records"


# ---- loading ---------------------------------------------------------------------------------------------

def _check_meta(meta: BatchMeta) -> None:
    if not _BATCH_ID.fullmatch(meta.batch_id):
        raise UsageError(f"batch id {meta.batch_id!r} cannot name files: use letters, digits, '.', '_' and '-' "
                         "(at most 128, starting with a letter or digit)")
    if meta.dataset not in DATASETS:
        raise UsageError(f"unknown dataset {meta.dataset!r}; datasets are {', '.join(DATASETS)}")
    if meta.period_kind not in set(PeriodKind):
        raise UsageError(f"unknown period kind {meta.period_kind!r}; kinds are {', '.join(PeriodKind)}")
    unknown = sorted(set(meta.grain) - set(Grain))
    if unknown:
        raise UsageError(f"unknown grain {', '.join(unknown)}; a batch's grain is some of {', '.join(Grain)}")
    if meta.batch_id in meta.supersedes:
        raise UsageError(f"batch {meta.batch_id!r} cannot supersede itself")


def _check_store(store: Store, meta: BatchMeta) -> None:
    """The batch id is new and the batches it supersedes exist in its dataset: refused before anything is
    written (the commit checks again, inside its transaction)."""
    from ..errors import UnknownCodeError

    known = record_manifest.batch_datasets(store)
    if meta.batch_id in known:
        raise StoreError(f"batch {meta.batch_id!r} is already loaded; a batch is never overwritten — give the "
                         "correction a new batch id and name this one in its `supersedes`", reason=Reason.DUPLICATE)
    for old in meta.supersedes:
        if old not in known:
            raise UnknownCodeError("batch to supersede", old, list(known))
        if known[old] != meta.dataset:
            raise StoreError(f"batch {meta.batch_id!r} ({meta.dataset}) cannot supersede {old!r}, a batch of "
                             f"{known[old]}", reason=Reason.INCONSISTENT)


@contextlib.contextmanager
def _batch_lock(staging_root: Path, batch_id: str) -> Iterator[None]:
    """Held from staging to commit: records_gc leaves alone what a load in progress has written, and a second
    load of the same batch id is refused."""
    staging_root.mkdir(parents=True, exist_ok=True)
    lock = staging_root / f"{batch_id}.lock"
    with open(lock, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"batch {batch_id!r} is being loaded by another process", reason=Reason.STORE_LOCKED) from None
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)  # still held: nobody else can be inside


def _locked(staging_root: Path, batch_id: str) -> bool:
    lock = staging_root / f"{batch_id}.lock"
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _arrow_stream(chunks: Iterable[pa.RecordBatch], source: str) -> pa.RecordBatchReader:
    """The chunks as one Arrow stream of LINE_SCHEMA, each cast as it passes (DuckDB pulls them one by one)."""
    import pyarrow as pa

    target = LINE_SCHEMA.to_pyarrow()

    def cast() -> Iterator[pa.RecordBatch]:
        for i, chunk in enumerate(chunks):
            missing = [n for n in target.names if n not in chunk.schema.names]
            if missing:
                raise InputError(f"chunk {i} of the lines lacks column(s) {', '.join(missing)} of the line schema",
                                 file=source, reason=Reason.WRONG_SHAPE)
            try:
                yield pa.Table.from_batches([chunk]).select(target.names).cast(target).combine_chunks().to_batches()[0] \
                    if chunk.num_rows else pa.RecordBatch.from_pylist([], schema=target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InputError(f"chunk {i} of the lines does not fit the line schema: {exc}", file=source,
                                 reason=Reason.WRONG_SHAPE) from None

    return pa.RecordBatchReader.from_batches(target, cast())


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _line_checks(t: ir.Table, meta: BatchMeta) -> list[RowFailure]:
    """Each line agrees with its batch and with itself: one scan, the first failing lines (by line number)."""
    import ibis

    src = meta.source_file
    flows = [str(f) for f in Flow]
    rules: dict[str, tuple[str, Any, str, Reason]] = {}
    for c in (c for c, typ in LINE_SCHEMA.items() if not typ.nullable):
        rules[f"null_{c}"] = (c, t[c].isnull(), f"{c} is missing; every line needs one", Reason.MISSING_VALUE)
    for c, want in (("batch_id", meta.batch_id), ("dataset", meta.dataset), ("period_kind", meta.period_kind),
                    ("currency", meta.currency), ("hs_edition", meta.hs_edition)):
        rules[f"meta_{c}"] = (c, t[c] != want, f"the line's {c} is not its batch's ({want!r})", Reason.INCONSISTENT)
    rules["flow"] = ("flow", ~t.flow.isin(flows), f"unknown flow; flows are {', '.join(flows)}", Reason.BAD_VALUE)
    rules["month"] = ("month", (t.month < 1) | (t.month > 12), "the month is not 1–12", Reason.BAD_VALUE)
    rules["hs_code"] = ("hs_code", ~t.hs_code.re_search(r"^([0-9]{6}|[0-9]{8}|[0-9]{10})$"),
                        "the HS code is not 6, 8 or 10 digits", Reason.BAD_VALUE)
    rules["hs6"] = ("hs6", t.hs6 != t.hs_code.substr(0, 6), "hs6 is not the first six digits of hs_code",
                    Reason.INCONSISTENT)
    rules["hs_chapter"] = ("hs_chapter", t.hs_chapter != t.hs_code.substr(0, 2),
                           "hs_chapter is not the first two digits of hs_code", Reason.INCONSISTENT)
    flags = {f"_bad_{name}": ibis.coalesce(pred, False) for name, (_, pred, _, _) in rules.items()}
    any_bad = ibis.or_(*flags.values())
    fields = sorted({f for f, _, _, _ in rules.values()})
    bad = t.filter(any_bad).select("line_no", *fields, **flags).order_by("line_no").limit(_LIMIT).to_pyarrow().to_pylist()
    out = []
    for row in bad:
        for name, (field, _, reason, code) in rules.items():
            if row[f"_bad_{name}"]:
                value = row[field]
                out.append(RowFailure(src, row["line_no"], field, None if value is None else str(value), reason, code=code))
    return out


def _cumulative(t: ir.Table, meta: BatchMeta) -> list[RowFailure]:
    rows = cumulative_failures(t).limit(_LIMIT).to_pyarrow().to_pylist()
    out = []
    series = ", ".join(SERIES)
    for r in rows:
        if r["rule"] == "decreases":
            what = "value" if r["field"] == "value" else r["field"]
            reason = (f"the cumulative {what} decreases from month {r['prev_month']} to {r['month']} "
                      f"({r['prev_value']} at line {r['prev_line_no']}, then {r['value']}); a January-to-month total "
                      "cannot fall: check the file or the batch's period kind")
            out.append(RowFailure(meta.source_file, r["line_no"], r["field"], r["value"], reason, code=Reason.INCONSISTENT))
        elif r["prev_month"] is None:
            reason = (f"the cumulative lines of {r['year']} begin at month {r['month']}, not January, so monthly "
                      "values cannot be derived; load the file from January")
            out.append(RowFailure(meta.source_file, r["line_no"], "month", r["value"], reason, code=Reason.MISSING_VALUE))
        else:
            gap = ", ".join(str(m) for m in range(int(r["prev_month"]) + 1, int(r["month"])))
            reason = (f"month(s) {gap} missing between line {r['prev_line_no']} (month {r['prev_month']}) and this "
                      f"line of the same series ({series}): monthly values cannot be derived; load the missing months")
            out.append(RowFailure(meta.source_file, r["line_no"], "month", r["value"], reason, code=Reason.MISSING_VALUE))
    return out


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _cell(staged: Path, parts: Path) -> dict[str, Any]:
    """The cell a staged file holds, from the folders DuckDB named (we chose their values: our own columns)."""
    keys = dict(p.split("=", 1) for p in staged.parent.relative_to(parts).parts)
    return {"year": int(keys["year"]), "month": int(keys["month"]), "hs_chapter": keys["hs_chapter"], "flow": keys["flow"]}


def _place(src: Path, dest: Path) -> None:
    """Move a staged file to its place in the tree, never over a file already there (a hard link fails if the
    name exists; where links are not supported, an existence check and a rename)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except FileExistsError:
        raise StoreError(f"{dest} already exists: a record file is never overwritten (run `sectorscope records gc` "
                         "if it is left over from a killed load)", reason=Reason.WRITE_FAILED) from None
    except OSError:
        if dest.exists():
            raise StoreError(f"{dest} already exists: a record file is never overwritten", reason=Reason.WRITE_FAILED) from None
        os.rename(src, dest)
        return
    src.unlink()


def load_batch(store: Store, meta: BatchMeta, chunks: Iterable[pa.RecordBatch], *, root: Path | None = None,
               failures: list[RowFailure] | None = None, loaded_at: datetime | None = None) -> BatchSummary:
    """Load one batch of lines (Arrow record batches of LINE_SCHEMA, streamed) as a new vintage of the record
    set: staged as Parquet, checked, renamed into the tree under `root` (default `default_root(store)`), and
    committed to the store's manifest in one transaction.

    `failures` are those the file's reader finds: a list it fills while `chunks` are read (a record file's
    `failures`), read once the lines are staged; with them or with any of the checks' (a line that disagrees
    with its batch, a duplicate line, a cumulative series that cannot be made monthly) the staging is deleted
    and ValidationError raises all of them: the store and the tree are unchanged. A cumulative batch is stored
    as monthly lines. `meta.supersedes` names batches whose cells (flow, year, month, chapter) this one
    replaces where it has them."""
    found = failures if failures is not None else []
    return _load(store, meta, lambda con, staging: _stage(con, meta, chunks, staging, found), root, loaded_at)


def load_staged_table(store: Store, meta: BatchMeta,
                      prepare: Callable[[Any], tuple[str, list[RowFailure], str | None]], *,
                      root: Path | None = None, loaded_at: datetime | None = None) -> BatchSummary:
    """Load one batch whose lines a reader puts into a DuckDB table itself, as `load_batch` does with Arrow
    chunks: `prepare(con)` fills a table (or view) of LINE_SCHEMA columns in `con` and returns its name, the
    reader's failures and, optionally, a SELECT of the same lines sorted by cell that is cheaper than sorting the
    table (for the partitioned write). The batch checks (duplicates, cumulative series) then run on that table, and the
    partitioned Parquet is written from it — the lines never leave DuckDB.

    The checks of `load_batch` that a line agrees with its batch (batch id, dataset, currency, edition …) and
    has its required columns are left to the reader here: it builds every line from the batch's metadata, and
    a required column it cannot fill is one of its own failures (a bad HS code, month or amount)."""
    return _load(store, meta, lambda con, staging: _stage_table(con, meta, prepare, staging), root, loaded_at)


def _duckdb(staging: Path) -> BaseBackend:
    """The DuckDB connection a load writes with, spilling to the batch's staging folder."""
    from .engine import connect

    con = connect("duckdb")
    # What does not fit spills to the staging folder: a customs export's lines are a DuckDB table until they are
    # written (10 M lines held ~9 GB in memory without a limit, measured)
    con.raw_sql(f"SET temp_directory = {_sql_path(staging / 'tmp')}")
    con.raw_sql(f"SET memory_limit = '{MEMORY_LIMIT}'")
    # Written order is not kept (the line number is in every line): DuckDB then streams the COPY instead of
    # buffering to keep the input's order.
    con.raw_sql("SET preserve_insertion_order = false")
    # A partitioned COPY buffers each open cell's rows until this many (default 524,288) and keeps up to 100
    # cells open: bounded lower, a batch of thousands of cells stays within a few hundred MB (1 M lines in 48
    # cells: peak 856 → 698 MB with the threshold alone).
    con.raw_sql("SET partitioned_write_flush_threshold = 122880")
    con.raw_sql("SET partitioned_write_max_open_files = 64")
    return con


def _load(store: Store, meta: BatchMeta, stage: Callable[[BaseBackend, Path], _Staged], root: Path | None,
          loaded_at: datetime | None) -> BatchSummary:
    _check_meta(meta)
    root = Path(root) if root is not None else default_root(store)
    _check_store(store, meta)
    staging_root = root / STAGING
    with _batch_lock(staging_root, meta.batch_id):
        staging = staging_root / meta.batch_id
        shutil.rmtree(staging, ignore_errors=True)  # a killed load's leftovers of this batch id
        staging.mkdir(parents=True)
        placed: list[Path] = []
        try:
            con = _duckdb(staging)
            try:
                files, n_lines, period = stage(con, staging)
            finally:
                con.disconnect()
            rows = []
            for i, (src, cell) in enumerate(files):
                dest = root / meta.dataset / f"year={cell['year']}" / f"month={cell['month']}" / \
                    f"hs_chapter={cell['hs_chapter']}" / f"{meta.batch_id}_{i}.parquet"
                _place(src, dest)
                placed.append(dest)
                rows.append({**cell, "path": dest.relative_to(root).as_posix(), "bytes": dest.stat().st_size})
            _fsync_all({p.parent for p in placed})
            source = Path(meta.source_file)
            batch = {
                "batch_id": meta.batch_id, "dataset": meta.dataset, "source_file": meta.source_file,
                "sha256": meta.sha256, "bytes": source.stat().st_size if source.is_file() else None,
                "publisher": meta.publisher, "release_date": meta.release_date, "retrieved_at": meta.retrieved_at,
                "hs_edition": meta.hs_edition, "currency": meta.currency, "grain": ",".join(sorted(meta.grain)),
                "period_kind": meta.period_kind, "period_from": period[0], "period_to": period[1], "n_lines": n_lines,
            }
            vid, cells = record_manifest.commit_batch(store, batch, rows, meta.supersedes, loaded_at=loaded_at)
        except BaseException:
            for p in placed:  # unlisted, so invisible anyway; gone at once rather than at the next gc
                p.unlink(missing_ok=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return BatchSummary(meta.batch_id, vid, n_lines, len(rows), cells, root)


_Staged = tuple[list[tuple[Path, dict[str, Any]]], int, tuple[str, str]]


def _fsync_all(paths: Iterable[Path]) -> None:
    """fsync each path, several at once: each waits on the disk, not on the CPU (360 files: 0.8 s one after
    another on this machine's disk)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(_fsync, paths))


def _copy_partitioned_files(con: BaseBackend, select_sql: str, parts: Path, batch_id: str) -> list[tuple[Path, dict[str, Any]]]:
    """COPY into `parts`, one folder per cell; the files written with their cells and line counts, from the
    COPY's own return (no listing of folders, no reading of footers). DuckDB returns each file's path as the
    target was given, so the target is made absolute first: a store named relative to the working folder
    (`sectorscope run`'s default) gave relative paths that were then read against `parts` a second time."""
    parts = parts.resolve()
    result = con.con.execute(
        f"COPY ({select_sql}) TO {_sql_path(parts)} (FORMAT parquet, PARTITION_BY (year, month, hs_chapter, flow), "
        f"WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN '{batch_id}_{{i}}', COMPRESSION zstd, "
        "ROW_GROUP_SIZE 1000000, RETURN_STATS true)")
    names = [d[0] for d in result.description]
    out = []
    for rec in result.fetchall():
        row = dict(zip(names, rec, strict=True))
        path = Path(row["filename"]).resolve()
        out.append((path, {**_cell(path, parts), "n_lines": int(row["count"])}))
    return sorted(out, key=lambda f: str(f[0]))


def _stage_table(con: BaseBackend, meta: BatchMeta,
                 prepare: Callable[[Any], tuple[str, list[RowFailure], str | None]], staging: Path) -> _Staged:
    """`prepare`'s table checked as a batch and written into `staging` (see load_staged_table)."""
    name, failures, by_cell = prepare(con.con)
    rel = _ident(name)
    s = con.con.execute(f"SELECT count(*), min(year * 100 + month), max(year * 100 + month) FROM {rel}").fetchone()
    assert s is not None
    n, first, last = int(s[0]), s[1], s[2]
    if not n and not failures:
        raise InputError("the batch has no lines; nothing was loaded", file=meta.source_file,
                         reason=Reason.MISSING_VALUE)
    found = failures + _duplicates_sql(con, rel, meta)
    cumulative = meta.period_kind == PeriodKind.CUMULATIVE
    if cumulative and not any(f.field in ("flow", "month", "year") for f in found):
        found += _cumulative(con.table(name), meta)
    if found:
        raise ValidationError(found, file=meta.source_file)
    if not n:
        raise InputError("the batch has no lines; nothing was loaded", file=meta.source_file,
                         reason=Reason.MISSING_VALUE)
    import ibis

    lines = f"({ibis.to_sql(cumulative_to_monthly(con.table(name)), dialect='duckdb')})" if cumulative else rel
    # Sorted by cell, the partitioned COPY finishes one cell's file before it opens the next, so it holds a few
    # cells' rows at a time (spilling the sort when it must), and each cell is one file. In the file's order
    # every cell stays open: all lines held in memory (10.8 GB RSS at 10 M lines, measured), or, with fewer
    # files open than cells, files closed and reopened (2,703 files for 360 cells at 1 M lines).
    select = (by_cell if by_cell and not cumulative else
              f"SELECT * FROM {lines} ORDER BY year, month, hs_chapter, flow")
    con.raw_sql(f"SET partitioned_write_max_open_files = {OPEN_CELLS}")
    files = _copy_partitioned_files(con, select, staging / "parts", meta.batch_id)
    _fsync_all(p for p, _ in files)
    if sum(c["n_lines"] for _, c in files) != n:  # pragma: no cover - a DuckDB bug, not an input
        raise StoreError(f"staged {sum(c['n_lines'] for _, c in files)} lines of {n}; nothing was loaded")
    return files, n, (f"{first // 100:04d}-{first % 100:02d}", f"{last // 100:04d}-{last % 100:02d}")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _duplicates_sql(con: BaseBackend, rel: str, meta: BatchMeta) -> list[RowFailure]:
    """Two lines of one cell and key (DUPLICATE_KEY; a null key part means "all" and equals another null):
    each later one is named with the first. One hash aggregate over a 64-bit hash of the key (no window over
    every line, no table of every key's text: 4.6 s for 10 M lines grouped by eight of the columns, measured);
    only the lines whose hash occurs twice are compared by their keys themselves (a collision is no
    duplicate)."""
    keys = ", ".join(DUPLICATE_KEY)
    twice = f"SELECT h FROM (SELECT hash({keys}) AS h FROM {rel}) GROUP BY h HAVING count(*) > 1"
    candidates = con.con.execute(f"SELECT list(h) FROM ({twice})").fetchone()[0]
    if not candidates:
        return []
    rows = con.con.execute(
        f"SELECT line_no, hs_code, first FROM (SELECT line_no, hs_code, min(line_no) OVER (PARTITION BY {keys}) "
        f"AS first FROM {rel} WHERE hash({keys}) IN (SELECT unnest($h))) WHERE line_no > first "
        f"ORDER BY line_no LIMIT {_LIMIT}", {"h": candidates}).fetchall()
    key = "reporter, flow, year, month, HS code, partner, trade mode, province and currency"
    return [RowFailure(meta.source_file, line_no, "hs_code", hs,
                       f"duplicate line: lines {first} and {line_no} have the same {key}; keep one of them",
                       code=Reason.DUPLICATE) for line_no, hs, first in rows]


def _stage(con: BaseBackend, meta: BatchMeta, chunks: Iterable[pa.RecordBatch], staging: Path,
           failures: list[RowFailure]) -> _Staged:
    """Write the lines into `staging`, check them there, and return the files to place (each with its cell
    and line count), the number of lines and the first and last month."""
    import ibis
    import pyarrow.parquet as pq

    reader = _arrow_stream(chunks, meta.source_file)
    con.con.register("incoming_lines", reader)  # DuckDB scans the stream once
    parts = staging / "parts"
    cumulative = meta.period_kind == PeriodKind.CUMULATIVE
    if cumulative:  # the differences need every month of a series: one file first, partitioned after
        raw = staging / "input.parquet"
        con.raw_sql(f"COPY (SELECT * FROM incoming_lines) TO {_sql_path(raw)} (FORMAT parquet, COMPRESSION zstd)")
        checked = [raw]
        files: list[tuple[Path, dict[str, Any]]] = []
    else:
        # sorted by cell, as _stage_table's lines are: one file a cell, whatever order the chunks come in (in
        # the stream's order, with OPEN_CELLS files open, 1 M generated lines in 360 cells became 2,985 files,
        # and 10⁸ lines ~20 files a cell)
        con.raw_sql(f"SET partitioned_write_max_open_files = {OPEN_CELLS}")
        files = _copy_partitioned_files(con, "SELECT * FROM incoming_lines ORDER BY year, month, hs_chapter, flow",
                                        parts, meta.batch_id)
        checked = [p for p, _ in files]
    if not checked or not (sum(c["n_lines"] for _, c in files) if files else pq.read_metadata(checked[0]).num_rows):
        raise InputError("the batch has no lines; nothing was loaded", file=meta.source_file,
                         reason=Reason.MISSING_VALUE)
    t = con.read_parquet([str(p) for p in checked], hive_partitioning=False)
    rel = f"read_parquet([{', '.join(_sql_path(p) for p in checked)}], hive_partitioning = false)"
    found = failures + _line_checks(t, meta) + _duplicates_sql(con, rel, meta)
    if cumulative and not any(f.field in ("flow", "month", "year") for f in found):
        found += _cumulative(t, meta)
    if found:
        raise ValidationError(found, file=meta.source_file)
    stats = t.aggregate(n=t.count(), first=(t.year * 100 + t.month).min(), last=(t.year * 100 + t.month).max())
    s = stats.to_pyarrow().to_pylist()[0]
    if cumulative:
        files = _copy_partitioned_files(con, ibis.to_sql(cumulative_to_monthly(t), dialect="duckdb"), parts,
                                        meta.batch_id)
        (staging / "input.parquet").unlink()
    _fsync_all(p for p, _ in files)
    if sum(c["n_lines"] for _, c in files) != s["n"]:  # pragma: no cover - a DuckDB bug, not an input
        raise StoreError(f"staged {sum(c['n_lines'] for _, c in files)} lines of {s['n']}; nothing was loaded")
    period = (f"{s['first'] // 100:04d}-{s['first'] % 100:02d}", f"{s['last'] // 100:04d}-{s['last'] % 100:02d}")
    return files, int(s["n"]), period


def list_batches(store: Store) -> pd.DataFrame:
    """The committed batches in vintage order, with their files and superseded cells (`records list`)."""
    return record_manifest.record_batches(store)


def records_gc(store: Store, root: Path | None = None, *, dry_run: bool = False) -> list[Path]:
    """Delete the Parquet files under `root` that no manifest row lists (a killed load's), and staging folders
    of loads no longer running; the paths deleted (or that would be, with `dry_run`). A load in progress holds
    its batch's lock and is left alone."""
    base = Path(root) if root is not None else default_root(store)
    if not base.is_dir():
        return []
    if not store.exists():  # every file would look unlisted: a wrong store path must not empty the tree
        raise StoreError(f"no store at {store.path}: records gc deletes the files a store does not list, so it "
                         f"needs the store of {base}", reason=Reason.NO_STORE)
    listed = record_manifest.listed_paths(store)
    staging_root = base / STAGING
    gone: list[Path] = []
    for path in sorted(base.rglob("*.parquet")):
        rel = path.relative_to(base)
        if rel.parts[0] == STAGING or rel.as_posix() in listed:
            continue
        m = _FILE.fullmatch(path.name)
        if m and _locked(staging_root, m.group("batch")):
            continue
        gone.append(path)
        if not dry_run:
            path.unlink()
            for d in path.parents:
                if d == base or any(d.iterdir()):
                    break
                d.rmdir()
    if staging_root.is_dir():
        for d in sorted(staging_root.iterdir()):
            if d.is_dir() and not _locked(staging_root, d.name):
                gone.append(d)
                if not dry_run:
                    shutil.rmtree(d)
    return gone
