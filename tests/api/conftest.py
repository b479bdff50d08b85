"""A store of the default dataset as `sectorscope run` leaves it (load, analyse, forecast, audit), and the API
served from it by a real uvicorn process on loopback, called over HTTP."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from sectorscope.ingest import default_dataset_dir
from sectorscope.store import Store

REPO = Path(__file__).resolve().parents[2]
FIXED = datetime(2026, 1, 1, tzinfo=UTC)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running `serve` process and a client for it."""

    proc: subprocess.Popen
    base: str
    store: Path
    client: httpx.Client
    log: Path

    def stop(self) -> str:
        """Stop the server (Ctrl-C, then kill) and return what it logged."""
        self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.log.read_text(encoding="utf-8", errors="replace")


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.api.cli_app", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def start_server(store: Path, *extra: str, data_dir: Path | None = None) -> Server:
    port = free_port()
    args = [sys.executable, "-m", "tests.api.cli_app", "serve", "--store", str(store), "--port", str(port),
            "--log-level", "warning", *extra]
    if data_dir is not None:
        args += ["--data-dir", str(data_dir)]
    log = store.with_name(f"server-{port}.log")
    with open(log, "w") as fh:  # a file, not a pipe: a chatty server must never block on a full pipe
        proc = subprocess.Popen(args, cwd=REPO, stdout=fh, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return Server(proc, base, store, httpx.Client(base_url=base, timeout=120), log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not answer /api/health within 90 s")


@pytest.fixture(scope="session")
def built_store(main_job, tmp_path_factory) -> Path:
    """The store the main job leaves (the load, its record set and the figures derived from it, analyse,
    forecast, audited: tests/conftest.py's `main_job`), copied: the server process holds its own file, apart
    from the other suites' readers. The record set's Parquet files live beside the store
    (`<stem>.records/`, records.batches.default_root) and are copied with it, so /api/records reads them."""
    path = tmp_path_factory.mktemp("api-store") / "sectorscope.duckdb"
    shutil.copyfile(main_job.store_path, path)
    records = main_job.store_path.with_name(f"{main_job.store_path.stem}.records")
    if records.is_dir():
        shutil.copytree(records, path.with_name(f"{path.stem}.records"))
    return path


@pytest.fixture(scope="session")
def library(built_store) -> Iterator[Store]:
    """The library's own view of the served store, to compare the API's answers with."""
    store = Store(built_store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def server(built_store, tmp_path_factory) -> Iterator[Server]:
    """The read-only server (no --allow-writes) over the built store; its data directory holds one rule file."""
    data = built_store.parent
    shutil.copy(default_dataset_dir() / "alerts.yaml", data / "my_rules.yaml")
    srv = start_server(built_store)
    yield srv
    log = srv.stop()
    assert "Traceback" not in log, log
