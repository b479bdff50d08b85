"""audit.md of the default dataset: the golden files, read through by hand (moved here from
tests/audit/test_default_audit.py with the writer; the golden files stay in tests/audit/golden)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from sectorscope.audit.output import record_audit
from sectorscope.report.notes import render_audit, write_audit

GOLDEN = Path(__file__).parents[2] / "audit" / "golden"


@pytest.fixture(scope="module")
def default_store(loaded_default_store):
    return loaded_default_store


@pytest.fixture(scope="module")
def result(default_audit):
    return default_audit


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_golden(result, lang):
    """The whole audit.md of the default dataset, read through by hand. Regenerate with
    SECTORSCOPE_UPDATE_GOLDEN=1 after checking the diff."""
    text = render_audit(result, lang=lang)
    path = GOLDEN / f"audit.{lang}.md"
    if os.environ.get("SECTORSCOPE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_record_then_write(default_store, tmp_path):
    """The audit layer records, the note writes: the same text as rendering the result directly."""
    result, views = record_audit(default_store, save=False)
    paths = write_audit(result, tmp_path, ("zh", "en"), house_views=views)
    assert [p.name for p in paths] == ["audit.md", "audit.en.md"]
    assert paths[1].read_text(encoding="utf-8") == (GOLDEN / "audit.en.md").read_text(encoding="utf-8")
