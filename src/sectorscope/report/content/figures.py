"""The appendix: every figure the reports state, by market, as printed — where sources or passages
disagree, all of them, so nothing the house view set aside is hidden."""
from __future__ import annotations

from ...model.observation import DIMENSIONS
from ..document import Column, Section, Table
from .context import STATUS, Context, as_text, in_lang, row_dims

__all__ = ["COMPACT_APPENDIX", "figures_section"]

COMPACT_APPENDIX = 200  # the compact report (PDF) lists every stated figure only up to this many
_TITLE = ("附录:各市场全部数据", "Appendix: every figure by market")


def figures_section(ctx: Context, *, compact: bool = False) -> Section:
    """One table per market of every stated figure, in catalog order. The compact report (the PDF) only
    says where they are when there are more than COMPACT_APPENDIX."""
    if compact and len(ctx.stated) > COMPACT_APPENDIX:
        n = len(ctx.stated)
        return Section(
            "figures", *_TITLE,
            f"报告所述的全部 {n} 项数据见 HTML 报告与 tables.xlsx(PDF 版从略)。",
            f"All {n} figures the reports state are in the HTML report and tables.xlsx (left out of the PDF).")
    sec = Section("figures", *_TITLE,
                  "报告所述的全部数据,按原文的数值与单位列出;同一指标的多个来源或多处表述全部列出,不作取舍。",
                  "Every figure the reports state, as printed; where sources or passages disagree, all are listed.")
    order = {c: i for i, c in enumerate(ctx.catalog.codes())}
    st = ctx.stated.assign(_ord=ctx.stated["indicator"].map(order))
    st = st.sort_values(["subject", "_ord", *[d for d in DIMENSIONS if d != "subject"], "period", "location", "obs_id"],
                        na_position="first", kind="stable")
    for i, (subject, g) in enumerate(st.groupby("subject", sort=False)):
        table = Table(f"figures_{i + 1}", str(subject), str(subject), [
            Column("indicator", "指标", "Indicator"), Column("dims", "维度", "Dimensions"),
            Column("period", "时期", "Period"), Column("figure", "数值(原文)", "Figure as printed"),
            Column("value", "标准单位值", "Canonical value", kind="auto"), Column("unit", "标准单位", "Canonical unit"),
            Column("status", "状态", "Status"),
        ])
        for r in g.to_dict("records"):
            printed = as_text(r["value_as_printed"])
            if r["qualifier"] == "range" and as_text(r["value_high_as_printed"]):
                printed += f"–{as_text(r['value_high_as_printed'])}"
            q = {"about": "约", "at_least": "≥", "at_most": "≤"}.get(r["qualifier"], "")
            table.add({"indicator": ctx.name(r["indicator"]), "dims": row_dims(r), "period": as_text(r["period"]),
                       "figure": f"{q}{printed}{as_text(r['unit_as_printed'])}", "value": r["value"],
                       "unit": as_text(r["unit"]), "status": in_lang(ctx.lang, STATUS[r["status"]])}, ctx.cite([r]))
        sec.tables.append(table)
    return sec
