"""The read path's shortcuts answer exactly what the plain library calls answer: observation pages written as
JSON by the engine from compiled query shapes, forecasts from compiled shapes; and `serve --workers N` reads
and writes one store from several processes."""
from __future__ import annotations

import json
import math
import shutil
import threading

import httpx
import pandas as pd
import pytest
from fastapi.encoders import jsonable_encoder
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.api.models import OBSERVATION_FIELDS, ForecastList
from sectorscope.api.views import forecasts as fc_views
from sectorscope.api.views.common import Filters, observation_rows
from sectorscope.api.views.observations import observation_page, page_json
from sectorscope.model import DIMENSIONS
from sectorscope.store import Batch, QueryCache, Store
from tests.conftest import obs, write_csv

from .conftest import run_cli, start_server


def plain_page(store: Store, f: Filters, as_of, limit: int, after: int | None) -> list[dict]:
    """The page as the API computed it before compiled shapes: Store.query, then pandas rows."""
    vid = store.resolve(as_of)
    t = store.query(vid if vid is not None else as_of, **f.query_kwargs())
    if after is not None:
        t = t.filter(t.obs_id > after)
    return observation_rows(t.order_by("obs_id").limit(limit).select(*OBSERVATION_FIELDS).execute())


@pytest.fixture(scope="module")
def choices(library) -> dict[str, list]:
    cur = library.observations().execute()
    out = {c: sorted({str(v) for v in cur[c].dropna()})[:5] for c in ("indicator", *DIMENSIONS, "period", "source_id")}
    out["obs_id"] = [int(cur["obs_id"].quantile(q)) for q in (0.25, 0.5, 0.9)]
    return out


@st.composite
def filters(draw, choices: dict[str, list]) -> Filters:
    dims = {}
    for d in DIMENSIONS:
        if choices[d] and draw(st.integers(0, 3)) == 0:
            dims[d] = draw(st.sampled_from(choices[d]))
    def pick(xs: list):
        return st.none() | st.sampled_from(xs)

    return Filters(indicator=draw(st.lists(st.sampled_from(choices["indicator"]), max_size=2, unique=True)),
                   dims=dims, period=draw(pick(choices["period"])), source=draw(pick(choices["source_id"])),
                   status=draw(st.none() | st.sampled_from(["actual", "estimate", "forecast", "derived"])))


@settings(max_examples=60)
@given(data=st.data())
def test_an_observation_page_is_what_the_library_query_gives(library, choices, data):
    f = data.draw(filters(choices))
    as_of = data.draw(st.sampled_from([None, "v1", "2", "2026-01-01"]))
    limit = data.draw(st.integers(1, 400))
    after = data.draw(st.none() | st.sampled_from(choices["obs_id"]))
    page = observation_page(library, f, as_of, limit=limit, after=after)
    body = json.loads(page_json(page, "/next"))
    want = plain_page(library, f, as_of, limit + 1, after)
    assert body["items"] == want[:limit]
    assert (body["count"], body["limit"], body["next"]) == (len(want[:limit]), limit, "/next")
    assert body["next_after"] == (want[limit - 1]["obs_id"] if len(want) > limit else None)
    assert body["vintage_id"] == library.resolve(as_of)


def test_numbers_json_cannot_carry_are_null_on_a_page(tmp_path, main_job):
    """NaN and ±inf in the store are null in the JSON, as observation_rows makes them (the page's JSON is the
    engine's, which would otherwise write them as it likes)."""
    path = tmp_path / "s.duckdb"
    shutil.copyfile(main_job.store_path, path)
    store = Store(path)
    row = store.query(indicator="market_size").limit(3).execute().drop(
        columns=["obs_id", "obs_key", "vintage_id"])
    row = row.assign(subject="无穷市场", lo80=[math.inf, -math.inf, 1.5], hi80=[math.nan, 2.0, math.inf],
                     period=["2001", "2002", "2003"])
    store.write(Batch(observations=row))
    f = Filters(dims={"subject": "无穷市场"})
    items = json.loads(page_json(observation_page(store, f, None, limit=10, after=None), None))["items"]
    got = sorted((i["period"], i["lo80"], i["hi80"]) for i in items)
    assert got == [("2001", None, None), ("2002", None, 2.0), ("2003", 1.5, None)]
    assert items == plain_page(store, f, None, 10, None)
    store.close()


def _plain_forecasts(monkeypatch, store, f, as_of):
    """views.forecasts with every compiled shape replaced by the Ibis expression run as it is."""
    with monkeypatch.context() as m:
        m.setattr(QueryCache, "execute", lambda self, s, key, build, values: build(values).execute())
        return fc_views.forecasts(store, f, as_of)


