"""Alert rules evaluated on a vintage of the store: thresholds, forecasts missed, revisions.

An alert is about one figure (one version of one figure key) and one rule, so the same figure never
raises the same rule twice. Threshold and forecast-miss alerts describe the store as it stood at a vintage —
they keep firing while the figure stays as it is; a revision alert is an event, seen from the vintage that
made the revision until the next data load. `alerts_history` runs the rules on every vintage and says when
each alert first fired.

Every query is an Ibis expression on the store (filters and joins run in the engine); only the figures
that fire are brought back to Python to be worded.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TypedDict, TypeVar

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..analytics import display
from ..errors import StoreError
from ..model import DEFAULT_REGION, DIMENSIONS, MODEL_FORECAST, STATED, Catalog, load_catalog
from ..records import DERIVE_LABEL
from ..store import RECORD_LABEL_PREFIX, AsOf, Store, interval_exprs
from .alert_rules import AlertRule, read_alert_rules
from .diff import diff_vintages, printed_expr

__all__ = [
    "ALERT_COLUMNS",
    "SERIES_DIMS",
    "SEVERITY_ORDER",
    "SYSTEM_LABELS",
    "Alert",
    "alerts_history",
    "alerts_to_frame",
    "dims_label",
    "evaluate_alerts",
    "figure_interval",
    "previous_vintage",
    "read_alert_rules",
]

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
# Vintages computed by sectorscope rather than loaded: the analysis, the forecasts, the figures derived from a
# record set. A record batch's vintage (RECORD_LABEL_PREFIX) is not a load of figures either.
SYSTEM_LABELS = ("analyse", "forecast", DERIVE_LABEL)
SERIES_DIMS = tuple(d for d in DIMENSIONS if d != "scenario")  # how forecast/series.py keys a series
_T = TypeVar("_T")
_FIGURE = ("obs_id", "obs_key", "vintage_id", "indicator", *DIMENSIONS, "period", "status", "value", "value_high",
           "qualifier", "unit", "source_id", "quote", "location")


@dataclass(frozen=True)
class Alert:
    """One rule fired by one figure at one vintage. `value` and `threshold` are in the figure's canonical
    `unit`; `interval` is the forecast's (forecast_miss); `old_*` the version a revision replaced."""

    rule_id: str
    kind: str
    severity: str
    vintage_id: int  # the vintage evaluated
    obs_id: int
    obs_key: str
    indicator: str
    dims: dict[str, str] = field(hash=False)
    period: str
    status: str
    value: float | None
    printed: str
    unit: str
    source_id: str
    quote: str | None
    location: str | None
    message_zh: str
    message_en: str
    figure_vintage: int  # the vintage the figure's version was loaded in
    threshold: float | None = None
    operator: str | None = None
    interval: tuple[float, float] | None = None
    interval_level: int | None = None
    forecast_obs_id: int | None = None
    forecast_value: float | None = None
    forecast_vintage: int | None = None
    input_vintage: int | None = None
    old_obs_id: int | None = None
    old_value: float | None = None
    old_printed: str | None = None
    pct_change: float | None = None
    since_vintage: int | None = None

    @property
    def identity(self) -> tuple:
        """What stays the same while an alert keeps firing: the rule and the figure key (a revision is an
        event: the rule and the new version)."""
        return (self.rule_id, self.obs_id if self.kind == "revision" else self.obs_key)

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["interval"] = list(self.interval) if self.interval is not None else None
        return d

    def sort_key(self, order: dict[str, int]) -> tuple:
        return (SEVERITY_ORDER[self.severity], order.get(self.rule_id, 0), self.source_id, self.indicator,
                tuple(self.dims.get(d) or "" for d in DIMENSIONS), self.period, self.obs_id)


ALERT_COLUMNS = (
    "rule_id", "kind", "severity", "vintage_id", "obs_id", "obs_key", "indicator", *DIMENSIONS, "period", "status",
    "value", "printed", "unit", "threshold", "operator", "lo", "hi", "interval_level", "forecast_obs_id",
    "forecast_value", "forecast_vintage", "input_vintage", "old_obs_id", "old_value", "old_printed", "pct_change",
    "since_vintage", "source_id", "quote", "location", "figure_vintage", "message_zh", "message_en",
)


