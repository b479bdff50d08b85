"""TRL × demand dual track: technology readiness assessments with quoted evidence, a questionnaire
calculator, a demand score from growth, import dependence and order shares, and the quadrant advice.

A pure library over pandas: it reads files and frames and returns frames; keeping assessments as vintages
is the store's job (a reference table keyed by `technology`, so a re-assessment is a one-row revision and
`diff_assessments` shows it). Formats, anchors and the quadrant rule are documented in docs/trl.md.

One module per part: assessments (files, quote checks, diff), questionnaire, demand (the score), selection
(which store figures feed the score) and quadrants (the advice); this module gathers what a caller uses.
"""
from __future__ import annotations

from .assessments import (
    ASSESSMENT_COLUMNS,
    REQUIRED_COLUMNS,
    STATUSES,
    check_quotes,
    diff_assessments,
    read_assessments,
)
from .demand import COMPONENTS, DEFAULT_ANCHORS, components_wide, demand_score
from .quadrants import QUADRANTS, Quadrant, dual_track, quadrant
from .questionnaire import (
    QUESTIONNAIRE_PATH,
    QuestionnaireError,
    load_questionnaire,
    question_ids,
    trl_from_answers,
)
from .selection import SELECTOR_KEYS, read_dual_track, select_components

__all__ = [
    "ASSESSMENT_COLUMNS",
    "COMPONENTS",
    "DEFAULT_ANCHORS",
    "QUADRANTS",
    "QUESTIONNAIRE_PATH",
    "REQUIRED_COLUMNS",
    "SELECTOR_KEYS",
    "STATUSES",
    "Quadrant",
    "QuestionnaireError",
    "check_quotes",
    "components_wide",
    "demand_score",
    "diff_assessments",
    "dual_track",
    "load_questionnaire",
    "quadrant",
    "question_ids",
    "read_assessments",
    "read_dual_track",
    "select_components",
    "trl_from_answers",
]
