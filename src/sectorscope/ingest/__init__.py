"""The ingest layer: files (CSV, XLSX; long or wide) validated and normalised into the store.

Why the names are imported on first use: loading a file needs pandas, pandera and the store, while
`sectorscope extract` (the report-text reader in `ingest.extract`) needs none of them, and importing
this package is the first step of both.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dataset import collect, default_dataset_dir
    from .load import load_default, load_paths
    from .read import read_rows
    from .reference_files import read_fx, read_sources
    from .validate import normalise_rows

__all__ = ["collect", "default_dataset_dir", "load_default", "load_paths", "normalise_rows", "read_fx", "read_rows",
           "read_sources"]

_HOME = {"collect": "dataset", "default_dataset_dir": "dataset", "load_default": "load", "load_paths": "load",
         "read_fx": "reference_files", "read_sources": "reference_files", "read_rows": "read",
         "normalise_rows": "validate"}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
