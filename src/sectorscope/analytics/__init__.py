"""Analytics: derived indicators, composite indices, the supply-demand (elasticity) index and the TRL × demand
dual track, over the figures of one vintage of the store.

What a caller uses is named here; each name is imported from its module on first use, so importing the layer
(as the CLI, the API and the reports do to reach one name) costs nothing until an analysis actually runs.

    from sectorscope.analytics import analyse, read_config
    result = analyse(store, read_config(dataset_folder))
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .composite import CompositeError, IndexSpec, Uncertainty, score, uncertainty
    from .derived import DERIVED_SOURCE, Scenario, derive, figures_with_intervals
    from .indices import IndexInstance, run_index
    from .pipeline import AnalysisResult, AnalyticsConfig, analyse, read_config
    from .supply_demand import SupplyDemandSpec, supply_demand_index, tier_summary
    from .trl import (
        Quadrant,
        QuestionnaireError,
        demand_score,
        diff_assessments,
        dual_track,
        quadrant,
        read_assessments,
        read_dual_track,
        select_components,
        trl_from_answers,
    )

# public name → the module (relative to this package) that defines it
_HOME = {
    "analyse": "pipeline", "AnalysisResult": "pipeline", "AnalyticsConfig": "pipeline", "read_config": "pipeline",
    "derive": "derived", "figures_with_intervals": "derived", "Scenario": "derived", "DERIVED_SOURCE": "derived",
    "IndexSpec": "composite", "score": "composite", "uncertainty": "composite", "Uncertainty": "composite",
    "CompositeError": "composite", "IndexInstance": "indices", "run_index": "indices",
    "supply_demand_index": "supply_demand", "tier_summary": "supply_demand", "SupplyDemandSpec": "supply_demand",
    "read_assessments": "trl", "diff_assessments": "trl", "trl_from_answers": "trl", "QuestionnaireError": "trl",
    "read_dual_track": "trl", "select_components": "trl", "demand_score": "trl", "dual_track": "trl",
    "quadrant": "trl", "Quadrant": "trl",
}

__all__ = [
    "DERIVED_SOURCE",
    "AnalysisResult",
    "AnalyticsConfig",
    "CompositeError",
    "IndexInstance",
    "IndexSpec",
    "Quadrant",
    "QuestionnaireError",
    "Scenario",
    "SupplyDemandSpec",
    "Uncertainty",
    "analyse",
    "demand_score",
    "derive",
    "diff_assessments",
    "dual_track",
    "figures_with_intervals",
    "quadrant",
    "read_assessments",
    "read_config",
    "read_dual_track",
    "run_index",
    "score",
    "select_components",
    "supply_demand_index",
    "tier_summary",
    "trl_from_answers",
    "uncertainty",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
