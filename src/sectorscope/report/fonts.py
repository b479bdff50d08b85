"""The CJK font the charts and the HTML/PDF reports use: Noto Sans CJK SC from Debian's fonts-noto-cjk.

One font everywhere, so a chart's text is measured (by matplotlib) with the same metrics it is drawn with
(by a browser or WeasyPrint), and the simplified-Chinese glyph forms are used (the .ttc holds JP/KR/SC/TC/HK
faces; the SC face is the one whose family is "Noto Sans CJK SC"). The font is found on this machine only:
nothing is ever downloaded. `make install` apt-gets fonts-noto-cjk when it is missing.
"""
from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from ..errors import FontError

__all__ = ["CJK_FAMILY", "FontError", "cjk_font_family", "cjk_font_path"]

CJK_FAMILY = "Noto Sans CJK SC"

# Where Debian's fonts-noto-cjk puts the regular weight (one .ttc for all five CJK locales), then the
# single-locale OpenType files other distributions or a manual install may use.
_KNOWN_PATHS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"),
    Path("/usr/share/fonts/OTF/NotoSansCJKsc-Regular.otf"),
)
_NAME_STEMS = ("NotoSansCJK-Regular", "NotoSansCJKsc-Regular")  # both hold the family "Noto Sans CJK SC"


def _from_fontconfig() -> Path | None:
    """Ask fontconfig (what WeasyPrint uses too) for the family; None unless it answers with a Noto CJK file.

    fc-match always answers, with a fallback font when the family is missing, hence the check on the family
    it actually matched."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        out = subprocess.run(
            [fc_match, "-f", "%{family}|%{file}", f"{CJK_FAMILY}:style=Regular"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    family, _, file = out.partition("|")
    path = Path(file.strip())
    if CJK_FAMILY in family.split(",") and path.is_file() and "CJK" in path.name:
        return path
    return None


def _from_known_paths() -> Path | None:
    """The usual install locations, then a search of the system font folders by file name."""
    for path in _KNOWN_PATHS:
        if path.is_file():
            return path
    roots = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
    for root in roots:
        if not root.is_dir():
            continue
        for stem in _NAME_STEMS:
            hits = sorted(p for p in root.rglob(f"{stem}.*") if p.suffix.lower() in (".ttc", ".otf", ".ttf"))
            if hits:
                return hits[0]
    return None


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """The file of the regular Noto Sans CJK font (a .ttc holding the SC face, or an SC-only .otf).

    Raises FontError, saying how to install it, when the font is not on this machine."""
    path = _from_known_paths() or _from_fontconfig()
    if path is None:
        raise FontError(
            f"the font '{CJK_FAMILY}' is not installed, so charts cannot draw Chinese text: "
            "install fonts-noto-cjk (make install does it: apt-get install fonts-noto-cjk)"
        )
    return path


def cjk_font_family() -> str:
    """The font family name for CSS and matplotlib: "Noto Sans CJK SC" (the simplified-Chinese face)."""
    return CJK_FAMILY
