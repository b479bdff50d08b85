"""Schema 5 (issue #18, the bulk load): no stored content hash — a revision is decided by comparing columns,
with exactly the answer the schema-4 hash gave; rows stored in the order of the figure key (ids still in the
batch's); a batch given as a pyarrow Table; an older store's row_hash dropped on its next write, atomically."""
from __future__ import annotations

import math
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

import duckdb
import ibis
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope.errors import StoreError
from sectorscope.model import ANALYSIS_COLUMNS
from sectorscope.store import Batch, Store, keys
from sectorscope.store.schema import OBSERVATIONS, SCHEMA_VERSION

T0 = datetime(2026, 1, 1, tzinfo=UTC)
COMPARED = keys.content_columns()

# Values that collide under the digest's reading (null and "" texts, 0.0 and -0.0, NaN, the legacy band)
# drawn often, so equal and unequal pairs both come up.
_TEXT = st.sampled_from([None, "", "a", "b", "规模"])
_FLOAT = st.sampled_from([None, 0.0, -0.0, 1.0, 0.1, 0.30000000000000004, 1e16, 1e16 + 2, math.nan]) | st.floats()
_INT = st.sampled_from([None, 0, 1, 5])
_DATE = st.sampled_from([None, date(2024, 1, 1), date(2024, 12, 31)])
_IDS = st.sampled_from([None, [], [1], [1, 2], [2, 1]])
_BAND = st.sampled_from([None, 0.2, 0.3, 0.0, -0.0])


def _strategy(col: str) -> st.SearchStrategy:
    if col == "reading_band":
        return _BAND
    typ = OBSERVATIONS[col]
    if typ.is_string():
        return _TEXT
    if typ.is_floating():
        return _FLOAT
    if typ.is_integer():
        return _INT
    if typ.is_date():
        return _DATE
    return _IDS


@st.composite
def pairs(draw) -> tuple[dict, dict]:
    """A row and another version of it: each column either the same value or a fresh draw."""
    a = {c: draw(_strategy(c)) for c in COMPARED}
    if draw(st.booleans()):  # often none of the analysis columns set, as in every stated figure
        a.update(dict.fromkeys(ANALYSIS_COLUMNS))
    changed = draw(st.sets(st.sampled_from(COMPARED), max_size=3))
    b = {c: draw(_strategy(c)) if c in changed else a[c] for c in COMPARED}
    return a, b


def _arrow(rows: list[dict]) -> pa.Table:
    types = {c: OBSERVATIONS[c].to_pyarrow() for c in COMPARED}
    return pa.table({c: pa.array([r[c] for r in rows], types[c]) for c in COMPARED})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pairs(), min_size=1, max_size=40))
def test_content_differs_exactly_when_the_schema_4_hash_differs(batch):
    new, cur = _arrow([a for a, _ in batch]), _arrow([b for _, b in batch])
    n, c = ibis.memtable(new), ibis.memtable(cur)
    digest_new = n.select(h=keys.content_digest(n)).execute()["h"]
    digest_cur = c.select(h=keys.content_digest(c)).execute()["h"]
    both = new
    for c in COMPARED:
        both = both.append_column(f"cur_{c}", cur.column(c))
    j = ibis.memtable(both)
    differs = j.select(d=keys.content_differs(j)).execute()["d"]
    assert differs.tolist() == (digest_new != digest_cur).tolist()
    assert differs.notna().all()  # true or false, never null (a null would read as "unchanged" by accident)


