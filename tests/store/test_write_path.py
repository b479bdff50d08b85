"""Writes in place (issue #18): one DuckDB transaction on the store file, O(batch), still all-or-nothing;
the file keeps its mode, its link and its inode; writers wait for each other; a crash leaves nothing behind."""
from __future__ import annotations

import fcntl
import os
import stat
import threading
import time
from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope.errors import Reason, SectorscopeError, StoreError
from sectorscope.ingest import load_paths
from sectorscope.store import Batch, Store, writer_waiting, writing
from sectorscope.store import backend as backend_module
from sectorscope.store.keys import latest

from ..conftest import obs, write_csv

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def rows(values: dict[str, float], source: str = "src-a") -> list[dict]:
    return [obs(location=loc, value=f"{v:g}", quote=f"规模{v:g}亿元", source=source) for loc, v in values.items()]


@pytest.fixture
def loaded(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [write_csv(tmp_path / "v1.csv", rows({f"p{i}": i + 1 for i in range(20)}))],
               sources=sources_csv, loaded_at=T0)
    store.close()
    return store


def value_at(store: Store, location: str) -> list[float]:
    t = store.observations()
    return t.filter(t.location == location).value.execute().tolist()


def as_of_answers(store: Store) -> dict[int, list[tuple]]:
    """Every vintage's as-of answer, as sorted (key, value, withdrawn) rows."""
    out = {}
    for v in store.vintages().vintage_id.execute():
        t = store.observations(int(v), include_withdrawn=True)
        df = t.select("obs_key", "value", "withdrawn").execute()
        out[int(v)] = sorted(map(tuple, df.itertuples(index=False, name=None)))
    return out


def test_a_load_writes_in_place_keeping_inode_and_mode(tmp_path, loaded, sources_csv):
    os.chmod(loaded.path, 0o600)
    inode = loaded.path.stat().st_ino
    load_paths(loaded, [write_csv(tmp_path / "v2.csv", rows({"p0": 7}))], sources=sources_csv,
               loaded_at=T0 + timedelta(hours=1))
    assert loaded.path.stat().st_ino == inode
    assert stat.S_IMODE(loaded.path.stat().st_mode) == 0o600
    assert value_at(loaded, "p0") == [7e8]
    assert not [p for p in tmp_path.iterdir() if ".loading" in p.name or ".creating" in p.name]


def test_a_store_given_as_a_symlink_stays_a_link_to_the_updated_store(tmp_path, loaded, sources_csv):
    link = tmp_path / "link.duckdb"
    link.symlink_to(loaded.path)
    load_paths(Store(link), [write_csv(tmp_path / "v2.csv", rows({"p1": 9}))], sources=sources_csv,
               loaded_at=T0 + timedelta(hours=1))
    assert link.is_symlink() and os.readlink(link) == str(loaded.path)
    assert value_at(Store(loaded.path), "p1") == [9e8]
    assert not (tmp_path / "link.duckdb.lock").exists()  # one lock per store file, whatever name it is given


def test_a_failure_mid_write_leaves_the_content_unchanged(tmp_path, loaded, sources_csv, monkeypatch):
    before, answers = loaded.fingerprint(), as_of_answers(loaded)
    loaded.close()

    def explode(con, vid):  # after the new rows were inserted, before they supersede the old ones
        raise OSError("disk full")

    monkeypatch.setattr(writing, "_supersede", explode)
    with pytest.raises(SectorscopeError, match="disk full"):
        load_paths(loaded, [write_csv(tmp_path / "v2.csv", rows({f"p{i}": 100 + i for i in range(20)}))],
                   sources=sources_csv, loaded_at=T0 + timedelta(hours=1))
    assert loaded.fingerprint() == before
    assert as_of_answers(loaded) == answers


