"""normalise_rows as it was at 78ca612 (before it worked per distinct value), frozen as the oracle of
test_validate_equivalence.py: the new implementation must give the same frame and the same failures. Not
maintained: do not change it."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sectorscope.errors import InputError, Reason, RowFailure, UnitError, ValidationError
from sectorscope.ingest.columns import OPTIONAL, REQUIRED, ROW_COLUMN
from sectorscope.ingest.printed_numbers import number_or_nan, quote_states, same_number
from sectorscope.model import (
    DEFAULT_REGION,
    DIMENSIONS,
    KEY_COLUMNS,
    LOADABLE_STATUSES,
    PERIOD_PATTERN,
    QUALIFIERS,
    STATED,
    Catalog,
    FxTable,
    canonical_unit,
    normalise_many,
    parse_number,
    parse_period,
    parse_unit,
)

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = ["OPTIONAL", "REQUIRED", "SourceInfo", "normalise_rows", "repeats_across_files"]  # REQUIRED, OPTIONAL: columns.py

# [0-9], not \d: \d also matches full-width and other scripts' digits, which pandas' to_numeric cannot read
# (they go through parse_number, which normalises them).
_ARABIC = r"[+\-−]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
# Chinese numeral characters: a value printed as 三 is not in 三十 (30) or 十三 (13). 万 and 亿 are left out
# of the neighbours a numeral may not have, since they are the unit's scale in 三万台.
_REPEAT_WHAT = "same source, indicator, dimensions, period and location"
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
    import pandera.pandas as pa  # pandera takes ~0.3 s to import: only loading a file pays for it

    def number(s: pd.Series) -> pd.Series:
        return _numeric(s).notna()

    def empty_or_number(s: pd.Series) -> pd.Series:
        return (s == "") | _numeric(s).notna()

    def empty_or_int(s: pd.Series) -> pd.Series:
        return (s == "") | s.str.fullmatch(r"[0-9]+")

    def period_ok(s: pd.Series) -> pd.Series:  # the form; the years and a span's order: _periods
        return s.str.fullmatch(PERIOD_PATTERN)

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


class _Failures:
    """Every failure of every row of one file, and which rows have one (later checks skip those rows)."""

    def __init__(self, df: pd.DataFrame, file: str) -> None:
        self.df = df
        self.file = file
        self.row_no = df[ROW_COLUMN]
        self.items: list[RowFailure] = []
        self.bad = pd.Series(False, index=df.index)

    def row(self, i: object, field: str, value: str, reason: str) -> None:
        """One failure of the row at index `i` (the caller marks the row bad if later checks must skip it)."""
        self.items.append(RowFailure(self.file, int(self.row_no[i]), field, value, reason))

    def add(self, mask: pd.Series, field: str, reason: str, value: pd.Series | None = None) -> None:
        """A failure for every row in `mask`, quoting `value` (default: the row's `field`)."""
        idx = mask[mask].index
        vals = self.df.loc[idx, field] if value is None else value.loc[idx]
        for i in idx:
            self.row(i, field, str(vals[i]), reason)
        self.bad = self.bad | mask


def _with_columns(rows: pd.DataFrame, file: str) -> pd.DataFrame:
    """The rows with every optional column present (as text); InputError for missing or unknown columns
    or a file without rows."""
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
    return df


def _nfkc(s: pd.Series) -> pd.Series:
    """Text in its NFKC form (full-width digits and letters as ASCII), once per distinct value."""
    return _per_distinct(s, lambda xs: [unicodedata.normalize("NFKC", x).strip() for x in xs])


def _ascii_forms(df: pd.DataFrame) -> pd.DataFrame:
    """Period and quote offsets in their ASCII form, so `２０２５` is the key `2025` (a wide file's headers are
    its period cells by now) and a quote_start of `１２` is the offset 12, as parse_number reads `１２` as 12."""
    df = df.copy()
    for col in ("period", "quote_start", "quote_end"):
        df[col] = _nfkc(df[col])
    return df


def _check_fields(df: pd.DataFrame, catalog: Catalog, failures: _Failures) -> None:
    """Each field on its own (the pandera schema): every failing cell, each row marked bad."""
    from pandera.errors import SchemaErrors

    try:
        _field_schema(catalog).validate(df, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
        fc = fc[fc["index"].notna()]
        for rec in fc.itertuples(index=False):
            i = int(rec.index)
            failures.row(i, rec.column, str(rec.failure_case), str(rec.check))
            failures.bad.loc[i] = True


def _texts(df: pd.DataFrame) -> pd.DataFrame:
    """The output frame's text columns: dimensions and notes normalised (once per distinct value), the
    default region filled in, codes copied as given."""
    out = pd.DataFrame(index=df.index)
    for col in _TEXT_COLUMNS:
        out[col] = _per_distinct(df[col], normalise_many)
    out["region"] = out["region"].mask(out["region"] == "", DEFAULT_REGION)
    out["indicator"] = df["indicator"]
    out["period"] = df["period"]
    out["status"] = df["status"]
    out["source_id"] = df["source"]
    out["qualifier"] = df["qualifier"].mask(df["qualifier"] == "", "exact")
    return out


def _periods(df: pd.DataFrame, out: pd.DataFrame, failures: _Failures) -> pd.Series:
    """Period start and end into `out`, parsed once per distinct period; returns each row's year (0 where
    the period did not parse). A period of the right form that does not parse (a year outside 1900–2200, a
    span that ends before it starts) fails its row with parse_period's reason."""
    reasons: dict[str, str] = {}

    def parse(texts: list[str]) -> list[tuple[date | None, date | None, int]]:
        parsed: list[tuple[date | None, date | None, int]] = []
        for p in texts:
            try:
                q = parse_period(p)
                parsed.append((q.start, q.end, q.year))
            except ValueError as exc:
                reasons[p] = str(exc)
                parsed.append((None, None, 0))
        return parsed

    per = _per_distinct(df["period"], parse)  # (start, end, year) per row
    out["period_start"] = per.str[0]
    out["period_end"] = per.str[1]
    unparsed = df["period"].isin(list(reasons)) & df["period"].str.fullmatch(PERIOD_PATTERN)
    for i in unparsed[unparsed].index:
        failures.row(i, "period", df.at[i, "period"], reasons[df.at[i, "period"]])
    failures.bad |= unparsed
    return per.str[2].astype(int)


def _check_actuals(df: pd.DataFrame, today: date, failures: _Failures) -> None:
    """An actual is for a period that has begun by the day of the load: an actual for 2027 loaded in 2026 is a
    forecast or a typo, while one for 2026-11, or the year 2026 so far, loaded on 2026-12-06 is fine."""
    starts: dict[str, date] = {}
    for p in pd.unique(df["period"]):
        try:
            starts[p] = parse_period(p).start
        except ValueError:  # failed its row already
            continue
    late = df["period"].map({p: s > today for p, s in starts.items()}).eq(True)
    mask = late & (df["status"] == "actual") & ~failures.bad
    for i in mask[mask].index:
        p = df.at[i, "period"]
        failures.row(i, "status", "actual",
                     f"an actual for period {p}, which starts {starts[p].isoformat()}, after the "
                     f"day of the load ({today.isoformat()}): set status to forecast, estimate or target, or "
                     "correct the period")
    failures.bad |= mask


def _unit_factors(df: pd.DataFrame, catalog: Catalog, fx: FxTable, year: pd.Series, failures: _Failures
                  ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(factor to the canonical unit, canonical unit, FX note) per row: one parse per distinct (unit,
    indicator), one FX lookup per currency and year. A unit that does not fit its indicator, or money
    without a rate, fails its row."""
    known = df["indicator"].isin(catalog.codes())
    factor = pd.Series(np.nan, index=df.index)
    canon = pd.Series("", index=df.index, dtype=object)
    fx_note = pd.Series("", index=df.index, dtype=object)
    unit_bad = pd.Series(False, index=df.index)
    unit_reason: dict[object, str] = {}
    sub = df.loc[known]
    # rows are addressed through groupby indices, not masks
    for (unit_text, code), pos in sub.groupby(["unit", "indicator"], sort=False).indices.items():
        idx = sub.index[pos]
        try:
            u = parse_unit(unit_text, catalog[code].unit_kind)
        except UnitError as exc:
            unit_bad.loc[idx] = True
            unit_reason.update(dict.fromkeys(idx, str(exc)))
            continue
        canon.loc[idx] = u.canonical
        if not u.needs_fx or u.currency is None:
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
        failures.row(i, "unit", df.at[i, "unit"], unit_reason[i])
    failures.bad |= unit_bad
    return factor, canon, fx_note


def _check_ranges(df: pd.DataFrame, value: pd.Series, value_high: pd.Series, out: pd.DataFrame,
                  failures: _Failures) -> None:
    """A range has an upper end above its value; only a range has one."""
    is_range = out["qualifier"] == "range"
    failures.add(is_range & df["value_high"].eq("") & ~failures.bad, "value_high",
                 "a range needs value_high (the upper end)")
    failures.add(~is_range & df["value_high"].ne("") & ~failures.bad, "value_high",
                 "value_high is only for qualifier 'range'; set qualifier to range or leave value_high empty")
    failures.add(is_range & (value_high < value) & ~failures.bad, "value_high",
                 "the upper end of the range is below value")


def _check_bounds(df: pd.DataFrame, out: pd.DataFrame, catalog: Catalog, failures: _Failures) -> None:
    """Stored values (and upper ends) within their indicator's bounds, in its canonical unit."""
    checkable = df["indicator"].isin(catalog.codes()) & ~failures.bad & out["value"].notna()
    chk = df.loc[checkable]
    for code, pos in chk.groupby("indicator", sort=False).indices.items():
        ind = catalog[code]
        if ind.lower is None and ind.upper is None:
            continue
        idx = chk.index[pos]
        for col, printed in (("value", df["value"]), ("value_high", df["value_high"])):
            v = out.loc[idx, col]
            outside = pd.Series(False, index=v.index)
            if ind.lower is not None:
                outside |= v < ind.lower
            if ind.upper is not None:
                outside |= v > ind.upper
            if outside.any():
                mask = pd.Series(False, index=df.index)
                mask.loc[idx[outside.to_numpy()]] = True
                failures.add(mask, col, f"outside the bounds of {code}: {ind.bounds_text()} {canonical_unit(ind.unit_kind)}",
                             printed)


def _recheck_with_neighbours(df: pd.DataFrame, printed: pd.Series, not_in: pd.Series) -> pd.Series:
    """`not_in` again for the rows it marks, each with the figures (as printed) of the other rows of the file
    quoting the same passage of the same source, and their periods and years, as neighbours: what a number may
    touch in a table row printed without separators. One grouping for all of them, so a file of many
    failures stays linear."""
    rows = not_in[not_in].index
    if not len(rows):
        return not_in
    sharing = df[df["quote"].isin(set(df.loc[rows, "quote"]))]
    groups = sharing.groupby(["source", "quote"], sort=False).indices
    out = not_in.copy()
    for i in rows:
        same = sharing.index[groups[(df.at[i, "source"], df.at[i, "quote"])]]
        texts = [*printed[same.drop(i)], *(p for p in df.loc[same, "period"]), *(p[:4] for p in df.loc[same, "period"])]
        neighbours = frozenset(t for t in (unicodedata.normalize("NFKC", x).strip() for x in texts) if t)
        out[i] = not quote_states(printed[i], df.at[i, "quote"], neighbours)
    return out


def _check_value_text(df: pd.DataFrame, value: pd.Series, failures: _Failures) -> None:
    """value_text, where given, is a number (parse_number, as a value is read) and the number in value."""
    given = (df["value_text"] != "") & value.notna() & ~failures.bad
    if not given.any():
        return
    parsed = _per_distinct(df.loc[given, "value_text"], lambda xs: [number_or_nan(x) for x in xs]).astype(float)
    failures.add(given & parsed.reindex(df.index).isna(), "value_text",
                 "not a number: value_text is the value as printed in the quote (5,000, 五千, 半)")
    both = given & parsed.reindex(df.index).notna()
    differs = pd.Series(False, index=df.index)
    for i in both[both].index:
        differs[i] = not same_number(parsed[i], value[i], df.at[i, "unit"])
    for i in differs[differs].index:
        failures.row(i, "value_text", df.at[i, "value_text"],
                     f"value_text is not the number in value ({df.at[i, 'value']}): it is the value as printed in "
                     "the quote, so it must be the same number (5,000 for 5000, 五千, 半 for 50 %); correct one of them")
    failures.bad |= differs


def _check_quotes(df: pd.DataFrame, sources: Mapping[str, SourceInfo], failures: _Failures) -> pd.Series:
    """Every source known; quote offsets consistent with the quote and, where the source's document is
    at hand, pointing at it; the quote stating the value as printed, as a whole number (5 is not in
    "51个品种"). Returns the quote starts."""
    failures.add(~df["source"].isin(list(sources)) & (df["source"] != ""), "source",
                 "unknown source: add it to the sources file loaded with the data")
    has_start = df["quote_start"] != ""
    start = pd.to_numeric(df["quote_start"].where(has_start), errors="coerce")
    end = pd.to_numeric(df["quote_end"].where(df["quote_end"] != ""), errors="coerce")
    qlen = df["quote"].str.len()
    failures.add(has_start & (df["quote"] == ""), "quote_start", "offsets given without a quote")
    failures.add(has_start & end.notna() & (end != start + qlen) & (df["quote"] != ""), "quote_end",
                 "quote_end must be quote_start + the quote's length")
    for sid in df.loc[has_start & (df["quote"] != ""), "source"].unique():
        info = sources.get(sid)
        if info is None or info.document_text is None:
            continue
        doc = info.document_text
        m = has_start & start.notna() & (df["source"] == sid) & (df["quote"] != "")
        wrong = pd.Series(False, index=df.index)
        for i in m[m].index:
            s = int(start[i])
            wrong[i] = doc[s : s + len(df.at[i, "quote"])] != df.at[i, "quote"]
        failures.add(wrong, "quote_start", f"the quote is not at this offset of {sid}'s document")
    printed = df["value_text"].where(df["value_text"] != "", df["value"])
    has_quote = df["quote"] != ""
    not_in = has_quote & ~pd.Series([quote_states(p, q) for p, q in zip(printed, df["quote"], strict=True)],
                                    index=df.index)
    not_in = _recheck_with_neighbours(df, printed, not_in)
    failures.add(not_in, "quote", "the quote does not contain the value as printed, as a whole number (5 is not "
                 "in 51 or 5.1); set value_text to the printed form", printed)
    return start


def _check_repeats(df: pd.DataFrame, out: pd.DataFrame, failures: _Failures) -> None:
    """A figure stated twice in one file (same source, indicator, dimensions, period and location)."""
    key = out.assign(source_id=df["source"])[list(KEY_COLUMNS)].fillna("")
    dup = key.duplicated(keep=False) & ~failures.bad
    if not dup.any():
        return
    for _, group in key[dup].groupby(list(KEY_COLUMNS), dropna=False):
        first = int(failures.row_no[group.index[0]])
        for i in group.index[1:]:
            failures.items.append(RowFailure(
                failures.file, int(failures.row_no[i]), "location", df.at[i, "location"],
                f"repeats the figure of row {first} ({_REPEAT_WHAT}); give each passage its own location",
                code=Reason.DUPLICATE))


def repeats_across_files(parts: Sequence[tuple[str, Sequence[int] | np.ndarray, pd.DataFrame]]) -> list[RowFailure]:
    """Every figure one file of a load states that an earlier file of the same load states too: each would be
    stored under one key in one vintage, and a query would show one of them. `parts` are (file, the row
    number of each row, its `normalise_rows` frame), in load order; a repeat names both files and rows.

    Within a file `normalise_rows` finds repeats itself, so a file here has none of its own. Keys are
    compared by a 64-bit hash first, so only the rows that may repeat are grouped on the key itself."""
    if len(parts) < 2:
        return []
    keys = list(KEY_COLUMNS)
    hashes = [pd.util.hash_pandas_object(frame[keys].fillna(""), index=False).to_numpy() for _, _, frame in parts]
    seen = np.concatenate(hashes)
    _, first, counts = np.unique(seen, return_index=True, return_counts=True)
    repeated = set(seen[first[counts > 1]].tolist())
    if not repeated:
        return []
    rows = []
    for n, (file, row_no, frame) in enumerate(parts):
        m = np.isin(hashes[n], list(repeated))
        if m.any():
            rows.append(frame.loc[m, keys].fillna("").assign(at_file=file, at_row=np.asarray(row_no)[m], part=n))
    cand = pd.concat(rows, ignore_index=True)
    out = []
    for _, group in cand.groupby(keys, sort=False):
        if group["part"].nunique() < 2:
            continue  # a hash collision, or two rows of one file (reported by that file's own check)
        head = group.iloc[0]
        for rec in group.iloc[1:].itertuples(index=False):
            out.append((rec.part, int(rec.at_row), RowFailure(
                str(rec.at_file), int(rec.at_row), "location", str(rec.location),
                f"repeats the figure of {head['at_file']} row {int(head['at_row'])} ({_REPEAT_WHAT}); one load states "
                "each figure once: drop one of them, or give each passage its own location", code=Reason.DUPLICATE)))
    return [f for _, _, f in sorted(out, key=lambda t: t[:2])]


def _finish(df: pd.DataFrame, out: pd.DataFrame, start: pd.Series) -> pd.DataFrame:
    """The store's columns: quotes and offsets, empty texts as nulls, no lineage (a stated figure)."""
    has_start = df["quote_start"] != ""
    out["quote"] = df["quote"].replace("", None)
    out["quote_normalised"] = _per_distinct(df["quote"], normalise_many).replace("", None)
    out["quote_start"] = start.astype("Int64")
    out["quote_end"] = (start + df["quote"].str.len()).where(has_start).astype("Int64")
    for col in (*DIMENSIONS, "location", "basis", "note"):
        out[col] = out[col].replace("", None)
    out["formula"] = None
    out["input_ids"] = None
    out["withdrawn"] = False
    out["kind"] = STATED
    return out.reset_index(drop=True)


def normalise_rows(
    rows: pd.DataFrame,
    *,
    file: str,
    catalog: Catalog,
    fx: FxTable,
    sources: Mapping[str, SourceInfo],
    today: date | None = None,
) -> pd.DataFrame:
    """Validate text rows (long layout) and return them as store-ready observations, one per row of `rows`
    and in their order (so a caller can pair them with the rows' numbers).

    `today`: the day of the load (default: the machine's date); an actual for a period that starts after it
    is refused. Raises InputError for a file-level problem (missing or unknown columns) and ValidationError
    with every failing row otherwise.
    """
    df = _ascii_forms(_with_columns(rows, file))
    failures = _Failures(df, file)
    _check_fields(df, catalog, failures)
    out = _texts(df)
    year = _periods(df, out, failures)
    _check_actuals(df, today or date.today(), failures)
    value = _numeric(df["value"])
    value_high = _numeric(df["value_high"])  # NaN where empty
    factor, canon, fx_note = _unit_factors(df, catalog, fx, year, failures)
    out["value"] = _scale(value, _nfkc(df["value"]), factor)  # its digits counted in ASCII: １２．５ has one decimal
    out["value_high"] = _scale(value_high, _nfkc(df["value_high"]), factor)
    out["unit"] = canon
    out["value_as_printed"] = df["value"]
    out["value_high_as_printed"] = df["value_high"].replace("", None)
    out["unit_as_printed"] = df["unit"]
    out["note"] = out["note"].where(fx_note == "", (out["note"] + "; " + fx_note).str.lstrip("; "))
    _check_ranges(df, value, value_high, out, failures)
    _check_bounds(df, out, catalog, failures)
    _check_value_text(df, value, failures)
    start = _check_quotes(df, sources, failures)
    _check_repeats(df, out, failures)
    if failures.items:
        failures.items.sort(key=lambda f: (f.row or 0, f.field or ""))
        raise ValidationError(failures.items, file=file)
    return _finish(df, out, start)
