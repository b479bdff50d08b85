"""Reading CSV and XLSX files into rows of text, long or wide, each row remembering where it came from.

Everything is read as text: a number is parsed later, where a failure can name its row and field.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..model import PERIOD_PATTERN
from .columns import ROW_COLUMN

__all__ = ["MAX_BYTES", "ROW_COLUMN", "read_rows", "read_table"]  # ROW_COLUMN is defined in columns.py
_PERIOD_HEADER = re.compile(PERIOD_PATTERN)
MAX_BYTES = 2 * 1024**3


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise InputError("this is a binary file, not CSV text; save it as CSV (UTF-8) or XLSX", file=str(path))
    for enc in ("utf-8-sig", "gb18030"):
        try:
            raw.decode(enc)
        except UnicodeDecodeError:
            continue
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc, header=None,
                               engine="pyarrow" if len(raw) > 50_000_000 else "c")
        except (pd.errors.ParserError, ValueError) as exc:
            raise InputError(f"not a well-formed CSV file: {exc}", file=str(path)) from None
    raise InputError("cannot decode the file as UTF-8 or GB18030 text; save it as UTF-8 CSV", file=str(path))


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, header=None, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise InputError(f"not a readable XLSX workbook: {exc}", file=str(path)) from None
    return frame


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV/XLSX file as text cells, stripped, with each record's row number in ROW_COLUMN."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // 1024**3} GiB; split it", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        frame = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        frame = _read_xlsx(path)
    else:
        raise InputError(f"unknown file type {suffix!r}: sectorscope reads .csv and .xlsx", file=str(path))
    if len(frame) == 0:
        raise InputError("the file is empty: it needs a header row (see docs/data-format.md)", file=str(path))
    # the header is read as a row so that pandas cannot rename a repeated column to "x.1"
    header = [str(c).strip() for c in frame.iloc[0]]
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = header
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise InputError(f"column(s) {dupes} appear more than once in the header", file=str(path))
    frame = frame.astype(str) if len(frame) else frame
    for c in frame.columns:
        frame[c] = frame[c].str.strip()
    frame[ROW_COLUMN] = range(2, len(frame) + 2)
    return frame


def read_rows(path: str | Path) -> tuple[pd.DataFrame, str]:
    """Rows of a CSV/XLSX file as text in long layout, and the layout it was in ('long' or 'wide').

    Wide files (a column per period) are melted to one row per non-empty cell.
    """
    frame = read_table(path)
    period_cols = [c for c in frame.columns if _PERIOD_HEADER.match(c)]
    if "value" in frame.columns:
        if period_cols:
            raise InputError(
                f"the header has both a 'value' column and period columns {period_cols[:3]}: "
                "use the long layout (period, value) or the wide one (a column per period), not both",
                file=str(path),
            )
        return frame, "long"
    if not period_cols:
        raise InputError(
            "no 'value' column and no period columns (2025, 2025Q1, 2025-03): see docs/data-format.md",
            file=str(path),
        )
    ids = [c for c in frame.columns if c not in period_cols]
    long = frame.melt(id_vars=ids, value_vars=period_cols, var_name="period", value_name="value")
    long = long[long["value"].astype(str).str.strip() != ""].sort_values([ROW_COLUMN, "period"], kind="stable")
    return long.reset_index(drop=True), "wide"
