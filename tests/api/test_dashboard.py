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


# ---- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dash(built_store, tmp_path_factory):
    """The served store: the built default store, then v4, a data load revising two figures and adding one."""
    folder = tmp_path_factory.mktemp("dashboard-store")
    store_path = folder / "sectorscope.duckdb"
    shutil.copy(built_store, store_path)
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
    store = Store(store_path)
    summary = load_paths(store, [revision], label="revision")
    store.close()
    assert (summary.vintage_id, summary.n_revised, summary.n_new) == (4, 2, 1)
    srv = start_server(store_path)
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
    ("indices", "MEMS", "#ix-chart canvas"), ("audit", "成像仪", "[data-testid=finding]"),
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
                    "Audit findings", "What changed"]
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


@pytest.mark.parametrize("since", ["1", "3"])
def test_changes_show_the_api_diff(page, dash, shots, since):
    diff = dash.client.get("/api/diff", params={"since": since, "limit": 10000}).json()
    open_view(page, dash, f"?market=成像仪&view=changes&since={since}", "[data-testid=diff-counts]")
    for k in ("new", "revised", "withdrawn"):
        assert page.inner_text(f"[data-testid=count-{k}]") == str(diff["counts"][k])
    mine = [c for c in diff["changes"] if c["subject"] == "成像仪"]
    assert page.inner_text("[data-testid=diff-market-count]") == f"本市场 {len(mine)} 条"
    assert page.locator("[data-testid=since-pick]").input_value() == since
    if since == "3":  # the v4 load: two revisions and one new figure, old and new side by side
        assert diff["counts"] == {"new": 1, "revised": 2, "withdrawn": 0}
        rows = page.locator("[data-testid=diff-table] tbody tr")
        assert rows.count() == 3
        text = page.inner_text("[data-testid=diff-table]")
        for c in mine:
            assert c["printed_new"] in text
            if c["change"] == "revised":
                assert c["printed_old"] in text
        shoot(page, shots, "changes-成像仪-since-v3")
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
