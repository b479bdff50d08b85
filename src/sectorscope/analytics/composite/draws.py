"""The Monte-Carlo draws of an index: the problem resolved once, how a draw's choices, weight multipliers and
data are sampled, and how a batch of draws is scored and ranked.

Why a module of its own: the main sample and every pick-freeze sample of the sensitivity analysis must be
drawn from the same streams by the same code, or the paired ranks the sensitivity estimator compares would
differ for reasons other than the factor held fixed. Same seed, same draws.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aggregation import aggregate_batch, positive_batch
from .arrays import rank_avg
from .normalisation import frontier_ok, missing_batch, normalise_batch
from .spec import (
    AGGREGATIONS,
    CHOICES,
    NORMALISATIONS,
    CompositeError,
    IndexSpec,
    check_method,
    expert_vector,
)
from .weighting import weights_batch

__all__ = ["Problem", "Sample", "draw_levels", "draw_noise", "evaluate", "main_sample", "problem", "rng_for",
           "uniforms"]


@dataclass
class Problem:
    """Everything a batch of draws needs, resolved once."""

    spec: IndexSpec
    lo: np.ndarray        # (n, k) sampling lower bounds, NaN where missing
    width: np.ndarray     # (n, k) upper − lower, 0 for exact figures
    alts: dict[str, tuple[str, ...]]
    expert: np.ndarray | None
    kappa: float | None


def problem(X: pd.DataFrame, lower: pd.DataFrame | None, upper: pd.DataFrame | None, spec: IndexSpec,
            alternatives: Mapping[str, Sequence[str]] | None, notes: list[str]) -> Problem:
    """Resolve, once, what every draw needs: the sampling bounds of each cell, the levels of each choice (notes
    gain what the defaults left out), the expert weights and the weight concentration."""
    lo, hi = _sampling_bounds(X, lower, upper, spec)
    alts = _resolve_alternatives(alternatives, spec, lo, notes)
    if "available" in alts["missing"] and np.isnan(lo).all(axis=1).any():
        units = [str(u) for u in X.index[np.isnan(lo).all(axis=1)]]
        raise CompositeError(f"index '{spec.name}': unit(s) {', '.join(units)} have none of the indicators; "
                             "remove them or use missing='mean'")
    expert = (expert_vector(spec.expert_weights, spec.indicators, spec.name).to_numpy()
              if spec.expert_weights is not None else None)
    k = len(spec.indicators)
    return Problem(spec, lo, hi - lo, alts, expert, spec.weight_concentration if k > 1 else None)


def _sampling_bounds(X: pd.DataFrame, lower: pd.DataFrame | None, upper: pd.DataFrame | None,
                     spec: IndexSpec) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, the interval draws are sampled from: [lower, upper], an open side closed by
    open_bound_factor (see IndexSpec), a NaN bound read as the point value. Checks lower ≤ point ≤ upper."""
    v = X.to_numpy()

    def side(b: pd.DataFrame | None, what: str) -> np.ndarray:
        if b is None:
            return v.copy()
        if not isinstance(b, pd.DataFrame):
            raise CompositeError(f"index '{spec.name}': {what} must be a DataFrame like the point values")
        lacking = [i for i in spec.indicators if i not in b.columns]
        if lacking:
            raise CompositeError(f"index '{spec.name}': the {what} frame has no column for {', '.join(lacking)}")
        units = [str(u) for u in X.index if u not in b.index]
        if units:
            raise CompositeError(f"index '{spec.name}': the {what} frame has no row for unit(s) "
                                 f"{', '.join(units[:10])}")
        try:
            a = b.loc[X.index, list(spec.indicators)].astype(float).to_numpy()
        except (TypeError, ValueError) as exc:
            raise CompositeError(f"index '{spec.name}': non-numeric {what} bounds") from exc
        return np.where(np.isnan(a), v, a)

    lo, hi = side(lower, "lower"), side(upper, "upper")
    present = ~np.isnan(v)

    def cell(mask: np.ndarray) -> str:
        u, j = np.argwhere(mask)[0]
        return (f"unit {X.index[u]}, indicator {X.columns[j]} (point {v[u, j]:g}, lower {lo[u, j]:g}, "
                f"upper {hi[u, j]:g})")

    both_open = present & np.isneginf(lo) & np.isposinf(hi)
    if both_open.any():
        raise CompositeError(f"index '{spec.name}': both bounds open for {cell(both_open)}; give at least one "
                             "finite bound (or NaN bounds for an exact figure)")
    tol = 1e-9 * np.maximum(np.abs(v), 1.0)
    with np.errstate(invalid="ignore"):
        wrong = present & ((lo > v + tol) | (hi < v - tol) | np.isposinf(lo) | np.isneginf(hi))
    if wrong.any():
        raise CompositeError(f"index '{spec.name}': the point lies outside its interval for {cell(wrong)}; "
                             "fix the bounds so that lower ≤ point ≤ upper")
    f = spec.open_bound_factor
    with np.errstate(invalid="ignore"):
        up_open, down_open = np.isposinf(hi), np.isneginf(lo)
        hi = np.where(up_open, np.where(lo > 0, lo * f, lo / f), hi)
        lo = np.where(down_open, np.where(hi > 0, hi / f, hi * f), lo)
        lo = np.minimum(lo, v)
        hi = np.maximum(hi, v)
    lo[~present] = np.nan
    hi[~present] = np.nan
    return lo, hi


