"""Segments that add up: forecasts of a total and its parts reconciled with hierarchicalforecast.

Reports give a total and a few named segments that do not exhaust it; the remainder (其他) is made a
segment of its own, so that total = Σ named + other holds in every historical year by construction. Each
series is forecast on its own, then the means are reconciled with MinTrace (structural weights: each
bottom series counts by how many series it feeds; Wickramasuriya, Athanasopoulos & Hyndman 2019), with
non-negativity when every base forecast is positive. A reconciled mean moves its interval with it, in
proportion (the interval's relative width is kept) — the coherent-interval methods of the library need
in-sample fits that a three-point history cannot give.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError

__all__ = ["Hierarchy", "parse_hierarchies", "reconcile", "summing_matrix"]


@dataclass(frozen=True)
class Hierarchy:
    name: str
    source_id: str
    indicator: str
    total: Mapping[str, str]  # the total's dimensions (subject, region …)
    parts: tuple[Mapping[str, str], ...]  # each part's dimensions
    other_zh: str = "其他"
    other_en: str = "other"
    note: str = field(default="", compare=False)


def parse_hierarchies(raw: object, file: str) -> list[Hierarchy]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError("hierarchies: expected a list", file=file)
    out = []
    for n, e in enumerate(raw, start=1):
        where = f"hierarchies, entry {n}"
        if not isinstance(e, dict):
            raise InputError(f"{where}: expected a mapping", file=file)
        missing = [k for k in ("name", "source_id", "indicator", "total", "parts") if not e.get(k)]
        if missing:
            raise InputError(f"{where}: needs {', '.join(missing)}", file=file)
        extra = set(e) - {"name", "source_id", "indicator", "total", "parts", "other_zh", "other_en", "note"}
        if extra:
            raise InputError(f"{where}: unknown key(s) {', '.join(sorted(extra))}", file=file)
        if not isinstance(e["total"], dict) or not isinstance(e["parts"], list) or not all(isinstance(p, dict) for p in e["parts"]):
            raise InputError(f"{where} ({e['name']}): total is a mapping of dimensions, parts a list of them", file=file)
        total = {str(k): str(v) for k, v in e["total"].items()}
        parts = tuple({**total, **{str(k): str(v) for k, v in p.items()}} for p in e["parts"])
        if any(p == total for p in parts):
            raise InputError(f"{where} ({e['name']}): a part has the total's own dimensions", file=file)
        out.append(Hierarchy(str(e["name"]), str(e["source_id"]), str(e["indicator"]), total, parts,
                             str(e.get("other_zh", "其他")), str(e.get("other_en", "other")), str(e.get("note", ""))))
    return out


def summing_matrix(n_bottom: int) -> np.ndarray:
    """One total over `n_bottom` parts: the total's row of ones, then the identity."""
    return np.vstack([np.ones((1, n_bottom)), np.eye(n_bottom)])


def reconcile(means: np.ndarray, bounds: Sequence[np.ndarray] = ()) -> tuple[np.ndarray, list[np.ndarray]]:
    """`means` is (1 + n_bottom) × h, the total first. Returns the reconciled means, which add up exactly,
    and each array of `bounds` (same shape) moved in proportion to its series' mean."""
    # here, not at the top: hierarchicalforecast brings scipy, sklearn and matplotlib (~2 s), and most
    # callers of the forecast layer never reconcile
    from hierarchicalforecast.methods import MinTrace

    means = np.asarray(means, dtype=float)
    n_bottom = means.shape[0] - 1
    S = summing_matrix(n_bottom)
    tags = {"total": np.array([0]), "part": np.arange(1, n_bottom + 1)}
    nonneg = bool(np.all(means > 0))
    # money in 元 reaches 1e11: the non-negative QP solver fails on such a scale, so reconcile in units of
    # the largest forecast (MinTrace is linear: scaling commutes with it)
    unit = float(np.max(np.abs(means))) or 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # qpsolvers' advice on sparse matrices, for a 3 × 2 problem
        rec = MinTrace(method="wls_struct", nonnegative=nonneg).fit_predict(S=S, y_hat=means / unit, tags=tags)["mean"] * unit
    # exact coherence: the total is the sum of the reconciled parts (the solver agrees to ~1e-9)
    rec = np.vstack([rec[1:].sum(axis=0, keepdims=True), rec[1:]])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(means != 0, rec / means, 1.0)
    moved = [np.asarray(b, dtype=float) * ratio if nonneg else np.asarray(b, dtype=float) + (rec - means) for b in bounds]
    return rec, moved
