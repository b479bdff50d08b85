"""`sectorscope forecast`: thin over sectorscope.forecast."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..errors import SectorscopeError
from ..forecast.output import write_outputs
from ..forecast.pipeline import ForecastResult, forecast_store, read_forecast_config
from ..forecast.series import series_label
from ..ingest import default_dataset_dir
from ..store import Store

__all__ = ["forecast_command", "print_summary"]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def print_summary(result: ForecastResult, console: Console = out) -> None:
    modelled = [f for f in result.forecasts if f.mean is not None]
    table = Table(title=f"forecasts from vintage v{result.vintage_id}: {len(modelled)} series with a model, "
                        f"{len(result.forecasts) - len(modelled)} with CAGR scenarios only, {len(result.skipped)} too short")
    for c in ("source", "indicator", "series", "history", "to", "method"):
        table.add_column(c)
    for f in modelled:
        s = f.series
        table.add_row(s.source_id, s.indicator, series_label(s.dims), f"{s.years[0]}–{s.years[-1]} ({len(s.years)})",
                      str(f.years[-1]), f.method.split(";")[0])
    console.print(table)
    c = result.comparisons
    if len(c):
        outside = c[~c["inside95"]]
        console.print(f"reports' forecasts compared: {len(c)}; outside our 95 % interval: {len(outside)}", highlight=False)


def forecast_command(
    store: Annotated[Path, typer.Option("--store", "-s", help="The store file.", envvar="SECTORSCOPE_STORE")] = Path("out/sectorscope.duckdb"),
    config: Annotated[Path | None, typer.Option("--config", "-c", help="A dataset folder holding forecast.yaml, or the file (default: the embedded dataset's).")] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where forecast.md is written.")] = Path("out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Forecast from the figures as of a vintage or date.")] = None,
    save: Annotated[bool, typer.Option(help="Write the forecasts to the store as a new vintage.")] = True,
) -> None:
    """Forecast every annual series with calibrated 80 % / 95 % intervals, CAGR scenarios beside the models,
    segments reconciled; stored as forecast figures of source sectorscope-forecast; writes OUT/forecast.md
    (zh) and forecast.en.md."""
    try:
        st = Store(store)
        cfg = read_forecast_config(config if config is not None else default_dataset_dir())
        result = forecast_store(st, cfg, as_of=as_of, save=save)
        paths = write_outputs(result, out_dir)
        st.close()
    except SectorscopeError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    print_summary(result)
    if result.written:
        w = result.written
        out.print(f"vintage v{w.vintage_id} written: {w.n_new} new, {w.n_revised} revised, {w.n_unchanged} unchanged, "
                  f"{w.n_withdrawn} withdrawn forecast figures", highlight=False)
    out.print(f"forecast {paths[0].resolve()} (English: {paths[1].name})", highlight=False)
