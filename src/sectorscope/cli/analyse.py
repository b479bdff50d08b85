"""`sectorscope analyse`: thin over sectorscope.analytics."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import DEFAULT_STORE, OutDirOpt, StoreOpt, open_store, out, print_table

if TYPE_CHECKING:
    from ..analytics import AnalysisResult

__all__ = ["analyse_command", "print_summary"]


def print_summary(result: AnalysisResult) -> None:
    d = result.derived
    counts = d.groupby("indicator").size() if len(d) else {}
    print_table(f"analysis of vintage v{result.vintage_id}: {len(d)} derived figure(s)", ("indicator", "figures"),
                ((ind, n) for ind, n in (counts.items() if len(d) else [])))
    if len(result.supply_demand):
        from ..present import interval, signed, term

        print_table("supply-demand elasticity index (+ shortage, − surplus)",
                    ("product", "tier", "index", "interval", "reading"),
                    ((r.product, r.tier if isinstance(r.tier, str) else "", signed(r.index),
                      interval(r.index_low, r.index_high, digits=2, sign=True), term("reading", r.reading, "en"))
                     for r in result.supply_demand.itertuples()), wrap=("product", "reading"))


def analyse_command(
    store: StoreOpt = DEFAULT_STORE,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="A dataset folder holding analytics.yaml "
                                                "(default: the embedded dataset's).")] = None,
    out_dir: OutDirOpt = Path("out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="Analyse the figures as of a vintage or date.")] = None,
    save: Annotated[bool, typer.Option(help="Write the results to the store as a new vintage of derived "
                                       "figures.")] = True,
) -> None:
    """Derived indicators, the supply-demand index, composite indices and the TRL × demand dual track,
    stored as derived figures with lineage; writes OUT/analytics.md (zh) and analytics.en.md."""
    from ..analytics import analyse, read_config
    from ..ingest import default_dataset_dir
    from ..report import write_analytics

    st = open_store(store)
    cfg = read_config(config if config is not None else default_dataset_dir())
    result = analyse(st, cfg, as_of=as_of, save=save)
    paths = write_analytics(result, out_dir)
    st.close()
    print_summary(result)
    if result.written:
        w = result.written
        out.print(f"vintage v{w.vintage_id} written: {w.n_new} new, {w.n_revised} revised, {w.n_unchanged} "
                  f"unchanged, {w.n_withdrawn} withdrawn derived figures", highlight=False)
    out.print(f"analytics {paths[0].resolve()} (English: {paths[1].name})", highlight=False)
