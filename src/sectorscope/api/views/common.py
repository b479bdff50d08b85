"""Shared reads: resolving `as_of`, checking codes against the store, and figures as references.

A figure's `printed` is the one display string the API returns for it: the presentation layer's
(`present.figure`), so it reads exactly as the report and the dashboard print the figure — as its source
printed it (约12.3%, ≥560亿元) or, for a computed figure, in its display unit (389.5亿元, never 38954900000.0).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ...errors import Reason, StoreError
from ...model import DIMENSIONS, load_catalog
from ...present import figure
from ...store import QueryCache, Store, known_codes
from ..convert import clean, records
from ..models import OBSERVATION_FIELDS
from ..problems import ApiProblem

__all__ = [
    "FIGURE_COLUMNS",
    "PRINTED_COLUMNS",
    "QUERIES",
    "Filters",
    "check_filters",
    "dims_of",
    "figures",
    "figures_of",
    "json_items",
    "observation_rows",
    "printed",
    "printed_by_id",
    "query_of",
    "references",
    "resolve",
]

_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}")
FIGURE_COLUMNS = ("obs_id", "indicator", "subject", "period", "value", "value_high", "qualifier", "unit", "status",
                  "kind", "source_id", "quote", "location")
# The server's compiled queries (store/prepared.py): each query shape of a request is compiled once.
QUERIES = QueryCache()
# what a figure's printed form is made of
PRINTED_COLUMNS = ("value", "value_high", "qualifier", "unit", "value_as_printed", "value_high_as_printed",
                   "unit_as_printed")


@dataclass
class Filters:
    """The filters of an observation query: indicator (any of), every dimension, period, source, status, and
    for the figures' own listings kind (stated, derived, model_forecast…) and method (records, formula…)."""

    indicator: list[str] = field(default_factory=list)
    dims: dict[str, str] = field(default_factory=dict)
    period: str | None = None
    source: str | None = None
    status: str | None = None
    kind: str | None = None
    method: str | None = None

    def query_kwargs(self) -> dict:
        return {"indicator": self.indicator or None, "period": self.period, "source_id": self.source,
                "status": self.status, "kind": self.kind, "method": self.method, **self.dims}

    def slots(self) -> dict[str, str]:
        """The filter values by name, as the parameters of a compiled query (QUERIES): `indicator0`, … for the
        indicators, then the dimensions, `period`, `source_id` and `status` that are set. The names fix the
        query's shape; `from_slots` gives the filters back."""
        out = {f"indicator{i}": code for i, code in enumerate(self.indicator)}
        out.update(self.dims)
        out.update({k: v for k, v in (("period", self.period), ("source_id", self.source), ("status", self.status),
                                      ("kind", self.kind), ("method", self.method)) if v is not None})
        return out

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> Filters:
        """The filters of `slots` (Filters.slots); names that are not filters are left out."""
        inds = [slots[f"indicator{i}"] for i in range(len(slots)) if f"indicator{i}" in slots]
        return cls(indicator=inds, dims={d: slots[d] for d in DIMENSIONS if d in slots}, period=slots.get("period"),
                   source=slots.get("source_id"), status=slots.get("status"), kind=slots.get("kind"),
                   method=slots.get("method"))

    def params(self) -> list[tuple[str, str]]:
        """The filters as query parameters (for `next` links)."""
        out = [("indicator", i) for i in self.indicator]
        out += [(k, v) for k, v in self.dims.items()]
        out += [(k, v) for k, v in (("period", self.period), ("source", self.source), ("status", self.status),
                                    ("kind", self.kind), ("method", self.method)) if v]
        return out


def resolve(store: Store, as_of: str | None) -> int | None:
    """The vintage `as_of` names (3, v3, an ISO date or datetime; None: the latest), worded for the API."""
    if as_of is not None:
        m = _DATE.match(as_of)
        if m and not 1678 <= int(m.group(1)) <= 2261:
            raise ApiProblem(400, "bad-as-of", f"as_of {as_of!r}: a date must lie between 1678 and 2261")
    try:
        return store.resolve(as_of)
    except StoreError as exc:
        if exc.reason == Reason.NO_VINTAGE:
            raise ApiProblem(404, "no-such-vintage",
                             f"as_of {as_of!r}: no such vintage; /api/vintages lists them") from None
        if exc.reason == Reason.BAD_ARGUMENT:
            raise ApiProblem(400, "bad-as-of", f"as_of {as_of!r} is neither a vintage (3, v3) nor an ISO date "
                             "(2025-06-30, 2025-06-30T12:00:00Z)") from None
        raise  # the store could not be read (held by a writer, damaged): not the client's as_of


def query_of(store: Store, at: int | str | None, slots: Mapping[str, Any], **extra: Any) -> ir.Table:
    """`Store.query` with the filters of `slots` (Filters.slots): the one definition of a filtered read,
    compiled once per shape by QUERIES."""
    kw = {**Filters.from_slots(slots).query_kwargs(), **extra}
    # one kind asked for is a parameter of the compiled query (its value a placeholder while compiling, which
    # Store.query would refuse as no kind): filtered here; the API's pattern has checked it against KINDS
    kind = kw.pop("kind") if isinstance(kw.get("kind"), str) else None
    t = store.query(at, **kw)
    return t if kind is None else t.filter(t.kind == kind)


