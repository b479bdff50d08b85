"""A record file into the record set: read and checked by its format's reader, staged, checked as a whole and
committed as one batch (a vintage of the record set) — or refused with every failure, nothing written.

Why one function over the two steps: the reader checks each line and the batch writer checks what needs the
whole batch (duplicates, cumulative series), and a user wants one answer with all failures of both.

Why a China Customs export takes another road than a Comtrade file: its lines are converted and checked inside
DuckDB, set-based (formats/customs_sql.py), and written as partitioned Parquet from the same DuckDB table
(batches.load_staged_table), so no line passes through Python — the ingest benchmark's target is a small
multiple of DuckDB's own `read_csv → COPY`. A Comtrade file still streams Arrow chunks into `load_batch`.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from ..errors import RowFailure
    from ..store import Store
    from .batches import BatchSummary

__all__ = ["LoadedRecords", "load_records"]


@dataclasses.dataclass(frozen=True)
class LoadedRecords:
    """The committed batch, and what the reader reported without refusing (dropped aggregate rows, codes
    checked against HS 2022 only …)."""

    summary: BatchSummary
    warnings: tuple[str, ...]


def _retrieved_at(value: date | datetime | None) -> datetime | None:
    """A retrieval date as the manifest's timestamp: a date is its midnight (UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def load_records(store: Store, path: str | Path, *, hs_edition: str, fmt: str | None = None,
                 batch_id: str | None = None, flow: str | None = None,
                 period: tuple[int, int, int] | None = None, currency: str | None = None, publisher: str = "",
                 supersedes: Sequence[str] = (), root: Path | None = None, chunk_rows: int = 500_000,
                 loaded_at: datetime | None = None, release_date: date | None = None,
                 retrieval_date: date | datetime | None = None) -> LoadedRecords:
    """Load one record file (a China Customs export or a UN Comtrade bulk file) into `store`'s record set.

    `batch_id` defaults to the dataset and the first twelve hex digits of the file's sha256, so loading the
    same bytes twice is refused as the same batch rather than stored twice. `supersedes`: earlier batches
    whose cells (flow, year, month, HS chapter) this file corrects. `release_date` (when the publisher released
    the figures) and `retrieval_date` (when the file was downloaded; a date or a timestamp) are kept in the
    batch's manifest row and cited with it. Raises InputError for a file that cannot be read as records and
    ValidationError with every failing line otherwise; nothing is written then."""
    from .batches import load_batch, load_staged_table
    from .formats import read_records

    rf = read_records(path, fmt=fmt, batch_id=batch_id or "probe", hs_edition=hs_edition, flow=flow, period=period,
                      currency=currency, publisher=publisher, chunk_rows=chunk_rows)
    if batch_id is None:  # the file is opened and hashed once
        rf = rf.renamed(f"{rf.meta.dataset}-{rf.meta.sha256[:12]}")
    meta = dataclasses.replace(rf.meta.batch_meta(), supersedes=tuple(supersedes), release_date=release_date,
                               retrieved_at=_retrieved_at(retrieval_date))
    if rf.meta.dataset == "customs_cn":
        from .formats.customs_sql import stage_customs_lines

        warnings: list[str] = []

        def prepare(con: Any) -> tuple[str, list[RowFailure], str | None]:
            staged = stage_customs_lines(con, rf.meta, rf.source, rf.flow)
            warnings.extend(staged.warnings)
            return staged.table, staged.failures, staged.by_cell

        summary = load_staged_table(store, meta, prepare, root=root, loaded_at=loaded_at)
        return LoadedRecords(summary, tuple(warnings))

    found: list[RowFailure] = []

    def lines() -> Iterator[pa.RecordBatch]:  # the reader's failures are complete once its lines are
        yield from rf.chunks()
        found.extend(rf.failures)

    summary = load_batch(store, meta, lines(), root=root, failures=found, loaded_at=loaded_at)
    return LoadedRecords(summary, tuple(rf.warnings))