def test_the_fingerprint_sees_any_changed_row(loaded, tmp_path):
    before = loaded.fingerprint()
    loaded.close()
    con = duckdb.connect(str(loaded.path))
    con.execute("UPDATE observations SET value = value + 1 WHERE obs_id = 3")
    con.close()
    after = loaded.fingerprint()
    assert after["observations"][0] == before["observations"][0]  # same rows counted, different content
    assert after["observations"] != before["observations"]
    assert {k: v for k, v in after.items() if k != "observations"} == {
        k: v for k, v in before.items() if k != "observations"}


def test_leftovers_of_killed_writers_are_removed_by_the_next(tmp_path, loaded, sources_csv):
    junk = [tmp_path / ".s.duckdb.4242.loading", tmp_path / ".s.duckdb.4242.loading.wal",
            tmp_path / ".s.duckdb.777.creating", tmp_path / ".s.duckdb.777.creating.wal"]
    for j in junk:
        j.write_bytes(b"x" * 1000)
    load_paths(loaded, [write_csv(tmp_path / "v2.csv", rows({"p0": 3}))], sources=sources_csv,
               loaded_at=T0 + timedelta(hours=1))
    assert not any(j.exists() for j in junk)


class _Holder(threading.Thread):
    """Another writer: holds the store's lock for `seconds`, and remembers when it let go."""

    def __init__(self, store: Store, seconds: float) -> None:
        super().__init__()
        self.fh = open(backend_module.lock_path(store.path), "a")  # noqa: SIM115 - closed by run()
        fcntl.flock(self.fh, fcntl.LOCK_EX)
        self.seconds = seconds
        self.released = float("inf")
        self.start()

    def run(self) -> None:
        time.sleep(self.seconds)
        self.released = time.monotonic()
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _hold_lock(store: Store, seconds: float) -> _Holder:
    return _Holder(store, seconds)


def test_a_second_writer_waits_for_the_first(tmp_path, loaded, sources_csv):
    path = write_csv(tmp_path / "v2.csv", rows({"p0": 5}))
    holder = _hold_lock(loaded, 3.0)  # longer than validating the file takes, even on a busy machine
    told = []
    assert writer_waiting(loaded.path)
    s = load_paths(loaded, [path], sources=sources_csv, loaded_at=T0 + timedelta(hours=1), wait=60,
                   on_wait=lambda: told.append(time.monotonic()))
    done = time.monotonic()
    holder.join()
    assert s.vintage_id == 2 and s.n_revised == 1
    assert len(told) == 1 and told[0] < holder.released < done  # told once, while the other held the lock
    assert not writer_waiting(loaded.path)


def test_a_writer_gives_up_after_its_wait_with_a_clear_error(tmp_path, loaded, sources_csv):
    before = loaded.fingerprint()
    loaded.close()
    holder = _hold_lock(loaded, 5.0)
    with pytest.raises(StoreError, match=r"being written by another process.*--wait") as info:
        load_paths(loaded, [write_csv(tmp_path / "v2.csv", rows({"p0": 5}))], sources=sources_csv,
                   loaded_at=T0 + timedelta(hours=1), wait=0.2)
    holder.join()
    assert info.value.reason == Reason.STORE_LOCKED
    assert loaded.fingerprint() == before


def test_a_reader_waits_for_a_writer_then_sees_its_vintage(tmp_path, loaded):
    con = duckdb.connect(str(loaded.path))  # a writer holding the file
    con.execute("BEGIN")
    con.execute("UPDATE observations SET value = 1 WHERE obs_id = 1")

    def commit() -> None:
        time.sleep(0.4)
        con.execute("COMMIT")
        con.close()

    writer = threading.Thread(target=commit)
    writer.start()
    values = Store(loaded.path).observations().filter(lambda t: t.obs_id == 1).value.execute().tolist()
    writer.join()
    assert values == [1.0]  # it waited for the commit: the file could not be opened before


def test_a_writer_in_the_same_process_closes_idle_readers(tmp_path, loaded, sources_csv):
    other = Store(loaded.path)
    assert other.observations().count().execute() == 20  # holds a read-only connection
    load_paths(loaded, [write_csv(tmp_path / "v2.csv", rows({"p0": 5, "new": 1}))], sources=sources_csv,
               loaded_at=T0 + timedelta(hours=1))
    assert other.observations().count().execute() == 21  # reopened, sees the new vintage


