"""The store layer: a vintaged, source-cited indicator store over Ibis (DuckDB by default)."""
from .store import AsOf, Batch, Store, VintageSummary

__all__ = ["AsOf", "Batch", "Store", "VintageSummary"]
