"""Everything a report run leaves on disk, from one store as of one vintage: the HTML pages, the PDF, the
workbook, the alerts and the SDMX-CSV export.

The alerts and the "what changed" diff are computed once and handed to every rendering, so the zh and en
pages, the PDF and the workbook show the same alerts and the same changes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..monitor import (
    Alert,
    diff_vintages,
    evaluate_alerts,
    previous_vintage,
    read_alert_rules,
    write_alerts_json,
)
from ..store import AsOf, Store
from .content import ReportInputs, build_report_data
from .html import render_html

__all__ = ["FORMATS", "Published", "publish", "report_inputs", "report_since"]

FORMATS = ("html", "pdf", "xlsx")


@dataclass
class Published:
    vintage_id: int
    paths: dict[str, Path] = field(default_factory=dict)  # what → path ("report.zh.html", "alerts", …)
    alerts: list[Alert] = field(default_factory=list)
    diff: pd.DataFrame | None = None
    since: int | None = None


def report_since(store: Store, vid: int) -> int | None:
    """The vintage the previous report was made from: the last vintage before the latest data load (the
    analyse and forecast vintages that follow a load are not loads) — the same baseline the revision alerts
    use. None when the store has no earlier load."""
    return previous_vintage(store, vid)


def report_inputs(store: Store, vid: int, *, rules: str | Path | None = None, since: AsOf = None) -> ReportInputs:
    """The alerts of vintage `vid` under `rules` (none without rules) and the diff since `since` (default:
    `report_since`)."""
    alerts = evaluate_alerts(store, read_alert_rules(rules), vid) if rules is not None else []
    since_vid = store.resolve(since) if since is not None else report_since(store, vid)
    diff = diff_vintages(store, since_vid, vid) if since_vid is not None else None
    return ReportInputs(alerts=alerts, diff=diff, since=since_vid)


def publish(store: Store, out_dir: str | Path, *, langs: Sequence[str] = ("zh", "en"),
            formats: Sequence[str] = FORMATS, pdf_langs: Sequence[str] = ("zh",), xlsx_lang: str = "zh",
            rules: str | Path | None = None, since: AsOf = None, as_of: AsOf = None,
            generated: datetime | None = None, sdmx: bool = True) -> Published:
    """Write the reports of the store as of `as_of` (latest by default) into `out_dir`.

    `rules` is an alerts.yaml (none: no alerts section); `since` the vintage "what changed" compares with
    (default: `report_since`). HTML is written for every language in `langs`, PDF for `pdf_langs`, one
    workbook in `xlsx_lang`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vid = store.resolve(as_of)
    if vid is None:
        from ..errors import StoreError
        raise StoreError(f"{store.path} holds no vintage to report on; load data first (sectorscope load or run)")
    generated = generated or datetime.now(UTC)
    result = Published(vid)
    inputs = report_inputs(store, vid, rules=rules, since=since)
    result.alerts, result.diff, result.since = list(inputs.alerts), inputs.diff, inputs.since
    if rules is not None:
        result.paths["alerts"] = write_alerts_json(result.alerts, out / "alerts.json", vintage_id=vid,
                                                   rules_file=str(rules), generated_at=generated)
    wanted = set(langs) | (set(pdf_langs) if "pdf" in formats else set()) | ({xlsx_lang} if "xlsx" in formats else set())
    for lang in [lang for lang in ("zh", "en") if lang in wanted]:
        data = build_report_data(store, lang=lang, as_of=vid, inputs=inputs, generated=generated)
        if "html" in formats and lang in langs:
            path = out / f"report.{lang}.html"
            path.write_text(render_html(data), encoding="utf-8")
            result.paths[f"report.{lang}.html"] = path
        if "pdf" in formats and lang in pdf_langs:
            from .pdf import write_pdf
            compact = build_report_data(store, lang=lang, as_of=vid, inputs=inputs, generated=generated, compact=True)
            result.paths[f"report.{lang}.pdf"] = write_pdf(compact, out / f"report.{lang}.pdf")
        if "xlsx" in formats and lang == xlsx_lang:
            from .xlsx import write_workbook
            result.paths["tables.xlsx"] = write_workbook(data, out / "tables.xlsx")
    if sdmx:
        from .export import export_query
        summary = export_query(store, out / "observations.sdmx.csv", fmt="sdmx-csv", as_of=vid)
        result.paths["observations.sdmx.csv"] = Path(summary.path)
    return result
