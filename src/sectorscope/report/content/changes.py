"""What changed since the last vintage: the diff the caller computed (monitor.diff_vintages), counted and
listed, so a reader of this report sees what is new or revised since the previous one."""
from __future__ import annotations

import pandas as pd

from ..cite import blank
from ..document import Column, Section, Table
from .context import Context, as_text, in_lang, row_dims

__all__ = ["changes_section"]

_TITLE = ("自上一版本以来的变化", "What changed since the last vintage")
_CHANGE = {"new": ("新增", "new"), "revised": ("修订", "revised"), "withdrawn": ("撤回", "withdrawn")}


def changes_section(ctx: Context, diff: pd.DataFrame | None, since: int | None,
                    limit: int | None = None) -> Section:
    """The changes against vintage `since`; with `limit`, revisions and withdrawals first, up to `limit`."""
    if diff is None or since is None:
        return Section("changes", *_TITLE,
                       "这是数据库的第一个版本,没有可比较的上一版本。",
                       "This is the store's first vintage: there is no earlier one to compare with.")
    counts = diff.groupby("change").size().to_dict() if len(diff) else {}
    text_zh = (f"与版本 v{since} 相比:新增 {counts.get('new', 0)} 项,修订 {counts.get('revised', 0)} 项,"
               f"撤回 {counts.get('withdrawn', 0)} 项(含本系统的预测)。")
    text_en = (f"Against vintage v{since}: {counts.get('new', 0)} new, {counts.get('revised', 0)} revised, "
               f"{counts.get('withdrawn', 0)} withdrawn figures (our own forecasts included).")
    sec = Section("changes", *_TITLE, text_zh, text_en)
    table = Table("changes", "变化明细", "Changes", [
        Column("change", "变化", "Change"), Column("indicator", "指标", "Indicator"),
        Column("item", "市场/维度", "Market and dimensions"), Column("period", "时期", "Period"),
        Column("old", "原值", "Old value", kind="auto"), Column("new", "新值", "New value", kind="auto"),
        Column("unit", "单位", "Unit"), Column("pct", "变动", "Change", "%", kind="number"),
        Column("source", "来源", "Source"),
    ])
    records = diff.to_dict("records") if len(diff) else []
    if limit is not None and len(records) > limit:
        # revisions and withdrawals first: they change what a reader already has
        records = sorted(records, key=lambda r: {"revised": 0, "withdrawn": 1, "new": 2}[r["change"]])[:limit]
        table.note_zh = f"仅列前 {limit} 项(修订、撤回优先);全部 {len(diff)} 项见 HTML 报告与 tables.xlsx。"
        table.note_en = (f"The first {limit} only (revisions and withdrawals first); all {len(diff)} are in the "
                         "HTML report and tables.xlsx.")
    for r in records:
        ids = [i for i in (r.get("obs_id_new"), r.get("obs_id_old")) if not blank(i)]
        table.add({"change": in_lang(ctx.lang, _CHANGE[r["change"]]), "indicator": ctx.name(as_text(r["indicator"])),
                   "item": " · ".join(x for x in (as_text(r.get("subject")), row_dims(r)) if x), "period": as_text(r["period"]),
                   "old": None if blank(r.get("value_old")) else float(r["value_old"]),
                   "new": None if blank(r.get("value_new")) else float(r["value_new"]),
                   "unit": as_text(r.get("unit")),
                   "pct": None if blank(r.get("pct_change")) else float(r["pct_change"]),
                   "source": as_text(r.get("source_id_new")) or as_text(r.get("source_id_old"))},
                  ctx.cite(ctx.rows_by_id([int(i) for i in ids[:1]])))
    sec.tables.append(table)
    return sec
