"""Read-only stores for concurrent requests, each request's query under a deadline.

Why it is built this way:

- **One connection per request at a time.** A DuckDB connection must not run two queries from two threads
  at once, so the pool holds `size` read-only `Store` objects (each with its own connection and its own
  cache of table schemas and vintage times) and lends each to one request at a time.
- **Writers go first.** A write is a transaction on the store file itself (store/backend.py), and DuckDB
  lets no process write a file another holds open. A writer announces itself by taking the store's lock
  file; the pool sees it (a watcher thread polls every 0.1 s, and every `acquire` checks), stops lending,
  closes its idle connections at once and the lent ones as their requests return them, and lends again
  when the lock is free (each store reopens on first use and sees the new vintage). A small load holds
  the lock for a fraction of a second; reads wait that long, up to their deadline. This covers writes
  through the API and writes by another process (`sectorscope load`) alike; the file's identity (inode,
  mtime, size) is still watched, for a store replaced by other means.
- **A write of this process waits for its reads.** The server's own writes (uploads) first stop the pool
  lending and wait for the lent stores to come back (`paused`), since DuckDB refuses a process a read-write
  connection while it holds read-only ones; the reads queue for the write's duration, as they would anyway.
- **Readers get a turn between writes.** Uploads arriving together would otherwise hold the store one after
  another, each next writer taking the lock the moment the last lets go, and reads would wait for the whole
  queue. So the server's writes go one at a time across all its worker processes (`readers_turn`, a lock
  file of the server's own) and each starts only once `gap` seconds have passed since the store last
  changed: long enough for the pools to reopen and serve the reads that waited. A read then waits at most
  about one write, not a burst of them.
- **A server that writes holds the file** (`hold=True`, a server started with --allow-writes). DuckDB's MVCC
  lets reads and a write share one read-write instance of the file, each read seeing the last committed
  vintage while the write runs; so that server opens the file read-write once (store/backend.py `hold`), its
  reads are cursors of that instance and its uploads transactions beside them: an upload never makes a read
  wait, nor a read an upload (`paused` does nothing). Writers of other processes (`sectorscope load`) still
  take the store's lock: the pool sees them (`Store.writer_elsewhere`), stops lending, and lets go of the
  file once the lent stores are back; it holds it again when the lock is free. A reader of another process
  cannot open a held file (DuckDB lets one process open a file read-write, or many read-only): it says it
  waits (`<store>.readers`), and the pool lets go the same way, reads read-only meanwhile (its own writes
  then wait for its reads, as below), and holds the file again once no other process has it open.
- **One committed state per request.** Each lent store runs its request in one read transaction
  (`Store.begin_snapshot`), so a request that reads twice sees one vintage even when an upload commits
  between its queries; the store drops what it cached of an older vintage then.
- **Deadlines.** `Runner.run` runs a library call in a worker thread and waits at most `timeout` seconds;
  past it the running query is interrupted (DuckDB's `interrupt()`), the store comes back to the pool when
  the call unwinds, and the client gets 503 with advice to narrow the query.
"""
from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ..errors import Reason, StoreError
from ..store import Store, writer_waiting
from .problems import ApiProblem

__all__ = [
    "Runner",
    "StorePool",
    "readers_turn",
]

_T = TypeVar("_T")
_RETRY, _RETRY_MAX = 1.0, 30.0  # seconds before a pool tries again to hold a file another process reads


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _turn_lock(path: Path) -> Path:
    """The lock file the worker processes of one server share for their writes: in the temp folder (not
    beside the store, whose folder holds only the store's own files), named after the store's real path."""
    real = os.path.realpath(path)
    return Path(tempfile.gettempdir()) / f"sectorscope-writes-{hashlib.sha256(real.encode()).hexdigest()[:16]}.lock"


