"""Shared reads: resolving `as_of`, checking codes against the store, and figures as references."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import ibis
import pandas as pd

from ...errors import StoreError
from ...model.catalog import load_catalog
from ...model.observation import DIMENSIONS
from ...monitor.diff import printed_expr
from ...store import Store
from ...store.codes import known_codes
from ..convert import clean, records
from ..models import OBSERVATION_FIELDS
from ..problems import ApiProblem

__all__ = [
    "FIGURE_COLUMNS",
    "Filters",
    "check_filters",
    "dims_of",
    "figures",
    "figures_of",
    "observation_rows",
    "resolve",
    "with_printed",
]

_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}")
FIGURE_COLUMNS = ("obs_id", "indicator", "subject", "period", "value", "unit", "status", "source_id", "quote",
                  "location")


@dataclass
class Filters:
    """The filters of an observation query: indicator (any of), every dimension, period, source, status."""

    indicator: list[str] = field(default_factory=list)
    dims: dict[str, str] = field(default_factory=dict)
    period: str | None = None
    source: str | None = None
    status: str | None = None

    def query_kwargs(self) -> dict:
        return {"indicator": self.indicator or None, "period": self.period, "source_id": self.source,
                "status": self.status, **self.dims}

    def params(self) -> list[tuple[str, str]]:
        """The filters as query parameters (for `next` links)."""
        out = [("indicator", i) for i in self.indicator]
        out += [(k, v) for k, v in self.dims.items()]
        out += [(k, v) for k, v in (("period", self.period), ("source", self.source), ("status", self.status)) if v]
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
        text = str(exc)
        if text.startswith("no vintage"):
            raise ApiProblem(404, "no-such-vintage",
                             f"as_of {as_of!r}: no such vintage; /api/vintages lists them") from None
        raise ApiProblem(400, "bad-as-of", f"as_of {as_of!r} is neither a vintage (3, v3) nor an ISO date "
                         "(2025-06-30, 2025-06-30T12:00:00Z)") from None


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


def figures(store: Store, ids: Iterable[int], vid: int | None) -> list[dict]:
    """Figures by id, in the order given, each with its quote, whether it is current at `vid`, and a link.
    Ids a later revision replaced are still found (the observations table keeps every version)."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    obs = store.table("observations")
    rows = obs.filter(obs.obs_id.isin(sorted(set(ids))))
    frame = rows.select(*FIGURE_COLUMNS, "obs_key", printed=printed_expr(rows)).execute()
    current: set[int] = set()
    if vid is not None and len(frame):
        keys = sorted(set(frame["obs_key"]))
        cur = store.observations(vid, prefilter=lambda t: t.filter(t.obs_key.isin(keys)))
        current = set(cur.obs_id.execute())
    by_id = {int(r["obs_id"]): r for r in frame.to_dict("records")}
    out = []
    for i in dict.fromkeys(ids):
        r = by_id.get(i)
        if r is None:
            continue
        out.append({**{c: clean(r[c]) for c in (*FIGURE_COLUMNS, "printed")}, "current": i in current,
                    "link": f"/api/observations/{i}"})
    return out


def figures_of(frame: pd.DataFrame, vid: int | None, current: bool = True) -> list[dict]:
    """Figure references for rows already read (current at `vid` by construction)."""
    if not len(frame):
        return []
    return [{**{c: clean(r.get(c)) for c in (*FIGURE_COLUMNS, "printed")}, "current": current,
             "link": f"/api/observations/{int(r['obs_id'])}"} for r in frame.to_dict("records")]


def with_printed(t: ibis.Table) -> ibis.Table:
    return t.mutate(printed=printed_expr(t))


def dims_of(row: dict, names: Sequence[str] = DIMENSIONS) -> dict[str, str]:
    return {d: row[d] for d in names if row.get(d) is not None and row.get(d) == row.get(d)}
