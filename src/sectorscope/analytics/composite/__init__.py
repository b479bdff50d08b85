"""Composite indices the way the JRC / OECD *Handbook on Constructing Composite Indicators* (2008) builds
them, and the Monte-Carlo uncertainty and sensitivity analysis it recommends.

Why a library of its own: an index is a chain of choices (how to normalise, how to weight, how to aggregate,
what to do with gaps) applied to figures that are themselves intervals (rounded, or only bounded: 以上 /
以下). A rank published without saying how much those choices and intervals move it is a bare point, which
DESIGN.md forbids. So every step here is a named choice, and `uncertainty` re-runs the chain thousands of
times with the choices, the weights and the data drawn at random, to give rank intervals and to say which
choice moves ranks most.

Pure numpy / pandas: the caller passes frames (units × indicators); nothing here reads the store. The package
holds one module per step (spec, normalisation, weighting, aggregation, scoring) and the Monte-Carlo (draws,
sensitivity, montecarlo); this module gathers what a caller uses.

    spec = IndexSpec("mems", ["output", "patents", "import_dep"], {"output": 1, "patents": 1, "import_dep": -1})
    s = score(point, spec)                                   # point scores
    u = uncertainty(point, lower, upper, spec)               # ranks with intervals, and sensitivity
    u.summary()

The steps, each usable on its own:

- `normalise(frame, method, directions)` makes indicators comparable and turns every one so that higher is
  better: "minmax", "zscore", "rank", "frontier" (see `normalise`).
- `weights(norm, method, expert)`: "equal", "expert", "pca" (the handbook's factor-analysis weights).
- `make_positive(norm, floor)` shifts normalised values so geometric aggregation is defined.
- `aggregate(norm, w, method)`: "arithmetic" or "geometric", available-case (weights re-scaled over the
  indicators a unit has).
- `rank(scores)`: 1 = best; ties share the average of the ranks they span.

Every function raises `CompositeError` (an `InputError`) naming the index, unit or indicator at fault.
"""
from __future__ import annotations

from .aggregation import aggregate, make_positive, rank
from .montecarlo import Uncertainty, uncertainty
from .normalisation import normalise
from .scoring import score
from .spec import (
    AGGREGATIONS,
    FACTORS,
    MISSING,
    NORMALISATIONS,
    QUANTILES,
    WEIGHTINGS,
    CompositeError,
    IndexSpec,
)
from .weighting import weights

__all__ = [
    "AGGREGATIONS",
    "FACTORS",
    "MISSING",
    "NORMALISATIONS",
    "QUANTILES",
    "WEIGHTINGS",
    "CompositeError",
    "IndexSpec",
    "Uncertainty",
    "aggregate",
    "make_positive",
    "normalise",
    "rank",
    "score",
    "uncertainty",
    "weights",
]
