"""What a rebuilt table is: its name, where it sits, its header and rows; and what reading the tables of a
report yields (the tables, one candidate per resolved cell, the rows left ambiguous, the spans the prose
reader must skip). Its own module because every table reader fills the same result.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..candidate import Ambiguity, Candidate

__all__ = ["Table", "TableResult"]


@dataclass
class Table:
    name: str                 # caption if present, else the header cells joined by " / "
    start: int                # normalised offsets of the whole table in doc.text
    end: int
    key: str                  # row-key header (年份, 产品类别 …)
    columns: list[str]        # value-column headers as printed (normalised)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (row header, cells); [] when ambiguous


@dataclass
class TableResult:
    tables: list[Table] = field(default_factory=list)
    cells: list[Candidate] = field(default_factory=list)
    ambiguities: list[Ambiguity] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

