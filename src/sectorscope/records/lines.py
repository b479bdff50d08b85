"""Reading a record set: the current lines of a dataset, as one Ibis table on either engine, opening only the
files whose cells (flow, year, month, HS chapter) the filters allow.

Why readers go through the manifest (store.record_manifest) and never a folder: a batch is visible only once its
commit lists its files (records/batches.py), so a file no manifest row lists — a load in progress or a killed
one — is never read, and a superseded cell's file is left out by the manifest's own query.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..store import record_manifest
from .batches import default_root
from .schema import DATASETS, LINE_SCHEMA, Flow

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from ..store import AsOf, Store

__all__ = ["filter_lines", "line_files", "matching_lines", "open_lines"]


def _chosen(value: Any, norm: Any) -> set[Any] | None:
    """A filter given as one value or several (None: no filter), normalised by `norm`."""
    if value is None:
        return None
    values = [value] if isinstance(value, (str, int)) else list(value)
    return {norm(v) for v in values}


def _chapter(value: Any) -> str:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and 1 <= len(text) <= 2):
        raise UsageError(f"an HS chapter is one or two digits (85, '09'); got {value!r}")
    return text.zfill(2)


def _flow(value: Any) -> str:
    flows = [f.value for f in Flow]
    if str(value) not in flows:
        raise UsageError(f"unknown flow {value!r}; flows are {', '.join(flows)}")
    return str(value)


def line_files(store: Store, dataset: str, *, root: Path | None = None, as_of: AsOf = None,
               years: int | Iterable[int] | None = None, months: int | Iterable[int] | None = None,
               chapters: str | int | Iterable[str | int] | None = None,
               flows: str | Iterable[str] | None = None) -> list[Path]:
    """The files `open_lines` reads: those the manifest lists as current (as of `as_of`) for `dataset`, pruned
    to the cells (flow, year, month, HS chapter) the filters allow — each one value or several, None for all.
    Every file holds one cell, so a filter on cells is a filter on files: the lines of other years, months,
    chapters or flows are never opened (a year of a 10⁸-line record set reads a fifth of its files)."""
    if dataset not in DATASETS:
        raise UsageError(f"unknown dataset {dataset!r}; datasets are {', '.join(DATASETS)}")
    base = Path(root) if root is not None else default_root(store)
    cur = record_manifest.current_files(store, dataset, as_of)
    for column, chosen in (("year", _chosen(years, int)), ("month", _chosen(months, int)),
                           ("hs_chapter", _chosen(chapters, _chapter)), ("flow", _chosen(flows, _flow))):
        if chosen is not None:
            cur = cur[cur[column].isin(sorted(chosen))]
    return [base / p for p in cur["path"]]


def _no_file_cache(con: BaseBackend) -> None:
    """Turn off DuckDB's external file cache (on by default since 1.3) on `con`: it keeps the blocks of every
    Parquet file read, so the process grew with the record set (1.8 GiB after one pass over 10 M lines in
    24,000 files, 0.5 GiB without it), while the indicators read the lines only twice anyway (measured no
    slower without it). The 6 GiB peak at 10⁸ lines needs it off."""
    known = con.raw_sql("SELECT count(*) FROM duckdb_settings() WHERE name = 'enable_external_file_cache'")
    if known.fetchone()[0]:  # a DuckDB without that cache has nothing to turn off
        con.raw_sql("SET enable_external_file_cache = false")


def open_lines(store: Store, dataset: str, con: BaseBackend, *, root: Path | None = None, as_of: AsOf = None,
               years: int | Iterable[int] | None = None, months: int | Iterable[int] | None = None,
               chapters: str | int | Iterable[str | int] | None = None,
               flows: str | Iterable[str] | None = None) -> ir.Table:
    """The current lines of `dataset` (as of a vintage or date when given) as one Ibis table of LINE_SCHEMA on
    `con` — DuckDB or Spark. It reads the files the manifest lists, by name, with no partition discovery: the
    column types are the files' own. `years`, `months`, `chapters` (HS chapters, "85") and `flows` keep the
    lines of those cells only, by reading only their files (`line_files`); None reads all."""
    import ibis
    import pyarrow as pa

    files = [str(p) for p in line_files(store, dataset, root=root, as_of=as_of, years=years, months=months,
                                        chapters=chapters, flows=flows)]
    if not files:
        return ibis.memtable(pa.Table.from_batches([], schema=LINE_SCHEMA.to_pyarrow()))
    if con.name == "pyspark":
        name = "sectorscope_lines_" + hashlib.sha256("\n".join(files).encode()).hexdigest()[:16]
        # recursiveFileLookup: no partition columns guessed from folder names (they are in the files)
        frame = con._session.read.option("recursiveFileLookup", "true").parquet(*files)
        frame.createOrReplaceTempView(name)
        t = con.table(name)
    else:
        _no_file_cache(con)
        t = con.read_parquet(files, hive_partitioning=False)
    casts = {c: t[c].cast(typ) for c, typ in LINE_SCHEMA.items() if t.schema()[c].copy(nullable=True) != typ.copy(nullable=True)}
    return t.mutate(**casts).select(*LINE_SCHEMA.names) if casts else t.select(*LINE_SCHEMA.names)


def filter_lines(t: ir.Table, *, hs: str | None = None, flow: str | None = None, year: int | None = None,
                 month: int | None = None, partner: str | None = None, province: str | None = None,
                 batch: str | None = None) -> ir.Table:
    """The lines matching the filters the CLI and the API offer: an HS code prefix (dots allowed: 8501.10), a
    flow, year, month, partner (customs code or ISO 3166 alpha-3), province (GB/T 2260) and batch."""
    conds = []
    if hs:
        conds.append(t.hs_code.startswith(hs.replace(".", "")))
    if flow:
        conds.append(t.flow == flow)
    if year is not None:
        conds.append(t.year == year)
    if month is not None:
        conds.append(t.month == month)
    if partner:
        conds.append((t.partner_code == partner) | (t.partner_iso3 == partner.upper()))
    if province:
        conds.append(t.province == province)
    if batch:
        conds.append(t.batch_id == batch)
    return t.filter(*conds) if conds else t


def matching_lines(store: Store, dataset: str, con: BaseBackend, *, root: Path | None = None, as_of: AsOf = None,
                   hs: str | None = None, flow: str | None = None, year: int | None = None,
                   month: int | None = None, partner: str | None = None, province: str | None = None,
                   batch: str | None = None) -> ir.Table:
    """`filter_lines` over `open_lines`, reading only the files the filters can match: a year, a month, a flow
    and the chapter of an HS prefix of two digits or more choose the cells (files) before any file is opened,
    so a code's lines in one month of a 10⁸-line record set read a few files, not all of them. The filters
    then apply to the lines as `filter_lines` says."""
    digits = hs.replace(".", "") if hs else ""
    chapter = digits[:2] if len(digits) >= 2 and digits[:2].isascii() and digits[:2].isdigit() else None
    t = open_lines(store, dataset, con, root=root, as_of=as_of, years=year, months=month, chapters=chapter,
                   flows=flow)
    return filter_lines(t, hs=hs, flow=flow, year=year, month=month, partner=partner, province=province,
                        batch=batch)
