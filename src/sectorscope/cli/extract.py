"""`sectorscope extract`: the report-text extractor on the command line (library calls plus printing)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..errors import SectorscopeError
from ..ingest.extract import ACCEPT_CONFIDENCE, extract, load_lexicon, read_report
from ..ingest.extract.loading import load_extraction, load_review, source_id_for
from ..ingest.extract.review import to_rows, write_review
from ..model.text import normalise
from ..store import Store

__all__ = ["extract_command"]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def extract_command(
    report: Annotated[Path, typer.Argument(help="The report as a text file (UTF-8, GB18030/GBK or Big5).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json (one object per line) or csv")] = "table",
    review: Annotated[Path | None, typer.Option("--review", help="Write a review file (.csv or .xlsx) to correct and load.")] = None,
    load: Annotated[bool, typer.Option("--load", help="Load the accepted candidates into the store as one vintage.")] = False,
    from_review: Annotated[Path | None, typer.Option("--from-review", help="With --load: load this corrected review file instead.")] = None,
    store_path: Annotated[Path, typer.Option("--store", "-s", envvar="SECTORSCOPE_STORE", help="The store file.")] = Path("out/sectorscope.duckdb"),
    source_id: Annotated[str | None, typer.Option(help="Source id for the report (default: from its file name).")] = None,
    title: Annotated[str | None, typer.Option(help="Source title (default: the report's first line).")] = None,
    min_confidence: Annotated[float, typer.Option(help="Accept candidates at or above this confidence.")] = ACCEPT_CONFIDENCE,
    accepted_only: Annotated[bool, typer.Option("--accepted-only", help="Print only accepted candidates.")] = False,
    lexicon_dir: Annotated[Path | None, typer.Option("--lexicon", help="A folder (or file) of extra lexicon YAML.")] = None,
    year: Annotated[int | None, typer.Option(help="The report's own year (default: from its title or text).")] = None,
    max_mb: Annotated[float, typer.Option(help="Refuse reports larger than this many MB.")] = 50.0,
) -> None:
    """Extract candidate observations (figures and table cells, each with its quoted span) from a report."""
    if fmt not in ("table", "json", "csv"):
        err.print(f"[bold red]error:[/] --format must be table, json or csv, not {fmt!r}")
        raise typer.Exit(2)
    if from_review and not load:
        err.print("[bold red]error:[/] --from-review loads a review file: add --load")
        raise typer.Exit(2)
    try:
        doc = read_report(report, max_bytes=int(max_mb * 1024 * 1024))
        ex = extract(doc, lexicon=load_lexicon(lexicon_dir) if lexicon_dir else None, year=year)
        sid = source_id or source_id_for(doc)
        cands = ex.accepted(min_confidence) if accepted_only else ex.candidates
        if fmt == "json":
            for c in cands:
                d = c.to_json()
                d["accepted"] = c.confidence >= min_confidence and bool(c.indicator) and bool(c.period)
                sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            to_rows(ex, sid, min_confidence=min_confidence, candidates=cands).to_csv(sys.stdout, index=False)
        else:
            _table(ex, cands, min_confidence)
        for a in ex.ambiguities:
            err.print(f"ambiguous: table {a.table!r}, row {a.row!r} at {a.start}–{a.end}: {a.reason}; "
                      f"readings: {' | '.join(' '.join(r) for r in a.readings)}", highlight=False)
        if review:
            write_review(ex, review, sid, min_confidence=min_confidence)
            err.print(f"review file written to {review}: set accept to yes/no, correct any field, then "
                      f"`sectorscope extract {report} --load --from-review {review}`", highlight=False)
        if load:
            store = Store(store_path)
            if from_review:
                summary = load_review(store, from_review, doc, source_id=sid, title=title)
            else:
                summary = load_extraction(store, ex, source_id=sid, title=title, min_confidence=min_confidence)
            store.close()
            err.print(f"vintage v{summary.vintage_id} written to {store_path}: {summary.n_rows} rows, "
                      f"{summary.n_new} new, {summary.n_revised} revised, {summary.n_unchanged} unchanged "
                      f"(source {sid})", highlight=False)
    except SectorscopeError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None


def _table(ex, cands, min_confidence: float) -> None:
    t = Table(title=f"{ex.document.name}: {len(ex.candidates)} candidates, "
                    f"{len(ex.accepted(min_confidence))} accepted, {len(ex.tables)} tables, "
                    f"{len(ex.ambiguities)} ambiguities")
    for col in ("offsets", "indicator", "period", "value", "unit", "qualifier", "conf", "quote"):
        t.add_column(col, overflow="fold")
    for c in cands:
        value = c.value_as_printed + (f"–{c.value_high_as_printed}" if c.value_high_as_printed else "")
        where = f"[{c.cell.row} / {c.cell.column}] " if c.cell else ""
        t.add_row(f"{c.start}–{c.end}", c.indicator or "?", c.period, value, c.unit_as_printed, c.qualifier,
                  f"{c.confidence:.2f}", where + normalise(c.quote)[-60:].replace("\n", " "))
    out.print(t)