def _row(a: Alert) -> dict[str, object]:
    d = a.to_dict()
    dims = a.dims
    d.pop("dims")
    lo, hi = a.interval if a.interval is not None else (None, None)
    d.pop("interval")
    return {**{k: None for k in ALERT_COLUMNS}, **d, **{k: dims.get(k) for k in DIMENSIONS}, "lo": lo, "hi": hi}


def alerts_to_frame(alerts: Sequence[Alert]) -> pd.DataFrame:
    """One row per alert (ALERT_COLUMNS), dimensions as columns, in the order given."""
    return pd.DataFrame([_row(a) for a in alerts], columns=list(ALERT_COLUMNS))


def dims_label(dims: dict[str, str]) -> str:
    """subject / product / tier …, as a reader scans them (the default region left out)."""
    return " / ".join(v for d, v in dims.items() if v and not (d == "region" and v == DEFAULT_REGION))


def figure_interval(t: ir.Table) -> tuple[ir.NumericValue, ir.NumericValue]:
    """Where a figure's value lies for an alert rule, as (low, high), ±∞ for an open end: store/figure_interval's
    interval without rounding or 约 widening (exactly 70 with "< 70" does not fire; 以上 is [v, ∞), 不足
    (−∞, v], a range its two ends, 约 and exact the value itself), and for a derived figure the interval its
    inputs' rounding allows (bound_low, bound_high) — the interval the analytics itself reads (a supply-demand
    index is a shortage only when all of it is)."""
    return interval_exprs(t, rounding=False, derived_bounds=True)


def _condition(op: str, x: float, lo: ir.NumericValue, hi: ir.NumericValue, basis: str) -> ir.BooleanValue:
    """`value op x` for every value in [lo, hi] (basis certain) or for some (possible); null ends are open."""
    certain = basis == "certain"
    if op in (">", ">="):
        cmp = (lambda a: a > x) if op == ">" else (lambda a: a >= x)
        return (lo.notnull() & cmp(lo)) if certain else (hi.isnull() | cmp(hi))
    if op in ("<", "<="):
        cmp = (lambda a: a < x) if op == "<" else (lambda a: a <= x)
        return (hi.notnull() & cmp(hi)) if certain else (lo.isnull() | cmp(lo))
    above = (lambda a: a > x) if op == "abs>" else (lambda a: a >= x)
    below = (lambda a: a < -x) if op == "abs>" else (lambda a: a <= -x)
    if certain:
        return (lo.notnull() & above(lo)) | (hi.notnull() & below(hi))
    return hi.isnull() | lo.isnull() | above(hi) | below(lo)


def _key_filter(rule: AlertRule, *, scenarios: bool):
    """The rule's filters on columns of the figure key: they run before the as-of window."""
    def narrow(t: ir.Table) -> ir.Table:
        if rule.indicators:
            t = t.filter(t.indicator.isin(list(rule.indicators)))
        for dim, vals in rule.where.items():
            t = t.filter(t[dim].isin(list(vals)))
        if rule.sources:
            t = t.filter(t.source_id.isin(list(rule.sources)))
        if rule.exclude_sources:
            t = t.filter(~t.source_id.isin(list(rule.exclude_sources)))
        if not scenarios and "scenario" not in rule.where:
            t = t.filter(t.scenario.isnull())
        return t
    return narrow


def _from_expectations(store: Store, figs: ir.Table) -> ir.Table:
    """Derived figures computed from a forecast or a target: what someone expects, not what the market is."""
    obs = store.table("observations")
    derived = figs.filter(figs.status == "derived")
    inputs = derived.select(obs_id=derived.obs_id, input_id=derived.input_ids.unnest())
    expected = obs.filter(obs.status.isin(["forecast", "target"])).select(input_id=obs.obs_id)
    return inputs.semi_join(expected, "input_id").select("obs_id").distinct()


# ---- the three kinds -------------------------------------------------------------------------------------------
def _threshold(store: Store, rule: AlertRule, vid: int) -> pd.DataFrame:
    figs = store.observations(vid, prefilter=_key_filter(rule, scenarios=rule.include_scenarios))
    figs = figs.filter(figs.status.isin(list(rule.statuses)) & figs.value.notnull())
    if "forecast" not in rule.statuses and "derived" in rule.statuses:
        figs = figs.anti_join(_from_expectations(store, figs), "obs_id")
    lo, hi = figure_interval(figs)
    assert rule.operator is not None and rule.value is not None, rule  # alert_rules.py requires both
    hits = figs.filter(_condition(rule.operator, rule.value, lo, hi, rule.basis))
    return hits.select(*_FIGURE, printed=printed_expr(hits)).execute()


