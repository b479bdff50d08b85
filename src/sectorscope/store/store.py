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

import functools
import hashlib
import operator
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from ..errors import Reason, StoreError
from ..model import ANALYSIS_COLUMNS, DIMENSIONS, KEY_COLUMNS, KINDS, OBSERVATION_COLUMNS, READINGS, STATED
from . import backend
from .legacy import LEGACY_COLUMNS, LEGACY_READING_BAND, legacy_columns
from .schema import OPTIONAL_TABLES, REFERENCE_KEYS, SCHEMA_VERSION, SCHEMAS

__all__ = [
    "CONTENT_COLUMNS",
    "AsOf",
    "Batch",
    "Store",
    "VintageSummary",
]

AsOf = int | str | date | datetime | None

# Columns whose change makes a new version of a figure.
CONTENT_COLUMNS = (
    "period_start", "period_end", "value", "value_high", "qualifier", "unit", "value_as_printed",
    "value_high_as_printed", "unit_as_printed", "status", "quote", "quote_start", "quote_end", "basis",
    "note", "formula", "input_ids",
)
_SEP = "\x1f"


@dataclass
class Batch:
    """What one load writes. `observations` holds OBSERVATION_COLUMNS less the ids the store assigns; a row
    that does not say its `kind` is a stated figure (what loading a source's data gives)."""

    observations: pd.DataFrame
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


def _joined(t: ir.Table, cols: tuple[str, ...]) -> ir.StringValue:
    expr = None
    for c in cols:
        part = t[c].cast("string").fill_null("")
        expr = part if expr is None else expr + _SEP + part
    return expr


def _digest(t: ir.Table, cols: tuple[str, ...]) -> ir.StringValue:
    return _joined(t, cols).hexdigest("md5")


def _content_digest(t: ir.Table) -> ir.StringValue:
    """The content hash; the analysis columns join it only when one is set, so a figure hashed before
    they existed (schema 1) hashes the same and a reload does not read as a revision.

    Schema 3's columns keep every hash of schema 2 too. `kind` stays out: the figure key fixes it (the
    store refuses a key that changes kind). `reading` stays out: it follows from the bounds (hashed) and the
    band. The band joins only when it is not the ±0.2 every reading used before schema 3, so a re-run
    restates a figure read as before and revises one whose band changed."""
    base = _joined(t, CONTENT_COLUMNS)
    any_set = functools.reduce(operator.or_, [t[c].notnull() for c in ANALYSIS_COLUMNS])
    text = ibis.ifelse(any_set, base + _SEP + _joined(t, ANALYSIS_COLUMNS), base)
    band = t.reading_band
    new_band = band.notnull() & (band != LEGACY_READING_BAND)
    return ibis.ifelse(new_band, text + _SEP + "reading_band=" + band.cast("string"), text).hexdigest("md5")


def _latest(t: ir.Table, key: str | tuple[str, ...]) -> ir.Table:
    """The newest row per key, by a window: for the small reference tables, and for observations written
    before schema 4 knew `superseded_in`."""
    keys = [key] if isinstance(key, str) else list(key)
    w = ibis.window(group_by=[t[k] for k in keys], order_by=ibis.desc(t.vintage_id))
    return t.mutate(_rn=ibis.row_number().over(w)).filter(lambda x: x._rn == 0).drop("_rn")


