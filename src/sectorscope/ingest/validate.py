"""Validation and normalisation of observation rows: pandera for each field, then the catalog for the
checks that need several fields (unit fits the indicator, value within the indicator's bounds, a range
that is a range, a quote that is where its offsets say, a figure stated twice in one file).

Every failure of every row is collected before anything is refused, so a user fixes a file in one pass.
Work is done per distinct value (units, names), not per row, so a 10 M-row file stays vectorised.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..errors import InputError, RowFailure, UnitError, ValidationError
from ..model.catalog import Catalog
from ..model.fx import FxTable
from ..model.numbers import parse_number
from ..model.observation import (
    DEFAULT_REGION, DIMENSIONS, KEY_COLUMNS, LOADABLE_STATUSES, PERIOD_PATTERN, QUALIFIERS, parse_period,
)
from ..model.text import normalise_many
from ..model.units import canonical_unit, parse_unit
from .read import ROW_COLUMN

__all__ = ["REQUIRED", "OPTIONAL", "normalise_rows", "SourceInfo"]

REQUIRED = ("indicator", "subject", "period", "value", "unit", "status", "source")
OPTIONAL = (
    "region", "product", "application", "company", "country", "tier", "scenario", "value_high", "qualifier",
    "quote", "quote_start", "quote_end", "value_text", "location", "basis", "note",
)
_ARABIC = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_TEXT_COLUMNS = (*DIMENSIONS, "location", "basis", "note")


@dataclass(frozen=True)
class SourceInfo:
    """What validation needs to know of a source: that it exists, and its document text if any."""

    source_id: str
    document_text: str | None = None


def _numeric(s: pd.Series) -> pd.Series:
    """Parse printed numbers; NaN where a cell is not one (Chinese numerals go through parse_number)."""
    text = s.astype(str).str.strip()
    arabic = text.str.fullmatch(_ARABIC)
    out = pd.to_numeric(text.where(arabic).str.replace(",", "", regex=False).str.replace("−", "-", regex=False),
                        errors="coerce")
    rest = text[~arabic & (text != "")]
    if len(rest):
        parsed = {}
        for u in rest.unique():
            try:
                parsed[u] = parse_number(u)
            except ValueError:
                parsed[u] = np.nan
        out.loc[rest.index] = rest.map(parsed).astype(float)
    return out.astype(float)


def _per_distinct(values: pd.Series, fn: Callable[[list], list]) -> pd.Series:
    """fn applied once per distinct value (fn takes and returns a list), spread back over the rows."""
    codes, uniques = pd.factorize(values)
    results = np.empty(len(uniques), dtype=object)
    results[:] = fn(list(uniques))
    return pd.Series(results[codes], index=values.index)


def _scale(value: pd.Series, printed: pd.Series, factor: pd.Series) -> pd.Series:
    """value × factor, rounded to the digits the printed number carries when the factor is a power of ten,
    so 165.3 亿元 is stored as 16530000000.0 and not as 16530000000.000002."""
    out = value * factor
    if not out.notna().any():
        return out
    exp = np.log10(factor.where(factor > 0))
    power = (exp - exp.round()).abs() < 1e-9
    text = printed.astype(str)
    dot = text.str.find(".")
    decimals = (text.str.len() - dot - 1).where(dot >= 0, 0)
    digits = (decimals - exp.round()).clip(lower=0)
    for d in digits[power & out.notna()].unique():
        m = power & out.notna() & (digits == d)
        out[m] = np.round(out[m], int(d))
    return out


def _field_schema(catalog: Catalog) -> pa.DataFrameSchema:
    def number(s: pd.Series) -> pd.Series:
        return _numeric(s).notna()

    def empty_or_number(s: pd.Series) -> pd.Series:
        return (s == "") | _numeric(s).notna()

    def empty_or_int(s: pd.Series) -> pd.Series:
        return (s == "") | s.str.fullmatch(r"\d+")

    def period_ok(s: pd.Series) -> pd.Series:
        ok = s.str.fullmatch(PERIOD_PATTERN)
        spans = s[ok & s.str.contains("/", regex=False)]
        for v in spans.unique():
            try:
                parse_period(v)
            except ValueError:
                ok[spans.index[spans == v]] = False
        return ok

    text = pa.Column(str, nullable=False)
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(str, pa.Check.isin(catalog.codes(), error="unknown indicator; `sectorscope catalog` lists the codes")),
            "subject": pa.Column(str, pa.Check.str_length(min_value=1, error="empty: name the market or segment")),
            "period": pa.Column(str, pa.Check(period_ok, error="period must be YYYY, YYYYQn, YYYY-MM or a span YYYY/YYYY")),
            "value": pa.Column(str, pa.Check(number, error="not a number")),
            "value_high": pa.Column(str, pa.Check(empty_or_number, error="not a number")),
            "qualifier": pa.Column(str, pa.Check.isin(("", *QUALIFIERS), error=f"qualifier must be one of {', '.join(QUALIFIERS)}")),
            "status": pa.Column(str, pa.Check.isin(LOADABLE_STATUSES, error=f"status must be one of {', '.join(LOADABLE_STATUSES)}")),
            "source": pa.Column(str, pa.Check.str_length(min_value=1, error="empty: every figure needs a source")),
            "quote_start": pa.Column(str, pa.Check(empty_or_int, error="not a character offset (a whole number)")),
            "quote_end": pa.Column(str, pa.Check(empty_or_int, error="not a character offset (a whole number)")),
            **{c: text for c in ("unit", "region", "product", "application", "company", "country", "tier",
                                 "scenario", "quote", "value_text", "location", "basis", "note")},
        },
        strict=False,
        coerce=False,
    )


def normalise_rows(
    rows: pd.DataFrame,
    *,
    file: str,
    catalog: Catalog,
    fx: FxTable,
    sources: Mapping[str, SourceInfo],
) -> pd.DataFrame:
    """Validate text rows (long layout) and return them as store-ready observations.

    Raises InputError for a file-level problem (missing or unknown columns) and ValidationError with
    every failing row otherwise.
    """
    columns = [c for c in rows.columns if c != ROW_COLUMN]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing required column(s): {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(unknown)} (known: {', '.join(REQUIRED + OPTIONAL)})")
        raise InputError("; ".join(parts) + " — see docs/data-format.md", file=file)
    df = rows.copy()
    for c in OPTIONAL:
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].fillna("").astype(str)
    if len(df) == 0:
        raise InputError("the file has a header but no rows", file=file)
    row_no = df[ROW_COLUMN]

    failures: list[RowFailure] = []
    bad = pd.Series(False, index=df.index)

    def fail(mask: pd.Series, field: str, reason: str, value: pd.Series | None = None) -> None:
        nonlocal bad
        idx = mask[mask].index
        vals = df.loc[idx, field] if value is None else value.loc[idx]
        for i in idx:
            failures.append(RowFailure(file, int(row_no[i]), field, str(vals[i]), reason))
        bad = bad | mask

    try:
        _field_schema(catalog).validate(df, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
        fc = fc[fc["index"].notna()]
        for rec in fc.itertuples(index=False):
            i = int(rec.index)
            reason = str(rec.check)
            failures.append(RowFailure(file, int(row_no[i]), rec.column, str(rec.failure_case), reason))
            bad.loc[i] = True

    # ---- normalised text -------------------------------------------------------------------------
    def norm(col: str) -> pd.Series:
        return _per_distinct(df[col], normalise_many)

    out = pd.DataFrame(index=df.index)
    for col in _TEXT_COLUMNS:
        out[col] = norm(col)
    out["region"] = out["region"].mask(out["region"] == "", DEFAULT_REGION)
    out["indicator"] = df["indicator"]
    out["period"] = df["period"]
    out["status"] = df["status"]
    out["source_id"] = df["source"]
    out["qualifier"] = df["qualifier"].mask(df["qualifier"] == "", "exact")

    # ---- periods -------------------------------------------------------------------------------
    def periods(texts: list[str]) -> list[tuple]:
        parsed = []
        for p in texts:
            try:
                q = parse_period(p)
                parsed.append((q.start, q.end, q.year))
            except ValueError:
                parsed.append((None, None, 0))
        return parsed

    per = _per_distinct(df["period"], periods)  # (start, end, year) per row, parsed once per period
    out["period_start"] = per.str[0]
    out["period_end"] = per.str[1]
    year = per.str[2].astype(int)

    # ---- units, values, FX -----------------------------------------------------------------------
    value = _numeric(df["value"])
    value_high = _numeric(df["value_high"])  # NaN where empty
    known = df["indicator"].isin(catalog.codes())
    factor = pd.Series(np.nan, index=df.index)
    canon = pd.Series("", index=df.index, dtype=object)
    fx_note = pd.Series("", index=df.index, dtype=object)
    unit_bad = pd.Series(False, index=df.index)
    unit_reason: dict[int, str] = {}
    sub = df.loc[known]
    # one parse per distinct (unit, indicator); rows are addressed through groupby indices, not masks
    for (unit_text, code), pos in sub.groupby(["unit", "indicator"], sort=False).indices.items():
        idx = sub.index[pos]
        try:
            u = parse_unit(unit_text, catalog[code].unit_kind)
        except UnitError as exc:
            unit_bad.loc[idx] = True
            unit_reason.update(dict.fromkeys(idx, str(exc)))
            continue
        canon.loc[idx] = u.canonical
        if not u.needs_fx:
            factor.loc[idx] = u.factor
            continue
        years = year.loc[idx].to_numpy()
        for y in np.unique(years):
            yidx = idx[years == y]
            try:
                rate, note = fx.rate(u.currency, int(y))
            except UnitError as exc:
                unit_bad.loc[yidx] = True
                unit_reason.update(dict.fromkeys(yidx, str(exc)))
                continue
            factor.loc[yidx] = u.factor * rate.cny_per_unit
            fx_note.loc[yidx] = note or f"{u.currency}→CNY at {rate.cny_per_unit} ({rate.year}, source {rate.source_id})"
    for i in unit_bad[unit_bad].index:
        failures.append(RowFailure(file, int(row_no[i]), "unit", df.at[i, "unit"], unit_reason[i]))
    bad |= unit_bad

    out["value"] = _scale(value, df["value"], factor)
    out["value_high"] = _scale(value_high, df["value_high"], factor)
    out["unit"] = canon
    out["value_as_printed"] = df["value"]
    out["value_high_as_printed"] = df["value_high"].replace("", None)
    out["unit_as_printed"] = df["unit"]
    out["note"] = out["note"].where(fx_note == "", (out["note"] + "; " + fx_note).str.lstrip("; "))

    # ---- ranges and bounds -----------------------------------------------------------------------
    is_range = out["qualifier"] == "range"
    fail(is_range & df["value_high"].eq("") & ~bad, "value_high", "a range needs value_high (the upper end)")
    fail(~is_range & df["value_high"].ne("") & ~bad, "value_high",
         "value_high is only for qualifier 'range'; set qualifier to range or leave value_high empty")
    fail(is_range & (value_high < value) & ~bad, "value_high", "the upper end of the range is below value")
    checkable = known & ~bad & out["value"].notna()
    chk = df.loc[checkable]
    for code, pos in chk.groupby("indicator", sort=False).indices.items():
        ind = catalog[code]
        if ind.lower is None and ind.upper is None:
            continue
        idx = chk.index[pos]
        for col, printed in (("value", df["value"]), ("value_high", df["value_high"])):
            v = out.loc[idx, col]
            outside = (v < ind.lower if ind.lower is not None else False) | (v > ind.upper if ind.upper is not None else False)
            if outside.any():
                mask = pd.Series(False, index=df.index)
                mask.loc[idx[outside.to_numpy()]] = True
                fail(mask, col, f"outside the bounds of {code}: {ind.bounds_text()} {canonical_unit(ind.unit_kind)}", printed)

    # ---- sources and quotes ----------------------------------------------------------------------
    fail(~df["source"].isin(list(sources)) & (df["source"] != ""), "source",
         "unknown source: add it to the sources file loaded with the data")
    has_start = df["quote_start"] != ""
    start = pd.to_numeric(df["quote_start"].where(has_start), errors="coerce")
    end = pd.to_numeric(df["quote_end"].where(df["quote_end"] != ""), errors="coerce")
    qlen = df["quote"].str.len()
    fail(has_start & (df["quote"] == ""), "quote_start", "offsets given without a quote")
    fail(has_start & end.notna() & (end != start + qlen) & (df["quote"] != ""), "quote_end",
         "quote_end must be quote_start + the quote's length")
    for sid in df.loc[has_start & (df["quote"] != ""), "source"].unique():
        info = sources.get(sid)
        if info is None or info.document_text is None:
            continue
        doc = info.document_text
        m = has_start & (df["source"] == sid) & (df["quote"] != "")
        wrong = pd.Series(False, index=df.index)
        for i in m[m].index:
            s = int(start[i])
            wrong[i] = doc[s : s + len(df.at[i, "quote"])] != df.at[i, "quote"]
        fail(wrong, "quote_start", f"the quote is not at this offset of {sid}'s document")
    printed = df["value_text"].where(df["value_text"] != "", df["value"])
    has_quote = df["quote"] != ""
    not_in = has_quote & ~pd.Series([p in q for p, q in zip(printed, df["quote"], strict=True)], index=df.index)
    fail(not_in, "quote", "the quote does not contain the value as printed (set value_text to the printed form)",
         printed)

    # ---- a figure stated twice in one file --------------------------------------------------------
    key = out.assign(source_id=df["source"])[list(KEY_COLUMNS)].fillna("")
    dup = key.duplicated(keep=False) & ~bad
    if dup.any():
        for _, group in key[dup].groupby(list(KEY_COLUMNS), dropna=False):
            first = int(row_no[group.index[0]])
            for i in group.index[1:]:
                failures.append(RowFailure(file, int(row_no[i]), "location", df.at[i, "location"],
                                           f"repeats the figure of row {first} (same source, indicator, dimensions, "
                                           "period and location); give each passage its own location"))

    if failures:
        failures.sort(key=lambda f: (f.row or 0, f.field or ""))
        raise ValidationError(failures, file=file)

    out["quote"] = df["quote"].replace("", None)
    out["quote_normalised"] = _per_distinct(df["quote"], normalise_many).replace("", None)
    out["quote_start"] = start.astype("Int64")
    out["quote_end"] = (start + qlen).where(has_start).astype("Int64")
    for col in (*DIMENSIONS, "location", "basis", "note"):
        out[col] = out[col].replace("", None)
    out["formula"] = None
    out["input_ids"] = None
    out["withdrawn"] = False
    return out.reset_index(drop=True)
