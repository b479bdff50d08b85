"""The dashboard in a real browser: Playwright drives Debian's Chromium (headless, no browser download)
through every view of the page `sectorscope serve` shows, against a real uvicorn process over a store of
the default dataset (load, analyse, forecast, audit) plus a later data load that revises two figures and
adds one.

Every test watches the page: no console error, no uncaught exception, and no request to anything but the
loopback server (requests elsewhere are also aborted, so a slip cannot reach the network). The numbers the
page shows are compared with the API's JSON for the same question; a full-page screenshot of each view is
written to a temporary folder (and copied to $DASHBOARD_SHOTS when that is set, e.g. /tmp/dashboard-shots).
"""
from __future__ import annotations

import csv
import hashlib
import math
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope.ingest import default_dataset_dir, load_paths
from sectorscope.store import Store

from .conftest import start_server

CHROMIUM = os.environ.get("SECTORSCOPE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
STATIC = Path(__file__).resolve().parents[2] / "src" / "sectorscope" / "api" / "dashboard" / "static"
ECHARTS_SHA256 = "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0"  # docs/dashboard.md
EXTRA_DIMS = ("product", "application", "company", "country", "tier", "scenario")
SERIES_DIMS = ("subject", "region", "product", "application", "company", "country", "tier")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).is_file(),
                                reason=f"Debian's Chromium is not installed at {CHROMIUM} (`make install` apt-gets "
                                       "the `chromium` package); the dashboard's browser tests need it")


# the import sources the `dash` store adds for 成像仪 · 医学影像设备, 2025 (the last the top-3 combined share)
IMPORT_SOURCES = {"日本": "38.2", "德国": "27.1", "美国": "16.1", "日本、德国、美国": "81.4"}


