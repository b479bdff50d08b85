"""Reading CSV and XLSX files into rows of text, long or wide, each row remembering where it came from.

Everything is read as text: a number is parsed later, where a failure can name its row and field.

Why one streaming reader of our own rather than pandas: pandas' C parser pads a short row silently (a file
cut mid-row loaded its last row as a new figure) and its pyarrow engine, used for large files, refused quoted
newlines; neither bounds the columns or a cell, and both need the whole file in memory. Here every file,
whatever its size, goes through Python's `csv` module fed from an incremental decoder, so cell counts and
quoted newlines are exact, rows are numbered by the line they start on, memory grows with the rows kept
and not with the file, and the bytes parsed are hashed as they are read (`recording_reads`). The limits
below are checked before anything large is held; docs/decisions.md says why each has the value it has.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import InputError, Reason, RowFailure, ValidationError
from ..model import PERIOD_PATTERN
from .columns import ROW_COLUMN

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from .csv_reader import Snapshot

__all__ = [
    "MAX_BYTES", "MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_RECORD_CHARS", "MAX_SHEET_ROWS", "MAX_ZIP_RATIO",
    "ROW_COLUMN", "STRINGS", "ReadLog", "hashed_bytes", "read_rows", "read_table", "recording_reads", "utf8_text",
]  # ROW_COLUMN is defined in columns.py
_PERIOD_HEADER = re.compile(PERIOD_PATTERN)

MAX_BYTES = 2 * 1024**3          # a file (CSV) or a workbook's expanded XML (XLSX)
MAX_COLUMNS = 1024               # the long format has 23; a wide file of monthly columns over 80 years fits
MAX_CELL_CHARS = 1024**2         # one cell: a whole page of quote is a few thousand characters
MAX_RECORD_CHARS = 16 * 1024**2  # one record, all its lines: bounds what one row can hold in memory
MAX_SHEET_ROWS = 1_048_576       # Excel's own limit: no sheet Excel wrote is refused
MAX_ZIP_RATIO = 100              # workbooks of real rows expand ~10× (openpyxl, xlsxwriter: measured)
_RATIO_FLOOR = 1024**2           # ... the ratio is checked for parts that expand beyond this (tiny parts vary)
_ENCODINGS = ("utf-8-sig", "gb18030")  # tried in this order, as before: a file that is not UTF-8 is GB18030
_CHUNK = 1024**2
_DUCKDB_FROM = 256 * 1024        # files from this size (bytes) are read by DuckDB, smaller ones by the csv module
_DUCKDB_LINE = 8 * 1024**2       # ... whose records are at most this many bytes (DuckDB's max_line_size; beyond it
                                 # the csv module reads the file: DuckDB holds 4 buffers of 4× this per thread)
_BATCH = 65_536                  # rows turned into columns at a time, so the list of row lists stays small
_END = "\ue000sectorscope-end-of-file\ue000"
STRINGS = "arrow"                # read_table's default text dtype: "arrow" (pd.ArrowDtype(pa.string())) or "object"  # fed after the last line: see _Lines


# ------------------------------------------------------------------------------------------------
# the hashes of what was read
# ------------------------------------------------------------------------------------------------
class ReadLog:
    """The SHA-256 of every file read through this module while it is recording, in the order read.

    Why: a load records one digest of its files, and it must be the digest of the bytes that were parsed;
    hashing a file again after reading it records a different file when it changed in between."""

    def __init__(self) -> None:
        self._reads: dict[Path, list[str]] = {}

    def add(self, path: Path, sha256: str) -> None:
        self._reads.setdefault(path.absolute(), []).append(sha256)

    def take(self, path: str | Path) -> str:
        """The hash of the next read of `path` not yet taken (a file given twice was read twice)."""
        reads = self._reads.get(Path(path).absolute())
        if not reads:
            raise LookupError(f"{path} was not read through sectorscope.ingest.read while recording: its hash "
                              "would not be of the bytes loaded")
        return reads.pop(0)


_LOG: ContextVar[ReadLog | None] = ContextVar("sectorscope_read_log", default=None)


@contextmanager
def recording_reads() -> Iterator[ReadLog]:
    """Within the block, every file `read_table`, `read_rows` or `hashed_bytes` reads is logged with the
    SHA-256 of exactly the bytes parsed. Why a context rather than a return value: the readers are reached
    through read_sources, read_fx and read_rows, each with callers outside a load that have no use for a
    hash; the load alone asks for them."""
    log = ReadLog()
    token = _LOG.set(log)
    try:
        yield log
    finally:
        _LOG.reset(token)


def _logged(path: Path, sha256: str) -> None:
    log = _LOG.get()
    if log is not None:
        log.add(path, sha256)


def hashed_bytes(path: str | Path) -> tuple[bytes, str]:
    """A small file's bytes (a rules file) and their SHA-256, logged while recording."""
    path = Path(path)
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    _logged(path, sha256)
    return data, sha256


