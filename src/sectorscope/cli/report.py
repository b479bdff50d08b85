"""`sectorscope report`: one report, in one language and format, from the store as of a vintage."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import DEFAULT_STORE, LangOpt, OutDirOpt, StoreOpt, check_choice, open_store, out

__all__ = [
    "FORMATS",
    "report_command",
]

FORMATS = ("html", "pdf", "xlsx")


def report_command(
    store: StoreOpt = DEFAULT_STORE,
    lang: LangOpt = "zh",
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, pdf or xlsx.")] = "html",
    out_dir: OutDirOpt = Path("out"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="A vintage (3, v3) or an ISO date; latest by "
                                              "default.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="The vintage 'what changed' compares with "
                                              "(default: the one before the latest data load).")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Alert rules (default: the default dataset's "
                                               "alerts.yaml).")] = None,
    no_alerts: Annotated[bool, typer.Option("--no-alerts", help="Leave the alerts section empty.")] = False,
) -> None:
    """Build one report — HTML, PDF or XLSX, in Chinese or English — with every number cited; written to
    OUT/report.LANG.FORMAT (a workbook: OUT/tables.xlsx, or tables.en.xlsx)."""
    from ..errors import StoreError
    from ..ingest import default_dataset_dir
    from ..report import build_report_data, report_inputs

    check_choice("--lang", lang, ("zh", "en"))
    check_choice("--format", fmt, FORMATS)
    workbook = "tables.xlsx" if lang == "zh" else f"tables.{lang}.xlsx"  # as `run` names them
    target = out_dir / (workbook if fmt == "xlsx" else f"report.{lang}.{fmt}")
    rules_path = None if no_alerts else (rules or default_dataset_dir() / "alerts.yaml")
    st = open_store(store)
    vid = st.resolve(as_of)
    if vid is None:
        raise StoreError(f"{store} holds no vintage{' at ' + as_of if as_of else ''}; load data first "
                         "(sectorscope run or load)")
    inputs = report_inputs(st, vid, rules=rules_path, since=since)
    data = build_report_data(st, lang=lang, as_of=vid, inputs=inputs, compact=fmt == "pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        from ..report import render_html

        target.write_text(render_html(data), encoding="utf-8")
    elif fmt == "pdf":
        from ..report import write_pdf

        write_pdf(data, target)
    else:
        from ..report import write_workbook

        write_workbook(data, target)
    st.close()
    out.print(f"{fmt} report ({lang}) of vintage v{vid}: {target.resolve()}  ({len(data.citations)} cited figures, "
              f"{len(inputs.alerts)} alerts)", highlight=False)
