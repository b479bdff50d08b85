"""Composite indices the way the JRC / OECD *Handbook on Constructing Composite Indicators* (2008) builds
them, and the Monte-Carlo uncertainty and sensitivity analysis it recommends.

Why a library of its own: an index is a chain of choices (how to normalise, how to weight, how to aggregate,
what to do with gaps) applied to figures that are themselves intervals (rounded, or only bounded: 以上 /
以下). A rank published without saying how much those choices and intervals move it is a bare point, which
DESIGN.md forbids. So every step here is a named choice, and `uncertainty` re-runs the chain thousands of
times with the choices, the weights and the data drawn at random, to give rank intervals and to say which
choice moves ranks most.

Pure numpy / pandas: the caller passes frames (units × indicators); nothing here reads the store.

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

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = [
    "CompositeError",
    "IndexSpec",
    "Uncertainty",
    "NORMALISATIONS",
    "WEIGHTINGS",
    "AGGREGATIONS",
    "MISSING",
    "FACTORS",
    "QUANTILES",
    "normalise",
    "weights",
    "make_positive",
    "aggregate",
    "rank",
    "score",
    "uncertainty",
]

NORMALISATIONS = ("minmax", "zscore", "rank", "frontier")
WEIGHTINGS = ("equal", "expert", "pca")
AGGREGATIONS = ("arithmetic", "geometric")
MISSING = ("available", "mean", "drop")
#: The uncertain input factors of `uncertainty`, in the order of its sensitivity table: the four choices,
#: then the weight perturbation and the data sampled within their intervals.
FACTORS = ("normalisation", "weighting", "aggregation", "missing", "weights", "data")
_CHOICES = FACTORS[:4]
_METHODS = {"normalisation": NORMALISATIONS, "weighting": WEIGHTINGS, "aggregation": AGGREGATIONS,
            "missing": MISSING}
#: Quantiles reported for scores and ranks.
QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)


class CompositeError(InputError):
    """A composite index cannot be computed from what was passed (bad spec, frame, interval or method).

    An `InputError`, so a caller that already catches bad input catches this too; the message names the index,
    unit or indicator and says what to change."""


# ================================================================================================
# the specification
# ================================================================================================
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
        for what in _CHOICES:
            _check_method(getattr(self, what), what, name)
        if self.expert_weights is not None:
            object.__setattr__(self, "expert_weights", _expert_vector(self.expert_weights, inds, name).to_dict())
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


def _check_method(method: object, what: str, where: str | None = None) -> str:
    allowed = _METHODS[what]
    if method not in allowed:
        at = f"index '{where}': " if where else ""
        raise CompositeError(f"{at}unknown {what} method {method!r}; choose one of {', '.join(allowed)}")
    return method  # type: ignore[return-value]


def _expert_vector(expert: Mapping[str, float] | pd.Series | None, indicators: Sequence[str],
                   where: str | None = None) -> pd.Series:
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


# ================================================================================================
# the vectorised core: arrays of shape (draws, units, indicators)
# ================================================================================================
# `score` runs these on one draw (shape (1, n, k)) and `uncertainty` on thousands at once, through the same
# code, so a Monte-Carlo draw with the nominal choices and the point data reproduces the point score exactly.


def _nan_stats(X: np.ndarray, which: str) -> np.ndarray:
    """min / max / mean / std (ddof 0) over units (axis 1), ignoring NaN, keepdims; NaN for an empty column."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if which == "min":
            return np.nanmin(X, axis=1, keepdims=True)
        if which == "max":
            return np.nanmax(X, axis=1, keepdims=True)
        if which == "mean":
            return np.nanmean(X, axis=1, keepdims=True)
        mu = np.nanmean(X, axis=1, keepdims=True)
        return np.sqrt(np.nanmean((X - mu) ** 2, axis=1, keepdims=True))


