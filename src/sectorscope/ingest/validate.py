"""Validation and normalisation of observation rows: pandera for each field, then the catalog for the
checks that need several fields (unit fits the indicator, value within the indicator's bounds, a range
that is a range, an actual for a period that has begun, a quote that is where its offsets say and states
the value, a figure stated twice in one file), and `repeats_across_files` for a figure stated in two files
of one load.

Every failure of every row is collected before anything is refused, so a user fixes a file in one pass.
Work is done per distinct value, not per row (`distinct.Coded`: each column as codes over its distinct
values), so a file of millions of rows stays vectorised: pandera checks each column's distinct values, units
and periods are parsed once each, each printed number is prepared once for the quote rule
(`printed_numbers.quotes_state`). Object and Arrow-backed string columns give the same frame.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import InputError, Reason, RowFailure, UnitError, ValidationError
from ..model import (
    DEFAULT_REGION,
    DIMENSIONS,
    KEY_COLUMNS,
    PERIOD_PATTERN,
    STATED,
    Catalog,
    FxTable,
    canonical_unit,
    normalise_many,
    parse_period,
    parse_unit,
)
from .columns import OPTIONAL, REQUIRED, ROW_COLUMN
from .distinct import Coded, combine_codes
from .field_schema import CHECKED, failing_cells, field_schema, is_text, numeric
from .printed_numbers import number_or_nan, quote_states, quotes_state, same_number

if TYPE_CHECKING:
    pass

__all__ = ["OPTIONAL", "REQUIRED", "SourceInfo", "normalise_rows", "repeats_across_files"]  # REQUIRED, OPTIONAL: columns.py

_REPEAT_WHAT = "same source, indicator, dimensions, period and location"
_TEXT_COLUMNS = (*DIMENSIONS, "location", "basis", "note")
_NOT_STATED = ("the quote does not contain the value as printed, as a whole number (5 is not in 51 or 5.1); set "
               "value_text to the printed form")


@dataclass(frozen=True)
class SourceInfo:
    """What validation needs to know of a source: that it exists, and its document text if any."""

    source_id: str
    document_text: str | None = None


def _numbers(col: Coded, memo: dict[str, float]) -> np.ndarray:
    """`field_schema.numeric` of each row, parsed once per distinct text (and kept in `memo`, text → number)."""
    per_value = numeric(pd.Series(col.uniques, dtype=object)).to_numpy(dtype=float)
    memo.update(zip(col.uniques.tolist(), per_value.tolist(), strict=True))
    return col.rows(per_value)


def _nfkc(xs: list[str]) -> list[str]:
    """Text in its NFKC form (full-width digits and letters as ASCII), trimmed."""
    return [unicodedata.normalize("NFKC", x).strip() for x in xs]


def _scale(value: np.ndarray, printed: Coded, factor: np.ndarray) -> np.ndarray:
    """value × factor, rounded to the digits the printed number (NFKC) carries when the factor is a power of ten,
    so 165.3 亿元 is stored as 16530000000.0 and not as 16530000000.000002."""
    out = value * factor
    if np.isnan(out).all():
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        exp = np.log10(np.where(factor > 0, factor, np.nan))
    power = np.abs(exp - np.round(exp)) < 1e-9
    decimals = printed.rows(np.array([len(t) - t.find(".") - 1 if "." in t else 0 for t in printed.uniques],
                                     dtype=float))
    digits = np.clip(decimals - np.round(exp), 0, None)
    ok = power & ~np.isnan(out)
    for d in pd.unique(digits[ok]):
        m = ok & (digits == d)
        out[m] = np.round(out[m], int(d))
    return out


class _Failures:
    """Every failure of every row of one file, and which rows have one (later checks skip those rows). Rows are
    addressed by position."""

    def __init__(self, row_no: np.ndarray, file: str) -> None:
        self.file = file
        self.row_no = row_no
        self.items: list[RowFailure] = []
        self.bad = np.zeros(len(row_no), dtype=bool)

    def row(self, i: int, field: str, value: str, reason: str) -> None:
        """One failure of the row at position `i` (the caller marks the row bad if later checks must skip it)."""
        self.items.append(RowFailure(self.file, int(self.row_no[i]), field, value, reason))

    def add(self, mask: np.ndarray, field: str, reason: str, value: Coded) -> None:
        """A failure for every row in `mask`, quoting the row's `value`."""
        for i in np.flatnonzero(mask):
            self.row(int(i), field, str(value.uniques[value.codes[i]]), reason)
        self.bad |= mask


