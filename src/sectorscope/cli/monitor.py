"""`sectorscope diff` and `sectorscope alerts`: thin over sectorscope.monitor."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    DEFAULT_STORE,
    FormatOpt,
    OutDirOpt,
    StoreOpt,
    check_choice,
    emit_records,
    open_store,
    out,
    print_table,
    resolve_as_of,
)

__all__ = ["alerts_command", "default_rules_path", "diff_command"]

_SHOWN = ("change", "source_id", "indicator", "dims", "period", "printed_old", "printed_new", "pct_change",
          "vintage_id", "obs_id_old", "obs_id_new")


def default_rules_path() -> Path:
    """The embedded default dataset's alert rules."""
    from ..ingest import default_dataset_dir

    return default_dataset_dir() / "alerts.yaml"


def _shown_path(p: Path) -> str:
    """A path as the user would type it: relative to the working directory when under it."""
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def _cell(col: str, v: object) -> str:
    from ..present import missing, number, signed_percent

    if missing(v):
        return ""
    return signed_percent(number(v)) if col == "pct_change" else str(v)


def diff_command(
    since: Annotated[str, typer.Option("--since", help="A vintage (3, v3) or an ISO date: the state compared "
                                       "against.")],
    until: Annotated[str | None, typer.Option("--until", help="A vintage or date (default: the latest).")] = None,
    store: StoreOpt = DEFAULT_STORE,
    fmt: FormatOpt = "table",
    source: Annotated[list[str] | None, typer.Option("--source", help="Only figures of this source (repeatable).")]
    = None,
    change: Annotated[list[str] | None, typer.Option("--change", help="new, revised or withdrawn (repeatable).")]
    = None,
) -> None:
    """New, revised and withdrawn figures between two vintages, old and new values side by side, with their
    sources — sectorscope's own forecasts (source sectorscope-forecast) and derived figures included."""
    from ..model import DIMENSIONS
    from ..monitor import CHANGES, diff_vintages, dims_label, summarise_diff

    check_choice("--format", fmt, ("table", "json", "csv"))
    for c in change or []:
        check_choice("--change", c, CHANGES)
    st = open_store(store)
    resolve_as_of(st, since)
    frame = diff_vintages(st, since, until)
    st.close()
    since_v, until_v = frame.attrs.get("since_vintage"), frame.attrs.get("until_vintage")
    if source and len(frame):
        frame = frame[frame["source_id"].isin(source)]
    if change and len(frame):
        frame = frame[frame["change"].isin(change)]
    if fmt != "table":
        emit_records(frame.to_dict("records"), fmt, list(frame.columns))
        return
    summary = summarise_diff(frame)
    start = "nothing" if since_v is None else f"v{since_v}"
    rows = []
    for rec in frame.to_dict("records"):
        rec["dims"] = dims_label({d: rec[d] for d in DIMENSIONS if rec.get(d) is not None})
        rows.append([_cell(c, rec[c]) for c in _SHOWN])
    print_table(f"changes from {start} to v{until_v}: " + ", ".join(f"{n} {c}" for c, n in summary.by_change.items()),
                ("change", "source", "indicator", "dimensions", "period", "old", "new", "Δ", "vintage", "old id",
                 "new id"), rows, wrap=("dimensions",))
    if summary.by_source:
        print_table("by source", ("source", *CHANGES),
                    ([s, *(n[c] for c in CHANGES)] for s, n in summary.by_source.items()))


def alerts_command(
    rules: Annotated[Path | None, typer.Option("--rules", "-r", help="An alert rule file (default: the embedded "
                                               "dataset's alerts.yaml).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluate on the store as of a vintage or date "
                                              "(default: the latest).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Revision rules compare with this vintage (default: "
                                              "the rule's own, else the vintage before the latest data load).")]
    = None,
    out_dir: OutDirOpt = Path("out"),
    store: StoreOpt = DEFAULT_STORE,
    fmt: FormatOpt = "table",
) -> None:
    """Evaluate the alert rules on a vintage of the store; print them and write OUT/alerts.json."""
    from ..monitor import evaluate_alerts, read_alert_rules, write_alerts_json

    check_choice("--format", fmt, ("table", "json", "csv"))
    rules_path = rules if rules is not None else default_rules_path()
    parsed = read_alert_rules(rules_path)
    st = open_store(store)
    vid = resolve_as_of(st, as_of)
    if vid is None:
        from ..errors import StoreError

        raise StoreError(f"{store} held no vintage{' at ' + as_of if as_of else ''}; nothing to evaluate")
    alerts = evaluate_alerts(st, parsed, vid, since=since)
    st.close()
    path = write_alerts_json(alerts, out_dir / "alerts.json", vintage_id=vid, rules_file=_shown_path(rules_path))
    if fmt != "table":
        from dataclasses import asdict, fields

        from ..monitor import Alert

        emit_records((asdict(a) for a in alerts), fmt, [f.name for f in fields(Alert)])
        return
    print_table(f"alerts on vintage v{vid}: {len(alerts)} from {len(parsed)} rules ({_shown_path(rules_path)})",
                ("severity", "rule", "figure", "message"),
                ((a.severity, a.rule_id, f"#{a.obs_id}" + (f" vs #{a.forecast_obs_id}" if a.forecast_obs_id else ""),
                  a.message_zh) for a in alerts), wrap=("message",))
    counts = {s: sum(1 for a in alerts if a.severity == s) for s in ("critical", "warning", "info")}
    out.print(f"{', '.join(f'{n} {s}' for s, n in counts.items())}; written to {path.resolve()}", highlight=False)
