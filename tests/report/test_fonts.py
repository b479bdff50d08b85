"""The Noto Sans CJK font the charts and the reports draw Chinese with (report/fonts.py)."""
from __future__ import annotations

import shutil

import pytest

from sectorscope.errors import SectorscopeError
from sectorscope.report import fonts
from sectorscope.report.fonts import FontError, cjk_font_family, cjk_font_path

from .charts.reading import font_cmap


def test_the_noto_cjk_font_is_found_and_draws_simplified_chinese():
    path = cjk_font_path()
    assert path.is_file() and "NotoSansCJK" in path.name
    assert cjk_font_family() == "Noto Sans CJK SC"
    assert all(ord(ch) in font_cmap() for ch in "市场规模报告预测短缺过剩亿元−±×≤≥")
    # fontconfig (what WeasyPrint draws with) resolves the family to the same file
    if shutil.which("fc-match"):
        assert fonts._from_fontconfig() == path


def test_a_missing_font_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(fonts, "_from_known_paths", lambda: None)
    monkeypatch.setattr(fonts, "_from_fontconfig", lambda: None)
    fonts.cjk_font_path.cache_clear()
    try:
        with pytest.raises(FontError, match=r"install fonts-noto-cjk \(make install does it") as info:
            cjk_font_path()
        assert isinstance(info.value, SectorscopeError)
    finally:
        fonts.cjk_font_path.cache_clear()