def _given(rows: pd.DataFrame, file: str) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """Every column of the file, positionally indexed, optional ones filled with "" where empty (text), and the
    required columns that are not all text as given (for the schema to report cell by cell). InputError for
    missing or unknown columns or a file without rows."""
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
    if len(rows) == 0:
        raise InputError("the file has a header but no rows", file=file)
    index = pd.RangeIndex(len(rows))
    given: dict[str, pd.Series] = {}
    odd: dict[str, pd.Series] = {}
    for c in (*REQUIRED, *OPTIONAL):
        if c not in rows.columns:
            continue
        s = rows[c].set_axis(index)
        if not is_text(s):
            if c in REQUIRED:
                odd[c] = s
            s = s.fillna("").astype(str) if c in OPTIONAL else s.astype(str)
        given[c] = s
    return given, odd


def _check_fields(cols: dict[str, Coded], odd: dict[str, pd.Series], numbers: Mapping[str, float], catalog: Catalog,
                  failures: _Failures) -> None:
    """Each field on its own (the pandera schema): every failing cell, each row marked bad.

    The schema checks each column's distinct values (one frame, each column padded with repeats of its own
    values), declared as Arrow text: a check of a value is the same for every row holding it, and pandera then
    checks the type once per column instead of calling Python per cell. Columns without a check of their own
    are text by construction (`_given`). A required column that is not all text as given is checked cell by
    cell with the schema declared `str`, so its failures are the ones pandera reports for such cells."""
    if odd:
        for rec in failing_cells(field_schema(catalog).select_columns(list(odd)), pd.DataFrame(odd)).itertuples(index=False):
            failures.row(int(rec.index), rec.column, str(rec.failure_case), str(rec.check))
            failures.bad[int(rec.index)] = True
    names = [c for c in CHECKED if c not in odd]
    longest = max(len(cols[c].uniques) for c in names)
    frame = pd.DataFrame({c: pd.array(np.resize(cols[c].uniques, longest), dtype=pd.StringDtype("pyarrow"))
                          for c in names})
    def read(s: pd.Series) -> pd.Series:  # value and value_high: read once, in normalise_rows
        return pd.Series([numbers[x] for x in s.tolist()], index=s.index, dtype=float)

    fc = failing_cells(field_schema(catalog, pd.StringDtype("pyarrow"), read).select_columns(names), frame)
    for c in names:
        col = cols[c]
        per_value: dict[int, list[tuple[str, str]]] = {}
        for rec in fc[fc["column"] == c].itertuples(index=False):
            if int(rec.index) < len(col.uniques):
                per_value.setdefault(int(rec.index), []).append((str(rec.check), str(rec.failure_case)))
        if not per_value:
            continue
        hit = np.zeros(len(col.uniques), dtype=bool)
        hit[list(per_value)] = True
        for i in np.flatnonzero(col.rows(hit)):
            for check, case in per_value[int(col.codes[i])]:
                failures.row(int(i), c, case, check)
            failures.bad[i] = True


def _periods(period: Coded, failures: _Failures) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end) of each distinct period and the year of each row's, parsed once per distinct period (None, None, 0 where it did not
    parse). A period of the right form that does not parse (a year outside 1900–2200, a span that ends before
    it starts) fails its row with parse_period's reason."""
    n = len(period.uniques)
    starts, ends = np.empty(n, dtype=object), np.empty(n, dtype=object)
    years = np.zeros(n, dtype=int)
    reasons: dict[int, str] = {}
    for k, p in enumerate(period.uniques):
        try:
            q = parse_period(p)
            starts[k], ends[k], years[k] = q.start, q.end, q.year
        except ValueError as exc:
            if re.fullmatch(PERIOD_PATTERN, p):
                reasons[k] = str(exc)
    if reasons:
        unparsed = np.zeros(n, dtype=bool)
        unparsed[list(reasons)] = True
        mask = period.rows(unparsed)
        for i in np.flatnonzero(mask):
            failures.row(int(i), "period", period.uniques[period.codes[i]], reasons[int(period.codes[i])])
        failures.bad |= mask
    return starts, ends, period.rows(years)


