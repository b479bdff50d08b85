"""`sectorscope export`: thin over sectorscope.report.export — any query to CSV, Parquet or SDMX-CSV."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import DEFAULT_STORE, StoreOpt, open_store, out
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

__all__ = ["export_command"]


def export_command(
    path: Annotated[Path, typer.Argument(help="The file to write: *.csv, *.sdmx.csv or *.parquet.")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="csv, parquet or sdmx-csv (default: from the "
                                            "file name).")] = None,
    store: StoreOpt = DEFAULT_STORE,
    as_of: AsOfOpt = None,
    indicator: IndicatorOpt = None,
    subject: SubjectOpt = None,
    region: RegionOpt = None,
    period: PeriodOpt = None,
    status: StatusOpt = None,
    source: SourceOpt = None,
    dim: DimOpt = None,
    excel: Annotated[bool, typer.Option("--excel/--plain", help="CSV for Excel (UTF-8 BOM, text that could "
                                        "run as a formula prefixed with ') or plain (every text exact).")] = True,
    sdmx_version: Annotated[str, typer.Option("--sdmx-version", help="SDMX-CSV 2.0 (read by sdmx1, SDMX 3.0 "
                                              "tools) or 1.0 (SDMX 2.1 tools).")] = "2.0",
) -> None:
    """Write the figures of a query (the same filters as `query`, no row limit) to a file, streamed and
    atomically; SDMX-CSV comes with its SDMX-ML structure file beside it."""
    from ..report import export_query
    from ..store import check_codes

    dims = parse_dims(dim, subject=subject, region=region)
    st = open_store(store)
    check_codes(st, indicator=indicator, source_id=source, dims=dims)
    summary = export_query(st, path, fmt=fmt, as_of=as_of, indicator=indicator or None, status=status,
                           period=period, source_id=source, excel=excel, sdmx_version=sdmx_version, **dims)
    st.close()
    flavour = {"csv": "CSV for Excel" if excel else "plain CSV", "parquet": "Parquet",
               "sdmx-csv": f"SDMX-CSV {sdmx_version}"}[summary.fmt]
    vintage = f" (vintage v{summary.vintage_id})" if summary.vintage_id is not None else ""
    out.print(f"{summary.rows} rows written{vintage}: {summary.path.resolve()}  ({flavour})", highlight=False)
    if summary.structure is not None:
        out.print(f"structure: {summary.structure.resolve()}  (SDMX-ML 2.1: dataflow, data structure, codelists)",
                  highlight=False)
