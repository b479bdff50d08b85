"""A PDF's text layer, page by page, with its ruled tables as cells.

Why poppler's `pdftotext -layout` for the text: measured on a 30-page Chinese report it takes 0.08 s
against pdfplumber's 0.87 s (docs/decisions.md, "PDF text: pdftotext, tables: pdfplumber"), keeps the
columns of an unruled table apart with spaces, and runs in its own process — a hostile PDF can hang or
crash it, not us (a time limit, and its exit status, turn that into an InputError).

Why pdfplumber only on some pages: its table finder sees real cells where a table is ruled, but it parses a
page in Python (~0.04 s a page). pdfium (pypdfium2, which pdfplumber needs anyway) counts the paths a page
draws in milliseconds; only pages that draw lines go to pdfplumber, and only pages where it finds a table
take its text instead of poppler's.

Why lines are joined: a PDF breaks a paragraph wherever the page is full, inside a word or a figure
(`1200亿\\n元`), and the extractor reads a figure within a line. A line that fills the page's width and
does not end a sentence is joined to the next; the joined text is the document's original, so offsets and
quotes point into it.
"""
from __future__ import annotations

import logging
import re
import subprocess
import unicodedata
from itertools import islice
from pathlib import Path
from typing import Any

from ....errors import InputError, Reason, SectorscopeError
from ..document import Document
from .pipe import pipe_table

__all__ = ["PAGE_BREAK", "PDFTOTEXT_TIMEOUT", "read_pdf", "unwrap"]

PDFTOTEXT_TIMEOUT = 120.0
"""Seconds pdftotext may take (a 300-page report takes about one): longer is a PDF built to hang a reader."""

PAGE_BREAK = "\n\f\n"
"""Between two pages in the document text: a form feed on a line of its own, so a sentence never runs
across a page break and `pdftotext`'s own page separator is kept."""

_MIN_PATHS = 4        # a ruled table draws at least its four borders
_MIN_TEXT = 16        # fewer non-space characters in the whole PDF: no text layer to speak of
_GAP = re.compile(r"\S {3,}\S")
_END = set("。！？!?；;：:")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def read_pdf(path: Path, name: str) -> Document:
    """Text layer of every page, ruled tables as pipe-table lines, pages joined by PAGE_BREAK; the
    Document's `pages` holds where each page starts."""
    pages = _poppler_pages(path, name)
    if sum(len("".join(p.split())) for p in pages) < _MIN_TEXT:
        raise InputError("has no text layer (a scanned PDF?): sectorscope does not OCR; run OCR first (e.g. "
                         "ocrmypdf) or give the report as text", file=name)
    for i, text in _table_pages(path, [i for i, p in enumerate(pages) if p.strip()]).items():
        pages[i] = text
    starts: list[int] = []
    out: list[str] = []
    at = 0
    for i, page in enumerate(pages):
        if i:
            out.append(PAGE_BREAK)
            at += len(PAGE_BREAK)
        starts.append(at)
        text = unwrap(page)
        out.append(text)
        at += len(text)
    return Document.from_text("".join(out), name=name, encoding="utf-8", format="pdf", pages=starts)


def _poppler_pages(path: Path, name: str) -> list[str]:
    try:
        res = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-eol", "unix", str(path), "-"],
                             capture_output=True, timeout=PDFTOTEXT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise SectorscopeError("pdftotext is not installed, and sectorscope reads a PDF's text with it: install "
                               "poppler-utils (`make system`, or apt-get install poppler-utils)",
                               reason=Reason.MISSING_DEPENDENCY) from None
    except subprocess.TimeoutExpired:
        raise InputError(f"took pdftotext more than {PDFTOTEXT_TIMEOUT:.0f} s to read: a damaged or hostile "
                         "PDF; print it to a new PDF and try again", file=name) from None
    err = res.stderr.decode("utf-8", "replace")
    if res.returncode != 0:
        if "password" in err.lower():
            raise InputError("is encrypted (it needs a password to open): sectorscope does not decrypt; save "
                             "an unprotected copy and try again", file=name)
        first = next((line for line in err.splitlines() if line.strip()), "no reason given")
        raise InputError(f"is not a readable PDF (pdftotext: {first.strip()[:200]}): a damaged or truncated "
                         "file; download it again", file=name)
    pages = res.stdout.decode("utf-8", "replace").split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()  # pdftotext ends the last page with a form feed too
    return pages


def _table_pages(path: Path, candidates: list[int]) -> dict[int, str]:
    """Page index → the page's text with its ruled tables as pipe tables, for pages where pdfplumber finds
    one. Anything these libraries fail on leaves poppler's text as it is: the text was read already."""
    ruled = _ruled(path, candidates)
    if not ruled:
        return {}
    import pdfplumber

    found: dict[int, str] = {}
    quiet = logging.getLogger("pdfminer")  # its warnings on a damaged stream: poppler has read the text
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with pdfplumber.open(path) as pdf:
            for i in ruled:
                text = _page_with_tables(pdf.pages[i])
                if text is not None:
                    found[i] = text
    except Exception:  # pdfminer raises anything on a damaged file; poppler's text stands
        return found
    finally:
        quiet.setLevel(level)
    return found


def _ruled(path: Path, candidates: list[int]) -> list[int]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    out = []
    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # PdfiumError, or worse on a damaged file: no tables, not no text
        return []
    try:
        for i in candidates:
            if i >= len(pdf):
                break
            page = pdf[i]
            paths = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)
            if sum(1 for _ in islice(paths, _MIN_PATHS)) >= _MIN_PATHS:
                out.append(i)
            page.close()
    except Exception:
        return out
    finally:
        pdf.close()
    return out


def _page_with_tables(page: Any) -> str | None:
    tables = []
    for t in page.find_tables():
        lines = pipe_table(t.extract())
        if lines:
            tables.append((t.bbox, lines))
    if not tables:
        return None
    boxes = [b for b, _ in tables]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    items: list[tuple[float, int, str]] = [(line["top"], 0, line["text"])
                                          for line in page.filter(outside).extract_text_lines(return_chars=False)]
    items += [(box[1], 1, "\n".join(lines) + "\n") for box, lines in tables]
    items.sort(key=lambda x: (x[0], x[1]))
    return "\n".join(text for _, _, text in items)


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def unwrap(page: str) -> str:
    """A page's lines with soft line breaks removed: a line joins the next when it is at least 85% as wide
    as the page's widest line, holds no column gap (three spaces: a table), does not end a sentence, and the
    next line starts flush (not indented, not a table row). Between Chinese characters the break is dropped,
    between two Latin words it becomes a space."""
    lines = page.rstrip("\n").split("\n")
    widths = [_width(line.rstrip()) for line in lines]
    full = max(widths, default=0) * 0.85
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        if i + 1 == len(lines):
            break
        nxt = lines[i + 1]
        body = line.rstrip()
        if (body and widths[i] >= full and body[-1] not in _END and not _GAP.search(body)
                and not body.lstrip().startswith("|") and nxt[:1].strip() and not nxt.startswith("|")
                and not _GAP.search(nxt)):
            if _CJK.match(body[-1]) or _CJK.match(nxt[0]):
                out[-1] = body
            else:
                out[-1] = body + " "
        else:
            out.append("\n")
    return "".join(out)
