"""The write path: what one vintage adds to the store, inside the transaction `backend.write_session` opened.

Why apart from `Store`: it is the one place that changes rows, and every step of it is about the batch and
the current rows of its keys (found through `superseded_in is null`), never the history, so a load costs
what it writes. The migrations of older stores run here too, on a store's first write with this schema.
"""
from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from ..errors import Reason, StoreError
from ..model import KEY_COLUMNS, KINDS, OBSERVATION_COLUMNS, READINGS, STATED
from . import backend
from .keys import FIGURE_ORDER, column_differs, content_columns, content_differs, digest, latest, row_hash
from .legacy import LEGACY_COLUMNS, legacy_columns, superseded_in
from .schema import OBSOLETE_COLUMNS, REFERENCE_KEYS, SCHEMAS

if TYPE_CHECKING:
    from .store import Batch

__all__ = ["append_observations", "append_reference", "ensure_schema"]

_CHANGED = "_sectorscope_changed"  # a batch row is a new version of its figure: new, revised, or after withdrawal
_POSITION = "_sectorscope_position"  # a row's place in the batch, which orders the ids it is given


def _migrate_observations(con: BaseBackend, added: list[str]) -> None:
    """Rows written before schemas 3 and 4 meet them, once: the kind and reading columns from the legacy
    string rules (legacy.py), the realtime end from the history."""
    new = set(added) & set(LEGACY_COLUMNS)
    if new:
        backend.fill_columns(con, "observations", "obs_id",
                             lambda t: {c: e for c, e in legacy_columns(t).items() if c in new})
    if "superseded_in" in added:
        backend.fill_columns(con, "observations", "obs_id", lambda t: {"superseded_in": superseded_in(t)})


def _distinct(observations: Any, col: str) -> list[Any]:
    """The distinct non-null values of a column of the batch as given (none when it lacks the column)."""
    import pyarrow as pa

    if isinstance(observations, pa.Table):
        if col not in observations.column_names:
            return []
        return observations.column(col).unique().drop_null().to_pylist()
    if col not in observations.columns:
        return []
    return list(observations[col].dropna().unique())


def _checked(observations: Any) -> None:
    """A kind or a reading outside the vocabulary is refused before anything is written. Read from the batch
    as given (a pandas or Arrow column's distinct values), not through the engine: a query per check would
    cost more than a small load's writing."""
    import pyarrow as pa

    if not isinstance(observations, (pd.DataFrame, pa.Table)):
        raise StoreError(f"a batch's observations are a pandas DataFrame or a pyarrow Table, not "
                         f"{type(observations).__name__}", reason=Reason.BAD_ARGUMENT)
    bad = sorted({str(k) for k in _distinct(observations, "kind")} - set(KINDS))
    if bad:
        raise StoreError(f"unknown figure kind(s) {', '.join(bad)}; kinds are {', '.join(KINDS)}")
    wrong = sorted({str(r) for r in _distinct(observations, "reading")} - set(READINGS))
    if wrong:
        raise StoreError(f"unknown reading(s) {', '.join(wrong)}; readings are {', '.join(READINGS)}")


def append_reference(con: BaseBackend, name: str, frame: pd.DataFrame, vid: int) -> None:
    schema = SCHEMAS[name]
    cols = [c for c in schema.names if c not in ("row_hash", "vintage_id")]
    frame = frame.reindex(columns=cols).copy()
    frame["row_hash"] = row_hash(frame, cols)
    t = con.table(name)
    current = latest(t, REFERENCE_KEYS[name]).select("row_hash").execute()
    fresh = frame[~frame["row_hash"].isin(set(current["row_hash"]))].copy()
    if len(fresh):
        fresh["vintage_id"] = vid
        con.insert(name, ibis.memtable(fresh[list(schema.names)]).cast(schema))

