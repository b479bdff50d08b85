"""The fields' schema (pandera): each field of an observation row on its own, declared once, and the reading of
a printed number it uses.

Why apart from validation: the schema is the declaration of what each column holds; validation decides how to
run it (over each column's distinct values, `validate._check_fields`) and what a failure becomes.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..model import LOADABLE_STATUSES, PERIOD_PATTERN, QUALIFIERS, Catalog, parse_number

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = ["CHECKED", "failing_cells", "field_schema", "is_text", "numeric"]

# [0-9], not \d: \d also matches full-width and other scripts' digits, which pandas' to_numeric cannot read
# (they go through parse_number, which normalises them).
_ARABIC = r"[+\-−]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_ARABIC_RE = re.compile(_ARABIC)
# The columns with a check of their own in the schema; the others are declared text and nothing more.
CHECKED = ("indicator", "subject", "period", "value", "value_high", "qualifier", "status", "source", "quote_start",
           "quote_end")


def numeric(s: pd.Series) -> pd.Series:
    """Parse printed numbers; NaN where a cell is not one (Chinese numerals go through parse_number).

    One Python pass per cell for the text (str, strip, the Arabic form), pandas' to_numeric for the Arabic
    numbers: the per-cell `.str` methods of pandas cost several times as much."""
    text = [str(x).strip() for x in s.tolist()]
    arabic = [_ARABIC_RE.fullmatch(t) is not None for t in text]
    clean = pd.Series([t.replace(",", "").replace("−", "-") if a else np.nan for t, a in zip(text, arabic, strict=True)],
                      index=s.index, dtype=object)
    out = pd.to_numeric(clean, errors="coerce").astype(float)
    rest = {t for t, a in zip(text, arabic, strict=True) if not a and t != ""}
    if rest:
        parsed: dict[str, float] = {}
        for u in rest:
            try:
                parsed[u] = parse_number(u)
            except ValueError:
                parsed[u] = np.nan
        values = out.to_numpy(copy=True)
        for k, (t, a) in enumerate(zip(text, arabic, strict=True)):
            if not a and t != "":
                values[k] = parsed[t]
        out = pd.Series(values, index=s.index, dtype=float)
    return out


def _as_bool(result: pd.Series) -> pd.Series:
    """A check's answer on Arrow-backed text (pandas' nullable boolean) as plain booleans, left as it is on
    object text."""
    return result.astype(bool) if isinstance(result.dtype, pd.BooleanDtype) else result


def field_schema(catalog: Catalog, text: Any = str, read: Callable[[pd.Series], pd.Series] = numeric
                 ) -> pa.DataFrameSchema:
    """The fields' schema. `text` is the type each column is declared with: `str` for text as given (pandera then
    checks every cell), an Arrow string dtype for the distinct values `_check_fields` gives it. `read`: how a
    number is read (`numeric`, or its answers already computed for these values)."""
    import pandera.pandas as pa  # pandera takes ~0.3 s to import: only loading a file pays for it

    def number(s: pd.Series) -> pd.Series:
        return read(s).notna()

    def empty_or_number(s: pd.Series) -> pd.Series:
        return _as_bool((s == "") | read(s).notna())

    def empty_or_int(s: pd.Series) -> pd.Series:
        return _as_bool((s == "") | s.str.fullmatch(r"[0-9]+"))

    def period_ok(s: pd.Series) -> pd.Series:  # the form; the years and a span's order: _periods
        return _as_bool(s.str.fullmatch(PERIOD_PATTERN))

    plain = pa.Column(text, nullable=False)
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(text, pa.Check.isin(catalog.codes(), error="unknown indicator; `sectorscope catalog` lists the codes")),
            "subject": pa.Column(text, pa.Check.str_length(min_value=1, error="empty: name the market or segment")),
            "period": pa.Column(text, pa.Check(period_ok, error="period must be YYYY, YYYYQn, YYYY-MM or a span YYYY/YYYY")),
            "value": pa.Column(text, pa.Check(number, error="not a number")),
            "value_high": pa.Column(text, pa.Check(empty_or_number, error="not a number")),
            "qualifier": pa.Column(text, pa.Check.isin(("", *QUALIFIERS), error=f"qualifier must be one of {', '.join(QUALIFIERS)}")),
            "status": pa.Column(text, pa.Check.isin(LOADABLE_STATUSES, error=f"status must be one of {', '.join(LOADABLE_STATUSES)}")),
            "source": pa.Column(text, pa.Check.str_length(min_value=1, error="empty: every figure needs a source")),
            "quote_start": pa.Column(text, pa.Check(empty_or_int, error="not a character offset (a whole number)")),
            "quote_end": pa.Column(text, pa.Check(empty_or_int, error="not a character offset (a whole number)")),
            **{c: plain for c in ("unit", "region", "product", "application", "company", "country", "tier",
                                  "scenario", "quote", "value_text", "location", "basis", "note")},
        },
        strict=False,
        coerce=False,
    )


def is_text(s: pd.Series) -> bool:
    """Whether every cell is a string (what the schema's `str, nullable=False` asks), without a Python call per cell."""
    if isinstance(s.dtype, pd.StringDtype):
        return not s.hasnans
    if isinstance(s.dtype, pd.ArrowDtype):
        import pyarrow as pa

        t = s.dtype.pyarrow_dtype
        return (pa.types.is_string(t) or pa.types.is_large_string(t)) and not s.hasnans
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=False) == "string"


def failing_cells(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """pandera's failure cases of the frame's cells (column, index, check, failure_case), lazily collected; the
    failures of a whole column (no index) are left out, as each failing cell is reported."""
    from pandera.errors import SchemaErrors

    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
        return fc[fc["index"].notna()]
    return pd.DataFrame(columns=["column", "index", "check", "failure_case"])
