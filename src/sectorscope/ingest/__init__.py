"""The ingest layer: files (CSV, XLSX; long or wide) validated and normalised into the store."""
from .load import collect, default_dataset_dir, load_default, load_paths, read_fx, read_sources
from .read import read_rows
from .validate import normalise_rows

__all__ = ["load_paths", "load_default", "default_dataset_dir", "read_rows", "normalise_rows", "read_sources",
           "read_fx", "collect"]