def _forecast_miss(store: Store, rule: AlertRule, vid: int) -> pd.DataFrame:
    narrow = _key_filter(rule, scenarios=False)
    actual = store.observations(vid, prefilter=lambda t: narrow(t.filter(t.kind == STATED)))
    actual = actual.filter(actual.status.isin(list(rule.statuses)) & actual.value.notnull())
    actual = actual.mutate(printed=printed_expr(actual))
    lo_a, hi_a = figure_interval(actual)
    actual = actual.mutate(a_lo=lo_a, a_hi=hi_a)
    obs = store.table("observations")
    # when the figure was first stated (a later revision of it is still the figure the forecast did not see)
    seen = obs.filter(obs.vintage_id <= vid).group_by("obs_key").aggregate(a_first=obs.vintage_id.min())
    actual = actual.join(seen, "obs_key")
    lo_col, hi_col = ("lo95", "hi95") if rule.interval == 95 else ("lo80", "hi80")
    fc = obs.filter((obs.kind == MODEL_FORECAST) & (obs.status == "forecast") & ~obs.withdrawn
                    & (obs.vintage_id <= vid) & obs.scenario.isnull() & obs[lo_col].notnull() & obs[hi_col].notnull())
    fc = fc.select(f_obs_id=fc.obs_id, f_vintage=fc.vintage_id, f_input_vintage=fc.input_vintage, f_value=fc.value,
                   f_lo=fc[lo_col], f_hi=fc[hi_col], f_unit=fc.unit, f_first_input=fc.input_ids[0],
                   **{f"f_{d}": fc[d] for d in ("indicator", *SERIES_DIMS, "period")})
    if rule.same_source:  # the series a forecast continues is one source's (forecast/series.py's key)
        src = obs.select(f_first_input=obs.obs_id, f_source=obs.source_id).distinct()
        fc = fc.left_join(src, "f_first_input").drop("f_first_input_right")
    preds = [actual.indicator == fc.f_indicator, actual.period == fc.f_period, actual.unit == fc.f_unit,
             fc.f_input_vintage < actual.a_first,  # made from data that did not hold the figure yet
             *(actual[d].identical_to(fc[f"f_{d}"]) for d in SERIES_DIMS)]
    if rule.same_source:
        preds.append(actual.source_id == fc.f_source)
    j = actual.join(fc, preds)
    w = ibis.window(group_by=j.obs_id, order_by=[ibis.desc(j.f_vintage), ibis.desc(j.f_obs_id)])
    j = j.mutate(_rn=ibis.row_number().over(w))
    j = j.filter((j._rn == 0) & ((j.a_lo.notnull() & (j.a_lo > j.f_hi)) | (j.a_hi.notnull() & (j.a_hi < j.f_lo))))
    return j.select(*_FIGURE, "printed", "f_obs_id", "f_vintage", "f_input_vintage", "f_value", "f_lo", "f_hi").execute()


def _revision(store: Store, rule: AlertRule, vid: int, since: int | None, diffs: dict) -> pd.DataFrame:
    if since is None or since >= vid:
        return pd.DataFrame()
    if (since, vid) not in diffs:
        diffs[(since, vid)] = diff_vintages(store, since, vid)
    d = diffs[(since, vid)]
    if not len(d):
        return d
    d = d[d["change"] == "revised"]
    keep = d["status_new"].isin(rule.statuses)
    if rule.indicators:
        keep &= d["indicator"].isin(rule.indicators)
    if rule.sources:
        keep &= d["source_id"].isin(rule.sources)
    if rule.exclude_sources:
        keep &= ~d["source_id"].isin(rule.exclude_sources)
    for dim, vals in rule.where.items():
        keep &= d[dim].isin(vals)
    if not rule.include_scenarios and "scenario" not in rule.where:
        keep &= d["scenario"].isna()
    d = d[keep]
    pct = d["pct_change"]
    from_zero = (d["value_old"] == 0) & d["value_new"].notna() & (d["value_new"] != 0)
    big = pct.notna() & (pct.astype(float).abs() > rule.percent)
    return d[big | from_zero]


