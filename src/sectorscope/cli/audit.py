"""`sectorscope audit` and `sectorscope audit choose`: thin over sectorscope.audit."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import (
    DEFAULT_STORE,
    FormatOpt,
    Group,
    OutDirOpt,
    StoreOpt,
    check_choice,
    emit_records,
    open_store,
    out,
    print_table,
)

if TYPE_CHECKING:
    from ..audit import AuditResult

__all__ = [
    "FINDING_COLUMNS",
    "audit_app",
    "audit_command",
    "choose_command",
    "print_counts",
]

audit_app = typer.Typer(cls=Group, help="Consistency rules and conflicts, every finding shown against its "
                        "quoted sources.")
FINDING_COLUMNS = ("rule", "severity", "indicator", "subject", "periods", "obs_ids", "message", "suggestion")


def print_counts(result: AuditResult) -> None:
    from ..audit import RULES

    counts: dict[tuple[str, str], int] = {}
    for f in result.findings:
        counts[(f.rule, f.severity)] = counts.get((f.rule, f.severity), 0) + 1
    print_table(f"audit of vintage v{result.vintage_id}: {len(result.findings)} finding(s) in {result.n_figures} "
                "figures", ("rule", "severity", "findings"),
                ((f"{rule} ({RULES[rule][0]})", sev, n) for (rule, sev), n in sorted(counts.items())),
                wrap=("rule",))


@audit_app.callback(invoke_without_command=True)
def audit_command(
    ctx: typer.Context,
    store: StoreOpt = DEFAULT_STORE,
    out_dir: OutDirOpt = Path("out"),
    lang: Annotated[str, typer.Option(help="zh, en or both.")] = "zh",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Audit the figures as of a vintage or date.")] = None,
    save: Annotated[bool, typer.Option(help="Write the findings to the store's audit_findings table.")] = True,
    fmt: FormatOpt = "table",
) -> None:
    """Audit the store: writes OUT/audit.md (zh; audit.en.md with --lang en) and the audit_findings table;
    --format json or csv lists the findings themselves."""
    if ctx.invoked_subcommand is not None:
        return
    from ..audit import record_audit
    from ..report import write_audit

    check_choice("--lang", lang, ("zh", "en", "both"))
    check_choice("--format", fmt, ("table", "json", "csv"))
    langs = ("zh", "en") if lang == "both" else (lang,)
    st = open_store(store)
    result, house_views = record_audit(st, as_of=as_of, save=save)
    st.close()
    paths = write_audit(result, out_dir, langs, house_views=house_views)
    if fmt != "table":
        en = lang == "en"
        emit_records(({"rule": f.rule, "severity": f.severity, "indicator": f.indicator, "subject": f.subject,
                       "periods": list(f.periods), "obs_ids": list(f.obs_ids),
                       "message": f.message_en if en else f.message_zh,
                       "suggestion": f.suggestion_en if en else f.suggestion_zh}
                      for f in result.findings), fmt, FINDING_COLUMNS)
        return
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
    from ..audit import choose

    st = open_store(store)
    summary = choose(st, obs_id, why, analyst=analyst)
    st.close()
    out.print(f"house view recorded as vintage v{summary.vintage_id}: figure #{obs_id} ({why})", highlight=False)