def utf8_text(data: bytes) -> str:
    """Bytes read once (to be hashed) as the text `Path.read_text(encoding="utf-8")` gave: CRLF and CR become
    LF, so offsets into a document and a stored rules text are what they were. UnicodeDecodeError if not UTF-8."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()


class _HashingReader(io.RawIOBase):
    """A binary file that hashes every byte as it is read, and stops at MAX_BYTES (a file that grows while it
    is read cannot pass the size check it passed before)."""

    def __init__(self, fh: IO[bytes], file: str, limit: int = MAX_BYTES) -> None:
        self._fh, self._file, self.size, self._limit = fh, file, 0, limit
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = self._fh.readinto(buf)  # type: ignore[attr-defined]  # a binary file opened by us
        if n:
            self.sha256.update(memoryview(buf)[:n])
            self.size += n
            if self.size > self._limit:
                raise _too_large_file(self._file)
        return n or 0


def _too_large_file(file: str) -> InputError:
    return InputError(f"file is larger than {MAX_BYTES // 1024**3} GiB; split it", file=file, reason=Reason.TOO_LARGE)


# ------------------------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------------------------
class _Cells:
    """What a reader hands on: the header, the rows (cells stripped) as one object array or as an Arrow
    table of one text column per header cell (DuckDB's reader), each row's line or sheet row, and the hash of
    the bytes they came from."""

    def __init__(self, header: list[str], cells: np.ndarray | pa.Table, rows: np.ndarray, sha256: str) -> None:
        self.header, self.cells, self.rows, self.sha256 = header, cells, rows, sha256


class _RecordTooLong(Exception):
    pass


class _Lines:
    """The physical lines of a text stream (CRLF, LF or CR, as the csv module wants them: newline='' and
    the ending kept), refusing a record of more than MAX_RECORD_CHARS before it is held whole, then _END.

    Why the end marker: the csv module, not strict, ends a quoted cell that runs to the end of the file
    silently. After the last line `done` is set and _END follows: the record that comes back is [_END]
    when the file ended cleanly, and anything else when an open quote swallowed the marker."""

    def __init__(self, text: IO[str]) -> None:
        self.text, self.done, self.pending = text, False, 0

    def __iter__(self) -> Iterator[str]:
        readline, limit = self.text.readline, MAX_RECORD_CHARS + 1
        while line := readline(limit):
            self.pending += len(line)  # reset by the parser at each record
            if self.pending > MAX_RECORD_CHARS:
                raise _RecordTooLong
            yield line
        self.done = True
        yield _END


class _Table:
    """Rows turned into one object array a batch at a time, every cell stripped.

    Why a column whose values repeat keeps one string per distinct value: a file of a million figures
    repeats its indicator, subject, region, unit, status and source on every row, and one Python string per
    cell is most of the memory a read takes (measured, in docs/decisions.md). Which columns repeat is judged
    on the first batch: a column with fewer distinct values than a quarter of its cells."""

    def __init__(self, width: int) -> None:
        import numpy as np

        self.width = width
        self.batches: list[np.ndarray] = []
        self.repeats: list[dict[str, str] | None] | None = None  # per column: value → its one string, or None
        self._strip = np.frompyfunc(str.strip, 1, 1)

    def add(self, batch: list[list[str]]) -> None:
        import numpy as np
        import pandas as pd

        rows = np.empty((len(batch), self.width), dtype=object)
        rows[:] = batch
        out = np.empty_like(rows)
        if self.repeats is None:
            self.repeats = [{} if len(pd.unique(rows[:, j])) * 4 < len(batch) else None for j in range(self.width)]
        for j, seen in enumerate(self.repeats):
            if seen is None:
                out[:, j] = self._strip(rows[:, j])
            else:
                codes, values = pd.factorize(rows[:, j])
                one = [seen.setdefault(v, v) for v in self._strip(values)]
                out[:, j] = np.asarray(one, dtype=object)[codes]
        self.batches.append(out)

    def clear(self) -> None:
        self.batches = []

    def cells(self) -> np.ndarray:
        import numpy as np

        if len(self.batches) == 1:
            return self.batches[0]
        return np.concatenate(self.batches) if self.batches else np.empty((0, self.width), dtype=object)


class _CsvParse:
    """One pass over a CSV file in one encoding. Row failures are collected, not raised, so every short or
    long row of the file is reported at once; from the first failure on, rows are no longer kept."""

    def __init__(self, fh: IO[bytes], encoding: str, file: str, *, keep: bool = True, limit: int = MAX_BYTES) -> None:
        self.file, self.keep = file, keep  # keep=False: only find the failures (rows are not held)
        self.hashing = _HashingReader(fh, file, limit)
        self.text = io.TextIOWrapper(io.BufferedReader(self.hashing, _CHUNK), encoding=encoding, newline="")
        self.lines = _Lines(self.text)
        self.failures: list[RowFailure] = []
        self.table: _Table | None = None
        self.numbers: list[int] = []

    def run(self) -> _Cells:
        import numpy as np

        reader = csv.reader(self.lines)
        header = self._header(reader)
        width, prev = len(header), reader.line_num
        batch: list[list[str]] = []
        self.table = table = _Table(width)
        lines, failures, numbers = self.lines, self.failures, self.numbers  # locals: this loop runs per row
        try:
            for rec in reader:
                start, prev, size = prev + 1, reader.line_num, lines.pending
                lines.pending = 0
                if lines.done:  # the reader has gone past the last line: the end marker, or a quote ran on
                    if rec != [_END]:
                        self._unterminated(start, prev)
                    break
                n = len(rec)
                if n != width or (n == 1 and not rec[0].strip()):
                    if n > 1 or (n == 1 and rec[0].strip()):  # a blank line is skipped, as it always was
                        self._fail(start, None, f"{n} cells, but the header has {width}: every row needs one cell per "
                                                "column (a file cut short, or a missing or extra comma)",
                                   Reason.WRONG_SHAPE)
                    continue
                if size > MAX_CELL_CHARS:
                    self._check_cells(start, header, rec)
                if failures or not self.keep:  # nothing will be loaded (or only failures are wanted): keep no row
                    batch.clear()
                    continue
                batch.append(rec)
                numbers.append(start)
                if len(batch) == _BATCH:
                    table.add(batch)
                    batch = []
        except _RecordTooLong:
            raise InputError(f"row {prev + 1}: a row of more than {MAX_RECORD_CHARS:,} characters; sectorscope reads "
                             "rows up to that size (is this a CSV file?)", file=self.file, reason=Reason.TOO_LARGE) from None
        except csv.Error as exc:
            raise InputError(f"row {reader.line_num}: not a well-formed CSV file: {exc}", file=self.file) from None
        if self.failures:
            raise ValidationError(self.failures, file=self.file)
        if batch:
            table.add(batch)
        return _Cells(header, table.cells(), np.asarray(self.numbers, dtype=np.int64), self.hashing.sha256.hexdigest())

    def first_record(self) -> tuple[list[str], int]:
        """The header (stripped) and the number of the line it ends on; the header's errors as `run` raises
        them."""
        reader = csv.reader(self.lines)
        try:
            header = self._header(reader)
        except _RecordTooLong:
            raise InputError(f"row {reader.line_num + 1}: a row of more than {MAX_RECORD_CHARS:,} characters; sectorscope "
                             "reads rows up to that size (is this a CSV file?)", file=self.file, reason=Reason.TOO_LARGE) from None
        except csv.Error as exc:
            raise InputError(f"row {reader.line_num}: not a well-formed CSV file: {exc}", file=self.file) from None
        return header, reader.line_num

    def _header(self, reader: Any) -> list[str]:
        prev = 0
        for rec in reader:
            start, prev = prev + 1, reader.line_num
            self.lines.pending = 0
            if self.lines.done:
                if rec != [_END]:
                    self._unterminated(start, prev)
                    raise ValidationError(self.failures, file=self.file)
                break
            if rec and (len(rec) > 1 or rec[0].strip()):
                if len(rec) > MAX_COLUMNS:
                    raise InputError(f"the header has {len(rec):,} columns; sectorscope reads at most {MAX_COLUMNS:,} "
                                     "(the long format has 23, a wide file one per period): is this the right file?",
                                     file=self.file, reason=Reason.TOO_LARGE)
                return [c.strip() for c in rec]
        raise InputError("the file is empty: it needs a header row (see docs/data-format.md)", file=self.file)

    def _unterminated(self, start: int, prev: int) -> None:
        self._fail(start, None, f"a quote (\") opened in this row is never closed: lines {start} to {prev - 1} (the end "
                                "of the file) were read as one cell; close the quote", Reason.UNREADABLE)

    def _check_cells(self, row: int, header: list[str], rec: list[str]) -> None:
        for name, cell in zip(header, rec, strict=True):
            if len(cell) > MAX_CELL_CHARS:
                self._fail(row, name, f"a cell of {len(cell):,} characters; sectorscope reads cells up to "
                                      f"{MAX_CELL_CHARS:,}", Reason.TOO_LARGE)

    def _fail(self, row: int, field: str | None, reason: str, code: Reason) -> None:
        self.failures.append(RowFailure(self.file, row, field, None, reason, code=code))
        if self.table is not None:  # nothing is loaded: the rows kept so far are not needed
            self.table.clear()
        self.numbers.clear()


def _read_csv(path: Path, file: str) -> _Cells:
    """The file copied once (hashed) to a scratch file, then read as UTF-8 or, failing that, as GB18030 (as
    before: a file that is not UTF-8 is GB18030), by DuckDB or, when DuckDB refuses it or its reading cannot
    be proved the same, by the exact reader below (csv_reader.py says when)."""
    from .csv_reader import snapshot

    with open(path, "rb") as fh:
        if b"\x00" in fh.read(8192):
            raise InputError("this is a binary file, not CSV text; save it as CSV (UTF-8) or XLSX", file=file)
    _raise_field_limit()
    _refuse_wide_header(path, file)
    with snapshot(path, file, MAX_BYTES) as snap:
        try:
            cells = _read_snapshot(snap, file)
        except UnicodeDecodeError:
            snap.transcode(file)  # InputError when it is not GB18030 either
            try:
                cells = _read_snapshot(snap, file)
            except UnicodeDecodeError:  # (not reached: the transcoded copy is UTF-8)
                raise InputError("cannot decode the file as UTF-8 or GB18030 text; save it as UTF-8 CSV", file=file) from None
    cells.sha256 = snap.sha256
    return cells


def _read_snapshot(snap: Snapshot, file: str) -> _Cells:
    """The scratch copy's rows in its encoding; UnicodeDecodeError when it is not in it."""
    from .csv_reader import DuckDBRefused, duckdb_cells

    with open(snap.path, "rb") as fh:
        header, header_lines = _CsvParse(fh, snap.encoding, file, limit=2**62).first_record()
    if snap.size >= _DUCKDB_FROM:  # a small file: the exact reader costs less than starting DuckDB
        refused = False
        try:
            got = duckdb_cells(snap, len(header), header_lines, MAX_CELL_CHARS, _DUCKDB_LINE)
        except DuckDBRefused:  # (handled outside the except: its traceback would keep DuckDB's rows alive)
            refused, got = True, None
        if refused:  # a malformed row, most likely: find every failure without holding the rows
            _parse(snap, file, keep=False)
        if got is not None:
            return _Cells(header, got[0], got[1], "")
    return _parse(snap, file, keep=True)


def _refuse_wide_header(path: Path, file: str) -> None:
    """Refuse a header of more than MAX_COLUMNS cells before the file is copied (a 1 M-column file took 15
    minutes and 3 GB). Read apart from the copy that is parsed, as text whatever its encoding (a comma, a
    quote and a line break are the same byte in UTF-8 and GB18030); the copy's header is checked again."""
    with open(path, "rb") as fh:
        text = io.TextIOWrapper(io.BufferedReader(fh, _CHUNK), encoding="utf-8", errors="replace", newline="")
        lines = _Lines(text)
        reader = csv.reader(lines)
        try:
            for rec in reader:
                lines.pending = 0
                if len(rec) > MAX_COLUMNS and not lines.done:
                    raise InputError(f"the header has {len(rec):,} columns; sectorscope reads at most {MAX_COLUMNS:,} "
                                     "(the long format has 23, a wide file one per period): is this the right file?",
                                     file=file, reason=Reason.TOO_LARGE)
                if rec and (len(rec) > 1 or rec[0].strip()):
                    return
        except (_RecordTooLong, csv.Error):
            return  # the exact reader names it


def _raise_field_limit() -> None:
    """Why the csv module's field limit is raised: its default (128 KiB, process-wide) would refuse a cell
    our own bound accepts, with its own message; ours (per cell and per row) apply first and name the row.
    Raised, never lowered, so other code in the process reading CSV is not restricted by us."""
    if csv.field_size_limit() < MAX_RECORD_CHARS:
        csv.field_size_limit(MAX_RECORD_CHARS)


def _parse(snap: Snapshot, file: str, *, keep: bool) -> _Cells:
    """The exact reader over the scratch copy: every failure named as it always was. UnicodeDecodeError when
    the copy is not in its encoding."""
    with open(snap.path, "rb") as fh:
        return _CsvParse(fh, snap.encoding, file, keep=keep, limit=2**62).run()


# ------------------------------------------------------------------------------------------------
# XLSX
# ------------------------------------------------------------------------------------------------
def _copy_hashed(path: Path, spool: IO[bytes], file: str) -> str:
    """Copy the workbook into `spool` once, hashing it as it is copied; the hash. Why a copy: a zip is read
    out of order, so the bytes parsed must be a copy that cannot change under the reader."""
    with open(path, "rb") as fh:
        hashing = _HashingReader(fh, file)
        shutil.copyfileobj(io.BufferedReader(hashing, _CHUNK), spool, _CHUNK)
    spool.seek(0)
    return hashing.sha256.hexdigest()


def _check_zip(spool: IO[bytes], file: str) -> None:
    """Refuse a workbook whose parts would expand beyond MAX_BYTES or more than MAX_ZIP_RATIO times, from the
    sizes the zip declares, before any part is expanded. zipfile stops at the declared size (and fails the
    CRC check), so a lie in the directory cannot expand a part further."""
    try:
        infos = zipfile.ZipFile(spool).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"not a readable XLSX workbook: {exc}", file=file) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_BYTES:
        raise InputError(f"the workbook expands to {total:,} bytes; sectorscope reads at most {MAX_BYTES:,}: split it "
                         "or save its sheet as CSV", file=file, reason=Reason.TOO_LARGE)
    for i in infos:
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > _RATIO_FLOOR and ratio > MAX_ZIP_RATIO:
            raise InputError(f"{i.filename} expands {ratio:,.0f}× ({i.compress_size:,} → {i.file_size:,} bytes); "
                             f"a sheet of real rows expands about 10×, more than {MAX_ZIP_RATIO}× is what a "
                             "zip bomb or a sheet of junk rows does: open it in Excel and save it again, or save the "
                             "sheet as CSV", file=file, reason=Reason.TOO_LARGE)
    spool.seek(0)


