"""The store's side of the record sets: the manifest of the Parquet files that hold trade lines.

Why in the store: a batch of lines is a vintage like any load, and "which files are current" must change
exactly when that vintage commits. So the batch's row, its files' rows, the cells it supersedes and its
`vintages` row are written in one transaction (`backend.write_session`, like `Store.write`): the commit of
that transaction is the commit of the batch. Files on disk that no committed row lists are invisible to
readers, which only ever open the files this module names — never a folder or a glob.

"Current" is a query over these small tables, not a line-level anti-join over 10⁸ lines: a correction
replaces whole cells (flow, year, month, HS chapter) of the batches it names, and each file holds one cell.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..errors import Reason, StoreError, UnknownCodeError
from . import backend, writing
from .schema import SCHEMA_VERSION, SCHEMAS
from .store import AsOf, Store, release_readers

__all__ = [
    "CELL",
    "RECORD_LABEL_PREFIX",
    "batch_datasets",
    "commit_batch",
    "current_files",
    "listed_paths",
    "record_batches",
]

CELL = ("flow", "year", "month", "hs_chapter")  # what one file holds and a correction replaces
# A record batch's vintage label starts so: such a vintage adds lines and changes no figure, which is how
# the monitor tells it from a load of figures.
RECORD_LABEL_PREFIX = "records: "


def _utc(value: Any) -> pd.Timestamp | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize(UTC) if ts.tzinfo is None else ts.tz_convert(UTC)


def batch_datasets(store: Store) -> dict[str, str]:
    """Every committed batch id and its dataset (nothing when there is no store yet): what a load checks its
    batch id and the batches it supersedes against before it writes anything."""
    if not store.exists():
        return {}
    t = store.table("record_batches").select("batch_id", "dataset").execute()
    return dict(zip(t["batch_id"], t["dataset"], strict=True))


def commit_batch(store: Store, batch: Mapping[str, Any], files: Sequence[Mapping[str, Any]],
                 supersedes: Sequence[str] = (), *, loaded_at: datetime | None = None,
                 wait: float = backend.DEFAULT_WAIT, before_commit: Callable[[], None] | None = None) -> tuple[int, int]:
    """Commit one batch: a new vintage (label "records: <source file>"), its `record_batches` row, a
    `record_files` row per file and a `record_supersessions` row per cell of an earlier batch it replaces —
    all in one transaction, so a failure or a kill leaves the store as it was.

    `batch` holds RECORD_BATCHES' columns less `vintage_id` and `loaded_at`; `files` RECORD_FILES' less
    `batch_id`. Refused when the batch id is taken, or a superseded batch is unknown or of another dataset.
    `before_commit` runs inside the transaction just before it commits (for tests of a kill). Returns the
    vintage id and the number of cells superseded."""
    batch_id = str(batch["batch_id"])
    dataset = str(batch["dataset"])
    loaded = _utc(loaded_at or datetime.now(UTC))
    store.close()
    release_readers(store.path)
    with backend.write_session(store.path, wait=wait) as con:
        writing.ensure_schema(con)
        known = con.table("record_batches").select("batch_id", "dataset").execute()
        datasets = dict(zip(known["batch_id"], known["dataset"], strict=True))
        if batch_id in datasets:
            raise StoreError(f"batch {batch_id!r} is already in {store.path}; a batch is never overwritten — give the "
                             "correction a new batch id and name this one in its `supersedes`",
                             reason=Reason.DUPLICATE)
        for old in supersedes:
            if old not in datasets:
                raise UnknownCodeError("batch to supersede", old, list(datasets))
            if datasets[old] != dataset:
                raise StoreError(f"batch {batch_id!r} ({dataset}) cannot supersede {old!r}, a batch of "
                                 f"{datasets[old]}", reason=Reason.INCONSISTENT)
        vt = con.table("vintages")
        last = vt.aggregate(v=vt.vintage_id.max(), t=vt.loaded_at.max()).execute().iloc[0]
        vid = 1 if pd.isna(last["v"]) else int(last["v"]) + 1
        if not pd.isna(last["t"]) and loaded is not None and loaded < pd.Timestamp(last["t"]):
            raise StoreError(f"a vintage cannot be loaded at {loaded:%Y-%m-%d %H:%M}, before the latest one ({last['t']})")
        cells = _superseded_cells(con, files, supersedes)
        for c in cells:
            c["batch_id"] = batch_id
        n_lines = int(batch["n_lines"])
        _insert(con, "vintages", [{
            "vintage_id": vid, "loaded_at": loaded, "label": f"{RECORD_LABEL_PREFIX}{PurePath(str(batch['source_file'])).name}",
            "files": str(batch["source_file"]), "sha256": batch.get("sha256") or None, "n_rows": n_lines,
            "n_new": n_lines, "n_revised": 0, "n_unchanged": 0, "n_withdrawn": 0,
            "note": f"record batch {batch_id} ({dataset})", "schema_version": SCHEMA_VERSION,
        }])
        _insert(con, "record_batches", [{**batch, "release_date": batch.get("release_date"),
                                         "retrieved_at": _utc(batch.get("retrieved_at")),
                                         "vintage_id": vid, "loaded_at": loaded}])
        _insert(con, "record_files", [{**f, "batch_id": batch_id} for f in files])
        _insert(con, "record_supersessions", cells)
        if before_commit is not None:
            before_commit()
    return vid, len(cells)


def _superseded_cells(con: Any, files: Sequence[Mapping[str, Any]], supersedes: Sequence[str]) -> list[dict[str, Any]]:
    """The cells of the superseded batches that the new batch's files cover: a cell the new batch does not
    have stays with the batch that had it."""
    if not supersedes or not files:
        return []
    f = con.table("record_files")
    old = f.filter(f.batch_id.isin(list(supersedes))).select("batch_id", *CELL).distinct().execute()
    new = {tuple(row[c] for c in CELL) for row in files}
    out = []
    for row in old.itertuples(index=False):
        cell = (row.flow, int(row.year), int(row.month), row.hs_chapter)
        if cell in new:
            out.append({"superseded_batch": row.batch_id, "flow": cell[0], "year": cell[1], "month": cell[2],
                        "hs_chapter": cell[3]})
    return sorted(out, key=lambda c: (c["superseded_batch"], c["year"], c["month"], c["hs_chapter"], c["flow"]))


def _insert(con: Any, name: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    schema = SCHEMAS[name]
    frame = pd.DataFrame(rows).reindex(columns=schema.names)
    con.insert(name, ibis.memtable(frame).cast(schema))


def current_files(store: Store, dataset: str, as_of: AsOf = None) -> pd.DataFrame:
    """The files of `dataset` current at `as_of` (a vintage, a date; the latest by default): those of the
    batches committed by then, less the cells a batch committed by then superseded. RECORD_FILES' columns,
    ordered by path; empty when nothing was loaded."""
    empty = pd.DataFrame(columns=SCHEMAS["record_files"].names)
    if not store.exists():
        return empty
    vid = store.resolve(as_of)
    if vid is None:
        return empty
    b, f, s = store.table("record_batches"), store.table("record_files"), store.table("record_supersessions")
    active = b.filter(b.vintage_id <= vid)
    ours = active.filter(active.dataset == dataset).select("batch_id")
    replaced = s.semi_join(active.select("batch_id"), "batch_id").select(
        s.superseded_batch.name("batch_id"), *CELL)
    cur: ir.Table = f.semi_join(ours, "batch_id").anti_join(replaced, ["batch_id", *CELL])
    return store.con.execute(cur.order_by("path"))


def listed_paths(store: Store) -> set[str]:
    """Every path any committed batch lists (superseded ones too: they stay readable as of their vintages)."""
    if not store.exists():
        return set()
    f = store.table("record_files")
    return set(store.con.execute(f.select("path"))["path"])


def record_batches(store: Store) -> pd.DataFrame:
    """The committed batches in vintage order, with how many files each has and how many of its cells later
    corrections replaced (what `sectorscope records list` prints)."""
    if not store.exists():
        return pd.DataFrame(columns=[*SCHEMAS["record_batches"].names, "n_files", "cells_superseded"])
    b, f, s = store.table("record_batches"), store.table("record_files"), store.table("record_supersessions")
    n_files = f.group_by("batch_id").aggregate(n_files=f.count())
    gone = s.group_by(s.superseded_batch.name("batch_id")).aggregate(cells_superseded=s.count())
    t = b.left_join(n_files, "batch_id").drop("batch_id_right")
    t = t.left_join(gone, "batch_id").drop("batch_id_right")
    t = t.mutate(n_files=t.n_files.fill_null(0), cells_superseded=t.cells_superseded.fill_null(0))
    return store.con.execute(t.order_by("vintage_id"))