def _rank_avg(X: np.ndarray, axis: int) -> np.ndarray:
    """Ascending ranks 1..m along `axis` (m = values present), ties averaged, NaN left NaN. Vectorised over the
    other axes: sort once, find each tie run's first and last position by running max / min, scatter back."""
    Y = np.moveaxis(X, axis, -1)
    order = np.argsort(Y, axis=-1, kind="stable")  # NaN sorts last
    s = np.take_along_axis(Y, order, axis=-1)
    n = s.shape[-1]
    pos = np.broadcast_to(np.arange(n), s.shape)
    new = np.ones(s.shape, dtype=bool)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    last = np.ones(s.shape, dtype=bool)
    last[..., :-1] = new[..., 1:]
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)
    end = np.minimum.accumulate(np.where(last, pos, n - 1)[..., ::-1], axis=-1)[..., ::-1]
    out = np.empty(s.shape, dtype=float)
    np.put_along_axis(out, order, (start + end) / 2.0 + 1.0, axis=-1)
    out[np.isnan(Y)] = np.nan
    return np.moveaxis(out, -1, axis)


def _missing_batch(X: np.ndarray, method: str) -> np.ndarray:
    """Apply the missing-data treatment. "drop" blanks the whole row of a unit missing anything (so every
    NaN-aware statistic below ignores it, as if it had been removed); "mean" fills gaps with the indicator's
    mean over units of the same draw; "available" leaves gaps for `_aggregate_batch` to re-weight around."""
    gaps = np.isnan(X)
    if method == "available" or not gaps.any():
        return X
    if method == "mean":
        return np.where(gaps, _nan_stats(X, "mean"), X)
    return np.where(gaps.any(axis=2, keepdims=True), np.nan, X)


def _normalise_batch(X: np.ndarray, method: str, sign: np.ndarray) -> np.ndarray:
    gaps = np.isnan(X)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "frontier":
            mx, mn = _nan_stats(X, "max"), _nan_stats(X, "min")
            up = np.where(mx > 0, X / np.where(mx > 0, mx, 1.0), 1.0)     # x / best, best = max
            down = np.where(X > 0, mn / np.where(X > 0, X, 1.0), 1.0)     # best / x, best = min
            out = np.where(sign > 0, up, down)
        else:
            O = X * sign
            if method == "minmax":
                mn, mx = _nan_stats(O, "min"), _nan_stats(O, "max")
                span = mx - mn
                out = np.where(span > 0, (O - mn) / np.where(span > 0, span, 1.0), 0.5)
            elif method == "zscore":
                mu, sd = _nan_stats(O, "mean"), _nan_stats(O, "std")
                # equal values give a rounding-error sd (0.1 × 3 / 3 ≠ 0.1): constant below 1e-12 relative
                varies = sd > 1e-12 * np.maximum(_nan_stats(np.abs(O), "max"), 1e-300)
                out = np.where(varies, (O - mu) / np.where(varies, sd, 1.0), 0.0)
            else:  # rank
                r = _rank_avg(O, axis=1)
                m = (~gaps).sum(axis=1, keepdims=True)
                out = np.where(m > 1, (r - 1.0) / np.maximum(m - 1, 1), 0.5)
    out[gaps] = np.nan
    return out


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
    G, n, k = V.shape
    gaps = np.isnan(V)
    Z = V - _nan_stats(V, "mean")
    Z[gaps] = 0.0
    norm = np.sqrt((Z ** 2).sum(axis=1))  # (G, k)
    # a constant indicator leaves rounding error after centring; it must stay 0, not become a unit vector
    scale = np.sqrt((~gaps).sum(axis=1)) * _nan_stats(np.abs(V), "max")[:, 0, :]
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


def _weights_batch(V: np.ndarray, method: str, expert: np.ndarray | None) -> np.ndarray:
    G, _, k = V.shape
    if method == "equal":
        return np.full((G, k), 1.0 / k)
    if method == "expert":
        return np.broadcast_to(expert, (G, k)).copy()
    return _pca_weights_batch(V)


def _positive_batch(V: np.ndarray, floor: float) -> np.ndarray:
    mn = _nan_stats(V, "min")
    return V + np.where(mn < floor, floor - mn, 0.0)


