"""`sectorscope extract`: the report-text extractor on the command line (library calls plus printing)."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import DEFAULT_STORE, FormatOpt, StoreOpt, check_choice, err, fail, print_table

if TYPE_CHECKING:
    from ..ingest import Candidate, Extraction

__all__ = ["extract_command"]


def extract_command(
    report: Annotated[Path, typer.Argument(help="The report: PDF, DOCX, HTML or text (UTF-8, GB18030/GBK or Big5).")],
    fmt: FormatOpt = "table",
    review: Annotated[Path | None, typer.Option("--review", help="Write a review file (.csv or .xlsx) to correct "
                                                "and load.")] = None,
    load: Annotated[bool, typer.Option("--load", help="Load the accepted candidates into the store as one "
                                       "vintage.")] = False,
    from_review: Annotated[Path | None, typer.Option("--from-review", help="With --load: load this corrected review "
                                                     "file instead.")] = None,
    store_path: StoreOpt = DEFAULT_STORE,
    source_id: Annotated[str | None, typer.Option(help="Source id for the report (default: from its file name).")]
    = None,
    title: Annotated[str | None, typer.Option(help="Source title (default: the report's first line).")] = None,
    min_confidence: Annotated[float | None, typer.Option(help="Accept candidates at or above this confidence "
                                                         "(default: the extractor's threshold).")] = None,
    accepted_only: Annotated[bool, typer.Option("--accepted-only", help="Print only accepted candidates.")] = False,
    lexicon_dir: Annotated[Path | None, typer.Option("--lexicon", help="A folder (or file) of extra lexicon YAML.")]
    = None,
    year: Annotated[int | None, typer.Option(help="The report's own year (default: from its title or text).")]
    = None,
    report_date: Annotated[str | None, typer.Option("--report-date", help="The report's date, YYYY-MM-DD: relative "
                                                    "periods (去年, 未来五年, 目前) are read from it (default: a date "
                                                    "in the report's header, else none — those periods stay open).")]
    = None,
    subject: Annotated[str | None, typer.Option(help="The market the report is about, for figures that do not "
                                               "name one (default: from its title, else its most named).")] = None,
    max_mb: Annotated[float, typer.Option(help="Refuse reports larger than this many MB.")] = 50.0,
) -> None:
    """Extract candidate observations (figures and table cells, each with its quoted span) from a report."""
    from ..ingest import ACCEPT_CONFIDENCE, extract_file, fx_table, load_lexicon, source_id_for

    min_confidence = ACCEPT_CONFIDENCE if min_confidence is None else min_confidence
    check_choice("--format", fmt, ("table", "json", "csv"))
    if from_review and not load:
        fail("--from-review loads a review file: add --load")
    try:
        day = date.fromisoformat(report_date) if report_date else None
    except ValueError:
        fail(f"--report-date {report_date!r}: give a date, YYYY-MM-DD")
    ex = extract_file(report, max_bytes=int(max_mb * 1024 * 1024),
                      lexicon=load_lexicon(lexicon_dir) if lexicon_dir else None, year=year, report_date=day, subject=subject,
                      fx=fx_table(store_path))  # money in 美元 converts as a load would convert it
    sid = source_id or source_id_for(ex.document)
    cands = ex.accepted(min_confidence) if accepted_only else ex.candidates
    if fmt == "json":
        for c in cands:
            d = c.to_json()
            d["accepted"] = c.confidence >= min_confidence
            d["loadable"] = d["accepted"] and bool(c.indicator) and bool(c.period)
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        from ..ingest import to_rows

        to_rows(ex, sid, min_confidence=min_confidence, candidates=cands).to_csv(sys.stdout, index=False)
    else:
        _table(ex, cands, min_confidence)
    for a in ex.ambiguities:
        err.print(f"ambiguous: table {a.table!r}, row {a.row!r} at {a.start}–{a.end}: {a.reason}; "
                  f"readings: {' | '.join(' '.join(r) for r in a.readings)}", highlight=False)
    if review:
        from ..ingest import write_review

        write_review(ex, review, sid, min_confidence=min_confidence)
        err.print(f"review file written to {review}: set accept to yes/no, correct any field, then "
                  f"`sectorscope extract {report} --load --from-review {review}`", highlight=False)
    if load:
        _load(ex, store_path, from_review, sid, title, min_confidence)


def _load(ex: Extraction, store_path: Path, from_review: Path | None, sid: str, title: str | None,
          min_confidence: float) -> None:
    from ..ingest import load_extraction, load_review
    from ..store import Store

    store = Store(store_path)
    if from_review:
        summary = load_review(store, from_review, ex.document, source_id=sid, title=title)
    else:
        summary = load_extraction(store, ex, source_id=sid, title=title, min_confidence=min_confidence)
    store.close()
    err.print(f"vintage v{summary.vintage_id} written to {store_path}: {summary.n_rows} rows, "
              f"{summary.n_new} new, {summary.n_revised} revised, {summary.n_unchanged} unchanged "
              f"(source {sid})", highlight=False)


def _table(ex: Extraction, cands: list[Candidate], min_confidence: float) -> None:
    from ..model import normalise
    from ..present import fixed, qualified

    def row(c: Candidate) -> list[object]:
        value = qualified(c.value_as_printed, "range", c.value_high_as_printed)  # its qualifier has a column
        where = f"[{c.cell.row} / {c.cell.column}] " if c.cell else ""
        return [f"{c.start}–{c.end}", c.indicator or "?", c.period, value, c.unit_as_printed, c.qualifier,
                fixed(c.confidence, 2), where + normalise(c.quote)[-60:].replace("\n", " ")]

    print_table(f"{ex.document.name}: {len(ex.candidates)} candidates, {len(ex.accepted(min_confidence))} accepted "
                f"({len(ex.loadable(min_confidence))} with an indicator and a period, which --load loads), "
                f"{len(ex.tables)} tables, {len(ex.ambiguities)} ambiguities",
                ("offsets", "indicator", "period", "value", "unit", "qualifier", "conf", "quote"),
                (row(c) for c in cands), wrap=("quote",))
