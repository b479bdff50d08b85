"""Writes over HTTP against a real server started with --allow-writes: refused without a token (and nothing
changes), a valid file becomes a new vintage the readers see, a bad one is 422 naming file, row and field with
the store unchanged, an oversized body is 413, house views and TRL assessments are recorded."""
from __future__ import annotations

import json
import shutil
import stat
import threading
from datetime import date, timedelta

import httpx
import pytest

from tests.conftest import obs, write_csv

from .conftest import run_cli, sha256, start_server

EVIDENCE = ("已在消費類IMU領(lǐng)域?qū)崿F(xiàn)刻蝕均勻性±6.5%、鍵合強(qiáng)度≥35MPa、釋放殘余應(yīng)力<50MPa的"
            "穩(wěn)定控制水平")


@pytest.fixture(scope="module")
def writable(built_store, tmp_path_factory):
    """A copy of the built store, a token for it, and a server with --allow-writes and a 64 KB body limit."""
    folder = tmp_path_factory.mktemp("api-writes")
    store = folder / "sectorscope.duckdb"
    shutil.copy(built_store, store)
    created = run_cli("token", "create", "--name", "tester", "--store", str(store))
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    srv = start_server(store, "--allow-writes", "--max-upload-mb", "0.0625")
    yield srv, token
    log = srv.stop()
    assert "Traceback" not in log, log


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_tokens_file_keeps_only_hashes(writable):
    srv, token = writable
    path = srv.store.with_name("sectorscope.tokens.json")
    text = path.read_text(encoding="utf-8")
    secret = token.split("_", 2)[2]
    assert token not in text and secret not in text
    rec = json.loads(text)["tokens"][0]
    assert rec["name"] == "tester" and len(rec["hash"]) == 64 and len(rec["salt"]) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nonsense"},
                                     {"Authorization": "Bearer ss_00000000_" + "A" * 43},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_a_write_without_a_valid_token_is_refused_and_changes_nothing(writable, tmp_path, headers):
    srv, _ = writable
    before = sha256(srv.store)
    csv = write_csv(tmp_path / "f.csv", [obs(source="seed-004")])
    for r in (srv.client.post("/api/vintages", files={"file": ("f.csv", csv.read_bytes())}, headers=headers),
              srv.client.post("/api/audit/house-views", json={"obs_id": 1, "reason": "r"}, headers=headers),
              srv.client.post("/api/trl/assessments", json={}, headers=headers)):
        assert r.status_code == 401, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert "token" in r.json()["detail"]
    assert sha256(srv.store) == before


def test_a_valid_file_loads_as_a_new_vintage_while_readers_read(writable, tmp_path) -> None:
    srv, token = writable
    before = srv.client.get("/api/vintages").json()["vintages"]
    rows = [obs(source="seed-004", subject="接口测试市场", period=str(2020 + i), value=str(100 + i),
                quote=f"市场规模为{100 + i}亿元", location=f"api-{i}") for i in range(5)]
    csv = write_csv(tmp_path / "q3_update.csv", rows)
    errors: list[object] = []
    stop = threading.Event()

    def read() -> None:  # readers during the write: every answer is whole, from the old or the new file
        with httpx.Client(base_url=srv.base, timeout=60) as c:
            while not stop.is_set():
                r = c.get("/api/observations", params={"indicator": "market_size", "limit": 50})
                if r.status_code != 200:
                    errors.append(r.text)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        r = srv.client.post("/api/vintages", files={"file": ("q3_update.csv", csv.read_bytes(), "text/csv")},
                            data={"label": "Q3 update", "note": "through the API"}, headers=auth(token))
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert r.status_code == 201, r.text
    written = r.json()
    assert (written["vintage_id"], written["n_new"], written["n_rows"]) == (len(before) + 1, 5, 5)
    assert errors == []
    v = srv.client.get(written["link"]).json()
    assert v["label"] == "Q3 update" and v["files"] == ["q3_update.csv"]
    got = srv.client.get("/api/observations", params={"subject": "接口测试市场"}).json()
    assert got["vintage_id"] == written["vintage_id"]
    assert sorted(i["value"] for i in got["items"]) == [(100 + i) * 1e8 for i in range(5)]
    assert srv.client.get("/api/health").json()["latest_vintage"] == written["vintage_id"]


def test_a_bad_file_is_422_naming_file_row_and_field_and_changes_nothing(writable, tmp_path):
    srv, token = writable
    before = sha256(srv.store)
    csv = write_csv(tmp_path / "bad.csv", [obs(source="seed-004"), obs(value="abc", location="x2"),
                                           obs(indicator="no_such_indicator", location="x3")])
    r = srv.client.post("/api/vintages", files={"file": ("bad.csv", csv.read_bytes())}, headers=auth(token))
    assert r.status_code == 422, r.text
    body = r.json()
    assert r.headers["content-type"] == "application/problem+json" and "nothing was loaded" in body["detail"]
    where = {(e["file"], e["row"], e["field"]) for e in body["errors"]}
    assert ("bad.csv", 3, "value") in where and ("bad.csv", 4, "indicator") in where
    assert "sectorscope-upload" not in r.text and "/tmp" not in r.text
    assert sha256(srv.store) == before


def test_uploads_that_are_not_observation_files_are_refused(writable):
    srv, token = writable
    before = sha256(srv.store)
    r = srv.client.post("/api/vintages", files={"file": ("../../etc/passwd", b"root:x:0:0")}, headers=auth(token))
    assert r.status_code == 415 and "passwd" in r.json()["detail"]
    r = srv.client.post("/api/vintages", content=b"{}", headers={**auth(token), "content-type": "application/json"})
    assert r.status_code == 415
    r = srv.client.post("/api/vintages", data={"label": "no file"}, files={"other": ("a.csv", b"x")},
                        headers=auth(token))
    assert r.status_code == 422 and "`file`" in r.json()["detail"]
    assert sha256(srv.store) == before


