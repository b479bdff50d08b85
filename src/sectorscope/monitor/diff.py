"""What changed between two points of the store: new, revised and withdrawn figures, old value beside new.

The store keeps every version of every figure, so a diff is two as-of reads joined on the figure key: the
latest row of each key at `since` against the latest row at `until`. That answers "what changed since the
last report" for the reports' figures, the derived figures and sectorscope's own forecasts alike, on any
backend Ibis runs the store on.

A key is *revised* only when something a reader sees changed (value, bounds, qualifier, status, the printed
value, the quote, the note, the formula, an interval …). Re-running the analysis or the forecast on a newer
vintage rewrites every derived and forecast figure with a new `input_vintage` and new `input_ids`; when the
numbers come out the same, that bookkeeping is not a change a reader needs to hear about.
"""
from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..errors import Reason, StoreError
from ..model import ANALYSIS_COLUMNS, DIMENSIONS, FORECAST_SOURCE, READING_COLUMNS
from ..store import CONTENT_COLUMNS, AsOf, Store

__all__ = [
    "CHANGES",
    "COMPARED_COLUMNS",
    "DIFF_COLUMNS",
    "DiffSummary",
    "diff_vintages",
    "printed_expr",
    "summarise_diff",
]

CHANGES = ("new", "revised", "withdrawn")
# Bookkeeping a recomputation rewrites without changing what the figure says.
_BOOKKEEPING = ("input_ids", "input_vintage")
COMPARED_COLUMNS = tuple(c for c in (*CONTENT_COLUMNS, *ANALYSIS_COLUMNS, *READING_COLUMNS) if c not in _BOOKKEEPING)
_PAIRED = ("status", "value", "value_high", "qualifier", "printed", "source_id", "quote", "location", "obs_id",
           "vintage_id", "lo80", "hi80", "lo95", "hi95", "input_vintage", "method")
DIFF_COLUMNS = (
    "change", "obs_key", "source_id", "indicator", *DIMENSIONS, "period", "unit", "vintage_id", "pct_change",
    *(f"{c}_{side}" for c in _PAIRED for side in ("old", "new")),
)


def printed_expr(t: ir.Table) -> ir.StringValue:
    """The figure as a reader saw it printed, qualifier included: 约12.3%, ≥70%, 30–45天 (as the audit shows
    figures). A computed figure without a printed value shows its value."""
    v = t.value_as_printed.fill_null(t.value.cast("string"))
    u = t.unit_as_printed.fill_null("")
    vh = t.value_high_as_printed.fill_null(t.value_high.cast("string")).fill_null("")
    return ibis.cases(
        (t.qualifier == "range", v + "–" + vh + u),
        (t.qualifier == "about", "约" + v + u),
        (t.qualifier == "at_least", "≥" + v + u),
        (t.qualifier == "at_most", "≤" + v + u),
        else_=v + u,
    )


def diff_vintages(store: Store, since: AsOf, until: AsOf = None) -> pd.DataFrame:
    """Every figure whose latest row differs between `since` and `until` (latest by default), one row per
    figure key with the old and new versions side by side (DIFF_COLUMNS), sorted by change, source,
    indicator, dimensions and period.

    `since` and `until` are vintages (3, "v3") or dates, as anywhere in the store; a date before the first
    vintage means "nothing loaded yet", so every figure is new. A figure withdrawn at `since` and stated
    again by `until` is new; one restated unchanged is no change at all.
    """
    if since is None:
        raise StoreError("a diff needs a starting point: --since a vintage (3, v3) or a date (2025-06-30)")
    old_vid, new_vid = store.resolve(since), store.resolve(until)
    if new_vid is None:
        raise StoreError(f"nothing had been loaded into {store.path} by {until!r}; `sectorscope vintages` lists the vintages")
    if old_vid is not None and old_vid > new_vid:
        raise StoreError(f"--since ({since!r} = v{old_vid}) is after --until ({until!r} = v{new_vid}); "
                         "a diff runs forward in time", reason=Reason.BAD_ARGUMENT)
    frame = _diff_expr(store, old_vid, new_vid).execute()
    frame = _tidy(frame)
    frame.attrs.update({"since_vintage": old_vid, "until_vintage": new_vid})
    return frame


