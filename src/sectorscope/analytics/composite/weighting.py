"""Weights of the indicators: equal, expert, or the handbook's PCA / factor-analysis weights.

Why a module of its own: the PCA weights (correlation, Kaiser's rule, varimax, squared loadings) are the one
step with real numerical machinery, and the Monte-Carlo recomputes them on every draw's data, so they are
vectorised over draws here once.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .arrays import nan_stats
from .frames import check_frame
from .spec import check_method, expert_vector

__all__ = ["weights", "weights_batch"]


def _varimax(L: np.ndarray, iters: int = 500, tol: float = 1e-5) -> np.ndarray:
    """Varimax rotation (Kaiser 1958, with Kaiser row normalisation) of loadings L, shape (draws, k, m),
    all draws at once: the SVD iteration of the usual algorithm (as R's `varimax`), each draw stopped when its
    criterion improves by less than `tol` (relative), the still-moving draws iterated together."""
    G, k, m = L.shape
    if m == 1:
        return L
    h = np.sqrt((L ** 2).sum(-1, keepdims=True))
    h = np.where(h > 0, h, 1.0)
    A = L / h
    R = np.broadcast_to(np.eye(m), (G, m, m)).copy()
    d_old = np.zeros(G)
    act = np.arange(G)
    for _ in range(iters):
        Aa = A[act]
        B = Aa @ R[act]
        grad = B * B * B - B * ((B * B).sum(axis=1, keepdims=True) / k)  # B ** 3 is ~100× slower
        u, s, vt = np.linalg.svd(np.swapaxes(Aa, 1, 2) @ grad)
        R[act] = u @ vt
        d = s.sum(-1)
        moving = d > d_old[act] * (1 + tol)
        d_old[act] = d
        act = act[moving]
        if not len(act):
            break
    return (A @ R) * h


def _pca_weights_batch(V: np.ndarray) -> np.ndarray:
    """The handbook's PCA / factor-analysis weights (section 6.1, after Nicoletti et al. 2000), per draw.

    1. Correlation matrix of the normalised indicators (gaps imputed with the indicator's mean, i.e. they add
       nothing to the cross products; blank rows left by "drop" change nothing).
    2. Principal components: eigenvectors of that matrix (numpy `eigh`); keep the components with eigenvalue
       > 1 (Kaiser's criterion; at least the first), loadings = eigenvector × √eigenvalue.
    3. Varimax-rotate the kept loadings, so each indicator loads mainly on one factor.
    4. Squared loadings scaled to unity sum per factor = the share of the factor's variance the indicator
       carries; each indicator joins the factor on which that share is largest (the handbook's intermediate
       composites), with weight = its share × the factor's share of the variance the kept factors explain.
    5. Re-scale to sum to 1. Weights are ≥ 0 by construction; an indicator that correlates with nothing gets
       a small weight. If every indicator is constant there is no structure, and the weights are equal.

    Why: the weights then reflect the statistical structure, correcting for indicators that say the same
    thing; with uncorrelated indicators PCA weights are noise, which the Monte-Carlo shows as wide intervals.
    """
    k = V.shape[2]
    gaps = np.isnan(V)
    Z = V - nan_stats(V, "mean")
    Z[gaps] = 0.0
    norm = np.sqrt((Z ** 2).sum(axis=1))  # (G, k)
    # a constant indicator leaves rounding error after centring; it must stay 0, not become a unit vector
    scale = np.sqrt((~gaps).sum(axis=1)) * nan_stats(np.abs(V), "max")[:, 0, :]
    norm = np.where(norm > 1e-12 * scale, norm, np.inf)
    Z = Z / norm[:, None, :]
    C = np.swapaxes(Z, 1, 2) @ Z  # correlation: cosine of the centred columns
    vals, vecs = np.linalg.eigh(C)
    vals, vecs = vals[:, ::-1], vecs[:, :, ::-1]
    kept = np.maximum((vals > 1.0).sum(-1), 1)
    # All draws in one rotation: each draw's loadings padded with zero columns up to the largest number of
    # kept components. A zero column stays zero under varimax (its row and column of the SVD's matrix are 0,
    # so the rotation is block-diagonal) and gets no weight, so padding changes nothing but the speed.
    mk = int(kept.max())
    L = vecs[:, :, :mk] * np.sqrt(np.clip(vals[:, None, :mk], 0, None))
    L = np.where(np.arange(mk)[None, None, :] < kept[:, None, None], L, 0.0)
    L2 = _varimax(L) ** 2
    ev = L2.sum(axis=1, keepdims=True)  # variance explained by each rotated factor, (G, 1, m)
    scaled = L2 / np.where(ev > 0, ev, 1.0)
    j = scaled.argmax(-1)  # each indicator's factor, (G, k)
    share = np.take_along_axis(scaled, j[..., None], -1)[..., 0]
    ev_tot = ev[:, 0, :].sum(-1, keepdims=True)
    W = share * np.take_along_axis(ev[:, 0, :] / np.where(ev_tot > 0, ev_tot, 1.0), j, -1)
    tot = W.sum(-1, keepdims=True)
    return np.where(tot > 0, W / np.where(tot > 0, tot, 1.0), 1.0 / k)


def weights_batch(V: np.ndarray, method: str, expert: np.ndarray | None) -> np.ndarray:
    """Weights (draws, k) of normalised values V (draws, units, k): `expert` (k,), re-scaled to sum to 1, is
    needed for "expert"; "pca" is recomputed on each draw's values."""
    G, _, k = V.shape
    if method == "equal":
        return np.full((G, k), 1.0 / k)
    if method == "expert":
        assert expert is not None, "expert weighting without expert weights"  # the callers resolve them first
        return np.broadcast_to(expert, (G, k)).copy()
    return _pca_weights_batch(V)


def weights(norm_frame: pd.DataFrame, method: str, expert: Mapping[str, float] | None = None) -> pd.Series:
    """Weights of the indicators (columns of a normalised frame), ≥ 0 and summing to 1.

    - "equal": 1 / k. The handbook's default when nothing argues otherwise.
    - "expert": the given weights (indicator → weight), re-scaled to sum to 1 (budget allocation, AHP ...).
    - "pca": weights from the statistical structure, the handbook's factor-analysis method — see
      `_pca_weights_batch` for the five steps (Kaiser's eigenvalue > 1 rule, varimax rotation, squared
      loadings scaled to unity sum, each indicator on its main factor, weighted by explained variance).
    """
    check_method(method, "weighting")
    f = check_frame(norm_frame, "the normalised frame")
    exp = expert_vector(expert, list(f.columns)).to_numpy() if method == "expert" else None
    w = weights_batch(f.to_numpy()[None], method, exp)[0]
    return pd.Series(w, index=f.columns, name="weight")
