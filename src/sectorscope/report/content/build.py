"""The report as data: every section, in the report's order, built against one reading of the store.

The order matters beyond layout: footnotes are numbered in the order the sections first cite a figure, so
the sections are built in the order a reader meets them. Alerts and the vintage diff come from the monitor
layer and are passed in (`ReportInputs`), because both depend on choices (rules, since when) the caller
makes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from ...errors import UsageError
from ...model import Catalog, load_catalog
from ...monitor import Alert
from ...store import AsOf, Store
from ..document import ReportData
from .alerts import alerts_section
from .audit import audit_section
from .bottlenecks import bottlenecks_section
from .changes import changes_section
from .context import Context
from .figures import figures_section
from .localisation import localisation_section
from .market import market_section
from .regional import regional_section
from .supply_demand import supply_demand_section
from .trade import trade_section
from .trl import trl_section

__all__ = ["ReportInputs", "build_report_data"]


@dataclass
class ReportInputs:
    """What the report needs beyond the store: the alerts of the vintage (monitor.evaluate_alerts) and the
    figures changed since the previous report (monitor.diff_vintages), with the vintage compared against."""

    alerts: Sequence[Alert] = ()
    diff: pd.DataFrame | None = None
    since: int | None = None


def build_report_data(store: Store, *, lang: str = "zh", as_of: AsOf = None, inputs: ReportInputs | None = None,
                      catalog: Catalog | None = None, generated: datetime | None = None,
                      compact: bool = False) -> ReportData:
    """Every section of the report as cited tables and charts, from the store as of a vintage (latest by
    default). `compact` (the PDF) leaves out the appendix of every stated figure when there are more than
    200, and lists the first 60 changes only — the HTML page and the workbook keep all of them; footnotes are numbered for what is shown."""
    if lang not in ("zh", "en"):
        raise UsageError("lang must be 'zh' or 'en'")
    inputs = inputs or ReportInputs()
    catalog = catalog or load_catalog()
    vid = store.resolve(as_of)
    stamp = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    if vid is None:
        return ReportData(lang, None, "", stamp)
    vt = store.vintages().execute()
    label = str(vt.loc[vt["vintage_id"] == vid, "label"].iloc[0] or "")
    ctx = Context(store, vid, lang, catalog)
    data = ReportData(lang, vid, label, stamp)
    market, c1 = market_section(ctx)
    sd, c2 = supply_demand_section(ctx)
    bott = bottlenecks_section(ctx)
    loc = localisation_section(ctx)
    trade, c5 = trade_section(ctx)
    trl, c3 = trl_section(ctx)
    reg, c4 = regional_section(ctx)
    data.sections = [market, sd, bott, loc, trade, trl, reg, audit_section(ctx), alerts_section(ctx, inputs.alerts),
                     changes_section(ctx, inputs.diff, inputs.since, limit=60 if compact else None),
                     figures_section(ctx, compact=compact)]
    data.sections = [s for s in data.sections if s.tables or s.key in ("changes", "figures")]
    charts = {**c1, **c2, **c3, **c4, **c5}
    data.charts = {k: c.svg for k, c in charts.items()}
    data.chart_cites = {k: c.cites for k, c in charts.items()}
    data.citations = ctx.cites.items
    return data