def _diff_expr(store: Store, old_vid: int | None, new_vid: int) -> ir.Table:
    new = store.observations(new_vid, include_withdrawn=True)
    if old_vid is None:
        old = new.filter(ibis.literal(False))
    else:
        old = store.observations(old_vid, include_withdrawn=True)
    old = old.view()
    j = new.left_join(old, new.obs_key == old.obs_key)
    had = old.obs_id.notnull() & ~old.withdrawn.fill_null(True)
    has = ~new.withdrawn
    same = ibis.and_(*(new[c].identical_to(old[c]) for c in COMPARED_COLUMNS))
    change = ibis.cases(
        (has & ~had, "new"),
        (had & ~has, "withdrawn"),
        (had & has & (new.obs_id != old.obs_id) & ~same, "revised"),
        else_=ibis.null("string"),
    )
    # A tombstone repeats the content it withdraws; that side shows no figure, only the tombstone's id and
    # vintage (a withdrawal, or a figure stated again after one).
    def side(t: ir.Table, col: ir.Value) -> ir.Value:
        return ibis.ifelse(t.withdrawn.fill_null(False), ibis.null(col.type()), col)

    cols: dict[str, ir.Value] = {
        "change": change, "obs_key": new.obs_key, "source_id": new.source_id, "indicator": new.indicator,
        **{d: new[d] for d in DIMENSIONS}, "period": new.period, "unit": new.unit, "vintage_id": new.vintage_id,
    }
    for c in _PAIRED:
        o = printed_expr(old) if c == "printed" else old[c]
        n = printed_expr(new) if c == "printed" else new[c]
        ids = c in ("obs_id", "vintage_id")
        cols[f"{c}_old"] = o if ids else side(old, o)
        cols[f"{c}_new"] = n if ids else side(new, n)
    revised = change == "revised"
    ok = revised & old.value.notnull() & new.value.notnull() & (old.value != 0)
    # multiply first: 100 × 1e9 / 1e10 is exactly 10, 1e9 / 1e10 × 100 is not
    cols["pct_change"] = ibis.ifelse(ok, (100.0 * (new.value - old.value) / old.value.abs()).round(9),
                                     ibis.null("float64"))
    t = j.select(**cols)
    t = t.filter(t.change.notnull()).select(*DIFF_COLUMNS)
    rank = ibis.cases((t.change == "new", 0), (t.change == "revised", 1), else_=2)
    return t.order_by([rank, "source_id", "indicator", *DIMENSIONS, "period", "location_new", "location_old",
                       "obs_key"])


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None (not NaN), ids as integers: what JSON and a reader expect."""
    frame = frame.reset_index(drop=True)
    for c in ("obs_id_old", "obs_id_new", "vintage_id_old", "vintage_id_new", "vintage_id",
              "input_vintage_old", "input_vintage_new"):
        frame[c] = frame[c].astype("Int64")
    return frame.astype(object).where(frame.notna(), None) if len(frame) else frame


@dataclass(frozen=True)
class DiffSummary:
    """Counts of a diff: by change, and by source and change (sectorscope's forecasts under their own
    source, `sectorscope-forecast`, like any other)."""

    by_change: dict[str, int]
    by_source: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return sum(self.by_change.values())

    @property
    def forecasts(self) -> dict[str, int]:
        """The analyst's own forecasts' changes."""
        return self.by_source.get(FORECAST_SOURCE, {c: 0 for c in CHANGES})

    def to_frame(self) -> pd.DataFrame:
        rows = [{"source_id": s, **counts, "total": sum(counts.values())} for s, counts in self.by_source.items()]
        return pd.DataFrame(rows, columns=["source_id", *CHANGES, "total"])


def summarise_diff(diff: pd.DataFrame) -> DiffSummary:
    """Counts by change and by source, every change named (zero when none)."""
    by_change = {c: int((diff["change"] == c).sum()) if len(diff) else 0 for c in CHANGES}
    by_source: dict[str, dict[str, int]] = {}
    if len(diff):
        for source in sorted(diff["source_id"].unique()):
            mine = diff[diff["source_id"] == source]
            by_source[source] = {c: int((mine["change"] == c).sum()) for c in CHANGES}
    return DiffSummary(by_change, by_source)