# ---- the write path -----------------------------------------------------------------------------------------
def _frame(n: int, value: float = 1.0, **extra) -> pd.DataFrame:
    """n figures in a scrambled order: indicators, subjects and periods interleaved."""
    rng = random.Random(n)
    idx = list(range(n))
    rng.shuffle(idx)
    return pd.DataFrame({
        "indicator": [f"ind{i % 3}" for i in idx], "subject": [f"s{i % 5}" for i in idx], "region": "中国",
        "period": [str(2000 + i // 15) for i in idx], "value": [value + i for i in idx], "qualifier": "exact",
        "unit": "元", "status": "actual", "source_id": "src", "location": "表1", **extra,
    })


def _stored(path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        # rowid: the order rows are stored in
        return con.execute("SELECT rowid AS pos, * FROM observations ORDER BY rowid").df()
    finally:
        con.close()


def test_a_load_stores_rows_in_the_order_of_the_figure_key_with_ids_in_the_batchs_order(tmp_path):
    frame = _frame(60)
    Store(tmp_path / "a.duckdb").write(Batch(observations=frame), loaded_at=T0)
    rows = _stored(tmp_path / "a.duckdb")
    order = rows[["indicator", "subject", "region", "product", "period"]].fillna("").apply(tuple, axis=1).tolist()
    assert order == sorted(order) and order != frame[["indicator", "subject", "region", "period"]].apply(
        tuple, axis=1).tolist()  # stored by indicator, subject, region, product, period, not as given
    # ids keep the batch's order (the footnotes and listings of a report are ordered by id)
    by_id = rows.sort_values("obs_id")
    assert by_id["obs_id"].tolist() == list(range(1, 61))
    assert by_id["value"].tolist() == frame["value"].tolist()
    # the same batch gets the same ids and the same layout
    Store(tmp_path / "b.duckdb").write(Batch(observations=frame), loaded_at=T0)
    pd.testing.assert_frame_equal(_stored(tmp_path / "b.duckdb"), rows)
    # a revision's rows are numbered after the store's last id in the batch's order, stored in key order
    store = Store(tmp_path / "a.duckdb")
    revised = frame.assign(value=frame["value"] + 0.5).iloc[:20]
    assert store.write(Batch(observations=revised), loaded_at=T0 + timedelta(hours=1)).n_revised == 20
    new = _stored(tmp_path / "a.duckdb").query("vintage_id == 2")
    assert sorted(new["obs_id"]) == list(range(61, 81))
    assert new.sort_values("obs_id")["value"].tolist() == revised["value"].tolist()
    order = new[["indicator", "subject", "period"]].apply(tuple, axis=1).tolist()
    assert order == sorted(order)


def test_an_arrow_batch_stores_what_the_same_pandas_batch_stores(tmp_path):
    frame = _frame(30).assign(kind=None, withdrawn=None, period_start=date(2020, 1, 1))
    frame.loc[3, "kind"] = "derived"
    Store(tmp_path / "p.duckdb").write(Batch(observations=frame), loaded_at=T0)
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    s = Store(tmp_path / "a.duckdb").write(Batch(observations=arrow), loaded_at=T0)
    assert (s.n_rows, s.n_new) == (30, 30)
    p, a = _stored(tmp_path / "p.duckdb"), _stored(tmp_path / "a.duckdb")
    pd.testing.assert_frame_equal(a, p)
    assert sorted(a["kind"].unique()) == ["derived", "stated"] and not a["withdrawn"].any()
    # a reload of the same figures from Arrow restates them
    again = Store(tmp_path / "p.duckdb").write(Batch(observations=arrow), loaded_at=T0 + timedelta(hours=1))
    assert (again.n_new, again.n_revised, again.n_unchanged) == (0, 0, 30)


@pytest.mark.parametrize("as_arrow", [False, True])
def test_an_unknown_kind_or_reading_is_refused_from_either_kind_of_batch(tmp_path, as_arrow):
    for col, bad, msg in (("kind", "guess", "unknown figure kind(s) guess; kinds are"),
                          ("reading", "tight", "unknown reading(s) tight; readings are")):
        frame = _frame(3, **{col: [None, bad, None]})
        batch = pa.Table.from_pandas(frame, preserve_index=False) if as_arrow else frame
        with pytest.raises(StoreError, match=msg.replace("(", r"\(").replace(")", r"\)")):
            Store(tmp_path / "s.duckdb").write(Batch(observations=batch), loaded_at=T0)
        assert not (tmp_path / "s.duckdb").exists()


def test_a_batch_of_another_type_is_a_named_error(tmp_path):
    with pytest.raises(StoreError, match="pandas DataFrame or a pyarrow Table, not list"):
        Store(tmp_path / "s.duckdb").write(Batch(observations=[{"indicator": "x"}]), loaded_at=T0)  # type: ignore[arg-type]


# ---- an older store's row_hash ----------------------------------------------------------------------------
def _with_row_hash(path) -> None:
    """Make a store what schema 4 wrote: the observations' content hash stored, schema_version 4."""
    con = ibis.duckdb.connect(str(path))
    t = con.table("observations")
    sql = ibis.to_sql(t.select("obs_id", h=keys.content_digest(t)), dialect="duckdb")
    con.raw_sql("ALTER TABLE observations ADD COLUMN row_hash VARCHAR")
    con.raw_sql(f"UPDATE observations SET row_hash = m.h FROM ({sql}) m WHERE observations.obs_id = m.obs_id")
    con.raw_sql("UPDATE vintages SET schema_version = 4")
    con.disconnect()


def test_a_schema_4_store_reads_without_its_row_hash_and_drops_it_on_its_next_write(tmp_path):
    path = tmp_path / "s.duckdb"
    store = Store(path)
    store.write(Batch(observations=_frame(30)), loaded_at=T0)
    store.write(Batch(observations=_frame(30, value=2.0).iloc[:10]), loaded_at=T0 + timedelta(hours=1))
    store.close()
    _with_row_hash(path)
    assert "row_hash" in _stored(path).columns
    before = Store(path).observations().order_by("obs_id").execute()
    assert "row_hash" not in before.columns
    # the reload of the current figures restates them all: the comparison reads what the hash read
    s = Store(path).write(Batch(observations=_frame(30, value=2.0).iloc[:10]), loaded_at=T0 + timedelta(hours=2))
    assert (s.n_new, s.n_revised, s.n_unchanged) == (0, 0, 10)
    rows = _stored(path)
    assert "row_hash" not in rows.columns
    after = Store(path).observations().order_by("obs_id").execute()
    pd.testing.assert_frame_equal(after, before)
    assert Store(path).vintages().execute()["schema_version"].tolist() == [4, 4, SCHEMA_VERSION]


def test_a_failed_migrating_write_keeps_the_row_hash(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    Store(path).write(Batch(observations=_frame(10)), loaded_at=T0)
    _with_row_hash(path)
    fp = Store(path).fingerprint()
    with pytest.raises(StoreError, match="unknown figure kind"):
        Store(path).write(Batch(observations=_frame(3, kind="guess")), loaded_at=T0 + timedelta(hours=1))
    assert "row_hash" in _stored(path).columns and Store(path).fingerprint() == fp


MIGRATE_CHILD = r"""
import sys, pandas as pd
from datetime import UTC, datetime
from sectorscope.store import Batch, Store
store = Store(sys.argv[1])
print("ready", flush=True)
frame = pd.DataFrame({"indicator": "market_size", "subject": "s", "region": "中国", "location": "new",
                      "period": "2024", "value": 1.0, "qualifier": "exact", "unit": "元", "status": "actual",
                      "source_id": "src"}, index=[0])
store.write(Batch(observations=frame), loaded_at=datetime(2027, 1, 1, tzinfo=UTC))
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def schema_4_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema4") / "s.duckdb"
    n = 200_000
    frame = pd.DataFrame({"indicator": "market_size", "subject": "s", "region": "中国",
                          "location": [f"k{k}" for k in range(n)], "period": "2024",
                          "value": [float(k) for k in range(n)], "qualifier": "exact", "unit": "元",
                          "status": "actual", "source_id": "src"})
    Store(path).write(Batch(observations=frame), loaded_at=T0)
    _with_row_hash(path)
    return path, Store(path).fingerprint()


@pytest.mark.parametrize("seed", range(3))
def test_kill_9_during_the_migrating_write_leaves_the_schema_4_store_or_the_migrated_one(
        tmp_path, schema_4_store, seed):
    import shutil

    src, fp = schema_4_store
    path = tmp_path / "s.duckdb"
    shutil.copyfile(src, path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", MIGRATE_CHILD, str(path)], stdout=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
    time.sleep(random.Random(seed).uniform(0.0, 2.5))
    child.send_signal(signal.SIGKILL)
    child.wait()
    store = Store(path)
    if "row_hash" in _stored(path).columns:  # killed before the commit: the schema-4 store, every row of it
        print(f"seed {seed}: killed before the commit")
        assert store.fingerprint() == fp
    else:  # after: migrated, with the new vintage
        t = store.observations()
        assert store.latest_vintage() == 2 and t.filter(t.location == "new").count().execute() == 1
        assert store.observations(1).count().execute() == 200_000
    store.close()
    s = store.write(Batch(observations=pd.DataFrame([{"indicator": "market_size", "subject": "s", "region": "中国",
                    "location": "after", "period": "2024", "value": 1.0, "qualifier": "exact", "unit": "元",
                    "status": "actual", "source_id": "src"}])), loaded_at=datetime(2028, 1, 1, tzinfo=UTC))
    assert s.n_new == 1 and "row_hash" not in _stored(path).columns
