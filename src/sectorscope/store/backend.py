"""The one module that knows which engine is underneath. Everything else speaks Ibis.

DuckDB (one embedded file) is the default. A write is one DuckDB transaction on the store file itself: it
appends its rows and commits once, so it costs what it writes, not the size of the store (docs/decisions.md,
"writes in place"). A failed or killed write leaves the store logically identical — every table's content
and every vintage's answer — though DuckDB may have changed bytes (a rolled-back append leaves free blocks;
a crash leaves a WAL the next connection replays).

DuckDB lets one process write a file, or any number read it, never both. So every writer first takes the
store's lock file (`<store>.lock`, flock), which announces it: the API's pool closes its idle connections
when it sees it (`writer_waiting`), and the writer opens the file as soon as the last reader has let go,
waiting up to `wait` seconds for either. A reader that finds the file held by a writer waits for it
(`connect_read`).

A process that both serves reads and writes (the API with uploads) instead *holds* the file: one read-write
DuckDB instance for the process (`hold`), every read on a cursor of it, every write of the process a
transaction on another cursor. DuckDB's MVCC lets each read see the last committed vintage while a write
runs, so the process's own writes never make its reads wait. Writers of other processes still take the
lock; the holder sees them (`foreign_writer`), lets go of the file (`let_go`) and holds it again after.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from ..errors import Reason, StoreError

__all__ = [
    "DEFAULT_WAIT",
    "add_missing_columns",
    "begin_snapshot",
    "connect_read",
    "drop_columns",
    "end_snapshot",
    "fill_columns",
    "foreign_writer",
    "hold",
    "holds",
    "interrupt",
    "let_go",
    "lock_path",
    "reader_waiting",
    "readers_path",
    "real_path",
    "write_session",
    "writer_waiting",
]

DEFAULT_WAIT = 60.0  # seconds a writer waits for another writer, and a reader for a writer, before giving up
_POLL = 0.05
_LOCK_HINTS = ("Could not set lock", "Conflicting lock", "different configuration", "Unique file handle conflict")


def real_path(path: Path) -> Path:
    """The file a store path names: a symlink is followed, so a write updates the store it points at (and
    keeps the link), and two names of one store share one lock."""
    return Path(os.path.realpath(path))


def lock_path(path: Path) -> Path:
    real = real_path(path)
    return real.with_name(real.name + ".lock")


def _locked_out(exc: Exception) -> bool:
    """DuckDB's refusal because another connection (in this process or another) holds the file."""
    return any(h in str(exc) for h in _LOCK_HINTS)


# The read-write instance this process holds, by real store path (`hold`), and the store files this process
# is writing right now (between taking the writer lock and letting go of it): the lock it holds then is its
# own, not a writer of another process waiting.
_HELD: dict[str, object] = {}
_WRITING: dict[str, int] = {}
_STATE = threading.Lock()


def _held_against(lock: Path, mode: int) -> bool:
    """Whether another process holds `lock` so that a lock of `mode` cannot be had now (a non-blocking flock,
    let go at once: closing the descriptor releases whatever it took)."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def writer_waiting(path: Path) -> bool:
    """Whether a writer holds (or is about to take) the store's lock: readers should let go of the file."""
    return _held_against(lock_path(path), fcntl.LOCK_SH)


def foreign_writer(path: Path) -> bool:
    """Whether a writer of *another* process holds or waits for the store's lock (the lock taken by a write of
    this process does not count): what makes a process that holds the file let go of it."""
    with _STATE:
        if _WRITING.get(str(real_path(path))):
            return False
        return writer_waiting(path)


def holds(path: Path) -> bool:
    """Whether this process holds the store file read-write (`hold`)."""
    return str(real_path(path)) in _HELD


def hold(path: Path, wait: float = DEFAULT_WAIT) -> None:
    """Open the process's one read-write instance of an existing store file (nothing if it is open already):
    from now on reads of this process are cursors of it (`connect_read`) and so are its writes
    (`write_session`), so a write never waits for a read of this process nor a read for a write. Waits up to
    `wait` s while another process holds the file."""
    import duckdb

    real = real_path(path)
    if not real.exists():
        raise StoreError(f"no store at {path}: load data first (sectorscope load FILE or sectorscope run)")
    deadline = time.monotonic() + wait
    while True:
        with _STATE:
            if str(real) in _HELD:
                return
            try:
                _HELD[str(real)] = duckdb.connect(str(real))
                return
            except Exception as exc:
                refused: Exception = exc
        if not _locked_out(refused) or time.monotonic() > deadline:
            raise StoreError(f"cannot open {path} for reading and writing: {refused}",
                             reason=Reason.STORE_LOCKED if _locked_out(refused) else None) from None
        time.sleep(_POLL)


def let_go(path: Path) -> None:
    """Close the instance `hold` opened, so another process can open the file. The file is free once every
    cursor of it is closed too (the caller closes its readers first)."""
    with _STATE:
        con = _HELD.pop(str(real_path(path)), None)
    if con is not None:
        con.close()  # type: ignore[attr-defined]