def _row_hash(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    def h(row: tuple) -> str:
        text = _SEP.join("" if pd.isna(v) else str(v) for v in row)
        return hashlib.md5(text.encode("utf-8")).hexdigest()

    return pd.Series([h(r) for r in frame[cols].itertuples(index=False, name=None)], index=frame.index)


def _superseded_in(t: ir.Table) -> ir.IntegerValue:
    """Each row's realtime end computed from the history: the vintage of the next row of its figure. What
    schema 4 stores; computed only to migrate (or read) a store written before it."""
    w = ibis.window(group_by=t.obs_key, order_by=t.vintage_id)
    return t.vintage_id.lead().over(w)


def _migrate_observations(con: BaseBackend, added: list[str]) -> None:
    """Rows written before schemas 3 and 4 meet them, once: the kind and reading columns from the legacy
    string rules (legacy.py), the realtime end from the history."""
    new = set(added) & set(LEGACY_COLUMNS)
    if new:
        backend.fill_columns(con, "observations", "obs_id",
                             lambda t: {c: e for c, e in legacy_columns(t).items() if c in new})
    if "superseded_in" in added:
        backend.fill_columns(con, "observations", "obs_id", lambda t: {"superseded_in": _superseded_in(t)})


# Every read connection this process holds, by store file: a writer in this process closes the idle ones
# first, since DuckDB refuses a read-write connection beside a read-only one to the same file.
_READERS: dict[str, weakref.WeakSet[Store]] = {}


def _release_readers(path: Path) -> None:
    for store in list(_READERS.get(str(backend.real_path(path)), ())):
        if not store.pinned:
            store.close()


def _with_kinds(frame: pd.DataFrame) -> pd.DataFrame:
    """The batch's rows, each with its kind (stated unless it says otherwise); a kind or a reading outside
    the vocabulary is refused before anything is written."""
    kind = frame["kind"] if "kind" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    frame = frame.assign(kind=kind.astype(object).where(kind.notna(), STATED))
    # a row that does not say it is a tombstone is not one (null would hide it from every read)
    withdrawn = frame["withdrawn"] if "withdrawn" in frame.columns else pd.Series(False, index=frame.index)
    frame = frame.assign(withdrawn=withdrawn.astype(object).where(withdrawn.notna(), False).astype(bool))
    bad = sorted(set(frame["kind"]) - set(KINDS))
    if bad:
        raise StoreError(f"unknown figure kind(s) {', '.join(map(str, bad))}; kinds are {', '.join(KINDS)}")
    if "reading" in frame.columns:
        wrong = sorted(set(frame["reading"].dropna()) - set(READINGS))
        if wrong:
            raise StoreError(f"unknown reading(s) {', '.join(map(str, wrong))}; readings are {', '.join(READINGS)}")
    return frame


# Every read connection this process holds, by store file: a writer in this process closes the idle ones
# first, since DuckDB refuses a read-write connection beside a read-only one to the same file.
_READERS: dict[str, weakref.WeakSet[Store]] = {}


def _release_readers(path: Path) -> None:
    for store in list(_READERS.get(str(backend.real_path(path)), ())):
        if not store.pinned:
            store.close()


def _with_kinds(frame: pd.DataFrame) -> pd.DataFrame:
    """The batch's rows, each with its kind (stated unless it says otherwise); a kind or a reading outside
    the vocabulary is refused before anything is written."""
    kind = frame["kind"] if "kind" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    frame = frame.assign(kind=kind.astype(object).where(kind.notna(), STATED))
    # a row that does not say it is a tombstone is not one (null would hide it from every read)
    withdrawn = frame["withdrawn"] if "withdrawn" in frame.columns else pd.Series(False, index=frame.index)
    frame = frame.assign(withdrawn=withdrawn.astype(object).where(withdrawn.notna(), False).astype(bool))
    bad = sorted(set(frame["kind"]) - set(KINDS))
    if bad:
        raise StoreError(f"unknown figure kind(s) {', '.join(map(str, bad))}; kinds are {', '.join(KINDS)}")
    if "reading" in frame.columns:
        wrong = sorted(set(frame["reading"].dropna()) - set(READINGS))
        if wrong:
            raise StoreError(f"unknown reading(s) {', '.join(map(str, wrong))}; readings are {', '.join(READINGS)}")
    return frame


def _refuse_kind_changes(mine: ir.Table, earlier: ir.Table) -> None:
    """A figure's kind is fixed by what made it: a new version of a key may not change it (reads filter on
    kind before the as-of window, as on the key's own columns)."""
    prev = earlier.select("obs_key", prev_kind=earlier.kind)
    clash = mine.join(prev, "obs_key").filter(lambda t: t.kind != t.prev_kind)
    hit = clash.select("obs_key", "kind", "prev_kind", "source_id", "indicator", "period", "location").limit(1).execute()
    if len(hit):
        r = hit.iloc[0]
        raise StoreError(f"figure {r['source_id']} {r['indicator']} {r['period']} ({r['location']}) is stored as "
                         f"{r['prev_kind']}, not {r['kind']}: a figure's kind cannot change; give it a figure key of "
                         "its own (another location)")


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
            row = _joined(t, tuple(t.columns)).hash().cast("decimal(38, 0)")
            res = t.aggregate(n=t.count(), h=row.sum()).execute().iloc[0]
            out[name] = (int(res["n"]), 0 if pd.isna(res["h"]) else int(res["h"]))
        return out

    def table(self, name: str) -> ir.Table:
        """A table of the store; looked up once per connection (Ibis asks the engine for its schema)."""
        if name not in self._tables:
            if name in OPTIONAL_TABLES and name not in self.con.list_tables():
                return ibis.memtable(pd.DataFrame(columns=SCHEMAS[name].names)).cast(SCHEMAS[name])
            t = self.con.table(name)
            missing = {c: ibis.null(typ) for c, typ in SCHEMAS[name].items() if c not in t.columns}
            if missing:  # an older store: new columns read as null, schema 3's and 4's as its next write fills them
                t = t.mutate(**missing)
                if name == "observations" and "kind" in missing:
                    t = t.mutate(**{c: e for c, e in legacy_columns(t).items() if c in missing})
                if name == "observations" and "superseded_in" in missing:
                    t = t.mutate(superseded_in=_superseded_in(t))
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
              **dims: str | None) -> ir.Table:
        """Observations filtered on indicator, status, period, source, kind (one or several of KINDS) and any
        dimension."""
        unknown = set(dims) - set(DIMENSIONS)
        if unknown:
            raise StoreError(f"unknown dimension(s) {sorted(unknown)}; dimensions are {', '.join(DIMENSIONS)}")
        kinds = None if kind is None else [kind] if isinstance(kind, str) else list(kind)
        if kinds is not None and not set(kinds) <= set(KINDS):
            raise StoreError(f"unknown kind(s) {sorted(set(kinds) - set(KINDS))}; kinds are {', '.join(KINDS)}")
        keyed = {"period": period, "source_id": source_id, **dims}

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
        return _latest(t.filter(t.vintage_id <= vid), REFERENCE_KEYS[name])

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
        _release_readers(self.path)
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
        _release_readers(self.path)
        loaded_at = loaded_at or datetime.now(UTC)
        if loaded_at.tzinfo is None:
            loaded_at = loaded_at.replace(tzinfo=UTC)
        with backend.write_session(self.path, wait=wait, on_wait=on_wait, commit=not dry_run) as con:
            _ensure_schema(con)
            vt = con.table("vintages")
            last = vt.aggregate(v=vt.vintage_id.max(), t=vt.loaded_at.max()).execute().iloc[0]
            vid = 1 if pd.isna(last["v"]) else int(last["v"]) + 1
            if not pd.isna(last["t"]) and pd.Timestamp(loaded_at) < pd.Timestamp(last["t"]):
                raise StoreError(f"a vintage cannot be loaded at {loaded_at:%Y-%m-%d %H:%M}, before the latest one ({last['t']})")
            for name in REFERENCE_KEYS:
                frame = getattr(batch, name)
                if frame is not None and len(frame):
                    self._append_reference(con, name, frame, vid)
            counts = self._append_observations(con, batch, vid)
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

    @staticmethod
    def _append_reference(con: BaseBackend, name: str, frame: pd.DataFrame, vid: int) -> None:
        schema = SCHEMAS[name]
        cols = [c for c in schema.names if c not in ("row_hash", "vintage_id")]
        frame = frame.reindex(columns=cols).copy()
        frame["row_hash"] = _row_hash(frame, cols)
        t = con.table(name)
        current = _latest(t, REFERENCE_KEYS[name]).select("row_hash").execute()
        fresh = frame[~frame["row_hash"].isin(set(current["row_hash"]))].copy()
        if len(fresh):
            fresh["vintage_id"] = vid
            con.insert(name, ibis.memtable(fresh[list(schema.names)]).cast(schema))

    @staticmethod
    def _append_observations(con: BaseBackend, batch: Batch, vid: int) -> dict[str, int]:
        """Insert the batch's new and changed rows and its tombstones, then mark the rows they supersede.

        Every step touches the batch and the current rows of its keys (found through `superseded_in is
        null`), never the history, so a load costs what it writes."""
        schema = SCHEMAS["observations"]
        obs_tbl = con.table("observations")
        base = obs_tbl.obs_id.max().execute()
        base = 0 if pd.isna(base) else int(base)
        incoming = _incoming(batch)
        _refuse_repeated_keys(incoming)
        current = obs_tbl.filter(obs_tbl.superseded_in.isnull())
        if base == 0:  # an empty store: everything is new, no join needed
            changed = incoming
        else:
            cur = current.select("obs_key", cur_hash=current.row_hash, cur_withdrawn=current.withdrawn)
            j = incoming.left_join(cur, "obs_key").drop("obs_key_right")
            changed = j.filter(j.cur_hash.isnull() | (j.cur_hash != j.row_hash) | j.cur_withdrawn)
        changed = changed.mutate(vintage_id=ibis.literal(vid, "int64"), obs_id=base + 1 + ibis.row_number(),
                                 superseded_in=ibis.null("int64"))
        con.insert("observations", changed.select(*schema.names).cast(schema))
        mine = obs_tbl.filter(obs_tbl.vintage_id == vid)
        n_changed = int(mine.count().execute())
        n_revised = _supersede(con, vid) if base and n_changed else 0
        if n_revised:
            _refuse_kind_changes(con, vid)
        n_withdrawn = 0
        if batch.withdraw_missing:
            n_withdrawn = _withdraw_missing(con, batch, incoming, vid, base + n_changed)
        return {
            "n_new": n_changed - n_revised, "n_revised": n_revised,
            "n_unchanged": len(batch.observations) - n_changed, "n_withdrawn": n_withdrawn,
        }