def test_a_dry_run_counts_and_writes_nothing(tmp_path, loaded, sources_csv):
    before = loaded.fingerprint()
    loaded.close()
    s = load_paths(loaded, [write_csv(tmp_path / "v2.csv", rows({"p0": 5, "p1": 2, "new": 1}))],
                   sources=sources_csv, loaded_at=T0 + timedelta(hours=1), withdraw_missing=True,
                   max_withdraw_share=None, dry_run=True)
    assert (s.vintage_id, s.n_new, s.n_revised, s.n_unchanged, s.n_withdrawn) == (2, 1, 1, 1, 18)
    assert loaded.fingerprint() == before


def test_withdraw_missing_refuses_to_withdraw_most_of_a_source(tmp_path, loaded, sources_csv):
    """A truncated file must not withdraw the figures it lost (issue #18, defect 1)."""
    before = loaded.fingerprint()
    loaded.close()
    partial = write_csv(tmp_path / "v2.csv", rows({f"p{i}": i + 1 for i in range(5)}))
    with pytest.raises(StoreError, match=r"more than 50% of a source's figures \(src-a: 15 of 20 \(75%\)\)") as info:
        load_paths(loaded, [partial], sources=sources_csv, loaded_at=T0 + timedelta(hours=1), withdraw_missing=True)
    assert info.value.reason == Reason.MASS_WITHDRAW and info.value.exit_code == 2
    assert "--allow-mass-withdraw" in str(info.value)
    assert loaded.fingerprint() == before
    loaded.close()
    s = load_paths(loaded, [partial], sources=sources_csv, loaded_at=T0 + timedelta(hours=1), withdraw_missing=True,
                   max_withdraw_share=None)
    assert s.n_withdrawn == 15 and loaded.observations().count().execute() == 5


def test_a_batch_stating_one_key_twice_is_refused(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    row = {"indicator": "market_size", "subject": "x", "region": "中国", "period": "2024", "value": 1.0,
           "qualifier": "exact", "unit": "元", "status": "actual", "source_id": "s", "location": "p"}
    with pytest.raises(StoreError, match="more than once") as info:
        store.write(Batch(observations=pd.DataFrame([row, {**row, "value": 2.0}])))
    assert info.value.reason == Reason.DUPLICATE and not store.path.exists()


# ---- the read path: superseded_in gives the same answers as the window over the history -----------------

def window_answer(store: Store, v: int) -> list[tuple]:
    obs = store.table("observations")
    cur = latest(obs.filter(obs.vintage_id <= v), "obs_key")
    return sorted(map(tuple, cur.select("obs_key", "value", "withdrawn").execute().itertuples(index=False, name=None)))


loads = st.lists(st.dictionaries(st.sampled_from([f"k{i}" for i in range(8)]), st.integers(1, 4), min_size=1),
                 min_size=1, max_size=5)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=loads, withdraw=st.lists(st.booleans(), min_size=5, max_size=5))
def test_as_of_by_realtime_range_equals_the_window_over_history(tmp_path_factory, sources_csv, history, withdraw):
    tmp = tmp_path_factory.mktemp("hist")
    store = Store(tmp / "s.duckdb")
    for i, values in enumerate(history):
        load_paths(store, [write_csv(tmp / f"v{i}.csv", rows(values))], sources=sources_csv,
                   loaded_at=T0 + timedelta(hours=i), withdraw_missing=withdraw[i], max_withdraw_share=None)
    answers = as_of_answers(store)
    for v, got in answers.items():
        assert got == window_answer(store, v)
    current = store.table("observations").filter(lambda t: t.superseded_in.isnull())
    keys = current.obs_key.execute()
    assert keys.is_unique  # exactly one current row per figure


