"""Reading PDF, DOCX and HTML reports: the text in order, tables as pipe-table cells, pages, bad input refused
with an InputError (never a traceback). Every fixture is built here: PDFs by WeasyPrint (a real text layer
in Noto CJK; a bordered <table> is a ruled table), DOCX by python-docx, HTML as strings."""
from __future__ import annotations

import contextlib
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sectorscope.cli.main import app
from sectorscope.errors import InputError, Reason
from sectorscope.ingest.extract import extract_file, read_report
from sectorscope.ingest.extract.formats import sniff
from sectorscope.ingest.extract.formats.pdf import unwrap
from sectorscope.ingest.extract.formats.pipe import pipe_table

FIGURE = "2025年中国MEMS市场规模达到1200亿元，同比增长12.5%。"
P1 = "MEMS传感器广泛用于消费电子与汽车电子。"
P2 = "行业集中度进一步提高，前五家企业合计份额为55%。"
TABLE = [["年份", "市场规模(亿元)", "增速"], ["2023", "950", "8.1%"], ["2024", "1067", "12.3%"]]
PIPE = ["| 年份 | 市场规模(亿元) | 增速 |", "|---|---|---|", "| 2023 | 950 | 8.1% |", "| 2024 | 1067 | 12.3% |"]
CSS = ("body{font-family:'Noto Sans CJK SC';font-size:11pt} .break{page-break-before:always} "
       "table{border-collapse:collapse} td,th{border:1px solid black;padding:2px 6px}")


