"""The record-set routes over HTTP against a real uvicorn process: a generated customs export (2 000 lines of the
codes the concordance maps) is loaded into the test's store before the server starts; the batches, the lines
and an aggregate the server answers equal what pyarrow and the library compute from the same lines."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope import records
from sectorscope.api.problems import ApiProblem
from sectorscope.api.routes import records as routes
from sectorscope.ingest import default_dataset_dir, load_paths
from sectorscope.records import aggregates as lib_aggregate
from sectorscope.records import indicators as lib_indicators
from sectorscope.records import schema as lib_schema
from sectorscope.store import Store
from tests.conftest import obs, write_csv

from .conftest import Server, start_server

PROBLEM = "application/problem+json"
CONCORDANCE = default_dataset_dir() / "concordance" / "hs_catalog.csv"


def text(v: object) -> object:
    """A pyarrow value as the API sends it: decimals as exact text."""
    return format(v, "f") if isinstance(v, Decimal) else v


def as_api(table: pa.Table) -> list[dict]:
    return [{k: text(v) for k, v in r.items()} for r in table.to_pylist()]


class Loaded:
    def __init__(self, server: Server, lines: pa.Table, batch_id: str, n_files: int, export: Path,
                 imports_by_partner: list[dict]) -> None:
        self.server, self.lines, self.batch_id, self.n_files = server, lines, batch_id, n_files
        self.export, self.imports_by_partner = export, imports_by_partner


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Iterator[Loaded]:
    """A store with one generated customs batch, the generated lines, the library's imports by partner for the
    market of 850110 by year, and the server over the store."""
    folder = tmp_path_factory.mktemp("api-records")
    con = records.connect("duckdb")
    generated = records.generate_lines(con, 2_000, only_mapped=True)
    # and 300 lines of 2020 over every code of chapters 84, 85 and 90, most of which the concordance does not map
    extra = records.generate_lines(con, 300, seed=7, years=(2020, 2020))
    generated = generated.union(extra.mutate(line_no=extra.line_no + 2_000))
    export = folder / "customs_2021_2025.csv"
    records.write_customs_csv(con, generated, str(export))
    store = Store(folder / "sectorscope.duckdb")
    summary = records.load_records(store, export, hs_edition="HS2022", publisher="sectorscope generator").summary
    bid = summary.batch_id
    lines = con.to_pyarrow(generated)
    lines = lines.set_column(lines.schema.get_field_index("batch_id"), "batch_id", pa.array([bid] * lines.num_rows))
    # the library's answer to "imports by partner for 850110's market, by year"
    conc = records.load_concordance(CONCORDANCE)
    market = next(r.market for r in conc.rows if r.hs_edition == "HS2022" and r.code == "850110")
    mapped = records.apply(records.open_lines(store, "customs_cn", con), conc, con)
    flows = records.trade_flows(mapped, "year", by=["partner"])
    flows = flows.filter((flows.market == market) & (flows.flow == "import"))
    want = as_api(con.to_pyarrow(flows.order_by([c for c in flows.columns if c not in routes.MEASURES])))
    store.close()
    srv = start_server(store.path)
    yield Loaded(srv, lines, bid, summary.n_files, export, want)
    log = srv.stop()
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def empty(tmp_path_factory) -> Iterator[Server]:
    """A server over a store of figures only (one vintage, no record batches)."""
    folder = tmp_path_factory.mktemp("api-records-empty")
    sources = folder / "sources.csv"
    sources.write_text("source_id,title,publisher,published\nsrc-a,测试报告A,测试机构,2025-01-01\n", encoding="utf-8")
    store = Store(folder / "sectorscope.duckdb")
    load_paths(store, [write_csv(folder / "obs.csv", [obs()])], sources=sources)
    store.close()
    srv = start_server(store.path)
    yield srv
    log = srv.stop()
    assert "Traceback" not in log, log


def all_lines(client, params: dict, limit: int) -> tuple[list[dict], int]:
    items, offset, total = [], 0, None
    while True:
        r = client.get("/api/records/lines", params={**params, "limit": limit, "offset": offset})
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["count"] == len(page["items"]) <= limit
        assert total in (None, page["total"])
        total = page["total"]
        items += page["items"]
        if page["count"] < limit:
            return items, total
        offset += limit


def expected(lines: pa.Table, mask) -> list[dict]:
    """The lines the API should answer, as it answers them (`share` is null unless a figure is asked for)."""
    return [{**x, "share": None} for x in as_api(lines.filter(mask).sort_by([("batch_id", "ascending"),
                                                                               ("line_no", "ascending")]))]


def test_the_allowed_values_are_the_record_layers():
    assert tuple(routes.Dataset) == lib_schema.DATASETS
    assert tuple(routes.PeriodGrain) == lib_indicators.GRAINS
    assert tuple(routes.By) == lib_indicators.BY
    assert tuple(routes.Indicator) == lib_aggregate.AGGREGATES
    assert set(routes.LineFlow) == set(lib_schema.Flow)


def test_batches_are_listed_with_their_source(loaded):
    body = loaded.server.client.get("/api/records/batches").json()
    (b,) = body["batches"]
    assert b["source"] == {"file": "customs_2021_2025.csv", "sha256": hashlib.sha256(loaded.export.read_bytes()).hexdigest(),
                           "bytes": loaded.export.stat().st_size, "publisher": "sectorscope generator",
                           "release_date": None, "retrieved_at": None}
    assert {k: b[k] for k in ("batch_id", "dataset", "vintage_id", "hs_edition", "currency", "grain", "period_kind",
                              "period_from", "period_to", "n_lines", "n_files", "cells_superseded")} == {
        "batch_id": loaded.batch_id, "dataset": "customs_cn", "vintage_id": 1, "hs_edition": "HS2022",
        "currency": "USD", "grain": ["commodity", "partner", "province", "trade_mode"], "period_kind": "monthly",
        "period_from": "2020-01", "period_to": "2025-12", "n_lines": 2_300, "n_files": loaded.n_files,
        "cells_superseded": 0}
    assert loaded.server.client.get("/api/records/batches", params={"dataset": "comtrade"}).json() == {"batches": []}
    assert loaded.server.client.get("/api/records/batches", params={"dataset": "customs_cn"}).json() == body


def test_lines_by_hs_prefix_and_flow_equal_a_direct_filter(loaded):
    t = loaded.lines
    want = expected(t, pc.and_(pc.starts_with(t["hs_code"], "850110"), pc.equal(t["flow"], "import")))
    assert len(want) > 20
    got, total = all_lines(loaded.server.client, {"hs": "8501.10", "flow": "import"}, 7)
    assert total == len(want)
    assert got == want  # every column, decimals as exact text
    assert got[0]["value"] == format(t.filter(pc.equal(t["line_no"], got[0]["line_no"]))["value"][0].as_py(), "f")


@pytest.mark.parametrize("params, mask", [
    ({"partner": "JPN", "year": 2025}, lambda t: pc.and_(pc.equal(t["partner_iso3"], "JPN"), pc.equal(t["year"], 2025))),
    ({"partner": "116", "year": 2025}, lambda t: pc.and_(pc.equal(t["partner_code"], "116"), pc.equal(t["year"], 2025))),
    ({"province": "44", "month": 2, "flow": "export"},
     lambda t: pc.and_(pc.and_(pc.equal(t["province"], "44"), pc.equal(t["month"], 2)), pc.equal(t["flow"], "export"))),
    ({"hs": "90"}, lambda t: pc.starts_with(t["hs_code"], "90")),
])
def test_other_filters_equal_a_direct_filter(loaded, params, mask):
    want = expected(loaded.lines, mask(loaded.lines))
    assert want
    got, total = all_lines(loaded.server.client, params, 500)
    assert (got, total) == (want, len(want))


def test_a_batch_filter_and_no_match(loaded):
    c = loaded.server.client
    page = c.get("/api/records/lines", params={"batch": loaded.batch_id, "limit": 1}).json()
    assert (page["total"], page["count"], page["items"][0]["line_no"]) == (2_300, 1, 2)
    page = c.get("/api/records/lines", params={"batch": "other-batch"}).json()
    assert (page["total"], page["items"]) == (0, [])


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(limit=st.integers(1, 500), offset=st.integers(0, 2_100))
def test_pages_are_stable_slices_of_the_ordered_lines(loaded, limit, offset):
    ordered = expected(loaded.lines, pa.array([True] * loaded.lines.num_rows))
    params = {"limit": limit, "offset": offset}
    first = loaded.server.client.get("/api/records/lines", params=params).json()
    again = loaded.server.client.get("/api/records/lines", params=params).json()
    assert first == again
    assert first["total"] == 2_300
    assert first["items"] == ordered[offset:offset + limit]


def test_imports_by_partner_for_a_market_by_year_equal_the_library(loaded):
    want = loaded.imports_by_partner
    assert len(want) > 20 and {r["market"] for r in want} == {"缩微机械"}
    items, offset = [], 0
    while True:
        r = loaded.server.client.get("/api/records/aggregate", params={
            "indicator": "trade_flows", "grain": "year", "by": "partner", "market": "缩微机械", "flow": "import",
            "limit": 25, "offset": offset})
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["total"] == len(want)
        items += page["items"]
        if page["count"] < 25:
            break
        offset += 25
    assert items == want
    assert page["columns"][:3] == [{"name": "market", "type": "text"}, {"name": "product", "type": "text"},
                                   {"name": "partner", "type": "text"}]
    assert {"name": "value", "type": "decimal"} in page["columns"]
    conc = records.load_concordance(CONCORDANCE)
    assert page["concordance"] == {"file": "hs_catalog.csv", "version": conc.version, "version_id": conc.version_id}


def test_the_micro_motor_rows_are_the_sums_of_their_lines(loaded):
    """Independent of the library: 850110 alone maps to 缩微机械/微型电机类商品, with share 1, so each of its rows
    (partner × year) is the plain sum of those lines (partner: ISO code, else the customs code)."""
    t = loaded.lines
    sel = t.filter(pc.and_(pc.equal(t["hs6"], "850110"), pc.equal(t["flow"], "import")))
    sums: dict[tuple[str, str], list] = {}
    for r in sel.to_pylist():
        key = (r["partner_iso3"] or r["partner_code"], str(r["year"]))
        acc = sums.setdefault(key, [Decimal(0), 0])
        acc[0] += r["value"]
        acc[1] += 1
    rows = {(r["partner"], r["period"]): (Decimal(r["value"]), r["n_lines"])
            for r in loaded.imports_by_partner if r["product"] == "微型电机类商品"}
    assert len(rows) > 10
    assert rows == {k: (v, n) for k, (v, n) in sums.items()}


@pytest.mark.parametrize("indicator", ["unit_values", "partner_concentration", "mirror_gap", "unmapped"])
def test_every_indicator_answers(loaded, indicator):
    r = loaded.server.client.get("/api/records/aggregate", params={"indicator": indicator, "grain": "quarter"})
    assert r.status_code == 200, r.text
    page = r.json()
    names = [c["name"] for c in page["columns"]]
    assert all(set(i) == set(names) for i in page["items"])
    if indicator == "mirror_gap":
        assert page["total"] == 0  # China's lines only: no partner's exports to mirror
    else:
        assert page["total"] > 0


@pytest.mark.parametrize("path, params, allowed", [
    ("/api/records/lines", {"dataset": "eurostat"}, "'customs_cn' or 'comtrade'"),
    ("/api/records/batches", {"dataset": "eurostat"}, "'customs_cn' or 'comtrade'"),
    ("/api/records/aggregate", {"indicator": "trade_flows", "dataset": "eurostat"}, "'customs_cn' or 'comtrade'"),
    ("/api/records/aggregate", {"indicator": "hhi"},
     "'trade_flows', 'unit_values', 'partner_concentration', 'mirror_gap' or 'unmapped'"),
    ("/api/records/aggregate", {"indicator": "trade_flows", "grain": "week"},
     "'month', 'quarter', 'year' or 'cumulative'"),
    ("/api/records/aggregate", {"indicator": "trade_flows", "by": "hs6"}, "'partner', 'province' or 'trade_mode'"),
    ("/api/records/lines", {"limit": 501}, "less than or equal to 500"),
])
def test_unknown_values_are_422_naming_the_allowed_ones(loaded, path, params, allowed):
    r = loaded.server.client.get(path, params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == PROBLEM
    assert allowed in r.json()["detail"]


@pytest.mark.parametrize("params, detail", [
    ({"indicator": "partner_concentration", "by": "partner"}, "by applies to trade_flows and unit_values"),
    ({"indicator": "unmapped", "market": "MEMS"}, "market does not apply to unmapped"),
    ({"indicator": "unit_values", "flow": "balance"}, "flow=balance does not apply to unit_values"),
])
def test_parameters_that_do_not_apply_are_422(loaded, params, detail):
    r = loaded.server.client.get("/api/records/aggregate", params=params)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert detail in r.json()["detail"]


def test_a_store_without_record_batches_answers_empty(empty):
    c = empty.client
    assert c.get("/api/records/batches").json() == {"batches": []}
    page = c.get("/api/records/lines", params={"hs": "8501"}).json()
    assert (page["total"], page["count"], page["items"]) == (0, 0, [])
    for indicator in ("trade_flows", "unmapped"):
        r = c.get("/api/records/aggregate", params={"indicator": indicator})
        assert r.status_code == 200, r.text
        assert (r.json()["total"], r.json()["items"]) == (0, [])


def test_the_routes_are_in_the_openapi_document(loaded):
    doc = loaded.server.client.get("/api/openapi.json").json()
    for path in ("/api/records/batches", "/api/records/lines", "/api/records/aggregate"):
        op = doc["paths"][path]["get"]
        assert {"422", "500"} <= set(op["responses"])
        assert all(list(op["responses"][c]["content"]) == [PROBLEM] for c in op["responses"] if c[0] in "45")
    params = {p["name"]: p for p in doc["paths"]["/api/records/lines"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 500
    assert set(doc["paths"]) >= {"/api/records/batches", "/api/records/lines", "/api/records/aggregate"}
    line = doc["components"]["schemas"]["RecordLine"]["properties"]["value"]
    assert line["type"] == "string" and line["pattern"].startswith("^-?[0-9]+")


def test_batches_of_different_grain_are_not_added_together(tmp_path):
    """A batch of totals (no partners: null means all) beside a batch by partner would count trade twice: the
    aggregate is refused with 422 until one batch is chosen, and the chosen batch's figures are its lines'."""
    (tmp_path / "totals.csv").write_text("数据年月,进出口,商品编码,第一数量,第一计量单位,美元\n"
                                         "202501,进口,85011000,10,台,1000.00\n202502,进口,85011000,20,台,2000.50\n",
                                         encoding="utf-8")
    con = records.connect("duckdb")
    records.write_customs_csv(con, records.generate_lines(con, 200, only_mapped=True), str(tmp_path / "g.csv"))
    store = Store(tmp_path / "s.duckdb")
    records.load_records(store, tmp_path / "g.csv", hs_edition="HS2022")
    totals = records.load_records(store, tmp_path / "totals.csv", hs_edition="HS2022").summary.batch_id
    args = {"dataset": "customs_cn", "indicator": "trade_flows", "by": [], "market": None, "flow": "import",
            "conc_path": CONCORDANCE, "limit": 10, "offset": 0, "timeout": 30.0}
    with pytest.raises(ApiProblem) as refused:
        routes.aggregate_page(store, grain="year", batch=None, **args)
    assert refused.value.status == 422
    assert "different grain (commodity; commodity,partner,province,trade_mode)" in refused.value.detail
    page = routes.aggregate_page(store, grain="month", batch=totals, **args)
    assert [(r["period"], r["value"], r["n_lines"]) for r in page["items"]] == [
        ("2025-01", "1000.00000000", 1), ("2025-02", "2000.50000000", 1)]
    store.close()


def test_the_lines_behind_a_derived_figure(tmp_path):
    """`figure=`: the lines a derived figure was computed from, each with its share; their sum × share is the
    figure before the exchange rate; a stated figure is a 422, an unknown id a 404."""
    from decimal import Decimal

    from sectorscope.ingest import load_default

    con = records.connect("duckdb")
    store = Store(tmp_path / "sectorscope.duckdb")
    load_default(store)
    records.write_customs_csv(con, records.generate_lines(con, 1_500, only_mapped=True), str(tmp_path / "g.csv"))
    records.load_records(store, tmp_path / "g.csv", hs_edition="HS2022")
    records.derive_trade_figures(store)
    fig = store.query(indicator="imports_value", kind="derived", subject="成像仪", product="红外热成像设备",
                      period="2024").execute().iloc[0]
    stated = int(store.query(kind="stated").execute().iloc[0]["obs_id"])
    store.close()
    srv = start_server(store.path)
    try:
        page = srv.client.get("/api/records/lines", params={"figure": int(fig["obs_id"]), "limit": 500}).json()
        assert page["total"] == page["count"] > 0
        assert {x["share"] for x in page["items"]} == {"0.300000"}  # 902519: 30 % of it is infrared imaging
        usd = sum(Decimal(x["value"]) * Decimal(x["share"]) for x in page["items"])
        rate = float(re.search(r"\d+\.\d+", fig["note"]).group())
        assert fig["value"] == pytest.approx(float(usd) * rate, rel=1e-12)
        r = srv.client.get("/api/records/lines", params={"figure": stated})
        assert r.status_code == 422 and "not computed from a record set" in r.json()["detail"]
        assert srv.client.get("/api/records/lines", params={"figure": 10**9}).status_code == 404
    finally:
        srv.stop()



def test_the_names_of_partner_and_province_codes(loaded):
    """Every partner code and province a line holds is named by the reference routes, in both languages where
    the code is a country; a partner's ISO code filters the same lines as its customs code."""
    client = loaded.server.client
    partners = {p["code"]: p for p in client.get("/api/records/partners").json()["partners"]}
    provinces = {p["code"]: p for p in client.get("/api/records/provinces").json()["provinces"]}
    codes = set(loaded.lines["partner_code"].drop_null().to_pylist())
    assert codes and codes <= set(partners)
    assert set(loaded.lines["province"].drop_null().to_pylist()) <= set(provinces) and len(provinces) == 31
    assert (provinces["11"]["name_zh"], provinces["11"]["short_zh"]) == ("北京市", "北京")
    jp = partners["116"]
    assert (jp["name_zh"], jp["name_en"], jp["iso3"], jp["kind"]) == ("日本", "Japan", "JPN", "country")
    tw = next(p for p in partners.values() if p["iso3"] == "TWN")
    assert tw["name_zh"] == "中国台湾" and "台澎金马关税区" in tw["aliases_zh"]
    residual = [p for p in partners.values() if p["kind"] == "residual"]
    assert residual and all(p["iso3"] is None and p["name_en"] is None for p in residual)
    # the line's own iso3 agrees with the table, and either code filters the same lines
    pairs = set(zip(loaded.lines["partner_code"].to_pylist(), loaded.lines["partner_iso3"].to_pylist(), strict=True))
    assert all(partners[c]["iso3"] == iso for c, iso in pairs if c is not None)
    by_code = client.get("/api/records/lines", params={"partner": "116", "limit": 1}).json()["total"]
    by_iso = client.get("/api/records/lines", params={"partner": "JPN", "limit": 1}).json()["total"]
    assert by_code == by_iso > 0
