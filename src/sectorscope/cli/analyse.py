"""`sectorscope analyse`: thin over sectorscope.analytics."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..analytics.output import write_outputs
from ..analytics.pipeline import AnalysisResult, analyse, read_config
from ..errors import SectorscopeError
from ..ingest import default_dataset_dir
from ..store import Store

__all__ = ["analyse_command", "print_summary"]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def print_summary(result: AnalysisResult, console: Console = out) -> None:
    d = result.derived
    counts = d.groupby("indicator").size() if len(d) else {}
    table = Table(title=f"analysis of vintage v{result.vintage_id}: {len(d)} derived figure(s)")
    table.add_column("indicator")
    table.add_column("figures", justify="right")
    for ind, n in (counts.items() if len(d) else []):
        table.add_row(ind, str(n))
    console.print(table)
    if len(result.supply_demand):
        t = Table(title="supply-demand elasticity index (+ shortage, − surplus)")
        for c in ("product", "tier", "index", "interval", "reading"):
            t.add_column(c)
        for r in result.supply_demand.itertuples():
            t.add_row(r.product, r.tier if isinstance(r.tier, str) else "", f"{r.index:+.2f}", f"[{r.index_low:+.2f}, {r.index_high:+.2f}]", r.reading)
        console.print(t)


def analyse_command(
    store: Annotated[Path, typer.Option("--store", "-s", help="The store file.", envvar="SECTORSCOPE_STORE")] = Path("out/sectorscope.duckdb"),
    config: Annotated[Path | None, typer.Option("--config", "-c", help="A dataset folder holding analytics.yaml (default: the embedded dataset's).")] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where analytics.md is written.")] = Path("out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Analyse the figures as of a vintage or date.")] = None,
    save: Annotated[bool, typer.Option(help="Write the results to the store as a new vintage of derived figures.")] = True,
) -> None:
    """Derived indicators, the supply-demand index, composite indices and the TRL × demand dual track,
    stored as derived figures with lineage; writes OUT/analytics.md (zh) and analytics.en.md."""
    try:
        st = Store(store)
        cfg = read_config(config if config is not None else default_dataset_dir())
        result = analyse(st, cfg, as_of=as_of, save=save)
        paths = write_outputs(result, out_dir)
        st.close()
    except SectorscopeError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from None
    print_summary(result)
    if result.written:
        w = result.written
        out.print(f"vintage v{w.vintage_id} written: {w.n_new} new, {w.n_revised} revised, {w.n_unchanged} unchanged, "
                  f"{w.n_withdrawn} withdrawn derived figures", highlight=False)
    out.print(f"analytics {paths[0].resolve()} (English: {paths[1].name})", highlight=False)