def _cursor(real: Path) -> BaseBackend | None:
    """An Ibis backend on a new cursor of the instance this process holds for `real`, if it holds one."""
    with _STATE:
        con = _HELD.get(str(real))
        cur = con.cursor() if con is not None else None  # type: ignore[attr-defined]
    return None if cur is None else ibis.duckdb.from_connection(cur)


def begin_snapshot(con: BaseBackend) -> int | None:
    """Start a read transaction on `con`: every query until `end_snapshot` sees the store as one committed
    state, even when a write commits meanwhile. Returns that state's latest vintage id (None: none yet), so a
    reader can tell whether what it cached about the store still holds."""
    con.raw_sql("BEGIN TRANSACTION")
    try:
        row = con.raw_sql("SELECT max(vintage_id) FROM vintages").fetchone()
    except Exception:
        end_snapshot(con)
        raise
    return None if row is None or row[0] is None else int(row[0])


def end_snapshot(con: BaseBackend) -> None:
    """End the read transaction `begin_snapshot` started (nothing was written: rolling back ends it)."""
    with contextlib.suppress(Exception):  # an interrupted query has already aborted it
        con.raw_sql("ROLLBACK")


def readers_path(path: Path) -> Path:
    """The file a reader of another process holds (shared) while a process that holds the store keeps it out."""
    real = real_path(path)
    return real.with_name(real.name + ".readers")


def reader_waiting(path: Path) -> bool:
    """Whether a reader waits for the store file (`connect_read` holds `readers_path` shared while it waits):
    a process that holds the file lets go of it then (it keeps its reads going read-only meanwhile)."""
    return _held_against(readers_path(path), fcntl.LOCK_EX)


def connect_read(path: Path, wait: float = DEFAULT_WAIT) -> BaseBackend:
    """A read-only connection to an existing store file, waiting up to `wait` s while a writer holds it; a
    cursor of the process's read-write instance when it holds the file (`hold`).

    A reader does not wait for the writer lock itself, only for DuckDB's: a writer that has announced itself
    but not yet opened the file does not hold up a read (a load reads the store while it validates, before
    it asks for the lock). While it waits it says so (`reader_waiting`), for a server that holds the file."""
    if not path.exists():
        raise StoreError(f"no store at {path}: load data first (sectorscope load FILE or sectorscope run)")
    deadline = time.monotonic() + wait
    announced: IO[str] | None = None
    try:
        while True:
            cur = _cursor(real_path(path))
            if cur is not None:
                return cur
            try:
                return ibis.duckdb.connect(str(real_path(path)), read_only=True)
            except Exception as exc:  # duckdb raises its own IOException for a locked, corrupt or foreign file
                if not _locked_out(exc):
                    raise StoreError(f"{path} is not a sectorscope store DuckDB can open: {exc}") from None
                if time.monotonic() > deadline:
                    raise StoreError(f"{path} is held by another process that writes to it; try again when it "
                                     "finishes", reason=Reason.STORE_LOCKED) from None
            if announced is None:
                announced = _announce(path)
            time.sleep(_POLL)
    finally:
        if announced is not None:
            announced.close()  # closing the file lets go of the lock


def _announce(path: Path) -> IO[str] | None:
    """`readers_path` held shared (the open file; closing it lets go): a reader waits for the file. None
    when the folder cannot be written: nobody can be told, the reader just waits."""
    try:
        fh = open(readers_path(path), "a")  # noqa: SIM115 (kept open: it holds the lock until the reader connects)
    except OSError:
        return None
    try:
        fcntl.flock(fh, fcntl.LOCK_SH)
    except OSError:
        fh.close()
        return None
    return fh


def interrupt(con: BaseBackend) -> None:
    """Stop the query running on a read connection, from another thread. DuckDB's connection (the Ibis
    backend's `con`) has `interrupt()`; on an engine without one the query is left to finish."""
    stop = getattr(getattr(con, "con", None), "interrupt", None)
    if callable(stop):
        stop()


@contextlib.contextmanager
def _exclusive(path: Path, wait: float, on_wait: Callable[[], None] | None) -> Iterator[None]:
    """The store's writer lock, waited for up to `wait` seconds (`on_wait` is told once, when it must wait)."""
    lock = lock_path(path)
    deadline = time.monotonic() + wait
    key = str(real_path(path))
    with open(lock, "a") as fh:
        told = False
        while True:
            try:
                with _STATE:  # taken and marked as this process's together: `foreign_writer` never sees it half-way
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    _WRITING[key] = _WRITING.get(key, 0) + 1
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(f"{path} is being written by another process and was still busy after "
                                     f"{wait:g} s; try again when it finishes (or give a longer --wait)",
                                     reason=Reason.STORE_LOCKED) from None
                if not told and on_wait is not None:
                    on_wait()
                told = True
                time.sleep(_POLL)
        try:
            yield
        finally:
            with _STATE:
                _WRITING[key] -= 1
                if not _WRITING[key]:
                    del _WRITING[key]
                fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_leftovers(real: Path) -> None:
    """What a killed writer of an older sectorscope left (its shadow copy and WAL): removable, because we
    hold the writer lock and no writer of this version makes them."""
    for leftover in real.parent.glob(f".{real.name}.*.loading*"):
        leftover.unlink(missing_ok=True)
    for leftover in real.parent.glob(f".{real.name}.*.creating*"):
        leftover.unlink(missing_ok=True)


