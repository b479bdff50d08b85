"""The first report: each market's figures in simplified Chinese (English on request), every number with
its source and quote as a footnote. Self-contained HTML: no script, font or style from outside.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import pandas as pd

from ..model.catalog import Catalog, load_catalog
from ..model.observation import DIMENSIONS
from ..store import AsOf, Store

__all__ = ["build_report", "write_report", "format_figure"]

_EXTRA_DIMS = tuple(d for d in DIMENSIONS if d not in ("subject", "region"))  # the dims a detail row names
_QUAL_ZH = {"about": "约", "at_least": "≥", "at_most": "≤"}
_QUAL_EN = {"about": "about ", "at_least": "≥", "at_most": "≤"}
_STATUS = {
    "zh": {"actual": "实际", "estimate": "估计", "forecast": "预测", "target": "目标", "derived": "推算"},
    "en": {"actual": "actual", "estimate": "estimate", "forecast": "forecast", "target": "target", "derived": "derived"},
}
_TEXT = {
    "zh": {
        "title": "行业关键指标报告", "generated": "生成时间", "vintage": "数据版本", "markets": "市场",
        "headline": "总体指标", "detail": "细分与结构指标", "indicator": "指标", "period": "时期",
        "value": "数值", "status": "状态", "dims": "维度", "sources": "来源与引文", "note": "说明",
        "intro": "本报告中的每个数字均标注来源:点击上标编号可查看原文引文、所在位置及来源文件。"
                 "同一指标若出现多个来源或多处表述,全部列出,不作取舍。",
        "figures": "项数据", "location": "位置", "chars": "字符位置", "canonical": "标准单位值",
    },
    "en": {
        "title": "Key industry indicators", "generated": "Generated", "vintage": "Data vintage", "markets": "Markets",
        "headline": "Headline indicators", "detail": "Segments and structure", "indicator": "Indicator",
        "period": "Period", "value": "Value", "status": "Status", "dims": "Dimensions", "sources": "Sources and quotes",
        "note": "Note",
        "intro": "Every number in this report carries its source: follow its footnote for the quoted text, where it "
                 "stands and the document. Where sources or passages disagree, all figures are listed as stated.",
        "figures": "figures", "location": "Location", "chars": "characters", "canonical": "canonical value",
    },
}


@dataclass
class _Row:
    indicator: str
    period: str
    figure: str
    status: str
    status_code: str
    dims: str
    note: str
    footnote: int
    source_id: str
    quote: str
    canonical: str


def format_figure(value_printed: str, high_printed: str | None, unit_printed: str, qualifier: str, lang: str = "zh") -> str:
    """A figure as the report shows it: the printed number, its qualifier and unit ("约 12.3%", "12–18个月")."""
    unit = unit_printed or ""
    if qualifier == "range" and high_printed:
        return f"{value_printed}–{high_printed}{unit}"
    prefix = (_QUAL_EN if lang == "en" else _QUAL_ZH).get(qualifier, "")
    return f"{prefix}{value_printed}{unit}"


def _canonical(value: float, high: float | None, unit: str) -> str:
    v = f"{value:,.12g}"
    if high is not None and not pd.isna(high):
        v += f"–{high:,.12g}"
    return f"{v} {unit}".strip()


def _s(value: object) -> str:
    """Text of a cell, with missing values (None, NaN, NA) as the empty string."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _dims(rec: dict, keys: Iterable[str]) -> str:
    return " · ".join(_s(rec.get(k)) for k in keys if _s(rec.get(k)))


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sectorscope", "report/templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_report(store: Store, *, lang: str = "zh", as_of: AsOf = None, catalog: Catalog | None = None,
                 generated: datetime | None = None) -> str:
    """Render the report over the store as of a vintage (latest by default)."""
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {sorted(_TEXT)}")
    catalog = catalog or load_catalog()
    vid = store.resolve(as_of)
    obs = store.observations(vid).execute() if vid is not None else pd.DataFrame(columns=["subject"])
    sources = store.sources(vid).execute().set_index("source_id") if vid is not None else pd.DataFrame()
    order = {c: i for i, c in enumerate(catalog.codes())}
    obs = obs.assign(_ord=obs["indicator"].map(order)).sort_values(
        ["subject", "_ord", *_EXTRA_DIMS, "region", "period", "location"], na_position="first", kind="stable")
    footnotes: list[dict] = []
    markets = []
    for subject, group in obs.groupby("subject", sort=False):
        headline, detail = [], []
        for rec in group.to_dict("records"):
            footnotes.append({
                "n": len(footnotes) + 1,
                "source_id": rec["source_id"],
                "title": sources.at[rec["source_id"], "title"] if rec["source_id"] in sources.index else rec["source_id"],
                "location": _s(rec["location"]),
                "quote": _s(rec["quote"]),
                "start": None if pd.isna(rec["quote_start"]) else int(rec["quote_start"]),
                "end": None if pd.isna(rec["quote_end"]) else int(rec["quote_end"]),
            })
            ind = catalog.get(rec["indicator"])
            extra = _dims(rec, _EXTRA_DIMS)
            region = _s(rec["region"]) if rec["region"] != "中国" else ""
            row = _Row(
                indicator=ind.name(lang) if ind else rec["indicator"],
                period=rec["period"],
                figure=format_figure(_s(rec["value_as_printed"]), _s(rec["value_high_as_printed"]),
                                     _s(rec["unit_as_printed"]), rec["qualifier"], lang),
                status=_STATUS[lang][rec["status"]],
                status_code=rec["status"],
                dims=" · ".join(x for x in (region, extra) if x),
                note=_s(rec["note"]),
                footnote=len(footnotes),
                source_id=rec["source_id"],
                quote=_s(rec["quote_normalised"]),
                canonical=_canonical(rec["value"], rec["value_high"], rec["unit"]),
            )
            (detail if extra or region else headline).append(row)
        markets.append({"subject": subject, "headline": headline, "detail": detail, "count": len(group)})
    vintage = None
    if vid is not None:
        vt = store.vintages().execute()
        vintage = vt[vt["vintage_id"] == vid].iloc[0].to_dict()
    return _env().get_template("report.html.j2").render(
        t=_TEXT[lang], lang=lang, markets=markets, footnotes=footnotes, vintage=vintage,
        generated=(generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write_report(store: Store, path: str | Path, **kwargs) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_report(store, **kwargs), encoding="utf-8")
    return path

