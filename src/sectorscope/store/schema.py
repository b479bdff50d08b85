"""Table schemas of the store, as Ibis schemas so every backend gets the same tables."""
from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

from ..model import DIMENSIONS

__all__ = [
    "AUDIT_FINDINGS",
    "FX_RATES",
    "HOUSE_VIEWS",
    "INDICATORS",
    "OBSERVATIONS",
    "OBSOLETE_COLUMNS",
    "OPTIONAL_TABLES",
    "RECORD_BATCHES",
    "RECORD_FILES",
    "RECORD_SUPERSESSIONS",
    "REFERENCE_KEYS",
    "RULE_FILES",
    "SCHEMAS",
    "SCHEMA_VERSION",
    "SOURCES",
    "VINTAGES",
]

# 2: observations gained bound_low … input_vintage (derived figures and forecasts).
# 3: observations gained kind (what made the figure) and reading, reading_band (what it reads as, and the band
#    that made the reading); a store's first write with schema 3 fills them for its older rows (legacy.py).
# 4: observations gained superseded_in, the vintage in which a newer row of the same figure took over (null:
#    the row is current): ALFRED's realtime end, so "as of v" is a range filter and "now" is
#    `superseded_in is null`. A store's first write with schema 4 fills it for its older rows.
# 5: observations lost row_hash, the content hash: the write path compares a batch's rows with the current
#    rows of their keys column by column (keys.content_differs, the same answer as the hash), and stores a
#    load's rows in the order of the figure key (keys.FIGURE_ORDER; ids stay in the batch's order), so the
#    rows are clustered by indicator, subject, region and a filtered read skips most of the file. A store's
#    first write with schema 5 drops the column (reference tables keep theirs: they are small).
SCHEMA_VERSION = 5

_str = dt.String(nullable=True)

OBSERVATIONS = ibis.schema(
    {
        "obs_id": dt.int64,
        "obs_key": dt.string,
        "vintage_id": dt.int64,
        "indicator": dt.string,
        **{d: _str for d in DIMENSIONS},
        "period": dt.string,
        "period_start": dt.date,
        "period_end": dt.date,
        "value": dt.float64,
        "value_high": dt.float64,
        "qualifier": dt.string,
        "unit": dt.string,
        "value_as_printed": _str,
        "value_high_as_printed": _str,
        "unit_as_printed": _str,
        "status": dt.string,
        "source_id": dt.string,
        "quote": _str,
        "quote_normalised": _str,
        "quote_start": dt.int64,
        "quote_end": dt.int64,
        "location": _str,
        "basis": _str,
        "note": _str,
        "formula": _str,
        "input_ids": dt.Array(dt.int64),
        "withdrawn": dt.boolean,
        # Derived figures and forecasts: the hard interval the inputs' rounding and bounds allow, the
        # 80 % / 95 % intervals a simulation or model gives, how it was computed, and the vintage read.
        "bound_low": dt.Float64(nullable=True),
        "bound_high": dt.Float64(nullable=True),
        "lo80": dt.Float64(nullable=True),
        "hi80": dt.Float64(nullable=True),
        "lo95": dt.Float64(nullable=True),
        "hi95": dt.Float64(nullable=True),
        "method": _str,
        "input_vintage": dt.Int64(nullable=True),
        # What kind of figure the row is (model/observation.py KINDS), and what it reads as against a declared
        # band (READINGS) with that band's half-width: set by whatever made the row, never inferred.
        "kind": _str,
        "reading": _str,
        "reading_band": dt.Float64(nullable=True),
        # The vintage that superseded this row (a revision, a restatement after withdrawal, or a tombstone);
        # set when that vintage commits, null while the row is current. The row was valid in
        # [vintage_id, superseded_in).
        "superseded_in": dt.Int64(nullable=True),
    }
)

VINTAGES = ibis.schema(
    {
        "vintage_id": dt.int64,
        "loaded_at": dt.Timestamp(timezone="UTC"),
        "label": _str,
        "files": _str,
        "sha256": _str,
        "n_rows": dt.int64,
        "n_new": dt.int64,
        "n_revised": dt.int64,
        "n_unchanged": dt.int64,
        "n_withdrawn": dt.int64,
        "note": _str,
        "schema_version": dt.int64,
    }
)

SOURCES = ibis.schema(
    {
        "source_id": dt.string,
        "title": _str,
        "title_en": _str,
        "publisher": _str,
        "published": dt.date,
        "document": _str,
        "document_sha256": _str,
        "lang": _str,
        "note": _str,
        "row_hash": dt.string,
        "vintage_id": dt.int64,
    }
)

FX_RATES = ibis.schema(
    {
        "year": dt.int64,
        "currency": dt.string,
        "cny_per_unit": dt.float64,
        "source_id": dt.string,
        "quote": _str,
        "row_hash": dt.string,
        "vintage_id": dt.int64,
    }
)

INDICATORS = ibis.schema(
    {
        "code": dt.string,
        "name_zh": dt.string,
        "name_en": dt.string,
        "unit_kind": dt.string,
        "canonical_unit": dt.string,
        "aggregation": dt.string,
        "definition_zh": _str,
        "definition_en": _str,
        "lower": dt.float64,
        "upper": dt.float64,
        "row_hash": dt.string,
        "vintage_id": dt.int64,
    }
)

