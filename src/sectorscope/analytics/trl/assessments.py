"""TRL assessment files: read and checked row by row, their evidence checked against the quoted source, and
two vintages of them compared.

Why a module of its own: an assessment is only worth its evidence — a TRL without the passage it was judged
from, or with a quote that is not where it says it is, is an opinion. Every problem of every row is collected
and reported at once, naming file, row and field, so an analyst fixes the file in one pass.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import InputError, RowFailure, ValidationError
from ...ingest import ROW_COLUMN, read_table
from ...model import normalise

__all__ = ["ASSESSMENT_COLUMNS", "REQUIRED_COLUMNS", "STATUSES", "check_quotes", "diff_assessments",
           "read_assessments"]

ASSESSMENT_COLUMNS = ("technology", "technology_en", "trl", "evidence", "source_id", "location", "quote_start",
                      "quote_end", "assessor", "assessed_on", "status", "note")
REQUIRED_COLUMNS = ("technology", "trl", "evidence", "source_id", "assessor", "assessed_on")
STATUSES = ("estimate", "actual")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    rows = frame.attrs.get("rows")
    if rows is not None and len(rows) == len(frame):
        return [int(r) for r in rows]
    return list(range(2, len(frame) + 2))


def read_assessments(
    path: str | Path,
    *,
    texts: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Read and validate a TRL assessment file (CSV UTF-8, or XLSX) into a frame with ASSESSMENT_COLUMNS.

    Checks: the required columns are there and no unknown one; `trl` a whole number 1–9; `assessed_on` an ISO
    date (YYYY-MM-DD) not after `today`; `status` estimate or actual (empty = estimate); `technology` non-empty
    and unique after normalisation (traditional → simplified, seed artefacts stripped); `evidence` non-empty;
    `quote_start`/`quote_end` whole numbers with quote_end = quote_start + len(evidence). With `texts`
    ({source_id: document text}) the evidence is also checked against its source (see `check_quotes`).

    Every failure of every row is collected and raised at once as a ValidationError naming file, row (header =
    row 1) and field. The frame remembers its file and row numbers in `frame.attrs`.
    """
    file = str(path)
    raw = _read_raw(path, file)
    today = today or dt.date.today()
    failures: list[RowFailure] = []
    seen: dict[str, int] = {}
    records = [_parse_row(rec, file, today, seen, failures) for rec in raw.to_dict("records")]
    frame = pd.DataFrame.from_records(records)
    rows = frame.pop("_row").tolist()
    frame = frame[list(ASSESSMENT_COLUMNS)]
    frame.attrs["file"] = file
    frame.attrs["rows"] = rows
    if texts is not None:
        ok = frame["evidence"].ne("") & frame["trl"].notna()
        failures += check_quotes(frame, texts, file=file, only=ok.tolist())
    if failures:
        failures.sort(key=lambda f: (f.row or 0, f.field or ""))
        raise ValidationError(failures, file=file)
    frame["trl"] = frame["trl"].astype(int)
    frame["quote_start"] = frame["quote_start"].astype("Int64")
    frame["quote_end"] = frame["quote_end"].astype("Int64")
    return frame


def _read_raw(path: str | Path, file: str) -> pd.DataFrame:
    """The file's rows as text, every column of ASSESSMENT_COLUMNS present; an InputError for a missing required
    or an unknown column, or no rows."""
    raw = read_table(path)
    columns = [c for c in raw.columns if c != ROW_COLUMN]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in ASSESSMENT_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing required column(s): {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(unknown)} (known: {', '.join(ASSESSMENT_COLUMNS)})")
        raise InputError("; ".join(parts) + " — see docs/trl.md", file=file)
    if len(raw) == 0:
        raise InputError("the file has a header but no rows", file=file)
    for c in ASSESSMENT_COLUMNS:
        if c not in raw.columns:
            raw[c] = ""
    return raw


_Fail = Callable[[str, str], None]  # fail(field, reason): one failure of the row being read


def _parse_row(rec: dict[str, Any], file: str, today: dt.date, seen: dict[str, int],
               failures: list[RowFailure]) -> dict[str, Any]:
    """One row as a record (with its file row number under `_row`); its failures are appended to `failures`,
    and its technology to `seen` (technology → row) when it is new."""
    row = int(rec[ROW_COLUMN])

    def fail(field: str, reason: str) -> None:
        failures.append(RowFailure(file, row, field, str(rec.get(field, "")), reason))

    tech = normalise(rec["technology"])
    if not tech:
        fail("technology", "empty: name the technology or process module")
    elif tech in seen:
        fail("technology", f"repeats the technology of row {seen[tech]}; one assessment per technology and file")
    else:
        seen[tech] = row
    trl = _trl(rec["trl"], fail)
    if not rec["evidence"]:
        fail("evidence", "empty: quote the passage of the source the TRL is judged from")
    if not rec["source_id"]:
        fail("source_id", "empty: every assessment needs the source its evidence is quoted from")
    if not rec["assessor"]:
        fail("assessor", "empty: name who assessed (person or team)")
    on = _assessed_on(rec["assessed_on"], today, fail)
    status = rec["status"] or "estimate"
    if status not in STATUSES:
        fail("status", f"status must be one of {', '.join(STATUSES)}")
    start, end = _quote_offsets(rec, fail)
    return {
        "technology": tech,
        "technology_en": rec["technology_en"] or None,
        "trl": trl,
        "evidence": rec["evidence"],
        "source_id": rec["source_id"],
        "location": normalise(rec["location"]) or None,
        "quote_start": start,
        "quote_end": end,
        "assessor": normalise(rec["assessor"]),
        "assessed_on": on,
        "status": status,
        "note": normalise(rec["note"]) or None,
        "_row": row,
    }


