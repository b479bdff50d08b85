"""How sure the extractor is of a candidate: a logistic model over what the reader found, trained on
labelled pages, so that a confidence of 0.9 means right about nine times in ten.

Why a model, and why this one: the readers' own scores are sums of hand-set weights (an indicator term
+0.45, a unit +0.2 …) that say which candidate is better, not how often one is right. A logistic
regression over the same evidence, fitted to labels, says how often — and it stays a dozen numbers an
analyst can read in `acceptance.yaml`, evaluated without scikit-learn (which only the training needs, in
`benchmarks/train_acceptance.py`) so a one-page extract does not pay for importing it.

What "right" means in training: the candidate's value, unit and period equal a labeller's figure at the
same place (an open period right when the label's is open too) — what an analyst needs to load it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from ...errors import UnitError
from ...model import UNIT_KINDS, parse_unit
from .candidate import Candidate

__all__ = ["FEATURES", "AcceptanceModel", "features", "load_model"]

_COUNTS = tuple(k for k in UNIT_KINDS if k.startswith("count_"))

FEATURES = (
    "reader_score",       # the reader's own score (indicator, unit and period evidence summed)
    "has_indicator",      # a catalog indicator was found for it
    "indicator_inherited",  # … taken from the figure before it (分别, a chain)
    "period_sentence",    # its period is written in its sentence (or its table's header or row)
    "period_context",     # … carried from the passage, a heading, a list intro, or resolved from a date
    "period_open",        # the text gives none
    "unit_percent",
    "unit_money",
    "unit_count",
    "unit_other",         # a physical unit (μm, 周, ℃, dB …)
    "table",              # a table cell rather than prose
    "bounded",            # a bound or an approximate value (约, 以上, 不足), not exact
    "range",
    "chinese_numeral",    # 五家, 六成, 过半
    "negative",
)


def _period_how(c: Candidate) -> str:
    if not c.period:
        return "open"
    why = " ".join(c.why)
    if "carried from the text before" in why or "nearest year before the table" in why or "(year from" in why \
            or "the report's year" in why or "the report period" in why:
        return "context"
    return "sentence"


def _unit_kind(c: Candidate) -> str:
    """The kind of the candidate's unit as the unit parser reads it: the kind its indicator fixed, else the
    unit's own, else a count when the unit is one of several counts (个 counts devices, items and firms)."""
    if c.unit_kind:
        return c.unit_kind
    unit = c.unit_as_printed.strip()
    try:
        return parse_unit(unit).kind
    except UnitError:
        pass
    for kind in _COUNTS:
        try:
            return parse_unit(unit, kind).kind
        except UnitError:
            continue
    return ""


def features(c: Candidate) -> dict[str, float]:
    """The evidence one candidate carries, as the model reads it."""
    unit = c.unit_as_printed.strip()
    how = _period_how(c)
    kind = _unit_kind(c)
    percent = kind in ("percent", "percentage_point")
    money = kind in ("money", "price")
    count = kind.startswith("count_")
    why = " ".join(c.why)
    return {
        "reader_score": c.confidence,
        "has_indicator": float(bool(c.indicator)),
        "indicator_inherited": float("same indicator as the figure before" in why),
        "period_sentence": float(how == "sentence"),
        "period_context": float(how == "context"),
        "period_open": float(how == "open"),
        "unit_percent": float(percent),
        "unit_money": float(money),
        "unit_count": float(count),
        "unit_other": float(bool(unit) and not (percent or money or count)),
        "table": float(c.kind == "table"),
        "bounded": float(c.qualifier not in ("exact", "range")),
        "range": float(c.qualifier == "range"),
        "chinese_numeral": float(bool(c.value_as_printed) and not any(ch.isdigit() for ch in c.value_as_printed)),
        "negative": float(c.printed < 0),
    }


@dataclass(frozen=True)
class AcceptanceModel:
    """A fitted logistic model: confidence = 1 / (1 + exp(−(intercept + Σ weight·feature)))."""

    intercept: float
    weights: dict[str, float]
    trained_on: str = ""

    def confidence(self, c: Candidate) -> float:
        x = features(c)
        z = self.intercept + sum(w * x.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-z))


@cache
def load_model() -> AcceptanceModel | None:
    """The model shipped with the package (`acceptance.yaml`), or None when there is none yet (the
    readers' scores are used as they are)."""
    ref = resources.files("sectorscope.ingest.extract").joinpath("acceptance.yaml")
    if not ref.is_file():
        return None
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    unknown = set(data["weights"]) - set(FEATURES)
    if unknown:
        raise ValueError(f"acceptance.yaml names features the extractor does not compute: {sorted(unknown)}")
    return AcceptanceModel(float(data["intercept"]), {k: float(v) for k, v in data["weights"].items()},
                           str(data.get("trained_on", "")))