# Rule files loaded with a dataset (its `rules.yaml`: parts of a whole and other audit declarations).
RULE_FILES = ibis.schema(
    {"name": dt.string, "text": dt.string, "sha256": dt.string, "row_hash": dt.string, "vintage_id": dt.int64}
)

# The analyst's choice among conflicting figures of one key: which figure the report uses, and why. The
# alternatives stay in `observations`; a choice is a vintage like any load.
HOUSE_VIEWS = ibis.schema(
    {
        "indicator": dt.string,
        **{d: _str for d in DIMENSIONS},
        "period": dt.string,
        "chosen_obs_key": _str,  # null: the choice was withdrawn
        "chosen_obs_id": dt.Int64(nullable=True),
        "reason": _str,
        "analyst": _str,
        "row_hash": dt.string,
        "vintage_id": dt.int64,
    }
)

# What `sectorscope audit` found in one vintage (recomputed, so replaced when the vintage is audited again).
AUDIT_FINDINGS = ibis.schema(
    {
        "vintage_id": dt.int64,
        "finding_id": dt.int64,
        "rule": dt.string,
        "check": _str,
        "severity": dt.string,
        "indicator": dt.string,
        "subject": dt.string,
        "periods": _str,
        "obs_ids": dt.Array(dt.int64),
        "culprit_obs_id": dt.Int64(nullable=True),
        "computed_zh": _str,
        "computed_en": _str,
        "computed_low": dt.Float64(nullable=True),
        "computed_high": dt.Float64(nullable=True),
        "message_zh": _str,
        "message_en": _str,
        "suggestion_zh": _str,
        "suggestion_en": _str,
        "audited_at": dt.Timestamp(timezone="UTC"),
    }
)

# Record sets (records/batches.py): the manifest of the Parquet files that hold trade lines. The lines are not
# in the store (10⁸ of them would not fit one DuckDB file's write path); the store says which files exist,
# where each came from, and which cells a correction replaced. A batch is a vintage: its rows are written in
# the same transaction as its `vintages` row, so the files a reader sees change exactly when a vintage commits.
RECORD_BATCHES = ibis.schema(
    {
        "batch_id": dt.string,
        "dataset": dt.string,
        "source_file": dt.string,
        "sha256": _str,
        "bytes": dt.Int64(nullable=True),  # the source file's size, when it was at hand
        "publisher": _str,
        "release_date": dt.Date(nullable=True),
        "retrieved_at": dt.Timestamp(timezone="UTC", nullable=True),
        "hs_edition": dt.string,
        "currency": dt.string,
        "grain": dt.string,  # the batch's Grain values, sorted, joined by ","
        "period_kind": dt.string,  # as the source printed it (cumulative lines are stored monthly)
        "period_from": _str,  # YYYY-MM of the batch's first and last line
        "period_to": _str,
        "n_lines": dt.int64,
        "vintage_id": dt.int64,
        "loaded_at": dt.Timestamp(timezone="UTC"),
    }
)

# One row per Parquet file: its path relative to the record root, and the one cell (flow, year, month,
# chapter) it holds, so "which files are current" is a query over this table, never a listing of folders.
RECORD_FILES = ibis.schema(
    {
        "batch_id": dt.string,
        "path": dt.string,
        "year": dt.int64,
        "month": dt.int64,
        "hs_chapter": dt.string,
        "flow": dt.string,
        "n_lines": dt.int64,
        "bytes": dt.int64,
    }
)

# A correction replaces whole cells of earlier batches: one row per cell of `superseded_batch` that
# `batch_id` took over (valid from `batch_id`'s vintage on).
RECORD_SUPERSESSIONS = ibis.schema(
    {
        "batch_id": dt.string,
        "superseded_batch": dt.string,
        "year": dt.int64,
        "month": dt.int64,
        "hs_chapter": dt.string,
        "flow": dt.string,
    }
)

SCHEMAS = {
    "observations": OBSERVATIONS,
    "vintages": VINTAGES,
    "sources": SOURCES,
    "fx_rates": FX_RATES,
    "indicators": INDICATORS,
    "rule_files": RULE_FILES,
    "house_views": HOUSE_VIEWS,
    "audit_findings": AUDIT_FINDINGS,
    "record_batches": RECORD_BATCHES,
    "record_files": RECORD_FILES,
    "record_supersessions": RECORD_SUPERSESSIONS,
}
# Tables a store written before they existed may lack; reads see them empty, the next write adds them.
OPTIONAL_TABLES = ("rule_files", "house_views", "audit_findings", "record_batches", "record_files",
                   "record_supersessions")

# Columns an older schema stored that the current one does not: dropped on a store's next write, never read.
OBSOLETE_COLUMNS = {"observations": ("row_hash",)}

# The key of each versioned reference table: a vintage adds a row only when the row under a key changed.
REFERENCE_KEYS = {"sources": ("source_id",), "fx_rates": ("currency", "year"), "indicators": ("code",),
                  "rule_files": ("name",), "house_views": ("indicator", *DIMENSIONS, "period")}
