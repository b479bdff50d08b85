"""Point forecasts and calibrated intervals for short annual series.

Why this design (docs/decisions.md, "Forecast models"; measured in benchmarks/forecast.py):

* **Point forecast: the median of five forecasts** -- Naive, random walk with drift (RWD), statsforecast's
  DynamicOptimizedTheta (DOTM) and AutoETS restricted to additive errors (``AZN``: half the cost of the full
  search and as accurate on M3 Yearly), and a *global* linear model cross-learned on the rolling windows of
  many series (the coefficients live in the :class:`Calibration`, so a single production series uses what
  was learned on M3 and Tourism). No single model wins on annual data; the median of diverse ones is
  robust to the one that goes wrong (an exploding trend, a stale level) and beat every member and every
  fitted combination weight we tried on both benchmarks.
* **Intervals: split-conformal on rolling-origin errors**, pooled across series and normalised by each
  series' own mean absolute first difference (the MASE scale) at the origin, per horizon and separately for
  the lower and upper tail (annual errors are skewed). A series' interval is therefore as wide as its own
  volatility says, and as wide as the pooled forecast errors of the *same* forecaster say -- no Gaussian
  assumption, no in-sample residuals (which are too small for trend models).
* **Short histories (2-6 points)** get a stated, conservative treatment: the median of Naive, RWD with its
  drift halved and the global model (statsforecast's models cannot be fitted, or not sensibly), with
  interval quantiles estimated separately for each history length from windows of that length, widened by
  :data:`SHORT_WIDEN`. A single point cannot be forecast (ValueError).

Everything is additive on the scale it is given: the caller passes log(y) or logit(p) if it wants a
multiplicative or bounded model; nothing here takes logs.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import AnalysisError, InputError

__all__ = [
    "CALIBRATION_FILE",
    "DRIFT_SHRINK_SHORT",
    "LEVELS",
    "MIN_WINDOW_POINTS",
    "ORIGINS",
    "SHORT_MAX",
    "SHORT_WIDEN",
    "WINDOW",
    "Calibration",
    "Forecast",
    "default_calibration",
    "fit_calibration",
    "forecast",
    "point_forecasts",
    "write_calibration",
]

WINDOW = 6  # last differences the global model sees
MIN_WINDOW_POINTS = 3  # a training window of the global model has at least this many points of history
ORIGINS = 2  # rolling origins (the last ORIGINS positions h steps before the end) whose errors calibrate
SHORT_MAX = 6  # histories up to this length get the short-series treatment
SHORT_WIDEN = 1.2  # short-history interval quantiles are widened by this factor (stated, conservative)
DRIFT_SHRINK_SHORT = 0.5  # the drift of a short history is halved
LEVELS = (80, 95)
CALIBRATION_FILE = "calibration.yaml"


@dataclass(frozen=True)
class Forecast:
    """One series' forecast on the working scale: mean and 80 % / 95 % bounds, length h each."""
    mean: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray
    method: str
    n_obs: int


@dataclass(frozen=True)
class Calibration:
    """What the forecaster learned from many series: the global model's coefficients and the per-horizon
    quantiles of normalised errors ((actual - forecast) / mean|diff| at the origin).

    ``q80``/``q95`` are (h, 2) arrays of the lower and upper quantiles for series longer than SHORT_MAX;
    ``short_q80``/``short_q95`` map a history length 2..SHORT_MAX to the same for that length.
    ``coef`` is (WINDOW + 2, h): the global model (features: last WINDOW differences newest first, the
    mean difference, 1; all divided by the scale). Horizons beyond ``h`` are extended conservatively (see
    :func:`_extend`)."""
    h: int
    coef: np.ndarray
    q80: np.ndarray
    q95: np.ndarray
    short_q80: dict[int, np.ndarray]
    short_q95: dict[int, np.ndarray]
    source: str
    n_series: int = 0
    n_errors: int = 0
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        r = lambda a: [[round(float(v), 6) for v in row] for row in np.asarray(a)]  # noqa: E731
        return {"source": self.source, "h": self.h, "n_series": self.n_series, "n_errors": self.n_errors,
                "window": WINDOW, "coef": r(self.coef), "q80": r(self.q80), "q95": r(self.q95),
                "short_q80": {int(k): r(v) for k, v in self.short_q80.items()},
                "short_q95": {int(k): r(v) for k, v in self.short_q95.items()}, **self.extra}

    @classmethod
    def from_dict(cls, d: dict) -> Calibration:
        if int(d.get("window", WINDOW)) != WINDOW:
            raise InputError(f"calibration window {d['window']} != {WINDOW}")
        a = lambda v: np.asarray(v, dtype=float)  # noqa: E731
        return cls(h=int(d["h"]), coef=a(d["coef"]), q80=a(d["q80"]), q95=a(d["q95"]),
                   short_q80={int(k): a(v) for k, v in d["short_q80"].items()},
                   short_q95={int(k): a(v) for k, v in d["short_q95"].items()},
                   source=str(d["source"]), n_series=int(d.get("n_series", 0)), n_errors=int(d.get("n_errors", 0)))


