"""Writes through the API leave reads their threads and their turn: queued writes run on a thread of their own
(they used to wait on the read threads, so a burst of uploads starved reads), one at a time across a
server's processes, each starting only once the store has been still for the gap."""
from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time

from sectorscope.api.deps import Context
from sectorscope.api.limits import Limits
from sectorscope.api.pool import Runner, StorePool, readers_turn
from sectorscope.api.problems import ApiProblem, Scrubber
from sectorscope.api.settings import ApiSettings
from sectorscope.store import Store


def test_queued_writes_do_not_take_the_read_threads(built_store, tmp_path):
    """Writes queued behind another (here: the turn held by someone else) leave every read thread free."""
    store = tmp_path / "s.duckdb"
    shutil.copyfile(built_store, store)
    settings = ApiSettings.make(store, limits=Limits(workers=2, connections=2, write_gap=0.0))
    pool = StorePool(store, 2)
    ctx = Context(settings=settings, runner=Runner(pool, 2), scrub=Scrubber(tmp_path))
    release = threading.Event()
    holding = threading.Event()

    def hold_the_turn() -> None:  # another process's write, as far as this server can tell
        with readers_turn(store, 0.0):
            holding.set()
            release.wait(30)

    def write() -> str:
        release.wait(30)
        return "written"

    async def scenario() -> tuple[int | None, list[str]]:
        writes = [asyncio.ensure_future(ctx.write(write)) for _ in range(4)]  # more than the read threads
        await asyncio.sleep(0.3)
        vid = await asyncio.wait_for(ctx.read(lambda s: s.latest_vintage()), 10)  # timed out before the fix
        release.set()
        return vid, list(await asyncio.gather(*writes))

    holder = threading.Thread(target=hold_the_turn)
    holder.start()
    holding.wait(10)
    try:
        vid, done = asyncio.run(scenario())
    finally:
        release.set()
        holder.join()
        ctx.runner.close()
        ctx.writer.shutdown(wait=True)
    assert vid == Store(built_store).latest_vintage()
    assert done == ["written"] * 4


def test_a_write_waits_for_the_reads_of_its_process(built_store, tmp_path):
    """While this process writes, the pool lends nothing, and the write starts once the lent stores are back
    (a read-write connection beside the process's own read-only one was refused: 400 to the uploader)."""
    store = tmp_path / "s.duckdb"
    shutil.copyfile(built_store, store)
    pool = StorePool(store, 2)
    lent = pool.acquire(5)
    before = Store(built_store).latest_vintage()
    assert lent.latest_vintage() == before
    order: list[str] = []

    def give_back() -> None:
        time.sleep(0.3)
        order.append("read returned")
        pool.release(lent)

    t = threading.Thread(target=give_back)
    t.start()
    with pool.paused(10):
        order.append("write")
        try:
            pool.acquire(0.2)
            order.append("lent during the write")
        except ApiProblem as exc:
            order.append(f"refused {exc.status}")
    t.join()
    assert order == ["read returned", "write", "refused 503"]
    assert pool.acquire(1).latest_vintage() == before  # lent again after the write
    pool.close()


def test_writes_take_turns_and_wait_for_a_still_store(tmp_path):
    store = tmp_path / "s.duckdb"
    store.write_bytes(b"x")
    inside: list[int] = []
    overlaps: list[bool] = []

    def write(k: int) -> None:
        with readers_turn(store, 0.0):
            overlaps.append(bool(inside))
            inside.append(k)
            time.sleep(0.05)
            inside.remove(k)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == [False] * 5

    os.utime(store)  # the store just changed: the next write waits for the gap
    t0 = time.monotonic()
    with readers_turn(store, 0.4):
        waited = time.monotonic() - t0
    assert 0.3 <= waited < 2.0
    t0 = time.monotonic()
    with readers_turn(store, 0.0):  # no gap asked: no wait
        assert time.monotonic() - t0 < 0.3
