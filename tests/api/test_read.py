"""The read API over HTTP against a real uvicorn process: every number equals the library's for the same
question (Store.query, diff_vintages, evaluate_alerts, the stored analytics and forecasts)."""
from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sectorscope.ingest import default_dataset_dir
from sectorscope.model.observation import FORECAST_SOURCE
from sectorscope.monitor import diff_vintages, evaluate_alerts, read_alert_rules
from sectorscope.report.export import csv_unguard

from ..conftest import job_vintages

PROBLEM = "application/problem+json"


def lib_ids(library, as_of=None, **kw) -> set[int]:
    return set(int(i) for i in library.query(as_of, **kw).obs_id.execute())


def all_pages(client, params: dict, limit: int) -> list[dict]:
    items, url, seen = [], "/api/observations", 0
    r = client.get(url, params={**params, "limit": limit})
    while True:
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["count"] == len(page["items"]) <= limit
        items += page["items"]
        seen += 1
        if page["next"] is None:
            return items
        r = client.get(page["next"])


def test_health_and_catalog(server, library):
    h = server.client.get("/api/health").json()
    assert h == {"status": "ok", "store": "sectorscope.duckdb", "latest_vintage": library.latest_vintage(), "writes": False,
                 "version": h["version"]}
    cat = server.client.get("/api/catalog").json()
    codes = [i["code"] for i in cat["indicators"]]
    assert codes == sorted(library.indicators().code.execute())
    ms = server.client.get("/api/catalog/market_size").json()
    assert (ms["name_zh"], ms["canonical_unit"], ms["lower"]) == ("市场规模", "元", 0.0)


@pytest.mark.parametrize("params, kw", [
    ({"indicator": "market_size", "subject": "成像仪"}, {"indicator": "market_size", "subject": "成像仪"}),
    ({"indicator": ["import_dependence", "capacity_utilisation"]},
     {"indicator": ["import_dependence", "capacity_utilisation"]}),
    ({"product": "热成像仪"}, {"product": "热成像仪"}),
    ({"tier": "高端"}, {"tier": "高端"}),
    ({"scenario": "基准"}, {"scenario": "基准"}),
    ({"region": "华东"}, {"region": "华东"}),
    ({"company": "无锡XX公司"}, {"company": "无锡XX公司"}),
    ({"period": "2025", "status": "forecast"}, {"period": "2025", "status": "forecast"}),
    ({"source": "seed-001", "indicator": "market_size"}, {"source_id": "seed-001", "indicator": "market_size"}),
    ({"status": "derived"}, {"status": "derived"}),
    ({"kind": "stated", "subject": "成像仪"}, {"kind": "stated", "subject": "成像仪"}),
    ({"kind": "model_forecast"}, {"kind": "model_forecast"}),
    ({"kind": "derived", "method": "records"}, {"kind": "derived", "method": "records"}),
    ({"method": "records", "indicator": "import_source_share"}, {"method": "records", "indicator": "import_source_share"}),
])
def test_filters_equal_the_library(server, library, params, kw):
    items = all_pages(server.client, params, 10_000)
    want = library.query(**kw).execute().set_index("obs_id")
    assert len(want) > 0
    assert {i["obs_id"] for i in items} == set(want.index)
    for it in items:
        w = want.loc[it["obs_id"]]
        assert it["value"] == (None if pd.isna(w["value"]) else float(w["value"]))
        assert (it["indicator"], it["period"], it["source_id"], it["quote"]) == \
               (w["indicator"], w["period"], w["source_id"], None if pd.isna(w["quote"]) else w["quote"])


def test_kind_and_method_split_the_figures(server, library):
    # the figures computed from customs lines are exactly kind=derived&method=records; every figure has one kind
    records = {i["obs_id"] for i in all_pages(server.client, {"method": "records"}, 10_000)}
    assert records and records == lib_ids(library, kind="derived", method="records")
    kinds = [{i["obs_id"] for i in all_pages(server.client, {"kind": k, "subject": "成像仪"}, 10_000)}
             for k in ("stated", "derived", "model_forecast", "scenario_projection", "tier_summary", "assessment")]
    assert sum(len(k) for k in kinds) == len(set().union(*kinds)) == len(lib_ids(library, subject="成像仪"))
    # /api/derived narrows by both too: its records figures are the same ids
    derived = server.client.get("/api/derived", params={"method": "records", "limit": 1000}).json()
    assert {x["observation"]["obs_id"] for x in derived["items"]} <= records and derived["items"]
    assert server.client.get("/api/derived", params={"kind": "stated"}).json()["items"] == []


