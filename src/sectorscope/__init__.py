"""sectorscope: a source-cited, vintaged industry-indicator store, and what is built on it.

The library comes first; the CLI (`sectorscope`) and the HTTP API are thin layers over these names:

    import sectorscope as ss
    result = ss.run()                         # the main job on the embedded default dataset → out/
    store = ss.Store("out/sectorscope.duckdb")
    ss.load(store, ["my_figures.csv"], sources="my_sources.csv", label="Q3 update")
    found = ss.extract_file("report.txt")     # candidate figures from a report's text
    ss.audit.audit(store)                     # findings (the layer `sectorscope.audit`)
    ss.analyse(store)                         # derived figures, indices, elasticity, TRL × demand
    ss.forecast.forecast_store(store)         # forecasts with calibrated intervals (`sectorscope.forecast`)
    ss.publish(store, "out")                  # reports (HTML, PDF, XLSX), alerts, the SDMX-CSV export

`audit` and `forecast` are the layers themselves (each a package whose own `__all__` lists what it offers):
a function of the same name at the top would be replaced by the package as soon as anything imported it.

Names are resolved on first use (PEP 562), so `import sectorscope` — and with it `sectorscope --help` —
does not import pandas, Ibis, statsforecast or the report stack until a caller needs them.
"""
from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from .errors import (
    AlertRulesError,
    AnalysisError,
    CatalogError,
    CompositeError,
    FontError,
    InputError,
    PdfError,
    PublishError,
    QuestionnaireError,
    Reason,
    RowFailure,
    SectorscopeError,
    StoreError,
    UnitError,
    UnknownCodeError,
    UsageError,
    ValidationError,
)

try:
    __version__ = version("sectorscope")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

# public name → (module, attribute); a module itself when the attribute is None
_LAZY: dict[str, tuple[str, str | None]] = {
    "run": (".job", "run"),
    "RunResult": (".job", "RunResult"),
    "Store": (".store", "Store"),
    "Batch": (".store", "Batch"),
    "VintageSummary": (".store", "VintageSummary"),
    "load": (".ingest", "load_paths"),
    "load_default": (".ingest", "load_default"),
    "default_dataset_dir": (".ingest", "default_dataset_dir"),
    "extract": (".ingest.extract", "extract"),
    "extract_file": (".ingest.extract", "extract_file"),
    "Extraction": (".ingest.extract", "Extraction"),
    "analyse": (".analytics.pipeline", "analyse"),
    "AnalysisResult": (".analytics.pipeline", "AnalysisResult"),
    "AuditResult": (".audit", "AuditResult"),
    "ForecastResult": (".forecast", "ForecastResult"),
    "publish": (".report.publishing", "publish"),
    "Published": (".report.publishing", "Published"),
    "load_catalog": (".model", "load_catalog"),
    "normalise": (".model", "normalise"),
    "parse_unit": (".model", "parse_unit"),
    "audit": (".audit", None),
    "forecast": (".forecast", None),
}

__all__ = [
    "AlertRulesError",
    "AnalysisError",
    "AnalysisResult",
    "AuditResult",
    "Batch",
    "CatalogError",
    "CompositeError",
    "Extraction",
    "FontError",
    "ForecastResult",
    "InputError",
    "PdfError",
    "PublishError",
    "Published",
    "QuestionnaireError",
    "Reason",
    "RowFailure",
    "RunResult",
    "SectorscopeError",
    "Store",
    "StoreError",
    "UnitError",
    "UnknownCodeError",
    "UsageError",
    "ValidationError",
    "VintageSummary",
    "__version__",
    "analyse",
    "audit",
    "default_dataset_dir",
    "extract",
    "extract_file",
    "forecast",
    "load",
    "load_catalog",
    "load_default",
    "normalise",
    "parse_unit",
    "publish",
    "run",
]


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'sectorscope' has no attribute {name!r}") from None
    mod = importlib.import_module(module, __name__)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from . import audit, forecast
    from .analytics import AnalysisResult, analyse
    from .audit import AuditResult
    from .forecast import ForecastResult
    from .ingest import Extraction, default_dataset_dir, extract_file, load_default
    from .ingest import load_paths as load
    from .ingest.extract import extract  # the package sectorscope.ingest.extract shares its name
    from .job import RunResult, run
    from .model import load_catalog, normalise, parse_unit
    from .report import Published, publish
    from .store import Batch, Store, VintageSummary
