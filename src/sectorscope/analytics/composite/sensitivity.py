"""Which uncertain factor moves an index's ranks most: first-order Sobol indices by pick-freeze.

Why a module of its own: the estimator (Janon et al. 2014) and the extra samples it needs are a method of
their own, separate from the rank intervals; a reader checking how "normalisation explains 40 % of the rank
variance" was computed should find it all here.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .draws import Problem, Sample, draw_levels, draw_noise, evaluate, rng_for, uniforms
from .spec import CHOICES, FACTORS

__all__ = ["sensitivity"]


def sensitivity(P: Problem, main: Sample, seed: int, Ns: int, block: int, notes: list[str]) -> pd.DataFrame:
    """The sensitivity table of `uncertainty`: one row per factor of FACTORS, sorted by `first_order`, largest
    first. A factor that varies gets `Ns` pick-freeze draws (stream = its position in FACTORS + 1) that keep its
    value from the main sample and resample everything else; one that does not vary explains 0. `notes` gains
    how much of the rank variance is left to interactions."""
    alts = P.alts
    uncertain_cells = int((np.nan_to_num(P.width) > 0).sum())
    varied = {c: len(alts[c]) > 1 for c in CHOICES}
    varied["weights"] = P.kappa is not None
    varied["data"] = uncertain_cells > 0
    describe = {c: ", ".join(alts[c]) for c in CHOICES}
    describe["weights"] = (f"Gamma(κ={P.kappa:g}) multipliers" if P.kappa is not None else "nominal (not perturbed)")
    describe["data"] = f"uniform within intervals ({uncertain_cells:,} of {int((~np.isnan(P.lo)).sum()):,} cells)"
    rows = []
    for fi, fac in enumerate(FACTORS):
        fo = fm = np.nan
        pairs = 0
        if varied[fac] and Ns > 1:
            Rf = _paired_ranks(P, main, fac, fi + 1, seed, Ns, block)
            fo, fm = _first_order(main.ranks[:Ns], Rf)
            pairs = Ns
        elif not varied[fac]:
            fo = fm = 0.0
        rows.append({"factor": fac, "varied": varied[fac], "levels": describe[fac], "first_order": fo,
                     "first_order_unit_mean": fm, "pairs": pairs})
    sens = pd.DataFrame(rows).set_index("factor")
    sens = sens.sort_values(["first_order", "varied"], ascending=[False, False], na_position="last")
    if Ns > 1 and sens["first_order"].notna().any():
        tot = float(sens["first_order"].sum())
        notes.append(f"first-order effects sum to {tot:.2f}; the rest ({1 - tot:.2f}) is interaction between "
                     f"factors (plus sampling error ≈ {1 / math.sqrt(Ns):.2f} per estimate)")
    return sens


def _paired_ranks(P: Problem, main: Sample, fac: str, stream: int, seed: int, Ns: int, block: int) -> np.ndarray:
    """Ranks (Ns, n) of draws that share only factor `fac` with the first Ns draws of the main sample: the
    choice's level, the weight multipliers, or (for "data") the uniforms of stream 0, block by block."""
    D, n = main.ranks.shape
    lev_f = draw_levels(P.alts, Ns, rng_for(seed, stream, 0))
    noise_f = draw_noise(P, Ns, rng_for(seed, stream, 1))
    if fac in CHOICES:
        lev_f[:, CHOICES.index(fac)] = main.levels[:Ns, CHOICES.index(fac)]
    elif fac == "weights" and main.noise is not None:  # varied only when weights are perturbed
        noise_f = main.noise[:Ns]
    Rf = np.empty((Ns, n))
    for b, s0 in enumerate(range(0, Ns, block)):
        s1 = min(Ns, s0 + block)
        if fac == "data":
            U = uniforms(P, seed, 0, b, min(D, s0 + block) - s0)[: s1 - s0]
        else:
            U = uniforms(P, seed, stream, b, s1 - s0)
        _, Rf[s0:s1] = evaluate(P, lev_f[s0:s1], None if noise_f is None else noise_f[s0:s1], U)
    return Rf


def _first_order(y: np.ndarray, yp: np.ndarray) -> tuple[float, float]:
    """Janon et al. (2014) pick-freeze estimator of the first-order Sobol index, per unit, from paired ranks
    y = f(X) and y' = f(X') where X' shares only the factor of interest with X; returns (pooled over units,
    mean over units whose rank varies)."""
    ok = ~np.isnan(y) & ~np.isnan(yp)
    N = ok.sum(0)
    y0, yp0 = np.where(ok, y, 0.0), np.where(ok, yp, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (y0 + yp0).sum(0) / (2 * N)
        vf = (y0 * yp0).sum(0) / N - m ** 2
        v = ((y0 ** 2 + yp0 ** 2) / 2).sum(0) / N - m ** 2
    use = (N > 1) & (v > 1e-12)
    if not use.any():
        return 0.0, 0.0
    return float(vf[use].sum() / v[use].sum()), float(np.mean(vf[use] / v[use]))
