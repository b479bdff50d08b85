"""How a store written before schema 3 tells what kind each of its figures is and what it reads as.

Until schema 3 nothing stored a figure's kind: readers guessed it from strings — the source id
`sectorscope` for derived figures, `sectorscope-forecast` for sectorscope's forecasts, the location
`预测:模型` for a model forecast (anything else of that source a CAGR scenario), a location ending in
`档位均值` for a supply-demand tier mean, TRL assessments by their location `TRL评估…` or the API's source
`sectorscope-trl` — and the report read every supply-demand index against a fixed ±0.2 balanced band.

Those rules live here and nowhere else. They run once per store: its first write with schema 3 stores what
they say in the new columns (`Store.write`), and a read of a store no schema-3 code has written yet sees
the same values computed on the fly, so the two can never disagree. Rows written since say their kind
themselves; nothing here is applied to them.
"""
from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ..model import (
    ASSESSMENT,
    DERIVED,
    DERIVED_SOURCE,
    FORECAST_SOURCE,
    MODEL_FORECAST,
    SCENARIO_PROJECTION,
    STATED,
    TIER_SUMMARY,
)

__all__ = ["LEGACY_COLUMNS", "LEGACY_READING_BAND", "legacy_columns", "superseded_in"]

# The band every supply-demand index was read against before schema 3 (the report's and the API's fixed
# ±0.2). A figure read against it hashes as it did then (store.py), so a re-run restates it.
LEGACY_READING_BAND = 0.2
LEGACY_COLUMNS = ("kind", "reading", "reading_band")

_MODEL_LOCATION = "预测:模型"  # forecast/pipeline.py files its model forecasts here
_TIER_SUFFIX = "档位均值"  # analytics/pipeline.py: the location suffix of a tier's mean index
_ASSESSMENT_PREFIX = "TRL评估"  # analytics/pipeline.py and the API file TRL assessments under it
_API_TRL_SOURCE = "sectorscope-trl"  # the API's source of TRL assessments (api/views/writes.py)
_INDEX = "supply_demand_index"


def _legacy_kind(t: ir.Table) -> ir.StringValue:
    src, loc = t.source_id, t.location.fill_null("")
    return ibis.cases(
        ((src == FORECAST_SOURCE) & (loc == _MODEL_LOCATION), MODEL_FORECAST),
        (src == FORECAST_SOURCE, SCENARIO_PROJECTION),
        (src == _API_TRL_SOURCE, ASSESSMENT),
        ((src == DERIVED_SOURCE) & loc.endswith(_TIER_SUFFIX), TIER_SUMMARY),
        ((src == DERIVED_SOURCE) & loc.startswith(_ASSESSMENT_PREFIX), ASSESSMENT),
        (src == DERIVED_SOURCE, DERIVED),
        else_=STATED,
    )


def legacy_columns(t: ir.Table) -> dict[str, ir.Value]:
    """`kind`, `reading` and `reading_band` of the rows of `t` (the observations table, every column of
    schema 2 present) as the strings and the fixed band said before schema 3. A reading only for the
    supply-demand index figures sectorscope computed: shortage or surplus when the whole interval lies beyond
    ±0.2, balanced otherwise (analytics/supply_demand.py `reading`)."""
    band = ibis.literal(LEGACY_READING_BAND)
    indexed = (t.source_id == DERIVED_SOURCE) & (t.indicator == _INDEX) & t.bound_low.notnull() & t.bound_high.notnull()
    read = ibis.cases((t.bound_low > band, "shortage"), (t.bound_high < -band, "surplus"), else_="balanced")
    return {
        "kind": _legacy_kind(t),
        "reading": ibis.ifelse(indexed, read, ibis.null("string")),
        "reading_band": ibis.ifelse(indexed, band, ibis.null("float64")),
    }


def superseded_in(t: ir.Table) -> ir.IntegerValue:
    """Each row's realtime end computed from the history: the vintage of the next row of its figure. What
    schema 4 stores; computed only to migrate (or read) a store written before it."""
    w = ibis.window(group_by=t.obs_key, order_by=t.vintage_id)
    return t.vintage_id.lead().over(w)
