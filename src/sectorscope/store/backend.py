"""The one module that knows which engine is underneath. Everything else speaks Ibis.

DuckDB (one embedded file) is the default. A write never touches the live file: it goes to a copy that
replaces the file atomically once the write has succeeded (see docs/decisions.md, "atomic loads"), so
a failed load leaves the file byte-identical — DuckDB's own rollback does not promise that, because a
large transaction writes row groups into the file before it commits.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from ..errors import StoreError

__all__ = ["add_missing_columns", "connect_read", "fill_columns", "interrupt", "write_session"]


def connect_read(path: Path) -> BaseBackend:
    """A read-only connection to an existing store file."""
    if not path.exists():
        raise StoreError(f"no store at {path}: load data first (sectorscope load FILE or sectorscope run)")
    try:
        return ibis.duckdb.connect(str(path), read_only=True)
    except Exception as exc:  # duckdb raises its own IOException for a corrupt or foreign file
        raise StoreError(f"{path} is not a sectorscope store DuckDB can open: {exc}") from None


def interrupt(con: BaseBackend) -> None:
    """Stop the query running on a read connection, from another thread. DuckDB's connection (the Ibis
    backend's `con`) has `interrupt()`; on an engine without one the query is left to finish."""
    stop = getattr(getattr(con, "con", None), "interrupt", None)
    if callable(stop):
        stop()


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{path} is being written by another process; try again when it finishes") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_session(path: Path) -> Iterator[BaseBackend]:
    """A connection to a private copy of the store; on success the copy replaces the store atomically.

    On any exception the copy is deleted and the store file is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(path):
        shadow = path.with_name(f".{path.name}.{os.getpid()}.loading")
        for leftover in (shadow, shadow.with_name(shadow.name + ".wal")):
            leftover.unlink(missing_ok=True)
        if path.exists():
            shutil.copyfile(path, shadow)
        con = ibis.duckdb.connect(str(shadow))
        ok = False
        try:
            con.raw_sql("BEGIN TRANSACTION")
            yield con
            con.raw_sql("COMMIT")
            con.raw_sql("CHECKPOINT")
            ok = True
        finally:
            with contextlib.suppress(Exception):
                if not ok:
                    con.raw_sql("ROLLBACK")
            con.disconnect()
            if ok:
                with open(shadow, "rb") as fh:
                    os.fsync(fh.fileno())
                os.replace(shadow, path)
            else:
                shadow.unlink(missing_ok=True)
            shadow.with_name(shadow.name + ".wal").unlink(missing_ok=True)


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
