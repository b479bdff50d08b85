"""The PDF, read back with poppler: the Chinese headings and the store's numbers are in its text, every font
is embedded, and the CJK font covers every character the report uses (so no .notdef box is drawn)."""
from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from fontTools.ttLib import TTFont

from sectorscope.report import build_report_data, render_html
from sectorscope.report.cite import format_cell
from sectorscope.report.fonts import cjk_font_path
from sectorscope.report.pdf import write_pdf
from sectorscope.report.publishing import report_inputs

from .conftest import FIXED, RULES

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing: run make install")


@pytest.fixture(scope="module")
def zh(full_store):
    inputs = report_inputs(full_store, full_store.latest_vintage(), rules=RULES)
    return build_report_data(full_store, lang="zh", inputs=inputs, generated=FIXED)


@pytest.fixture(scope="module")
def pdf(zh, tmp_path_factory):
    return write_pdf(zh, tmp_path_factory.mktemp("pdf") / "report.zh.pdf")


@pytest.fixture(scope="module")
def text(pdf):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_chinese_headings(text):
    for heading in ("行业研究数据报告", "市场规模与预测", "供需诊断:供需弹性指数", "产业链瓶颈与工艺差距",
                    "国产化与进口替代空间", "技术成熟度 × 需求(双轨评估)", "综合指数与名次区间", "审计发现", "预警",
                    "自上一版本以来的变化", "来源与引文"):
        assert heading in text, heading


def test_numbers_equal_the_store(zh, text):
    """Every number of the market, supply-demand, TRL and index tables, as the page prints it, is in the PDF's
    text: the PDF shows the same numbers as the store."""
    compact = re.sub(r"\s+", " ", text)
    checked = 0
    for table in zh.tables():
        if not (table.key.startswith(("market_", "supply_demand", "trl_demand", "index_")) or table.key == "forecast_summary"):
            continue
        for row in table.rows:
            for col in table.columns:
                if col.kind == "text" or row[col.key] is None:
                    continue
                printed = format_cell(row[col.key], col)
                assert printed in compact, (table.key, col.key, printed)
                checked += 1
    assert checked > 300


def test_every_font_is_embedded(pdf):
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    for r in rows:
        emb = r[-5]
        assert emb == "yes", r
        assert "Noto" in r[0], r  # the CJK family throughout, no fallback font picked for a missing glyph


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chars: set[str] = set()
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "title")

    def handle_data(self, data):
        if not self.skip:
            self.chars |= set(data)


def test_the_font_covers_every_character(zh):
    """Each character of the page — tables, quotes, chart labels — has a glyph in Noto Sans CJK; a missing one
    would be drawn as a .notdef box."""
    parser = _Text()
    parser.feed(render_html(zh, for_print=True))
    cmap = TTFont(str(cjk_font_path()), fontNumber=0, lazy=True).getBestCmap()
    missing = sorted(c for c in parser.chars if not c.isspace() and ord(c) not in cmap)
    assert not missing, [f"U+{ord(c):04X} {c}" for c in missing]
    assert len(parser.chars) > 1000  # the check saw the report's text


def test_pages_render(pdf, tmp_path):
    """pdftoppm draws the first pages (the ones a person looked at, with the charts)."""
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 5000 for p in pages)