def json_items(t: ir.Table) -> ir.Table:
    """`t` with each row as one JSON object (column `item`, text), beside `obs_id`: the engine writes the JSON,
    so a page of a thousand figures costs no Python per value. Values read as `observation_rows` gives them:
    null for a missing value and for a number JSON cannot carry (NaN, ±inf), dates as ISO dates, id lists as
    arrays (tests/api/test_prepared.py checks the two agree)."""
    cols = {}
    for name, typ in t.schema().items():
        col = t[name]
        if typ.is_floating():
            col = ibis.ifelse(col.isnan() | col.isinf(), ibis.null(typ), col)
        cols[name] = col
    return t.select(obs_id=t.obs_id, item=ibis.struct(cols).cast("json").cast("string"))


def check_filters(store: Store, f: Filters) -> None:
    """Unknown indicator or source codes are errors a user can fix (an empty answer would hide the typo);
    the codes come from the store's one cache of them (store/codes.py), worded for the API."""
    if f.indicator:
        # the package's catalog first (no query), then the store's own (a dataset may bring its indicators)
        unknown = set(f.indicator) - set(load_catalog().codes())
        bad = sorted(unknown - known_codes(store, "indicators", "code")) if unknown else []
        if bad:
            raise ApiProblem(400, "unknown-indicator", f"unknown indicator {', '.join(map(repr, bad))}; "
                             "/api/catalog lists the indicator codes")
    if f.source and f.source not in known_codes(store, "sources", "source_id"):
        raise ApiProblem(400, "unknown-source", f"unknown source {f.source!r}; /api/sources lists the sources")


def observation_rows(frame: pd.DataFrame) -> list[dict]:
    """Observation rows as the Observation model has them (the engine returns period dates as timestamps)."""
    rows = records(frame.reindex(columns=list(OBSERVATION_FIELDS)), OBSERVATION_FIELDS)
    for r in rows:
        for c in ("period_start", "period_end"):
            if r[c] is not None:
                r[c] = r[c][:10]
    return rows


def printed(row: Mapping[str, Any]) -> str:
    """The figure as the reports print it (present.figure, in Chinese as the reports are): its source's
    digits, qualifier and unit for a stated figure, its value in its display unit for a computed one."""
    return figure(clean(row.get("value")), clean(row.get("qualifier")) or "exact", clean(row.get("value_high")),
                  clean(row.get("unit")) or "", printed=clean(row.get("value_as_printed")) or "",
                  printed_high=clean(row.get("value_high_as_printed")) or None,
                  unit_printed=clean(row.get("unit_as_printed")) or "")


def printed_by_id(store: Store, ids: Iterable[int]) -> dict[int, str]:
    """`printed` of figures by id, any version (one read)."""
    want = sorted({int(i) for i in ids})
    if not want:
        return {}
    obs = store.table("observations")
    frame = obs.filter(obs.obs_id.isin(want)).select("obs_id", *PRINTED_COLUMNS).execute()
    return {int(r["obs_id"]): printed(r) for r in frame.to_dict("records")}


def _reference(r: Mapping[str, Any], current: bool) -> dict:
    return {**{c: clean(r.get(c)) for c in FIGURE_COLUMNS}, "printed": printed(r), "current": current,
            "link": f"/api/observations/{int(r['obs_id'])}"}


def figures(store: Store, ids: Iterable[int], vid: int | None) -> list[dict]:
    """Figures by id, in the order given, each with its quote, whether it is current at `vid`, and a link.
    Ids a later revision replaced are still found (the observations table keeps every version)."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    obs = store.table("observations")
    rows = obs.filter(obs.obs_id.isin(sorted(set(ids))))
    frame = rows.select(*dict.fromkeys((*FIGURE_COLUMNS, *PRINTED_COLUMNS, "obs_key"))).execute()
    current: set[int] = set()
    if vid is not None and len(frame):
        keys = sorted(set(frame["obs_key"]))
        cur = store.observations(vid, prefilter=lambda t: t.filter(t.obs_key.isin(keys)))
        current = set(cur.obs_id.execute())
    by_id = {int(r["obs_id"]): r for r in frame.to_dict("records")}
    return [_reference(by_id[i], i in current) for i in dict.fromkeys(ids) if i in by_id]


def figures_of(frame: pd.DataFrame, vid: int | None, current: bool = True) -> list[dict]:
    """Figure references for rows already read (current at `vid` by construction); the rows carry
    FIGURE_COLUMNS and PRINTED_COLUMNS."""
    if not len(frame):
        return []
    return [_reference(r, current) for r in frame.to_dict("records")]


def references(rows: Iterable[Mapping[str, Any]], current: bool = True) -> list[dict]:
    """Figure references for rows already read as records (`figures_of` for records)."""
    return [_reference(r, current) for r in rows]


def dims_of(row: dict, names: Sequence[str] = DIMENSIONS) -> dict[str, str]:
    return {d: row[d] for d in names if row.get(d) is not None and row.get(d) == row.get(d)}