def _aggregate_batch(V: np.ndarray, W: np.ndarray, method: str) -> np.ndarray:
    present = ~np.isnan(V)
    with np.errstate(invalid="ignore", divide="ignore"):
        T = np.log(np.where(present, V, 1.0)) if method == "geometric" else np.where(present, V, 0.0)
        Wb = W[:, None, :] * present
        S = (T * Wb).sum(-1) / Wb.sum(-1)
    return np.exp(S) if method == "geometric" else S


# ================================================================================================
# the public steps on frames
# ================================================================================================
def _frame(frame: pd.DataFrame, what: str, where: str | None = None) -> pd.DataFrame:
    at = f"index '{where}': " if where else ""
    if not isinstance(frame, pd.DataFrame):
        raise CompositeError(f"{at}{what} must be a DataFrame (units × indicators), got {type(frame).__name__}")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise CompositeError(f"{at}{what} is empty ({frame.shape[0]} units × {frame.shape[1]} indicators); "
                             "pass at least one unit and one indicator")
    try:
        out = frame.astype(float)
    except (TypeError, ValueError) as exc:
        bad = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        raise CompositeError(f"{at}{what}: non-numeric values in indicator(s) {', '.join(bad) or '?'}; pass "
                             "numbers (NaN for missing)") from exc
    if out.index.has_duplicates:
        dup = sorted({str(u) for u in out.index[out.index.duplicated()]})
        raise CompositeError(f"{at}{what}: unit(s) appear twice: {', '.join(dup)}")
    empty = [str(c) for c in out.columns if out[c].isna().all()]
    if empty:
        raise CompositeError(f"{at}{what}: indicator(s) {', '.join(empty)} have no value for any unit; drop them "
                             "from the index or supply data")
    inf = np.isinf(out.to_numpy())
    if inf.any():
        u, j = np.argwhere(inf)[0]
        raise CompositeError(f"{at}{what}: infinite value for unit {out.index[u]}, indicator {out.columns[j]}; "
                             "give open bounds in `lower` / `upper`, not in the point values")
    return out


def _frontier_ok(X: np.ndarray | pd.DataFrame, columns: Sequence[str], where: str | None, what: str) -> None:
    arr = np.asarray(X, dtype=float)
    with np.errstate(invalid="ignore"):
        neg = np.nanmin(np.where(np.isnan(arr), np.inf, arr), axis=0) < 0
    if neg.any():
        at = f"index '{where}': " if where else ""
        raise CompositeError(f"{at}'frontier' normalisation (ratio to the best unit) needs values ≥ 0, but "
                             f"{what} of {', '.join(str(c) for c, b in zip(columns, neg) if b)} go below 0; "
                             "use 'minmax' for such indicators")


def normalise(frame: pd.DataFrame, method: str, directions: Mapping[str, int]) -> pd.DataFrame:
    """Make indicators comparable, each turned so that higher is better (NaN stays NaN, ignored by the
    statistics). Per indicator, over the units present:

    - "minmax": (x − min) / (max − min) ∈ [0, 1] (for −1: (max − x) / (max − min)); a constant indicator → 0.5.
    - "zscore": (x − mean) / sd, population sd (ddof 0, so a single unit works), sign flipped for −1; a
      constant indicator → 0.
    - "rank": (r − 1) / (m − 1) ∈ [0, 1], r the ascending rank of the (turned) value among the m present,
      ties averaged; one unit → 0.5. Robust to outliers, loses distances.
    - "frontier": distance to the best unit as a ratio: x / max for +1, min / x for −1 (0 → 1, it is the
      best), ∈ [0, 1], best = 1. Needs values ≥ 0 (ratio scale: shares, amounts, counts). Unlike min-max it
      keeps the zero of the scale, so "half the leader's output" reads 0.5. (The other reading of "distance
      to the best", 1 − |x − best| / range, is exactly min-max, so it is not offered twice.)

    minmax, zscore and rank are unchanged by a positive affine rescaling of an indicator (a·x + b, a > 0);
    frontier by a positive scaling (a·x) only.
    """
    _check_method(method, "normalisation")
    f = _frame(frame, "the frame to normalise")
    lacking = [str(c) for c in f.columns if c not in directions]
    if lacking:
        raise CompositeError(f"no direction for indicator(s) {', '.join(lacking)}; give +1 or -1 for each")
    sign = np.array([directions[c] for c in f.columns], dtype=float)
    if method == "frontier":
        _frontier_ok(f, list(f.columns), None, "values")
    out = _normalise_batch(f.to_numpy()[None], method, sign)[0]
    return pd.DataFrame(out, index=f.index, columns=f.columns)


