"""`sectorscope run`: the main job (`sectorscope.run`) and a summary of where everything went."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import printable
from .common import OutDirOpt, file_progress, out

if TYPE_CHECKING:
    from ..job import RunResult

__all__ = [
    "run_command",
]



def run_command(
    out_dir: OutDirOpt = Path("out"),
    data: Annotated[Path | None, typer.Option("--data", help="A dataset folder (default: the embedded default "
                                              "dataset).", file_okay=False, exists=True)] = None,
    allow_mass_withdraw: Annotated[bool, typer.Option(help="Allow the load to withdraw more than half of a "
                                                      "source's figures (files removed from --data).")] = False,
) -> None:
    """The main job: load the dataset into OUT/sectorscope.duckdb, analyse it, forecast it, audit it (the
    reports' forecasts against ours included), evaluate the alert rules, and write the reports (HTML zh/en,
    PDF, XLSX), the SDMX-CSV export and the audit, analytics and forecast notes."""
    from ..ingest import collect, default_dataset_dir
    from ..job import run

    files = collect([data or default_dataset_dir()]).all_files()
    with file_progress(len(files)) as step:
        result = run(data, out_dir, on_file=step, allow_mass_withdraw=allow_mass_withdraw)
    w = result.loaded
    _say(f"vintage v{w.vintage_id} written to {result.store_path}: {w.n_rows} rows read, {w.n_new} new, "
         f"{w.n_revised} revised, {w.n_unchanged} unchanged, {w.n_withdrawn} withdrawn")
    for subject, n in result.stated_counts.items():
        out.print(f"  {subject}: {n} figures", highlight=False)
    rec = result.records
    if rec is not None and rec.records is not None:
        for loaded in rec.loaded:
            b = loaded.summary
            _say(f"record batch {b.batch_id} loaded: {b.n_lines} lines in {b.n_files} Parquet files")
        for path, bid in rec.skipped.items():
            _say(f"record file {path.name} already loaded (batch {bid})")
    if result.trade is not None:
        t = result.trade
        _say(f"vintage v{t.vintage_id}: {t.n_rows} figures derived from the record set, {t.n_new} new, "
             f"{t.n_revised} revised, {t.n_withdrawn} withdrawn")
    _print_outputs(result)


def _say(text: str) -> None:
    """A line of the job's report; paths in it are the user's, so no markup and no raw control characters."""
    out.print(printable(text, keep="\n"), highlight=False, markup=False)


def _print_outputs(result: RunResult) -> None:
    p, published = result.outputs, result.published
    assert published is not None  # run() publishes unless told not to
    _say("outputs:")
    _say(f"  store   {result.store_path.resolve()}")
    _say(f"  report  {p['report.zh.html'].resolve()}  (open it in a browser; English: {p['report.en.html'].name}, "
        f"PDF: {p['report.zh.pdf'].name}, workbook: {p['tables.xlsx'].name})")
    changed = (f"{len(published.diff)} figures changed since v{published.since}" if published.diff is not None
               else "no earlier load to compare with")
    _say(f"  alerts  {p['alerts'].resolve()}  ({len(published.alerts)} alerts; {changed}; both also in the report)")
    _say(f"  export  {p['observations.sdmx.csv'].resolve()}  (SDMX-CSV of every figure)")
    _say(f"  serve   .venv/bin/sectorscope serve --store {result.store_path}  (the HTTP API on "
        "http://127.0.0.1:8000/api, OpenAPI at /api/openapi.json)")
    _say(f"  audit   {p['audit.md'].resolve()}  ({len(result.audit.findings)} findings; English: "
        f"{p['audit.en.md'].name}; also in the store's audit_findings table)")
    _say(f"  analytics {p['analytics.md'].resolve()}  ({len(result.analysis.derived)} derived figures, stored with "
        f"formula and inputs; English: {p['analytics.en.md'].name})")
    fc = result.forecast
    n_model = sum(1 for f in fc.forecasts if f.mean is not None)
    n_out = int((~fc.comparisons["inside95"]).sum()) if len(fc.comparisons) else 0
    _say(f"  forecast  {p['forecast.md'].resolve()}  ({n_model} series forecast with 80/95 % intervals, "
        f"{n_out} report forecasts outside our 95 % interval; English: {p['forecast.en.md'].name})")
