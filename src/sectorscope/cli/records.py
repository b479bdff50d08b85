"""`sectorscope records load|list|lines|aggregate|derive|gc`: thin over sectorscope.records (record sets:
customs lines)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from .common import (
    DEFAULT_STORE,
    FormatOpt,
    Group,
    StoreOpt,
    check_choice,
    emit_records,
    open_store,
    out,
    print_table,
    shown,
)

__all__ = ["BATCH_COLUMNS", "LINE_COLUMNS", "aggregate_command", "derive_command", "gc_command", "lines_command",
           "list_command", "load_command", "records_app"]

records_app = typer.Typer(cls=Group, help="Record sets: customs and Comtrade lines by HS code, kept as Parquet "
                          "batches (each a vintage with its source).")
BATCH_COLUMNS = ("batch_id", "dataset", "vintage_id", "n_lines", "n_files", "period_from", "period_to", "hs_edition",
                 "currency", "publisher", "release_date", "retrieved_at", "source_file", "cells_superseded")
LINE_COLUMNS = ("batch_id", "line_no", "flow", "year", "month", "hs_code", "partner_code", "partner_iso3", "province",
                "trade_mode", "quantity", "quantity_unit", "value", "currency")
_FORMATS = ("table", "json", "csv")
_RootOpt = Annotated[Path | None, typer.Option("--root", help="The record-set folder (default: beside the store, "
                                              "<store>.records).")]
_EngineOpt = Annotated[str | None, typer.Option("--engine", help="duckdb or spark (default: $SECTORSCOPE_ENGINE, "
                                               "sectorscope.toml, else duckdb).")]


def _period(text: str | None) -> tuple[int, int, int] | None:
    """`2025-01/2025-03` or `2025-03` as (year, first month, last month)."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:/(\d{4})-(\d{1,2}))?", text.strip())
    if not m or (m.group(3) and m.group(3) != m.group(1)):
        raise UsageError(f"--period {text!r}: give YYYY-MM or YYYY-MM/YYYY-MM within one year, e.g. 2025-01/2025-03")
    first = int(m.group(2))
    last = int(m.group(4) or first)
    return int(m.group(1)), first, last


