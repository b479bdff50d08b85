"""The annual series a forecast is made from, read out of the store.

A report states a figure several times (the summary, a paragraph, a table) and sometimes contradicts
itself; the audit reports that, and a forecast must still start from one coherent history. For each
figure key (source, indicator, every dimension) we take the annual actual and estimate figures with a
point value, and where a year has several, the one whose passage is closest to the passages of the other
years (the longest common location prefix), then the lowest id: a series read from one table or one
paragraph rather than stitched from the summary and the appendix. The figures not used are named.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ..model import DIMENSIONS, Catalog
from ..store import interval_frame

__all__ = [
    "HISTORY_STATUSES",
    "KEY_DIMS",
    "POINT_QUALIFIERS",
    "HistorySeries",
    "history_series",
    "series_label",
    "stated_forecasts",
]

HISTORY_STATUSES = ("actual", "estimate")
POINT_QUALIFIERS = ("exact", "about", "range")
KEY_DIMS = tuple(d for d in DIMENSIONS if d != "scenario")


@dataclass(frozen=True)
class HistorySeries:
    """One figure key's annual history, in the catalog's canonical unit."""

    source_id: str
    indicator: str
    dims: dict[str, str]  # subject and every other dimension that is set (scenario excluded)
    unit: str
    years: list[int]  # observed years, ascending
    values: list[float]
    obs_ids: list[int]
    unused_ids: list[int] = field(default_factory=list)  # same key and year, another passage
    lower: float | None = None  # the catalog's bounds
    upper: float | None = None

    @property
    def key(self) -> tuple:
        return (self.source_id, self.indicator, *(self.dims.get(d) for d in KEY_DIMS))

    def filled(self) -> tuple[list[int], np.ndarray, list[int]]:
        """Consecutive years first..last with missing interior years interpolated (log-linearly for a
        positive series, linearly otherwise), and the years that were filled in."""
        years = list(range(self.years[0], self.years[-1] + 1))
        v = np.asarray(self.values, dtype=float)
        positive = bool(np.all(v > 0))
        base = np.log(v) if positive else v
        full = np.interp(years, self.years, base)
        out = np.exp(full) if positive else full
        return years, out, [y for y in years if y not in self.years]


def series_label(dims: Mapping[str, str | None]) -> str:
    """subject / product / application …, as a reader scans them."""
    return " / ".join(str(dims[d]) for d in KEY_DIMS if dims.get(d))


def _prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a or "", b or ""]))  # noqa: RUF071 -- characters of a location, not a path


def _point(r) -> float | None:
    if r.qualifier == "range" and r.value_high is not None and not pd.isna(r.value_high):
        return (float(r.value) + float(r.value_high)) / 2
    return float(r.value)


def _pick(group: pd.DataFrame) -> tuple[list[int], list[float], list[int], list[int]]:
    years = sorted(group["year"].unique())
    chosen, unused = [], []
    for y in years:
        cands = group[group["year"] == y].sort_values("obs_id")
        if len(cands) == 1:
            chosen.append(cands.iloc[0])
            continue
        others = group[group["year"] != y]["location"].tolist()
        score = [max((_prefix(loc, o) for o in others), default=0) for loc in cands["location"]]
        best = int(np.argmax(score))  # first max: the lowest id among equals
        chosen.append(cands.iloc[best])
        unused += [int(i) for k, i in enumerate(cands["obs_id"]) if k != best]
    return ([int(c["year"]) for c in chosen], [float(c["point"]) for c in chosen],
            [int(c["obs_id"]) for c in chosen], unused)


def _frame(figs, statuses: tuple[str, ...], exclude_sources: tuple[str, ...]) -> pd.DataFrame:
    t = figs.filter(figs.status.isin(list(statuses)) & ~figs.source_id.isin(list(exclude_sources))
                    & (figs.period.length() == 4) & figs.value.notnull())
    cols = ["obs_id", "source_id", "indicator", *KEY_DIMS, "period", "status", "value", "value_high", "qualifier",
            "unit", "location", "value_as_printed", "unit_as_printed"]
    df = t.select(*cols).execute()
    df["year"] = df["period"].astype(int)
    for d in KEY_DIMS:
        df[d] = df[d].astype(object).where(df[d].notna(), None)
    return df


def history_series(figs: ir.Table, catalog: Catalog, *, exclude_sources: tuple[str, ...] = ()) -> list[HistorySeries]:
    """Every figure key with at least one annual point value of status actual or estimate (point values
    only: a bound such as 以上 says where a value is not, not where it is)."""
    df = _frame(figs, HISTORY_STATUSES, exclude_sources)
    df = df[df["qualifier"].isin(POINT_QUALIFIERS)].copy()
    if not len(df):
        return []
    df["point"] = [_point(r) for r in df.itertuples()]
    df = df[np.isfinite(df["point"].astype(float))]
    out = []
    keys = ["source_id", "indicator", *KEY_DIMS, "unit"]
    for _, g in df.groupby([df[k].fillna("\x00") for k in keys], sort=True):
        first = g.iloc[0]
        years, values, ids, unused = _pick(g)
        ind = catalog.get(first["indicator"])
        dims = {d: first[d] for d in KEY_DIMS if first[d] is not None}
        out.append(HistorySeries(first["source_id"], first["indicator"], dims, first["unit"], years, values, ids,
                                 unused, getattr(ind, "lower", None), getattr(ind, "upper", None)))
    return out


def stated_forecasts(figs: ir.Table, *, exclude_sources: tuple[str, ...] = ()) -> pd.DataFrame:
    """The reports' own forecasts (status forecast, annual), each with its interval (lo, hi) as printed:
    a bound such as 以上 is an open interval."""
    df = _frame(figs, ("forecast",), exclude_sources)
    if not len(df):
        return df
    lo, hi = interval_frame(df, rounding=False)  # as printed: no rounding, no 约 widening
    df["lo"], df["hi"] = lo, hi
    return df