def weights(norm_frame: pd.DataFrame, method: str, expert: Mapping[str, float] | None = None) -> pd.Series:
    """Weights of the indicators (columns of a normalised frame), ≥ 0 and summing to 1.

    - "equal": 1 / k. The handbook's default when nothing argues otherwise.
    - "expert": the given weights (indicator → weight), re-scaled to sum to 1 (budget allocation, AHP ...).
    - "pca": weights from the statistical structure, the handbook's factor-analysis method — see
      `_pca_weights_batch` for the five steps (Kaiser's eigenvalue > 1 rule, varimax rotation, squared
      loadings scaled to unity sum, each indicator on its main factor, weighted by explained variance).
    """
    _check_method(method, "weighting")
    f = _frame(norm_frame, "the normalised frame")
    exp = _expert_vector(expert, list(f.columns)).to_numpy() if method == "expert" else None
    w = _weights_batch(f.to_numpy()[None], method, exp)[0]
    return pd.Series(w, index=f.columns, name="weight")


def make_positive(norm: pd.DataFrame, floor: float = 0.01) -> pd.DataFrame:
    """Shift each normalised indicator whose minimum is below `floor` up so that its minimum is `floor`.

    Why: geometric aggregation takes logarithms, so a 0 (the worst unit under min-max or rank) or a negative
    z-score would be undefined or would zero the whole score. Min-max and rank values become v + floor (∈
    [floor, 1 + floor]); z-scores z − min z + floor; frontier ratios are shifted only if some unit is below the
    floor. A constant shift of a min-max column keeps the ordering of every unit on it; the floor is small so
    that a worst-in-class indicator still weighs heavily, which is the point of geometric aggregation (less
    compensability)."""
    f = _frame(norm, "the normalised frame")
    if not floor > 0:
        raise CompositeError(f"the geometric floor must be > 0, got {floor!r}")
    return pd.DataFrame(_positive_batch(f.to_numpy()[None], floor)[0], index=f.index, columns=f.columns)


def aggregate(norm: pd.DataFrame, w: pd.Series | Mapping[str, float], method: str) -> pd.Series:
    """Combine normalised indicators into one score per unit, available-case: a unit missing an indicator is
    scored over those it has, their weights re-scaled to sum to 1 (no unit is scored on a gap as if it were 0).

    - "arithmetic": Σ w·v / Σ w. Fully compensatory: a bad indicator is offset by a good one.
    - "geometric": exp(Σ w·log v / Σ w). Less compensatory (a weak indicator costs more), rewards balance;
      needs every value > 0 — pass the frame through `make_positive` first (`score` does).
    A unit with no indicator present (or only zero-weight ones) gets NaN.
    """
    _check_method(method, "aggregation")
    f = _frame(norm, "the normalised frame")
    ws = pd.Series(w, dtype=float)
    lacking = [str(c) for c in f.columns if c not in ws.index]
    if lacking:
        raise CompositeError(f"no weight for indicator(s) {', '.join(lacking)}")
    ws = ws.reindex(f.columns)
    if (~np.isfinite(ws) | (ws < 0)).any() or ws.sum() <= 0:
        raise CompositeError("weights must be finite, ≥ 0 and not all 0; got "
                             + ", ".join(f"{i}={v:g}" for i, v in ws.items()))
    X = f.to_numpy()
    if method == "geometric":
        with np.errstate(invalid="ignore"):
            bad = (X <= 0).any(axis=0)
        if bad.any():
            raise CompositeError("geometric aggregation needs normalised values > 0, but indicator(s) "
                                 f"{', '.join(str(c) for c, b in zip(f.columns, bad) if b)} have values ≤ 0; "
                                 "shift them with make_positive(norm, floor) first")
    out = _aggregate_batch(X[None], (ws / ws.sum()).to_numpy()[None], method)[0]
    return pd.Series(out, index=f.index)


