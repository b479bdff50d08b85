"""Writing the report's files safely: atomically, and (for tables) streamed from the engine.

- **Atomic.** Everything is written to a hidden temporary file in the target's folder and renamed over the
  target only when complete, so a failed write leaves no half file (and an existing file untouched). The
  exports and the workbook go through `atomic_path`.
- **Streamed.** Rows go from the engine to the file in Arrow record batches (`to_pyarrow_batches`) and are
  written by pyarrow's CSV and Parquet writers, never through a pandas frame, so Python holds one batch at a
  time whatever the store's size. The same code runs on any Ibis backend; no SQL is written here.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import InputError

__all__ = ["atomic_path", "ids_text", "not_a_folder", "prepare_target", "write_csv", "write_parquet"]

_BOM = b"\xef\xbb\xbf"
_BATCH_ROWS = 100_000


def not_a_folder(path: str | Path) -> Path:
    """`path`, refused (InputError) when it names a folder."""
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{p} is a folder; give a file name inside it, e.g. {p / 'observations.csv'}")
    return p


def prepare_target(path: str | Path) -> Path:
    """`path` as a file to write: refused when it is a folder; its folder created when missing."""
    p = not_a_folder(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {p.parent}: {exc.strerror or exc}") from None
    if not p.parent.is_dir():
        raise InputError(f"{p.parent} is not a folder; choose another place for {p.name}")
    return p


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` that replaces it once the block succeeds; removed on any error."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _batches(table: ir.Table) -> pa.RecordBatchReader:
    return table.to_pyarrow_batches(chunk_size=_BATCH_ROWS)


def write_parquet(table: ir.Table, target: Path) -> int:
    """The rows of `table` as a Parquet file at `target`; returns the row count."""
    reader = _batches(table)
    rows = 0
    try:
        with atomic_path(target) as tmp, pq.ParquetWriter(tmp, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    finally:
        reader.close()
    return rows


def write_csv(table: ir.Table, target: Path, *, header: Sequence[str], bom: bool) -> int:
    """RFC 4180 CSV: our own unquoted header line (SDMX tools look for a bare STRUCTURE), then the rows with
    every text quoted (so an empty text "" and a missing value stay apart), numbers bare."""
    reader = _batches(table)
    rows = 0
    try:
        with atomic_path(target) as tmp, open(tmp, "wb") as fh:
            fh.write((_BOM if bom else b"") + (",".join(header) + "\n").encode("utf-8"))
            options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
            with pacsv.CSVWriter(fh, reader.schema, write_options=options) as writer:
                for batch in reader:
                    writer.write_batch(batch)
                    rows += batch.num_rows
    finally:
        reader.close()
    return rows


def ids_text(col: ir.ArrayValue) -> ir.StringValue:
    """input_ids as a JSON array ("[12,15]", "[]"); missing stays missing."""
    return "[" + col.map(lambda x: x.cast("string")).join(",") + "]"

