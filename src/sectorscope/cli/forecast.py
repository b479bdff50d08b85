"""`sectorscope forecast`: thin over sectorscope.forecast."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import DEFAULT_STORE, OutDirOpt, StoreOpt, open_store, out, print_table

if TYPE_CHECKING:
    from ..forecast import ForecastResult

__all__ = ["forecast_command", "print_summary"]


def print_summary(result: ForecastResult) -> None:
    from ..forecast import series_label

    modelled = [f for f in result.forecasts if f.mean is not None]
    print_table(f"forecasts from vintage v{result.vintage_id}: {len(modelled)} series with a model, "
                f"{len(result.forecasts) - len(modelled)} with CAGR scenarios only, {len(result.skipped)} too short",
                ("source", "indicator", "series", "history", "to", "method"),
                ((f.series.source_id, f.series.indicator, series_label(f.series.dims),
                  f"{f.series.years[0]}–{f.series.years[-1]} ({len(f.series.years)})", f.years[-1],
                  f.method.split(";")[0]) for f in modelled), wrap=("series",))
    c = result.comparisons
    if len(c):
        outside = c[~c["inside95"]]
        out.print(f"reports' forecasts compared: {len(c)}; outside our 95 % interval: {len(outside)}", highlight=False)


def forecast_command(
    store: StoreOpt = DEFAULT_STORE,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="A dataset folder holding forecast.yaml, or "
                                                "the file (default: the embedded dataset's).")] = None,
    out_dir: OutDirOpt = Path("out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Forecast from the figures as of a vintage or "
                                              "date.")] = None,
    save: Annotated[bool, typer.Option(help="Write the forecasts to the store as a new vintage.")] = True,
) -> None:
    """Forecast every annual series with calibrated 80 % / 95 % intervals, CAGR scenarios beside the models,
    segments reconciled; stored as forecast figures of source sectorscope-forecast; writes OUT/forecast.md
    (zh) and forecast.en.md."""
    from ..forecast import forecast_store, read_forecast_config
    from ..ingest import default_dataset_dir
    from ..report import write_forecast

    st = open_store(store)
    cfg = read_forecast_config(config if config is not None else default_dataset_dir())
    result = forecast_store(st, cfg, as_of=as_of, save=save)
    paths = write_forecast(result, out_dir)
    st.close()
    print_summary(result)
    if result.written:
        w = result.written
        out.print(f"vintage v{w.vintage_id} written: {w.n_new} new, {w.n_revised} revised, {w.n_unchanged} "
                  f"unchanged, {w.n_withdrawn} withdrawn forecast figures", highlight=False)
    out.print(f"forecast {paths[0].resolve()} (English: {paths[1].name})", highlight=False)
