"""sectorscope: a source-cited, vintaged industry-indicator store, and what is built on it.

The library comes first; the CLI (`sectorscope`) is a thin layer over these names.
"""
from .errors import (
    CatalogError, InputError, RowFailure, SectorscopeError, StoreError, UnitError, ValidationError,
)
from .ingest import load_default, load_paths
from .model import load_catalog, normalise, parse_unit
from .report import build_report, write_report
from .store import Batch, Store, VintageSummary

__version__ = "0.1.0"

__all__ = [
    "Store", "Batch", "VintageSummary", "load_paths", "load_default", "load_catalog", "normalise", "parse_unit",
    "build_report", "write_report", "SectorscopeError", "InputError", "ValidationError", "RowFailure", "UnitError",
    "CatalogError", "StoreError", "__version__",
]