@records_app.command("load")
def load_command(
    path: Annotated[Path, typer.Argument(help="A China Customs export (CSV or XLSX) or a UN Comtrade bulk file.")],
    hs_edition: Annotated[str, typer.Option("--hs-edition", help="The file's HS edition: HS2012, HS2017 or HS2022.")],
    store: StoreOpt = DEFAULT_STORE,
    fmt: Annotated[str | None, typer.Option("--file-format", help="customs_cn or comtrade (default: from the "
                                            "header).")] = None,
    batch_id: Annotated[str | None, typer.Option(help="The batch's id (default: dataset and the file's sha256).")] = None,
    flow: Annotated[str | None, typer.Option(help="import or export, for a file without a flow column.")] = None,
    period: Annotated[str | None, typer.Option(help="The months the file covers, YYYY-MM/YYYY-MM (required for a "
                                               "cumulative 累计 file).")] = None,
    currency: Annotated[str | None, typer.Option(help="USD or CNY, checked against the amount column.")] = None,
    publisher: Annotated[str, typer.Option(help="Who published the file (default: 海关总署 or UN Comtrade).")] = "",
    supersedes: Annotated[list[str] | None, typer.Option(help="A batch this file corrects (repeatable): its cells "
                                                         "that this file covers are replaced.")] = None,
    release_date: Annotated[str | None, typer.Option(help="When the publisher released the data, YYYY-MM-DD.")] = None,
    retrieval_date: Annotated[str | None, typer.Option(help="When the file was downloaded, YYYY-MM-DD or "
                                                       "YYYY-MM-DDTHH:MM.")] = None,
    root: _RootOpt = None,
) -> None:
    """Check a record file line by line and as a whole, and add it to the record set as one batch; nothing is
    written if any line fails."""
    from datetime import date, datetime

    from ..records import load_records
    from ..store import Store

    try:
        released = date.fromisoformat(release_date) if release_date else None
    except ValueError:
        raise UsageError(f"--release-date {release_date!r}: give a date, YYYY-MM-DD") from None
    try:
        retrieved = datetime.fromisoformat(retrieval_date) if retrieval_date else None
    except ValueError:
        raise UsageError(f"--retrieval-date {retrieval_date!r}: give YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    st = Store(store)
    loaded = load_records(st, path, hs_edition=hs_edition, fmt=fmt, batch_id=batch_id, flow=flow,
                          period=_period(period), currency=currency, publisher=publisher,
                          supersedes=tuple(supersedes or ()), root=root, release_date=released,
                          retrieval_date=retrieved)
    s = loaded.summary
    out.print(f"batch {s.batch_id} (vintage v{s.vintage_id}) written to {shown(str(s.root))}: {s.n_lines} lines in "
              f"{s.n_files} files, {s.cells_superseded} cells of earlier batches replaced", highlight=False)
    for w in loaded.warnings:
        out.print(f"note: {w}", highlight=False)


@records_app.command("list")
def list_command(store: StoreOpt = DEFAULT_STORE, fmt: FormatOpt = "table") -> None:
    """The record batches of the store, oldest first."""
    from ..records import list_batches

    check_choice("--format", fmt, _FORMATS)
    frame = list_batches(open_store(store))
    rows = frame.reindex(columns=list(BATCH_COLUMNS)).to_dict("records")
    if fmt != "table":
        emit_records(rows, fmt, BATCH_COLUMNS)
        return
    print_table(f"{len(rows)} record batch(es)", BATCH_COLUMNS, ([r[c] for c in BATCH_COLUMNS] for r in rows),
                wrap=("source_file", "publisher"))


@records_app.command("lines")
def lines_command(
    store: StoreOpt = DEFAULT_STORE,
    dataset: Annotated[str, typer.Option(help="customs_cn or comtrade.")] = "customs_cn",
    hs: Annotated[str | None, typer.Option(help="Lines whose HS code starts with these digits.")] = None,
    flow: Annotated[str | None, typer.Option(help="import or export.")] = None,
    year: Annotated[int | None, typer.Option(help="One year.")] = None,
    month: Annotated[int | None, typer.Option(help="One month (1-12).")] = None,
    partner: Annotated[str | None, typer.Option(help="A partner: customs code or ISO 3166 alpha-3.")] = None,
    batch: Annotated[str | None, typer.Option(help="One batch.")] = None,
    figure: Annotated[int | None, typer.Option(help="The lines behind this derived figure (its obs_id), each "
                                               "with the share of its value that counts.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many lines.", min=1)] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many lines first (lines are ordered by batch and line "
                                        "number).", min=0)] = 0,
    engine: _EngineOpt = None,
    root: _RootOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """The current lines of a record set, filtered and paged (the lines behind a figure)."""
    from ..records import connect, figure_lines, filter_lines, matching_lines

    check_choice("--format", fmt, _FORMATS)
    st = open_store(store)
    if figure is not None:
        t = filter_lines(figure_lines(st, figure, connect(engine)), hs=hs, flow=flow, year=year, month=month,
                         partner=partner, batch=batch)
    else:  # only the files the filters can match
        t = matching_lines(st, dataset, connect(engine), root=root, hs=hs, flow=flow, year=year, month=month,
                           partner=partner, batch=batch)
    columns = (*LINE_COLUMNS, "share") if figure is not None else LINE_COLUMNS
    rows = t.order_by(["batch_id", "line_no"]).select(*columns).limit(limit, offset=offset).to_pyarrow().to_pylist()
    if fmt != "table":
        emit_records(rows, fmt, columns)
        return
    print_table(f"{len(rows)} line(s) from {offset + 1}", columns, ([r[c] for c in columns] for r in rows))


@records_app.command("gc")
def gc_command(store: StoreOpt = DEFAULT_STORE, root: _RootOpt = None,
               dry_run: Annotated[bool, typer.Option(help="List what would be deleted; delete nothing.")] = False) -> None:
    """Delete files under the record-set folder that no batch lists (what a killed load left behind)."""
    from ..records import records_gc

    gone = records_gc(open_store(store), root, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    out.print(f"{verb} {len(gone)} file(s) no batch lists", highlight=False)
    for p in gone:
        out.print(f"  {shown(str(p))}", highlight=False)


@records_app.command("aggregate")
def aggregate_command(
    store: StoreOpt = DEFAULT_STORE,
    indicator: Annotated[str, typer.Option(help="trade_flows, unit_values, partner_concentration, mirror_gap or "
                                           "unmapped.")] = "trade_flows",
    grain: Annotated[str, typer.Option(help="month, quarter, year or cumulative (1–N月).")] = "year",
    by: Annotated[list[str] | None, typer.Option(help="Break trade_flows or unit_values down by partner, "
                                                 "province or trade_mode (repeatable).")] = None,
    market: Annotated[str | None, typer.Option(help="One market (a catalog subject).")] = None,
    flow: Annotated[str | None, typer.Option(help="One flow: import, export or balance (trade_flows only).")] = None,
    dataset: Annotated[str, typer.Option(help="customs_cn or comtrade.")] = "customs_cn",
    concordance: Annotated[Path | None, typer.Option(help="A concordance CSV (default: the default dataset's).")] = None,
    engine: _EngineOpt = None,
    root: _RootOpt = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.", min=1)] = 200,
    fmt: FormatOpt = "table",
) -> None:
    """An indicator computed from the current lines, mapped to markets and products by the concordance."""
    from .. import records as R
    from ..ingest import default_dataset_dir
    from ..records import check_aggregate

    check_choice("--format", fmt, _FORMATS)
    check_aggregate(indicator, grain, by=by or (), market=market, flow=flow)
    con = R.connect(engine)
    lines = R.open_lines(open_store(store), dataset, con, root=root)
    conc = R.load_concordance(concordance or default_dataset_dir() / "concordance" / "hs_catalog.csv")
    t = R.aggregate(lines, conc, con, indicator, grain, by=by or (), market=market, flow=flow)
    rows = t.limit(limit).to_pyarrow().to_pylist()
    columns = tuple(t.columns)
    if fmt != "table":
        emit_records(rows, fmt, columns)
        return
    print_table(f"{indicator} ({grain}): {len(rows)} row(s)", columns, ([r[c] for c in columns] for r in rows))


@records_app.command("derive")
def derive_command(
    store: StoreOpt = DEFAULT_STORE,
    dataset: Annotated[str, typer.Option(help="customs_cn or comtrade.")] = "customs_cn",
    concordance: Annotated[Path | None, typer.Option(help="A concordance CSV (default: the default dataset's).")] = None,
    engine: _EngineOpt = None,
) -> None:
    """Store the record set's figures (imports, exports, balance, growth, unit prices by market × product × year
    and quarter) as one vintage of derived figures, each with the formula that names its lines."""
    from .. import records as R
    from ..store import Store

    st = Store(store)
    notes: list[str] = []
    s = R.derive_trade_figures(st, dataset=dataset, concordance=concordance, con=R.connect(engine), notes=notes)
    out.print(f"vintage v{s.vintage_id} written to {shown(str(st.path))}: {s.n_rows} figures from record set "
              f"{dataset}, {s.n_new} new, {s.n_revised} revised, {s.n_unchanged} unchanged, {s.n_withdrawn} withdrawn",
              highlight=False)
    for note in notes:
        out.print(f"  not stored: {shown(note)}", highlight=False)
