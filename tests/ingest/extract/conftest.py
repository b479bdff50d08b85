"""What the table tests share: the package's lexicon, and the cells `find_tables` finds in a text, keyed by
(row, column)."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from sectorscope.ingest.extract import Candidate, Document, Lexicon
from sectorscope.ingest.extract.lexicon import load_lexicon
from sectorscope.ingest.extract.tables import TableResult, find_tables


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="session")
def cells_of(lexicon: Lexicon) -> Callable[[str], tuple[TableResult, dict[tuple[str, str], Candidate]]]:
    def run(text: str) -> tuple[TableResult, dict[tuple[str, str], Candidate]]:
        res = find_tables(Document.from_text(text), lexicon)
        return res, {(c.cell.row, c.cell.column): c for c in res.cells if c.cell is not None}
    return run
