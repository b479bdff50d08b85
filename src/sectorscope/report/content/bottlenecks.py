"""Chain bottlenecks and process gaps: import dependence by product or link, and the domestic-vs-international
gaps the reports quote, as they state them."""
from __future__ import annotations

from ...model.observation import OUR_FORECAST_KINDS
from ..document import Column, Section, Table
from .context import STATUS, Context, as_text, in_lang, row_dims

__all__ = ["bottlenecks_section"]

_PROCESS_GAPS = (
    "yield_rate", "performance_gap", "development_cycle_gap", "etch_rate_uniformity", "etch_rate_decay",
    "machining_tolerance", "via_diameter", "bond_strength", "temperature_uniformity", "residual_stress",
    "sidewall_roughness", "performance_degradation", "calibration_deviation", "tapeout_success_rate", "respin_rate",
    "early_failure_rate", "failure_rate_ratio", "material_db_lacking_firm_share", "core_patent_share",
)


def bottlenecks_section(ctx: Context) -> Section:
    """Import dependence (highest first) and the process and performance gaps, in catalog order."""
    sec = Section("bottlenecks", "产业链瓶颈与工艺差距", "Chain bottlenecks and process gaps",
                  "进口依存度越高,环节越受制于人;工艺与性能差距取自报告原文。",
                  "The higher the import dependence, the more a link depends on others; process and "
                  "performance gaps as the reports state them.")
    imp = ctx.obs[(ctx.obs["indicator"] == "import_dependence") & ~ctx.obs["kind"].isin(OUR_FORECAST_KINDS)]
    imp = imp.sort_values(["value", "obs_id"], ascending=[False, True])
    t1 = Table("import_dependence", "进口依存度", "Import dependence", [
        Column("subject", "市场", "Market"), Column("item", "产品/环节", "Product or link"),
        Column("period", "时期", "Period"), Column("value", "进口依存度", "Import dependence", "%", kind="number"),
        Column("qualifier", "限定", "Qualifier"), Column("status", "状态", "Status"),
    ])
    for r in imp.to_dict("records"):
        t1.add({"subject": as_text(r["subject"]), "item": row_dims(r) or ("(总体)" if ctx.zh() else "(overall)"),
                "period": as_text(r["period"]), "value": r["value"], "qualifier": ctx.qualifier(r),
                "status": in_lang(ctx.lang, STATUS[r["status"]])}, ctx.cite([r]))
    gaps = ctx.stated[ctx.stated["indicator"].isin(_PROCESS_GAPS)].copy()
    gaps["_ord"] = gaps["indicator"].map({c: i for i, c in enumerate(_PROCESS_GAPS)})
    gaps = gaps.sort_values(["_ord", "subject", "product", "company", "period", "obs_id"], na_position="first")
    t2 = Table("process_gaps", "工艺与性能差距", "Process and performance gaps", [
        Column("indicator", "指标", "Indicator"), Column("item", "产品/企业/维度", "Product, company, dimensions"),
        Column("period", "时期", "Period"), Column("value", "数值", "Value", kind="auto"),
        Column("unit", "单位", "Unit"), Column("qualifier", "限定", "Qualifier"),
    ])
    for r in gaps.to_dict("records"):
        t2.add({"indicator": ctx.name(r["indicator"]), "item": row_dims(r), "period": as_text(r["period"]),
                "value": r["value"], "unit": as_text(r["unit"]), "qualifier": ctx.qualifier(r)}, ctx.cite([r]))
    sec.tables += [t for t in (t1, t2) if t.rows]
    return sec
