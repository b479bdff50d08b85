"""The HTML report: every section of the main job, every number cited, Chinese by default, English on
request, nothing fetched from outside."""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sectorscope.ingest import load_paths
from sectorscope.model.observation import FORECAST_SOURCE
from sectorscope.report import ReportInputs, build_report, build_report_data, render_html
from sectorscope.report.publishing import report_inputs
from sectorscope.store import Store

from ..conftest import obs, write_csv
from .conftest import FIXED, RULES

GOLDEN = Path(__file__).with_name("golden")
_EXEMPT_CLASSES = {"meta", "method", "notes"}  # report metadata, method parameters, the footnotes themselves
_EXEMPT_TAGS = {"thead", "nav", "title", "style", "code"}


class _Walker(HTMLParser):
    """Collects every text node that holds a digit with the chain of elements around it."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.numbers: list[tuple[str, list[tuple[str, dict]]]] = []
        self.ids: set[str] = set()
        self.duplicate_ids: list[str] = []
        self.cited: set[int] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                self.duplicate_ids.append(a["id"])
            self.ids.add(a["id"])
        if a.get("data-cite"):
            self.cited |= {int(n) for n in a["data-cite"].split()}
        if tag not in ("br", "img", "meta", "input", "hr", "link"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if re.search(r"\d", data):
            self.numbers.append((data.strip(), list(self.stack)))


def _covered(stack: list[tuple[str, dict]]) -> bool:
    for tag, a in stack:
        if tag in _EXEMPT_TAGS or set(a.get("class", "").split()) & _EXEMPT_CLASSES:
            return True
        if a.get("data-cite"):
            return True
    return False


@pytest.fixture(scope="module")
def inputs(full_store):
    return report_inputs(full_store, full_store.latest_vintage(), rules=RULES)


@pytest.fixture(scope="module")
def zh(full_store, inputs):
    return build_report_data(full_store, lang="zh", inputs=inputs, generated=FIXED)


@pytest.fixture(scope="module")
def zh_html(zh):
    return render_html(zh)


def test_every_number_in_the_page_is_cited(zh_html):
    w = _Walker()
    w.feed(zh_html)
    uncited = [text for text, stack in w.numbers if not _covered(stack)]
    assert not uncited, uncited[:10]
    assert len(w.numbers) > 3000  # the walk saw the tables, not an empty page
    # every citation a row or chart names exists as a footnote, and every footnote is used
    notes = {int(i[3:]) for i in w.ids if i.startswith("fn-")}
    assert w.cited and w.cited <= notes and notes == set(range(1, len(notes) + 1))
    assert not w.duplicate_ids  # the inline charts' ids are scoped by chart


def test_every_row_cites_the_figures_it_shows(zh, full_store):
    cites = {c.n: c for c in zh.citations}
    for table in zh.tables():
        for row, ns in zip(table.rows, table.cites, strict=True):
            assert ns, (table.key, row)
            assert all(n in cites for n in ns)
    kinds = {c.kind for c in zh.citations}
    assert kinds == {"observed", "derived", "forecast"}
    all_obs = full_store.observations().execute()
    full_kind = dict(zip(all_obs["obs_id"].astype(int), all_obs["kind"], strict=True))
    for c in zh.citations:
        if c.kind == "observed":
            assert c.quote and c.source_title, c
        elif c.kind == "derived":
            assert c.formula or c.method, c
        elif full_kind[c.obs_id] == "model_forecast":  # a model forecast: its model, both intervals, the vintage it came from
            assert c.method and c.interval.startswith("80%") and "95%" in c.interval and c.input_vintage, c
        else:  # a CAGR scenario: its rate and formula
            assert full_kind[c.obs_id] == "scenario_projection"
            assert c.location.startswith("预测:") and "CAGR" in c.location and "(1 + " in c.formula, c
    # the appendix cites every stated figure of the store
    obs = full_store.observations().execute()
    stated = set(obs.loc[obs["kind"] == "stated", "obs_id"].astype(int))
    computed = obs["source_id"].isin(["sectorscope", FORECAST_SOURCE]) | (obs["method"] == "records")
    assert stated == set(obs.loc[~computed, "obs_id"].astype(int))
    assert stated <= {c.obs_id for c in zh.citations}


def test_market_table_shows_the_stores_forecast(zh, full_store):
    """The imaging market's 2030 row equals the store's forecast, in 亿元, with its intervals."""
    obs = full_store.observations().execute()
    fc = obs[(obs["kind"] == "model_forecast") & (obs["indicator"] == "market_size")
             & (obs["subject"] == "成像仪") & obs["product"].isna() & (obs["period"] == "2030")].iloc[0]
    table = next(t for t in zh.tables() if t.key == "market_1")
    assert table.title_zh == "成像仪 市场规模(中国)"
    row = next(r for r in table.rows if r["year"] == 2030)
    assert row["mean"] == pytest.approx(fc["value"] / 1e8)
    assert (row["lo95"], row["hi95"]) == pytest.approx((fc["lo95"] / 1e8, fc["hi95"] / 1e8))
    assert row["reported"] == "≥560; 1,050"  # 004: 560亿元以上 and 1050亿元 in 2030, in the order stated
    head = [c.header("zh") for c in table.columns]
    assert head[2] == "预测均值(亿元)"
    observed = [r for r in table.rows if r["observed"] is not None]
    assert [r["year"] for r in observed] == [2023, 2025]


def test_sections_mirror_the_seed_reports(zh, inputs):
    keys = [s.key for s in zh.sections]
    assert keys == ["market", "supply_demand", "bottlenecks", "localisation", "trade", "trl", "regional", "audit",
                    "alerts", "changes", "figures"]
    sd = next(t for t in zh.tables() if t.key == "supply_demand")
    low = next(r for r in sd.rows if r["product"] == "通用型微型电机")
    assert low["index"] == pytest.approx(-0.7725) and low["reading"] == "过剩"
    audit = next(t for t in zh.tables() if t.key == "audit")
    assert len(audit.rows) == 10
    alerts = next(t for t in zh.tables() if t.key == "alerts")
    assert len(alerts.rows) == len(inputs.alerts) > 0
    assert set(zh.charts) >= {"fan_1", "elasticity", "trl_quadrant", "ranks_1", "import_sources"}
    # the manufacturing index ranks foundries and packaging houses separately; 无锡XX公司 is in both
    ranks = {r["label"]: r["rank"] for r in next(t for t in zh.tables() if t.key == "index_1").rows}
    assert ranks["无锡XX公司(代工)"] == 2 and ranks["无锡XX公司(封测)"] == 5
    assert ranks["苏州XX公司(代工)"] == 4 and ranks["苏州XX公司(封测)"] == 3


def test_english_on_request(full_store, inputs):
    html = build_report(full_store, lang="en", inputs=inputs, generated=FIXED)
    assert '<html lang="en">' in html
    for heading in ("Market size and forecasts", "Supply-demand diagnosis", "Audit findings", "Alerts",
                    "What changed since the last vintage", "Sources and quotes"):
        assert heading in html
    assert "市场规模与预测" not in html
    assert "Market size (亿元)" not in html  # units follow the language's header style …
    assert "Forecast mean (CNY 100 m)" in html  # … and its words (the glossary's)


def test_self_contained(zh_html):
    assert "<script" not in zh_html and "<link" not in zh_html and "@import" not in zh_html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", zh_html)
    assert "url(" not in zh_html.replace("url(#", "")  # SVG's own gradients/clips only


def test_changes_section_compares_with_the_previous_load(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    f = write_csv(tmp_path / "a.csv", [obs(value="100", value_as_printed="100", quote="规模100亿元")])
    load_paths(store, [f], sources=sources_csv)
    data = build_report_data(store, inputs=report_inputs(store, 1), generated=FIXED)
    changes = next(s for s in data.sections if s.key == "changes")
    assert not changes.tables and "第一个版本" in changes.text_zh
    write_csv(f, [obs(value="120", value_as_printed="120", quote="规模120亿元")])
    load_paths(store, [f], sources=sources_csv)
    data = build_report_data(store, inputs=report_inputs(store, 2), generated=FIXED)
    table = next(t for t in data.tables() if t.key == "changes")
    assert [(r["change"], r["old"], r["new"]) for r in table.rows] == [("修订", 1e10, 1.2e10)]
    assert "修订 1 项" in next(s for s in data.sections if s.key == "changes").text_zh
    store.close()


def test_quotes_are_escaped(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [write_csv(tmp_path / "x.csv", [obs(quote="<script>alert(1)</script>100")])], sources=sources_csv)
    html = build_report(store, generated=FIXED, inputs=ReportInputs())
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;100" in html
    store.close()


def _normalised(html: str) -> str:
    """The page with each chart reduced to its key (charts have their own tests) and one tag per line."""
    html = re.sub(r"<svg\b.*?</svg>", "<svg/>", html, flags=re.S)
    return re.sub(r">\s*<", ">\n<", html)


def test_golden(zh_html):
    """The whole zh report of the default dataset, normalised, compared with a golden file read through by
    hand. Regenerate with SECTORSCOPE_UPDATE_GOLDEN=1 after checking the diff."""
    path = GOLDEN / "report.zh.html"
    got = _normalised(zh_html)
    if os.environ.get("SECTORSCOPE_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")
