"""The reference files a load's observations point to: the sources file (with each source's document,
whose text the quote offsets are checked against) and the FX file (year-stamped rates, each with its source).

Why their own module: they are read before any observation file, by loading and by report-text extraction
alike, and each is checked row by row with its own rules rather than through the observation schema.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from ..errors import InputError, RowFailure, ValidationError
from ..model import FxRate, normalise
from .read import ROW_COLUMN, read_table, utf8_text
from .validate import SourceInfo

__all__ = ["FX_COLUMNS", "SOURCE_COLUMNS", "fx_rates_of", "read_fx", "read_sources"]

SOURCE_COLUMNS = ("source_id", "title", "title_en", "publisher", "published", "document", "lang", "note")
FX_COLUMNS = ("year", "currency", "cny_per_unit", "source", "quote")


def read_sources(path: Path) -> tuple[pd.DataFrame, dict[str, SourceInfo]]:
    """A sources file, validated, with the text of each source's document where one is named."""
    rows = read_table(path)
    file = str(path)
    unknown = [c for c in rows.columns if c not in (*SOURCE_COLUMNS, ROW_COLUMN)]
    if "source_id" not in rows.columns or "title" not in rows.columns or unknown:
        raise InputError(f"a sources file needs columns source_id and title (optional: "
                         f"{', '.join(SOURCE_COLUMNS[2:])}){'; unknown: ' + ', '.join(unknown) if unknown else ''}", file=file)
    rows = rows.reindex(columns=[*SOURCE_COLUMNS, ROW_COLUMN], fill_value="")
    failures: list[RowFailure] = []
    infos: dict[str, SourceInfo] = {}
    out = []
    for rec in rows.to_dict("records"):
        r = int(rec[ROW_COLUMN])
        sid = rec["source_id"]
        if not sid:
            failures.append(RowFailure(file, r, "source_id", sid, "empty: every source needs an id"))
            continue
        if sid in infos:
            failures.append(RowFailure(file, r, "source_id", sid, "this source id appears twice"))
        published = None
        if rec["published"]:
            try:
                published = date.fromisoformat(rec["published"])
            except ValueError:
                failures.append(RowFailure(file, r, "published", rec["published"], "not an ISO date (2025-06-30)"))
        text, digest = None, None
        if rec["document"]:
            doc = (path.parent / rec["document"]).resolve()
            if not doc.is_relative_to(path.parent.resolve()) or not doc.is_file():
                failures.append(RowFailure(file, r, "document", rec["document"],
                                           "no such document beside the sources file"))
            else:
                data = doc.read_bytes()  # read once: the text checked against and the hash recorded are of it
                digest = hashlib.sha256(data).hexdigest()
                try:
                    text = utf8_text(data)
                except UnicodeDecodeError:
                    failures.append(RowFailure(file, r, "document", rec["document"], "the document is not UTF-8 text"))
        infos[sid] = SourceInfo(sid, text)
        out.append({
            "source_id": sid, "title": normalise(rec["title"]), "title_en": rec["title_en"] or None,
            "publisher": normalise(rec["publisher"]) or None, "published": published,
            "document": rec["document"] or None, "document_sha256": digest, "lang": rec["lang"] or None,
            "note": rec["note"] or None,
        })
    if failures:
        raise ValidationError(failures, file=file)
    return pd.DataFrame(out), infos


def read_fx(path: Path, sources: Sequence[str]) -> pd.DataFrame:
    """An FX file: year, currency (ISO), CNY per unit, and the source each rate comes from."""
    rows = read_table(path)
    file = str(path)
    missing = [c for c in FX_COLUMNS[:4] if c not in rows.columns]
    if missing:
        raise InputError(f"an FX file needs columns {', '.join(FX_COLUMNS)}; missing {', '.join(missing)}", file=file)
    rows = rows.reindex(columns=[*FX_COLUMNS, ROW_COLUMN], fill_value="")
    failures, out, seen = [], [], set()
    for rec in rows.to_dict("records"):
        r = int(rec[ROW_COLUMN])
        if not rec["year"].isdigit() or not 1900 <= int(rec["year"]) <= 2200:
            failures.append(RowFailure(file, r, "year", rec["year"], "not a year"))
            continue
        cur = rec["currency"].upper()
        if len(cur) != 3 or not cur.isalpha():
            failures.append(RowFailure(file, r, "currency", rec["currency"], "not an ISO currency code (USD)"))
            continue
        try:
            rate = float(rec["cny_per_unit"])
        except ValueError:
            rate = math.nan
        if not rate > 0:  # an assert here would vanish under python -O
            failures.append(RowFailure(file, r, "cny_per_unit", rec["cny_per_unit"], "not a positive number"))
            continue
        if rec["source"] not in sources:
            failures.append(RowFailure(file, r, "source", rec["source"], "unknown source: add it to the sources file"))
        if (cur, int(rec["year"])) in seen:
            failures.append(RowFailure(file, r, "year", rec["year"], f"a second {cur} rate for this year"))
        seen.add((cur, int(rec["year"])))
        out.append({"year": int(rec["year"]), "currency": cur, "cny_per_unit": rate,
                    "source_id": rec["source"], "quote": rec["quote"] or None})
    if failures:
        raise ValidationError(failures, file=file)
    return pd.DataFrame(out)


def fx_rates_of(frame: pd.DataFrame) -> list[FxRate]:
    """FX table rows (as read or as stored) → FxRate records."""
    return [FxRate(int(r.year), r.currency, float(r.cny_per_unit), r.source_id, r.quote if isinstance(r.quote, str) else "")
            for r in frame.itertuples()]
