"""The PDF: the HTML report with its print styles, laid out by WeasyPrint.

WeasyPrint rather than a headless browser: it is a Python library with no browser to install, it reads
the same HTML and the inline SVG charts, and it embeds (subsets) the Noto CJK font fontconfig finds — the
font the Makefile installs from Debian. The cost is speed: it lays out tables slowly, so the PDF is the
compact report (no appendix of every stated figure, the first 60 changes) with fixed table layout — about
20 s for ~60 pages (docs/decisions.md).
"""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from ..errors import PdfError
from .document import ReportData
from .html import render_html

__all__ = ["PdfError", "write_pdf"]


def write_pdf(data: ReportData, path: str | Path) -> Path:
    """Lay out the report and write it to `path` atomically (a temporary file renamed into place)."""
    try:
        import weasyprint
    except OSError as exc:  # Pango missing: WeasyPrint loads it with ctypes when imported
        raise PdfError(f"WeasyPrint cannot load its system libraries ({exc}); run `make install`, which "
                       "apt-gets Pango and the Noto CJK font") from exc
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(data, for_print=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    # WeasyPrint warns once per inline-SVG element about CSS properties it reads from attributes instead
    # ("Ignored `fill: …`"); the PDF is right, and hundreds of such lines would bury the run's output.
    log = logging.getLogger("weasyprint")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        weasyprint.HTML(string=html).write_pdf(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it private; the PDF is as readable as any other output
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        log.setLevel(level)
    return path