@pytest.mark.parametrize("f, as_of", [
    (Filters(indicator=["market_size"], dims={"subject": "成像仪"}), None),
    (Filters(indicator=["market_size"]), None),
    (Filters(), None),
    (Filters(dims={"subject": "成像仪", "region": "中国"}, period="2027"), None),
    (Filters(indicator=["market_size"], dims={"scenario": "基准"}), "v3"),
    (Filters(indicator=["market_size"]), "v2"),
])
def test_forecasts_are_what_the_plain_library_calls_give(library, monkeypatch, f, as_of):
    got = fc_views.forecasts(library, f, as_of)
    assert got == _plain_forecasts(monkeypatch, library, f, as_of)
    # the route sends the view's answer without validating it: it must be a ForecastList that validation
    # would leave exactly as it is
    assert jsonable_encoder(ForecastList.model_validate(got)) == json.loads(json.dumps(got, allow_nan=False))
    if f.indicator == ["market_size"] and as_of is None and not f.dims:
        assert len(got["series"]) > 3 and any(s["history"] and s["reported"] for s in got["series"])


def test_forecast_inputs_of_any_number_are_found():
    """The ids query is compiled for 8, 16, 32 … ids; the padding repeats the last id."""
    assert fc_views._id_slots([5]) == {"lo": 5, "hi": 5, **{f"id{i}": 5 for i in range(8)}}
    slots = fc_views._id_slots(list(range(1, 10)))
    assert len(slots) == 18 and (slots["lo"], slots["hi"]) == (1, 9)
    assert [slots[f"id{i}"] for i in range(9)] == list(range(1, 10))
    assert {slots[f"id{i}"] for i in range(9, 16)} == {9}


@pytest.fixture(scope="module")
def workers(built_store, tmp_path_factory):
    """A copy of the built store served by `serve --workers 2 --allow-writes`, and a token."""
    folder = tmp_path_factory.mktemp("api-workers")
    store = folder / "sectorscope.duckdb"
    shutil.copy(built_store, store)
    created = run_cli("token", "create", "--name", "tester", "--store", str(store))
    assert created.returncode == 0, created.stderr
    srv = start_server(store, "--allow-writes", "--workers", "2")
    yield srv, created.stdout.strip().splitlines()[-1]
    log = srv.stop()
    assert "Traceback" not in log, log


def test_several_workers_serve_reads_and_writes(workers, tmp_path):
    """Uploads through any worker become vintages every worker serves at once; readers meanwhile get whole
    answers (the writer's lock makes every worker's pool give way, and the pools reopen after it)."""
    srv, token = workers
    errors: list[str] = []
    stop = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=srv.base, timeout=60) as c:
            while not stop.is_set():
                r = c.get("/api/observations", params={"indicator": "market_size", "limit": 20})
                if r.status_code != 200:
                    errors.append(r.text)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    written = []
    try:
        for k in range(3):
            rows = [obs(source="seed-004", subject="多进程市场", period=str(2010 + i), value=str(10 * k + i),
                        quote=f"市场规模为{10 * k + i}亿元", location=f"w{k}-{i}") for i in range(2)]
            csv = write_csv(tmp_path / f"w{k}.csv", rows)
            r = srv.client.post("/api/vintages", files={"file": (f"w{k}.csv", csv.read_bytes(), "text/csv")},
                                headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 201, r.text
            written.append(r.json()["vintage_id"])
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert errors == []
    assert written == list(range(written[0], written[0] + 3))
    with httpx.Client(base_url=srv.base, timeout=60) as c:  # new connections: any worker may answer
        for _ in range(12):
            assert c.get("/api/health").json()["latest_vintage"] == written[-1]
            page = c.get("/api/observations", params={"subject": "多进程市场"}).json()
            assert page["vintage_id"] == written[-1]
            assert sorted(i["value"] for i in page["items"]) == [v * 1e8 for v in (0, 1, 10, 11, 20, 21)]


def test_serve_refuses_a_bad_number_of_workers(built_store):
    r = run_cli("serve", "--store", str(built_store), "--workers", "0")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "--workers 0: choose 1 to 64 server processes" in r.stdout + r.stderr


def test_a_page_of_the_server_equals_the_library(server, library):
    """Over HTTP too: the JSON body the route writes is the library's page, field for field."""
    params = {"indicator": "market_size", "subject": "成像仪", "limit": 7}
    r = server.client.get("/api/observations", params=params)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    page = r.json()
    f = Filters(indicator=["market_size"], dims={"subject": "成像仪"})
    want = plain_page(library, f, None, 8, None)
    assert page["items"] == want[:7]
    assert page["next"] == ("/api/observations?indicator=market_size&subject=%E6%88%90%E5%83%8F%E4%BB%AA"
                            f"&after={want[6]['obs_id']}&as_of=v{library.latest_vintage()}&limit=7")
    assert pd.Series([i["obs_id"] for i in page["items"]]).is_monotonic_increasing


def test_a_store_that_cannot_be_read_is_not_blamed_on_as_of(tmp_path):
    """resolve() turned every store error into 400 "as_of None is neither a vintage nor an ISO date" (seen
    when a read met a write of its own process); only as_of's own errors are the client's now."""
    from sectorscope.api.views.common import resolve
    from sectorscope.errors import StoreError

    with pytest.raises(StoreError, match=r"no store at .*missing\.duckdb: load data first"):
        resolve(Store(tmp_path / "missing.duckdb"), None)