def _cell_text(cell: Any) -> str:
    """A cell's value as the text pandas.read_excel(dtype=str) gave before (so no figure changes): a whole
    number without '.0', other numbers as Python prints them, dates as 'YYYY-MM-DD HH:MM:SS', booleans as
    True/False; an error constant (#N/A) as its own text."""
    v = cell.value
    if v is None:
        return ""
    if cell.data_type == "n" and not isinstance(v, bool):
        return str(int(v)) if int(v) == v else str(float(v))
    return str(v)


def _formula_text(value: Any) -> str:
    return value if isinstance(value, str) else str(getattr(value, "text", None) or value)


class _SheetRows:
    """The first sheet's rows as lists of text, as pandas read them: a row's trailing empty cells and the
    sheet's trailing empty rows dropped, every row then padded to the widest. A formula anywhere is a
    failure (docs/decisions.md, "XLSX formulas are refused")."""

    def __init__(self, ws: Any, file: str) -> None:
        self.ws, self.file = ws, file
        self.rows: list[list[str]] = []
        self.failures: list[RowFailure] = []

    def read(self) -> None:
        empty = 0  # empty rows seen since the last row with data: kept only if data follows
        for r, row in enumerate(self.ws.iter_rows(), start=1):
            if r > MAX_SHEET_ROWS:
                raise InputError(f"sheet {self.ws.title!r} has more than {MAX_SHEET_ROWS:,} rows (Excel's limit)",
                                 file=self.file, reason=Reason.TOO_LARGE)
            cells = self._cells(r, row)
            while cells and cells[-1] == "":
                cells.pop()
            if not cells:
                empty += 1
                continue
            if len(cells) > MAX_COLUMNS:
                raise InputError(f"sheet {self.ws.title!r} row {r} has {len(cells):,} columns; sectorscope reads at "
                                 f"most {MAX_COLUMNS:,} (the long format has 23, a wide file one per period)",
                                 file=self.file, reason=Reason.TOO_LARGE)
            self.rows.extend([] for _ in range(empty))
            empty = 0
            self.rows.append(cells)

    def _cells(self, r: int, row: Any) -> list[str]:
        out: list[str] = []
        for cell in row:
            if cell.data_type == "f" and cell.value is not None:
                field = self.rows[0][len(out)].strip() if self.rows and r > 1 and len(out) < len(self.rows[0]) else None
                coord = f"{self.ws.title}!{cell.coordinate}"
                self.failures.append(RowFailure(
                    self.file, r, field or None, None,
                    f"{coord} is a formula ({_formula_text(cell.value)}); paste values (Copy, then Paste Special → "
                    "Values) so the file holds the figure itself", code=Reason.BAD_VALUE))
                out.append("")
                continue
            text = _cell_text(cell)
            if len(text) > MAX_CELL_CHARS:
                raise InputError(f"sheet {self.ws.title!r} cell {cell.coordinate} holds {len(text):,} characters; "
                                 f"sectorscope reads cells up to {MAX_CELL_CHARS:,}", file=self.file,
                                 reason=Reason.TOO_LARGE)
            out.append(text)
        return out


