"""A Word (.docx) report: its paragraphs in body order, each table in its place as a pipe table.

Why the ZIP is inspected before python-docx opens it: a .docx is a ZIP archive, and a small archive can
declare gigabytes (a ZIP bomb) or be some other archive renamed. The central directory's declared sizes are
checked first — zipfile never inflates a member past its declared size, so a lie cannot get past them.

Merged cells come out repeated: python-docx gives a cell merged across columns or rows once per grid cell
it covers, so a row header merged over three rows labels each of them, as a reader would read it.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ....errors import InputError, Reason
from ..document import Document
from .pipe import pipe_table

__all__ = ["MAX_MEMBERS", "MAX_RATIO", "MAX_UNZIPPED_BYTES", "check_zip", "read_docx"]

MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
"""All members together, uncompressed: a 300-page report with images is tens of MB."""
MAX_RATIO = 200
"""Uncompressed / compressed size of one member over 1 MB: XML compresses 5–20×, a bomb 1000×."""
MAX_MEMBERS = 10_000


def check_zip(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse an archive that declares more than it can be a report: too many members, too many bytes
    uncompressed, or one member compressed beyond what real content compresses."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"is a ZIP archive of {len(infos)} files, more than a Word document holds: not a "
                         "report", file=name, reason=Reason.TOO_LARGE)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(f"declares {total / 2**20:.0f} MB uncompressed, above the "
                         f"{MAX_UNZIPPED_BYTES / 2**20:.0f} MB a report unpacks to (a ZIP bomb?): refused "
                         "unopened", file=name, reason=Reason.TOO_LARGE)
    for i in infos:
        if i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise InputError(f"has a member ({i.filename!r}) compressed {i.file_size // max(i.compress_size, 1)}:1, "
                             "far beyond real content (a ZIP bomb?): refused unopened", file=name,
                             reason=Reason.TOO_LARGE)


def read_docx(path: Path, name: str) -> Document:
    """Paragraphs and tables of the body, in order; headers, footers, comments and text boxes are not read."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, name)
            if "word/document.xml" not in zf.namelist():
                raise InputError("is a ZIP archive but not a Word document (no word/document.xml): sectorscope "
                                 "reads .docx, PDF, HTML and text", file=name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"is not a readable Word document (broken ZIP archive: {exc}): a damaged or truncated "
                         "file; save it again", file=name) from None
    import docx
    from docx.table import Table

    try:
        doc = docx.Document(str(path))
        lines: list[str] = []
        for block in doc.iter_inner_content():
            if isinstance(block, Table):
                rows = [[cell.text for cell in row.cells] for row in block.rows]
                table = pipe_table(rows)
                if table:
                    lines.extend(table)
                    lines.append("")
                else:  # one row or one column: its text, as prose
                    lines.extend(" ".join(c for c in r if c.strip()) for r in rows)
            else:
                lines.append(block.text)
    except InputError:
        raise
    except Exception as exc:  # python-docx and lxml raise anything on a damaged part
        raise InputError(f"is not a readable Word document ({type(exc).__name__}: {str(exc)[:200]}): a damaged "
                         "file; open and save it in Word, or export it to PDF", file=name) from None
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise InputError("is a Word document without text: there is nothing to extract", file=name)
    return Document.from_text(text + "\n", name=name, encoding="utf-8", format="docx")
