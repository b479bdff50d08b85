"""The TRL questionnaire: yes/no criteria per level (questionnaire.yaml), and the TRL a set of answers supports.

Why a module of its own: a questionnaire makes an assessor's TRL reproducible — two assessors who answer alike
get the same level — and its file is checked on load so a broken level cannot silently cap every result.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import yaml

from ...errors import QuestionnaireError

__all__ = ["QUESTIONNAIRE_PATH", "QuestionnaireError", "load_questionnaire", "question_ids", "trl_from_answers"]

# kept beside the analytics modules (package data analytics/*.yaml; docs/trl.md points there)
QUESTIONNAIRE_PATH = Path(__file__).parent.parent / "questionnaire.yaml"


def load_questionnaire(path: str | Path | None = None) -> dict[int, dict]:
    """The questionnaire as {level: {name_zh, name_en, definition_zh, definition_en, criteria: [{id, zh, en}]}},
    checked: levels exactly 1–9, each with 2–4 criteria, ids unique."""
    path = Path(path) if path else QUESTIONNAIRE_PATH
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    levels = (data or {}).get("levels")
    if not isinstance(levels, dict) or sorted(levels) != list(range(1, 10)):
        raise QuestionnaireError(f"{path}: 'levels' must map each TRL 1–9 to its definition and criteria")
    seen: set[str] = set()
    out = {}
    for level in range(1, 10):
        entry = levels[level]
        crit = entry.get("criteria") or []
        if not 2 <= len(crit) <= 4:
            raise QuestionnaireError(f"{path}: level {level} needs 2–4 criteria, has {len(crit)}")
        for c in crit:
            if not {"id", "zh", "en"} <= set(c) or c["id"] in seen:
                raise QuestionnaireError(f"{path}: level {level}: each criterion needs a unique id, zh and en ({c})")
            seen.add(c["id"])
        for key in ("name_zh", "name_en", "definition_zh", "definition_en"):
            if not entry.get(key):
                raise QuestionnaireError(f"{path}: level {level} lacks {key}")
        out[level] = entry
    return out


def question_ids(questionnaire: Mapping[int, dict] | None = None) -> dict[str, int]:
    """{criterion id: its level}."""
    q = questionnaire or load_questionnaire()
    return {c["id"]: level for level, entry in q.items() for c in entry["criteria"]}


def trl_from_answers(answers: Mapping[str, bool], questionnaire: Mapping[int, dict] | None = None) -> int:
    """The TRL a set of yes/no answers supports: the highest level L such that every criterion of levels 1..L
    is answered yes. An unanswered criterion counts as no, so a gap at a low level caps the result however
    many higher criteria are met. Returns 0 when a level-1 criterion is not met.

    Raises QuestionnaireError for an id the questionnaire does not have, or an answer that is not a bool.
    """
    q = questionnaire or load_questionnaire()
    ids = question_ids(q)
    unknown = sorted(set(answers) - set(ids))
    if unknown:
        raise QuestionnaireError(f"unknown question id(s): {', '.join(unknown)} (known: {', '.join(ids)})")
    not_bool = sorted(k for k, v in answers.items() if not isinstance(v, (bool, np.bool_)))
    if not_bool:
        raise QuestionnaireError(f"answers must be true or false: {', '.join(not_bool)}")
    trl = 0
    for level in range(1, 10):
        if all(answers.get(c["id"], False) for c in q[level]["criteria"]):
            trl = level
        else:
            break
    return trl
