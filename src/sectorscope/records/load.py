"""A record file into the record set: read and checked by its format's reader, staged, checked as a whole and
committed as one batch (a vintage of the record set) — or refused with every failure, nothing written.

Why one function over the two steps: the reader checks each line as it streams by and the batch writer
checks what needs the whole batch (duplicates, cumulative series), and a user wants one answer with all
failures of both; the reader's failures are read after its lines have been staged, so a file is read once.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

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


def load_records(store: Store, path: str | Path, *, hs_edition: str, fmt: str | None = None,
                 batch_id: str | None = None, flow: str | None = None,
                 period: tuple[int, int, int] | None = None, currency: str | None = None, publisher: str = "",
                 supersedes: Sequence[str] = (), root: Path | None = None, chunk_rows: int = 500_000,
                 loaded_at: datetime | None = None) -> LoadedRecords:
    """Load one record file (a China Customs export or a UN Comtrade bulk file) into `store`'s record set.

    `batch_id` defaults to the dataset and the first twelve hex digits of the file's sha256, so loading the
    same bytes twice is refused as the same batch rather than stored twice. `supersedes`: earlier batches
    whose cells (flow, year, month, HS chapter) this file corrects. Raises InputError for a file that cannot
    be read as records and ValidationError with every failing line otherwise; nothing is written then."""
    from .batches import load_batch
    from .formats import read_records

    bid = batch_id
    if bid is None:
        probe = read_records(path, fmt=fmt, batch_id="probe", hs_edition=hs_edition, flow=flow, period=period,
                             currency=currency, publisher=publisher, chunk_rows=chunk_rows)
        bid = f"{probe.meta.dataset}-{probe.meta.sha256[:12]}"
    rf = read_records(path, fmt=fmt, batch_id=bid, hs_edition=hs_edition, flow=flow, period=period,
                      currency=currency, publisher=publisher, chunk_rows=chunk_rows)
    meta = dataclasses.replace(rf.meta.batch_meta(), supersedes=tuple(supersedes))
    found: list[RowFailure] = []

    def lines() -> Iterator[pa.RecordBatch]:  # the reader's failures are complete once its lines are
        yield from rf.chunks()
        found.extend(rf.failures)

    summary = load_batch(store, meta, lines(), root=root, failures=found, loaded_at=loaded_at)
    return LoadedRecords(summary, tuple(rf.warnings))