def test_an_oversized_upload_is_413_before_it_is_read(writable):
    srv, token = writable
    before = sha256(srv.store)
    big = b"indicator,subject\n" + b"market_size,x\n" * 20_000  # 280 KB, the limit is 64 KB
    r = srv.client.post("/api/vintages", files={"file": ("big.csv", big)}, headers=auth(token))
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert "larger than this server accepts" in r.json()["detail"]

    def chunks():  # no Content-Length: refused once the bytes received pass the limit
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n"
        for _ in range(40):
            yield b"x" * 8192

    r = srv.client.post("/api/vintages", content=chunks(),
                        headers={**auth(token), "content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413
    assert sha256(srv.store) == before


def test_a_house_view_is_recorded(writable, library):
    srv, token = writable
    fig = library.query(indicator="market_size", source_id="seed-004", period="2025").execute().iloc[0]
    r = srv.client.post("/api/audit/house-views", headers=auth(token),
                        json={"obs_id": int(fig["obs_id"]), "reason": "表2为报告自身的口径"})
    assert r.status_code == 201, r.text
    hv = srv.client.get("/api/audit/house-views").json()["house_views"]
    mine = [h for h in hv if h["obs_id"] == int(fig["obs_id"])]
    assert mine and mine[0]["reason"] == "表2为报告自身的口径" and mine[0]["analyst"] == "tester"
    r = srv.client.post("/api/audit/house-views", headers=auth(token), json={"obs_id": 10**9, "reason": "x"})
    assert r.status_code == 404 and "/api/observations" in r.json()["detail"]


def test_a_trl_assessment_is_checked_and_recorded(writable):
    srv, token = writable
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    body = {"technology": "晶圆级键合", "technology_en": "Wafer-level bonding", "trl": 8, "evidence": EVIDENCE,
            "source_id": "seed-000", "location": "4.1 第1段", "quote_start": 30893, "quote_end": 30980,
            "assessor": "api-test", "assessed_on": yesterday, "note": "车规级鉴定通过后复评"}
    before = sha256(srv.store)
    bad = srv.client.post("/api/trl/assessments", headers=auth(token), json={**body, "evidence": "报告里没有这句话"})
    assert bad.status_code == 422, bad.text
    assert {e["field"] for e in bad.json()["errors"]} & {"quote_start", "quote_end", "evidence"}
    assert srv.client.post("/api/trl/assessments", headers=auth(token),
                           json={**body, "source_id": "nobody"}).status_code == 422
    assert srv.client.post("/api/trl/assessments", headers=auth(token), json={**body, "trl": 10}).status_code == 422
    assert sha256(srv.store) == before
    r = srv.client.post("/api/trl/assessments", headers=auth(token), json=body)
    assert r.status_code == 201, r.text
    items = srv.client.get("/api/trl").json()["items"]
    mine = [i for i in items if i["source_id"] == "sectorscope-trl"]
    assert len(mine) == 1 and (mine[0]["technology"], mine[0]["trl"]) == ("晶圆级键合", 8)
    assert mine[0]["evidence"] == EVIDENCE and mine[0]["demand"] is not None
    assert mine[0]["quadrant"] in ("scale_up", "watch")
    again = srv.client.post("/api/trl/assessments", headers=auth(token), json={**body, "trl": 7})
    assert again.json()["n_revised"] == 1  # the same technology and year: a revision


def test_a_revoked_token_is_refused(writable):
    srv, _ = writable
    created = run_cli("token", "create", "--name", "temp", "--store", str(srv.store))
    token = created.stdout.strip().splitlines()[-1]
    ok = srv.client.post("/api/audit/house-views", headers=auth(token), json={"obs_id": 10**9, "reason": "x"})
    assert ok.status_code == 404  # accepted as a writer; the figure does not exist
    assert run_cli("token", "revoke", "--name", "temp", "--store", str(srv.store)).returncode == 0
    r = srv.client.post("/api/audit/house-views", headers=auth(token), json={"obs_id": 1, "reason": "x"})
    assert r.status_code == 401


def test_write_operations_conform_to_the_openapi_document(writable):
    """schemathesis on the three writes with a valid token: whatever it sends is either written (201) or refused
    with a documented problem; never a server error. Bounded: 10 examples per operation and mode."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode

    from .test_schemathesis import CHECKS

    srv, token = writable
    schema = schemathesis.openapi.from_url(f"{srv.base}/api/openapi.json")
    for path in ("/api/vintages", "/api/audit/house-views", "/api/trl/assessments"):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=schema[path]["POST"].as_strategy(generation_mode=mode))
            @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                      database=None)
            def run(case):
                case.call_and_validate(base_url=srv.base, headers=auth(token), checks=CHECKS, timeout=60)

            run()


def test_a_full_width_quote_start_is_loaded_as_the_cli_loads_it(writable, tmp_path):
    """An upload goes through the library's load, as `sectorscope load` does: a quote_start typed in full-width
    digits (１２) is the offset 12, where it was stored as null without a word (#18)."""
    srv, token = writable
    row = obs(source="seed-004", subject="全角偏移测试", period="2023", value="7", quote="规模7亿元", quote_start="１２")
    csv = write_csv(tmp_path / "full_width.csv", [row], [*row])
    r = srv.client.post("/api/vintages", files={"file": ("full_width.csv", csv.read_bytes())}, headers=auth(token))
    assert r.status_code == 201, r.text
    items = srv.client.get("/api/observations", params={"subject": "全角偏移测试"}).json()["items"]
    assert [(i["quote"], i["quote_start"], i["quote_end"]) for i in items] == [("规模7亿元", 12, 17)]