@contextlib.contextmanager
def readers_turn(path: Path, gap: float) -> Iterator[None]:
    """Hold the server's write turn (one write at a time across its processes), starting once `gap` seconds
    have passed since the store file last changed, so that the reads waiting behind the last write run first."""
    with open(_turn_lock(path), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            try:
                since = time.time() - os.stat(path).st_mtime
            except OSError:
                since = gap
            if since < gap:
                time.sleep(gap - max(since, 0.0))
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class StorePool:
    """`size` stores of one file, lent one request at a time, reopened after the file changes; read-only
    connections, or with `hold` cursors of the process's one read-write instance (a server that writes)."""

    def __init__(self, path: str | Path, size: int = 4, *, poll: float = 0.1, hold: bool = False) -> None:
        self.path = Path(path)
        self.hold = hold
        self._holder = Store(self.path)  # holds and lets go of the file for the pool (hold=True)
        self._free = [Store(self.path) for _ in range(max(1, size))]
        self._busy = 0
        self._identity = self._ident()
        self._retry, self._retry_at = _RETRY, 0.0  # when a pool that could not hold the file tries again
        self._draining = False
        self._paused = 0  # writes of this process in progress (`paused`): nothing is lent
        self._writing = 0  # writes of this process in progress beside the reads of the held file
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, args=(poll,), name="sectorscope-pool-watch", daemon=True)
        self._watcher.start()

    def _watch(self, poll: float) -> None:
        """Let go of the file as soon as a writer waits, even when no request comes to notice."""
        while not self._stop.wait(poll):
            with self._cond:
                self._writer_first()

    def _ident(self) -> tuple[int, ...] | None:
        """What says the file changed under the pool. A held file changes by its own cursors' commits,
        which its readers see at once, so only another file at the path (inode) counts then."""
        ident = _identity(self.path)
        return ident[:2] if self.hold and ident is not None else ident

    def _writer_first(self) -> bool:
        """Whether the pool must let go of the file (`_must_let_go`): then idle stores are closed and nothing
        is lent, and a held file is let go of once no request reads it."""
        if not self._must_let_go():
            return False
        for s in self._free:
            s.close()
        if self.hold and self._busy == 0 and self._holder.held():
            self._holder.let_go()
        return True

    def _must_let_go(self) -> bool:
        """A writer waits for the file (one of another process, when the pool holds the file: its own writes
        run beside its reads), or the pool holds the file and a reader of another process waits for it (a
        `sectorscope load` reads the store before it asks for the lock) while no write of this process runs
        (the reader waits for that write, as it would for any)."""
        if not (self.hold and self._holder.held()):
            return writer_waiting(self.path)  # read-only connections: every writer needs the file, ours too
        if self._holder.writer_elsewhere():
            return True
        return not self._writing and self._holder.reader_elsewhere()

    def _try_hold(self) -> bool:
        """With `hold`, whether a store may be lent now. The pool holds the file when it can; while another
        process keeps the file open (reads it), the pool reads it read-only and tries again later, less often
        each time, once no request runs (the held instance and read-only connections cannot be open side by
        side in one process)."""
        if not self.hold or self._holder.held() or self._paused or time.monotonic() < self._retry_at:
            return True
        if self._busy:
            return False  # the lent stores come back first
        if self._holder.reader_elsewhere():
            self._later()
            return True
        for s in self._free:
            s.close()
        try:
            self._holder.hold(wait=0.0)
            self._retry = _RETRY
        except StoreError as exc:
            if exc.reason != Reason.STORE_LOCKED:
                raise
            self._later()
        return True

    def _later(self) -> None:
        self._retry_at = time.monotonic() + self._retry
        self._retry = min(self._retry * 2, _RETRY_MAX)

    def acquire(self, timeout: float) -> Store:
        """A store for this thread alone; raises ApiProblem 503 when none is free within `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                ident = self._ident()
                if ident != self._identity:
                    self._draining = True
                    if self._busy == 0:  # nobody reads the old file any more: close, then reopen lazily
                        for s in self._free:
                            s.close()
                        if self.hold:
                            self._holder.let_go()
                        self._identity = ident
                        self._draining = False
                        self._cond.notify_all()
                if not self._draining and not self._paused and self._free and not self._writer_first() \
                        and self._try_hold():
                    self._busy += 1
                    store = self._free.pop()
                    store.pinned = True
                    return store
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ApiProblem(503, "busy", "the server is busy (every store connection is in use, or a write "
                                     "to the store is in progress); retry in a few seconds",
                                     headers={"Retry-After": "2"})
                self._cond.wait(min(remaining, 0.05))

    def release(self, store: Store) -> None:
        with self._cond:
            self._busy -= 1
            store.pinned = False
            if self._paused or self._must_let_go():
                store.close()
                self._writer_first()  # the last one back: a held file is let go of now
            self._free.append(store)
            self._cond.notify_all()

    @contextlib.contextmanager
    def paused(self, timeout: float) -> Iterator[None]:
        """Lend nothing while this process writes, and first wait (up to `timeout` s) for the stores lent to
        running requests to come back, closing every one: DuckDB refuses a process a read-write connection
        beside its own read-only ones, and the writer must not fail for a read that was about to end.
        Nothing of this when the pool holds the file: reads then go on beside the write (MVCC)."""
        with self._cond:
            held = self._holder.held()
            self._writing += held
        if held:
            try:
                yield
            finally:
                with self._cond:
                    self._writing -= 1
            return
        deadline = time.monotonic() + timeout
        with self._cond:
            self._paused += 1
            while self._busy and time.monotonic() < deadline:
                self._cond.wait(0.05)
            for s in self._free:
                s.close()
        try:
            yield
        finally:
            with self._cond:
                self._paused -= 1
                self._cond.notify_all()

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            for s in self._free:
                s.close()
            if self.hold:
                self._holder.let_go()


class _Lease:
    """The store one call holds, so a timeout interrupts that call's query and no other's."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.store: Store | None = None


class Runner:
    """Runs library calls in worker threads, each on a pooled store, each under a deadline."""

    def __init__(self, pool: StorePool, workers: int = 8) -> None:
        self.pool = pool
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sectorscope-api")

    def _work(self, lease: _Lease, fn: Callable[[Store], _T], timeout: float) -> _T:
        store = self.pool.acquire(timeout)
        with lease.lock:
            lease.store = store
        try:
            store.begin_snapshot()
            return fn(store)
        finally:
            store.end_snapshot()
            with lease.lock:
                lease.store = None
            self.pool.release(store)

    async def run(self, fn: Callable[[Store], _T], *, timeout: float) -> _T:
        """`fn(store)` in a worker thread; ApiProblem 503 when it takes longer than `timeout` seconds."""
        loop = asyncio.get_running_loop()
        lease = _Lease()
        fut = loop.run_in_executor(self.executor, self._work, lease, fn, timeout)
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except TimeoutError:
            with lease.lock:
                if lease.store is not None:
                    lease.store.interrupt()
            fut.add_done_callback(lambda f: f.cancelled() or f.exception())  # the interrupted call's error is expected
            raise ApiProblem(503, "query-timeout",
                             f"the query ran longer than {timeout:g} s and was stopped; narrow it "
                             "(indicator=, subject=, period= …) or download it as format=csv or parquet",
                             headers={"Retry-After": "10"}) from None

    async def call(self, fn: Callable[[], _T], *, timeout: float) -> _T:
        """A call that needs no pooled store (a write, which opens its own), in a worker thread."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self.executor, fn), timeout)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.pool.close()
