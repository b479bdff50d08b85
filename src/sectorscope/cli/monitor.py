"""`sectorscope diff` and `sectorscope alerts`: thin over sectorscope.monitor."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from ..errors import SectorscopeError, ValidationError
from ..ingest import default_dataset_dir
from ..model.observation import DIMENSIONS
from ..monitor.alerts import dims_label, evaluate_alerts, read_alert_rules
from ..monitor.diff import CHANGES, diff_vintages, summarise_diff
from ..monitor.output import write_alerts_json
from ..store import Store

__all__ = ["diff_command", "alerts_command", "default_rules_path"]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
StoreOpt = Annotated[Path, typer.Option("--store", "-s", help="The store file.", envvar="SECTORSCOPE_STORE")]
DEFAULT_STORE = Path("out/sectorscope.duckdb")
_SHOWN = ("change", "source_id", "indicator", "dims", "period", "printed_old", "printed_new", "pct_change", "vintage_id",
          "obs_id_old", "obs_id_new")


def _fail(exc: SectorscopeError) -> None:
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2 if isinstance(exc, ValidationError) else 1)


def _usage(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def default_rules_path() -> Path:
    """The embedded default dataset's alert rules."""
    return default_dataset_dir() / "alerts.yaml"


def _shown_path(p: Path) -> str:
    """A path as the user would type it: relative to the working directory when under it."""
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _dims(rec: dict) -> str:
    return dims_label({d: rec[d] for d in DIMENSIONS if rec.get(d) is not None})


def _cell(col: str, v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return f"{float(v):+.1f}%" if col == "pct_change" else str(v)


def diff_command(
    since: Annotated[str, typer.Option("--since", help="A vintage (3, v3) or an ISO date: the state compared against.")],
    until: Annotated[str | None, typer.Option("--until", help="A vintage or date (default: the latest).")] = None,
    store: StoreOpt = DEFAULT_STORE,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json (one object per line).")] = "table",
    source: Annotated[list[str] | None, typer.Option("--source", help="Only figures of this source (repeatable).")] = None,
    change: Annotated[list[str] | None, typer.Option("--change", help="new, revised or withdrawn (repeatable).")] = None,
) -> None:
    """New, revised and withdrawn figures between two vintages, old and new values side by side, with their
    sources — sectorscope's own forecasts (source sectorscope-forecast) and derived figures included."""
    if fmt not in ("table", "csv", "json"):
        _usage("--format must be table, csv or json")
    bad = sorted(set(change or []) - set(CHANGES))
    if bad:
        _usage(f"--change {', '.join(bad)}: changes are {', '.join(CHANGES)}")
    try:
        st = Store(store)
        if not st.exists():
            raise SectorscopeError(f"no store at {store}; `sectorscope load` or `sectorscope run` makes one")
        frame = diff_vintages(st, since, until)
        st.close()
    except SectorscopeError as exc:
        _fail(exc)
    since_v, until_v = frame.attrs.get("since_vintage"), frame.attrs.get("until_vintage")
    if source and len(frame):
        frame = frame[frame["source_id"].isin(source)]
    if change and len(frame):
        frame = frame[frame["change"].isin(change)]
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False)
        return
    if fmt == "json":
        for rec in frame.to_dict("records"):
            sys.stdout.write(json.dumps({k: (None if v is None or (isinstance(v, float) and v != v) else v)
                                         for k, v in rec.items()}, ensure_ascii=False, default=str) + "\n")
        return
    summary = summarise_diff(frame)
    start = "nothing" if since_v is None else f"v{since_v}"
    table = Table(title=f"changes from {start} to v{until_v}: " +
                        ", ".join(f"{n} {c}" for c, n in summary.by_change.items()))
    for c in ("change", "source", "indicator", "dimensions", "period", "old", "new", "Δ", "vintage", "old id", "new id"):
        table.add_column(c, overflow="fold")
    for rec in frame.to_dict("records"):
        rec = {**rec, "dims": _dims(rec)}
        table.add_row(*[_cell(c, rec[c]) for c in _SHOWN])
    out.print(table)
    if summary.by_source:
        counts = Table(title="by source")
        for c in ("source", *CHANGES):
            counts.add_column(c)
        for s, n in summary.by_source.items():
            counts.add_row(s, *[str(n[c]) for c in CHANGES])
        out.print(counts)


def alerts_command(
    rules: Annotated[Path | None, typer.Option("--rules", "-r", help="An alert rule file (default: the embedded dataset's alerts.yaml).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluate on the store as of a vintage or date (default: the latest).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Revision rules compare with this vintage (default: the rule's own, else the vintage before the latest data load).")] = None,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Where the alerts are written as JSON.")] = Path("out/alerts.json"),
    store: StoreOpt = DEFAULT_STORE,
) -> None:
    """Evaluate the alert rules on a vintage of the store; print them and write OUT (alerts.json)."""
    rules_path = rules if rules is not None else default_rules_path()
    try:
        parsed = read_alert_rules(rules_path)
        st = Store(store)
        if not st.exists():
            raise SectorscopeError(f"no store at {store}; `sectorscope load` or `sectorscope run` makes one")
        vid = st.resolve(as_of)
        alerts = evaluate_alerts(st, parsed, vid, since=since)
        st.close()
        path = write_alerts_json(alerts, out_file, vintage_id=vid, rules_file=_shown_path(rules_path))
    except SectorscopeError as exc:
        _fail(exc)
    table = Table(title=f"alerts on vintage v{vid}: {len(alerts)} from {len(parsed)} rules ({_shown_path(rules_path)})")
    for c in ("severity", "rule", "figure", "message"):
        table.add_column(c, overflow="fold")
    for a in alerts:
        table.add_row(a.severity, a.rule_id, f"#{a.obs_id}" + (f" vs #{a.forecast_obs_id}" if a.forecast_obs_id else ""),
                      a.message_zh)
    out.print(table)
    counts = pd.Series([a.severity for a in alerts], dtype=object).value_counts()
    shown = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in ("critical", "warning", "info"))
    out.print(f"{shown}; written to {path.resolve()}", highlight=False)