def test_as_of_vintage_and_date(server, library):
    for as_of in ("1", "v1", "v2"):
        items = all_pages(server.client, {"as_of": as_of}, 10_000)
        assert {i["obs_id"] for i in items} == lib_ids(library, as_of)
    v1 = all_pages(server.client, {"as_of": "v1"}, 10_000)
    assert len(v1) == 665 and all(i["vintage_id"] == 1 for i in v1)
    # the fixture loads v1 at 2026-01-01; the day before, nothing had been loaded
    assert all_pages(server.client, {"as_of": "2025-12-31"}, 100) == []
    latest = all_pages(server.client, {}, 10_000)
    assert len(latest) == len(lib_ids(library)) > 665


def test_paging_is_complete_and_non_overlapping(server, library):
    items = all_pages(server.client, {}, 97)
    ids = [i["obs_id"] for i in items]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    assert set(ids) == lib_ids(library)
    r = server.client.get("/api/observations", params={"limit": 10})
    assert f"as_of=v{library.latest_vintage()}" in r.json()["next"] and "after=" in r.json()["next"]


def test_downloads_parse_back_to_the_same_values(server, library):
    params = {"indicator": "market_size"}
    want = library.query(indicator="market_size").execute().set_index("obs_id")
    r = server.client.get("/api/observations", params={**params, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {int(x["obs_id"]) for x in rows} == set(want.index)
    for x in rows:
        w = want.loc[int(x["obs_id"])]
        assert math.isclose(float(x["value"]), w["value"], rel_tol=1e-12)
        assert csv_unguard(x["quote"]) == (w["quote"] if isinstance(w["quote"], str) else "")
    plain = server.client.get("/api/observations", params={**params, "format": "csv", "excel": "false"})
    assert not plain.content.startswith(b"\xef\xbb\xbf")

    r = server.client.get("/api/observations", params={**params, "format": "parquet"})
    assert r.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(r.content)).to_pandas().set_index("obs_id")
    assert set(table.index) == set(want.index)
    assert (table["value"] == want.loc[table.index, "value"]).all()
    assert int(r.headers["x-sectorscope-vintage"]) == library.latest_vintage()

    r = server.client.get("/api/observations", params={**params, "format": "sdmx-csv", "as_of": "v1"})
    assert r.headers["content-type"].startswith("application/vnd.sdmx.data+csv")
    sd = list(csv.DictReader(io.StringIO(r.text)))
    v1 = library.query(1, indicator="market_size").execute().set_index("obs_id")
    assert {int(x["OBS_ID"]) for x in sd} == set(v1.index)
    for x in sd:
        assert float(x["OBS_VALUE"]) == v1.loc[int(x["OBS_ID"]), "value"]
        assert x["INDICATOR"] == "market_size" and x["STRUCTURE_ID"] == "SECTORSCOPE:OBSERVATIONS(1.0)"


def test_one_observation_with_source_quote_and_inputs(server, library):
    obs = library.query(indicator="market_size", source_id="seed-004").execute().iloc[0]
    d = server.client.get(f"/api/observations/{int(obs['obs_id'])}").json()
    assert d["observation"]["quote"] == obs["quote"] and d["observation"]["value"] == obs["value"]
    assert d["source"]["source_id"] == "seed-004" and d["source"]["title"]
    assert d["current"] is True and d["inputs"] == []
    derived = library.query(indicator="capacity_utilisation", status="derived").execute().iloc[0]
    d = server.client.get(f"/api/observations/{int(derived['obs_id'])}").json()
    assert d["observation"]["formula"] == derived["formula"]
    assert [i["obs_id"] for i in d["inputs"]] == [int(i) for i in derived["input_ids"]]
    assert all(i["quote"] and i["link"] == f"/api/observations/{i['obs_id']}" for i in d["inputs"])


def test_sources_with_quotes(server, library):
    s = server.client.get("/api/sources").json()["sources"]
    counts = library.observations().group_by("source_id").aggregate(n=lambda t: t.count()).execute()
    assert {x["source_id"]: x["n_figures"] for x in s if x["n_figures"]} == dict(zip(counts.source_id, counts.n, strict=True))
    one = server.client.get("/api/sources/seed-000", params={"limit": 5}).json()
    assert one["source"]["document"].endswith(".txt") and len(one["quotes"]) == 5 and one["next_after"]
    q = library.query(source_id="seed-000").order_by("obs_id").limit(5).execute()
    assert [x["quote"] for x in one["quotes"]] == list(q["quote"])


def test_vintages_and_diff(server, library):
    v = server.client.get("/api/vintages").json()["vintages"]
    assert [x["label"] for x in v] == ["default dataset", "records: customs_cn_2021_2025.csv", "records-derive",
                                       "analyse", "forecast"]
    assert all("/" not in f for x in v for f in x["files"])  # names, not the server's paths
    steps = job_vintages(library)
    last = steps["forecast"]
    want = diff_vintages(library, 1, last)
    for url in (f"/api/vintages/1/diff/{last}?limit=10000", f"/api/diff?since=v1&until={last}&limit=10000"):
        d = server.client.get(url).json()
        assert d["count"] == len(want) and d["counts"]["new"] == int((want["change"] == "new").sum())
        assert [r["obs_key"] for r in d["changes"]] == list(want["obs_key"])
    fc = server.client.get("/api/diff", params={"since": f"v{steps['analyse']}", "source": FORECAST_SOURCE,
                                                "limit": 5}).json()
    assert fc["count"] == 380 and len(fc["changes"]) == 5
    bad = server.client.get(f"/api/vintages/{last}/diff/1")
    assert bad.status_code == 400 and "forward in time" in bad.json()["detail"]


def test_audit_findings_with_quotes(server, library):
    f = server.client.get("/api/audit/findings").json()
    want = library.findings().execute()
    assert [x["finding_id"] for x in f["findings"]] == list(want["finding_id"])
    first = f["findings"][0]
    assert [g["obs_id"] for g in first["figures"]] == first["obs_ids"]
    assert all(g["quote"] for g in first["figures"])
    assert server.client.get("/api/audit/findings/1").json()["message_zh"] == want.iloc[0]["message_zh"]
    assert server.client.get("/api/audit/findings/9999").status_code == 404


def test_analytics_equal_the_stored_figures(server, library):
    cur = library.observations().execute()
    idx = server.client.get("/api/indices").json()["indices"]
    assert {i["index"] for i in idx} == set(cur[cur.indicator == "composite_index"]["product"])
    by_id = cur.set_index("obs_id")
    for ix in idx:
        assert len({(u["label"], u["tier"]) for u in ix["units"]}) == len(ix["units"])
        for u in ix["units"]:
            s = by_id.loc[u["score_obs_id"]]
            assert (u["score"], u["score_lo95"], u["score_hi95"]) == (s["value"], s["lo95"], s["hi95"])
            k = by_id.loc[u["rank_obs_id"]]
            assert (u["rank"], u["rank_lo95"], u["rank_hi95"]) == (k["value"], k["lo95"], k["hi95"])
            # the rank is the same unit's: company or region, and tier
            for d in ("company", "region", "tier"):
                assert (None if pd.isna(k[d]) else k[d]) == (None if pd.isna(s[d]) else s[d]), (u, d)
    mfg = next(ix for ix in idx if ix["index"] == "mems_manufacturing")
    twice = [u for u in mfg["units"] if u["label"] == "无锡XX公司"]
    assert len(twice) == 2 and {u["tier"] for u in twice} == set(
        cur[(cur.indicator == "composite_index") & (cur.company == "无锡XX公司")]["tier"])
    assert twice[0]["rank_obs_id"] != twice[1]["rank_obs_id"]
    el = server.client.get("/api/elasticity").json()
    sd = cur[cur.indicator == "supply_demand_index"].set_index("obs_id")
    assert {i["obs_id"] for i in el["items"]} == set(sd.index)
    low = next(i for i in el["items"] if i["tier_mean"] and i["tier"] == "低端")
    assert low["reading"] == "surplus" and low["index"] == sd.loc[low["obs_id"], "value"]
    trl = server.client.get("/api/trl").json()["items"]
    t = cur[cur.indicator == "trl"]
    assert {(i["technology"], i["trl"]) for i in trl} == set(zip(t["product"], t["value"].astype(int), strict=True))
    assert all(i["evidence"] and i["quadrant"] in ("scale_up", "fund_rnd", "watch", "drop", "unrated") for i in trl)
    der = server.client.get("/api/derived", params={"indicator": "capacity_utilisation"}).json()["items"]
    want = cur[(cur.indicator == "capacity_utilisation") & (cur.status == "derived")]
    assert {d["observation"]["obs_id"] for d in der} == set(want["obs_id"])
    assert all(d["observation"]["formula"] and len(d["inputs"]) == len(d["observation"]["input_ids"]) for d in der)


def test_forecasts_with_intervals_and_the_reports_own(server, library):
    fc = server.client.get("/api/forecasts", params={"indicator": "market_size", "subject": "成像仪"}).json()
    total = next(s for s in fc["series"] if s["dims"] == {"subject": "成像仪", "region": "中国"})
    want = library.query(indicator="market_size", subject="成像仪", kind="model_forecast").execute()
    assert set(want["source_id"]) == {FORECAST_SOURCE} and set(want["location"]) == {"预测:模型"}
    want = want[want["product"].isna() & want["application"].isna()]
    want = want.set_index("obs_id")
    assert {p["obs_id"] for p in total["points"]} == set(want.index)
    for p in total["points"]:
        w = want.loc[p["obs_id"]]
        assert (p["value"], p["lo80"], p["hi80"], p["lo95"], p["hi95"]) == \
               (w["value"], w["lo80"], w["hi80"], w["lo95"], w["hi95"])
        assert p["lo95"] <= p["lo80"] <= p["value"] <= p["hi80"] <= p["hi95"]
    assert total["reported"] and all(r["status"] == "forecast" and r["source_id"] == "seed-004"
                                     for r in total["reported"])
    assert total["history"] and all(h["status"] != "forecast" for h in total["history"])
    assert total["scenarios"]


def test_alerts_equal_evaluate_alerts(server, library):
    a = server.client.get("/api/alerts").json()
    want = evaluate_alerts(library, read_alert_rules(default_dataset_dir() / "alerts.yaml"))
    assert a["rules_file"] == "alerts.yaml" and len(a["alerts"]) == len(want) == 30
    assert [x["obs_id"] for x in a["alerts"]] == [w.obs_id for w in want]
    mine = server.client.get("/api/alerts", params={"rules": "my_rules.yaml", "as_of": "v1"}).json()
    assert mine["rules_file"] == "my_rules.yaml" and mine["vintage_id"] == 1


@pytest.mark.parametrize("url, status, words", [
    ("/api/observations?indicator=market_sise", 400, "unknown indicator 'market_sise'; /api/catalog"),
    ("/api/observations?source=seed-999", 400, "unknown source 'seed-999'; /api/sources"),
    ("/api/observations?as_of=v99", 404, "no such vintage; /api/vintages"),
    ("/api/observations?as_of=2025-02-30", 400, "neither a vintage"),
    ("/api/observations?period=25", 422, "query.period"),
    ("/api/observations?status=guess", 422, "query.status"),
    ("/api/observations?kind=guess", 422, "query.kind"),
    ("/api/observations?method=%00x", 422, "query.method"),
    ("/api/observations?limit=100000", 422, "query.limit"),
    ("/api/observations?format=xml", 422, "query.format"),
    ("/api/observations?subject=%00x", 422, "query.subject"),
    ("/api/observations/0", 422, "path.obs_id"),
    ("/api/catalog/nothing", 404, "unknown indicator 'nothing'"),
    ("/api/sources/nobody", 404, "no source 'nobody'"),
    ("/api/vintages/77", 404, "no vintage 77"),
    ("/api/nowhere", 404, "no such endpoint"),
])
def test_bad_requests_are_actionable_problems(server, url, status, words):
    r = server.client.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["instance"] == url.split("?")[0]
    assert words in body["detail"], body
    assert "Traceback" not in r.text and 'File "' not in r.text and "/tmp/" not in r.text


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "/etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd",
                                  "%2e%2e/%2e%2e/etc/passwd", "my_rules.yaml/../../x.yaml", "..\\..\\etc\\passwd",
                                  "%252e%252e%252fetc%252fpasswd"])
