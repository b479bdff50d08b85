"""Findings: what failed, the figures involved with their quotes, the value the check computed, and what
to do — in Chinese and English.

Raw check failures are consolidated before a reader sees them: several checks failing because of one
figure become one finding naming that figure, and one check failing period after period between the same
two series (two tables at different levels) becomes one finding, not one per year.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "RULES",
    "SEVERITY_ORDER",
    "Figure",
    "Finding",
    "consolidate",
    "culprit_candidates",
    "display_value",
    "figures_from",
    "passage",
]

# rule → (zh, en) label
RULES = {
    "bounds": ("超出目录界限", "Outside the catalog's bounds"),
    "conflict": ("数值冲突", "Conflicting values"),
    "qualifier": ("精确值与界限矛盾", "Exact value against a bound"),
    "growth": ("增长率与水平值不符", "Growth against levels"),
    "cagr": ("复合增长率与起止值不符", "CAGR against endpoints"),
    "difference": ("变动值与水平值不符", "Change against levels"),
    "identity": ("指标间恒等式不成立", "Identity between indicators"),
    "difference_column": ("差值列与其运算数不符", "Difference column against its operands"),
    "unit": ("单位错误", "Unit error"),
    "part_whole": ("部分与整体不符", "Parts against their whole"),
    "single_figure": ("一个数值使多项检查失败", "One figure fails several checks"),
    "forecast_interval": ("报告预测落在本系统预测区间之外", "Report forecast outside our forecast interval"),
}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Figure:
    """One observation as a finding shows it."""

    obs_id: int
    indicator: str
    subject: str
    dims: str
    period: str
    shown: str  # value as printed with qualifier and unit: 约12.3%, 320亿元以上
    source_id: str
    location: str
    quote: str
    basis: str
    status: str
    value: float
    factor: float
    unit_as_printed: str


@dataclass
class Finding:
    rule: str
    severity: str
    indicator: str
    subject: str
    periods: list[str]
    figures: list[Figure]
    computed_zh: str
    computed_en: str
    message_zh: str
    message_en: str
    suggestion_zh: str
    suggestion_en: str
    check: str = ""  # the rule entry: identity name, change rule, part-whole declaration
    culprit: int | None = None
    computed_low: float | None = None
    computed_high: float | None = None
    house_view: dict | None = None

    @property
    def obs_ids(self) -> list[int]:
        return [f.obs_id for f in self.figures]

    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER.get(self.severity, 9), self.subject, self.rule, self.indicator, self.periods[0] if self.periods else "",
                min(self.obs_ids) if self.figures else 0)


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "?"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if abs(x) >= 100:
        s = f"{x:,.1f}"
    elif abs(x) >= 1:
        s = f"{x:.2f}"
    else:
        s = f"{x:.4f}"
    s = s.rstrip("0").rstrip(".") if "." in s else s
    return s.replace("-", "−")


def display_value(lo: float | None, hi: float | None, factor: float = 1.0, unit: str = "") -> str:
    """A computed interval in a figure's printed unit: `12.86%`, `12.84–12.88%`, `≥ 19.9%`."""
    if lo is None or hi is None or (isinstance(lo, float) and math.isnan(lo)):
        return "?"
    f = factor or 1.0
    a, b = lo / f, hi / f
    if math.isinf(a) and math.isinf(b):
        return "(unbounded)"
    if math.isinf(a):
        return f"≤ {_num(b)}{unit}"
    if math.isinf(b):
        return f"≥ {_num(a)}{unit}"
    if _num(a) == _num(b):
        return f"{_num(a)}{unit}"
    return f"{_num(a)}–{_num(b)}{unit}"


def passage(location: str | None) -> str:
    """The table or paragraph a figure comes from: `表:T` of `表:T / row / column`; a paragraph without
    its trailing note `(612亿元)`."""
    loc = (location or "").strip()
    if loc.startswith("表"):
        return loc.split(" / ")[0]
    if loc.endswith(")") and " (" in loc:
        loc = loc[: loc.rindex(" (")]
    return loc


def consolidate(raw: list[Finding], vouch: Callable[[list[int]], set[int]] | None = None) -> list[Finding]:
    """Checks that fail together because of one figure → one finding naming it; then one finding per
    pair of series instead of one per period. `vouch(ids)` says which candidate figures a passing check
    supports: those are never blamed."""
    out = _single_figures(raw, vouch or (lambda ids: set()))
    return _merge_series(out)


def culprit_candidates(raw: list[Finding]) -> list[int]:
    """The figures `_single_figures` would blame, before asking which of them a passing check supports."""
    return [c for c, _ in _components(raw) if c is not None]


