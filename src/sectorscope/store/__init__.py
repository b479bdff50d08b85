"""The store layer: a vintaged, source-cited indicator store over Ibis (DuckDB by default)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .backend import DEFAULT_WAIT, writer_waiting
    from .codes import check_codes, known_codes
    from .figure_interval import INF, About, interval_columns, interval_exprs, interval_frame
    from .prepared import QueryCache
    from .record_manifest import RECORD_LABEL_PREFIX
    from .store import CONTENT_COLUMNS, AsOf, Batch, Store, VintageSummary

__all__ = [
    "CONTENT_COLUMNS",
    "DEFAULT_WAIT",
    "INF",
    "RECORD_LABEL_PREFIX",
    "About",
    "AsOf",
    "Batch",
    "QueryCache",
    "Store",
    "VintageSummary",
    "check_codes",
    "interval_columns",
    "interval_exprs",
    "interval_frame",
    "known_codes",
    "writer_waiting",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "About": "figure_interval",
    "AsOf": "store",
    "Batch": "store",
    "CONTENT_COLUMNS": "store",
    "DEFAULT_WAIT": "backend",
    "INF": "figure_interval",
    "QueryCache": "prepared",
    "RECORD_LABEL_PREFIX": "record_manifest",
    "Store": "store",
    "VintageSummary": "store",
    "check_codes": "codes",
    "interval_columns": "figure_interval",
    "interval_exprs": "figure_interval",
    "interval_frame": "figure_interval",
    "known_codes": "codes",
    "writer_waiting": "backend",
}

__getattr__, __dir__ = attach(__name__, _HOME)
