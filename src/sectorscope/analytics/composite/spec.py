"""The choices a composite index is made of, and the spec that names one choice at each step.

Why a module of its own: every other part of the package (the steps, the point score, the Monte-Carlo) reads
the same list of methods and the same spec, and a bad spec must be refused once, where it is made, with a
message naming the index and the indicator at fault.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import CompositeError

__all__ = [
    "AGGREGATIONS",
    "CHOICES",
    "FACTORS",
    "MISSING",
    "NORMALISATIONS",
    "QUANTILES",
    "WEIGHTINGS",
    "CompositeError",
    "IndexSpec",
    "check_method",
    "expert_vector",
]

NORMALISATIONS = ("minmax", "zscore", "rank", "frontier")
WEIGHTINGS = ("equal", "expert", "pca")
AGGREGATIONS = ("arithmetic", "geometric")
MISSING = ("available", "mean", "drop")
#: The uncertain input factors of `uncertainty`, in the order of its sensitivity table: the four choices,
#: then the weight perturbation and the data sampled within their intervals.
FACTORS = ("normalisation", "weighting", "aggregation", "missing", "weights", "data")
CHOICES = FACTORS[:4]
_METHODS = {"normalisation": NORMALISATIONS, "weighting": WEIGHTINGS, "aggregation": AGGREGATIONS,
            "missing": MISSING}
#: Quantiles reported for scores and ranks.
QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)


@dataclass(frozen=True)
class IndexSpec:
    """One composite index: which indicators, which way each points, and the nominal choice at every step.

    The nominal choices give the point score (`score`); `uncertainty` varies them. Fields:

    - `directions`: +1 when more is better, -1 when less is better (import dependence, lead time). Every
      indicator needs one: guessing a direction silently inverts a ranking.
    - `normalisation`, `weighting`, `aggregation`, `missing`: see the module docstring and the functions of the
      same name. `missing`: "available" re-weights each unit over the indicators it has (the handbook's
      available-case analysis), "mean" imputes the indicator's mean over units (unconditional mean
      imputation, before normalisation), "drop" leaves out every unit missing any indicator (case deletion).
    - `expert_weights`: indicator → non-negative weight (re-scaled to sum to 1); needed for "expert".
    - `open_bound_factor` (1.5): how far an open interval is sampled. A lower bound v (以上: lower = v, upper =
      +inf) is sampled in [v, v × factor] (for v < 0: [v, v / factor]); an upper bound u (以下: lower = -inf)
      in [u / factor, u] (for u < 0: [u × factor, u]) — the mirror image on a log scale. "At least 100" is read
      as "100 to 150": a modelling choice, stated so it can be argued with; a bound at 0 stays 0.
    - `weight_concentration` κ (50): in each Monte-Carlo draw every weight is multiplied by an independent
      Gamma(κ, 1/κ) factor (mean 1, standard deviation 1/√κ ≈ 0.14) and the weights re-scaled to sum to 1;
      for equal nominal weights that is exactly a Dirichlet(κ, …, κ) draw around them. 0.14 is the standard
      deviation of the uniform ±25 % weight range of the JRC's index audits. None: weights are not perturbed.
    - `geometric_floor` (0.01): the smallest normalised value geometric aggregation sees (`make_positive`).
    - `draws` (10 000) and `seed`: the Monte-Carlo defaults of `uncertainty`.
    """

    name: str
    indicators: Sequence[str]
    directions: Mapping[str, int]
    normalisation: str = "minmax"
    weighting: str = "equal"
    aggregation: str = "arithmetic"
    missing: str = "available"
    expert_weights: Mapping[str, float] | None = None
    open_bound_factor: float = 1.5
    weight_concentration: float | None = 50.0
    geometric_floor: float = 0.01
    draws: int = 10_000
    seed: int = 0

    def __post_init__(self) -> None:
        name = self.name
        inds = tuple(str(i) for i in self.indicators) if not isinstance(self.indicators, str) else (self.indicators,)
        if not inds:
            raise CompositeError(f"index '{name}': no indicators; list the indicators the index combines")
        dup = sorted({i for i in inds if inds.count(i) > 1})
        if dup:
            raise CompositeError(f"index '{name}': indicator(s) listed twice: {', '.join(dup)}")
        object.__setattr__(self, "indicators", inds)
        dirs = dict(self.directions or {})
        lacking = [i for i in inds if i not in dirs]
        if lacking:
            raise CompositeError(f"index '{name}': no direction for {', '.join(lacking)}; give +1 (more is better) "
                                 "or -1 (less is better) for each")
        bad = [f"{i}={dirs[i]!r}" for i in inds if dirs[i] not in (1, -1)]
        if bad:
            raise CompositeError(f"index '{name}': directions must be +1 or -1, got {', '.join(bad)}")
        object.__setattr__(self, "directions", {i: int(dirs[i]) for i in inds})
        for what in CHOICES:
            check_method(getattr(self, what), what, name)
        if self.expert_weights is not None:
            object.__setattr__(self, "expert_weights", expert_vector(self.expert_weights, inds, name).to_dict())
        elif self.weighting == "expert":
            raise CompositeError(f"index '{name}': weighting 'expert' needs expert_weights (indicator → weight)")
        if not (self.open_bound_factor >= 1 and math.isfinite(self.open_bound_factor)):
            raise CompositeError(f"index '{name}': open_bound_factor must be a finite number ≥ 1, "
                                 f"got {self.open_bound_factor!r}")
        if self.weight_concentration is not None and not self.weight_concentration > 0:
            raise CompositeError(f"index '{name}': weight_concentration must be > 0 (or None for no weight "
                                 f"perturbation), got {self.weight_concentration!r}")
        if not self.geometric_floor > 0:
            raise CompositeError(f"index '{name}': geometric_floor must be > 0, got {self.geometric_floor!r}")
        if int(self.draws) < 1:
            raise CompositeError(f"index '{name}': draws must be ≥ 1, got {self.draws!r}")

    def __hash__(self) -> int:  # the mappings are frozen by convention; hash their items (specs as cache keys)
        return hash((self.name, self.indicators, tuple(self.directions.items()), self.normalisation,
                     self.weighting, self.aggregation, self.missing,
                     None if self.expert_weights is None else tuple(self.expert_weights.items()),
                     self.open_bound_factor, self.weight_concentration, self.geometric_floor, self.draws, self.seed))

    @property
    def sign(self) -> np.ndarray:
        return np.array([self.directions[i] for i in self.indicators], dtype=float)


def check_method(method: object, what: str, where: str | None = None) -> str:
    """The method, if it is one of the levels of choice `what`; else a CompositeError listing them."""
    allowed = _METHODS[what]
    if method not in allowed:
        at = f"index '{where}': " if where else ""
        raise CompositeError(f"{at}unknown {what} method {method!r}; choose one of {', '.join(allowed)}")
    return str(method)


def expert_vector(expert: Mapping[str, float] | pd.Series | None, indicators: Sequence[str],
                   where: str | None = None) -> pd.Series:
    """Expert weights as a Series over `indicators`, checked (exactly those, finite, ≥ 0, not all 0) and
    re-scaled to sum to 1."""
    at = f"index '{where}': " if where else ""
    if expert is None:
        raise CompositeError(f"{at}weighting 'expert' needs expert weights (indicator → weight)")
    expert = dict(expert)
    lacking = [i for i in indicators if i not in expert]
    extra = [str(k) for k in expert if k not in indicators]
    if lacking or extra:
        raise CompositeError(f"{at}expert weights must name exactly the index's indicators"
                             + (f"; missing: {', '.join(lacking)}" if lacking else "")
                             + (f"; not in the index: {', '.join(extra)}" if extra else ""))
    w = pd.Series({i: float(expert[i]) for i in indicators}, dtype=float)
    bad = w[~np.isfinite(w) | (w < 0)]
    if len(bad):
        raise CompositeError(f"{at}expert weights must be finite and ≥ 0; got "
                             + ", ".join(f"{i}={v!r}" for i, v in bad.items()))
    if w.sum() <= 0:
        raise CompositeError(f"{at}expert weights sum to 0; give at least one indicator a positive weight")
    return w / w.sum()
