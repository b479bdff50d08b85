"""`sectorscope audit` and `sectorscope audit choose`: thin over sectorscope.audit."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..audit import choose, run_audit
from ..audit.findings import RULES
from ..errors import SectorscopeError
from ..store import Store

__all__ = ["audit_app", "print_counts"]

audit_app = typer.Typer(help="Consistency rules and conflicts, every finding shown against its quoted sources.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
StoreOpt = Annotated[Path, typer.Option("--store", "-s", help="The store file.", envvar="SECTORSCOPE_STORE")]
DEFAULT_STORE = Path("out/sectorscope.duckdb")


def _fail(exc: SectorscopeError) -> None:
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
    raise typer.Exit(1)


def print_counts(result, console: Console = out) -> None:
    table = Table(title=f"audit of vintage v{result.vintage_id}: {len(result.findings)} finding(s) in {result.n_figures} figures")
    for c in ("rule", "severity", "findings"):
        table.add_column(c)
    counts: dict[tuple[str, str], int] = {}
    for f in result.findings:
        counts[(f.rule, f.severity)] = counts.get((f.rule, f.severity), 0) + 1
    for (rule, sev), n in sorted(counts.items()):
        table.add_row(f"{rule} ({RULES[rule][0]})", sev, str(n))
    console.print(table)


@audit_app.callback(invoke_without_command=True)
def audit_command(
    ctx: typer.Context,
    store: StoreOpt = DEFAULT_STORE,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where audit.md is written.")] = Path("out"),
    lang: Annotated[str, typer.Option(help="zh, en or both.")] = "zh",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Audit the figures as of a vintage or date.")] = None,
    save: Annotated[bool, typer.Option(help="Write the findings to the store's audit_findings table.")] = True,
) -> None:
    """Audit the store: writes OUT/audit.md (zh; audit.en.md with --lang en) and the audit_findings table."""
    if ctx.invoked_subcommand is not None:
        return
    if lang not in ("zh", "en", "both"):
        err.print("error: --lang must be zh, en or both")
        raise typer.Exit(1)
    langs = ("zh", "en") if lang == "both" else (lang,)
    try:
        st = Store(store)
        result, paths = run_audit(st, out_dir, as_of=as_of, langs=langs, save=save)
        st.close()
    except SectorscopeError as exc:
        _fail(exc)
    print_counts(result)
    for p in paths:
        out.print(f"  {p.resolve()}", highlight=False)


@audit_app.command("choose")
def choose_command(
    obs_id: Annotated[int, typer.Argument(help="The id of the figure the report uses (see `sectorscope query`).")],
    why: Annotated[str, typer.Option("--why", help="Why this figure and not the others.")],
    analyst: Annotated[str, typer.Option(help="Who decided.")] = "",
    store: StoreOpt = DEFAULT_STORE,
) -> None:
    """Record a house view: the figure the report uses for its indicator, dimensions and period. A new vintage;
    the other figures stay, and the report shows their spread."""
    try:
        st = Store(store)
        summary = choose(st, obs_id, why, analyst=analyst)
        st.close()
    except SectorscopeError as exc:
        _fail(exc)
    out.print(f"house view recorded as vintage v{summary.vintage_id}: figure #{obs_id} ({why})", highlight=False)