# ---- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dash(built_store, tmp_path_factory):
    """The served store: the built default store (with its record set), then a data load revising two figures
    and adding one — the vintage after the built store's last (`dash.revision`)."""
    folder = tmp_path_factory.mktemp("dashboard-store")
    store_path = folder / "sectorscope.duckdb"
    shutil.copy(built_store, store_path)
    records = built_store.with_name(f"{built_store.stem}.records")  # the lines, beside the store
    if records.is_dir():
        shutil.copytree(records, store_path.with_name(f"{store_path.stem}.records"))
    with open(default_dataset_dir() / "observations" / "004_imaging.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    capacity = next(r for r in rows if r["indicator"] == "capacity" and r["period"] == "2025")
    output = next(r for r in rows if r["indicator"] == "output" and r["period"] == "2025")
    revision = folder / "revision.csv"
    with open(revision, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow({**capacity, "value": "870", "quote": "2025年產能修訂為870萬台", "quote_start": "", "quote_end": ""})
        w.writerow({**output, "value": "700", "quote": "2025年產量修訂為700萬台", "quote_start": "", "quote_end": ""})
        w.writerow({**output, "period": "2024", "value": "690", "status": "actual", "quote": "2024年產量690萬台",
                    "quote_start": "", "quote_end": "", "location": "修订文件(测试)", "note": ""})
    # import sources of 成像仪's medical imaging for 2025: three partners and their top-3 combined share
    # (38.2 + 27.1 + 16.1 = 81.4), stated, loaded as their own vintage before the revision
    shares = folder / "import_sources.csv"
    with open(shares, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for country, value in IMPORT_SOURCES.items():
            w.writerow({**{k: "" for k in rows[0]}, "indicator": "import_source_share", "subject": "成像仪",
                        "region": "中国", "period": "2025", "product": "医学影像设备", "country": country,
                        "value": value, "qualifier": "exact", "unit": "%", "status": "estimate", "source": "seed-004",
                        "quote": f"自{country}进口占{value}%", "location": "进口来源(测试)"})
    store = Store(store_path)
    load_paths(store, [shares], label="import sources")
    built = store.latest_vintage()
    summary = load_paths(store, [revision], label="revision")
    store.close()
    assert (summary.vintage_id, summary.n_revised, summary.n_new) == (built + 1, 2, 1)
    srv = start_server(store_path)
    srv.revision = summary.vintage_id
    yield srv
    log = srv.stop()
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dashboard-shots")


class Watch:
    """What a page did: console messages, uncaught errors, and every request (those off loopback aborted)."""

    def __init__(self, page, base: str) -> None:
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.foreign: list[str] = []
        host = urlparse(base).hostname
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

        def route(r):
            if urlparse(r.request.url).hostname in (host, "127.0.0.1", "localhost"):
                r.continue_()
            else:
                self.foreign.append(r.request.url)
                r.abort()

        page.route("**/*", route)

    def assert_clean(self, allow: tuple[str, ...] = ()) -> None:
        errors = [text for kind, text in self.console if kind == "error" and not any(a in text for a in allow)]
        assert errors == [], errors
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign
        bad = [u for u in self.requests if urlparse(u).hostname not in ("127.0.0.1", "localhost")
               and not u.startswith("data:")]
        assert bad == [], bad


@pytest.fixture
def page(browser, dash):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    pg = ctx.new_page()
    pg.watch = Watch(pg, dash.base)
    yield pg
    ctx.close()


def open_view(page, dash, query: str = "", ready: str | None = None):
    page.goto(f"{dash.base}/{query}")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    if ready:
        page.wait_for_selector(ready, timeout=30_000)
    return page


def shoot(page, shots: Path, name: str) -> Path:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get("DASHBOARD_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)
    return path


def no_problems(page) -> None:
    assert page.locator("#errors [data-testid=problem]").count() == 0, page.inner_text("#errors")


# ---- the API's answers, as the page should show them ------------------------------------------------
def printed_of(dash, obs_ids) -> dict[int, str]:
    """The server's printed form of figures (Figure.printed, monitor.diff.printed_expr) by obs_id, from the
    quotes of their sources (/api/sources/{id})."""
    want = set(obs_ids)
    items = dash.client.get("/api/observations", params={"limit": 10000}).json()["items"]
    sources = {o["source_id"] for o in items if o["obs_id"] in want}
    out: dict[int, str] = {}
    for sid in sorted(sources):
        after = None
        while True:
            params = {"limit": 1000} if after is None else {"limit": 1000, "after": after}
            page = dash.client.get(f"/api/sources/{sid}", params=params).json()
            out.update({q["obs_id"]: q["printed"] for q in page["quotes"] if q["obs_id"] in want})
            if page["next_after"] is None:
                break
            after = page["next_after"]
    assert set(out) == want
    return out


def catalog(dash) -> dict[str, dict]:
    return {i["code"]: i for i in dash.client.get("/api/catalog").json()["indicators"]}


# ---- tests --------------------------------------------------------------------------------------------
VIEW_SHOTS = [
    ("overview", "成像仪", ".card"), ("overview", "MEMS", ".card"), ("overview", "缩微机械", ".card"),
    ("forecast", "成像仪", "#fan-chart canvas"), ("forecast", "MEMS", "#fan-chart canvas"),
    ("elasticity", "缩微机械", "#el-chart canvas"), ("trl", "缩微机械", "#trl-chart canvas"),
    ("indices", "MEMS", "#ix-chart canvas"), ("trade", "成像仪", "#trade-chart canvas"),
    ("trade", "MEMS", "#trade-chart canvas"), ("trade", "缩微机械", "#dependence-chart canvas"),
    ("audit", "成像仪", "[data-testid=finding]"),
    ("audit", "缩微机械", "[data-testid=finding]"), ("changes", "成像仪", "[data-testid=diff-counts]"),
]


@pytest.mark.parametrize("view, market, ready", VIEW_SHOTS, ids=[f"{v}-{m}" for v, m, _ in VIEW_SHOTS])
def test_every_view_loads_clean(page, dash, shots, view, market, ready):
    open_view(page, dash, f"?market={market}&view={view}", ready)
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.locator(f"[data-testid=view-{view}]").count() == 1
    assert page.get_attribute(f"[data-testid=tab-{view}]", "aria-current") == "page"
    no_problems(page)
    page.wait_for_timeout(200)  # let the canvas paint before the screenshot
    shoot(page, shots, f"{view}-{market}")
    page.watch.assert_clean()
    assert any(u.endswith("/static/echarts.min.js") for u in page.watch.requests)
    assert all(urlparse(u).path.startswith(("/api/", "/static/")) or urlparse(u).path == "/"
               for u in page.watch.requests), page.watch.requests


def test_key_figures_equal_the_api(page, dash, shots) -> None:
    market = "成像仪"
    open_view(page, dash, f"?market={market}", ".card")
    cat = catalog(dash)
    cards = page.locator("[data-testid=key-figure]")
    assert cards.count() >= 6
    items = dash.client.get("/api/observations", params={"subject": market, "limit": 10000}).json()["items"]
    own = {s["source_id"] for s in dash.client.get("/api/sources").json()["sources"] if s["publisher"] == "sectorscope"}
    texts: dict[int, str] = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        code = card.get_attribute("data-indicator")
        assert card.locator("h3").inner_text() == cat[code]["name_zh"]
        # the API's stated national figures of this indicator, latest period: exactly those the card lists
        stated = [o for o in items if o["indicator"] == code and o["region"] == "中国" and o["source_id"] not in own
                  and o["status"] in ("actual", "estimate") and all(o[d] is None for d in EXTRA_DIMS)]
        latest = max(o["period"] for o in stated)
        want = {o["obs_id"] for o in stated if o["period"] == latest}
        shown = card.locator("[data-testid=figure]").evaluate_all(
            "els => els.map(e => [e.dataset.obsAll, e.textContent])")
        ids = {int(x): text for all_ids, text in shown for x in all_ids.split(",")}
        assert set(ids) == want, code
        assert card.locator(".meta").inner_text().startswith(f"中国 · {latest}")
        texts.update(ids)
    assert len(texts) >= 10
    assert texts == printed_of(dash, texts)
    # 市场规模 2025: five values that disagree, all shown, the card flagged
    ms = page.locator("[data-testid=key-figure][data-indicator=market_size]")
    assert ms.locator("[data-testid=figure]").count() == 5
    assert ms.locator(".badge.warn").count() == 1
    # the table of all figures: every value on the first page is the API's printed figure
    shown = page.locator("[data-testid=figure-table] [data-testid=figure]").evaluate_all(
        "els => els.map(e => [Number(e.dataset.obs), e.textContent])")
    assert len(shown) == 50
    assert dict(shown) == printed_of(dash, [oid for oid, _ in shown])
    page.watch.assert_clean()


def test_forecast_chart_equals_the_api(page, dash, shots):
    open_view(page, dash, "?market=成像仪&view=forecast", "#fan-chart canvas")
    el = page.locator("[data-testid=fan-chart]")
    key = el.get_attribute("data-series")
    assert key == "market_size|成像仪|中国|||||"  # the market's total by default
    factor, unit = float(el.get_attribute("data-factor")), el.get_attribute("data-unit")
    assert (factor, unit) == (1e8, "亿元")  # shown in 亿元, the unit the reports print
    series = dash.client.get("/api/forecasts", params={"indicator": "market_size", "subject": "成像仪"}).json()["series"]
    sr = next(s for s in series if s["dims"] == {"subject": "成像仪", "region": "中国"})
    opt = page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('fan-chart')).getOption();
        return {years: o.xAxis[0].data, series: Object.fromEntries(o.series.filter(s => s.id).map(s => [s.id, s.data]))};
    }""")
    years = opt["years"]
    assert years == [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]  # every year, gaps as gaps
    s = opt["series"]
    for p in sr["points"]:
        i = years.index(p["period"])
        assert math.isclose(s["mean"][i] * factor, p["value"], rel_tol=1e-12)
        assert math.isclose(s["lo95"][i] * factor, p["lo95"], rel_tol=1e-12, abs_tol=1e-3)
        assert math.isclose((s["lo95"][i] + s["band95"][i]) * factor, p["hi95"], rel_tol=1e-12)
        assert math.isclose(s["lo80"][i] * factor, p["lo80"], rel_tol=1e-12, abs_tol=1e-3)
        assert math.isclose((s["lo80"][i] + s["band80"][i]) * factor, p["hi80"], rel_tol=1e-12)
    for h in sr["history"]:
        assert math.isclose(s["history"][years.index(h["period"])] * factor, h["value"], rel_tol=1e-12)
    got = sorted((d["obs_id"], round(d["value"][1] * factor)) for d in s["reported"])
    assert got == sorted((r["obs_id"], round(r["value"])) for r in sr["reported"]) and len(got) == 6
    # the stated 2025 values that disagree are drawn too (hollow circles), each an API figure
    stated = {d["obs_id"]: d["value"][1] * factor for d in s["stated"]}
    assert {440, 484, 515, 523, 524} <= set(stated)
    # the table's means are the API's values, and a mean opens its forecast's method and interval
    cells = page.locator("[data-testid=fc-mean][data-value]:not([data-value=''])")
    assert cells.count() == len(sr["points"])
    assert sorted(float(cells.nth(i).get_attribute("data-value")) for i in range(cells.count())) == \
        sorted(p["value"] for p in sr["points"])
    page.locator("[data-testid=fc-mean] [data-testid=figure]").first.click()
    page.wait_for_selector("[data-testid=panel] [data-testid=quote-none]")
    assert "short history" in page.inner_text("[data-testid=panel]")
    shoot(page, shots, "forecast-成像仪-panel")
    # another series: the chart follows the select, and the URL keeps it
    page.select_option("[data-testid=series-pick]", index=1)
    page.wait_for_function("document.getElementById('fan-chart').dataset.series !== 'market_size|成像仪|中国|||||'")
    assert "series=" in page.url
    page.watch.assert_clean()


def test_analytics_views_equal_the_api(page, dash, shots):
    el = dash.client.get("/api/elasticity").json()
    open_view(page, dash, "?market=缩微机械&view=elasticity", "#el-chart canvas")
    shown = [float(x) for x in page.locator("[data-testid=el-index]").evaluate_all("els => els.map(e => e.dataset.value)")]
    assert shown == [it["index"] for it in el["items"]]  # all seven are 缩微机械's, in the API's order
    bars = page.evaluate("echarts.getInstanceByDom(document.getElementById('el-chart')).getOption().series[0].data"
                         ".map(d => [d.value, d.obs_id])")
    assert bars == [[it["index"], it["obs_id"]] for it in el["items"]]

    trl = dash.client.get("/api/trl").json()["items"]
    open_view(page, dash, "?market=缩微机械&view=trl", "#trl-chart canvas")
    assert page.locator("[data-testid=trl-value]").all_inner_texts() == [str(it["trl"]) for it in trl]
    demands = page.locator("[data-testid=trl-demand]").evaluate_all("els => els.map(e => Number(e.dataset.value))")
    assert demands == [it["demand"] for it in trl]
    pts = page.evaluate("echarts.getInstanceByDom(document.getElementById('trl-chart')).getOption().series[0].data"
                        ".map(d => [d.name, d.value[0], d.value[1], d.quadrant])")
    assert pts == [[it["technology"], it["demand"], it["trl"], it["quadrant"]] for it in trl]

    idx = next(x for x in dash.client.get("/api/indices").json()["indices"] if x["index"] == "regional_mems_capability")
    open_view(page, dash, "?market=MEMS&view=indices", "#ix-chart canvas")
    assert page.locator("[data-testid=index-pick]").input_value() == "regional_mems_capability"  # regions first
    scores = page.locator("[data-testid=ix-score]").evaluate_all("els => els.map(e => Number(e.dataset.value))")
    assert scores == [u["score"] for u in idx["units"]]
    assert page.locator("[data-testid=ix-rank]").all_inner_texts() == [str(u["rank"]) for u in idx["units"]]
    ranks = page.evaluate("echarts.getInstanceByDom(document.getElementById('ix-chart')).getOption().series"
                          ".find(s => s.id === 'rank').data.map(d => d.value[0])")
    assert ranks == [u["rank"] for u in idx["units"]]
    page.watch.assert_clean()


def test_english_switch(page, dash, shots):
    open_view(page, dash, "?market=成像仪", ".card")
    assert page.locator("[data-testid=tab-forecast]").inner_text() == "预测"
    page.click("button[data-lang=en]")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert parse_qs(urlparse(page.url).query)["lang"] == ["en"]
    cat = catalog(dash)
    tabs = page.locator("#tabs a").all_inner_texts()
    assert tabs == ["Key figures", "Forecasts", "Elasticity index", "TRL × demand", "Regional index & ranks",
                    "Trade", "Audit findings", "What changed"]
    assert page.locator("h1").inner_text() == "sectorscope industry dashboard"
    assert page.locator("main h2").first.inner_text() == "Key figures · 成像仪"
    cards = page.locator("[data-testid=key-figure]")
    for i in range(cards.count()):
        code = cards.nth(i).get_attribute("data-indicator")
        assert cards.nth(i).locator("h3").inner_text() == cat[code]["name_en"]
    assert page.locator("[data-testid=figure-table] tbody tr td").first.inner_text() in \
        {i["name_en"] for i in cat.values()}
    shoot(page, shots, "overview-成像仪-en")
    # persisted in the URL: a reload (and any view) stays English
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("[data-testid=tab-audit]")
    page.wait_for_selector("[data-testid=finding]")
    first = page.locator("[data-testid=finding]").first
    fid = int(first.get_attribute("data-finding"))
    finding = dash.client.get(f"/api/audit/findings/{fid}").json()
    assert finding["message_en"] in first.inner_text()
    assert "lang=en" in page.url and "view=audit" in page.url
    shoot(page, shots, "audit-成像仪-en")
    page.click("button[data-lang=zh]")
    page.wait_for_function("document.documentElement.lang === 'zh-Hans'")
    assert finding["message_zh"] in page.locator("[data-testid=finding]").first.inner_text()
    assert "lang=" not in page.url
    page.watch.assert_clean()


def test_clicking_a_figure_shows_its_quote(page, dash, shots):
    open_view(page, dash, "?market=成像仪", ".card")
    fig = page.locator("[data-testid=key-figure][data-indicator=market_size] [data-testid=figure]").first
    oid = int(fig.get_attribute("data-obs"))
    fig.click()
    page.wait_for_selector(f"[data-testid=panel][data-obs='{oid}'] [data-testid=quote]")
    detail = dash.client.get(f"/api/observations/{oid}").json()
    o = detail["observation"]
    assert page.inner_text("[data-testid=quote]") == o["quote"]
    assert page.inner_text("[data-testid=panel-location]") == o["location"]
    assert detail["source"]["title"] in page.inner_text("[data-testid=panel-source]")
    assert page.inner_text("[data-testid=panel-value]") == fig.inner_text()
    assert parse_qs(urlparse(page.url).query)["fig"] == [str(oid)]
    shoot(page, shots, "overview-成像仪-panel")
    # a derived figure shows its formula and its inputs, each with its own quote; an input opens in turn
    page.goto(f"{dash.base}/?market=缩微机械&view=elasticity")
    page.wait_for_selector("[data-testid=el-index] [data-testid=figure]")
    el = page.locator("[data-testid=el-index] [data-testid=figure]").first
    oid = int(el.get_attribute("data-obs"))
    el.click()
    page.wait_for_selector(f"[data-testid=panel][data-obs='{oid}'] .inputs")
    detail = dash.client.get(f"/api/observations/{oid}").json()
    assert detail["observation"]["formula"] in page.inner_text("[data-testid=panel]")
    quotes = page.locator("[data-testid=panel] .inputs blockquote").all_inner_texts()
    assert quotes == [f["quote"] for f in detail["inputs"] if f["quote"]]
    shoot(page, shots, "elasticity-缩微机械-panel")
    first_input = detail["inputs"][0]["obs_id"]
    page.locator(f"[data-testid=panel] .inputs [data-obs='{first_input}']").click()
    page.wait_for_selector(f"[data-testid=panel][data-obs='{first_input}'] [data-testid=quote]")
    assert page.inner_text("[data-testid=quote]") == detail["inputs"][0]["quote"]
    # the audit view: each finding's figures with their quotes side by side, as the API has them
    page.goto(f"{dash.base}/?market=成像仪&view=audit")
    page.wait_for_selector("[data-testid=finding]")
    api = [f for f in dash.client.get("/api/audit/findings").json()["findings"] if f["subject"] == "成像仪"]
    cards = page.locator("[data-testid=finding]")
    assert cards.count() == len(api) > 0
    for i, f in enumerate(api):
        sides = cards.nth(i).locator(".side blockquote").all_inner_texts()
        assert sides == [x["quote"] or "(无引文:计算所得)" for x in f["figures"]]
    page.keyboard.press("Escape")
    assert page.locator("[data-testid=panel]").is_hidden()
    page.watch.assert_clean()


# ---- the trade view: figures computed from customs lines, and the lines behind them ---------------------------
TRADE_FLOWS = ("imports_value", "exports_value", "trade_balance", "imports_value_growth", "exports_value_growth")
RECORDS_SOURCE = "records-customs_cn"
JOINED = "、"  # partners of a top-3 combined share


def api_figures(dash, **params) -> list[dict]:
    """Every figure of /api/observations for `params`, all pages."""
    out: list[dict] = []
    after = None
    while True:
        page = dash.client.get("/api/observations", params={**params, "limit": 10000,
                                                              **({"after": after} if after else {})}).json()
        out += page["items"]
        if page["next_after"] is None:
            return out
        after = page["next_after"]


def shown_cells(page, testid: str) -> list[tuple[int, str, str, str]]:
    """The figures a part of the trade view shows: (obs_id, indicator, value, text), one per figure (a button
    standing for several figures that read the same names them all; its value is the first's)."""
    found = page.locator(f"[data-testid={testid}]").evaluate_all(
        "els => els.map(e => [e.dataset.obsAll, e.dataset.indicator, e.dataset.value, e.querySelector('button').textContent])")
    return [(int(i), ind, value, text) for ids, ind, value, text in found for i in ids.split(",")]


def chart_series(page, chart: str) -> list[dict]:
    return page.evaluate("""(chart) => echarts.getInstanceByDom(document.getElementById(chart)).getOption().series
        .map((s) => ({ id: s.id, stack: s.stack || null,
          data: s.data.filter(Boolean).map((d) => [d.obs_id, Array.isArray(d.value) ? d.value[0] : d.value]) }))""",
                         chart)


def test_trade_figures_equal_the_api(page, dash, shots):
    """The trade view of 成像仪: imports, exports, balance and growth by year and by quarter (the table's cells
    and the chart's bars are the records figures of the API, each in its display unit), the import sources of
    the latest year (partners stacked, the top-3 combined share apart), import dependence, and unit values."""
    from sectorscope.present import period_label, quantity

    market = "成像仪"
    figs = api_figures(dash, subject=market)
    recs = [o for o in api_figures(dash, subject=market, source=RECORDS_SOURCE) if o["method"] == "records"]
    assert recs and {o["source_id"] for o in recs} == {RECORDS_SOURCE}
    open_view(page, dash, f"?market={market}&view=trade", "#trade-chart canvas")
    for grain, pattern in (("year", r"\d{4}"), ("quarter", r"\d{4}Q[1-4]")):
        if grain == "quarter":
            page.click("[data-testid=grain-quarter]")
            page.wait_for_selector("#trade-chart[data-grain=quarter] canvas")
            assert parse_qs(urlparse(page.url).query)["grain"] == ["quarter"]
        want = {o["obs_id"]: o for o in recs if o["indicator"] in TRADE_FLOWS and re.fullmatch(pattern, o["period"])}
        assert len(want) >= 40
        shown = shown_cells(page, "trade-cell")
        assert sorted(c[0] for c in shown) == sorted(want)
        for oid, indicator, value, text in shown:
            o = want[oid]
            assert (indicator, float(value)) == (o["indicator"], o["value"])
            assert text == quantity(o["value"], o["unit"], lang="zh")
        # the chart: imports and exports by period, each stacked by product, every bar one figure
        factor = float(page.get_attribute("#trade-chart", "data-factor"))
        flows = {i: o for i, o in want.items() if o["indicator"] in ("imports_value", "exports_value")}
        bars = [(sr["stack"], oid, v) for sr in chart_series(page, "trade-chart") for oid, v in sr["data"]]
        assert sorted(b[1] for b in bars) == sorted(flows)
        for stack, oid, v in bars:
            assert stack == {"imports_value": "import", "exports_value": "export"}[flows[oid]["indicator"]]
            assert v == pytest.approx(flows[oid]["value"] / factor, rel=1e-12)
        # each row's period as a reader writes it (2025年第1季度), the store's code kept in data-period
        periods = page.eval_on_selector_all("[data-testid=trade-table] tr[data-period]",
                                            "rows => rows.map(r => [r.dataset.period, r.cells[1].textContent])")
        assert periods and {code for code, _ in periods} == {o["period"] for o in want.values()}
        assert all(text == period_label(code, "zh") for code, text in periods)
        assert grain == "year" or any("季度" in text for _, text in periods)
        shoot(page, shots, f"trade-{market}-{grain}")
    # the reports' own trade figures, as printed
    stated = {o["obs_id"] for o in figs if o["kind"] == "stated" and o["indicator"] in TRADE_FLOWS}
    shown = shown_cells(page, "trade-stated")
    assert {c[0] for c in shown} == stated and stated
    assert {c[0]: c[3] for c in shown} == printed_of(dash, stated)

    # import sources: the latest year's figures (the fixture's three partners and their combined share)
    src = [o for o in figs if o["indicator"] in ("import_source_share", "import_concentration_hhi")]
    year = max(o["period"][:4] for o in src)
    of_year = [o for o in src if o["period"][:4] == year]
    period = year if any(o["period"] == year for o in of_year) else max(o["period"] for o in of_year)
    want = {o["obs_id"]: o for o in of_year if o["period"] == period}
    assert {o["country"] for o in want.values() if o["source_id"] == "seed-004"} == set(IMPORT_SOURCES)
    shown = shown_cells(page, "source-share")
    assert sorted(c[0] for c in shown) == sorted(want)
    for oid, _, value, _ in shown:
        assert float(value) == want[oid]["value"]
    shares = {i: o for i, o in want.items() if o["indicator"] == "import_source_share"}
    joined = [i for i, o in shares.items() if JOINED in (o["country"] or "")]
    assert page.locator("[data-testid=sources-table] .badge").count() == len(joined) >= 1
    # a share of several partners, or of none named, is a diamond; one partner's share a stacked segment
    apart = sorted(i for i, o in shares.items() if not o["country"] or JOINED in o["country"])
    series = chart_series(page, "sources-chart")
    assert sorted(i for sr in series if sr["id"] == "combined" for i, _ in sr["data"]) == apart
    singles = sorted(i for i in shares if i not in apart)
    assert sorted(i for sr in series if sr["id"].startswith("partner|") for i, _ in sr["data"]) == singles
    stack = {i: v for sr in series if sr["id"].startswith("partner|") for i, v in sr["data"]}
    assert {want[i]["country"]: stack[i] for i in singles if want[i]["source_id"] == "seed-004"} == \
        {"日本": 38.2, "德国": 27.1, "美国": 16.1}

    # import dependence and localisation (stated and derived): every such figure, stated ones as printed
    dep = {o["obs_id"]: o for o in figs if o["indicator"] in ("import_dependence", "localisation_rate")
           and o["kind"] in ("stated", "derived")}
    shown = shown_cells(page, "dependence-cell")
    assert sorted(c[0] for c in shown) == sorted(dep) and dep
    printed = printed_of(dash, [i for i, o in dep.items() if o["kind"] == "stated"])
    for oid, _, _, text in shown:
        o = dep[oid]
        assert text == (printed[oid] if o["kind"] == "stated" else quantity(o["value"], o["unit"], lang="zh"))
    lines = chart_series(page, "dependence-chart")
    assert {i for sr in lines for i, _ in sr["data"]} <= set(dep)

    # unit values: the records' import and export unit values (location records:customs_cn:<flow>:<unit>)
    unit = {o["obs_id"] for o in figs if o["indicator"] in ("import_unit_value", "export_unit_value")}
    shown = shown_cells(page, "unit-price")
    assert sorted(c[0] for c in shown) == sorted(unit) and unit
    for oid, _, value, text in shown:
        o = next(x for x in figs if x["obs_id"] == oid)
        assert (float(value), text) == (o["value"], quantity(o["value"], o["unit"], lang="zh"))
    no_problems(page)
    page.watch.assert_clean()


def test_the_english_page_writes_periods_in_english(page, dash):
    """The same periods, worded by the glossary the report uses: Q1 2025 in English, never a code or Chinese."""
    from sectorscope.present import period_label

    open_view(page, dash, "?lang=en&market=成像仪&view=trade&grain=quarter", "#trade-chart[data-grain=quarter] canvas")
    periods = page.eval_on_selector_all("[data-testid=trade-table] tr[data-period]",
                                        "rows => rows.map(r => [r.dataset.period, r.cells[1].textContent])")
    assert periods and all(text == period_label(code, "en") for code, text in periods)
    assert all(re.fullmatch(r"Q[1-4] \d{4}", text) for _, text in periods)
    page.watch.assert_clean()


def test_a_share_of_partners_not_named_is_not_stacked(page, dash):
    """缩微机械's reports state a share of imports without naming the partners (关键设备与材料进口集中度超85%)
    and a top-3 combined one (日本、美国、韩国 ≥85%): both are diamonds beside the stacked partners, never a
    segment of the stack."""
    figs = api_figures(dash, subject="缩微机械", indicator="import_source_share")
    latest = [o for o in figs if o["period"] == "2025"]  # the latest year, its annual figures
    unnamed = [o["obs_id"] for o in latest if not o["country"]]
    assert unnamed and any(JOINED in (o["country"] or "") for o in latest)
    open_view(page, dash, "?market=缩微机械&view=trade", "#sources-chart canvas")
    series = chart_series(page, "sources-chart")
    apart = sorted(i for sr in series if sr["id"] == "combined" for i, _ in sr["data"])
    assert set(unnamed) <= set(apart)
    assert apart == sorted(o["obs_id"] for o in latest if not o["country"] or JOINED in o["country"])
    stacked = {i for sr in series if sr["id"].startswith("partner|") for i, _ in sr["data"]}
    assert stacked == {o["obs_id"] for o in latest if o["country"] and JOINED not in o["country"]}
    page.watch.assert_clean()


def test_a_records_figure_opens_its_customs_lines(page, dash, shots):
    """Clicking a figure computed from customs lines shows its formula and the first page of the lines behind
    it (month, flow, HS code, partner, province, value, share) as the API lists them; Σ value × share over all
    the lines is the figure in dollars, and × the year's rate its value in yuan. The default record set gives
    every market its import sources, so none says it has none."""
    from decimal import Decimal

    market = "MEMS"
    open_view(page, dash, f"?market={market}&view=trade", "#trade-chart canvas")
    assert page.locator("[data-testid=sources-none]").count() == 0
    cell = page.locator("[data-testid=trade-cell][data-indicator=imports_value]").first
    oid = int(cell.get_attribute("data-obs"))
    cell.locator("button").click()
    page.wait_for_selector(f"[data-testid=panel][data-obs='{oid}'] [data-testid=panel-lines-table]")
    o = dash.client.get(f"/api/observations/{oid}").json()["observation"]
    assert o["method"] == "records" and o["formula"] and o["formula"] in page.inner_text("[data-testid=panel]")
    assert page.inner_text("[data-testid=panel-location]") == o["location"] == "records:customs_cn:import"
    first = dash.client.get("/api/records/lines", params={"figure": oid, "limit": 50}).json()
    assert first["total"] > first["count"] == 50
    assert page.get_attribute("[data-testid=panel-lines]", "data-total") == str(first["total"])
    assert page.inner_text("[data-testid=lines-total]").startswith(f"共 {first['total']} 条记录,显示前 50 条")
    rows = page.locator("[data-testid=line-row]")
    assert rows.evaluate_all("els => els.map(e => [e.dataset.value, e.dataset.share])") == \
        [[ln["value"], ln["share"]] for ln in first["items"]]
    for i in (0, 49):
        ln, text = first["items"][i], rows.nth(i).inner_text()
        for part in (f"{ln['year']}-{ln['month']:02d}", "进口", ln["hs_code"], ln["partner_iso3"], ln["province"]):
            assert part in text
    shoot(page, shots, f"trade-{market}-lines")
    total, offset = Decimal(0), 0
    while offset < first["total"]:
        pg = dash.client.get("/api/records/lines", params={"figure": oid, "limit": 500, "offset": offset}).json()
        total += sum(Decimal(ln["value"]) * Decimal(ln["share"]) for ln in pg["items"])
        offset += pg["count"]
    assert o["unit_as_printed"] == "美元" and total == Decimal(o["value_as_printed"])
    rate = Decimal(re.search(r"USD→CNY at (?:\d{4}'s rate )?(\d+\.\d+)", o["note"]).group(1))
    assert float(total * rate) == pytest.approx(o["value"], rel=1e-9)
    # in English, from the URL; a stated figure has no lines
    open_view(page, dash, f"?market={market}&view=trade&lang=en&fig={oid}", "[data-testid=panel-lines-table]")
    assert page.inner_text("[data-testid=lines-total]").startswith(f"{first['total']} lines in all, the first 50 shown")
    assert "Customs lines behind this figure" in page.inner_text("[data-testid=panel]")
    assert page.locator("[data-testid=tab-trade]").inner_text() == "Trade"
    open_view(page, dash, "?market=成像仪&view=trade", "[data-testid=trade-stated]")
    page.locator("[data-testid=trade-stated] button").first.click()
    page.wait_for_selector("[data-testid=panel] [data-testid=quote]")
    assert page.locator("[data-testid=panel-lines]").count() == 0
    page.watch.assert_clean()


@pytest.mark.parametrize("since", ["first", "before-revision"])
def test_changes_show_the_api_diff(page, dash, shots, since):
    since = "1" if since == "first" else str(dash.revision - 1)
    diff = dash.client.get("/api/diff", params={"since": since, "limit": 10000}).json()
    open_view(page, dash, f"?market=成像仪&view=changes&since={since}", "[data-testid=diff-counts]")
    for k in ("new", "revised", "withdrawn"):
        assert page.inner_text(f"[data-testid=count-{k}]") == str(diff["counts"][k])
    mine = [c for c in diff["changes"] if c["subject"] == "成像仪"]
    assert page.inner_text("[data-testid=diff-market-count]") == f"本市场 {len(mine)} 条"
    assert page.locator("[data-testid=since-pick]").input_value() == since
    if since != "1":  # the revision load: two revisions and one new figure, old and new side by side
        assert diff["counts"] == {"new": 1, "revised": 2, "withdrawn": 0}
        rows = page.locator("[data-testid=diff-table] tbody tr")
        assert rows.count() == 3
        text = page.inner_text("[data-testid=diff-table]")
        for c in mine:
            assert c["printed_new"] in text
            if c["change"] == "revised":
                assert c["printed_old"] in text
        shoot(page, shots, "changes-成像仪-before-revision")
    else:
        shoot(page, shots, "changes-成像仪-since-v1")
    page.watch.assert_clean()


def test_api_errors_are_shown(page, dash, shots):
    """A refused request shows the API's problem+json detail on the page (the browser logs the 404 itself)."""
    open_view(page, dash, "?market=成像仪&view=changes&since=v99")
    page.wait_for_selector("#diff-body [data-testid=problem]")
    want = dash.client.get("/api/diff", params={"since": "v99"}).json()
    assert want["status"] == 404
    assert want["detail"] in page.inner_text("#diff-body")
    assert page.locator("#errors [data-testid=problem]").count() == 0  # shown in place, not twice
    shoot(page, shots, "changes-error")
    page.click("[data-testid=tab-overview]")  # elsewhere, the banner keeps it until dismissed
    page.wait_for_selector("#errors [data-testid=problem]")
    assert want["detail"] in page.inner_text("#errors")
    page.click("#errors [data-dismiss]")
    assert page.locator("#errors [data-testid=problem]").count() == 0
    page.watch.assert_clean(allow=("404",))
    assert [t for k, t in page.watch.console if k == "error"]  # the failed request was logged, and only it


def test_page_is_served_from_the_package(dash):
    r = dash.client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-Hans">' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    js = dash.client.get("/static/echarts.min.js")
    assert js.status_code == 200 and hashlib.sha256(js.content).hexdigest() == ECHARTS_SHA256
    assert js.content == (STATIC / "echarts.min.js").read_bytes()
    assert "Apache License" in dash.client.get("/static/echarts.LICENSE.txt").text
    # no file of ours names anything outside this server
    for f in STATIC.iterdir():
        if f.suffix in (".html", ".js", ".css") and f.name != "echarts.min.js":
            assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", f.read_text(encoding="utf-8")), f
    # the dashboard is not part of the API's OpenAPI document
    paths = dash.client.get("/api/openapi.json").json()["paths"]
    assert all(p.startswith("/api/") for p in paths)
    miss = dash.client.get("/static/nothing.js")
    assert miss.status_code == 404 and miss.headers["content-type"] == "application/problem+json"


# ---- the report's wording: format.js is the presentation layer's, the panel reads like a footnote ----------
FORMAT_CASES = st.fixed_dictionaries({
    "v": st.floats(-1e13, 1e13), "w": st.floats(-1e13, 1e13),
    "unit": st.sampled_from(["元", "个", "元/个", "%", "家", "天", "", "TOPS", "百分点", "倍", "片"]),
    "lang": st.sampled_from(["zh", "en"]), "q": st.sampled_from(["exact", "about", "at_least", "at_most", "range"]),
    "d": st.integers(0, 3),
})
FORMAT_JS = """async (cases) => {
  const f = await import("/static/format.js");
  const { state } = await import("/static/state.js");
  const before = state.lang;
  const out = cases.map((c) => {
    state.lang = c.lang;
    const lo = Math.min(c.v, c.w), hi = Math.max(c.v, c.w);
    return [f.significant(c.v), f.significant(c.v, undefined, true), f.fixed(c.v, c.d), f.signed(c.v, c.d),
      f.signedPercent(c.v, c.d), f.quantity(c.v, c.unit),
      f.figure({ value: c.v, qualifier: c.q, value_high: Math.abs(c.v) + Math.abs(c.w), unit: c.unit }),
      f.interval(lo, hi, c.unit), f.interval(lo, hi, c.unit, { grouping: true }),
      f.interval(lo, hi, "", { digits: c.d, sign: true }), f.columnUnit(c.unit, [c.v, c.w])];
  });
  state.lang = before;
  return out;
}"""


def _present(c: dict) -> list:
    from sectorscope.present import (
        column_unit,
        figure,
        fixed,
        interval,
        quantity,
        signed,
        signed_percent,
        significant,
    )

    lo, hi, lang = min(c["v"], c["w"]), max(c["v"], c["w"]), c["lang"]
    return [significant(c["v"]), significant(c["v"], grouping=True), fixed(c["v"], c["d"]), signed(c["v"], c["d"]),
            signed_percent(c["v"], c["d"]), quantity(c["v"], c["unit"], lang=lang),
            figure(c["v"], c["q"], abs(c["v"]) + abs(c["w"]), c["unit"], lang=lang),
            interval(lo, hi, c["unit"], lang=lang), interval(lo, hi, c["unit"], lang=lang, grouping=True),
            interval(lo, hi, digits=c["d"], sign=True), list(column_unit(c["unit"], [c["v"], c["w"]]))]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(FORMAT_CASES, min_size=200, max_size=200))
def test_format_js_words_a_figure_as_the_presentation_layer_does(page, dash, cases):
    """The dashboard's format.js and sectorscope.present give one string for one value, rule and language:
    the stated rule, fixed and signed forms, display units, figures and intervals (ties rounded to even, as
    Python does)."""
    if not page.url.startswith(dash.base):
        open_view(page, dash, "?market=成像仪", ".card")
    got = page.evaluate(FORMAT_JS, cases)
    want = [_present(c) for c in cases]
    for c, g, w in zip(cases, got, want, strict=True):
        assert g == w, c


def _panel_facts(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#panel-body dt')]
        .map((dt) => [dt.textContent, dt.nextElementSibling.textContent]))""")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_figure_reads_in_the_panel_as_in_the_report(page, dash, lang):
    """A model forecast's intervals in the panel are its report footnote's; a stated figure's qualifier and
    status are the glossary's words, its value the API's `printed` — in either language."""
    from sectorscope.present import qualifier_name, term
    from sectorscope.report.cite import Citations

    items = dash.client.get("/api/observations", params={"subject": "成像仪", "limit": 10000}).json()["items"]
    fc = next(o for o in items if o["kind"] == "model_forecast" and o["indicator"] == "market_size")
    notes = Citations({}, lang)
    footnote = notes.items[notes.cite(fc) - 1]  # the report's footnote of this figure, in this language
    open_view(page, dash, f"?market=成像仪&lang={lang}&fig={fc['obs_id']}", "[data-testid=panel] dl")
    shown = _panel_facts(page)
    i80, i95 = (v for k, v in shown.items() if "80" in k), (v for k, v in shown.items() if "95" in k)
    assert footnote.interval == f"80% {next(i80)}; 95% {next(i95)}"
    assert "亿元" in footnote.interval if lang == "zh" else "CNY 100 m" in footnote.interval
    stated = next(o for o in items if o["kind"] == "stated" and o["qualifier"] == "at_least" and o["value_as_printed"])
    open_view(page, dash, f"?market=成像仪&lang={lang}&fig={stated['obs_id']}", "[data-testid=panel] dl")
    shown = _panel_facts(page)
    assert qualifier_name("at_least", lang) in shown.values()
    assert page.inner_text("[data-testid=panel-value]") == printed_of(dash, [stated["obs_id"]])[stated["obs_id"]]
    assert page.inner_text("[data-testid=panel] .badge") == term("status", stated["status"], lang)
    page.watch.assert_clean()