def _components(raw: list[Finding]) -> list[tuple[int | None, list[Finding]]]:
    # connected components of findings sharing a figure
    parent = list(range(len(raw)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_obs: dict[int, int] = {}
    for i, f in enumerate(raw):
        for o in f.obs_ids:
            if o in by_obs:
                parent[find(i)] = find(by_obs[o])
            else:
                by_obs[o] = i
    groups: dict[int, list[Finding]] = defaultdict(list)
    for i, f in enumerate(raw):
        groups[find(i)].append(f)
    out: list[tuple[int | None, list[Finding]]] = []
    for members in groups.values():
        common = set.intersection(*(set(m.obs_ids) for m in members)) if len(members) > 1 else set()
        out.append((next(iter(common)) if len(common) == 1 else None, members))
    return out


def _single_figures(raw: list[Finding], vouch: Callable[[list[int]], set[int]]) -> list[Finding]:
    comps = _components(raw)
    supported = vouch([c for c, _ in comps if c is not None])
    out = []
    for culprit, members in comps:
        if culprit is None or culprit in supported:
            out += members
            continue
        fig = next(x for m in members for x in m.figures if x.obs_id == culprit)
        seen, figures = {culprit}, [fig]
        for m in members:
            for x in m.figures:
                if x.obs_id not in seen:
                    seen.add(x.obs_id)
                    figures.append(x)
        checks_zh = "; ".join(f"{RULES[m.rule][0]}: {m.message_zh}" for m in members)
        checks_en = "; ".join(f"{RULES[m.rule][1]}: {m.message_en}" for m in members)
        sev = min((m.severity for m in members), key=lambda s: SEVERITY_ORDER.get(s, 9))
        out.append(Finding(
            rule="single_figure", severity=sev, indicator=fig.indicator, subject=fig.subject, periods=[fig.period],
            figures=figures, culprit=culprit,
            computed_zh=" / ".join(m.computed_zh for m in members), computed_en=" / ".join(m.computed_en for m in members),
            message_zh=f"{fig.shown}({fig.period})出现在{len(members)}项失败的检查中, 是它们唯一共同的数值。{checks_zh}",
            message_en=f"{fig.shown} ({fig.period}) is in {len(members)} failing checks and the only figure they share. {checks_en}",
            suggestion_zh="先核对这一个数值(原文、单位、期间); 更正它很可能使各项检查同时通过。",
            suggestion_en="Check this one figure first (source text, unit, period): correcting it likely clears every check at once.",
            check=", ".join(sorted({m.check or m.rule for m in members})),
        ))
    return out


def _series_key(f: Finding) -> tuple:
    if f.rule in ("unit", "difference_column"):  # one finding per column of a table
        return (f.rule, f.check, f.figures[0].source_id, passage(f.figures[0].location))
    dims = tuple(sorted({x.dims for x in f.figures if x.indicator == f.indicator}))
    figs = f.figures[1:] if f.rule == "identity" else f.figures  # the inputs' tables name an identity's series
    passages = frozenset((x.source_id, passage(x.location)) for x in figs)
    return (f.rule, f.check, f.indicator, f.subject, dims, passages)


def _merge_series(findings: list[Finding]) -> list[Finding]:
    merged: dict[tuple, Finding] = {}
    order = []
    for f in findings:
        k = (id(f),) if f.rule in ("single_figure", "bounds") else _series_key(f)
        if k not in merged:
            merged[k] = f
            order.append(k)
            continue
        m = merged[k]
        for x in f.figures:
            if x.obs_id not in m.obs_ids:
                m.figures.append(x)
        m.periods = sorted(set(m.periods) | set(f.periods))
        for attr, sep in (("computed_zh", "; "), ("computed_en", "; "), ("message_zh", " "), ("message_en", " ")):
            if getattr(f, attr) not in getattr(m, attr):
                setattr(m, attr, getattr(m, attr) + sep + getattr(f, attr))
    return [merged[k] for k in order]


def figures_from(frame: pd.DataFrame) -> dict[int, Figure]:
    """Observation rows (with `factor`) → Figures by obs_id."""
    out = {}
    for r in frame.to_dict("records"):
        out[int(r["obs_id"])] = Figure(
            obs_id=int(r["obs_id"]), indicator=r["indicator"], subject=r["subject"], dims=_dims(r),
            period=r["period"], shown=_shown(r), source_id=r["source_id"], location=_s(r["location"]),
            quote=_s(r["quote"]), basis=_s(r["basis"]), status=r["status"], value=float(r["value"]),
            factor=float(r["factor"]) if r["factor"] == r["factor"] else 1.0, unit_as_printed=_s(r["unit_as_printed"]),
        )
    return out


def _s(v) -> str:
    return "" if v is None or v != v else str(v)


_DIMS = ("region", "product", "application", "company", "country", "tier", "scenario")


def _dims(r: dict) -> str:
    parts = [_s(r[d]) for d in _DIMS if _s(r[d]) and not (d == "region" and r[d] == "中国")]
    return " · ".join(parts)


def _shown(r: dict) -> str:
    v = _s(r["value_as_printed"]) or _num(float(r["value"]))
    u = _s(r["unit_as_printed"])
    q = r["qualifier"]
    if q == "range":
        return f"{v}–{_s(r['value_high_as_printed'])}{u}"
    if q == "about":
        return f"约{v}{u}"
    if q == "at_least":
        return f"≥{v}{u}"
    if q == "at_most":
        return f"≤{v}{u}"
    return f"{v}{u}"
