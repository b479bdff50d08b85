"""The API's parts as library calls: tokens, the data-directory guard, message scrubbing, the reader pool
(reopening after a write, deadlines that interrupt the engine), and the serve/token commands."""
from __future__ import annotations

import asyncio
import json
import shutil
import stat
import threading
import time

import pytest
from typer.testing import CliRunner

from sectorscope.api.pool import Runner, StorePool
from sectorscope.api.problems import ApiProblem, Scrubber
from sectorscope.api.security import TokenStore, parse_bearer, tokens_path_for
from sectorscope.api.settings import confined
from sectorscope.errors import InputError
from sectorscope.ingest import load_paths
from sectorscope.store import writer_waiting
from tests.conftest import obs, write_csv

from .cli_app import app


def test_tokens_are_hashed_verified_and_revoked(tmp_path):
    ts = TokenStore(tokens_path_for(tmp_path / "s.duckdb"))
    assert ts.path.name == "s.tokens.json"
    token, rec = ts.create("analyst-li")
    assert token.startswith(f"ss_{rec.id}_") and token not in ts.path.read_text()
    assert stat.S_IMODE(ts.path.stat().st_mode) == 0o600
    assert ts.verify(token) == rec
    assert ts.verify(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert ts.verify(f"ss_{rec.id}_") is None and ts.verify(None) is None and ts.verify("") is None
    other, _ = ts.create("ci")
    with pytest.raises(InputError, match="exists"):
        ts.create("ci")
    with pytest.raises(InputError, match="1–64 letters"):
        ts.create("no spaces please")
    ts.revoke("analyst-li")
    assert ts.verify(token) is None and ts.verify(other) is not None
    assert [r.name for r in ts.records()] == ["ci"]
    assert parse_bearer("Bearer abc") == "abc" and parse_bearer("Basic abc") is None and parse_bearer(None) is None


def test_confined_refuses_everything_outside_the_data_directory(tmp_path):
    data = tmp_path / "data"
    (data / "rules").mkdir(parents=True)
    (data / "rules" / "a.yaml").write_text("rules: []\n")
    (tmp_path / "secret.yaml").write_text("x")
    (data / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    assert confined(data, "rules/a.yaml", suffixes=(".yaml",)) == (data / "rules" / "a.yaml").resolve()
    assert confined(data, "rules/../rules/a.yaml") == (data / "rules" / "a.yaml").resolve()
    for name, status in (("../secret.yaml", 403), (str(tmp_path / "secret.yaml"), 403), ("link.yaml", 403),
                         ("rules/../../secret.yaml", 403), ("a\x00.yaml", 400), ("rules/none.yaml", 404),
                         ("rules", 404)):
        with pytest.raises(ApiProblem) as e:
            confined(data, name)
        assert e.value.status == status, name


def test_scrubber_shortens_server_paths(tmp_path):
    s = Scrubber(tmp_path / "out")
    assert s(f"no vintage 9 in {tmp_path}/out/s.duckdb") == "no vintage 9 in s.duckdb"
    assert s("/tmp/sectorscope-upload-ab12/q3.csv, row 3") == "q3.csv, row 3"


def test_the_pool_gives_way_to_a_writer_and_stops_slow_queries(built_store, tmp_path):
    path = tmp_path / "s.duckdb"
    shutil.copy(built_store, path)
    pool = StorePool(path, size=2)
    runner = Runner(pool, workers=3)
    try:
        before = asyncio.run(runner.run(lambda s: s.latest_vintage(), timeout=30))
        held = pool.acquire(5)  # a reader in flight when a writer comes
        assert held.latest_vintage() == before
        wrote = []
        writer = threading.Thread(target=lambda: wrote.append(load_paths(
            type(held)(path), [write_csv(tmp_path / "x.csv", [obs(source="seed-004")])]).vintage_id))
        writer.start()
        time.sleep(1.0)
        assert not wrote and writer_waiting(path)  # the writer waits for the request in flight
        done = []
        t = threading.Thread(target=lambda: done.append(asyncio.run(runner.run(lambda s: s.latest_vintage(),
                                                                                 timeout=30))))
        t.start()
        time.sleep(0.5)
        assert not done  # new readers wait while a writer waits
        assert held.latest_vintage() == before  # the reader in flight finishes on what it saw
        pool.release(held)
        writer.join(20)
        t.join(20)
        assert wrote == [before + 1] and done == [before + 1]

        t0 = time.monotonic()
        with pytest.raises(ApiProblem) as e:
            asyncio.run(runner.run(lambda s: s.con.raw_sql("select count(*) from range(100000000000)").fetchall(),
                                   timeout=1.0))
        assert e.value.status == 503 and "narrow it" in e.value.detail
        # the interrupted query gave its store back: both stores serve again at once
        assert asyncio.run(runner.run(lambda s: s.latest_vintage(), timeout=5)) == before + 1
        a, b = pool.acquire(5), pool.acquire(5)
        pool.release(a), pool.release(b)
        assert time.monotonic() - t0 < 10
    finally:
        runner.close()


def test_token_command(tmp_path):
    store = tmp_path / "s.duckdb"
    cli = CliRunner()
    made = cli.invoke(app, ["token", "create", "--name", "ops", "--store", str(store)])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("ss_")
    listed = cli.invoke(app, ["token", "list", "--store", str(store)])
    assert "ops" in listed.stdout and token not in listed.stdout
    rec = json.loads((tmp_path / "s.tokens.json").read_text())["tokens"][0]
    assert TokenStore(tmp_path / "s.tokens.json").verify(token).name == "ops" == rec["name"]
    # bad input: exit 2, the same code in every command
    assert cli.invoke(app, ["token", "create", "--store", str(store)]).exit_code == 2
    assert cli.invoke(app, ["token", "burn", "--store", str(store)]).exit_code == 2
    assert cli.invoke(app, ["token", "revoke", "--name", "ops", "--store", str(store)]).exit_code == 0
    gone = cli.invoke(app, ["token", "revoke", "--name", "ops", "--store", str(store)])
    assert gone.exit_code == 2 and "no token named 'ops'" in gone.output


def test_serve_refuses_a_missing_store(tmp_path):
    r = CliRunner().invoke(app, ["serve", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 1 and "no store at" in r.output
