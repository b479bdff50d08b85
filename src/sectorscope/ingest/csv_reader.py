"""A CSV file's rows parsed by DuckDB's `read_csv`, from a private UTF-8 copy taken (and hashed) as it is read.

Why DuckDB: Python's `csv` module, row by row, cost 4–8× what DuckDB's reader costs (1 M rows: 8.4 s against
1.4 s), and most of the rest of a load is vectorised. Why a copy: the file must be hashed as it is read (a file
that changes while it is loaded would otherwise be recorded with a digest of other bytes), and DuckDB reads a
file by path; so the file is read once, into a scratch file in the system temp folder that nobody else
writes, hashing the bytes on the way, and DuckDB reads the scratch file (a file that is not UTF-8 is
transcoded from GB18030 to a second scratch file, from the first). Scratch files are removed when the read
ends, whatever the outcome.

DuckDB is the fast path, not the judge. Its reader and the `csv` module differ at the edges (DuckDB skips
the spaces before an opening quote, skips blank lines without a trace, refuses mixed line endings and a
whitespace-only line), and the numbering of rows (the line a record starts on) and every error message
belong to the exact reader in `read.py`. So `duckdb_cells` returns None — "let the exact reader decide" —
whenever DuckDB raises anything, whenever the file has a shape DuckDB might read differently, and whenever the
row numbers cannot be proved from the line counts; the exact reader then reads the same scratch file.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import InputError, Reason

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["DUCKDB_MEMORY", "DuckDBRefused", "Snapshot", "duckdb_cells", "snapshot"]

DUCKDB_MEMORY = "256MB"          # the private connection's memory_limit: a read streams, DuckDB holds a few buffers
_CHUNK = 4 * 1024**2
_BATCH_ROWS = 131_072          # rows DuckDB hands over at a time: raw cells are held a batch at a time
_NULL = "\ue000sectorscope-no-cell\ue000"  # DuckDB's nullstr: an empty cell reads as '', a missing one as NULL
_BOM = b"\xef\xbb\xbf"
_PREFIX = "sectorscope-read-"    # scratch files: <temp>/sectorscope-read-<pid>-<random>.csv
# what Python's str.strip() removes (every c with c.isspace(); a test checks the list): Arrow's utf8_trim is
# given the same set
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
               "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# a field that starts with spaces and then a quote: the csv module keeps it as text, DuckDB skips the spaces.
# Inside a quoted cell a quote is doubled, so `, ""word` (a quote within quoted text) is not one; an opening
# quote is single, or starts `""` (an empty cell) or `"""` (a cell that starts with a quote).
_SPACE_QUOTE = re.compile(rb'[,\r\n] +(?:"(?!")|""(?:[,\r\n]|$)|""")')
_AFTER_CLOSE = (44, 13, 10, 34)   # a closing quote is followed by , CR LF or a quote (doubled)
_BEFORE_OPEN = (44, 13, 10, 34)   # an opening quote follows , CR LF or a quote (doubled); spaces: _SPACE_QUOTE


class DuckDBRefused(Exception):
    """DuckDB's reader refused the file (a row of the wrong width, an open quote, …): the exact reader names
    every failure."""


@dataclass
class Snapshot:
    """The scratch copy of one CSV file and what was counted while it was written.

    `sha256` and `size` are of the original bytes. `encoding` is how the copy is to be decoded: the copy is
    the file's bytes ("utf-8-sig", as read.py always tried first) until `transcode` makes it UTF-8 from
    GB18030 ("utf-8": a U+FEFF the GB18030 text starts with is text, as it was). The counts are of the copy
    (CR, LF, space and quote are single bytes that no multibyte UTF-8 or GB18030 character contains)."""

    path: Path
    sha256: str = ""
    size: int = 0
    encoding: str = "utf-8-sig"
    lf: int = 0
    cr: int = 0
    crlf: int = 0
    trailing: bytes = b""        # the run of CR/LF bytes the copy ends with
    space_quote: bool = False    # some field may start with spaces and a quote
    quotes: int = 0              # quote characters: an odd number means a quote is never closed
    stray_quote: bool = False    # a quote where well-formed CSV has none (text after a closing quote, …)
    _closing_at_end: bool = field(default=False, repr=False)  # the chunk ended on a closing quote
    last: int = -1               # the last byte counted (-1: none yet)
    _carry: bytes = field(default=b"", repr=False)

    @property
    def lines(self) -> int:
        """The number of the last line that is not empty, lines numbered as the csv module numbers them
        (CRLF, LF and CR each end one)."""
        t = self.trailing
        trailing_breaks = t.count(b"\n") + t.count(b"\r") - t.count(b"\r\n")
        return self.lf + self.cr - self.crlf - trailing_breaks + 1

    def count(self, chunk: bytes) -> None:
        """Count one chunk of the copy (chunks arrive in order). numpy, because bytes.count and re scan at a
        fraction of the speed, and this runs over every byte of every file."""
        import numpy as np

        if not chunk:
            return
        a = np.frombuffer(chunk, np.uint8)
        self.lf += int(np.count_nonzero(a == 10))
        if not self.stray_quote:
            self._check_quotes(a)
        self.quotes += int(np.count_nonzero(a == 34))
        cr = a == 13
        n_cr = int(np.count_nonzero(cr))
        self.cr += n_cr
        if n_cr:
            self.crlf += int(np.count_nonzero(cr[:-1] & (a[1:] == 10)))
        if self.last == 13 and a[0] == 10:
            self.crlf += 1
        if not self.space_quote and (np.any((a[:-1] == 32) & (a[1:] == 34)) or (self.last == 32 and a[0] == 34)):
            start = b"\n" if self.last == -1 else b""  # the file's start is a field start too
            self.space_quote = bool(_SPACE_QUOTE.search(start + self._carry + chunk))
        stripped = chunk.rstrip(b"\r\n")
        self.trailing = self.trailing + chunk if not stripped else chunk[len(stripped):]
        # a run of spaces longer than this is text, not a field start
        self._carry = chunk[-4096:] if len(chunk) >= 4096 else (self._carry + chunk)[-4096:]
        self.last = int(a[-1])

    def _check_quotes(self, a: Any) -> None:
        """Whether a quote stands where DuckDB and the csv module may read it differently. Counting quotes
        from the file's start, an odd one opens a quoted cell (or is the second of a doubled quote) and must
        follow a comma, a line break, a quote or the start; an even one closes it and must be followed by a
        comma, a line break, a quote or the end. `,"" ""` (text after a closing quote) broke that: DuckDB
        read an empty cell, the csv module `""`. Such a file goes to the exact reader (a file with quotes
        inside unquoted text — 5" screens — too: slower, never different)."""
        import numpy as np

        at = np.flatnonzero(a == 34)
        if self._closing_at_end and (not len(a) or a[0] not in _AFTER_CLOSE):
            self.stray_quote = True
            return
        self._closing_at_end = False
        if not len(at):
            return
        opening = (self.quotes + np.arange(1, len(at) + 1)) % 2 == 1
        before = np.where(at > 0, a[np.maximum(at - 1, 0)], -1 if self.last == -1 else self.last)
        if self.last == -1 and a[:3].tobytes() == _BOM:  # a quoted header after the BOM
            before = np.where(at == 3, -1, before)
        after_ok = np.isin(a[np.minimum(at + 1, len(a) - 1)], list(_AFTER_CLOSE)) | (at == len(a) - 1)
        before_ok = np.isin(before, [*_BEFORE_OPEN, -1])
        if np.any(opening & ~before_ok) or np.any(~opening & ~after_ok):
            self.stray_quote = True
        self._closing_at_end = bool(not opening[-1] and at[-1] == len(a) - 1)

    def transcode(self, file: str) -> None:
        """Replace the copy by its text, decoded as GB18030 (the encoding read.py chose for a file that is not
        UTF-8), in UTF-8. Decodes the copy, not the file: the file is read once."""
        from .encoding import transcode_to_utf8

        out_path = _scratch()
        self.lf = self.cr = self.crlf = 0
        self.trailing, self.last, self._carry, self.space_quote, self.quotes = b"", -1, b"", False, 0
        self.stray_quote, self._closing_at_end = False, False
        try:
            with open(out_path, "wb") as out:
                transcode_to_utf8(self.path, out, chunk=_CHUNK, on_chunk=self.count)
        except UnicodeDecodeError:
            out_path.unlink(missing_ok=True)
            raise InputError("cannot decode the file as UTF-8 or GB18030 text; save it as UTF-8 CSV", file=file) from None
        except BaseException:
            out_path.unlink(missing_ok=True)
            raise
        self.path.unlink(missing_ok=True)
        self.path, self.encoding = out_path, "utf-8"


def _too_large(file: str, limit: int) -> InputError:
    return InputError(f"file is larger than {limit // 1024**3} GiB; split it", file=file, reason=Reason.TOO_LARGE)


def _copy(fh: IO[bytes], out: IO[bytes], snap: Snapshot, file: str, limit: int) -> None:
    """Copy the file into `out`, hashing and counting it. A leading UTF-8 BOM is not counted (it is not
    part of the first line)."""
    from concurrent.futures import ThreadPoolExecutor

    sha = hashlib.sha256()
    first = True
    with ThreadPoolExecutor(1) as pool:  # the hash on the other core (hashlib lets go of the GIL)
        while chunk := fh.read(_CHUNK):
            hashed = pool.submit(sha.update, chunk)
            snap.size += len(chunk)
            if snap.size > limit:
                raise _too_large(file, limit)
            out.write(chunk)
            snap.count(chunk[3:] if first and chunk.startswith(_BOM) else chunk)
            first = False
            hashed.result()
    snap.sha256 = sha.hexdigest()


def _scratch() -> Path:
    """A new scratch file, named with this process's id so a later read can tell it was left by a process
    that died (see _remove_stale)."""
    fd, name = tempfile.mkstemp(prefix=f"{_PREFIX}{os.getpid()}-", suffix=".csv")
    os.close(fd)
    return Path(name)


def _remove_stale() -> None:
    """Remove the scratch files of processes that no longer run (a read killed with -9 cannot remove its
    own, and a copy is as large as the file read). A process id in use again by another process keeps its
    file until that one ends: never a file of a live reader."""
    for p in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*-*.csv"):
        pid = p.name[len(_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            p.unlink(missing_ok=True)
        except OSError:  # alive, another user's
            continue


@contextmanager
def snapshot(path: Path, file: str, limit: int) -> Iterator[Snapshot]:
    """The file copied once into a scratch file (in the system temp folder), removed when the block ends.
    InputError when it is larger than `limit` bytes."""
    _remove_stale()
    snap = Snapshot(_scratch())
    try:
        with open(path, "rb") as fh, open(snap.path, "wb") as out:
            _copy(fh, out, snap, file, limit)
        yield snap
    finally:
        snap.path.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------
# DuckDB
# ------------------------------------------------------------------------------------------------
def _sql_text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _query(snap: Snapshot, width: int, max_record_bytes: int) -> str:
    """read_csv with nothing left to guess: ',' '"' '"', strict, every column VARCHAR, the header line skipped
    (the caller parsed it), and one column more than the header has.

    Why the extra column, null_padding and a null string no file holds: DuckDB's strict mode still accepts a
    row with one empty cell too many (`1,2,` for two columns, the data loss of issue #18), so the width is
    checked by the caller instead. An empty cell reads as '' and a missing one as NULL: a row is whole when
    its extra column is NULL and no other is. Why not parallel: DuckDB's parallel scanner refuses quoted line
    breaks when it pads rows (and on two cores it was no faster here). DuckDB checks the text is UTF-8 as
    strictly as Python does (surrogates, overlong forms: measured)."""
    cols = [f"c{i}" for i in range(width)] + ["extra"]
    new_line = ", new_line='\\r'" if snap.lf == 0 and snap.cr else ""
    options = (f"header=false, skip=1, delim=',', quote='\"', escape='\"', all_varchar=true, auto_detect=false, "
               f"strict_mode=true, null_padding=true, nullstr={_sql_text(_NULL)}, parallel=false, "
               f"max_line_size={max_record_bytes}, buffer_size={4 * max_record_bytes}{new_line}, "
               "columns={" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}")
    return f"SELECT * FROM read_csv({_sql_text(str(snap.path))}, {options})"


def _connect() -> Any:
    import duckdb

    con = duckdb.connect(":memory:", config={"memory_limit": DUCKDB_MEMORY})
    con.execute("SET enable_progress_bar = false")
    con.execute("SET allocator_flush_threshold = '16MB'")  # hand freed memory back: the process keeps the rows
    return con


def _batches(snap: Snapshot, width: int, max_record_bytes: int) -> Generator[pa.RecordBatch, None, None]:
    """DuckDB's batches of raw cells; DuckDBRefused for anything DuckDB raises."""
    import duckdb

    con = _connect()
    try:
        reader = con.sql(_query(snap, width, max_record_bytes)).to_arrow_reader(_BATCH_ROWS)  # streamed
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            yield batch
    except duckdb.Error as exc:
        raise DuckDBRefused(str(exc)) from None
    finally:
        con.close()


def _stripped(col: pa.Array) -> pa.Array:
    """The column with each cell stripped as str.strip() strips; the column itself when no cell changes.
    Why keep the original: trimming copies the column, and most columns need none (a batch kept whole is
    memory DuckDB already gave us; the copy is dropped at once: 310 MB read, peak 1.15 → 0.79 GB)."""
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim(col, characters=_WHITESPACE)
    return trimmed if trimmed.nbytes != col.nbytes or not trimmed.equals(col) else col


def _breaks(batch: pa.RecordBatch, width: int) -> np.ndarray:
    """The line breaks inside each row's cells (CRLF, LF or CR: one each)."""
    import numpy as np
    import pyarrow.compute as pc

    total = np.zeros(batch.num_rows, dtype=np.int64)
    for i in range(width):
        col = batch.column(i)
        for pattern, sign in (("\n", 1), ("\r", 1), ("\r\n", -1)):
            total += sign * pc.count_substring(col, pattern).to_numpy(zero_copy_only=False)
    return total


def duckdb_cells(snap: Snapshot, width: int, header_lines: int, max_cell_bytes: int,
                 max_record_bytes: int) -> tuple[pa.Table, np.ndarray] | None:
    """The rows after the header (one line, `header_lines` == 1) as an Arrow table of text columns
    c0…c{width-1}, stripped as str.strip() strips, and each row's line number.

    DuckDBRefused when DuckDB refuses the file or a row has the wrong number of cells; None when the exact
    reader must read it anyway: a field starts with spaces and a quote, a quote is never closed (an odd
    number of them: DuckDB read `,,"` at the end of a file as one empty cell too many, and padded it away), a
    cell is beyond the bound, or the line counts leave the row numbers unproven (e.g. blank lines between
    rows, which DuckDB skips)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if header_lines != 1 or width < 2 or snap.space_quote or snap.quotes % 2 or snap.stray_quote:  # one column: a comma is text there
        return None
    names = [f"c{i}" for i in range(width)]
    columns: list[list[pa.Array]] = [[] for _ in range(width)]
    longest, n = 0, 0
    with closing(_batches(snap, width, max_record_bytes)) as batches:
        for batch in batches:
            if batch.column(width).null_count != batch.num_rows or any(batch.column(i).null_count for i in range(width)):
                raise DuckDBRefused("a row with the wrong number of cells")
            for i in range(width):
                col = batch.column(i)
                longest = max(longest, pc.max(pc.binary_length(col)).as_py() or 0)
                columns[i].append(_stripped(col))
            n += batch.num_rows
    if longest > max_cell_bytes:
        return None
    table = pa.table([pa.chunked_array(c, pa.string()) for c in columns], names=names)
    if n + 1 == snap.lines:  # every record on one line, no blank line between them
        return table, np.arange(2, n + 2, dtype=np.int64)
    spans = np.concatenate([np.zeros(0, np.int64), *(_breaks(b, width) for b in _batches(snap, width, max_record_bytes))]) + 1
    rows = np.empty(n, dtype=np.int64)
    if n:
        rows[0] = 2
        np.cumsum(spans[:-1], out=rows[1:])
        rows[1:] += 2
    last = int(rows[-1] + spans[-1] - 1) if n else 1
    if len(spans) != n or last != snap.lines:  # a blank line between rows (DuckDB skips it silently), or a count we cannot explain
        return None
    return table, rows
