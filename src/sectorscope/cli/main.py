"""The command line: thin over the library. Every command is a library call plus printing."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import SectorscopeError, ValidationError
from ..ingest import collect, default_dataset_dir, load_paths
from ..model.catalog import load_catalog
from ..model.observation import FORECAST_SOURCE
from ..report.publish import publish
from ..store import Store
from ..audit import run_audit
from ..analytics.derived import DERIVED_SOURCE
from ..analytics.output import write_outputs
from ..analytics.pipeline import analyse, read_config
from ..forecast.output import write_outputs as write_forecast_outputs
from ..forecast.pipeline import forecast_store, read_forecast_config
from .analyse import analyse_command
from .forecast import forecast_command
from .audit import audit_app, print_counts
from .extract import extract_command
from .export import export_command
from .monitor import alerts_command, diff_command
from .options import parse_dims
from .report import report_command
from .serve import serve_command, token_command

__all__ = ["app"]

app = typer.Typer(help="sectorscope: a source-cited, vintaged industry-indicator store.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

app.command("extract")(extract_command)
app.add_typer(audit_app, name="audit")
app.command("analyse")(analyse_command)
app.command("forecast")(forecast_command)
app.command("report")(report_command)
app.command("diff")(diff_command)
app.command("alerts")(alerts_command)
app.command("export")(export_command)
app.command("serve")(serve_command)
app.command("token")(token_command)

StoreOpt = Annotated[Path, typer.Option("--store", "-s", help="The store file.", envvar="SECTORSCOPE_STORE")]
DEFAULT_STORE = Path("out/sectorscope.duckdb")


def _fail(exc: SectorscopeError) -> None:
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2 if isinstance(exc, ValidationError) else 1)


def _load_with_progress(store: Store, paths: list[Path], **kwargs):
    files = collect(paths, kwargs.get("sources")).all_files()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("validating", total=len(files) + 1)

        def step(f: Path) -> None:
            progress.update(task, advance=1, description=f"validated {f.name}")

        summary = load_paths(store, paths, on_file=step, **kwargs)
        progress.update(task, advance=1, description="written")
    return summary


def _print_summary(summary, store: Store) -> None:
    out.print(
        f"vintage v{summary.vintage_id} written to {store.path}: {summary.n_rows} rows read, "
        f"{summary.n_new} new, {summary.n_revised} revised, {summary.n_unchanged} unchanged, "
        f"{summary.n_withdrawn} withdrawn", highlight=False)


@app.command()
def run(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where outputs are written.")] = Path("out"),
) -> None:
    """The main job: load the embedded default dataset into OUT/sectorscope.duckdb, analyse it, forecast it,
    audit it (the reports' forecasts against ours included), evaluate the alert rules, and write the reports
    (HTML zh/en, PDF, XLSX) and the SDMX-CSV export."""
    try:
        store = Store(out_dir / "sectorscope.duckdb")
        summary = _load_with_progress(store, [default_dataset_dir()], label="default dataset", withdraw_missing=True)
        _print_summary(summary, store)
        stated = store.observations()
        # the data's own figures, not the analysis's or the forecasts'
        stated = stated.filter(~stated.source_id.isin([DERIVED_SOURCE, FORECAST_SOURCE]))
        counts = stated.group_by("subject").aggregate(n=lambda t: t.count()).order_by("subject").execute()
        analysed = analyse(store, read_config(default_dataset_dir()))
        analytics_paths = write_outputs(analysed, out_dir)
        forecasted = forecast_store(store, read_forecast_config(default_dataset_dir()))
        forecast_paths = write_forecast_outputs(forecasted, out_dir)
        audited, audit_paths = run_audit(store, out_dir, langs=("zh", "en"))
        published = publish(store, out_dir, rules=default_dataset_dir() / "alerts.yaml")
        store.close()
    except SectorscopeError as exc:
        _fail(exc)
    for rec in counts.itertuples():
        out.print(f"  {rec.subject}: {rec.n} figures", highlight=False)
    out.print("outputs:", highlight=False)
    out.print(f"  store   {store.path.resolve()}", highlight=False)
    p = published.paths
    out.print(f"  report  {p['report.zh.html'].resolve()}  (open it in a browser; English: {p['report.en.html'].name}, "
              f"PDF: {p['report.zh.pdf'].name}, workbook: {p['tables.xlsx'].name})", highlight=False)
    changed = (f"{len(published.diff)} figures changed since v{published.since}" if published.diff is not None
               else "no earlier load to compare with")
    out.print(f"  alerts  {p['alerts'].resolve()}  ({len(published.alerts)} alerts; {changed}; both also in the "
              f"report)", highlight=False)
    out.print(f"  export  {p['observations.sdmx.csv'].resolve()}  (SDMX-CSV of every figure)", highlight=False)
    out.print(f"  serve   .venv/bin/sectorscope serve --store {store.path}  (the HTTP API on http://127.0.0.1:8000/api, "
              f"OpenAPI at /api/openapi.json)", highlight=False)
    out.print(f"  audit   {audit_paths[0].resolve()}  ({len(audited.findings)} findings; "
              f"English: {audit_paths[1].name}; also in the store's audit_findings table)", highlight=False)
    out.print(f"  analytics {analytics_paths[0].resolve()}  ({len(analysed.derived)} derived figures, stored with "
              f"formula and inputs; English: {analytics_paths[1].name})", highlight=False)
    n_model = sum(1 for f in forecasted.forecasts if f.mean is not None)
    n_out = int((~forecasted.comparisons["inside95"]).sum()) if len(forecasted.comparisons) else 0
    out.print(f"  forecast  {forecast_paths[0].resolve()}  ({n_model} series forecast with 80/95 % intervals, "
              f"{n_out} report forecasts outside our 95 % interval; English: {forecast_paths[1].name})", highlight=False)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Observation files (CSV/XLSX) or dataset folders.")],
    store: StoreOpt = DEFAULT_STORE,
    sources: Annotated[Path | None, typer.Option(help="A sources.csv for the observation files.")] = None,
    label: Annotated[str, typer.Option(help="A label for the new vintage.")] = "",
    note: Annotated[str, typer.Option(help="A note for the new vintage.")] = "",
    withdraw_missing: Annotated[bool, typer.Option(help="Withdraw figures of these sources the files no longer state.")] = False,
) -> None:
    """Validate files and load them as one new vintage; nothing is written if any row fails."""
    st = Store(store)
    try:
        summary = _load_with_progress(st, paths, sources=sources, label=label, note=note,
                                      withdraw_missing=withdraw_missing)
    except SectorscopeError as exc:
        _fail(exc)
    _print_summary(summary, st)


@app.command()
def query(
    store: StoreOpt = DEFAULT_STORE,
    indicator: Annotated[list[str] | None, typer.Option("--indicator", "-i", help="Indicator code (repeatable).")] = None,
    subject: Annotated[str | None, typer.Option(help="Market or segment.")] = None,
    region: Annotated[str | None, typer.Option()] = None,
    period: Annotated[str | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
    source: Annotated[str | None, typer.Option(help="Source id.")] = None,
    dim: Annotated[list[str] | None, typer.Option(help="Any dimension as NAME=VALUE (repeatable).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="A vintage (3, v3) or an ISO date.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json (one object per line).")] = "table",
    limit: Annotated[int, typer.Option(help="At most this many rows (0 = all).")] = 200,
) -> None:
    """Figures as they stood at a vintage or date (latest by default)."""
    if fmt not in ("table", "csv", "json"):
        err.print("error: --format must be table, csv or json")
        raise typer.Exit(1)
    try:
        dims = parse_dims(dim, subject=subject, region=region)
    except ValueError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1)
    try:
        st = Store(store)
        t = st.query(as_of, indicator=indicator or None, status=status, period=period, source_id=source, **dims)
        t = t.order_by(["indicator", "subject", "period", "obs_id"])
        if limit:
            t = t.limit(limit)
        cols = ["obs_id", "vintage_id", "indicator", "subject", "region", "product", "application", "company",
                "country", "tier", "scenario", "period", "value", "value_high", "qualifier", "unit",
                "value_as_printed", "unit_as_printed", "status", "source_id", "quote", "location"]
        frame = t.select(cols).execute()
        st.close()
    except SectorscopeError as exc:
        _fail(exc)
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        for rec in frame.to_dict("records"):
            sys.stdout.write(json.dumps({k: (None if v is None or v != v else v) for k, v in rec.items()},
                                        ensure_ascii=False, default=str) + "\n")
    else:
        table = Table(show_lines=False)
        for c in ("id", "indicator", "subject", "period", "value", "unit", "qualifier", "status", "source", "quote"):
            table.add_column(c, overflow="fold")
        shown = ("obs_id", "indicator", "subject", "period", "value_as_printed", "unit_as_printed", "qualifier",
                 "status", "source_id", "quote")
        for rec in frame.to_dict("records"):
            table.add_row(*["" if rec[c] is None or rec[c] != rec[c] else str(rec[c]) for c in shown])
        out.print(table)
        out.print(f"{len(frame)} row(s)", highlight=False)


@app.command()
def vintages(store: StoreOpt = DEFAULT_STORE) -> None:
    """Every vintage of the store: when it was loaded, from what, and what it changed."""
    try:
        st = Store(store)
        frame = st.vintages().execute()
        st.close()
    except SectorscopeError as exc:
        _fail(exc)
    table = Table()
    for c in ("vintage_id", "loaded_at", "label", "n_rows", "n_new", "n_revised", "n_unchanged", "n_withdrawn", "files"):
        table.add_column(c, overflow="fold")
    for rec in frame.to_dict("records"):
        table.add_row(*[str(rec[c]) if rec[c] is not None else "" for c in
                        ("vintage_id", "loaded_at", "label", "n_rows", "n_new", "n_revised", "n_unchanged",
                         "n_withdrawn", "files")])
    out.print(table)


@app.command()
def catalog(lang: Annotated[str, typer.Option(help="zh or en")] = "zh") -> None:
    """The indicator catalog: codes, names, unit kinds and bounds."""
    try:
        cat = load_catalog()
    except SectorscopeError as exc:
        _fail(exc)
    table = Table()
    for c in ("code", "name", "unit kind", "aggregation", "bounds"):
        table.add_column(c)
    for ind in cat:
        table.add_row(ind.code, ind.name(lang), ind.unit_kind, ind.aggregation, ind.bounds_text())
    out.print(table)


if __name__ == "__main__":
    app()