def test_a_store_without_superseded_in_reads_and_migrates_to_the_same_answers(tmp_path, loaded, sources_csv):
    for i, vals in enumerate(({"p0": 50, "p1": 2}, {"p0": 51})):
        load_paths(loaded, [write_csv(tmp_path / f"r{i}.csv", rows(vals))], sources=sources_csv,
                   loaded_at=T0 + timedelta(hours=i + 1), withdraw_missing=bool(i), max_withdraw_share=None)
    answers = as_of_answers(loaded)
    loaded.close()
    con = duckdb.connect(str(loaded.path))  # what a schema-3 store looks like
    con.execute("ALTER TABLE observations DROP COLUMN superseded_in")
    con.close()
    assert as_of_answers(Store(loaded.path)) == answers  # read before any write: computed on the fly
    load_paths(loaded, [write_csv(tmp_path / "r9.csv", rows({"zz": 1}))], sources=sources_csv,
               loaded_at=T0 + timedelta(hours=9))
    migrated = as_of_answers(loaded)
    assert {v: a for v, a in migrated.items() if v in answers} == answers
    assert loaded.table("observations").filter(lambda t: t.superseded_in.isnull()).count().execute() == 21  # 20 figures (19 withdrawn) and zz


# ---- kill -9 at random points: never a lost committed vintage, never a partial one ---------------------

CHILD = r"""
import sys, pandas as pd
from datetime import UTC, datetime, timedelta
from sectorscope.store import Batch, Store

path, n_keys = sys.argv[1], int(sys.argv[2])
store = Store(path)
print("ready", flush=True)
for i in range(1, 1000):
    v = store.latest_vintage() if store.exists() else None
    store.close()
    nxt = 1 if v is None else v + 1
    frame = pd.DataFrame({
        "indicator": "market_size", "subject": "s", "region": "中国", "location": [f"k{k}" for k in range(n_keys)],
        "period": "2024", "value": [float(nxt * 1000 + (k % 7 if nxt % 2 else 0)) for k in range(n_keys)],
        "qualifier": "exact", "unit": "元", "status": "actual", "source_id": "src",
    })
    store.write(Batch(observations=frame), loaded_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=nxt))
"""


def expected_values(v: int, n_keys: int) -> list[float]:
    return sorted(float(v * 1000 + (k % 7 if v % 2 else 0)) for k in range(n_keys))


def kill_and_check(tmp_path, rng, n_keys: int = 20_000) -> int:
    import random
    import signal
    import subprocess
    import sys

    path = tmp_path / "k.duckdb"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(n_keys)], stdout=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
    time.sleep(random.Random(rng).uniform(0.05, 2.5))
    child.send_signal(signal.SIGKILL)
    child.wait()
    if not path.exists():
        return 0
    store = Store(path)
    vids = store.vintages().vintage_id.execute().tolist()
    assert vids == list(range(1, len(vids) + 1))
    obs = store.table("observations")
    assert obs.filter(obs.vintage_id > len(vids)).count().execute() == 0  # no rows of an uncommitted vintage
    for v in vids:  # every committed vintage answers as it was written
        assert sorted(store.observations(v).value.execute().tolist()) == expected_values(v, n_keys)
    store.close()
    # the next writer finds the store usable and leaves no leftovers of the killed one
    store.write(Batch(observations=pd.DataFrame([{"indicator": "market_size", "subject": "after", "region": "中国",
                "period": "2024", "value": 1.0, "qualifier": "exact", "unit": "元", "status": "actual",
                "source_id": "src"}])), loaded_at=datetime(2027, 1, 1, tzinfo=UTC))
    assert store.latest_vintage() == len(vids) + 1
    assert not [p for p in tmp_path.iterdir() if ".creating" in p.name or ".loading" in p.name]
    return len(vids)


@pytest.mark.parametrize("seed", range(3))
def test_kill_9_during_loads_never_loses_or_half_writes_a_vintage(tmp_path, seed):
    kill_and_check(tmp_path, seed)


@pytest.mark.slow
def test_kill_9_at_twenty_random_points(tmp_path_factory):
    committed = [kill_and_check(tmp_path_factory.mktemp(f"kill{seed}"), 100 + seed) for seed in range(20)]
    assert max(committed) >= 1  # some kills landed after commits, not all before the first
