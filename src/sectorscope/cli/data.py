"""`sectorscope load`, `query`, `vintages` and `catalog`: the store's own commands."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    DEFAULT_STORE,
    FormatOpt,
    LangOpt,
    StoreOpt,
    check_choice,
    emit_records,
    err,
    file_progress,
    open_store,
    out,
    print_table,
    resolve_as_of,
    shown,
)
from .options import (
    AsOfOpt,
    DimOpt,
    IndicatorOpt,
    PeriodOpt,
    RegionOpt,
    SourceOpt,
    StatusOpt,
    SubjectOpt,
    parse_dims,
)

__all__ = [
    "FORMATS",
    "QUERY_COLUMNS",
    "VINTAGE_COLUMNS",
    "catalog_command",
    "load_command",
    "query_command",
    "vintages_command",
]

QUERY_COLUMNS = ("obs_id", "vintage_id", "indicator", "subject", "region", "product", "application", "company",
                 "country", "tier", "scenario", "period", "value", "value_high", "qualifier", "unit",
                 "value_as_printed", "unit_as_printed", "status", "source_id", "quote", "location")
VINTAGE_COLUMNS = ("vintage_id", "loaded_at", "label", "n_rows", "n_new", "n_revised", "n_unchanged", "n_withdrawn",
                   "files")
FORMATS = ("table", "json", "csv")



def load_command(
    paths: Annotated[list[Path], typer.Argument(help="Observation files (CSV/XLSX) or dataset folders.")],
    store: StoreOpt = DEFAULT_STORE,
    sources: Annotated[Path | None, typer.Option(help="A sources.csv for the observation files.")] = None,
    label: Annotated[str, typer.Option(help="A label for the new vintage.")] = "",
    note: Annotated[str, typer.Option(help="A note for the new vintage.")] = "",
    withdraw_missing: Annotated[bool, typer.Option(help="Withdraw figures of these sources the files no longer "
                                                   "state.")] = False,
    allow_mass_withdraw: Annotated[bool, typer.Option(help="With --withdraw-missing: allow withdrawing more than "
                                                      "half of a source's figures.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Validate and count what the vintage would hold (new, revised, "
                                          "withdrawn), then write nothing.")] = False,
    wait: Annotated[float, typer.Option(help="Seconds to wait for another process writing to the store.",
                                        min=0)] = 60.0,
) -> None:
    """Validate files and load them as one new vintage; nothing is written if any row fails."""
    from ..ingest import MAX_WITHDRAW_SHARE, collect, load_paths
    from ..store import Store

    st = Store(store)

    def waiting() -> None:
        err.print(f"the files are valid; waiting up to {wait:g} s for another process writing to {shown(str(st.path))}",
                  highlight=False)

    with file_progress(len(collect(paths, sources).all_files())) as step:
        summary = load_paths(st, paths, sources=sources, label=label, note=note, withdraw_missing=withdraw_missing,
                             max_withdraw_share=None if allow_mass_withdraw else MAX_WITHDRAW_SHARE, on_file=step,
                             dry_run=dry_run, wait=wait, on_wait=waiting)
    counts = (f"{summary.n_rows} rows read, {summary.n_new} new, {summary.n_revised} revised, "
              f"{summary.n_unchanged} unchanged, {summary.n_withdrawn} withdrawn")
    if dry_run:
        out.print(f"dry run: vintage v{summary.vintage_id} would hold {counts}; nothing was written to "
                  f"{shown(str(st.path))}", highlight=False)
    else:
        out.print(f"vintage v{summary.vintage_id} written to {shown(str(st.path))}: {counts}", highlight=False)


def query_command(
    store: StoreOpt = DEFAULT_STORE,
    indicator: IndicatorOpt = None,
    subject: SubjectOpt = None,
    region: RegionOpt = None,
    period: PeriodOpt = None,
    status: StatusOpt = None,
    source: SourceOpt = None,
    dim: DimOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = "table",
    limit: Annotated[int, typer.Option(help="At most this many rows (0 = all).")] = 200,
) -> None:
    """Figures as they stood at a vintage or date (latest by default)."""
    from ..model import STATUSES
    from ..store import check_codes

    check_choice("--format", fmt, FORMATS)
    if status is not None:
        check_choice("--status", status, STATUSES)
    dims = parse_dims(dim, subject=subject, region=region)
    st = open_store(store)
    check_codes(st, indicator=indicator, source_id=source, dims=dims)
    vid = resolve_as_of(st, as_of)
    t = st.query(vid if as_of is not None else None, indicator=indicator or None, status=status, period=period,
                 source_id=source, **dims)
    t = t.order_by(["indicator", "subject", "period", "obs_id"])
    if limit:
        t = t.limit(limit)
    frame = t.select([*QUERY_COLUMNS, "value_high_as_printed"]).execute()
    st.close()
    records = frame.to_dict("records")
    if fmt != "table":
        emit_records(records, fmt, QUERY_COLUMNS)
        return
    print_table(None, ("id", "indicator", "subject", "period", "figure", "status", "source", "quote"),
                ([r["obs_id"], r["indicator"], r["subject"], r["period"], _figure(r), r["status"], r["source_id"],
                  r["quote"]] for r in records), wrap=("quote",))
    out.print(f"{len(frame)} row(s)", highlight=False)


def _figure(r: dict) -> str:
    """A row's figure as its source printed it (约12.3%, ≥70%, 30–45天), or its value for a computed one."""
    from ..present import figure

    return figure(r["value"], r["qualifier"], r["value_high"], r["unit"], printed=r["value_as_printed"],
                  printed_high=r["value_high_as_printed"], unit_printed=r["unit_as_printed"])


