"""The vintaged, source-cited indicator store.

Every load is a vintage. A vintage adds a row for each figure that is new or changed, a tombstone for a
figure its source no longer states (when asked to), and nothing for a figure restated unchanged. No row's
content is ever updated or deleted: a row only learns, when a later vintage commits a newer row of its
figure, the vintage that superseded it (`superseded_in`). That is the ALFRED model of real-time data: each
row is valid in [vintage_id, superseded_in), so "as of v" is a range filter, "now" is `superseded_in is
null`, and no read needs a window over the whole history.

All queries are Ibis expressions; `backend.py` is the only module that knows the engine.
"""
from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from ..errors import Reason, StoreError
from ..model import DIMENSIONS, KINDS
from . import backend, writing
from .keys import CONTENT_COLUMNS, joined, latest
from .legacy import legacy_columns, superseded_in
from .schema import OBSOLETE_COLUMNS, OPTIONAL_TABLES, REFERENCE_KEYS, SCHEMA_VERSION, SCHEMAS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "CONTENT_COLUMNS",
    "AsOf",
    "Batch",
    "Store",
    "VintageSummary",
    "release_readers",
]

AsOf = int | str | date | datetime | None



@dataclass
class Batch:
    """What one load writes. `observations` holds OBSERVATION_COLUMNS less the ids the store assigns, as a
    pandas DataFrame or a pyarrow Table (which the store reads without converting it); a row that does not
    say its `kind` is a stated figure (what loading a source's data gives)."""

    observations: pd.DataFrame | pa.Table
    sources: pd.DataFrame | None = None
    fx_rates: pd.DataFrame | None = None
    indicators: pd.DataFrame | None = None
    rule_files: pd.DataFrame | None = None
    house_views: pd.DataFrame | None = None
    files: list[str] = field(default_factory=list)
    sha256: str = ""
    withdraw_missing: tuple[str, ...] = ()  # sources whose figures absent from this batch are withdrawn
    # the largest share of a withdraw_missing source's current figures the batch may withdraw (None: any)
    max_withdraw_share: float | None = None


@dataclass(frozen=True)
class VintageSummary:
    vintage_id: int
    loaded_at: datetime
    n_rows: int
    n_new: int
    n_revised: int
    n_unchanged: int
    n_withdrawn: int


# Every read connection this process holds, by store file: a writer in this process closes the idle ones
# first, since DuckDB refuses a read-write connection beside a read-only one to the same file. When the
# process holds the file read-write (backend.hold), its reads are cursors of the writer's own instance and
# stay open: each sees the last committed vintage.
_READERS: dict[str, weakref.WeakSet[Store]] = {}


def release_readers(path: Path) -> None:
    """Close this process's read-only connections to the store file before a write (DuckDB refuses a
    read-write connection beside a read-only one), unless the process holds the file."""
    if backend.holds(path):
        return
    for store in list(_READERS.get(str(backend.real_path(path)), ())):
        if not store.pinned:
            store.close()


