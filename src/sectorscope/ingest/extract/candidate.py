"""A candidate observation: one figure the extractor read, where it read it, what it thinks it means and
how sure it is. Candidates are proposals for an analyst, so each says *why* it was mapped as it was."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["Ambiguity", "Candidate", "TableCell"]


@dataclass
class TableCell:
    """Where a candidate sits in a rebuilt table."""

    table: str            # the table's name: its caption if it has one, else its header joined
    row: str              # the row header (a year, a product…)
    column: str           # the column header as printed (with its unit)
    row_index: int = 0
    column_index: int = 0


@dataclass
class Candidate:
    printed: float                    # the number as printed, parsed, sign applied (−7.4 for 下降7.4%)
    unit_as_printed: str
    value_as_printed: str
    start: int                        # original offsets of the figure (number + unit)
    end: int
    quote: str                        # the original text of the sentence (or table row) it came from
    quote_start: int
    quote_end: int
    sentence: str = ""                # the normalised sentence, for reading
    printed_high: float | None = None  # upper end of a range, as printed
    value_high_as_printed: str | None = None
    value: float | None = None        # in `unit` (canonical), filled by the extractor from printed + unit
    value_high: float | None = None
    qualifier: str = "exact"
    unit: str = ""                    # canonical unit of the indicator's kind ("" if unknown)
    unit_kind: str = ""
    period: str = ""
    indicator: str = ""
    dimensions: dict[str, str] = field(default_factory=dict)
    status: str = "estimate"
    confidence: float = 0.0
    why: list[str] = field(default_factory=list)
    cell: TableCell | None = None
    kind: str = "prose"               # prose | table
    page: int | None = None           # 1-based page of `start` in a PDF; None where a document has no pages
    phrase: str = ""                  # the words the figure measures, as printed (销售量, 出口, 营业收入): kept
    #                                   for the analyst when no indicator fits, so it can be mapped in review

    def to_json(self) -> dict:
        d = asdict(self)
        cell = d.pop("cell")
        d["why"] = "; ".join(self.why)
        if cell:
            d["table"], d["row_header"], d["column_header"] = cell["table"], cell["row"], cell["column"]
        return d


@dataclass
class Ambiguity:
    """A table split (or other reading) that stayed ambiguous: reported, not guessed."""

    table: str
    row: str
    start: int
    end: int
    text: str
    readings: list[list[str]]
    reason: str
