"""`sectorscope report`: one report, in one language and format, from the store as of a vintage."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import SectorscopeError, ValidationError
from ..ingest import default_dataset_dir
from ..report.content import build_report_data
from ..report.html import render_html
from ..report.publish import report_inputs
from ..store import Store

__all__ = ["report_command"]

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
_SUFFIX = {"html": "html", "pdf": "pdf", "xlsx": "xlsx"}


def report_command(
    store: Annotated[Path, typer.Option("--store", "-s", help="The store file.", envvar="SECTORSCOPE_STORE")]
    = Path("out/sectorscope.duckdb"),
    lang: Annotated[str, typer.Option("--lang", "-l", help="zh (simplified Chinese) or en.")] = "zh",
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, pdf or xlsx.")] = "html",
    output: Annotated[Path | None, typer.Option("--out", "-o", help="The file to write (default out/report.LANG.FORMAT; "
                                                "out/tables.xlsx for xlsx).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="A vintage (3, v3) or an ISO date; latest by default.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="The vintage 'what changed' compares with "
                                              "(default: the one before the latest data load).")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Alert rules (default: the default dataset's alerts.yaml).")]
    = None,
    no_alerts: Annotated[bool, typer.Option("--no-alerts", help="Leave the alerts section empty.")] = False,
) -> None:
    """Build one report — HTML, PDF or XLSX, in Chinese or English — with every number cited."""
    if lang not in ("zh", "en"):
        err.print("error: --lang must be zh or en")
        raise typer.Exit(1)
    if fmt not in _SUFFIX:
        err.print("error: --format must be html, pdf or xlsx")
        raise typer.Exit(1)
    target = output or (Path("out/tables.xlsx") if fmt == "xlsx" else Path(f"out/report.{lang}.{fmt}"))
    rules_path = None if no_alerts else (rules or default_dataset_dir() / "alerts.yaml")
    try:
        st = Store(store)
        vid = st.resolve(as_of)
        if vid is None:
            raise SectorscopeError(f"{store} holds no vintage; load data first (sectorscope run or load)")
        inputs = report_inputs(st, vid, rules=rules_path, since=since)
        data = build_report_data(st, lang=lang, as_of=vid, inputs=inputs, compact=fmt == "pdf")
        target.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "html":
            target.write_text(render_html(data), encoding="utf-8")
        elif fmt == "pdf":
            from ..report.pdf import write_pdf
            write_pdf(data, target)
        else:
            from ..report.xlsx import write_workbook
            write_workbook(data, target)
        st.close()
    except SectorscopeError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(2 if isinstance(exc, ValidationError) else 1)
    out.print(f"{fmt} report ({lang}) of vintage v{vid}: {target.resolve()}  ({len(data.citations)} cited figures, "
              f"{len(inputs.alerts)} alerts)", highlight=False)
