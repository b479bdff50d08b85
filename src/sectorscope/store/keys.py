"""How a figure is known and compared: its key and content hashes, and the latest row per key of a
reference table. Why apart: the write path, the readers of older stores and the benchmarks all need the same
hashes; one definition keeps a reload a restatement and not a revision."""
from __future__ import annotations

import functools
import hashlib
import operator

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..model import ANALYSIS_COLUMNS
from .legacy import LEGACY_READING_BAND

__all__ = ["CONTENT_COLUMNS", "SEP", "content_digest", "digest", "joined", "latest", "row_hash"]

# Columns whose change makes a new version of a figure.
CONTENT_COLUMNS = (
    "period_start", "period_end", "value", "value_high", "qualifier", "unit", "value_as_printed",
    "value_high_as_printed", "unit_as_printed", "status", "quote", "quote_start", "quote_end", "basis",
    "note", "formula", "input_ids",
)
SEP = "\x1f"


def joined(t: ir.Table, cols: tuple[str, ...]) -> ir.StringValue:
    expr = None
    for c in cols:
        part = t[c].cast("string").fill_null("")
        expr = part if expr is None else expr + SEP + part
    return expr


def digest(t: ir.Table, cols: tuple[str, ...]) -> ir.StringValue:
    return joined(t, cols).hexdigest("md5")


def content_digest(t: ir.Table) -> ir.StringValue:
    """The content hash; the analysis columns join it only when one is set, so a figure hashed before
    they existed (schema 1) hashes the same and a reload does not read as a revision.

    Schema 3's columns keep every hash of schema 2 too. `kind` stays out: the figure key fixes it (the
    store refuses a key that changes kind). `reading` stays out: it follows from the bounds (hashed) and the
    band. The band joins only when it is not the ±0.2 every reading used before schema 3, so a re-run
    restates a figure read as before and revises one whose band changed."""
    base = joined(t, CONTENT_COLUMNS)
    any_set = functools.reduce(operator.or_, [t[c].notnull() for c in ANALYSIS_COLUMNS])
    text = ibis.ifelse(any_set, base + SEP + joined(t, ANALYSIS_COLUMNS), base)
    band = t.reading_band
    new_band = band.notnull() & (band != LEGACY_READING_BAND)
    return ibis.ifelse(new_band, text + SEP + "reading_band=" + band.cast("string"), text).hexdigest("md5")


def latest(t: ir.Table, key: str | tuple[str, ...]) -> ir.Table:
    """The newest row per key, by a window: for the small reference tables, and for observations written
    before schema 4 knew `superseded_in`."""
    keys = [key] if isinstance(key, str) else list(key)
    w = ibis.window(group_by=[t[k] for k in keys], order_by=ibis.desc(t.vintage_id))
    return t.mutate(_rn=ibis.row_number().over(w)).filter(lambda x: x._rn == 0).drop("_rn")


def row_hash(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    def h(row: tuple) -> str:
        text = SEP.join("" if pd.isna(v) else str(v) for v in row)
        return hashlib.md5(text.encode("utf-8")).hexdigest()

    return pd.Series([h(r) for r in frame[cols].itertuples(index=False, name=None)], index=frame.index)