def _read_xlsx(path: Path, file: str) -> _Cells:
    import numpy as np
    from openpyxl import load_workbook

    with tempfile.SpooledTemporaryFile(max_size=64 * 1024**2) as spool:  # in memory up to 64 MB, then on disk
        sha256 = _copy_hashed(path, spool, file)
        _check_zip(spool, file)
        try:
            wb = load_workbook(spool, read_only=True, data_only=False, keep_links=False)
        except Exception as exc:  # openpyxl raises many types for damaged workbooks
            raise InputError(f"not a readable XLSX workbook: {exc}", file=file) from None
        try:
            ws = wb.worksheets[0]
            if (ws.max_row or 0) > MAX_SHEET_ROWS:
                raise InputError(f"sheet {ws.title!r} declares {ws.max_row:,} rows ({ws.calculate_dimension()}); a sheet "
                                 f"has at most {MAX_SHEET_ROWS:,} (Excel's limit)", file=file, reason=Reason.TOO_LARGE)
            ws.reset_dimensions()  # read the rows there are, not the ones declared
            sheet = _SheetRows(ws, file)
            sheet.read()
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"not a readable XLSX workbook: {exc}", file=file) from None
        finally:
            wb.close()
    if sheet.failures:
        raise ValidationError(sheet.failures, file=file)
    if not sheet.rows:
        raise InputError("the file is empty: it needs a header row (see docs/data-format.md)", file=file)
    width = max(len(r) for r in sheet.rows)
    padded = [r + [""] * (width - len(r)) for r in sheet.rows]
    header = [c.strip() for c in padded[0]]
    table = _Table(width)
    for i in range(1, len(padded), _BATCH):
        table.add(padded[i:i + _BATCH])
    cells = table.cells()
    return _Cells(header, cells, np.arange(2, len(padded) + 1, dtype=np.int64), sha256)