def _ensure_schema(con: BaseBackend) -> None:
    """Every table of the current schema, an older store's tables brought up to it (columns added, filled)."""
    for name, schema in SCHEMAS.items():
        if name not in con.list_tables():
            con.create_table(name, schema=schema)
            continue
        added = backend.add_missing_columns(con, name, schema)
        if name == "observations":
            _migrate_observations(con, added)


def _incoming(batch: Batch) -> ir.Table:
    """The batch's rows as the store's columns, with their figure key and content hash."""
    schema = SCHEMAS["observations"]
    cols = [c for c in OBSERVATION_COLUMNS if c not in ("obs_id", "obs_key", "row_hash", "vintage_id")]
    incoming = ibis.memtable(_with_kinds(batch.observations).reindex(columns=cols))
    incoming = incoming.cast({c: schema[c] for c in cols})
    return incoming.mutate(obs_key=_digest(incoming, KEY_COLUMNS), row_hash=_content_digest(incoming))


def _refuse_repeated_keys(incoming: ir.Table) -> None:
    """One figure key once per vintage: two rows under one key would both read as current."""
    dup = incoming.group_by("obs_key").aggregate(n=incoming.count()).filter(lambda t: t.n > 1)
    hit = incoming.semi_join(dup, "obs_key").select(
        "source_id", "indicator", "subject", "period", "location").limit(2).execute()
    if len(hit):
        r = hit.iloc[0]
        raise StoreError(f"the batch states figure {r['source_id']} {r['indicator']} {r['subject']} {r['period']} "
                         f"({r['location']}) more than once; a figure key may appear once per vintage",
                         reason=Reason.DUPLICATE)