def rank(scores: pd.Series) -> pd.Series:
    """Rank units by score, 1 = best. Ties share the average of the ranks they span (two units tied for first
    are both 1.5): the ranks always sum to m(m+1)/2, so mean ranks and rank variances across Monte-Carlo draws
    stay comparable, and a tie is visible as x.5. NaN scores get NaN ranks."""
    s = pd.Series(scores, dtype=float)
    return pd.Series(_rank_avg(-s.to_numpy()[None], axis=1)[0], index=s.index, name="rank")


def _point_frame(point: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    if not isinstance(point, pd.DataFrame):
        raise CompositeError(f"index '{spec.name}': point values must be a DataFrame (units × indicators), "
                             f"got {type(point).__name__}")
    lacking = [i for i in spec.indicators if i not in point.columns]
    if lacking and point.shape[0]:
        raise CompositeError(f"index '{spec.name}': the frame has no column for indicator(s) {', '.join(lacking)}")
    if lacking:
        point = point.reindex(columns=list(spec.indicators))
    return _frame(point[list(spec.indicators)], "the point values", spec.name)


def _score_array(X: np.ndarray, spec: IndexSpec, normalisation: str, weighting: str, aggregation: str,
                 missing: str, expert: np.ndarray | None) -> np.ndarray:
    V = _normalise_batch(_missing_batch(X, missing), normalisation, spec.sign)
    W = _weights_batch(V, weighting, expert)
    if aggregation == "geometric":
        V = _positive_batch(V, spec.geometric_floor)
    return _aggregate_batch(V, W, aggregation)


def score(point: pd.DataFrame, spec: IndexSpec) -> pd.Series:
    """The index: point scores of the units under the spec's nominal choices (missing treatment → normalise →
    weights → make positive if geometric → aggregate). Units left out by missing="drop" are not in the result.
    Higher is better; `rank(score(...))` gives 1 = best."""
    X = _point_frame(point, spec)
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
        _frontier_ok(arr, spec.indicators, spec.name, "values")
    expert = _expert_vector(spec.expert_weights, spec.indicators, spec.name).to_numpy() \
        if spec.weighting == "expert" else None
    s = _score_array(arr[None], spec, spec.normalisation, spec.weighting, spec.aggregation, spec.missing,
                     expert)[0]
    out = pd.Series(s, index=X.index, name=spec.name)
    return out[~gaps.any(axis=1)] if spec.missing == "drop" else out


# ================================================================================================
# uncertainty and sensitivity
# ================================================================================================
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


@dataclass
class _Problem:
    """Everything a batch of draws needs, resolved once."""

    spec: IndexSpec
    lo: np.ndarray        # (n, k) sampling lower bounds, NaN where missing
    width: np.ndarray     # (n, k) upper − lower, 0 for exact figures
    alts: dict[str, tuple[str, ...]]
    expert: np.ndarray | None
    kappa: float | None


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
    nominal = {c: getattr(spec, c) for c in _CHOICES}
    frontier_ok = not (np.nan_to_num(lo, nan=0.0) < 0).any()
    if alternatives is None:
        norms = [m for m in NORMALISATIONS if m != "frontier" or frontier_ok or nominal["normalisation"] == m]
        if len(norms) < len(NORMALISATIONS) and nominal["normalisation"] != "frontier":
            notes.append("'frontier' left out of the default normalisations: some values (or their lower "
                         "bounds) are below 0")
        alts = {"normalisation": tuple(norms), "weighting": tuple(dict.fromkeys([nominal["weighting"], "equal",
                                                                                  "pca"])),
                "aggregation": AGGREGATIONS, "missing": (nominal["missing"],)}
    else:
        unknown = [str(k) for k in alternatives if k not in _CHOICES]
        if unknown:
            raise CompositeError(f"index '{spec.name}': unknown choice(s) in alternatives: {', '.join(unknown)}; "
                                 f"the choices are {', '.join(_CHOICES)}")
        alts = {}
        for c in _CHOICES:
            levels = alternatives.get(c, [nominal[c]])
            if isinstance(levels, str):
                levels = [levels]
            levels = tuple(dict.fromkeys(levels))
            if not levels:
                raise CompositeError(f"index '{spec.name}': alternatives['{c}'] is empty; list at least one level")
            for lv in levels:
                _check_method(lv, c, spec.name)
            alts[c] = levels
    if "expert" in alts["weighting"] and spec.expert_weights is None:
        raise CompositeError(f"index '{spec.name}': 'expert' weighting among the alternatives needs "
                             "spec.expert_weights")
    if "frontier" in alts["normalisation"] and not frontier_ok:
        _frontier_ok(lo, spec.indicators, spec.name, "values or lower bounds")
    if "drop" in alts["missing"] and np.isnan(lo).any(axis=1).all():
        raise CompositeError(f"index '{spec.name}': missing='drop' leaves no unit; every unit lacks some indicator")
    return alts


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def _draw_levels(alts: dict[str, tuple[str, ...]], D: int, rng: np.random.Generator) -> np.ndarray:
    """Level indices (D, 4) for the four choices: combinations balanced (each appears ⌊D/c⌋ or ⌈D/c⌉ times,
    in random order), so every combination of levels is equally likely and the choices are independent."""
    shape = tuple(len(alts[c]) for c in _CHOICES)
    combos = rng.permutation(np.arange(D) % int(np.prod(shape)))
    return np.stack(np.unravel_index(combos, shape), axis=1)


def _draw_noise(P: _Problem, D: int, rng: np.random.Generator) -> np.ndarray | None:
    k = P.lo.shape[1]
    if P.kappa is None:
        return None
    return rng.gamma(P.kappa, 1.0 / P.kappa, size=(D, k))


def _uniforms(P: _Problem, seed: int, stream: int, b: int, size: int) -> np.ndarray:
    n, k = P.lo.shape
    return _rng(seed, stream, 2, b).random((size, n, k))


def _evaluate(P: _Problem, lev: np.ndarray, noise: np.ndarray | None, U: np.ndarray) -> tuple[np.ndarray, ...]:
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
        Xm = _missing_batch(X[im], miss)
        for ni, norm in enumerate(a["normalisation"]):
            sel_n = lev[im, 0] == ni
            if not sel_n.any():
                continue
            i_n = im[sel_n]
            V = _normalise_batch(Xm[sel_n], norm, P.spec.sign)
            for wi, wname in enumerate(a["weighting"]):
                sel_w = lev[i_n, 1] == wi
                if not sel_w.any():
                    continue
                i_w = i_n[sel_w]
                Vw = V[sel_w]
                W = _weights_batch(Vw, wname, P.expert)
                if noise is not None:
                    W = W * noise[i_w]
                    W = W / W.sum(-1, keepdims=True)
                for ai, agg in enumerate(a["aggregation"]):
                    sel_a = lev[i_w, 2] == ai
                    if not sel_a.any():
                        continue
                    Va = Vw[sel_a]
                    if agg == "geometric":
                        Va = _positive_batch(Va, P.spec.geometric_floor)
                    S[i_w[sel_a]] = _aggregate_batch(Va, W[sel_a], agg)
    return S, _rank_avg(-S, axis=1)


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
    X = _point_frame(point, spec)
    D = int(n_draws if n_draws is not None else spec.draws)
    seed = int(spec.seed if seed is None else seed)
    if D < 1:
        raise CompositeError(f"index '{spec.name}': n_draws must be ≥ 1, got {D}")
    notes: list[str] = []
    lo, hi = _sampling_bounds(X, lower, upper, spec)
    alts = _resolve_alternatives(alternatives, spec, lo, notes)
    if "available" in alts["missing"] and np.isnan(lo).all(axis=1).any():
        units = [str(u) for u in X.index[np.isnan(lo).all(axis=1)]]
        raise CompositeError(f"index '{spec.name}': unit(s) {', '.join(units)} have none of the indicators; "
                             "remove them or use missing='mean'")
    expert = (_expert_vector(spec.expert_weights, spec.indicators, spec.name).to_numpy()
              if spec.expert_weights is not None else None)
    k = len(spec.indicators)
    P = _Problem(spec, lo, hi - lo, alts, expert, spec.weight_concentration if k > 1 else None)

    pt = score(X, spec).reindex(X.index)
    pr = rank(pt)

    n = len(X)
    lev_a = _draw_levels(alts, D, _rng(seed, 0, 0))
    noise_a = _draw_noise(P, D, _rng(seed, 0, 1))
    R = np.empty((D, n))
    S = np.empty((D, n))
    block = max(1, int(block))
    for b, s0 in enumerate(range(0, D, block)):
        s1 = min(D, s0 + block)
        sl = slice(s0, s1)
        S[sl], R[sl] = _evaluate(P, lev_a[sl], None if noise_a is None else noise_a[sl],
                                 _uniforms(P, seed, 0, b, s1 - s0))

    # sensitivity
    Ns = (max(D // 4, min(D, 500)) if sensitivity_draws is None else min(int(sensitivity_draws), D))
    uncertain_cells = int((np.nan_to_num(P.width) > 0).sum())
    varied = {c: len(alts[c]) > 1 for c in _CHOICES}
    varied["weights"] = P.kappa is not None
    varied["data"] = uncertain_cells > 0
    describe = {c: ", ".join(alts[c]) for c in _CHOICES}
    describe["weights"] = (f"Gamma(κ={P.kappa:g}) multipliers" if P.kappa is not None else "nominal (not perturbed)")
    describe["data"] = f"uniform within intervals ({uncertain_cells:,} of {int((~np.isnan(lo)).sum()):,} cells)"
    rows = []
    for fi, fac in enumerate(FACTORS):
        fo = fm = np.nan
        pairs = 0
        if varied[fac] and Ns > 1:
            stream = fi + 1
            lev_f = _draw_levels(alts, Ns, _rng(seed, stream, 0))
            noise_f = _draw_noise(P, Ns, _rng(seed, stream, 1))
            if fac in _CHOICES:
                lev_f[:, _CHOICES.index(fac)] = lev_a[:Ns, _CHOICES.index(fac)]
            elif fac == "weights":
                noise_f = noise_a[:Ns]  # type: ignore[index]
            Rf = np.empty((Ns, n))
            for b, s0 in enumerate(range(0, Ns, block)):
                s1 = min(Ns, s0 + block)
                if fac == "data":
                    U = _uniforms(P, seed, 0, b, min(D, s0 + block) - s0)[: s1 - s0]
                else:
                    U = _uniforms(P, seed, stream, b, s1 - s0)
                _, Rf[s0:s1] = _evaluate(P, lev_f[s0:s1], None if noise_f is None else noise_f[s0:s1], U)
            fo, fm = _first_order(R[:Ns], Rf)
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

    units = X.index
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sq = np.nanquantile(S, QUANTILES, axis=0)
        rq = np.nanquantile(R, QUANTILES, axis=0, method="inverted_cdf")
    sq_f = pd.DataFrame(sq.T, index=units, columns=list(QUANTILES))
    rq_f = pd.DataFrame(rq.T, index=units, columns=list(QUANTILES))
    return Uncertainty(
        name=spec.name, scores=pt, ranks=pr, score_quantiles=sq_f, rank_quantiles=rq_f,
        median_rank=rq_f[0.5].rename("median_rank"),
        rank_interval_80=pd.DataFrame({"lower": rq_f[0.1], "upper": rq_f[0.9]}),
        rank_interval_95=pd.DataFrame({"lower": rq_f[0.025], "upper": rq_f[0.975]}),
        sensitivity=sens, ranked_share=pd.Series((~np.isnan(R)).mean(0), index=units, name="ranked_share"),
        rank_draws=R, alternatives=alts, n_draws=D, seed=seed, notes=tuple(notes))
