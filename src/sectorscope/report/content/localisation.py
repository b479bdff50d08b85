"""Localisation and import-substitution space: the stated localisation rates and domestic shares, and the
derived substitution space under each target scenario."""
from __future__ import annotations

from ...model import DERIVED, OUR_FORECAST_KINDS
from ...present import column_unit, term
from ..document import Column, Section
from ..words import column, section, table
from .context import SCENARIO_ORDER, Context, as_text, row_dims

__all__ = ["localisation_section"]

_LOCALISATION = ("localisation_rate", "domestic_share", "self_sufficiency_rate", "local_sourcing_rate")


def _scenario_column(key: str, scenario: str, unit: str) -> Column:
    """A column of the substitution space under one target scenario: 基准情景, Base scenario."""
    zh, en = (term("report", "scenario_named", lang, name=term("scenario", scenario, lang)) for lang in ("zh", "en"))
    return Column(key, zh, en[:1].upper() + en[1:], unit, kind="auto")


def localisation_section(ctx: Context) -> Section:
    """The localisation figures, then the substitution space with one column per target scenario."""
    sec = section("localisation")
    loc = ctx.obs[ctx.obs["indicator"].isin(_LOCALISATION) & ~ctx.obs["kind"].isin(OUR_FORECAST_KINDS)]
    loc = loc.sort_values(["subject", "indicator", "product", "application", "region", "period", "obs_id"],
                          na_position="first")
    t1 = table("localisation", [
        column("subject", "market"), column("indicator"), column("item", "product_or_dims"),
        column("period", "time"), column("value", unit="%", kind="number"), column("qualifier"), column("status"),
    ])
    for r in loc.to_dict("records"):
        t1.add({"subject": as_text(r["subject"]), "indicator": ctx.name(r["indicator"]), "item": row_dims(r),
                "period": ctx.period(r["period"]), "value": r["value"], "qualifier": ctx.qualifier(r),
                "status": ctx.word("status", r["status"])}, ctx.cite([r]))
    sub = ctx.obs[(ctx.obs["indicator"] == "substitution_space") & (ctx.obs["kind"] == DERIVED)]
    sec.tables.append(t1)
    if len(sub):
        factor, unit = column_unit("元", sub["value"])
        scen = sorted(sub["scenario"].dropna().unique(), key=lambda s: SCENARIO_ORDER.get(s, 9))
        cols = [column("subject", "market"), column("period", "year")]
        cols += [_scenario_column(f"s{i}", s, unit) for i, s in enumerate(scen)]
        t2 = table("substitution_space", cols)
        for (subject, period), g in sub.groupby(["subject", "period"], sort=True):
            row: dict[str, object] = {"subject": subject, "period": ctx.period(period)}
            rows = []
            for i, s in enumerate(scen):
                hit = g[g["scenario"] == s]
                row[f"s{i}"] = float(hit["value"].iloc[0]) / factor if len(hit) else None
                rows += hit.to_dict("records")[:1]
            t2.add(row, ctx.cite(rows))
        sec.tables.append(t2)
    return sec