def _check_actuals(period: Coded, status: Coded, today: date, failures: _Failures) -> None:
    """An actual is for a period that has begun by the day of the load: an actual for 2027 loaded in 2026 is a
    forecast or a typo, while one for 2026-11, or the year 2026 so far, loaded on 2026-12-06 is fine."""
    starts: dict[int, date] = {}
    for k, p in enumerate(period.uniques):
        try:
            starts[k] = parse_period(p).start
        except ValueError:  # failed its row already
            continue
    late = np.zeros(len(period.uniques), dtype=bool)
    late[[k for k, s in starts.items() if s > today]] = True
    mask = period.rows(late) & status.is_("actual") & ~failures.bad
    for i in np.flatnonzero(mask):
        k = int(period.codes[i])
        failures.row(int(i), "status", "actual",
                     f"an actual for period {period.uniques[k]}, which starts {starts[k].isoformat()}, after the "
                     f"day of the load ({today.isoformat()}): set status to forecast, estimate or target, or "
                     "correct the period")
    failures.bad |= mask


def _groups(keys: np.ndarray, among: np.ndarray) -> list[np.ndarray]:
    """The positions in `among` grouped by their key, each group in position order."""
    if not len(among):
        return []
    ids, _ = pd.factorize(keys[among])
    order = np.argsort(ids, kind="stable")
    return np.split(among[order], np.flatnonzero(np.diff(ids[order])) + 1)


