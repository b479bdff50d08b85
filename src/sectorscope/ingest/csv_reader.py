"""A CSV file's rows parsed by DuckDB's `read_csv`, from a private UTF-8 copy taken (and hashed) as it is read.

Why DuckDB: Python's `csv` module, row by row, cost 4–8× what DuckDB's reader costs (1 M rows: 8.4 s against
1.4 s), and most of the rest of a load is vectorised. Why a copy: the file must be hashed as it is read (a file
that changes while it is loaded would otherwise be recorded with a digest of other bytes), and DuckDB reads a
file by path, out of order and in parallel; so the file is read once, into a scratch file in the system temp
folder that nobody else writes, hashing the original bytes and transcoding GB18030 to UTF-8 on the way, and
DuckDB reads the scratch file. The scratch file is removed when the read ends, whatever the outcome.

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..errors import InputError, Reason

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["DUCKDB_MEMORY", "DuckDBRefused", "Snapshot", "duckdb_cells", "snapshot"]

DUCKDB_MEMORY = "1GB"            # the private connection's memory_limit: a read streams, it holds a batch
_CHUNK = 4 * 1024**2
_BATCH_ROWS = 1_000_000
_NULL = "\ue000sectorscope-no-cell\ue000"  # DuckDB's nullstr: an empty cell reads as '', a missing one as NULL
_BOM = b"\xef\xbb\xbf"
# Python's str.strip() removes exactly these; DuckDB's trim(s, chars) is given the same set
_WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
# a field that starts with spaces and then a quote: the csv module keeps it as text, DuckDB skips the spaces.
# Inside a quoted cell a quote is doubled, so `, ""word` (a quote within quoted text) is not one; an opening
# quote is single, or starts `""` (an empty cell) or `"""` (a cell that starts with a quote).
_SPACE_QUOTE = re.compile(rb'[,\r\n] +(?:"(?!")|""(?:[,\r\n]|$)|""")')


class DuckDBRefused(Exception):
    """DuckDB's reader refused the file (a row of the wrong width, an open quote, …): the exact reader names
    every failure."""


@dataclass
class Snapshot:
    """The scratch UTF-8 copy of one CSV file and what was counted while it was written.

    `sha256` and `size` are of the original bytes; the counts are of the UTF-8 copy (the same as the
    original's: CR, LF, quote, comma and space are single bytes that no multibyte UTF-8 or GB18030 character
    contains)."""

    path: Path
    sha256: str = ""
    size: int = 0
    lf: int = 0
    cr: int = 0
    crlf: int = 0
    trailing: bytes = b""        # the run of CR/LF bytes the copy ends with
    space_quote: bool = False    # some field may start with spaces and a quote
    last: int = -1               # the copy's last byte (-1: empty)
    _carry: bytes = field(default=b"", repr=False)

    @property
    def lines(self) -> int:
        """Physical lines of the copy as the csv module counts them (CRLF, LF and CR each end one), the
        trailing line breaks not counted: the number of the line the last non-empty line is."""
        t = self.trailing
        trailing_breaks = t.count(b"\n") + t.count(b"\r") - t.count(b"\r\n")
        return self.lf + self.cr - self.crlf - trailing_breaks + 1

    def count(self, chunk: bytes) -> None:
        """Count one chunk written to the copy (chunks arrive in order)."""
        if not chunk:
            return
        joined = self._carry + chunk
        self.lf += chunk.count(b"\n")
        self.cr += chunk.count(b"\r")
        self.crlf += joined.count(b"\r\n") - self._carry.count(b"\r\n")
        if not self.space_quote and _SPACE_QUOTE.search(b"\n" + joined if self.last == -1 else joined):
            self.space_quote = True  # (the file's start is a field start too)
        stripped = chunk.rstrip(b"\r\n")
        self.trailing = self.trailing + chunk if not stripped else chunk[len(stripped):]
        keep = joined.rstrip(b" ")  # a field start can be followed by a run of spaces that spans chunks
        self._carry = joined[max(len(keep) - 1, 0):] if len(joined) - len(keep) < 4096 else joined[-4096:]
        self.last = chunk[-1]


def _valid_utf8(chunk: bytes, final: bool) -> tuple[bool, bytes]:
    """Whether `chunk` is UTF-8 (the tail of a character cut by the chunk's end is handed back to be
    prepended to the next chunk). Why Arrow: Python's decoder builds a str of the whole file to say yes
    (3 s for 300 MB of Chinese text); Arrow's validation only looks."""
    import pyarrow as pa

    tail = b""
    if not final:
        i = len(chunk)
        for j in range(len(chunk) - 1, max(len(chunk) - 4, -1), -1):
            if chunk[j] & 0xC0 != 0x80:  # the start of the last character
                i = j
                break
        tail, chunk = chunk[i:], chunk[:i]
    try:
        pa.array([chunk], pa.binary()).cast(pa.string())
    except pa.ArrowInvalid:
        return False, b""
    return True, tail


def _too_large(file: str, limit: int) -> InputError:
    return InputError(f"file is larger than {limit // 1024**3} GiB; split it", file=file, reason=Reason.TOO_LARGE)


def _copy(fh: IO[bytes], out: IO[bytes], snap: Snapshot, file: str, limit: int) -> bool:
    """Copy the file into `out`, hashing it; True when it is UTF-8 (a leading BOM dropped, as utf-8-sig did)."""
    sha, utf8, pending, first = hashlib.sha256(), True, b"", True
    while chunk := fh.read(_CHUNK):
        sha.update(chunk)
        snap.size += len(chunk)
        if snap.size > limit:
            raise _too_large(file, limit)
        data = chunk
        if first:
            first = False
            if data.startswith(_BOM) or (len(data) < 3 and _BOM.startswith(data)):
                data = data[3:] if data.startswith(_BOM) else data
        if utf8:
            utf8, pending = _valid_utf8(pending + data, final=False)
        out.write(data)
        if utf8:
            snap.count(data)
    if utf8 and pending:
        utf8, _ = _valid_utf8(pending, final=True)
    snap.sha256 = sha.hexdigest()
    return utf8


def _transcode(raw: Path, out: IO[bytes], snap: Snapshot, file: str) -> None:
    """The GB18030 copy as UTF-8 (the encoding read.py chose for a file that is not UTF-8: every byte string
    decodes as GB18030 or fails). Decodes the raw copy, not the file: the file is read once."""
    import codecs

    decoder = codecs.getincrementaldecoder("gb18030")()
    snap.lf = snap.cr = snap.crlf = 0
    snap.trailing, snap.last, snap._carry, snap.space_quote = b"", -1, b"", False
    with open(raw, "rb") as fh:
        try:
            while chunk := fh.read(_CHUNK):
                data = decoder.decode(chunk).encode("utf-8", "surrogatepass")
                out.write(data)
                snap.count(data)
            data = decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            raise InputError("cannot decode the file as UTF-8 or GB18030 text; save it as UTF-8 CSV", file=file) from None
        out.write(data)
        snap.count(data)


def _scratch() -> Path:
    fd, name = tempfile.mkstemp(prefix="sectorscope-read-", suffix=".csv")
    os.close(fd)
    return Path(name)


@contextmanager
def snapshot(path: Path, file: str, limit: int) -> Iterator[Snapshot]:
    """The file copied once, as UTF-8, into a scratch file that is removed when the block ends. InputError
    when it is larger than `limit` bytes or neither UTF-8 nor GB18030."""
    made: list[Path] = []
    try:
        made.append(_scratch())
        snap = Snapshot(made[0])
        with open(path, "rb") as fh, open(made[0], "wb") as out:
            utf8 = _copy(fh, out, snap, file, limit)
        if not utf8:
            made.append(_scratch())
            with open(made[1], "wb") as out:
                _transcode(made[0], out, snap, file)
            snap.path = made[1]
            made[0].unlink()
        yield snap
    finally:
        for p in made:
            p.unlink(missing_ok=True)


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
    checked here instead. An empty cell reads as '' and a missing one as NULL: a row is whole when its last
    column is NULL and no other is. Why not parallel: DuckDB's parallel scanner refuses quoted line breaks
    when it pads rows (and on two cores it is no faster here).

    Each cell comes back stripped as str.strip() strips, with two numbers per row for the checks: the bytes
    of its cells (a cell or row beyond read.py's bounds goes to the exact reader) and the line breaks inside
    them (a record spans one line more than it holds) — NULL when the row has the wrong number of cells."""
    cols = [f"c{i}" for i in range(width)]
    new_line = ", new_line='\\r'" if snap.lf == 0 and snap.cr else ""
    options = (f"header=false, skip=1, delim=',', quote='\"', escape='\"', all_varchar=true, auto_detect=false, "
               f"strict_mode=true, null_padding=true, nullstr={_sql_text(_NULL)}, parallel=false, "
               f"max_line_size={max_record_bytes}, buffer_size={4 * max_record_bytes}{new_line}, "
               "columns={" + ", ".join(f"'{c}': 'VARCHAR'" for c in [*cols, "extra"]) + "}")
    ws = _sql_text(_WHITESPACE)
    trimmed = ", ".join(f"trim({c}, {ws}) AS {c}" for c in cols)
    whole = " AND ".join([f"{c} IS NOT NULL" for c in cols] + ["extra IS NULL"])
    size = " + ".join(f"strlen({c})" for c in cols)
    breaks = " + ".join(f"strlen({c}) - strlen(translate({c}, chr(13) || chr(10), '')) "
                        f"- (strlen({c}) - strlen(replace({c}, chr(13) || chr(10), ''))) // 2" for c in cols)
    return (f"SELECT {trimmed}, ({size})::BIGINT AS _size, CASE WHEN {whole} THEN ({breaks})::BIGINT END AS _breaks "
            f"FROM read_csv({_sql_text(str(snap.path))}, {options})")


def _connect() -> object:
    import duckdb

    con = duckdb.connect(":memory:", config={"memory_limit": DUCKDB_MEMORY, "temp_directory": tempfile.gettempdir()})
    return con


def duckdb_cells(snap: Snapshot, width: int, header_lines: int, max_cell_bytes: int,
                 max_record_bytes: int) -> tuple[pa.Table, np.ndarray] | None:
    """The rows after the header (one line, `header_lines` == 1) as an Arrow table of stripped text
    columns c0…c{width-1}, and each row's line number; None when the exact reader must read the file
    (DuckDB refused something, a field starts with spaces and a quote, a cell or row is beyond the bounds,
    or the line counts leave the row numbers unproven, e.g. blank lines between rows)."""
    import duckdb
    import numpy as np
    import pyarrow.compute as pc

    if header_lines != 1 or width < 2 or snap.space_quote:  # one column: DuckDB reads a comma as text there
        return None
    con = _connect()
    try:
        table = con.execute(_query(snap, width, max_record_bytes)).to_arrow_reader(_BATCH_ROWS).read_all()  # type: ignore[attr-defined]
    except duckdb.Error as exc:
        raise DuckDBRefused(str(exc)) from None
    finally:
        con.close()  # type: ignore[attr-defined]
    if table["_breaks"].null_count:
        raise DuckDBRefused("a row with the wrong number of cells")
    if len(table) and pc.max(table["_size"]).as_py() > max_cell_bytes:
        return None
    spans = table["_breaks"].to_numpy() + 1
    rows = np.empty(len(table), dtype=np.int64)
    if len(rows):
        rows[0] = 2
        np.cumsum(spans[:-1], out=rows[1:])
        rows[1:] += 2
    last = int(rows[-1] + spans[-1] - 1) if len(rows) else 1
    if last != snap.lines:  # a blank line between rows (DuckDB skips it silently), or a count we cannot explain
        return None
    return table.select([f"c{i}" for i in range(width)]), rows
