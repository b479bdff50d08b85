"""How a figure is known and compared: its key hash, whether two versions of it differ in content, and the
latest row per key of a reference table. Why apart: the write path, the readers of older stores and the
benchmarks all need the same comparison; one definition keeps a reload a restatement and not a revision.

Schema 5 stores no content hash: the write path compares a batch's rows with the current rows of their keys
column by column (`content_differs`), which costs a join it makes anyway instead of an md5 of every row
written. `content_digest` stays as the definition of "the same content" that stores up to schema 4 hashed,
and `content_differs` is checked against it (tests/store/test_content.py)."""
from __future__ import annotations

import functools
import hashlib
import operator

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..model import ANALYSIS_COLUMNS, KEY_COLUMNS
from .legacy import LEGACY_READING_BAND

__all__ = ["CONTENT_COLUMNS", "FIGURE_ORDER", "SEP", "column_differs", "content_columns", "content_differs", "content_digest", "digest", "joined",
           "latest", "row_hash"]

# Columns whose change makes a new version of a figure.
CONTENT_COLUMNS = (
    "period_start", "period_end", "value", "value_high", "qualifier", "unit", "value_as_printed",
    "value_high_as_printed", "unit_as_printed", "status", "quote", "quote_start", "quote_end", "basis",
    "note", "formula", "input_ids",
)
SEP = "\x1f"
# The order a load stores its rows in (their ids keep the batch's order): the figure key, most selective for
# a read first (indicator, subject, region, product, period), then the rest of it. A bulk load is then
# clustered by what reads filter on, and DuckDB's per-row-group min/max skips the row groups a filter rules out.
FIGURE_ORDER = ("indicator", "subject", "region", "product", "period",
                *(c for c in KEY_COLUMNS if c not in ("indicator", "subject", "region", "product", "period")))


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


def content_columns() -> tuple[str, ...]:
    """Every column `content_differs` reads: what the write path carries of a key's current row."""
    return (*CONTENT_COLUMNS, *ANALYSIS_COLUMNS, "reading_band")


def _text_differs(a: ir.Value, b: ir.Value) -> ir.BooleanValue:
    """The digest reads a null text as "": null and "" are the same content."""
    return a.fill_null("") != b.fill_null("")


def _float_differs(a: ir.FloatingValue, b: ir.FloatingValue) -> ir.BooleanValue:
    """The digest reads a float as its shortest round-trip text: equal values are the same content, NaN is
    NaN (the engine's `IS NOT DISTINCT FROM` holds both), but 0.0 and -0.0 are not ("0.0" ≠ "-0.0")."""
    zeros = a.notnull() & b.notnull() & (a == 0) & (b == 0)  # never null: the result is true or false
    return ~a.identical_to(b) | (zeros & (a.cast("string") != b.cast("string")))


def column_differs(a: ir.Value, b: ir.Value) -> ir.BooleanValue:
    """Whether two values of one content column differ as the digest reads them (never null)."""
    if a.type().is_string():
        return _text_differs(a, b)
    if a.type().is_floating():
        return _float_differs(a, b)
    return ~a.identical_to(b)  # integers, dates, id lists: their text is one-to-one with the value


def _new_band(band: ir.FloatingValue) -> ir.FloatingValue:
    """The band as the digest reads it: only a band other than the legacy ±0.2 counts (null: none)."""
    return ibis.ifelse(band.notnull() & (band != LEGACY_READING_BAND), band, ibis.null("float64"))


def content_differs(t: ir.Table, prefix: str = "cur_") -> ir.BooleanValue:
    """Whether a row of `t` differs in content from the version beside it (the same columns under `prefix`):
    exactly when their `content_digest`s differ (short of an md5 collision, or a separator character inside
    a text, which made two different contents hash alike and here differ).

    Compared column by column, as the digest reads them: a null text is "", the analysis columns count only
    when one of them is set (so a set-but-empty one still differs from none set), a band only when it is not
    the legacy ±0.2. A reload of an unchanged figure written by any older schema is a restatement; a changed
    value, band or analysis column is a revision."""
    parts = [column_differs(t[c], t[prefix + c]) for c in (*CONTENT_COLUMNS, *ANALYSIS_COLUMNS)]
    any_set = functools.reduce(operator.or_, [t[c].notnull() for c in ANALYSIS_COLUMNS])
    any_set_cur = functools.reduce(operator.or_, [t[prefix + c].notnull() for c in ANALYSIS_COLUMNS])
    parts.append(any_set != any_set_cur)
    parts.append(_float_differs(_new_band(t.reading_band), _new_band(t[prefix + "reading_band"])))
    return functools.reduce(operator.or_, parts)


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
