"""The formats a report arrives in — PDF, DOCX, HTML, text — told apart by their first bytes, each read into
the one `Document` the extractor knows.

Why content and not the extension: reports are mailed, renamed and downloaded through portals that name
every file `download.php` or `.pdf`; the bytes say what a file is. The extension only sharpens a refusal:
a `.docx` that is not a ZIP archive is a broken Word file, not a text file to decode.

Why each format in its own module, imported on first use: a text extract must not pay for pdfplumber,
python-docx or trafilatura at start-up (`python -X importtime`).
"""
from __future__ import annotations

import re
from pathlib import Path

from ....errors import InputError
from ..document import Document, read_text

__all__ = ["read_document", "sniff"]

_HTML = re.compile(rb"\A(?:\s|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                   re.IGNORECASE | re.DOTALL)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .xls before 2007
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(head: bytes) -> str:
    """`pdf`, `zip`, `ole`, `html` or `text` from a file's first bytes (2 KB are plenty).

    A PDF may have bytes before `%PDF-` (readers accept it within the first 1 KB); HTML may open with a BOM,
    whitespace, an XML declaration or comments before its first tag."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    body = head
    for bom in _BOMS:
        if body.startswith(bom):
            body = body[len(bom):]
            if bom != b"\xef\xbb\xbf":  # UTF-16: compare the ASCII bytes only
                body = body.replace(b"\x00", b"")
            break
    return "html" if _HTML.match(body) else "text"


def read_document(path: Path, name: str) -> Document:
    """The report at `path` (its size already checked) as a Document, read by what its bytes are."""
    with open(path, "rb") as fh:
        head = fh.read(2048)
    kind = sniff(head)
    suffix = path.suffix.lower()
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, name)
    if kind == "zip":
        from .docx import read_docx

        return read_docx(path, name)
    if kind == "ole":
        raise InputError("is an old-format Office file (.doc or .xls, before 2007), which sectorscope does not "
                         "read: save it as .docx or PDF and try again", file=name)
    if suffix == ".pdf":
        raise InputError("is named .pdf but is not a PDF (no %PDF- header): a broken download or a renamed "
                         "file; if it is text, rename it to .txt", file=name)
    if suffix in (".docx", ".docm"):
        raise InputError(f"is named {suffix} but is not a Word document (not a ZIP archive): a broken "
                         "download or a renamed file; if it is text, rename it to .txt", file=name)
    data = path.read_bytes()
    if kind == "html" or (suffix in (".html", ".htm", ".xhtml") and data.lstrip()[:1] == b"<"):
        from .html import read_html

        return read_html(data, name)
    return read_text(data, name)