def _supersede(con: BaseBackend, vid: int) -> int:
    """Mark the current rows of the keys vintage `vid` wrote as superseded by it; the number marked (the
    figures it revised or restated)."""
    res = con.raw_sql(
        f"UPDATE observations SET superseded_in = {vid} WHERE superseded_in IS NULL AND vintage_id < {vid} "
        f"AND obs_key IN (SELECT obs_key FROM observations WHERE vintage_id = {vid})"
    )
    return int(res.fetchone()[0])


def _refuse_kind_changes(con: BaseBackend, vid: int) -> None:
    """A figure's kind is fixed by what made it: a new version of a key may not change it (reads filter on
    kind as on the key's own columns)."""
    obs = con.table("observations")
    mine = obs.filter(obs.vintage_id == vid)
    prev = obs.filter(obs.superseded_in == vid).select("obs_key", prev_kind=obs.kind)
    clash = mine.join(prev, "obs_key").filter(lambda t: t.kind != t.prev_kind)
    hit = clash.select("obs_key", "kind", "prev_kind", "source_id", "indicator", "period", "location").limit(1).execute()
    if len(hit):
        r = hit.iloc[0]
        raise StoreError(f"figure {r['source_id']} {r['indicator']} {r['period']} ({r['location']}) is stored as "
                         f"{r['prev_kind']}, not {r['kind']}: a figure's kind cannot change; give it a figure key of "
                         "its own (another location)")


