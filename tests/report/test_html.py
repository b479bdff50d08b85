"""The report: Chinese by default, every number with its source and quote, nothing fetched from outside."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sectorscope.ingest import load_default, load_paths
from sectorscope.report import build_report, format_figure
from sectorscope.store import Store

from ..conftest import obs, write_csv

GOLDEN = Path(__file__).with_name("golden")
FIXED = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def default_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("r") / "s.duckdb")
    load_default(store, loaded_at=FIXED)
    yield store
    store.close()


def test_every_figure_has_a_footnote_with_its_quote(default_store):
    html = build_report(default_store, generated=FIXED)
    n = default_store.observations().count().execute()
    refs = re.findall(r'<sup><a href="#q(\d+)" id="r\1">\[\1\]</a></sup>', html)
    notes = re.findall(r'<li id="q(\d+)">', html)
    assert len(refs) == len(notes) == n
    assert [int(x) for x in notes] == list(range(1, n + 1))
    # every footnote names a seed and quotes it
    for body in re.findall(r'<li id="q\d+">(.*?)</li>', html):
        assert re.search(r"\[seed-00[014]\]", body) and "<q>" in body


def test_chinese_by_default_english_on_request(default_store):
    zh = build_report(default_store, generated=FIXED)
    assert '<html lang="zh-Hans">' in zh and "行业关键指标报告" in zh and "产能利用率" in zh
    assert "缩微机械" in zh and "成像仪" in zh and "MEMS" in zh
    en = build_report(default_store, lang="en", generated=FIXED)
    assert '<html lang="en">' in en and "Key industry indicators" in en and "Capacity utilisation" in en


def test_self_contained(default_store):
    html = build_report(default_store, generated=FIXED)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<script" not in html and "@import" not in html and "url(" not in html


def test_figures_show_qualifier_and_printed_unit():
    assert format_figure("68.3", None, "%", "exact") == "68.3%"
    assert format_figure("320", None, "亿元", "at_least") == "≥320亿元"
    assert format_figure("12", "18", "个月", "range") == "12–18个月"
    assert format_figure("486", None, "亿元", "about") == "约486亿元"
    assert format_figure("486", None, "亿元", "about", "en") == "about 486亿元"


def test_quotes_are_escaped(tmp_path, sources_csv):
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [write_csv(tmp_path / "x.csv", [obs(quote="<script>alert(1)</script>100")])], sources=sources_csv)
    html = build_report(store, generated=FIXED)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;100" in html
    store.close()


def test_golden(default_store):
    """The whole zh report of the default dataset, compared with a golden file read through by hand.
    Regenerate with SECTORSCOPE_UPDATE_GOLDEN=1 after checking the diff."""
    import os

    html = build_report(default_store, generated=FIXED)
    path = GOLDEN / "report.zh.html"
    if os.environ.get("SECTORSCOPE_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8")