def _resolve_alternatives(alternatives: Mapping[str, Sequence[str]] | None, spec: IndexSpec,
                          lo: np.ndarray, notes: list[str]) -> dict[str, tuple[str, ...]]:
    nominal = {c: getattr(spec, c) for c in CHOICES}
    nonnegative = not (np.nan_to_num(lo, nan=0.0) < 0).any()
    if alternatives is None:
        norms = [m for m in NORMALISATIONS if m != "frontier" or nonnegative or nominal["normalisation"] == m]
        if len(norms) < len(NORMALISATIONS) and nominal["normalisation"] != "frontier":
            notes.append("'frontier' left out of the default normalisations: some values (or their lower "
                         "bounds) are below 0")
        alts = {"normalisation": tuple(norms), "weighting": tuple(dict.fromkeys([nominal["weighting"], "equal",
                                                                                  "pca"])),
                "aggregation": AGGREGATIONS, "missing": (nominal["missing"],)}
    else:
        unknown = [str(k) for k in alternatives if k not in CHOICES]
        if unknown:
            raise CompositeError(f"index '{spec.name}': unknown choice(s) in alternatives: {', '.join(unknown)}; "
                                 f"the choices are {', '.join(CHOICES)}")
        alts = {}
        for c in CHOICES:
            levels = alternatives.get(c, [nominal[c]])
            if isinstance(levels, str):
                levels = [levels]
            levels = tuple(dict.fromkeys(levels))
            if not levels:
                raise CompositeError(f"index '{spec.name}': alternatives['{c}'] is empty; list at least one level")
            for lv in levels:
                check_method(lv, c, spec.name)
            alts[c] = levels
    if "expert" in alts["weighting"] and spec.expert_weights is None:
        raise CompositeError(f"index '{spec.name}': 'expert' weighting among the alternatives needs "
                             "spec.expert_weights")
    if "frontier" in alts["normalisation"] and not nonnegative:
        frontier_ok(lo, spec.indicators, spec.name, "values or lower bounds")
    if "drop" in alts["missing"] and np.isnan(lo).any(axis=1).all():
        raise CompositeError(f"index '{spec.name}': missing='drop' leaves no unit; every unit lacks some indicator")
    return alts


