"""The appendix: every figure the reports state, by market, as printed — where sources or passages
disagree, all of them, so nothing the house view set aside is hidden."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...model import DIMENSIONS
from ...present import figure
from ..document import Section, Table
from ..words import column, section
from .context import Context, as_text, row_dims

__all__ = ["COMPACT_APPENDIX", "as_printed", "figures_section"]

COMPACT_APPENDIX = 200  # the compact report (PDF) lists every stated figure only up to this many


def as_printed(r: Mapping[str, Any], lang: str = "zh") -> str:
    """A stated figure as its source printed it — digits, qualifier, printed unit (约12.3%, ≥560亿元, 30–45天),
    the same in both languages; a figure without a printed form in its display unit (present.figure)."""
    return figure(r.get("value"), as_text(r.get("qualifier")) or "exact", r.get("value_high"), as_text(r.get("unit")),
                  printed=as_text(r.get("value_as_printed")), printed_high=as_text(r.get("value_high_as_printed")) or None,
                  unit_printed=as_text(r.get("unit_as_printed")), lang=lang)


def figures_section(ctx: Context, *, compact: bool = False) -> Section:
    """One table per market of every stated figure, in catalog order. The compact report (the PDF) only
    says where they are when there are more than COMPACT_APPENDIX."""
    if compact and len(ctx.stated) > COMPACT_APPENDIX:
        return section("figures", "figures_elsewhere", n=len(ctx.stated))
    sec = section("figures")
    order = {c: i for i, c in enumerate(ctx.catalog.codes())}
    st = ctx.stated.assign(_ord=ctx.stated["indicator"].map(order))
    st = st.sort_values(["subject", "_ord", *[d for d in DIMENSIONS if d != "subject"], "period", "location", "obs_id"],
                        na_position="first", kind="stable")
    for i, (subject, g) in enumerate(st.groupby("subject", sort=False)):
        table = Table(f"figures_{i + 1}", str(subject), str(subject), [
            column("indicator"), column("dims", "dimensions"), column("period", "time"),
            column("figure", "as_printed"), column("value", "canonical_value", kind="auto"),
            column("unit", "canonical_unit"), column("status"),
        ])
        for r in g.to_dict("records"):
            table.add({"indicator": ctx.name(r["indicator"]), "dims": row_dims(r), "period": ctx.period(r["period"]),
                       "figure": as_printed(r, ctx.lang), "value": r["value"], "unit": ctx.unit(as_text(r["unit"])),
                       "status": ctx.word("status", r["status"])}, ctx.cite([r]))
        sec.tables.append(table)
    return sec