def append_observations(con: BaseBackend, batch: Batch, vid: int) -> dict[str, int]:
    """Insert the batch's new and changed rows and its tombstones, then mark the rows they supersede.

    Every step touches the batch and the current rows of its keys (found through `superseded_in is
    null`), never the history, so a load costs what it writes."""
    obs_tbl = con.table("observations")
    base = obs_tbl.obs_id.max().execute()
    base = 0 if pd.isna(base) else int(base)
    arrow = _as_arrow(batch.observations)
    n_revised = n_withdrawn = 0
    if base == 0:  # an empty store: everything is new; the batch goes straight in, its key hashed once
        _insert(con, _numbered(_keyed(ibis.memtable(arrow)), vid, base, every=True))
        _refuse_repeated_keys(obs_tbl.filter(obs_tbl.vintage_id == vid))
        n_changed = len(arrow)
    else:
        with _batch_view(con, arrow) as incoming:
            _refuse_repeated_keys(incoming)
            joined = _beside_current(con, incoming)
            _refuse_kind_changes(incoming, joined)
            _insert(con, _numbered(incoming.semi_join(joined.filter(joined[_CHANGED]), "obs_key"), vid, base))
            n_changed = int(obs_tbl.filter(obs_tbl.vintage_id == vid).count().execute())
            if n_changed:
                n_revised = _supersede(con, vid)
            if batch.withdraw_missing:
                n_withdrawn = _withdraw_missing(con, batch, incoming, vid, base + n_changed)
    return {
        "n_new": n_changed - n_revised, "n_revised": n_revised,
        "n_unchanged": len(batch.observations) - n_changed, "n_withdrawn": n_withdrawn,
    }


def ensure_schema(con: BaseBackend) -> None:
    """Every table of the current schema, an older store's tables brought up to it (columns an older schema
    stored and this one does not dropped, new ones added and filled)."""
    for name, schema in SCHEMAS.items():
        if name not in con.list_tables():
            con.create_table(name, schema=schema)
            continue
        backend.drop_columns(con, name, OBSOLETE_COLUMNS.get(name, ()))  # first: DuckDB alters no changed table
        added = backend.add_missing_columns(con, name, schema)
        if name == "observations":
            _migrate_observations(con, added)


def _numbered(rows: ir.Table, vid: int, base: int, *, every: bool = False) -> ir.Table:
    """Rows as vintage `vid` stores them: ids after `base` in the batch's order (the same batch gets the same
    ids), current (no successor yet). `every`: the rows are the whole batch, so a row's id is its position;
    otherwise (the batch's new versions, whatever order a join returned them in) they are numbered in the
    order of their positions."""
    if every:
        obs_id = base + 1 + rows[_POSITION]
    else:
        obs_id = base + 1 + ibis.row_number().over(ibis.window(order_by=rows[_POSITION]))
    return rows.mutate(vintage_id=ibis.literal(vid, "int64"), obs_id=obs_id, superseded_in=ibis.null("int64"))


def _insert(con: BaseBackend, rows: ir.Table) -> None:
    """Append `rows` (with their ids) to the observations table in FIGURE_ORDER (the batch's order breaking
    ties), so the store is clustered by what reads filter on. The engine sorts in parallel, and sorted rows
    compress better: DuckDB's CTAS with this ORDER BY cost less than without it (1 M rows)."""
    schema = SCHEMAS["observations"]
    con.insert("observations", rows.order_by(*FIGURE_ORDER, _POSITION).select(*schema.names).cast(schema))


def _as_arrow(observations: Any) -> Any:
    """The batch's rows as an Arrow table of the store's columns it has, with their place in the batch
    (`_POSITION`, which gives the ids). A pyarrow Table is taken as it is (no pandas round trip); a pandas
    frame is converted once. Refused, before anything is written, when a kind or reading is outside the
    vocabulary."""
    import numpy as np
    import pyarrow as pa

    _checked(observations)
    cols = [c for c in OBSERVATION_COLUMNS if c not in ("obs_id", "obs_key", "vintage_id")]
    if isinstance(observations, pa.Table):
        arrow = observations.select([c for c in cols if c in observations.column_names])
    else:
        arrow = pa.Table.from_pandas(observations[[c for c in cols if c in observations.columns]], preserve_index=False)
    return arrow.append_column(_POSITION, pa.array(np.arange(len(arrow)), pa.int64()))


def _typed(t: ir.Table) -> ir.Table:
    """The batch's rows as the store's columns: a row that does not say its kind is a stated figure, and one
    that does not say it is a tombstone is not one (null would hide it from every read)."""
    schema = SCHEMAS["observations"]
    cols = [c for c in OBSERVATION_COLUMNS if c not in ("obs_id", "obs_key", "vintage_id")]
    t = t.mutate(**{c: ibis.null(schema[c]) for c in cols if c not in t.columns})
    t = t.cast({c: schema[c] for c in cols})
    return t.mutate(kind=t.kind.fill_null(STATED), withdrawn=t.withdrawn.fill_null(False))


