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
from sectorscope.api.problems import Scrubber
from sectorscope.api.settings import ApiSettings


def test_queued_writes_do_not_take_the_read_threads(built_store, tmp_path):
    store = tmp_path / "s.duckdb"
    shutil.copyfile(built_store, store)
    settings = ApiSettings.make(store, limits=Limits(workers=2, connections=2, write_gap=0.0))
    pool = StorePool(store, 2)
    ctx = Context(settings=settings, runner=Runner(pool, 2), scrub=Scrubber(tmp_path))
    release = threading.Event()
    started = threading.Event()

    def slow_write() -> str:
        started.set()
        release.wait(30)
        return "written"

    async def scenario() -> tuple[int | None, list[str]]:
        writes = [asyncio.ensure_future(ctx.write(slow_write)) for _ in range(4)]  # more than the read threads
        while not started.is_set():
            await asyncio.sleep(0.01)
        vid = await asyncio.wait_for(ctx.read(lambda s: s.latest_vintage()), 10)  # timed out before the fix
        release.set()
        return vid, list(await asyncio.gather(*writes))

    try:
        vid, done = asyncio.run(scenario())
    finally:
        release.set()
        ctx.runner.close()
        ctx.writer.shutdown(wait=True)
    assert vid == 3
    assert done == ["written"] * 4


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