def _trl(text: str, fail: _Fail) -> int | None:
    trl_text = text.strip()
    if not re.fullmatch(r"\d+", trl_text):
        fail("trl", "TRL must be a whole number from 1 to 9 (Arabic digits)")
    elif not 1 <= int(trl_text) <= 9:
        fail("trl", "TRL must be from 1 to 9")
    else:
        return int(trl_text)
    return None


def _assessed_on(text: str, today: dt.date, fail: _Fail) -> dt.date | None:
    if not _ISO_DATE.fullmatch(text):
        fail("assessed_on", "not an ISO date (YYYY-MM-DD)")
        return None
    try:
        on = dt.date.fromisoformat(text)
    except ValueError:
        fail("assessed_on", "not a valid calendar date")
        return None
    if on > today:
        fail("assessed_on", f"in the future (today is {today.isoformat()})")
    return on


def _quote_offsets(rec: dict[str, Any], fail: _Fail) -> tuple[int | None, int | None]:
    """quote_start and quote_end as numbers; an empty quote_end is quote_start + the evidence's length."""
    offsets: dict[str, int | None] = {}
    for c in ("quote_start", "quote_end"):
        offsets[c] = None
        if rec[c] == "":
            continue
        if re.fullmatch(r"\d+", rec[c]):
            offsets[c] = int(rec[c])
        else:
            fail(c, "not a character offset (a whole number)")
    start, end = offsets["quote_start"], offsets["quote_end"]
    if start is None and end is not None and rec["quote_start"] == "":
        fail("quote_start", "quote_end given without quote_start")
    if start is not None and rec["evidence"]:
        if end is None and rec["quote_end"] == "":
            end = start + len(rec["evidence"])
        elif end is not None and end != start + len(rec["evidence"]):
            fail("quote_end", f"quote_end must be quote_start + the evidence's length ({start + len(rec['evidence'])})")
            end = start + len(rec["evidence"])  # so the quote check judges quote_start alone
    return start, end


def check_quotes(
    frame: pd.DataFrame,
    texts: Mapping[str, str],
    *,
    file: str | None = None,
    only: list[bool] | None = None,
) -> list[RowFailure]:
    """The rows whose evidence is not where it says it is, as RowFailures (empty list = all checkable and found).

    As for observation quotes (ingest/validate.py): offsets are Python string indices into the source document
    decoded as UTF-8, and `text[quote_start:quote_end]` must equal the evidence character for character (the
    raw, unconverted text: evidence is quoted verbatim, traditional characters and artefacts included). A row
    without offsets must have its evidence somewhere in the text; the reason then gives the offsets to add.
    A source without a text in `texts` cannot be checked and is reported.
    """
    file = file or frame.attrs.get("file", "<assessments>")
    rows = _row_numbers(frame)
    failures = []
    for i, rec in enumerate(frame.to_dict("records")):
        if only is not None and not only[i]:
            continue
        row, ev, sid = rows[i], rec["evidence"], rec["source_id"]
        text = texts.get(sid)
        if text is None:
            failures.append(RowFailure(file, row, "source_id", sid,
                                       "no document text for this source: the evidence cannot be checked"))
            continue
        start = rec.get("quote_start")
        if start is None or pd.isna(start):
            if ev not in text:
                failures.append(RowFailure(file, row, "evidence", ev[:40],
                                           f"not found verbatim in {sid}'s document"))
            continue
        start = int(start)
        end = rec.get("quote_end")
        end = start + len(ev) if end is None or pd.isna(end) else int(end)
        if text[start:end] != ev:
            found = text.find(ev)
            hint = (f"; it is at {found}:{found + len(ev)}" if found >= 0
                    else "; and it is nowhere in the document verbatim")
            failures.append(RowFailure(file, row, "quote_start", str(start),
                                       f"the evidence is not at {start}:{end} of {sid}'s document{hint}"))
    return failures


_COMPARED = tuple(c for c in ASSESSMENT_COLUMNS if c != "technology")


def _same(a: Any, b: Any) -> bool:
    na, nb = a is None or (not isinstance(a, str) and pd.isna(a)), b is None or (not isinstance(b, str) and pd.isna(b))
    if na or nb:
        return na and nb
    return a == b


def diff_assessments(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """What changed between two assessment frames, one row per technology that was added, revised or removed:
    technology, change ('added' | 'revised' | 'removed'), old_trl, new_trl, trl_delta, old_evidence,
    new_evidence, fields (the columns that differ, comma-separated). Unchanged technologies are left out;
    rows are sorted by technology. A revision is any difference in an assessment column, not only the TRL."""
    o = old.set_index("technology")
    n = new.set_index("technology")
    rows = []
    for tech in sorted(set(o.index) | set(n.index)):
        if tech not in n.index:
            r = o.loc[tech]
            rows.append((tech, "removed", r["trl"], None, r["evidence"], None, ""))
        elif tech not in o.index:
            r = n.loc[tech]
            rows.append((tech, "added", None, r["trl"], None, r["evidence"], ""))
        else:
            a, b = o.loc[tech], n.loc[tech]
            fields = [c for c in _COMPARED if c in o.columns and c in n.columns and not _same(a[c], b[c])]
            if fields:
                rows.append((tech, "revised", a["trl"], b["trl"], a["evidence"], b["evidence"], ", ".join(fields)))
    out = pd.DataFrame(rows, columns=["technology", "change", "old_trl", "new_trl", "old_evidence", "new_evidence",
                                      "fields"])
    out["old_trl"] = out["old_trl"].astype("Int64")
    out["new_trl"] = out["new_trl"].astype("Int64")
    out.insert(4, "trl_delta", (out["new_trl"] - out["old_trl"]).astype("Int64"))
    return out