def _keyed(t: ir.Table) -> ir.Table:
    """`_typed` rows with their figure key: the key computed from the typed columns, or passed through when
    the rows already carry it (`_batch_view`)."""
    typed = _typed(t)
    return typed if "obs_key" in t.columns else typed.mutate(obs_key=digest(typed, KEY_COLUMNS))


@contextlib.contextmanager
def _batch_view(con: BaseBackend, arrow: Any) -> Iterator[ir.Table]:
    """The batch as a temporary view `_sectorscope_incoming` over its Arrow table, which every step of a
    write into a non-empty store reads (several times) instead of a copy.

    The key is hashed once, into one more Arrow column; the rest is read in place. A temporary table of
    the batch (what this replaced) held a second copy of every column inside DuckDB for the whole write:
    1.1 GB per million rows, which took a 10 M restatement past 24 GiB (issue #18)."""
    import pyarrow.compute as pc

    raw = con.con  # the DuckDB connection: Arrow is registered, not copied
    name = "_sectorscope_batch"
    raw.register(name, arrow)
    try:
        keys = con.to_pyarrow(_keyed(con.table(name)).select(_POSITION, "obs_key"))
        position = keys.column(_POSITION)
        if len(keys) and not pc.all(pc.equal(position, arrow.column(_POSITION))).as_py():
            keys = keys.take(pc.sort_indices(position))  # the engine returned them in another order
        raw.unregister(name)
        raw.register(name, arrow.append_column("obs_key", keys.column("obs_key")))
        sql = _sql(_keyed(ibis.table(con.table(name).schema(), name=name)))
        con.raw_sql(f"CREATE OR REPLACE TEMP VIEW _sectorscope_incoming AS {sql}")
        yield con.table("_sectorscope_incoming")
    except BaseException:
        with contextlib.suppress(Exception):  # the transaction is rolled back, the view with it
            raw.unregister(name)
        raise
    con.raw_sql("DROP VIEW _sectorscope_incoming")
    raw.unregister(name)


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


def _beside_current(con: BaseBackend, incoming: ir.Table) -> ir.Table:
    """The batch's rows, each with the id and kind of the current row of its key the store holds (`cur_id`,
    `cur_kind`: null for a new figure) and whether it is a new version (`_CHANGED`: new, changed in content
    or restating a withdrawn figure), in a temporary table every later step reads instead of the store.

    The current rows are read in two steps, because reading a column costs per row group it touches and a
    small batch's keys are spread over the whole store: first the key, tombstone flag, kind and value of the
    matched rows (one scan of a few columns, the batch the build side); then the rest of the content only
    for the rows whose value did not change, which alone cannot say whether they differ. A revised value is
    a new version whatever else changed, so `content_differs` is still exact: true through the value when
    the rest is left null.

    The statements are compiled once per process (`_beside_current_sql`): they depend only on the schema, and
    compiling them cost more than running them for a small batch."""
    found_sql, same_sql, with_content, without = _beside_current_sql(incoming.schema())
    con.raw_sql(f"CREATE OR REPLACE TEMP TABLE _sectorscope_found AS {found_sql}")
    n_same = con.raw_sql(same_sql).fetchone()[0]
    con.raw_sql(f"CREATE OR REPLACE TEMP TABLE _sectorscope_joined AS {with_content if n_same else without}")
    return con.table("_sectorscope_joined")


