"""Analytics: derived indicators, composite indices, the supply-demand (elasticity) index and the TRL × demand
dual track, over the figures of one vintage of the store.

What a caller uses is named here; each name is imported from its module on first use, so importing the layer
(as the CLI, the API and the reports do to reach one name) costs nothing until an analysis actually runs.

    from sectorscope.analytics import analyse, read_config
    result = analyse(store, read_config(dataset_folder))
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .composite.montecarlo import Uncertainty, uncertainty
    from .composite.scoring import score
    from .composite.spec import CompositeError, IndexSpec
    from .derived import DERIVED_SOURCE, Scenario, derive, display, figures_with_intervals
    from .indices import IndexInstance, run_index
    from .pipeline import AnalysisResult, AnalyticsConfig, analyse, read_config
    from .supply_demand import SupplyDemandSpec, supply_demand_index, tier_summary
    from .trl.assessments import ASSESSMENT_COLUMNS, diff_assessments, read_assessments
    from .trl.demand import demand_score
    from .trl.quadrants import QUADRANTS, Quadrant, dual_track, quadrant
    from .trl.questionnaire import QuestionnaireError, trl_from_answers
    from .trl.selection import read_dual_track, select_components

__all__ = [
    "ASSESSMENT_COLUMNS",
    "DERIVED_SOURCE",
    "QUADRANTS",
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
    "display",
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

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "ASSESSMENT_COLUMNS": "trl.assessments",
    "AnalysisResult": "pipeline",
    "AnalyticsConfig": "pipeline",
    "CompositeError": "composite.spec",
    "DERIVED_SOURCE": "derived",
    "IndexInstance": "indices",
    "IndexSpec": "composite.spec",
    "QUADRANTS": "trl.quadrants",
    "Quadrant": "trl.quadrants",
    "QuestionnaireError": "trl.questionnaire",
    "Scenario": "derived",
    "SupplyDemandSpec": "supply_demand",
    "Uncertainty": "composite.montecarlo",
    "analyse": "pipeline",
    "demand_score": "trl.demand",
    "derive": "derived",
    "diff_assessments": "trl.assessments",
    "display": "derived",
    "dual_track": "trl.quadrants",
    "figures_with_intervals": "derived",
    "quadrant": "trl.quadrants",
    "read_assessments": "trl.assessments",
    "read_config": "pipeline",
    "read_dual_track": "trl.selection",
    "run_index": "indices",
    "score": "composite.scoring",
    "select_components": "trl.selection",
    "supply_demand_index": "supply_demand",
    "tier_summary": "supply_demand",
    "trl_from_answers": "trl.questionnaire",
    "uncertainty": "composite.montecarlo",
}

__getattr__, __dir__ = attach(__name__, _HOME)
