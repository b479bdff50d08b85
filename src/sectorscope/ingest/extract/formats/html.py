"""An HTML page: its main text, by trafilatura, with its tables as pipe tables.

Why trafilatura: a saved report page is mostly navigation, sidebars, related links and scripts, and their
numbers (view counts, dates, a script's constants) are not the report's figures. trafilatura keeps the main
text and drops `<script>`/`<style>` outright; a page that is only navigation gives no main text, which is an
empty extraction, not an error.

Why its XML output and not its Markdown: the XML keeps a table's `<row>`/`<cell>` structure, so the cells
are the page's own; its Markdown turns a caption row into a header and repeats the separator.

Why the declared charset first: Chinese pages are still served in GB2312/GBK and Big5 with a `<meta
charset>`; the page's own word is better than a guess, and the guess (decode_report) is the fallback.
"""
from __future__ import annotations

import codecs
import re
from typing import Any

from ....errors import InputError
from ..document import Document, decode_report
from .pipe import pipe_table

__all__ = ["declared_charset", "decode_html", "read_html"]

_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# a declared GB2312/GBK page is decoded as GB18030, the superset, as browsers do (WHATWG Encoding)
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


def declared_charset(data: bytes) -> str | None:
    """The codec named by the page's `<meta charset>` (or http-equiv Content-Type) in its first 4 KB, if
    Python knows it."""
    m = _META.search(data[:4096])
    if not m:
        return None
    label = m.group(1).decode("ascii", "replace").lower()
    try:
        codec = codecs.lookup(_SUPERSET.get(label, label)).name
    except LookupError:
        return None
    return codec


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): a BOM, else the declared charset if the bytes decode in it, else decode_report's
    heuristics (UTF-8, GB18030, Big5)."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = declared_charset(data)
        if enc:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                pass  # the page lies about itself: guess
    return decode_report(data, name)


def read_html(data: bytes, name: str) -> Document:
    """Main text of the page: headings, paragraphs and list items a line each, tables as pipe tables."""
    html, enc = decode_html(data, name)
    import trafilatura
    from lxml import etree

    try:
        xml = trafilatura.extract(html, output_format="xml", include_tables=True, include_comments=False,
                                  include_images=False, include_links=False, deduplicate=False,
                                  with_metadata=False)
    except Exception as exc:  # trafilatura/lxml on a page lxml cannot parse at all
        raise InputError(f"is not a readable HTML page ({type(exc).__name__}): save the page again, or "
                         "give its text", file=name) from None
    lines: list[str] = []
    if xml:
        main = etree.fromstring(xml.encode("utf-8")).find("main")
        if main is not None:
            _lines(main, lines)
    text = "\n".join(lines).strip("\n")
    return Document.from_text(text + "\n" if text else "", name=name, encoding=enc, format="html")


def _lines(node: Any, out: list[str]) -> None:
    for child in node:
        tag = child.tag
        if tag == "table":
            rows = [["".join(c.itertext()) for c in row.iter("cell")] for row in child.iter("row")]
            table = pipe_table(rows)
            if table:
                out.extend(table)
                out.append("")
            else:
                out.extend(" ".join(c.strip() for c in r if c.strip()) for r in rows)
        elif tag in ("list", "div", "section"):
            _lines(child, out)
        else:
            text = " ".join("".join(child.itertext()).split()) if tag != "code" else "".join(child.itertext())
            if text:
                out.append(text)