def rng_for(seed: int, *key: int) -> np.random.Generator:
    """The generator keyed (stream, role[, block]) under `seed`: independent streams that a run can re-create
    in any order (the sensitivity analysis re-creates the main sample's data draws)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def draw_levels(alts: dict[str, tuple[str, ...]], D: int, rng: np.random.Generator) -> np.ndarray:
    """Level indices (D, 4) for the four choices: combinations balanced (each appears ⌊D/c⌋ or ⌈D/c⌉ times,
    in random order), so every combination of levels is equally likely and the choices are independent."""
    shape = tuple(len(alts[c]) for c in CHOICES)
    combos = rng.permutation(np.arange(D) % int(np.prod(shape)))
    return np.stack(np.unravel_index(combos, shape), axis=1)


def draw_noise(P: Problem, D: int, rng: np.random.Generator) -> np.ndarray | None:
    """Gamma(κ, 1/κ) weight multipliers (D, k), or None when weights are not perturbed."""
    k = P.lo.shape[1]
    if P.kappa is None:
        return None
    return rng.gamma(P.kappa, 1.0 / P.kappa, size=(D, k))


def uniforms(P: Problem, seed: int, stream: int, b: int, size: int) -> np.ndarray:
    """Uniform(0, 1) draws (size, n, k) of block `b` of a stream: where in its interval each cell is sampled."""
    n, k = P.lo.shape
    return rng_for(seed, stream, 2, b).random((size, n, k))


def evaluate(P: Problem, lev: np.ndarray, noise: np.ndarray | None, U: np.ndarray) -> tuple[np.ndarray, ...]:
    """Scores and ranks (C, n) of C draws: data lo + U·width, choice levels `lev`, weight multipliers
    `noise`. Draws are grouped by choice combination so each group is one vectorised pass."""
    X = P.lo + U * P.width
    C, n, _ = X.shape
    S = np.full((C, n), np.nan)
    a = P.alts
    for mi, miss in enumerate(a["missing"]):
        im = np.flatnonzero(lev[:, 3] == mi)
        if not len(im):
            continue
        Xm = missing_batch(X[im], miss)
        for ni, norm in enumerate(a["normalisation"]):
            sel_n = lev[im, 0] == ni
            if not sel_n.any():
                continue
            i_n = im[sel_n]
            V = normalise_batch(Xm[sel_n], norm, P.spec.sign)
            for wi, wname in enumerate(a["weighting"]):
                sel_w = lev[i_n, 1] == wi
                if not sel_w.any():
                    continue
                i_w = i_n[sel_w]
                Vw = V[sel_w]
                W = weights_batch(Vw, wname, P.expert)
                if noise is not None:
                    W = W * noise[i_w]
                    W = W / W.sum(-1, keepdims=True)
                for ai, agg in enumerate(a["aggregation"]):
                    sel_a = lev[i_w, 2] == ai
                    if not sel_a.any():
                        continue
                    Va = Vw[sel_a]
                    if agg == "geometric":
                        Va = positive_batch(Va, P.spec.geometric_floor)
                    S[i_w[sel_a]] = aggregate_batch(Va, W[sel_a], agg)
    return S, rank_avg(-S, axis=1)


@dataclass
class Sample:
    """The main Monte-Carlo sample: per draw, the choice levels (D, 4), the weight multipliers (D, k; None when
    weights are not perturbed), and the scores and ranks of the units (D, n)."""

    levels: np.ndarray
    noise: np.ndarray | None
    scores: np.ndarray
    ranks: np.ndarray


def main_sample(P: Problem, D: int, seed: int, block: int) -> Sample:
    """D draws (stream 0 of `seed`), evaluated `block` draws at a time."""
    n = P.lo.shape[0]
    lev_a = draw_levels(P.alts, D, rng_for(seed, 0, 0))
    noise_a = draw_noise(P, D, rng_for(seed, 0, 1))
    R = np.empty((D, n))
    S = np.empty((D, n))
    for b, s0 in enumerate(range(0, D, block)):
        s1 = min(D, s0 + block)
        sl = slice(s0, s1)
        S[sl], R[sl] = evaluate(P, lev_a[sl], None if noise_a is None else noise_a[sl],
                                uniforms(P, seed, 0, b, s1 - s0))
    return Sample(lev_a, noise_a, S, R)
