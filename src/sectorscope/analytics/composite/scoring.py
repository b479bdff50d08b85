"""The point score of an index: the whole chain of steps under the spec's nominal choices.

Why a module of its own: it is the build a published index is, and the Monte-Carlo draws must reproduce it
exactly under the nominal choices; keeping it apart from the steps shows which checks belong to the whole
chain (a unit with no indicator, "drop" leaving no unit) rather than to one step.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .aggregation import aggregate_batch, positive_batch
from .frames import point_frame
from .normalisation import frontier_ok, missing_batch, normalise_batch
from .spec import CompositeError, IndexSpec, expert_vector
from .weighting import weights_batch

__all__ = ["score"]


def _score_array(X: np.ndarray, spec: IndexSpec, normalisation: str, weighting: str, aggregation: str,
                 missing: str, expert: np.ndarray | None) -> np.ndarray:
    V = normalise_batch(missing_batch(X, missing), normalisation, spec.sign)
    W = weights_batch(V, weighting, expert)
    if aggregation == "geometric":
        V = positive_batch(V, spec.geometric_floor)
    return aggregate_batch(V, W, aggregation)


def score(point: pd.DataFrame, spec: IndexSpec) -> pd.Series:
    """The index: point scores of the units under the spec's nominal choices (missing treatment → normalise →
    weights → make positive if geometric → aggregate). Units left out by missing="drop" are not in the result.
    Higher is better; `rank(score(...))` gives 1 = best."""
    X = point_frame(point, spec)
    arr = X.to_numpy()
    gaps = np.isnan(arr)
    if spec.missing == "available" and gaps.all(axis=1).any():
        units = [str(u) for u in X.index[gaps.all(axis=1)]]
        raise CompositeError(f"index '{spec.name}': unit(s) {', '.join(units)} have none of the indicators; "
                             "remove them or use missing='mean'")
    if spec.missing == "drop" and gaps.any(axis=1).all():
        raise CompositeError(f"index '{spec.name}': missing='drop' leaves no unit (every unit lacks some "
                             "indicator); use missing='available' or 'mean'")
    if spec.normalisation == "frontier":
        frontier_ok(arr, spec.indicators, spec.name, "values")
    expert = expert_vector(spec.expert_weights, spec.indicators, spec.name).to_numpy() \
        if spec.weighting == "expert" else None
    s = _score_array(arr[None], spec, spec.normalisation, spec.weighting, spec.aggregation, spec.missing,
                     expert)[0]
    out = pd.Series(s, index=X.index, name=spec.name)
    return out[~gaps.any(axis=1)] if spec.missing == "drop" else out