def _unit_factors(cols: dict[str, Coded], catalog: Catalog, fx: FxTable, year: np.ndarray, failures: _Failures
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(factor to the canonical unit, canonical unit, FX note) per row: one parse per distinct (unit,
    indicator), one FX lookup per currency and year. A unit that does not fit its indicator, or money
    without a rate, fails its row."""
    unit, indicator = cols["unit"], cols["indicator"]
    n = len(unit)
    factor = np.full(n, np.nan)
    canon = np.full(n, "", dtype=object)
    fx_note = np.full(n, "", dtype=object)
    unit_reason = np.full(n, None, dtype=object)
    pairs = combine_codes(unit.codes, indicator.codes)
    for idx in _groups(pairs, np.flatnonzero(indicator.isin(catalog.codes()))):
        unit_text, code = unit.uniques[unit.codes[idx[0]]], indicator.uniques[indicator.codes[idx[0]]]
        try:
            u = parse_unit(unit_text, catalog[code].unit_kind)
        except UnitError as exc:
            unit_reason[idx] = str(exc)
            continue
        canon[idx] = u.canonical
        if not u.needs_fx or u.currency is None:
            factor[idx] = u.factor
            continue
        years = year[idx]
        for y in np.unique(years):
            yidx = idx[years == y]
            try:
                rate, note = fx.rate(u.currency, int(y))
            except UnitError as exc:
                unit_reason[yidx] = str(exc)
                continue
            factor[yidx] = u.factor * rate.cny_per_unit
            fx_note[yidx] = note or f"{u.currency}→CNY at {rate.cny_per_unit} ({rate.year}, source {rate.source_id})"
    unit_bad = pd.notna(unit_reason)
    for i in np.flatnonzero(unit_bad):
        failures.row(int(i), "unit", unit.uniques[unit.codes[i]], unit_reason[i])
    failures.bad |= unit_bad
    return factor, canon, fx_note


def _with_fx_notes(note: Coded, fx_note: np.ndarray) -> tuple[Coded, np.ndarray] | np.ndarray:
    """Each row's note, with the FX conversion's note appended where there is one (once per distinct pair);
    the notes as they are (codes and distinct values) when no row was converted."""
    has = np.flatnonzero(fx_note != "")
    if not len(has):
        return note, note.uniques
    out = note.objects()
    if len(has):
        for idx in _groups(combine_codes(note.codes, pd.factorize(fx_note)[0]), has):
            out[idx] = (str(out[idx[0]]) + "; " + str(fx_note[idx[0]])).lstrip("; ")
    return out


def _check_ranges(cols: dict[str, Coded], value: np.ndarray, value_high: np.ndarray, failures: _Failures) -> None:
    """A range has an upper end above its value; only a range has one."""
    is_range = cols["qualifier"].is_("range")
    vh = cols["value_high"]
    empty = vh.is_("")
    failures.add(is_range & empty & ~failures.bad, "value_high", "a range needs value_high (the upper end)", vh)
    failures.add(~is_range & ~empty & ~failures.bad, "value_high",
                 "value_high is only for qualifier 'range'; set qualifier to range or leave value_high empty", vh)
    failures.add(is_range & (value_high < value) & ~failures.bad, "value_high",
                 "the upper end of the range is below value", vh)


def _check_bounds(cols: dict[str, Coded], stored: dict[str, np.ndarray], catalog: Catalog, failures: _Failures) -> None:
    """Stored values (and upper ends) within their indicator's bounds, in its canonical unit."""
    indicator = cols["indicator"]
    n = len(indicator.uniques)
    lower, upper = np.full(n, np.nan), np.full(n, np.nan)
    reason = np.full(n, "", dtype=object)
    for k, code in enumerate(indicator.uniques):
        if code in catalog.codes():
            ind = catalog[code]
            lower[k] = np.nan if ind.lower is None else ind.lower
            upper[k] = np.nan if ind.upper is None else ind.upper
            reason[k] = f"outside the bounds of {code}: {ind.bounds_text()} {canonical_unit(ind.unit_kind)}"
    if np.isnan(lower).all() and np.isnan(upper).all():
        return
    checkable = ~failures.bad & ~np.isnan(stored["value"])
    lo, hi = indicator.rows(lower), indicator.rows(upper)
    for col in ("value", "value_high"):
        v = stored[col]
        outside = checkable & ((v < lo) | (v > hi))
        for i in np.flatnonzero(outside):
            failures.row(int(i), col, str(cols[col].uniques[cols[col].codes[i]]), reason[indicator.codes[i]])
        failures.bad |= outside


def _check_value_text(cols: dict[str, Coded], value: np.ndarray, failures: _Failures) -> None:
    """value_text, where given, is a number (parse_number, as a value is read) and the number in value."""
    vt = cols["value_text"]
    given = ~vt.is_("") & ~np.isnan(value) & ~failures.bad
    if not given.any():
        return
    per_text = np.full(len(vt.uniques), np.nan)
    for k in np.unique(vt.codes[given]):
        per_text[k] = number_or_nan(vt.uniques[k])
    parsed = np.where(given, vt.rows(per_text), np.nan)
    failures.add(given & np.isnan(parsed), "value_text",
                 "not a number: value_text is the value as printed in the quote (5,000, 五千, 半)", vt)
    both = np.flatnonzero(given & ~np.isnan(parsed))
    differs = np.zeros(len(vt), dtype=bool)
    unit = cols["unit"]
    for idx in _groups(combine_codes(vt.codes, pd.factorize(value)[0], unit.codes), both):
        i = idx[0]
        differs[idx] = not same_number(parsed[i], value[i], unit.uniques[unit.codes[i]])
    v = cols["value"]
    for i in np.flatnonzero(differs):
        failures.row(int(i), "value_text", vt.uniques[vt.codes[i]],
                     f"value_text is not the number in value ({v.uniques[v.codes[i]]}): it is the value as printed in "
                     "the quote, so it must be the same number (5,000 for 5000, 五千, 半 for 50 %); correct one of them")
    failures.bad |= differs


def _offsets(col: Coded) -> np.ndarray:
    """A quote offset per row as pandas reads it (`to_numeric`, NaN where empty or not a number)."""
    texts = pd.Series([np.nan if u == "" else u for u in col.uniques], dtype=object)
    return col.rows(pd.to_numeric(texts, errors="coerce").to_numpy())


def _check_offsets(cols: dict[str, Coded], sources: Mapping[str, SourceInfo], failures: _Failures
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Quote offsets consistent with the quote and, where the source's document is at hand, pointing at it.
    Returns each row's quote start and the quote's length."""
    quote, source, qs = cols["quote"], cols["source"], cols["quote_start"]
    has_start = ~qs.is_("")
    has_quote = ~quote.is_("")
    start = _offsets(qs)
    end = _offsets(cols["quote_end"]).astype(float)
    qlen = np.zeros(len(quote), dtype=np.int64)  # needed where an offset is given
    at = np.flatnonzero(has_start)
    qlen[at] = [len(q) for q in quote.uniques[quote.codes[at]]]
    failures.add(has_start & ~has_quote, "quote_start", "offsets given without a quote", qs)
    failures.add(has_start & ~np.isnan(end) & (end != start.astype(float) + qlen) & has_quote, "quote_end",
                 "quote_end must be quote_start + the quote's length", cols["quote_end"])
    with_offsets = np.flatnonzero(has_start & has_quote)
    for sid in pd.unique(source.uniques[source.codes[with_offsets]]):
        info = sources.get(sid)
        if info is None or info.document_text is None:
            continue
        doc = info.document_text
        wrong = np.zeros(len(quote), dtype=bool)
        for i in np.flatnonzero(has_start & ~np.isnan(start.astype(float)) & source.is_(sid) & has_quote):
            s, q = int(start[i]), quote.uniques[quote.codes[i]]
            wrong[i] = doc[s : s + len(q)] != q
        failures.add(wrong, "quote_start", f"the quote is not at this offset of {sid}'s document", qs)
    return start, qlen


def _printed(cols: dict[str, Coded]) -> Coded:
    """Each row's value as printed: value_text where given, else value."""
    vt, v = cols["value_text"], cols["value"]
    codes = np.where(vt.rows(vt.uniques != ""), vt.codes, len(vt.uniques) + v.codes)
    return Coded(codes, np.concatenate([vt.uniques, v.uniques]))


def _recheck_with_neighbours(cols: dict[str, Coded], printed: Coded, not_in: np.ndarray) -> np.ndarray:
    """`not_in` again for the rows it marks, each with the figures (as printed) of the other rows of the file
    quoting the same passage of the same source, and their periods and years, as neighbours: what a number may
    touch in a table row printed without separators. One grouping for all of them, so a file of many
    failures stays linear."""
    rows = np.flatnonzero(not_in)
    if not len(rows):
        return not_in
    quote, source, period = cols["quote"], cols["source"], cols["period"]
    sharing = np.flatnonzero(np.isin(quote.codes, np.unique(quote.codes[rows])))
    key = combine_codes(source.codes, quote.codes)
    groups = {int(key[g[0]]): g for g in _groups(key, sharing)}
    out = not_in.copy()
    for i in rows:
        same = groups[int(key[i])]
        periods = [period.uniques[period.codes[j]] for j in same]
        texts = [*(printed.uniques[printed.codes[j]] for j in same if j != i), *periods, *(p[:4] for p in periods)]
        neighbours = frozenset(t for t in _nfkc(texts) if t)
        out[i] = not quote_states(printed.uniques[printed.codes[i]], quote.uniques[quote.codes[i]], neighbours)
    return out


def _check_quotes(cols: dict[str, Coded], failures: _Failures) -> None:
    """The quote stating the value as printed, as a whole number (5 is not in "51个品种"), each printed number
    prepared once (`quotes_state`); the rows that fail are asked again with their neighbours."""
    printed, quote = _printed(cols), cols["quote"]
    rows = np.flatnonzero(~quote.is_(""))
    not_in = np.zeros(len(quote), dtype=bool)
    if len(rows):
        states = quotes_state(list(printed.uniques), printed.codes[rows].tolist(),
                              quote.uniques[quote.codes[rows]].tolist())
        not_in[rows] = ~np.array(states, dtype=bool)
    not_in = _recheck_with_neighbours(cols, printed, not_in)
    failures.add(not_in, "quote", _NOT_STATED, printed)


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


def _check_sources(source: Coded, sources: Mapping[str, SourceInfo], failures: _Failures) -> None:
    """Every source known (in the sources file loaded with the data)."""
    failures.add(~source.isin(list(sources)) & ~source.is_(""), "source",
                 "unknown source: add it to the sources file loaded with the data", source)


def _check_repeats(cols: dict[str, Coded], key_cols: dict[str, Coded], failures: _Failures) -> None:
    """A figure stated twice in one file (same source, indicator, dimensions, period and location): duplicates
    found on the key's codes, then only the repeated rows grouped on the key itself."""
    key = combine_codes(*(key_cols[c].codes for c in KEY_COLUMNS))
    dup = pd.Series(key).duplicated(keep=False).to_numpy() & ~failures.bad
    if not dup.any():
        return
    at = np.flatnonzero(dup)
    frame = pd.DataFrame({c: key_cols[c].uniques[key_cols[c].codes[at]] for c in KEY_COLUMNS}, index=at)
    location = cols["location"]
    for _, group in frame.groupby(list(KEY_COLUMNS), dropna=False):
        first = int(failures.row_no[group.index[0]])
        for i in group.index[1:]:
            failures.items.append(RowFailure(
                failures.file, int(failures.row_no[i]), "location", location.uniques[location.codes[i]],
                f"repeats the figure of row {first} ({_REPEAT_WHAT}); give each passage its own location",
                code=Reason.DUPLICATE))


def _nulls(texts: np.ndarray) -> np.ndarray:
    """The texts (objects) with None where one is empty."""
    out = texts.copy()
    out[texts == ""] = None
    return out


def _none_for_empty(col: Coded) -> tuple[Coded, np.ndarray]:
    """The column with None where it is empty, as codes and a value per distinct value (`_column` makes it)."""
    return col, _nulls(col.uniques)


_Spec: TypeAlias = "Coded | tuple[Coded, np.ndarray] | np.ndarray | pd.Series"


def _column(spec: _Spec, arrow: bool) -> Any:
    """One output column: a (codes, value per distinct value) pair spread over the rows, or an array as given.
    `arrow`: text and dates as Arrow arrays, a pair by Arrow's `take` on its distinct values, so a million
    rows are never a million Python objects (the store reads Arrow without a copy)."""
    if isinstance(spec, Coded):
        spec = (spec, spec.uniques)
    if not isinstance(spec, tuple):
        if arrow and isinstance(spec, np.ndarray) and spec.dtype == object:
            return pd.arrays.ArrowExtensionArray(_arrow(spec))
        return spec
    col, per_unique = spec
    if not arrow:
        return col.rows(per_unique)
    return pd.arrays.ArrowExtensionArray(_arrow(per_unique).take(pa.array(col.codes)))


def _arrow(values: np.ndarray) -> pa.Array:
    """Python values as an Arrow array: text (null where None) unless they are dates; a column of nothing but
    None is text too (its type would otherwise be Arrow's null type, which no text operation takes)."""
    out = pa.array(values, from_pandas=True)
    return out.cast(pa.string()) if pa.types.is_null(out.type) else out


def _frame(out: dict[str, _Spec], texts: dict[str, Coded], quote: Coded, start: np.ndarray, qlen: np.ndarray,
           has_start: np.ndarray, arrow: bool) -> pd.DataFrame:
    """The store's columns: quotes and offsets, empty texts as nulls, no lineage (a stated figure)."""
    for col in _TEXT_COLUMNS:
        note = out["note"]
        out[col] = _none_for_empty(texts[col]) if col != "note" else \
            (note[0], _nulls(note[1])) if isinstance(note, tuple) else _nulls(np.asarray(note))
    out["quote"] = _none_for_empty(quote)
    normalised = np.empty(len(quote.uniques), dtype=object)
    normalised[:] = normalise_many(quote.uniques.tolist())
    out["quote_normalised"] = (quote, _nulls(normalised))
    starts = pd.Series(start)
    out["quote_start"] = starts.astype("Int64")
    out["quote_end"] = (starts + qlen).where(has_start).astype("Int64")
    n = len(start)
    nothing = Coded(np.zeros(n, dtype=np.intp), np.array([None], dtype=object))
    out["formula"] = nothing
    out["input_ids"] = nothing
    out["withdrawn"] = np.zeros(n, dtype=bool)
    out["kind"] = (nothing, np.array([STATED], dtype=object))
    index = pd.RangeIndex(n)
    columns = {k: _column(v, arrow) for k, v in out.items()}
    # a block per column and no copy (concat of columns): DataFrame(dict) copies every text column into one
    # 2-D block, column assignment copies each column; either costs more than everything above it
    return pd.concat([v if isinstance(v, pd.Series) else pd.Series(v, index=index, dtype=v.dtype, copy=False)
                      for v in columns.values()], axis=1, keys=list(columns), copy=False)


def normalise_rows(
    rows: pd.DataFrame,
    *,
    file: str,
    catalog: Catalog,
    fx: FxTable,
    sources: Mapping[str, SourceInfo],
    today: date | None = None,
    strings: Literal["object", "arrow"] = "object",
) -> pd.DataFrame:
    """Validate text rows (long layout) and return them as store-ready observations, one per row of `rows`
    and in their order (so a caller can pair them with the rows' numbers).

    `today`: the day of the load (default: the machine's date); an actual for a period that starts after it
    is refused. Raises InputError for a file-level problem (missing or unknown columns) and ValidationError
    with every failing row otherwise. Text columns may be object or Arrow-backed strings: the result is the same.
    `strings`: the result's text and date columns as Python objects (None where empty), or as Arrow arrays
    (null where empty), which a load hands to the store without converting a million objects.
    """
    given, odd = _given(rows, file)
    cols = {c: Coded.of(given[c]) if c in given else Coded.empty(len(rows)) for c in (*REQUIRED, *OPTIONAL)}
    for c in ("period", "quote_start", "quote_end"):  # `２０２５` is the period 2025, `１２` the offset 12
        cols[c] = cols[c].map(_nfkc)
    failures = _Failures(rows[ROW_COLUMN].to_numpy(), file)
    numbers: dict[str, float] = {}
    value, value_high = _numbers(cols["value"], numbers), _numbers(cols["value_high"], numbers)  # NaN where empty
    _check_fields(cols, odd, numbers, catalog, failures)
    texts = {c: cols[c].map(normalise_many) for c in _TEXT_COLUMNS}  # dimensions and notes, normalised
    texts["region"] = texts["region"].map(lambda xs: [x if x != "" else DEFAULT_REGION for x in xs])
    period_start, period_end, year = _periods(cols["period"], failures)
    _check_actuals(cols["period"], cols["status"], today or date.today(), failures)
    factor, canon, fx_note = _unit_factors(cols, catalog, fx, year, failures)
    out: dict[str, Any] = {c: texts[c] for c in _TEXT_COLUMNS}
    out |= {"indicator": cols["indicator"], "period": cols["period"],
            "status": cols["status"], "source_id": cols["source"],
            "qualifier": cols["qualifier"].map(lambda xs: [x if x != "" else "exact" for x in xs]),
            "period_start": (cols["period"], period_start), "period_end": (cols["period"], period_end),
            # digits counted in ASCII: １２．５ has one decimal
            "value": _scale(value, cols["value"].map(_nfkc), factor),
            "value_high": _scale(value_high, cols["value_high"].map(_nfkc), factor),
            "unit": canon, "value_as_printed": cols["value"],
            "value_high_as_printed": _none_for_empty(cols["value_high"]),
            "unit_as_printed": cols["unit"]}
    out["note"] = _with_fx_notes(texts["note"], fx_note)
    _check_ranges(cols, value, value_high, failures)
    _check_bounds(cols, out, catalog, failures)
    _check_value_text(cols, value, failures)
    _check_sources(cols["source"], sources, failures)
    start, qlen = _check_offsets(cols, sources, failures)
    _check_quotes(cols, failures)
    _check_repeats(cols, {**texts, "source_id": cols["source"], "indicator": cols["indicator"],
                          "period": cols["period"]}, failures)
    if failures.items:
        failures.items.sort(key=lambda f: (f.row or 0, f.field or ""))
        raise ValidationError(failures.items, file=file)
    return _frame(out, texts, cols["quote"], start, qlen, ~cols["quote_start"].is_(""), strings == "arrow")