class Store:
    """A store file. Reads go through a read-only connection; writes through `backend.write_session`.

    `pinned` marks a store lent to a request that is running (the API's pool): a writer in this process
    waits for it instead of closing it under the request."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.pinned = False
        self._read: BaseBackend | None = None
        self._vintage_times: pd.DataFrame | None = None  # (vintage_id, loaded_at), read once per connection
        self._tables: dict[str, ir.Table] = {}

    # ---- connections -------------------------------------------------------------------------
    @property
    def con(self) -> BaseBackend:
        if self._read is None:
            self._read = backend.connect_read(self.path)
            _READERS.setdefault(str(backend.real_path(self.path)), weakref.WeakSet()).add(self)
            missing = [t for t in SCHEMAS if t not in OPTIONAL_TABLES and t not in self._read.list_tables()]
            if missing:
                self.close()
                raise StoreError(f"{self.path} is not a sectorscope store (missing tables: {', '.join(missing)})")
        return self._read

    # ---- a process that holds the file (backend.hold): the API serving reads and uploads ----------
    def hold(self, wait: float = backend.DEFAULT_WAIT) -> None:
        """Hold this store's file read-write for the process: its reads become cursors of one instance, its
        writes transactions beside them (backend.hold). Stores of this file must not have read-only
        connections open then (DuckDB refuses the two configurations side by side)."""
        backend.hold(self.path, wait)

    def let_go(self) -> None:
        """Let go of the file `hold` holds; the caller closes the stores that read it first."""
        self.close()
        backend.let_go(self.path)

    def held(self) -> bool:
        return backend.holds(self.path)

    def writer_elsewhere(self) -> bool:
        """Whether a writer of another process waits for this store's file (or has it)."""
        return backend.foreign_writer(self.path)

    def reader_elsewhere(self) -> bool:
        """Whether a reader waits for this store's file (one of another process, when this one holds it)."""
        return backend.reader_waiting(self.path)

    def begin_snapshot(self) -> None:
        """Read one committed state of the store until `end_snapshot`, though a write of this process may
        commit meanwhile (it holds the file: backend.hold); what this store cached of an older state
        (vintage times, table schemas) is dropped. The API's pool brackets each request with these."""
        latest = backend.begin_snapshot(self.con)
        if self._vintage_times is not None and latest != self.latest_vintage():
            self._vintage_times = None
            self._tables = {}

    def end_snapshot(self) -> None:
        if self._read is not None:
            backend.end_snapshot(self._read)

    def interrupt(self) -> None:
        """Stop the query this store's read connection is running (called from another thread, e.g. when a
        request's deadline passes); nothing happens when no connection is open."""
        if self._read is not None:
            backend.interrupt(self._read)

    def close(self) -> None:
        con, self._read = self._read, None  # taken first: the pool's watcher and a writer may both close it
        if con is not None:
            con.disconnect()
        self._vintage_times = None
        self._tables = {}

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def exists(self) -> bool:
        return self.path.exists()

    def fingerprint(self) -> dict[str, tuple[int, int]]:
        """Per table, the number of rows and an order-independent sum of row hashes: equal exactly when the
        tables hold the same rows. What "a failed write leaves the store as it was" means now that a
        rolled-back transaction may leave the file's bytes changed."""
        out = {}
        for name in sorted(self.con.list_tables()):
            t = self.con.table(name)
            row = joined(t, tuple(t.columns)).hash().cast("decimal(38, 0)")
            res = t.aggregate(n=t.count(), h=row.sum()).execute().iloc[0]
            out[name] = (int(res["n"]), 0 if pd.isna(res["h"]) else int(res["h"]))
        return out

    def table(self, name: str) -> ir.Table:
        """A table of the store; looked up once per connection (Ibis asks the engine for its schema)."""
        if name not in self._tables:
            if name in OPTIONAL_TABLES and name not in self.con.list_tables():
                return ibis.memtable(pd.DataFrame(columns=SCHEMAS[name].names)).cast(SCHEMAS[name])
            t = self.con.table(name)
            obsolete = [c for c in OBSOLETE_COLUMNS.get(name, ()) if c in t.columns]
            if obsolete:  # an older store's (observations' content hash): never read, dropped on its next write
                t = t.drop(*obsolete)
            missing = {c: ibis.null(typ) for c, typ in SCHEMAS[name].items() if c not in t.columns}
            if missing:  # an older store: new columns read as null, schema 3's and 4's as its next write fills them
                t = t.mutate(**missing)
                if name == "observations" and "kind" in missing:
                    t = t.mutate(**{c: e for c, e in legacy_columns(t).items() if c in missing})
                if name == "observations" and "superseded_in" in missing:
                    t = t.mutate(superseded_in=superseded_in(t))
            self._tables[name] = t
        return self._tables[name]

    # ---- vintages ----------------------------------------------------------------------------
    def vintages(self) -> ir.Table:
        return self.table("vintages").order_by("vintage_id")

    def _times(self) -> pd.DataFrame:
        """Vintage ids and load times, cached per connection: every as-of query resolves against them."""
        if self._vintage_times is None:
            vt = self.table("vintages")
            self._vintage_times = vt.select("vintage_id", "loaded_at").order_by("vintage_id").execute()
        return self._vintage_times

    def latest_vintage(self) -> int | None:
        ids = self._times()["vintage_id"]
        return int(ids.iloc[-1]) if len(ids) else None

    def resolve(self, as_of: AsOf) -> int | None:
        """The vintage id in force at `as_of`: a vintage id, `v3`, an ISO date (end of that day, UTC) or a
        datetime. None means the latest. Returns None when nothing had been loaded by then."""
        if as_of is None:
            return self.latest_vintage()
        times = self._times()
        if isinstance(as_of, bool):
            raise StoreError(f"as_of must be a vintage or a date, not {as_of!r}", reason=Reason.BAD_ARGUMENT)
        if isinstance(as_of, str):
            s = as_of.strip()
            m = re.fullmatch(r"v?(\d{1,9})", s)
            if m:
                as_of = int(m.group(1))
            else:
                try:
                    as_of = datetime.fromisoformat(s) if ("T" in s or " " in s) else date.fromisoformat(s)
                except ValueError:
                    raise StoreError(f"as_of {s!r} is neither a vintage (3, v3) nor an ISO date (2025-06-30)",
                                     reason=Reason.BAD_ARGUMENT) from None
        if isinstance(as_of, int):
            if as_of not in set(times["vintage_id"]):
                raise StoreError(f"no vintage {as_of} in {self.path}; `sectorscope vintages` lists them",
                                 reason=Reason.NO_VINTAGE)
            return as_of
        if not isinstance(as_of, datetime):
            as_of = datetime.combine(as_of, time.max)
        if as_of.tzinfo is None:
            as_of = as_of.replace(tzinfo=UTC)
        before = times[times["loaded_at"] <= pd.Timestamp(as_of)]
        return int(before["vintage_id"].iloc[-1]) if len(before) else None

    # ---- reads -------------------------------------------------------------------------------
    def observations(self, as_of: AsOf = None, *, include_withdrawn: bool = False,
                     prefilter: Callable[[ir.Table], ir.Table] | None = None) -> ir.Table:
        """Every figure as it stood at `as_of` (latest by default): the row of each figure key valid then.

        `prefilter` may only filter on columns of the figure key (KEY_COLUMNS) and on `kind`, which the key
        fixes (kept for callers written when it had to run before a window; it is one more filter now).
        """
        obs = self.table("observations")
        vid = self.resolve(as_of)
        if vid is None:
            return obs.filter(ibis.literal(False)).drop("superseded_in")
        if vid == self.latest_vintage():
            cur = obs.filter(obs.superseded_in.isnull())
        else:
            cur = obs.filter(obs.vintage_id <= vid, obs.superseded_in.isnull() | (obs.superseded_in > vid))
        if prefilter is not None:
            cur = prefilter(cur)
        cur = cur.drop("superseded_in")
        return cur if include_withdrawn else cur.filter(~cur.withdrawn)

    def query(self, as_of: AsOf = None, *, indicator: str | list[str] | None = None, status: str | None = None,
              period: str | None = None, source_id: str | None = None, kind: str | list[str] | None = None,
              method: str | None = None, **dims: str | None) -> ir.Table:
        """Observations filtered on indicator, status, period, source, kind (one or several of KINDS), method
        (how a derived figure or forecast was made: records, formula, ets…) and any dimension."""
        unknown = set(dims) - set(DIMENSIONS)
        if unknown:
            raise StoreError(f"unknown dimension(s) {sorted(unknown)}; dimensions are {', '.join(DIMENSIONS)}")
        kinds = None if kind is None else [kind] if isinstance(kind, str) else list(kind)
        if kinds is not None and not set(kinds) <= set(KINDS):
            raise StoreError(f"unknown kind(s) {sorted(set(kinds) - set(KINDS))}; kinds are {', '.join(KINDS)}")
        keyed = {"period": period, "source_id": source_id, "method": method, **dims}

        def narrow(t: ir.Table) -> ir.Table:
            if indicator is not None:
                t = t.filter(t.indicator.isin([indicator] if isinstance(indicator, str) else list(indicator)))
            if kinds is not None:
                t = t.filter(t.kind.isin(kinds))
            for col, val in keyed.items():
                if val is not None:
                    t = t.filter(t[col] == val)
            return t

        t = narrow(self.observations(as_of))
        return t if status is None else t.filter(t.status == status)

    def _reference(self, name: str, as_of: AsOf) -> ir.Table:
        t = self.table(name)
        vid = self.resolve(as_of)
        if vid is None:
            return t.filter(ibis.literal(False))
        return latest(t.filter(t.vintage_id <= vid), REFERENCE_KEYS[name])

    def sources(self, as_of: AsOf = None) -> ir.Table:
        return self._reference("sources", as_of)

    def fx_rates(self, as_of: AsOf = None) -> ir.Table:
        return self._reference("fx_rates", as_of)

    def indicators(self, as_of: AsOf = None) -> ir.Table:
        return self._reference("indicators", as_of)

    def rule_files(self, as_of: AsOf = None) -> ir.Table:
        """Rule files (a dataset's `rules.yaml`) as they stood at `as_of`."""
        return self._reference("rule_files", as_of)

    def house_views(self, as_of: AsOf = None) -> ir.Table:
        """The analyst's choices among conflicting figures, as they stood at `as_of` (withdrawn ones left out)."""
        t = self._reference("house_views", as_of)
        return t.filter(t.chosen_obs_key.notnull())

    def findings(self, vintage_id: int | None = None) -> ir.Table:
        """Audit findings of one vintage (the latest audited one by default)."""
        t = self.table("audit_findings")
        if vintage_id is None:
            vid = t.vintage_id.max().execute()
            if vid is None or pd.isna(vid):
                return t.filter(ibis.literal(False))
            vintage_id = int(vid)
        return t.filter(t.vintage_id == vintage_id).order_by("finding_id")

    def write_findings(self, vintage_id: int, frame: pd.DataFrame) -> None:
        """Replace the findings of `vintage_id` with `frame` (AUDIT_FINDINGS columns less vintage_id),
        atomically like any write. Findings are recomputed from the vintage, so this is the one table whose
        rows are replaced rather than versioned."""
        self.close()
        release_readers(self.path)
        schema = SCHEMAS["audit_findings"]
        frame = frame.copy()
        frame["vintage_id"] = vintage_id
        with backend.write_session(self.path) as con:
            if "audit_findings" not in con.list_tables():
                con.create_table("audit_findings", schema=schema)
            con.raw_sql(f"DELETE FROM audit_findings WHERE vintage_id = {int(vintage_id)}")
            if len(frame):
                con.insert("audit_findings", ibis.memtable(frame.reindex(columns=schema.names)).cast(schema))

    # ---- writes ------------------------------------------------------------------------------
    def write(self, batch: Batch, *, label: str = "", note: str = "", loaded_at: datetime | None = None,
              wait: float = backend.DEFAULT_WAIT, on_wait: Callable[[], None] | None = None,
              dry_run: bool = False) -> VintageSummary:
        """Write `batch` as one new vintage, in one transaction: on any error (or a kill) the store is left
        as it was. `wait`: seconds to wait for another writer (`on_wait` is called once if it must).
        `dry_run`: do everything, report what the vintage would hold, and roll it back."""
        self.close()
        release_readers(self.path)
        loaded_at = loaded_at or datetime.now(UTC)
        if loaded_at.tzinfo is None:
            loaded_at = loaded_at.replace(tzinfo=UTC)
        with backend.write_session(self.path, wait=wait, on_wait=on_wait, commit=not dry_run) as con:
            writing.ensure_schema(con)
            vt = con.table("vintages")
            last = vt.aggregate(v=vt.vintage_id.max(), t=vt.loaded_at.max()).execute().iloc[0]
            vid = 1 if pd.isna(last["v"]) else int(last["v"]) + 1
            if not pd.isna(last["t"]) and pd.Timestamp(loaded_at) < pd.Timestamp(last["t"]):
                raise StoreError(f"a vintage cannot be loaded at {loaded_at:%Y-%m-%d %H:%M}, before the latest one ({last['t']})")
            for name in REFERENCE_KEYS:
                frame = getattr(batch, name)
                if frame is not None and len(frame):
                    writing.append_reference(con, name, frame, vid)
            counts = writing.append_observations(con, batch, vid)
            con.insert(
                "vintages",
                ibis.memtable(
                    pd.DataFrame(
                        [{
                            "vintage_id": vid, "loaded_at": pd.Timestamp(loaded_at), "label": label or None,
                            "files": "; ".join(batch.files) or None, "sha256": batch.sha256 or None,
                            "n_rows": len(batch.observations), **counts, "note": note or None,
                            "schema_version": SCHEMA_VERSION,
                        }]
                    )
                ).cast(SCHEMAS["vintages"]),
            )
        return VintageSummary(vid, loaded_at, len(batch.observations), **counts)
