"""The extraction of one report: tables first (their cells must not be read again as prose), then the prose,
then every candidate put into the catalog's canonical unit, subject filled in, and sorted by position."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ...errors import UnitError
from ...model import DEFAULT_REGION, Catalog, FxTable, load_catalog, parse_unit
from .acceptance import load_model
from .candidate import Ambiguity, Candidate
from .document import MAX_REPORT_BYTES, Document, read_report
from .lexicon import Lexicon, load_lexicon
from .periods import ReportDate, period_year, report_date_of
from .prose import find_figures
from .tables import Table, find_tables

__all__ = ["ACCEPT_CONFIDENCE", "Extraction", "extract", "extract_file"]

ACCEPT_CONFIDENCE = 0.7
"""Candidates at or above this confidence are accepted by default: their value, unit and period (or its
absence) are taken as read. `--load` loads those of them that also have an indicator and a period; the
rest wait in the review file for an analyst to map or date."""


@dataclass
class Extraction:
    document: Document
    candidates: list[Candidate]
    ambiguities: list[Ambiguity] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    subject: str = ""
    report: ReportDate = field(default_factory=ReportDate)

    @property
    def year(self) -> int | None:
        """The year the report speaks from (None when neither it nor the caller says)."""
        return self.report.year

    def accepted(self, min_confidence: float = ACCEPT_CONFIDENCE) -> list[Candidate]:
        """The candidates read well enough to believe (an open period and an unknown indicator included)."""
        return [c for c in self.candidates if c.confidence >= min_confidence]

    def loadable(self, min_confidence: float = ACCEPT_CONFIDENCE) -> list[Candidate]:
        """The accepted candidates the store can take as they are: with an indicator and a period."""
        return [c for c in self.accepted(min_confidence) if c.indicator and c.period]


def _subject(doc: Document, lexicon: Lexicon) -> str:
    """The market the report is about: the subject term of its first line, else its most frequent one."""
    first = doc.text.strip().split("\n", 1)[0][:300]
    hits = [v for h in lexicon.dimension_hits(first) for d, v in h.values if d == "subject"]
    if hits:
        return hits[0]
    counts = Counter(v for h in lexicon.dimension_hits(doc.text) for d, v in h.values if d == "subject")
    return counts.most_common(1)[0][0] if counts else ""


def _canonicalise(c: Candidate, catalog: Catalog, fx: FxTable | None, report: ReportDate) -> None:
    ind = catalog.get(c.indicator) if c.indicator else None
    try:
        unit = parse_unit(c.unit_as_printed, ind.unit_kind if ind else None)
    except UnitError as exc:
        if ind:
            c.why.append(f"unit does not fit {c.indicator}: {exc}")
            c.confidence = min(c.confidence, 0.3)
        return
    c.unit, c.unit_kind = unit.canonical, unit.kind
    factor = unit.factor
    if unit.needs_fx and unit.currency is not None:
        year = period_year(c.period) or report.year
        if not c.period and year:
            c.why.append(f"open period: converted at the report year's ({year}) rate")
        try:
            if fx is None or year is None:
                raise UnitError("no FX table given")
            rate, how = fx.rate(unit.currency, year)
        except UnitError as exc:
            c.why.append(f"value left in {unit.currency}: {exc}")
            return
        factor *= rate.cny_per_unit
        if how:
            c.why.append(how)
    c.value = round(c.printed * factor, 10)
    c.value_high = round(c.printed_high * factor, 10) if c.printed_high is not None else None


def extract(doc: Document, *, lexicon: Lexicon | None = None, catalog: Catalog | None = None,
            fx: FxTable | None = None, year: int | None = None, report_date: date | None = None,
            subject: str | None = None, calibrated: bool = True) -> Extraction:
    """Candidate observations of one report, with every table rebuilt and every ambiguity listed. The
    report's date (`report_date`, else one printed in its header) and year (`year`, else the date's, else
    its title's) resolve relative periods (去年, 未来五年) and say which years are forecasts. With
    `calibrated` (the default) each confidence is the acceptance model's (`acceptance`); without, the
    readers' own score (what the model is trained on). `subject` names the market the report is about when
    its title and text do not (else the subject term of its first line, else its most frequent one)."""
    catalog = catalog or load_catalog()
    lexicon = lexicon or load_lexicon()
    report = report_date_of(doc, report_date)
    if year:
        report.year, report.how = year, "given"
    subject = subject or _subject(doc, lexicon)
    tables = find_tables(doc, lexicon)
    prose = find_figures(doc, lexicon, catalog, skip=tables.spans, report=report)
    candidates = [*tables.cells, *prose]
    for c in candidates:
        c.dimensions.setdefault("subject", subject)
        c.dimensions.setdefault("region", DEFAULT_REGION)
        if not c.dimensions["subject"]:
            c.dimensions["subject"] = subject
        _canonicalise(c, catalog, fx, report)
        c.page = doc.page_of(c.start)
        if not c.phrase and c.cell is not None:
            c.phrase = c.cell.column  # a cell measures what its column header names
    model = load_model() if calibrated else None
    if model is not None:
        for c in candidates:
            score = c.confidence
            c.confidence = round(model.confidence(c), 3)
            c.why.append(f"confidence {c.confidence:.2f} from the acceptance model (reader score {score:.2f})")
    candidates.sort(key=lambda c: (c.start, c.end))
    return Extraction(doc, candidates, tables.ambiguities, tables.tables, subject, report)


def extract_file(path: str | Path, *, max_bytes: int = MAX_REPORT_BYTES, **kwargs: Any) -> Extraction:
    """`extract` of a report file: PDF, DOCX, HTML or text (UTF-8, GB18030/GBK or Big5)."""
    return extract(read_report(path, max_bytes=max_bytes), **kwargs)