# ---- wording ---------------------------------------------------------------------------------------------------
def _printed(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return ""
    v, u = display(float(value), unit)
    return f"{v}{u}"


def _fields(rule: AlertRule, r: dict, catalog: Catalog, vid: int) -> dict[str, object]:
    ind = catalog.get(r["indicator"])
    dims = {d: r[d] for d in DIMENSIONS if r.get(d) is not None}
    return {
        "rule_id": rule.id, "severity": rule.severity, "indicator": r["indicator"],
        "indicator_zh": ind.name_zh if ind else r["indicator"], "indicator_en": ind.name_en if ind else r["indicator"],
        "dims": dims_label(dims), "period": r["period"], "value": r["value"], "printed": r["printed"] or "",
        "unit": r["unit"] or "", "source_id": r["source_id"], "location": r["location"] or "",
        "status": r["status"], "vintage": vid,
    }


def _none(v: _T) -> _T | None:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else v


class _KindFields(TypedDict, total=False):
    """The fields of Alert that only one kind of rule sets."""

    threshold: float | None
    operator: str | None
    interval: tuple[float, float] | None
    interval_level: int | None
    forecast_obs_id: int | None
    forecast_value: float | None
    forecast_vintage: int | None
    input_vintage: int | None
    old_obs_id: int | None
    old_value: float | None
    old_printed: str | None
    pct_change: float | None
    since_vintage: int | None


def _alerts(rule: AlertRule, frame: pd.DataFrame, catalog: Catalog, vid: int, since: int | None) -> list[Alert]:
    out: list[Alert] = []
    if not len(frame):
        return out
    frame = frame.astype(object).where(frame.notna(), None)
    for r in frame.to_dict("records"):
        if rule.kind == "revision":  # a diff row: the new side is the figure
            r = {**r, "obs_id": r["obs_id_new"], "vintage_id": r["vintage_id_new"], "status": r["status_new"],
                 "value": r["value_new"], "value_high": r["value_high_new"], "printed": r["printed_new"],
                 "quote": r["quote_new"], "location": r["location_new"]}
        f = _fields(rule, r, catalog, vid)
        extra: _KindFields
        if rule.kind == "threshold":
            f.update(operator=rule.operator, threshold=rule.threshold_as_written,
                     threshold_unit=rule.unit if rule.unit is not None else r["unit"] or "")
            extra = {"threshold": rule.value, "operator": rule.operator}
        elif rule.kind == "forecast_miss":
            f.update(lo=r["f_lo"], hi=r["f_hi"], lo_printed=_printed(r["f_lo"], r["unit"]),
                     hi_printed=_printed(r["f_hi"], r["unit"]), level=rule.interval, forecast_value=r["f_value"],
                     forecast_printed=_printed(r["f_value"], r["unit"]), forecast_vintage=int(r["f_vintage"]),
                     input_vintage=int(r["f_input_vintage"]))
            extra = {"interval": (float(r["f_lo"]), float(r["f_hi"])), "interval_level": rule.interval,
                     "forecast_obs_id": int(r["f_obs_id"]), "forecast_value": float(r["f_value"]),
                     "forecast_vintage": int(r["f_vintage"]), "input_vintage": int(r["f_input_vintage"])}
        else:
            pct = _none(r["pct_change"])
            f.update(old_value=r["value_old"], old_printed=r["printed_old"] or "",
                     pct_change=float("inf") if pct is None else float(pct), threshold=rule.percent, since=since)
            extra = {"threshold": rule.percent, "old_obs_id": int(r["obs_id_old"]), "old_value": _none(r["value_old"]),
                     "old_printed": r["printed_old"], "pct_change": None if pct is None else float(pct),
                     "since_vintage": since}
        dims = {d: r[d] for d in DIMENSIONS if r.get(d) is not None}
        out.append(Alert(
            rule_id=rule.id, kind=rule.kind, severity=rule.severity, vintage_id=vid, obs_id=int(r["obs_id"]),
            obs_key=r["obs_key"], indicator=r["indicator"], dims=dims, period=r["period"], status=r["status"],
            value=None if r["value"] is None else float(r["value"]), printed=r["printed"] or "", unit=r["unit"] or "",
            source_id=r["source_id"], quote=r["quote"], location=r["location"],
            message_zh=rule.message_zh.format(**f), message_en=rule.message_en.format(**f),
            figure_vintage=int(r["vintage_id"]), **extra,
        ))
    return out


# ---- evaluation ------------------------------------------------------------------------------------------------
def previous_vintage(store: Store, vid: int) -> int | None:
    """What a revision at `vid` is measured against by default: the vintage before the latest data load
    at or before `vid`. When every vintage is a load that is simply the previous vintage; after
    `sectorscope run` (load, analyse, forecast) it is the state the previous run left, so the load's
    revisions are still seen on the analyse and forecast vintages that follow it, and a forecast rerun is
    compared with the previous run's forecasts. None when nothing came before."""
    vt = store.vintages().select("vintage_id", "label").execute()
    vt = vt[vt["vintage_id"] <= vid].sort_values("vintage_id")
    loads = vt[~vt["label"].isin(SYSTEM_LABELS) & ~vt["label"].fillna("").str.startswith(RECORD_LABEL_PREFIX)]
    start = int(loads["vintage_id"].iloc[-1]) if len(loads) else vid
    earlier = vt[vt["vintage_id"] < start]
    return int(earlier["vintage_id"].iloc[-1]) if len(earlier) else None


def evaluate_alerts(store: Store, rules: Sequence[AlertRule], as_of: AsOf = None, *, since: AsOf = None,
                    catalog: Catalog | None = None) -> list[Alert]:
    """Every alert the rules raise on the store as it stood at `as_of` (latest by default), sorted by
    severity, the rules' order, source, indicator, dimensions and period.

    Revision rules compare with `since` when given, else with the rule's own `since`, else with
    `previous_vintage` (the state before the latest data load)."""
    vid = store.resolve(as_of)
    if vid is None:
        raise StoreError(f"{store.path} holds no vintage at {as_of!r} to evaluate alerts on; load data first")
    return _evaluate(store, rules, vid, since, catalog or load_catalog(), {})


def _evaluate(store: Store, rules: Sequence[AlertRule], vid: int, since: AsOf, catalog: Catalog,
              diffs: dict) -> list[Alert]:
    """evaluate_alerts on a resolved vintage; `diffs` caches the diffs revision rules share."""
    alerts: list[Alert] = []
    for rule in rules:
        rule_since = None
        if rule.kind == "threshold":
            frame = _threshold(store, rule, vid)
        elif rule.kind == "forecast_miss":
            frame = _forecast_miss(store, rule, vid)
        else:
            point = since if since is not None else rule.since
            rule_since = store.resolve(point) if point is not None else previous_vintage(store, vid)
            frame = _revision(store, rule, vid, rule_since, diffs)
        alerts += _alerts(rule, frame, catalog, vid, rule_since)
    order = {r.id: k for k, r in enumerate(rules)}
    return sorted(alerts, key=lambda a: a.sort_key(order))


def alerts_history(store: Store, rules: Sequence[AlertRule], *, catalog: Catalog | None = None) -> pd.DataFrame:
    """The rules evaluated on every vintage: one row per alert (rule and figure key; a revision is its own
    event), the vintage it first fired in, the last it fired in and whether it still fires at the latest
    vintage, with the alert's fields as of the last vintage it fired in."""
    catalog = catalog or load_catalog()
    ids = [int(v) for v in store.vintages().vintage_id.execute()]
    seen: dict[tuple, tuple[int, int, Alert]] = {}
    diffs: dict = {}
    for vid in ids:
        for a in _evaluate(store, rules, vid, None, catalog, diffs):
            first = seen[a.identity][0] if a.identity in seen else vid
            seen[a.identity] = (first, vid, a)
    latest = ids[-1] if ids else None
    order = {r.id: k for k, r in enumerate(rules)}
    items = sorted(seen.values(), key=lambda x: (x[0], x[2].sort_key(order)))
    frame = alerts_to_frame([a for _, _, a in items])
    frame.insert(0, "first_vintage", [f for f, _, _ in items])
    frame.insert(1, "last_vintage", [last for _, last, _ in items])
    frame.insert(2, "active", [last == latest for _, last, _ in items])
    return frame