# ------------------------------------------------------------------------------------------------
# scale and the global model
# ------------------------------------------------------------------------------------------------
def _scale(x: np.ndarray) -> float:
    """Mean absolute first difference (the MASE scale); a series without variation gets 1 % of
    max(1, |last value|) -- on the log scale the pipeline passes, a 1 % yearly change -- so its intervals
    are not of zero width."""
    s = float(np.mean(np.abs(np.diff(x)))) if len(x) > 1 else 0.0
    return s if s > 1e-12 * max(1.0, abs(float(x[-1]))) else 0.01 * max(1.0, abs(float(x[-1])))


def _features(x: np.ndarray) -> tuple[np.ndarray, float]:
    s = _scale(x)
    d = np.diff(x)[::-1][:WINDOW] / s
    f = np.zeros(WINDOW + 2)
    f[:len(d)] = d
    f[WINDOW] = (x[-1] - x[0]) / max(len(x) - 1, 1) / s
    f[WINDOW + 1] = 1.0
    return f, s


def _windows(series: Sequence[np.ndarray], h: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (features, normalised future) pair with at least MIN_WINDOW_POINTS of history and h values
    after it, vectorised per series."""
    X, Y = [], []
    for x in series:
        n = len(x)
        ts = np.arange(MIN_WINDOW_POINTS - 1, n - h)
        if len(ts) == 0:
            continue
        d = np.diff(x)
        cs = np.cumsum(np.abs(d))
        s = cs[ts - 1] / ts
        s = np.where(s > 1e-12 * np.maximum(1.0, np.abs(x[ts])), s, 0.01 * np.maximum(1.0, np.abs(x[ts])))
        dp = np.concatenate([np.zeros(WINDOW), d])  # dp[WINDOW + i] = d[i]
        idx = (ts[:, None] - 1 - np.arange(WINDOW)[None, :]) + WINDOW  # d[t-1], d[t-2], ...
        F = np.empty((len(ts), WINDOW + 2))
        F[:, :WINDOW] = dp[idx] / s[:, None]
        F[:, WINDOW] = (x[ts] - x[0]) / ts / s
        F[:, WINDOW + 1] = 1.0
        fut = x[ts[:, None] + np.arange(1, h + 1)[None, :]] - x[ts][:, None]
        X.append(F)
        Y.append(fut / s[:, None])
    if not X:
        return np.zeros((0, WINDOW + 2)), np.zeros((0, h))
    return np.vstack(X), np.vstack(Y)


def _fit_global(series: Sequence[np.ndarray], h: int, lam: float = 1.0, iters: int = 20) -> np.ndarray:
    """Least absolute deviations (IRLS, small ridge) of the normalised future on the normalised window:
    absolute error because that is what MASE scores and because a few explosive series would dominate
    squares. With no windows at all, a random walk (all zeros)."""
    X, Y = _windows(series, h)
    W = np.zeros((WINDOW + 2, h))
    if len(X) < 4 * (WINDOW + 2):
        return W
    pen = lam * np.eye(WINDOW + 2)
    pen[-1, -1] = 0.0
    W = np.linalg.solve(X.T @ X + pen, X.T @ Y)
    for _ in range(iters):
        for k in range(h):
            w = 1.0 / np.maximum(np.abs(Y[:, k] - X @ W[:, k]), 0.05)
            Xw = X * w[:, None]
            W[:, k] = np.linalg.solve(X.T @ Xw + pen, Xw.T @ Y[:, k])
    return W


def _length_factor(n: int, h: int) -> np.ndarray:
    """sqrt(1 + k / (n - 1)), k = 1..h: how much a random walk's h-step forecast error grows when its drift
    is estimated from n points. Errors are divided by it before their quantiles are taken, and the
    quantiles multiplied by it at forecast time, so that quantiles learned at rolling origins (shorter
    histories) carry over to the longer history the forecast is made from."""
    return np.sqrt(1.0 + np.arange(1, h + 1) / max(n - 1, 1))


def _extend(a: np.ndarray, h: int, kind: str) -> np.ndarray:
    """Rows 0..h-1 of a per-horizon array fitted for fewer horizons. Quantiles grow linearly in the
    horizon from the last fitted one (q_k = q_H * k / H: faster than the sqrt(k) of a random walk, so
    conservative); global-model steps continue the last fitted increment."""
    H = len(a)
    if h <= H:
        return a[:h]
    k = np.arange(H + 1, h + 1)[:, None]
    if kind == "quantile":
        return np.vstack([a, a[-1] * k / H])
    step = a[-1] - a[-2] if H > 1 else a[-1]
    return np.vstack([a, a[-1] + step * (k - H)])


def _global(coef: np.ndarray, x: np.ndarray, h: int) -> np.ndarray:
    f, s = _features(x)
    return x[-1] + s * _extend((f @ coef)[:, None], h, "path")[:, 0]


# ------------------------------------------------------------------------------------------------
# the members
# ------------------------------------------------------------------------------------------------
def _statsforecast_members(x: np.ndarray, h: int) -> dict[str, np.ndarray]:
    from statsforecast.models import AutoETS, DynamicOptimizedTheta
    out: dict[str, np.ndarray] = {}
    for name, model in (("DOTM", DynamicOptimizedTheta()), ("AutoETS(AZN)", AutoETS(model="AZN"))):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                m = np.asarray(model.forecast(y=x, h=h)["mean"], dtype=float)
        except Exception:  # a member that cannot be fitted is left out of the median
            continue
        if m.shape == (h,) and np.all(np.isfinite(m)):
            out[name] = m
    return out


def point_forecasts(x: np.ndarray, h: int, coef: np.ndarray) -> tuple[np.ndarray, str]:
    """The combined point forecast of one series (working scale) and the description of how it was made."""
    n = len(x)
    k = np.arange(1, h + 1)
    drift = (x[-1] - x[0]) / (n - 1)
    members = {"Naive": np.full(h, x[-1])}
    if n <= SHORT_MAX:
        members["RWD (drift halved)"] = x[-1] + DRIFT_SHRINK_SHORT * drift * k
        members["global linear"] = _global(coef, x, h)
        what = f"short history (n={n}): median({', '.join(members)})"
    else:
        members["RWD"] = x[-1] + drift * k
        members.update(_statsforecast_members(x, h))
        members["global linear"] = _global(coef, x, h)
        what = f"combination: median({', '.join(members)})"
    return np.median(np.vstack(list(members.values())), axis=0), what


# ------------------------------------------------------------------------------------------------
# calibration
# ------------------------------------------------------------------------------------------------
def _quantiles(E: np.ndarray, level: int) -> np.ndarray:
    """(h, 2) lower/upper conformal quantiles of normalised errors E (m, h): the finite-sample corrected
    levels (1 -/+ level)/2 adjusted by (m + 1)/m, then made to widen with the horizon (a later horizon
    is never narrower than an earlier one), the lower end <= 0 <= the upper end."""
    m = len(E)
    a = (1 - level / 100) / 2
    lo_p = max(0.0, a - (1 - a) / m)
    hi_p = min(1.0, (1 - a) * (m + 1) / m)
    q = np.column_stack([np.quantile(E, lo_p, axis=0), np.quantile(E, hi_p, axis=0)])
    q[:, 0] = np.minimum.accumulate(np.minimum(q[:, 0], 0.0))
    q[:, 1] = np.maximum.accumulate(np.maximum(q[:, 1], 0.0))
    return q


def _nest(q80: np.ndarray, q95: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return q80, np.column_stack([np.minimum(q95[:, 0], q80[:, 0]), np.maximum(q95[:, 1], q80[:, 1])])


def _clean(series: Sequence[np.ndarray]) -> list[np.ndarray]:
    out = []
    for i, s in enumerate(series):
        x = np.asarray(s, dtype=float).ravel()
        if not np.all(np.isfinite(x)):
            raise AnalysisError(f"series {i} has NaN or infinite values; fill or drop them before forecasting")
        out.append(x)
    return out


def fit_calibration(series: Sequence[np.ndarray], h: int, *, origins: int = ORIGINS,
                    source: str = "fitted") -> Calibration:
    """Learn the global model and the interval quantiles from the given (training) series only.

    For each of the last ``origins`` origins (h + j values before the end, j = 0..origins-1) the global
    model is refitted on the series cut at that origin (so it never sees the values it is scored on), the
    full forecaster is run and its errors, divided by the scale of the history, are pooled per horizon.
    Series with more than SHORT_MAX points at the origin feed the main quantiles. The short-history
    quantiles come from every window of 2..SHORT_MAX points in the series (the short forecaster is
    cheap), scored against the h values after it. The returned global model is fitted on the full series."""
    if h < 1:
        raise AnalysisError(f"h must be >= 1, got {h}")
    xs = [x for x in _clean(series) if len(x) >= 2]
    errs: list[np.ndarray] = []
    for j in range(origins):
        cut = [x[:len(x) - h - j] for x in xs if len(x) - h - j > SHORT_MAX]
        if not cut:
            continue
        coef_j = _fit_global([x[:len(x) - h - j] for x in xs if len(x) - h - j >= 2], h)
        for x in xs:
            n0 = len(x) - h - j
            if n0 <= SHORT_MAX:
                continue
            hist, fut = x[:n0], x[n0:n0 + h]
            f, _ = point_forecasts(hist, h, coef_j)
            errs.append((fut - f) / _scale(hist) / _length_factor(n0, h))
    coef = _fit_global(xs, h)
    if len(errs) < 20:
        raise AnalysisError(f"too few rolling-origin errors to calibrate ({len(errs)}); need series longer than "
                         f"{SHORT_MAX + h} points")
    E = np.vstack(errs)
    q80, q95 = _nest(_quantiles(E, 80), _quantiles(E, 95))
    # short histories: every window of m points with h values after it (global model of the full fit:
    # these windows overlap its training windows, a small optimism the SHORT_WIDEN factor more than covers)
    sq80: dict[int, np.ndarray] = {}
    sq95: dict[int, np.ndarray] = {}
    for m in range(2, SHORT_MAX + 1):
        Es = np.vstack([_short_errors(x, m, h, coef) for x in xs] + [np.zeros((0, h))])
        if len(Es) < 20:
            Es = E
        a80, a95 = _nest(_quantiles(Es, 80), _quantiles(Es, 95))
        # never narrower than the long-history quantiles
        sq80[m] = np.column_stack([np.minimum(a80[:, 0], q80[:, 0]), np.maximum(a80[:, 1], q80[:, 1])])
        sq95[m] = np.column_stack([np.minimum(a95[:, 0], q95[:, 0]), np.maximum(a95[:, 1], q95[:, 1])])
    return Calibration(h=h, coef=coef, q80=q80, q95=q95, short_q80=sq80, short_q95=sq95, source=source,
                       n_series=len(xs), n_errors=len(E))


def _short_errors(x: np.ndarray, m: int, h: int, coef: np.ndarray) -> np.ndarray:
    """Normalised errors of the short-history forecaster on every window of m points of x with h values
    after it -- vectorised, the same arithmetic as point_forecasts for n <= SHORT_MAX."""
    starts = np.arange(0, len(x) - m - h + 1)
    if len(starts) == 0:
        return np.zeros((0, h))
    W = x[starts[:, None] + np.arange(m)[None, :]]  # (w, m) histories
    fut = x[starts[:, None] + m + np.arange(h)[None, :]]
    d = np.diff(W, axis=1)
    last = W[:, -1]
    s = np.mean(np.abs(d), axis=1)
    floor = 0.01 * np.maximum(1.0, np.abs(last))
    s = np.where(s > 1e-12 * np.maximum(1.0, np.abs(last)), s, floor)
    F = np.zeros((len(W), WINDOW + 2))
    k = min(m - 1, WINDOW)
    F[:, :k] = d[:, ::-1][:, :k] / s[:, None]
    F[:, WINDOW] = (last - W[:, 0]) / (m - 1) / s
    F[:, WINDOW + 1] = 1.0
    g = last[:, None] + s[:, None] * _extend((F @ coef).T, h, "path").T
    steps = np.arange(1, h + 1)[None, :]
    rwd = last[:, None] + DRIFT_SHRINK_SHORT * ((last - W[:, 0]) / (m - 1))[:, None] * steps
    naive = np.repeat(last[:, None], h, axis=1)
    f = np.median(np.stack([naive, rwd, g]), axis=0)
    return (fut - f) / s[:, None]


_DEFAULT: Calibration | None = None


def default_calibration() -> Calibration:
    """The calibration shipped with the package (calibration.yaml, written by scripts/calibrate_forecast.py
    from the training parts of M3 and Tourism yearly); works for any h (beyond its fitted horizons the
    quantiles grow linearly, see :func:`_extend`)."""
    global _DEFAULT
    if _DEFAULT is None:
        import yaml
        text = resources.files("sectorscope.forecast").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
        _DEFAULT = Calibration.from_dict(yaml.safe_load(text))
    return _DEFAULT


def write_calibration(cal: Calibration, path: Path, header: str = "") -> None:
    import yaml
    text = yaml.safe_dump(cal.to_dict(), sort_keys=False, default_flow_style=None, width=200)
    path.write_text((header + "\n" if header else "") + text, encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# forecast
# ------------------------------------------------------------------------------------------------
def forecast(series: Sequence[np.ndarray], h: int, *, calibration: Calibration | None = None) -> list[Forecast]:
    """Forecast each series h steps ahead with 80 % and 95 % intervals (working scale, additive).

    Raises ValueError for h < 1, a series of fewer than 2 points or one with NaN / infinite values."""
    if h < 1:
        raise AnalysisError(f"h must be >= 1, got {h}")
    cal = calibration or default_calibration()
    xs = _clean(series)
    for i, x in enumerate(xs):
        if len(x) < 2:
            raise AnalysisError(f"series {i} has {len(x)} point(s); at least 2 are needed to forecast")
    coef = cal.coef
    q80, q95 = _extend(cal.q80, h, "quantile"), _extend(cal.q95, h, "quantile")
    beyond = f"; horizons {cal.h + 1}-{h} widened linearly" if h > cal.h else ""
    out = []
    for x in xs:
        n = len(x)
        mean, what = point_forecasts(x, h, coef)
        if n <= SHORT_MAX:
            a80 = _extend(cal.short_q80[n], h, "quantile") * SHORT_WIDEN
            a95 = _extend(cal.short_q95[n], h, "quantile") * SHORT_WIDEN
            how = (f"conformal 80/95 from rolling {n}-point histories, widened x{SHORT_WIDEN} "
                   f"({cal.source}){beyond}")
        else:
            lf = _length_factor(n, h)[:, None]
            a80, a95 = q80 * lf, q95 * lf
            how = f"conformal 80/95 on rolling-origin errors scaled by mean|diff| ({cal.source}){beyond}"
        s = _scale(x)
        out.append(Forecast(mean=mean, lo80=mean + s * a80[:, 0], hi80=mean + s * a80[:, 1],
                            lo95=mean + s * a95[:, 0], hi95=mean + s * a95[:, 1],
                            method=f"{what}; {how}", n_obs=n))
    return out
