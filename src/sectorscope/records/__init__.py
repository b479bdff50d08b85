"""The record-set layer: bulk records (customs lines by HS code) kept as Parquet partitions, each batch a vintage
with its source, turned into cited figures by Ibis expressions that run on DuckDB or on Spark.

It sits between ingest (whose errors and file readers it uses) and audit: what it derives is stored as figures,
and every later layer reads those figures through the store.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .aggregates import AGGREGATES, aggregate, check_aggregate
    from .batches import BatchSummary, default_root, list_batches, load_batch, records_gc
    from .concordance import Concordance, apply, load_concordance, unmapped
    from .dataset import DatasetLoad, load_dataset_records, read_dataset_records
    from .derive import DERIVE_LABEL, derive_trade_figures, figure_lines, trade_figures
    from .engine import EngineSettings, connect, settings
    from .formats import RecordFile, read_records
    from .generate import SEED_TARGETS, Target, generate_lines, generate_mirror_lines, write_customs_csv
    from .indicators import trade_flows, unit_values, yoy
    from .indicators_dependence import import_dependence, localisation
    from .indicators_partners import mirror_gap, partner_concentration
    from .lines import filter_lines, matching_lines, open_lines
    from .load import LoadedRecords, load_records
    from .reference import country_name, customs_partners, provinces
    from .schema import LINE_SCHEMA, BatchMeta

__all__ = [
    "AGGREGATES",
    "DERIVE_LABEL",
    "LINE_SCHEMA",
    "SEED_TARGETS",
    "BatchMeta",
    "BatchSummary",
    "Concordance",
    "DatasetLoad",
    "EngineSettings",
    "LoadedRecords",
    "RecordFile",
    "Target",
    "aggregate",
    "apply",
    "check_aggregate",
    "connect",
    "country_name",
    "customs_partners",
    "default_root",
    "derive_trade_figures",
    "figure_lines",
    "filter_lines",
    "generate_lines",
    "generate_mirror_lines",
    "import_dependence",
    "list_batches",
    "load_batch",
    "load_concordance",
    "load_dataset_records",
    "load_records",
    "localisation",
    "matching_lines",
    "mirror_gap",
    "open_lines",
    "partner_concentration",
    "provinces",
    "read_dataset_records",
    "read_records",
    "records_gc",
    "settings",
    "trade_figures",
    "trade_flows",
    "unit_values",
    "unmapped",
    "write_customs_csv",
    "yoy",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "AGGREGATES": "aggregates", "aggregate": "aggregates", "check_aggregate": "aggregates",
    "LINE_SCHEMA": "schema", "BatchMeta": "schema",
    "BatchSummary": "batches", "default_root": "batches", "list_batches": "batches", "load_batch": "batches",
    "records_gc": "batches",
    "filter_lines": "lines", "matching_lines": "lines", "open_lines": "lines",
    "Concordance": "concordance", "apply": "concordance", "load_concordance": "concordance", "unmapped": "concordance",
    "DatasetLoad": "dataset", "load_dataset_records": "dataset", "read_dataset_records": "dataset",
    "EngineSettings": "engine", "connect": "engine", "settings": "engine",
    "RecordFile": "formats", "read_records": "formats",
    "SEED_TARGETS": "generate", "Target": "generate", "generate_lines": "generate",
    "generate_mirror_lines": "generate", "write_customs_csv": "generate",
    "trade_flows": "indicators", "unit_values": "indicators", "yoy": "indicators",
    "import_dependence": "indicators_dependence", "localisation": "indicators_dependence",
    "mirror_gap": "indicators_partners", "partner_concentration": "indicators_partners",
    "LoadedRecords": "load", "load_records": "load",
    "country_name": "reference", "customs_partners": "reference", "provinces": "reference",
    "DERIVE_LABEL": "derive", "derive_trade_figures": "derive", "figure_lines": "derive", "trade_figures": "derive",
}

__getattr__, __dir__ = attach(__name__, _HOME)
