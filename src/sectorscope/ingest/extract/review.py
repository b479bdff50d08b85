"""The review file: candidates as rows of the long observation format (docs/data-format.md) plus review
columns, so an analyst corrects an indicator, a period or a value in a spreadsheet, flips `accept`, and
loads it back — through the same validation as any observation file, with errors naming its rows."""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import InputError
from ..columns import OPTIONAL, REQUIRED, ROW_COLUMN
from .candidate import Candidate
from .extractor import ACCEPT_CONFIDENCE, Extraction

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["REVIEW_COLUMNS", "location_of", "read_review", "to_rows", "write_review"]

REVIEW_COLUMNS = ("accept", "confidence", "kind", "phrase", "why", "table", "row_header", "column_header",
                  "sentence", "start", "end", "page")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_YES = {"yes", "y", "1", "true", "是", "x", "✓"}
_NO = {"no", "n", "0", "false", "否", ""}


def _num(x: float | None) -> str:
    if x is None:
        return ""
    s = format(x, ".15g")
    return s if "e" not in s else format(x, "f").rstrip("0").rstrip(".")


def location_of(c: Candidate) -> str:
    if c.cell:
        return f"表:{c.cell.table} / {c.cell.row} / {c.cell.column}"
    return f"字符 {c.start}–{c.end}"


def _safe(text: str) -> str:
    """Spreadsheet cells never start with a formula character: report text is untrusted."""
    if text[:1] in ("=", "@") or (text[:1] in ("+", "-") and not _NUMBER.fullmatch(text)):
        return "'" + text
    return text


def to_rows(extraction: Extraction, source_id: str, *, min_confidence: float = ACCEPT_CONFIDENCE,
            candidates: list[Candidate] | None = None) -> pd.DataFrame:
    """One long-format row per candidate, with the review columns; `accept` is yes for candidates at or
    above `min_confidence` that have an indicator and a period."""
    import pandas as pd  # only the review file and --format csv need a frame, not `extract` itself

    rows = []
    for c in extraction.candidates if candidates is None else candidates:
        ok = c.confidence >= min_confidence and bool(c.indicator) and bool(c.period)
        row = {
            "accept": "yes" if ok else "no",
            "indicator": c.indicator, "period": c.period,
            **{d: c.dimensions.get(d, "") for d in ("subject", "region", "product", "application", "company",
                                                     "country", "tier", "scenario")},
            "value": _num(c.printed), "value_high": _num(c.printed_high), "qualifier": c.qualifier,
            "unit": c.unit_as_printed, "status": c.status, "source": source_id,
            "quote": c.quote, "quote_start": str(c.quote_start), "quote_end": str(c.quote_end),
            "value_text": c.value_as_printed if c.value_as_printed != _num(c.printed) else "",
            "location": location_of(c), "basis": "", "note": "",
            "confidence": f"{c.confidence:.2f}", "kind": c.kind, "phrase": c.phrase, "why": "; ".join(c.why),
            "table": c.cell.table if c.cell else "", "row_header": c.cell.row if c.cell else "",
            "column_header": c.cell.column if c.cell else "", "sentence": c.sentence,
            "start": str(c.start), "end": str(c.end), "page": "" if c.page is None else str(c.page),
        }
        rows.append(row)
    columns = ["accept", *REQUIRED, *OPTIONAL, *REVIEW_COLUMNS[1:]]
    return pd.DataFrame(rows, columns=columns).fillna("")


def write_review(extraction: Extraction, path: str | Path, source_id: str, *,
                 min_confidence: float = ACCEPT_CONFIDENCE) -> Path:
    """Write the review file (.csv as UTF-8 with BOM so Excel reads Chinese, or .xlsx)."""
    p = Path(path)
    frame = to_rows(extraction, source_id, min_confidence=min_confidence)
    if p.suffix.lower() == ".xlsx":
        import xlsxwriter

        with xlsxwriter.Workbook(str(p), {"strings_to_formulas": False, "strings_to_urls": False}) as wb:
            ws = wb.add_worksheet("review")
            bold = wb.add_format({"bold": True})
            ws.write_row(0, 0, list(frame.columns), bold)
            for r, rec in enumerate(frame.itertuples(index=False), start=1):
                ws.write_row(r, 0, [str(v) for v in rec])
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    elif p.suffix.lower() == ".csv":
        frame.assign(**{c: frame[c].map(_safe) for c in ("quote", "sentence", "why")}).to_csv(
            p, index=False, encoding="utf-8-sig")
    else:
        raise InputError("a review file is .csv or .xlsx", file=str(p))
    return p


def read_review(path: str | Path) -> pd.DataFrame:
    """The accepted rows of a review file, in the long format `normalise_rows` validates (row numbers kept
    so errors point at the analyst's file). Raises InputError for an `accept` that is neither yes nor no."""
    from ..read import read_table

    p = Path(path)
    frame = read_table(p)
    if "accept" not in frame.columns:
        raise InputError("a review file needs an `accept` column (yes / no)", file=str(p))
    acc = frame["accept"].astype(str).str.strip().str.lower()
    bad = ~acc.isin(_YES | _NO)
    if bad.any():
        row = int(frame.loc[bad.idxmax(), ROW_COLUMN])
        raise InputError(f"row {row}, field accept: {frame.loc[bad.idxmax(), 'accept']!r} is neither yes nor no", file=str(p))
    kept = frame[acc.isin(_YES)].copy()
    for col in ("quote", "sentence", "why"):
        if col in kept.columns:
            kept[col] = kept[col].map(lambda t: t[1:] if t.startswith("'") and t[1:2] in ("=", "+", "-", "@") else t)
    kept.attrs["file"] = str(p)
    drop = [c for c in REVIEW_COLUMNS if c in kept.columns]
    return kept.drop(columns=drop).reset_index(drop=True)
