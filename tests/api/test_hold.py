"""A server that writes holds the store file (one read-write DuckDB instance, reads on cursors of it): its reads
never wait for its own writes, each request reads one committed vintage, and a writer of another process
still gets the file through the lock."""
from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import threading
import time

from sectorscope.api.pool import Runner, StorePool
from sectorscope.ingest import load_paths
from sectorscope.store import Store
from sectorscope.store.backend import holds, write_session
from tests.conftest import obs, write_csv

_NEXT_VINTAGE = ("INSERT INTO vintages SELECT * REPLACE (vintage_id + 1 AS vintage_id) FROM vintages "
                 "WHERE vintage_id = (SELECT max(vintage_id) FROM vintages)")


def _latest(runner: Runner) -> int | None:
    return asyncio.run(runner.run(lambda s: s.latest_vintage(), timeout=30))


def test_reads_run_beside_a_write_of_the_process(built_store, tmp_path):
    """While a write of this process has its transaction open, reads answer at once with the last committed
    vintage (they waited for the whole write before: the pool closed its readers for it), and the next read
    after the commit sees the new vintage."""
    path = tmp_path / "s.duckdb"
    shutil.copyfile(built_store, path)
    pool = StorePool(path, 2, hold=True)
    runner = Runner(pool, 2)
    try:
        before = _latest(runner)
        assert holds(path)
        with pool.paused(5), write_session(path) as con:  # an upload, half-way
            con.raw_sql(_NEXT_VINTAGE)
            t0 = time.monotonic()
            assert _latest(runner) == before
            assert time.monotonic() - t0 < 5
        assert _latest(runner) == before + 1
    finally:
        runner.close()
    assert not holds(path)


def test_a_request_reads_one_vintage(built_store, tmp_path):
    """A write that commits between two queries of one request does not show in the second."""
    path = tmp_path / "s.duckdb"
    shutil.copyfile(built_store, path)
    pool = StorePool(path, 2, hold=True)
    runner = Runner(pool, 2)

    def write() -> None:
        with write_session(path) as con:
            con.raw_sql(_NEXT_VINTAGE)

    def request(s: Store) -> tuple[int, int]:
        first = s.con.raw_sql("SELECT max(vintage_id) FROM vintages").fetchone()[0]
        t = threading.Thread(target=write)
        t.start()
        t.join(30)
        return first, s.con.raw_sql("SELECT max(vintage_id) FROM vintages").fetchone()[0]

    try:
        first, second = asyncio.run(runner.run(request, timeout=60))
        assert second == first
        assert _latest(runner) == first + 1
    finally:
        runner.close()


def test_a_writer_of_another_process_gets_the_held_file(built_store, tmp_path):
    """`sectorscope load` in another process waits for the lock, the server lets go of the file, the load
    writes, and the server holds the file again and reads the new vintage."""
    path = tmp_path / "s.duckdb"
    shutil.copyfile(built_store, path)
    csv = write_csv(tmp_path / "x.csv", [obs(source="seed-004")])
    pool = StorePool(path, 2, hold=True)
    runner = Runner(pool, 2)
    try:
        before = _latest(runner)
        assert holds(path)
        code = ("import sys; from sectorscope.ingest import load_paths; from sectorscope.store import Store; "
                "from pathlib import Path; print(load_paths(Store(sys.argv[1]), [Path(sys.argv[2])]).vintage_id)")
        done = subprocess.run([sys.executable, "-c", code, str(path), str(csv)], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split()[-1] == str(before + 1)
        assert _latest(runner) == before + 1
        assert holds(path)
    finally:
        runner.close()


def test_an_upload_in_the_process_writes_beside_held_readers(built_store, tmp_path):
    """The library's own load in the server's process (what an upload runs) writes through the held file,
    with the pool's readers left open."""
    path = tmp_path / "s.duckdb"
    shutil.copyfile(built_store, path)
    pool = StorePool(path, 2, hold=True)
    runner = Runner(pool, 2)
    try:
        before = _latest(runner)
        summary = load_paths(Store(path), [write_csv(tmp_path / "x.csv", [obs(source="seed-004")])])
        assert summary.vintage_id == before + 1
        assert _latest(runner) == before + 1
    finally:
        runner.close()