# ------------------------------------------------------------------------------------------------
# tables
# ------------------------------------------------------------------------------------------------
def read_table(path: str | Path, *, strings: str = STRINGS) -> pd.DataFrame:
    """A CSV/XLSX file as text cells, stripped, with each record's row number in ROW_COLUMN (int64).

    `strings`: "arrow" (the default) gives the text columns as pandas' Arrow-backed strings
    (`pd.ArrowDtype(pa.string())`: DuckDB's columns handed on without a copy or a Python object per cell,
    and what vectorised steps work on natively); "object" as Python str objects, as before.

    The row number is the 1-based line of a CSV file the record starts on (the header's line is 1 in a file
    that starts with it; a record whose quoted cell spans lines has the number of its first line), or the
    sheet row of an XLSX file. A CSV row with more or fewer cells than the header is a failure of that row;
    every such row is reported at once (ValidationError) and nothing is returned.
    """

    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError("no such file", file=file, reason=Reason.FILE_NOT_FOUND)
    if path.stat().st_size > MAX_BYTES:
        raise _too_large_file(file)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        got = _read_csv(path, file)
    elif suffix in (".xlsx", ".xlsm"):
        got = _read_xlsx(path, file)
    else:
        raise InputError(f"unknown file type {suffix!r}: sectorscope reads .csv and .xlsx", file=file)
    dupes = sorted({c for c in got.header if got.header.count(c) > 1})
    if dupes:
        raise InputError(f"column(s) {dupes} appear more than once in the header", file=file)
    frame = _frame(got, strings)
    frame[ROW_COLUMN] = got.rows
    _logged(path, got.sha256)
    return frame