def _withdraw_missing(con: BaseBackend, batch: Batch, incoming: ir.Table, vid: int, last_id: int) -> int:
    """Tombstones for the current figures of `batch.withdraw_missing`'s sources that the batch no longer
    states; refused when they are more than `batch.max_withdraw_share` of a source's figures."""
    schema = SCHEMAS["observations"]
    obs = con.table("observations")
    current = obs.filter(obs.superseded_in.isnull() | (obs.superseded_in == vid), obs.vintage_id < vid,
                         ~obs.withdrawn, obs.source_id.isin(list(batch.withdraw_missing)))
    gone = current.anti_join(incoming.select("obs_key"), "obs_key")
    gone = gone.filter(gone.superseded_in.isnull())
    n_withdrawn = int(gone.count().execute())
    if not n_withdrawn:
        return 0
    if batch.max_withdraw_share is not None:
        _check_withdraw_share(current, gone, batch.max_withdraw_share)
    tomb = gone.mutate(
        vintage_id=ibis.literal(vid, "int64"),
        obs_id=last_id + ibis.row_number() + 1,
        withdrawn=ibis.literal(True),
        row_hash=(gone.row_hash + _SEP + "withdrawn").hexdigest("md5"),
        superseded_in=ibis.null("int64"),
    )
    con.insert("observations", tomb.select(*schema.names).cast(schema))
    con.raw_sql(
        f"UPDATE observations SET superseded_in = {vid} WHERE superseded_in IS NULL AND vintage_id < {vid} "
        f"AND obs_key IN (SELECT obs_key FROM observations WHERE vintage_id = {vid} AND withdrawn)"
    )
    return n_withdrawn


def _check_withdraw_share(current: ir.Table, gone: ir.Table, limit: float) -> None:
    """A truncated or partial file must not silently withdraw a source's figures (issue #18): past `limit`
    of a source's figures, the load is refused with the numbers."""
    had = current.group_by("source_id").aggregate(n=current.count()).execute()
    lost = gone.group_by("source_id").aggregate(n=gone.count()).execute()
    share = lost.merge(had, on="source_id", suffixes=("_lost", "_had"))
    share["share"] = share["n_lost"] / share["n_had"]
    over = share[share["share"] > limit].sort_values("share", ascending=False)
    if len(over):
        parts = "; ".join(f"{r.source_id}: {r.n_lost} of {r.n_had} ({r.share:.0%})" for r in over.itertuples())
        raise StoreError(f"this load would withdraw more than {limit:.0%} of a source's figures ({parts}). If the "
                         "files are complete and those figures really are gone, load again with "
                         "--allow-mass-withdraw; --dry-run shows what a load would do without writing",
                         reason=Reason.MASS_WITHDRAW)