def _connect_write(target: Path, deadline: float) -> BaseBackend:
    """A read-write connection, once every reader has let go of the file (readers wait for our lock)."""
    while True:
        try:
            return ibis.duckdb.connect(str(target))
        except Exception as exc:
            if not _locked_out(exc) or time.monotonic() > deadline:
                raise StoreError(f"cannot open {target} for writing: {exc}", reason=Reason.STORE_LOCKED
                                 if _locked_out(exc) else None) from None
        time.sleep(_POLL)


@contextlib.contextmanager
def write_session(path: Path, *, wait: float = DEFAULT_WAIT, on_wait: Callable[[], None] | None = None,
                  commit: bool = True) -> Iterator[BaseBackend]:
    """A connection inside one transaction on the store file: committed when the block ends (rolled back
    instead when `commit` is false: a dry run), rolled back on any exception.

    A store's first write builds it under a temporary name and renames it into place, so a failed or
    killed first load leaves no file (a DuckDB file with no tables would read as "not a store").
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    real = real_path(path)
    deadline = time.monotonic() + wait
    with _exclusive(path, wait, on_wait):
        _remove_leftovers(real)
        new = not real.exists()
        target = real.with_name(f".{real.name}.{os.getpid()}.creating") if new else real
        cur = None if new else _cursor(real)  # the instance this process holds: reads go on beside the write
        con = cur if cur is not None else _connect_write(target, deadline)
        ok = False
        try:
            con.raw_sql("BEGIN TRANSACTION")
            yield con
            if not commit:
                con.raw_sql("ROLLBACK")
                return
            con.raw_sql("COMMIT")
            ok = True
            try:  # folding the WAL into the file is tidiness, not the commit
                con.raw_sql("CHECKPOINT")
            except Exception:
                # Refused while reads of this process run (it holds the file): the WAL is folded in later, at
                # the latest when the process lets go. The file's time still says the store changed, for
                # the caches keyed on it (the store's known codes).
                with contextlib.suppress(OSError):
                    os.utime(real)
        finally:
            if not ok and commit:
                with contextlib.suppress(Exception):
                    con.raw_sql("ROLLBACK")
            con.disconnect()
            if new:
                if ok:
                    with open(target, "rb") as fh:
                        os.fsync(fh.fileno())
                    os.replace(target, real)
                target.unlink(missing_ok=True)
                target.with_name(target.name + ".wal").unlink(missing_ok=True)


_SQL_TYPES = {"float64": "DOUBLE", "int64": "BIGINT", "string": "VARCHAR", "boolean": "BOOLEAN"}


def add_missing_columns(con: BaseBackend, name: str, schema: ibis.Schema) -> list[str]:
    """Bring a table written by an older schema up to `schema` by adding its new (nullable) columns.

    A store keeps every vintage forever, so a new column is added, never a table rebuilt."""
    have = set(con.table(name).columns)
    added = []
    for col, typ in schema.items():
        if col not in have:
            sql_type = _SQL_TYPES[str(typ).lstrip("!")]
            con.raw_sql(f'ALTER TABLE "{name}" ADD COLUMN "{col}" {sql_type}')
            added.append(col)
    return added


def drop_columns(con: BaseBackend, name: str, columns: tuple[str, ...]) -> list[str]:
    """Drop the columns of `columns` that table `name` still has (those an older schema stored and the
    current one does not); the ones dropped.

    Inside the write's transaction, so a failed or killed write keeps them. DuckDB commits an ALTER only
    before the transaction has changed the table's rows (later, the commit fails: "another transaction has
    altered this table"), so a migration drops first."""
    have = set(con.table(name).columns)
    dropped = [c for c in columns if c in have]
    for col in dropped:
        con.raw_sql(f'ALTER TABLE "{name}" DROP COLUMN "{col}"')
    return dropped


def fill_columns(con: BaseBackend, name: str, key: str,
                 values: Callable[[ir.Table], Mapping[str, ir.Value]]) -> None:
    """Set columns of every row of table `name` to Ibis expressions over the row (`values(table)`), matched
    on the unique column `key`: how a migration fills the columns it has just added for the rows before it."""
    t = con.table(name)
    exprs = values(t)
    if not exprs:
        return
    sql = ibis.to_sql(t.select(key, **exprs), dialect=con.name)
    sets = ", ".join(f'"{c}" = m."{c}"' for c in exprs)
    con.raw_sql(f'UPDATE "{name}" SET {sets} FROM ({sql}) AS m WHERE "{name}"."{key}" = m."{key}"')
