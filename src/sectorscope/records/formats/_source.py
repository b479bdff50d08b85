"""A record file's cells as text, a chunk at a time, whatever its container (CSV/TSV in UTF-8 or GB18030, or
XLSX), with each row's line number — never the whole file in memory.

Why pyarrow's CSV parser with every column as text: it parses in C++, and the formats convert the text per
chunk with pyarrow.compute (amounts with thousands separators, codes with leading zeros and dots are not what a
type-guessing reader should see). Why pieces rather than `pyarrow.csv.open_csv`: the streaming reader reads
ahead as far as it can, and its memory grew with the file (measured: 6 MB for 5 MB of text, 21 MB for 20 MB);
the text is cut into pieces of 4 MB that end at a record, each parsed alone, so memory is a piece and a chunk
whatever the file's size. Line numbers count records (header = 1, blank lines included); a file with line
breaks inside quoted cells is numbered by record, not by physical line. Why a UTF-8 scratch copy for GB18030: Arrow
(and DuckDB) read UTF-8 only, so a GB18030/GBK file is transcoded first, streaming, 1 MB at a time with an
incremental decoder. ingest/csv_reader.py has the same transcoding in `Snapshot.transcode`, but ingest does not
export it (and a layer imports another only through its package), so this module has its own few lines.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import os
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import InputError, Reason, RowFailure
from ...ingest import transcode_to_utf8

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["LINE_NO", "Source", "open_source"]

LINE_NO = "__line_no__"  # the column of a raw chunk that holds each row's line (header = 1)
_MB = 1024 * 1024
_PIECE = 4 * _MB  # bytes of CSV text parsed at a time
_ZIP = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"


@dataclass
class Source:
    """One opened record file. `header` is its first row (cells stripped); `sha256` and `size` are of the
    file's bytes; `container` is csv, tsv or xlsx; `encoding` utf-8, utf-8-sig or gb18030 (xlsx: '')."""

    path: Path
    file: str
    header: list[str]
    sha256: str
    size: int
    container: str
    encoding: str
    text_path: Path | None = None  # the UTF-8 text read (the file itself, or a scratch copy)
    delimiter: str = ","
    names: list[str] = field(default_factory=list)  # column names given to the reader (header + padding)
    invalid: list[str] = field(default_factory=list)  # rows the CSV reader skipped (wrong number of cells)
    failures: list[RowFailure] = field(default_factory=list)

    def batches(self, chunk_rows: int) -> Iterator[pa.RecordBatch]:
        """Raw chunks of at most `chunk_rows` rows: every column text (header names; an empty cell is ''),
        plus LINE_NO. Rows with no text at all (blank lines) are left out."""
        raw = self._xlsx_batches() if self.container == "xlsx" else self._csv_batches()
        yield from _rechunk(_drop_blank(raw), chunk_rows)
        if self.invalid:
            self._locate_invalid()

    def raw_batches(self) -> Iterator[pa.RecordBatch]:
        """The same rows as `batches`, in the reader's own block sizes (for a consumer that does not need
        chunks of a fixed size: DuckDB scanning them as a stream)."""
        raw = self._xlsx_batches() if self.container == "xlsx" else self._csv_batches()
        yield from _drop_blank(raw)
        if self.invalid:
            self._locate_invalid()

    # ---- CSV ----------------------------------------------------------------------------------------
    def _csv_batches(self) -> Iterator[pa.RecordBatch]:
        import numpy as np
        import pyarrow as pa
        import pyarrow.csv as pcsv

        self.invalid = []

        def skip(row: Any) -> str:
            self.invalid.append(row.text)
            return "skip"

        assert self.text_path is not None
        read = pcsv.ReadOptions(column_names=self.names, block_size=_PIECE, use_threads=False)
        parse = pcsv.ParseOptions(delimiter=self.delimiter, invalid_row_handler=skip, ignore_empty_lines=False,
                                  newlines_in_values=True)
        convert = pcsv.ConvertOptions(column_types={n: pa.string() for n in self.names},
                                      strings_can_be_null=False, quoted_strings_can_be_null=False)
        line = 2
        for piece in _pieces(self.text_path):
            table = pcsv.read_csv(pa.py_buffer(piece), read_options=read, parse_options=parse, convert_options=convert)
            del piece
            for batch in table.to_batches():
                n = batch.num_rows
                cols = {name: batch.column(i) for i, name in enumerate(self.names) if i < len(self.header)}
                cols[LINE_NO] = pa.array(np.arange(line, line + n, dtype=np.int64))
                line += n
                yield pa.RecordBatch.from_pydict(cols)

    def _locate_invalid(self) -> None:
        """Name the rows the reader skipped (their line numbers are known only to a second, exact read, done
        only when there are such rows: the batch fails anyway)."""
        assert self.text_path is not None
        width = len(self.names)
        with open(self.text_path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            next(reader, None)
            for cells in reader:
                if cells and len(cells) != width:
                    self.failures.append(RowFailure(
                        self.file, reader.line_num, None, self.delimiter.join(cells)[:80],
                        f"has {len(cells)} cells where the header has {width}: the row is cut or has extra "
                        f"separators; fix it and load again", code=Reason.WRONG_SHAPE))

    # ---- XLSX ---------------------------------------------------------------------------------------
    def _xlsx_batches(self) -> Iterator[pa.RecordBatch]:
        import openpyxl

        wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            rows = ws.iter_rows(values_only=True)
            next(rows, None)
            width = len(self.header)
            buf: list[list[str]] = [[] for _ in range(width)]
            lines: list[int] = []
            for line, row in enumerate(rows, start=2):
                cells = list(row)[:width]
                cells += [None] * (width - len(cells))
                for i, v in enumerate(cells):
                    buf[i].append(_cell_text(v))
                lines.append(line)
                if len(lines) >= 65_536:
                    yield _batch(self.header, buf, lines)
                    buf, lines = [[] for _ in range(width)], []
            if lines:
                yield _batch(self.header, buf, lines)
        finally:
            wb.close()


def _batch(header: list[str], buf: list[list[str]], lines: list[int]) -> pa.RecordBatch:
    import pyarrow as pa

    cols: dict[str, Any] = {h: pa.array(c, pa.string()) for h, c in zip(header, buf, strict=True)}
    cols[LINE_NO] = pa.array(lines, pa.int64())
    return pa.RecordBatch.from_pydict(cols)


def _cell_text(v: Any) -> str:
    """A spreadsheet cell as the text a CSV export would print (1234567.0 → '1234567'; a date → YYYYMM)."""
    if v is None:
        return ""
    if isinstance(v, datetime):  # a 数据年月 cell Excel turned into a date
        return v.strftime("%Y%m")
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def _drop_blank(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Leave out rows whose every cell is empty (a blank line reads as one)."""
    import pyarrow.compute as pc

    for b in batches:
        text_cols = [b.column(i) for i, n in enumerate(b.schema.names) if n != LINE_NO]
        if not text_cols:
            continue
        blank = pc.equal(pc.utf8_length(text_cols[0]), 0)
        if pc.any(blank).as_py():  # only then look at the other cells
            for c in text_cols[1:]:
                blank = pc.and_(blank, pc.equal(pc.utf8_length(c), 0))
            if pc.any(blank).as_py():
                b = b.filter(pc.invert(blank))
        if b.num_rows:
            yield b


def _rechunk(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.RecordBatch]:
    """Batches of exactly `rows` rows (the last may be shorter), whatever the reader's block sizes."""
    import pyarrow as pa

    pending: list[pa.RecordBatch] = []
    have = 0
    for b in batches:
        pending.append(b)
        have += b.num_rows
        while have >= rows:
            table = pa.Table.from_batches(pending)
            head, rest = table.slice(0, rows), table.slice(rows)
            yield head.combine_chunks().to_batches()[0]
            pending = rest.to_batches() if rest.num_rows else []
            have = rest.num_rows
    if have:
        yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]


def _pieces(text_path: Path) -> Iterator[bytes]:
    """The data rows of a CSV text (the header line left out), in pieces of about _PIECE bytes that end at the
    end of a record (a newline outside quotes), so each piece parses alone and memory stays at a few pieces
    whatever the file's size. (pyarrow's streaming reader reads ahead as far as it can: its memory grew with
    the file, 6 MB for 5 MB of text and 21 MB for 20 MB, measured here.)"""
    with open(text_path, "rb") as fh:
        fh.readline()
        carry = b""
        while data := fh.read(_PIECE):
            buf = carry + data
            cut = buf.rfind(b"\n") + 1
            while cut and buf.count(b'"', 0, cut) % 2:  # that newline is inside a quoted cell
                cut = buf.rfind(b"\n", 0, cut - 1) + 1
            if not cut:
                carry = buf
                continue
            yield buf[:cut]
            carry = buf[cut:]
        if carry:
            yield carry


# ---- opening ------------------------------------------------------------------------------------------
def _scratch_copy(path: Path, file: str) -> Path:
    """The GB18030 file transcoded to a UTF-8 scratch file, 1 MB at a time."""
    fd, name = tempfile.mkstemp(prefix="sectorscope-records-", suffix=".csv")
    out_path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            transcode_to_utf8(path, out, chunk=_MB)
    except UnicodeDecodeError:
        out_path.unlink(missing_ok=True)
        raise InputError("the file is neither UTF-8 nor GB18030 text; save it as UTF-8 CSV (or XLSX) and load "
                         "it again", file=file) from None
    except BaseException:
        out_path.unlink(missing_ok=True)
        raise
    return out_path


def _hash_and_sniff(path: Path) -> tuple[str, int, bool, bool, bytes]:
    """sha256 and size of the file; whether it is valid UTF-8; whether it is a zip (XLSX); its first bytes."""
    sha = hashlib.sha256()
    size = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    head = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_MB):
            if not head:
                head = chunk[:4096]
            sha.update(chunk)
            size += len(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    return sha.hexdigest(), size, utf8, head.startswith(_ZIP), head


def _first_rows(text_path: Path, n: int) -> tuple[list[list[str]], str]:
    with open(text_path, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        fh.seek(0)
        reader = csv.reader(fh, delimiter=delimiter)
        rows = []
        for cells in reader:
            rows.append(cells)
            if len(rows) >= n:
                break
    return rows, delimiter


def open_source(path: Path, file: str) -> Source:
    """Open a record file: hash it, tell its container and encoding, read its header. InputError (naming the
    file) when it is missing, empty, or text in neither UTF-8 nor GB18030."""
    if not path.is_file():
        raise InputError("no such file", file=file, reason=Reason.FILE_NOT_FOUND)
    sha, size, utf8, is_zip, head = _hash_and_sniff(path)
    if size == 0:
        raise InputError("the file is empty", file=file, reason=Reason.WRONG_SHAPE)
    if is_zip:
        return _open_xlsx(path, file, sha, size)
    if utf8:
        text_path, encoding = path, ("utf-8-sig" if head.startswith(_BOM) else "utf-8")
    else:
        text_path, encoding = _scratch_copy(path, file), "gb18030"
    rows, delimiter = _first_rows(text_path, 2)
    header = [c.strip() for c in rows[0]] if rows else []
    names = [h or f"__empty_{i}__" for i, h in enumerate(header)]
    # a trailing separator on the data rows only: one more, empty, cell than the header
    if len(rows) > 1 and len(rows[1]) == len(header) + 1 and rows[1][-1].strip() == "":
        names.append(f"__empty_{len(header)}__")
    src = Source(path, file, header, sha, size, "tsv" if delimiter == "\t" else "csv", encoding,
                 text_path=text_path, delimiter=delimiter, names=names)
    if text_path != path:
        weakref.finalize(src, text_path.unlink, missing_ok=True)
    return src


def _open_xlsx(path: Path, file: str, sha: str, size: int) -> Source:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"not a readable XLSX workbook ({exc}); save it again as .xlsx or as CSV", file=file) from None
    try:
        ws = wb.worksheets[0]
        first = next(ws.iter_rows(values_only=True), ())
    finally:
        wb.close()
    header = [_cell_text(v) for v in first]
    while header and header[-1] == "":
        header.pop()
    return Source(path, file, header, sha, size, "xlsx", "", names=list(header))