def vintages_command(store: StoreOpt = DEFAULT_STORE, fmt: FormatOpt = "table") -> None:
    """Every vintage of the store: when it was loaded, from what, and what it changed."""
    check_choice("--format", fmt, FORMATS)
    st = open_store(store)
    records = st.vintages().execute().to_dict("records")
    st.close()
    if fmt != "table":
        emit_records(records, fmt, VINTAGE_COLUMNS)
        return
    def shown(r: dict) -> list[object]:
        # a terminal shows the minute and the file names; --format json keeps the full timestamp and paths
        files = ", ".join(Path(f).name for f in str(r["files"] or "").split(";") if f.strip())
        return [r["vintage_id"], f"{r['loaded_at']:%Y-%m-%d %H:%M}", r["label"], r["n_rows"], r["n_new"],
                r["n_revised"], r["n_unchanged"], r["n_withdrawn"], files]

    print_table(None, ("v", "loaded (UTC)", "label", "rows", "new", "revised", "unchanged", "withdrawn", "files"),
                (shown(r) for r in records), wrap=("label", "files"))


def catalog_command(lang: LangOpt = "zh", fmt: FormatOpt = "table") -> None:
    """The indicator catalog: codes, names, unit kinds and bounds."""
    from ..model import UNIT_KINDS, load_catalog

    check_choice("--lang", lang, ("zh", "en"))
    check_choice("--format", fmt, FORMATS)
    cat = load_catalog()
    columns = ("code", "name", "unit_kind", "canonical_unit", "aggregation", "bounds")
    records = [{"code": i.code, "name": i.name(lang), "unit_kind": i.unit_kind,
                "canonical_unit": UNIT_KINDS[i.unit_kind], "aggregation": i.aggregation,
                "bounds": i.bounds_text()} for i in cat]
    if fmt != "table":
        emit_records(records, fmt, columns)
        return
    print_table(None, ("code", "name", "unit kind", "aggregation", "bounds"),
                ([r["code"], r["name"], r["unit_kind"], r["aggregation"], r["bounds"]] for r in records),
                wrap=("name",))