def test_paths_outside_the_data_directory_are_refused(server, name):
    r = server.client.get(f"/api/alerts?rules={name}")
    assert r.status_code in (400, 403, 404), r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert "root:" not in r.text


def test_writes_on_a_read_only_server_are_refused(server, built_store):
    from .conftest import sha256

    before = sha256(built_store)
    r = server.client.post("/api/audit/house-views", json={"obs_id": 1, "reason": "x"},
                           headers={"Authorization": "Bearer ss_00000000_" + "a" * 43})
    assert r.status_code == 403 and "--allow-writes" in r.json()["detail"]
    r = server.client.post("/api/vintages", files={"file": ("x.csv", b"indicator\n")})
    assert r.status_code == 403
    assert sha256(built_store) == before


def test_openapi_documents_every_error_as_a_problem(server):
    doc = server.client.get("/api/openapi.json").json()
    assert "Problem" in doc["components"]["schemas"]
    api = {p: ops for p, ops in doc["paths"].items() if p.startswith("/api/")}
    assert len(api) >= 21
    for path, ops in api.items():
        for method, op in ops.items():
            codes = [c for c in op["responses"] if c[0] in "45"]
            # routes without parameters have nothing to refuse as invalid: no 422
            assert ("500" in codes and "422" in codes) or (method == "get" and path in (
                "/api/health", "/api/vintages", "/api/glossary", "/api/records/partners", "/api/records/provinces"))
            for c in codes:
                assert list(op["responses"][c]["content"]) == ["application/problem+json"], (path, c)