@functools.cache
def _beside_current_sql(incoming_schema: ibis.Schema) -> tuple[str, str, str, str]:
    """`_beside_current`'s statements, over the temporary tables by name: the current rows found, the number
    of them whose value is the same, the batch beside them with the rest of their content read, and
    without it."""
    obs = ibis.table(SCHEMAS["observations"], name="observations")
    incoming = ibis.table(incoming_schema, name="_sectorscope_incoming")
    found = obs.filter(obs.superseded_in.isnull(), obs.obs_key.isin(incoming.obs_key)).select(
        "obs_key", cur_id=obs.obs_id, cur_withdrawn=obs.withdrawn, cur_kind=obs.kind, cur_value=obs.value)
    found_t = ibis.table(found.schema(), name="_sectorscope_found")
    # only the columns compared: a narrow expression compiles in a fraction of the time of the whole row's
    j = incoming.select("obs_key", "kind", *content_columns()).left_join(found_t, "obs_key").drop("obs_key_right")
    rest = [c for c in content_columns() if c != "value"]
    same = j.filter(j.cur_id.notnull(), ~j.cur_withdrawn, ~column_differs(j.value, j.cur_value)).select("cur_id")
    content = obs.semi_join(same, obs.obs_id == same.cur_id).select(
        cur_id=obs.obs_id, **{f"cur_{c}": obs[c] for c in rest})
    read = j.left_join(content, "cur_id").drop("cur_id_right")
    unread = j.mutate(**{f"cur_{c}": ibis.null(obs[c].type()) for c in rest})  # every matched value changed

    def flagged(t: ir.Table) -> str:
        return _sql(t.select("obs_key", "kind", "cur_id", "cur_kind",
                             **{_CHANGED: t.cur_id.isnull() | t.cur_withdrawn | content_differs(t)}))

    return _sql(found), _sql(same.count().as_table()), flagged(read), flagged(unread)


def _sql(expr: ir.Expr) -> str:
    return str(ibis.to_sql(expr, dialect="duckdb"))


def _supersede(con: BaseBackend, vid: int) -> int:
    """Mark the rows vintage `vid` replaced (the current rows of the keys it wrote new versions of) as
    superseded by it; the number marked (the figures it revised or restated). Rows are addressed by id, so
    the update scans an integer column, not the keys."""
    res = con.raw_sql(f"UPDATE observations SET superseded_in = {vid} WHERE obs_id IN "
                      f'(SELECT cur_id FROM _sectorscope_joined WHERE "{_CHANGED}" AND cur_id IS NOT NULL)')
    return int(res.fetchone()[0])


def _refuse_kind_changes(incoming: ir.Table, joined: ir.Table) -> None:
    """A figure's kind is fixed by what made it: a new version of a key may not change it (reads filter on
    kind as on the key's own columns). `joined`: the batch beside the current rows (`_beside_current`)."""
    clash = joined.filter(joined.cur_id.notnull(), joined.kind != joined.cur_kind, joined[_CHANGED])
    clash = incoming.join(clash.select("obs_key", "cur_kind"), "obs_key")
    hit = clash.select("kind", "cur_kind", "source_id", "indicator", "period", "location").limit(1).execute()
    if len(hit):
        r = hit.iloc[0]
        raise StoreError(f"figure {r['source_id']} {r['indicator']} {r['period']} ({r['location']}) is stored as "
                         f"{r['cur_kind']}, not {r['kind']}: a figure's kind cannot change; give it a figure key of "
                         "its own (another location)")


def _withdraw_missing(con: BaseBackend, batch: Batch, incoming: ir.Table, vid: int, last_id: int) -> int:
    """Tombstones for the current figures of `batch.withdraw_missing`'s sources that the batch no longer
    states; refused when they are more than `batch.max_withdraw_share` of a source's figures."""
    schema = SCHEMAS["observations"]
    obs = con.table("observations")
    current = obs.filter(obs.superseded_in.isnull() | (obs.superseded_in == vid), obs.vintage_id < vid,
                         ~obs.withdrawn, obs.source_id.isin(list(batch.withdraw_missing)))
    gone = current.anti_join(incoming.select("obs_key"), "obs_key")
    gone = con.create_table("_sectorscope_gone", gone.filter(gone.superseded_in.isnull()), temp=True, overwrite=True)
    n_withdrawn = int(gone.count().execute())
    if not n_withdrawn:
        return 0
    if batch.max_withdraw_share is not None:
        _check_withdraw_share(current, gone, batch.max_withdraw_share)
    tomb = gone.mutate(
        vintage_id=ibis.literal(vid, "int64"),
        obs_id=last_id + ibis.row_number().over(ibis.window(order_by=gone.obs_id)) + 1,  # in the order of the rows withdrawn
        withdrawn=ibis.literal(True),
        superseded_in=ibis.null("int64"),
    )
    con.insert("observations", tomb.select(*schema.names).cast(schema))
    con.raw_sql(f"UPDATE observations SET superseded_in = {vid} WHERE obs_id IN (SELECT obs_id FROM _sectorscope_gone)")
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