def _html_table(rows=TABLE) -> str:
    head = "".join(f"<th>{c}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows[1:])
    return f"<table><tr>{head}</tr>{body}</table>"


def make_pdf(body: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>{body}</body>"
                       "</html>").write_pdf()


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    return make_pdf(f"<h1>MEMS行业研究报告</h1><p>{P1}</p><p>表1 中国MEMS市场规模</p>{_html_table()}<p>{P2}</p>"
                    f"<p class='break'>{FIGURE}</p>")


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("MEMS行业研究报告", 1)
    d.add_paragraph(P1)
    t = d.add_table(rows=1 + len(TABLE), cols=3)
    t.style = "Table Grid"
    caption = t.rows[0].cells[0].merge(t.rows[0].cells[2])
    caption.text = "表1 中国MEMS市场规模"
    for i, row in enumerate(TABLE, start=1):
        for j, v in enumerate(row):
            t.rows[i].cells[j].text = v
    d.add_paragraph(P2)
    d.add_paragraph(FIGURE)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


HTML_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>MEMS行业研究</title>
<script>var views = "2024年市场规模达到999亿元"; var n = 31415926;</script>
<style>.x {{ width: 880px }}</style></head>
<body><nav><a href="/">首页</a> <a href="/news">新闻</a> <a href="/data">数据</a></nav>
<article><h1>MEMS行业研究报告</h1><p>{P1}</p><p>{P2}</p>
<table><caption>表1 中国MEMS市场规模</caption>{_html_table()[7:-8]}</table>
<p>{FIGURE}</p><script>document.write("2023年市场规模达到888亿元")</script></article>
<footer>版权所有 © 2025 某某网</footer></body></html>"""


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _the_figure(path: Path):
    ex = extract_file(path)
    doc = ex.document
    hits = [c for c in ex.candidates if c.indicator == "market_size" and c.printed == 1200]
    assert len(hits) == 1, [(c.indicator, c.value_as_printed) for c in ex.candidates]
    c = hits[0]
    assert (c.unit_as_printed, c.period, c.value) == ("亿元", "2025", 1200 * 1e8)
    assert c.quote == doc.original[c.quote_start:c.quote_end]
    assert doc.original[c.start:c.end] == "1200亿元"
    return ex, c


# ---- PDF ----------------------------------------------------------------------------------------------------

def test_pdf_text_in_order_with_the_ruled_table_as_cells(tmp_path, report_pdf):
    doc = read_report(_write(tmp_path, "r.pdf", report_pdf))
    assert doc.format == "pdf" and len(doc.pages) == 2
    text = doc.original
    order = [text.index(s) for s in ("MEMS行业研究报告", P1, "表1 中国MEMS市场规模", PIPE[0], P2, FIGURE)]
    assert order == sorted(order)
    lines = text.splitlines()
    i = lines.index(PIPE[0])
    assert lines[i:i + 4] == PIPE


def test_pdf_page_of_a_figure_on_page_two(tmp_path, report_pdf):
    path = _write(tmp_path, "r.pdf", report_pdf)
    ex, c = _the_figure(path)
    assert ex.document.page_of(c.start) == 2 and c.page == 2
    assert ex.document.page_of(ex.document.original.index(P1)) == 1
    assert ex.document.original[ex.document.pages[1]:].startswith(FIGURE)


def test_cli_json_and_review_carry_the_page(tmp_path, report_pdf):
    path = _write(tmp_path, "r.pdf", report_pdf)
    review = tmp_path / "review.csv"
    res = CliRunner().invoke(app, ["extract", str(path), "--format", "json", "--review", str(review)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    fig = next(r for r in rows if r["indicator"] == "market_size" and r["printed"] == 1200)
    assert fig["page"] == 2
    import csv

    with open(review, encoding="utf-8-sig") as fh:
        rec = next(r for r in csv.DictReader(fh) if r["indicator"] == "market_size" and r["value"] == "1200")
    assert rec["page"] == "2"


def test_a_text_report_has_no_pages(tmp_path):
    ex = extract_file(_write(tmp_path, "r.txt", FIGURE.encode()))
    assert ex.document.format == "text" and ex.document.pages == []
    assert ex.document.page_of(3) is None and all(c.page is None for c in ex.candidates)


def test_soft_line_breaks_are_joined_but_not_paragraphs_or_tables():
    page = ("2025年中国MEMS市场规模达到1200亿\n"
            "元，同比增长12.5%。消费电子仍是最大。\n"
            "短标题\n"
            "年份     规模     增速\n"
            "2024     1067     12.3%\n")
    assert unwrap(page) == ("2025年中国MEMS市场规模达到1200亿元，同比增长12.5%。消费电子仍是最大。\n短标题\n"
                            "年份     规模     增速\n2024     1067     12.3%")
    assert unwrap("The market grew to USD 12.5\nbillion in 2025 and kept\ngrowing.") == \
        "The market grew to USD 12.5 billion in 2025 and kept growing."


def test_image_only_pdf_is_refused_as_scanned(tmp_path):
    pdf = make_pdf("<svg width='300' height='200'><rect width='300' height='200' fill='#888'/></svg>")
    with pytest.raises(InputError, match=r"no text layer \(a scanned PDF\?\): sectorscope does not OCR") as exc:
        read_report(_write(tmp_path, "scan.pdf", pdf))
    assert "scan.pdf" in str(exc.value)


def test_encrypted_pdf_is_refused(tmp_path, report_pdf):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for page in PdfReader(io.BytesIO(report_pdf)).pages:
        w.add_page(page)
    w.encrypt("secret", algorithm="AES-256")
    buf = io.BytesIO()
    w.write(buf)
    with pytest.raises(InputError, match="is encrypted"):
        read_report(_write(tmp_path, "locked.pdf", buf.getvalue()))


@pytest.mark.parametrize("cut", [20, 400])
def test_truncated_pdf_is_an_input_error(tmp_path, report_pdf, cut):
    with pytest.raises(InputError, match=r"r\.pdf"):
        read_report(_write(tmp_path, "r.pdf", report_pdf[:cut]))


def test_oversize_pdf_is_refused_before_parsing(tmp_path):
    p = tmp_path / "big.pdf"
    with open(p, "wb") as fh:  # sparse: 200 MB that no parser may open
        fh.write(b"%PDF-1.7\n")
        fh.seek(200 * 2**20 - 1)
        fh.write(b"\0")
    with pytest.raises(InputError, match=r"200\.0 MB, above the 50 MB limit") as exc:
        read_report(p)
    assert exc.value.reason is Reason.TOO_LARGE


# ---- DOCX ---------------------------------------------------------------------------------------------------

def test_docx_paragraphs_and_table_in_body_order(tmp_path):
    doc = read_report(_write(tmp_path, "r.docx", make_docx()))
    assert doc.format == "docx" and doc.pages == []
    lines = doc.original.splitlines()
    # the caption merged across the first row comes out as a line above the table
    assert lines[:2] == ["MEMS行业研究报告", P1]
    assert lines[2:7] == ["表1 中国MEMS市场规模", *PIPE]
    assert lines[7:] == ["", P2, FIGURE]


def test_docx_figure(tmp_path):
    _the_figure(_write(tmp_path, "r.docx", make_docx()))


def test_docx_merged_cells_are_repeated():
    import docx

    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    for i, row in enumerate([["产品", "2024", "2025"], ["传感器", "500", "560"], ["", "510", "570"]]):
        for j, v in enumerate(row):
            t.rows[i].cells[j].text = v
    t.rows[1].cells[0].merge(t.rows[2].cells[0])
    buf = io.BytesIO()
    d.save(buf)
    with tempfile.TemporaryDirectory() as tmp:
        doc = read_report(_write(Path(tmp), "m.docx", buf.getvalue()))
    assert doc.original.splitlines()[2:4] == ["| 传感器 | 500 | 560 |", "| 传感器 | 510 | 570 |"]


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A .docx-looking ZIP whose one media member inflates to 300 MB of zeros (300 KB on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
        with zf.open("word/media/image1.png", "w", force_zip64=True) as fh:
            zeros = bytes(2**20)
            for _ in range(300):
                fh.write(zeros)
    return buf.getvalue()


def test_zip_bomb_is_refused_unopened(tmp_path, zip_bomb):
    assert len(zip_bomb) < 2 * 2**20
    with pytest.raises(InputError, match="ZIP bomb") as exc:
        read_report(_write(tmp_path, "report.docx", zip_bomb))
    assert exc.value.reason is Reason.TOO_LARGE


def test_a_bomb_of_one_small_member_by_ratio(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (20 * 2**20))
    with pytest.raises(InputError, match=r"compressed .*:1"):
        read_report(_write(tmp_path, "r.docx", buf.getvalue()))


def test_docx_that_is_text_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"named \.docx but is not a Word document \(not a ZIP archive\)"):
        read_report(_write(tmp_path, "r.docx", FIGURE.encode()))


def test_zip_without_document_xml_is_not_word(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match=r"no word/document\.xml"):
        read_report(_write(tmp_path, "r.docx", buf.getvalue()))


def test_old_word_doc_is_refused(tmp_path):
    with pytest.raises(InputError, match="old-format Office"):
        read_report(_write(tmp_path, "r.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)))


# ---- HTML ---------------------------------------------------------------------------------------------------

def test_html_main_text_and_table_cells_without_scripts(tmp_path):
    path = _write(tmp_path, "page.html", HTML_PAGE.encode("gb18030"))
    doc = read_report(path)
    assert doc.format == "html" and doc.encoding == "gb18030"
    text = doc.original
    assert "999" not in text and "888" not in text and "31415926" not in text and "width" not in text
    assert "首页" not in text and "版权所有" not in text
    lines = text.splitlines()
    i = lines.index(PIPE[0])
    assert lines[i - 1] == "表1 中国MEMS市场规模" and lines[i:i + 4] == PIPE
    assert text.index(P1) < text.index(P2) < text.index(PIPE[0]) < text.index(FIGURE)
    ex, _ = _the_figure(path)
    assert not [c for c in ex.candidates if c.printed in (999, 888, 31415926)]


def test_html_charset_lie_falls_back_to_the_heuristics(tmp_path):
    page = HTML_PAGE.replace("gb2312", "utf-8").encode("gb18030")  # says UTF-8, is GB18030
    doc = read_report(_write(tmp_path, "page.htm", page))
    assert doc.encoding == "gb18030" and FIGURE in doc.original


def test_navigation_only_page_is_an_empty_extraction(tmp_path):
    page = ("<!doctype html><html><head><title>导航</title><script>var a=2025, b=1200;</script></head><body>"
            "<nav><ul>" + "".join(f"<li><a href='/c{i}'>栏目{i}</a></li>" for i in range(30)) + "</ul></nav>"
            "<footer><a href='/about'>关于我们</a></footer></body></html>")
    ex = extract_file(_write(tmp_path, "nav.html", page.encode()))
    assert ex.candidates == [] and ex.document.format == "html"


def test_content_decides_not_the_extension(tmp_path, report_pdf):
    assert read_report(_write(tmp_path, "a.txt", report_pdf)).format == "pdf"
    assert read_report(_write(tmp_path, "b.pdf.download", make_docx())).format == "docx"
    assert read_report(_write(tmp_path, "c.txt", HTML_PAGE.encode("gb18030"))).format == "html"
    assert read_report(_write(tmp_path, "d.html", FIGURE.encode())).format == "text"
    with pytest.raises(InputError, match=r"named \.pdf but is not a PDF"):
        read_report(_write(tmp_path, "e.pdf", FIGURE.encode()))


@pytest.mark.parametrize("head,kind", [
    (b"%PDF-1.4\n", "pdf"), (b"\n\n junk %PDF-1.7", "pdf"), (b"PK\x03\x04rest", "zip"),
    (b"\xef\xbb\xbf<!DOCTYPE html><html>", "html"), (b"  <!-- saved --> <HTML lang=zh>", "html"),
    (b"<?xml version='1.0'?>\n<html xmlns='x'>", "html"), ("<html>".encode("utf-16"), "html"),
    ("2025年<html>不是开头".encode(), "text"), (b"<p>a fragment</p>", "text"),
])
def test_sniff(head, kind):
    assert sniff(head) == kind


def test_pipe_table_shapes():
    assert pipe_table([["a"], ["b"]]) == []          # one column: not a table of cells
    assert pipe_table([["标题", "标题"], ["x", "1"], ["y", "2"]]) == ["标题", "| x | 1 |", "|---|---|", "| y | 2 |"]
    assert pipe_table([["市场\n规模", "a|b"], ["1", None]]) == ["| 市场规模 | a\\|b |", "|---|---|", "| 1 |  |"]


# ---- fuzz: damaged files are a Document or an InputError, nothing else ----------------------------------------

def _mutations(data: bytes):
    edits = st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), max_size=8)
    return st.tuples(st.integers(1, len(data)), edits)


def _mutated(data: bytes, cut: int, edits: list[tuple[int, int]]) -> bytes:
    b = bytearray(data)
    for at, byte in edits:
        b[at] = byte
    return bytes(b[:cut])


def _read_or_refuse(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp, contextlib.suppress(InputError):
        read_report(_write(Path(tmp), name, data))


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_PDF = make_pdf(f"<p>{P1}</p>{_html_table()}<p class='break'>{FIGURE}</p>")
_DOCX = make_docx()


@FUZZ
@given(_mutations(_PDF))
def test_fuzz_pdf(m):
    _read_or_refuse("f.pdf", _mutated(_PDF, *m))


@FUZZ
@given(_mutations(_DOCX))
def test_fuzz_docx(m):
    _read_or_refuse("f.docx", _mutated(_DOCX, *m))


@FUZZ
@given(_mutations(HTML_PAGE.encode("gb18030")))
def test_fuzz_html(m):
    _read_or_refuse("f.html", _mutated(HTML_PAGE.encode("gb18030"), *m))
