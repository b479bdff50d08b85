"""The columns of the long observation format (docs/data-format.md), and the column each read row keeps
its row number in.

Why a module of names only: the file reader, the validator, the review file and the extraction loader all
speak this format, and the light ones among them (writing a review file) should not import pandas to
learn its column names.
"""
from __future__ import annotations

__all__ = ["OPTIONAL", "REQUIRED", "ROW_COLUMN"]

ROW_COLUMN = "_row"  # the 1-based line (CSV, header = 1) or sheet row a record came from
REQUIRED = ("indicator", "subject", "period", "value", "unit", "status", "source")
OPTIONAL = (
    "region", "product", "application", "company", "country", "tier", "scenario", "value_high", "qualifier",
    "quote", "quote_start", "quote_end", "value_text", "location", "basis", "note",
)
