"""Chain bottlenecks and process gaps: import dependence by product or link, and the domestic-vs-international
gaps the reports quote, as they state them."""
from __future__ import annotations

from ...model import OUR_FORECAST_KINDS
from ...present import indicator_name
from ..document import Section, Table
from ..words import column, indicator_column, section, table
from .context import Context, as_text, row_dims

__all__ = ["bottlenecks_section"]

_PROCESS_GAPS = (
    "yield_rate", "performance_gap", "development_cycle_gap", "etch_rate_uniformity", "etch_rate_decay",
    "machining_tolerance", "via_diameter", "bond_strength", "temperature_uniformity", "residual_stress",
    "sidewall_roughness", "performance_degradation", "calibration_deviation", "tapeout_success_rate", "respin_rate",
    "early_failure_rate", "failure_rate_ratio", "material_db_lacking_firm_share", "core_patent_share",
)


def bottlenecks_section(ctx: Context) -> Section:
    """Import dependence (highest first) and the process and performance gaps, in catalog order."""
    sec = section("bottlenecks")
    imp = ctx.obs[(ctx.obs["indicator"] == "import_dependence") & ~ctx.obs["kind"].isin(OUR_FORECAST_KINDS)]
    imp = imp.sort_values(["value", "obs_id"], ascending=[False, True])
    t1 = Table("import_dependence", indicator_name("import_dependence", "zh", ctx.catalog),
               indicator_name("import_dependence", "en", ctx.catalog), [
        column("subject", "market"), column("item", "product_or_link"), column("period", "time"),
        indicator_column("value", "import_dependence", "%", kind="number"), column("qualifier"), column("status"),
    ])
    for r in imp.to_dict("records"):
        t1.add({"subject": as_text(r["subject"]), "item": row_dims(r) or ctx.word("report", "overall"),
                "period": ctx.period(r["period"]), "value": r["value"], "qualifier": ctx.qualifier(r),
                "status": ctx.word("status", r["status"])}, ctx.cite([r]))
    gaps = ctx.stated[ctx.stated["indicator"].isin(_PROCESS_GAPS)].copy()
    gaps["_ord"] = gaps["indicator"].map({c: i for i, c in enumerate(_PROCESS_GAPS)})
    gaps = gaps.sort_values(["_ord", "subject", "product", "company", "period", "obs_id"], na_position="first")
    t2 = table("process_gaps", [
        column("indicator"), column("item", "product_company_dims"), column("period", "time"),
        column("value", kind="auto"), column("unit"), column("qualifier"),
    ])
    for r in gaps.to_dict("records"):
        t2.add({"indicator": ctx.name(r["indicator"]), "item": row_dims(r), "period": ctx.period(r["period"]),
                "value": r["value"], "unit": ctx.unit(as_text(r["unit"])), "qualifier": ctx.qualifier(r)},
               ctx.cite([r]))
    sec.tables += [t for t in (t1, t2) if t.rows]
    return sec
