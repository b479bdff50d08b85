"""The Monte-Carlo uncertainty analysis of an index (handbook step 7): rank intervals, and which choice moves
ranks most.

Why a module of its own: a rank published without saying how much the choices and the data's intervals move
it is a bare point, which DESIGN.md forbids. This is the entry point that runs the draws (draws.py) and the
sensitivity analysis (sensitivity.py), and the result type everything downstream reads.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .aggregation import rank
from .draws import Sample, main_sample, problem
from .frames import point_frame
from .scoring import score
from .sensitivity import sensitivity
from .spec import QUANTILES, CompositeError, IndexSpec

__all__ = ["Uncertainty", "uncertainty"]


@dataclass(frozen=True)
class Uncertainty:
    """What `uncertainty` found. Units are the rows of the point frame throughout.

    - `scores`, `ranks`: point values under the nominal choices (rank 1 = best, ties averaged).
    - `score_quantiles`, `rank_quantiles`: units × QUANTILES over the draws. Rank quantiles are observed ranks
      (numpy's "inverted_cdf"): the 95 % interval contains every rank a unit takes in more than 2.5 % of the
      draws. Score quantiles (linear interpolation) mix the scales of the normalisations drawn — compare
      units by rank across choices, by score only within one normalisation.
    - `median_rank`; `rank_interval_80` (10–90 %) and `rank_interval_95` (2.5–97.5 %): columns lower, upper.
    - `sensitivity`: one row per factor of FACTORS, sorted by `first_order`, largest first — which choice
      moves ranks most. Columns: `varied`, `levels` (what was drawn), `first_order` (share of the rank
      variance, pooled over units, that the factor explains alone), `first_order_unit_mean` (the mean of
      the per-unit shares, over units whose rank varies), `pairs` (draws the estimate used). See
      `uncertainty` for the estimator.
    - `ranked_share`: share of draws in which the unit was ranked (< 1 only when missing="drop" is drawn).
    - `rank_draws`: draws × units array of every main-sample rank (for histograms).
    - `alternatives`, `n_draws`, `seed`, `notes`: what was run.
    """

    name: str
    scores: pd.Series
    ranks: pd.Series
    score_quantiles: pd.DataFrame
    rank_quantiles: pd.DataFrame
    median_rank: pd.Series
    rank_interval_80: pd.DataFrame
    rank_interval_95: pd.DataFrame
    sensitivity: pd.DataFrame
    ranked_share: pd.Series
    rank_draws: np.ndarray = field(repr=False)
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    n_draws: int = 0
    seed: int = 0
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """One row per unit, best point rank first: score, rank, median rank and the two rank intervals."""
        out = pd.DataFrame({
            "score": self.scores, "rank": self.ranks, "median_rank": self.median_rank,
            "rank_80_lower": self.rank_interval_80["lower"], "rank_80_upper": self.rank_interval_80["upper"],
            "rank_95_lower": self.rank_interval_95["lower"], "rank_95_upper": self.rank_interval_95["upper"],
        })
        return out.sort_values(["rank", "median_rank"], na_position="last")


def uncertainty(point: pd.DataFrame, lower: pd.DataFrame | None, upper: pd.DataFrame | None, spec: IndexSpec,
                alternatives: Mapping[str, Sequence[str]] | None = None, n_draws: int | None = None,
                seed: int | None = None, *, sensitivity_draws: int | None = None,
                block: int = 1000) -> Uncertainty:
    """Monte-Carlo uncertainty and sensitivity analysis of an index (handbook step 7; Saisana, Saltelli and
    Tarantola 2005).

    Each of the `n_draws` draws (default spec.draws) samples, independently:
    - data: every cell uniformly within its interval (`lower`, `upper`: frames like `point`; None or NaN bounds
      = exact figure; open bounds closed by spec.open_bound_factor); missing cells stay missing;
    - weights: the nominal weights of the drawn weighting (PCA recomputed on the draw's data) times
      independent Gamma(κ, 1/κ) multipliers, re-scaled (κ = spec.weight_concentration; None: no perturbation);
    - one level of each choice among `alternatives` (choice → levels; a choice not named stays at the spec's
      level). Default: every normalisation (frontier only if no value can go below 0) × both aggregations ×
      the spec's weighting, equal and pca; missing treatment as in the spec. Combinations are balanced.

    Sensitivity — the first-order (Sobol) index of each factor: the share of a unit's rank variance that the
    factor explains on its own, Var(E[rank | factor]) / Var(rank), pooled over units (Σ numerators / Σ
    denominators, so units whose rank hardly moves weigh little). Estimated by pick-freeze: for each factor
    that varies, `sensitivity_draws` (default max(n_draws // 4, min(n_draws, 500))) extra draws keep that
    factor's value from the main draws and resample all other factors; the covariance of the paired ranks is
    Var(E[rank | factor]) (Janon et al. 2014 estimator, which is asymptotically efficient). The six factors are
    the four choices, the weight multipliers (as a group) and the data (all cells as a group). First-order
    indices sum to ≤ 1; what is left is interaction (e.g. a normalisation that matters only under geometric
    aggregation). Sampling error is about 1/√pairs; `sensitivity_draws=0` skips the analysis.

    Everything is vectorised over draws, `block` draws at a time (memory ~ block × units × indicators × 8 bytes
    × a dozen), grouped by choice combination. Same seed, same result.
    """
    X = point_frame(point, spec)
    D = int(n_draws if n_draws is not None else spec.draws)
    seed = int(spec.seed if seed is None else seed)
    if D < 1:
        raise CompositeError(f"index '{spec.name}': n_draws must be ≥ 1, got {D}")
    notes: list[str] = []
    P = problem(X, lower, upper, spec, alternatives, notes)
    pt = score(X, spec).reindex(X.index)
    block = max(1, int(block))
    main = main_sample(P, D, seed, block)
    Ns = (max(D // 4, min(D, 500)) if sensitivity_draws is None else min(int(sensitivity_draws), D))
    sens = sensitivity(P, main, seed, Ns, block, notes)
    return _result(spec.name, pt, main, sens, P.alts, D, seed, tuple(notes))


def _result(name: str, pt: pd.Series, main: Sample, sens: pd.DataFrame, alts: dict[str, tuple[str, ...]],
            D: int, seed: int, notes: tuple[str, ...]) -> Uncertainty:
    """The Uncertainty of a run: point scores and ranks, and the quantiles of the main sample's draws."""
    S, R = main.scores, main.ranks
    units = pt.index
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sq = np.nanquantile(S, QUANTILES, axis=0)
        rq = np.nanquantile(R, QUANTILES, axis=0, method="inverted_cdf")
    sq_f = pd.DataFrame(sq.T, index=units, columns=list(QUANTILES))
    rq_f = pd.DataFrame(rq.T, index=units, columns=list(QUANTILES))
    return Uncertainty(
        name=name, scores=pt, ranks=rank(pt), score_quantiles=sq_f, rank_quantiles=rq_f,
        median_rank=rq_f[0.5].rename("median_rank"),
        rank_interval_80=pd.DataFrame({"lower": rq_f[0.1], "upper": rq_f[0.9]}),
        rank_interval_95=pd.DataFrame({"lower": rq_f[0.025], "upper": rq_f[0.975]}),
        sensitivity=sens, ranked_share=pd.Series((~np.isnan(R)).mean(0), index=units, name="ranked_share"),
        rank_draws=R, alternatives=alts, n_draws=D, seed=seed, notes=notes)
