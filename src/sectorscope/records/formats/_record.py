"""What reading a record file gives: its metadata at once, its lines as Arrow chunks of the canonical schema,
and every failure and warning found on the way — checked when the chunks have been read.

Why chunks and a check afterwards, rather than a validated table: a record file may be 2 GB, so the lines are
handed on (to a staging Parquet write, say) while they are read, and the caller commits only if `check()`
passes; failures are collected (capped) rather than raised one at a time, so a user sees all of them at once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ...errors import UsageError, ValidationError
from ..line_checks import FailureLog, LineChecks
from ..schema import BatchMeta

if TYPE_CHECKING:
    import pyarrow as pa

    from ...errors import RowFailure
    from ._source import Source

__all__ = ["Converter", "RecordFile", "RecordMeta"]


@dataclass(frozen=True)
class RecordMeta:
    """A record file as a batch: what `records` stores beside its lines (see schema.BatchMeta)."""

    batch_id: str
    dataset: str  # customs_cn | comtrade
    source_file: str
    sha256: str  # of the file's bytes
    bytes: int
    publisher: str
    hs_edition: str
    currency: str  # USD | CNY
    grain: tuple[str, ...]  # Grain values present, sorted
    period_kind: str  # PeriodKind
    period: tuple[int, int, int] | None  # (year, first month, last month) declared for the batch
    container: str  # csv | tsv | xlsx
    encoding: str  # utf-8, utf-8-sig, gb18030; '' for xlsx

    def batch_meta(self) -> BatchMeta:
        return BatchMeta(batch_id=self.batch_id, dataset=self.dataset, source_file=self.source_file,
                         sha256=self.sha256, publisher=self.publisher, hs_edition=self.hs_edition,
                         currency=self.currency, grain=self.grain, period_kind=self.period_kind)


class Converter(Protocol):
    """A format's reading of raw text chunks into lines (one per read of the file: it may keep counts)."""

    checks: LineChecks

    def convert(self, raw: pa.RecordBatch) -> pa.RecordBatch: ...

    def warnings(self) -> list[str]: ...


class RecordFile:
    """An opened record file. `meta` is known at once; `chunks()` reads the lines (LINE_SCHEMA, at most
    `chunk_rows` a chunk) and fills `failures` and `warnings`; `check()` then raises ValidationError with every
    failure. Reading the chunks again reads the file again (and starts the failures afresh)."""

    def __init__(self, meta: RecordMeta, source: Source, make: Callable[[RecordMeta, FailureLog], Converter],
                 chunk_rows: int, flow: str | None = None) -> None:
        if chunk_rows < 1:
            raise UsageError(f"chunk_rows must be at least 1, not {chunk_rows}")
        self.meta = meta
        self.flow = flow  # the flow declared for a file without a flow column (or checked against it)
        self.failures: list[RowFailure] = []
        self.warnings: list[str] = []
        self._source = source
        self._make = make
        self._chunk_rows = chunk_rows
        self._read = False
        self._log = FailureLog(source.file)

    def chunks(self) -> Iterator[pa.RecordBatch]:
        self._read = False
        self._log = FailureLog(self._source.file)
        self.failures, self.warnings = self._log.kept, []
        self._source.failures = []
        conv = self._make(self.meta, self._log)
        rows = 0
        for raw in self._source.batches(self._chunk_rows):
            lines = conv.convert(raw)
            conv.checks.check(lines)
            rows += lines.num_rows
            yield lines
        if not rows:
            self.warnings.append("the file has no lines (a header and nothing else, or only dropped rows)")
        self.warnings.extend(conv.warnings())
        self.warnings.extend(conv.checks.finish())
        for f in self._source.failures:
            self._log.add(f.row, f.field, f.value, f.reason, f.code)
        self.failures = self._log.all()
        self._read = True

    @property
    def source(self) -> Source:
        """The opened file (its header, text and hash)."""
        return self._source

    def renamed(self, batch_id: str) -> RecordFile:
        """The same opened file as a batch with another id (the file is not opened or hashed again)."""
        import dataclasses

        if not batch_id:
            raise UsageError("batch_id must not be empty")
        return RecordFile(dataclasses.replace(self.meta, batch_id=batch_id), self._source, self._make,
                          self._chunk_rows, self.flow)

    def check(self) -> None:
        """ValidationError with every failure (capped per field and reason, with the rest counted), after
        the chunks were read; nothing when the file is clean."""
        if not self._read:
            raise UsageError("read the chunks first (check() judges what chunks() has read)")
        if self.failures:
            raise ValidationError(self.failures, file=self._source.file)