def test_display_strings_come_from_the_presentation_layer(server, library):
    """Numbers stay numbers; the strings meant for display are sectorscope.present's: the glossary the dashboard
    formats with, and the `printed` form of every referenced figure, diff side and alert — a stated figure as
    its source printed it, a computed one in its display unit (never 38954900000.0)."""
    import json
    import re

    from sectorscope.present import figure, served_glossary

    assert server.client.get("/api/glossary").json() == json.loads(json.dumps(served_glossary()))
    obs = library.table("observations").execute().set_index("obs_id")

    def want(oid: int) -> str:
        r = obs.loc[oid]
        text = r["value_as_printed"] if isinstance(r["value_as_printed"], str) else ""
        return figure(r["value"], r["qualifier"] or "exact", r["value_high"], r["unit"] or "", printed=text,
                      printed_high=r["value_high_as_printed"] if isinstance(r["value_high_as_printed"], str) else None,
                      unit_printed=r["unit_as_printed"] if isinstance(r["unit_as_printed"], str) else "")

    series = server.client.get("/api/forecasts", params={"subject": "成像仪"}).json()["series"]
    refs = [f for s in series for part in ("history", "reported", "scenarios") for f in s[part]]
    assert {f["kind"] for f in refs} >= {"stated", "scenario_projection"}
    for f in refs:
        assert f["printed"] == want(f["obs_id"]), f
        assert not re.search(r"e[+-]\d|\d\.0$", f["printed"]), f  # no exponent, no engine cast (12.0)
    scenario = next(f for f in refs if f["kind"] == "scenario_projection" and f["indicator"] == "market_size")
    assert scenario["printed"].endswith("亿元")  # a computed market size in the unit the reports print
    diff = server.client.get("/api/diff", params={"since": "v2", "source": FORECAST_SOURCE, "limit": 50}).json()
    for c in diff["changes"]:
        assert c["printed_new"] == want(c["obs_id_new"]) and "e+" not in c["printed_new"], c
    for a in server.client.get("/api/alerts").json()["alerts"]:
        assert a["printed"] == want(a["obs_id"])
        if a.get("old_obs_id") is not None and a.get("old_printed") is not None:
            assert a["old_printed"] == want(a["old_obs_id"])
