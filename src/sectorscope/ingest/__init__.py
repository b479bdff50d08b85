"""The ingest layer: files (CSV, XLSX; long or wide) validated and normalised into the store.

Why the names are imported on first use: loading a file needs pandas, pandera and the store, while
`sectorscope extract` (the report-text reader in `ingest.extract`) needs none of them, and importing
this package is the first step of both.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .columns import ROW_COLUMN
    from .dataset import collect, default_dataset_dir
    from .encoding import transcode_to_utf8
    from .extract.candidate import Candidate
    from .extract.document import read_report
    from .extract.extractor import ACCEPT_CONFIDENCE, Extraction, extract_file
    from .extract.lexicon import load_lexicon
    from .extract.loading import fx_table, load_extraction, load_review, source_id_for
    from .extract.review import to_rows, write_review
    from .load import MAX_WITHDRAW_SHARE, load_default, load_paths
    from .read import read_rows, read_table
    from .reference_files import fx_rates_of, read_fx, read_sources
    from .validate import SourceInfo, normalise_rows

__all__ = [
    "ACCEPT_CONFIDENCE",
    "MAX_WITHDRAW_SHARE",
    "ROW_COLUMN",
    "Candidate",
    "Extraction",
    "SourceInfo",
    "collect",
    "default_dataset_dir",
    "extract_file",
    "fx_rates_of",
    "fx_table",
    "load_default",
    "load_extraction",
    "load_lexicon",
    "load_paths",
    "load_review",
    "normalise_rows",
    "read_fx",
    "read_report",
    "read_rows",
    "read_sources",
    "read_table",
    "source_id_for",
    "to_rows",
    "transcode_to_utf8",
    "write_review",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "ACCEPT_CONFIDENCE": "extract.extractor",
    "Candidate": "extract.candidate",
    "Extraction": "extract.extractor",
    "SourceInfo": "validate",
    "ROW_COLUMN": "columns",
    "collect": "dataset",
    "default_dataset_dir": "dataset",
    "extract_file": "extract.extractor",
    "fx_rates_of": "reference_files",
    "load_default": "load",
    "fx_table": "extract.loading",
    "load_extraction": "extract.loading",
    "load_lexicon": "extract.lexicon",
    "load_paths": "load",
    "transcode_to_utf8": "encoding",
    "MAX_WITHDRAW_SHARE": "load",
    "load_review": "extract.loading",
    "normalise_rows": "validate",
    "read_fx": "reference_files",
    "read_report": "extract.document",
    "read_rows": "read",
    "read_sources": "reference_files",
    "read_table": "read",
    "source_id_for": "extract.loading",
    "to_rows": "extract.review",
    "write_review": "extract.review",
}

__getattr__, __dir__ = attach(__name__, _HOME)
