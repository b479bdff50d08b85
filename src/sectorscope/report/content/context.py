"""What every section of the report reads: the store as of one vintage, read once, and the one set of
footnotes all sections number into.

The sections are built in the report's order against one `Context`, so a figure cited by two sections gets
one footnote, numbered where the report first shows it. The small text helpers several sections use live
here too; every word they print in zh or en (a status, a severity, a qualifier) is the glossary's, through
`Context.word` and `Context.qualifier`.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...model import DIMENSIONS, STATED, Catalog
from ...present import (
    indicator_name,
    period_label,
    qualifier_symbol,
    qualifier_word,
    significant,
    term,
    unit_label,
)
from ...store import Store
from ..cite import Citations, blank

__all__ = [
    "SCENARIO_ORDER",
    "Chart",
    "Context",
    "as_text",
    "parse_ids",
    "row_dims",
    "year_of",
]

SCENARIO_ORDER = {"低": 0, "基准": 1, "高": 2}


@dataclass(frozen=True)
class Chart:
    """A chart a section draws: its SVG and the citations of the figures it plots."""

    svg: str
    cites: list[int]


def as_text(value: object) -> str:
    """A cell as text: "" when missing."""
    return "" if blank(value) else str(value)


def row_dims(row: Mapping[str, object], skip: Sequence[str] = ("subject",)) -> str:
    """The dimensions of a figure as one label ("MEMS传感器 · 消费电子"); 中国 only when it is all there is."""
    parts = [as_text(row.get(d)) for d in DIMENSIONS if d not in skip and as_text(row.get(d))]
    return " · ".join(p for p in parts if p != "中国") or ("中国" if as_text(row.get("region")) == "中国" else "")


def year_of(period: object) -> int | None:
    """The year of a yearly period ("2025"); None for a quarter, a month, a span or nothing."""
    text = as_text(period)
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def parse_ids(text: object) -> list[int]:
    """A stored list of observation ids (a JSON array, or any text holding the numbers)."""
    if blank(text):
        return []
    try:
        return [int(i) for i in json.loads(str(text))]
    except (ValueError, TypeError):
        return [int(i) for i in re.findall(r"\d+", str(text))]


class Context:
    """The store's figures as of vintage `vid`, the report's language and catalog, and its footnotes."""

    def __init__(self, store: Store, vid: int, lang: str, catalog: Catalog) -> None:
        self.store, self.vid, self.lang, self.catalog = store, vid, lang, catalog
        # sorted: DuckDB returns rows in no fixed order, and footnotes are numbered in the order rows are read
        obs = store.observations(vid).execute().sort_values("obs_id", kind="stable").reset_index(drop=True)
        self.obs = obs
        self.by_id = obs.set_index("obs_id", drop=False)
        self.stated = obs[obs["kind"] == STATED]
        sources = store.sources(vid).execute()
        self.cites = Citations(dict(zip(sources["source_id"], sources["title"], strict=True)), lang)

    def name(self, code: str) -> str:
        """An indicator's name in the report's language (its code when the catalog lacks it)."""
        return indicator_name(code, self.lang, self.catalog)

    def unit(self, unit: str) -> str:
        """A unit as the report's language names it: 亿元, CNY 100 m."""
        return unit_label(unit, self.lang)

    def period(self, period: object) -> str:
        """A period as the report's language writes it: 2025年1–5月, Jan–May 2025 (a year stays 2025)."""
        return period_label(period, self.lang)

    def word(self, group: str, key: str, **fill: object) -> str:
        """A word of the glossary in the report's language: `word("status", "actual")` → 实际 / actual."""
        return term(group, key, self.lang, **fill)

    def zh(self) -> bool:
        return self.lang != "en"

    def rows_by_id(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Observation rows by id; ids no longer current (a later revision replaced them) come from the
        observations table itself, so a citation never points at nothing."""
        have = [int(i) for i in ids if int(i) in self.by_id.index]
        missing = [int(i) for i in ids if int(i) not in self.by_id.index]
        rows = [self.by_id.loc[i].to_dict() for i in have]
        if missing:
            t = self.store.table("observations")
            rows += t.filter(t.obs_id.isin(missing)).execute().to_dict("records")
        order = {int(i): k for k, i in enumerate(ids)}
        return sorted(rows, key=lambda r: order.get(int(r["obs_id"]), 0))

    def cite(self, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """The footnote numbers of these observation rows, adding the ones not cited yet."""
        return self.cites.cite_all(list(rows))

    def series_label(self, row: Mapping[str, Any]) -> str:
        """A series as a reader names it: market, indicator and dimensions."""
        dims = row_dims(row)
        subject = as_text(row.get("subject"))
        head = f"{subject} {self.name(str(row['indicator']))}".strip()
        return f"{head}({dims})" if dims and self.zh() else f"{head} ({dims})" if dims else head

    def qualifier(self, r: Mapping[str, Any]) -> str:
        """How a figure is bounded, as the tables print it beside its value: the glossary's word (约, 以上,
        不足; about, at least, at most), or a range's high end by the stated rule (–182.6)."""
        q = as_text(r.get("qualifier"))
        if q == "range":
            return "" if blank(r.get("value_high")) else qualifier_symbol("range") + significant(float(r["value_high"]))
        return qualifier_word(q, self.lang)