def _frame(got: _Cells, strings: str) -> pd.DataFrame:
    """The cells as a frame of text columns named by the header (which has no name twice)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if strings not in ("arrow", "object"):
        raise ValueError(f"strings must be 'arrow' or 'object', not {strings!r}")
    if isinstance(got.cells, np.ndarray):
        frame = pd.DataFrame(got.cells, columns=got.header, dtype=object)
        return frame.astype(_ARROW_STRING()) if strings == "arrow" and got.header else frame
    table = got.cells.rename_columns(got.header)
    if strings == "object":
        return table.to_pandas()  # repeated values share one str (deduplicate_objects)
    return table.to_pandas(types_mapper={pa.string(): _ARROW_STRING()}.get)  # no copy


def _arrow_string() -> pd.api.extensions.ExtensionDtype:
    """Why pd.ArrowDtype(pa.string()) and not pd.StringDtype("pyarrow"): the second copies every column into
    large_string (0.5 s a million rows of 11 columns, measured); the first wraps DuckDB's arrays as they are.
    pandera's `str` columns and the validator take both."""
    import pandas as pd
    import pyarrow as pa

    return pd.ArrowDtype(pa.string())


_ARROW_STRING = _arrow_string


def read_rows(path: str | Path, *, strings: str = STRINGS) -> tuple[pd.DataFrame, str]:
    """Rows of a CSV/XLSX file as text in long layout, and the layout it was in ('long' or 'wide').

    Wide files (a column per period) are melted to one row per non-empty cell. `strings`: as read_table.
    """
    frame = read_table(path, strings=strings)
    # a full-width header (２０２４) is a period too; validation stores it in its ASCII form
    period_cols = [c for c in frame.columns if _PERIOD_HEADER.match(unicodedata.normalize("NFKC", c))]
    if "value" in frame.columns:
        if period_cols:
            raise InputError(
                f"the header has both a 'value' column and period columns {period_cols[:3]}: "
                "use the long layout (period, value) or the wide one (a column per period), not both",
                file=str(path),
            )
        return frame, "long"
    if not period_cols:
        raise InputError(
            "no 'value' column and no period columns (2025, 2025Q1, 2025-03): see docs/data-format.md",
            file=str(path),
        )
    ids = [c for c in frame.columns if c not in period_cols]
    long = frame.melt(id_vars=ids, value_vars=period_cols, var_name="period", value_name="value")
    long = long[long["value"].astype(str).str.strip() != ""].sort_values([ROW_COLUMN, "period"], kind="stable")
    return long.reset_index(drop=True), "wide"
