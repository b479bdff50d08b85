"""Columns of text as codes over their distinct values, so validation asks a question once per distinct value
and spreads the answer over the rows with one array lookup.

Why: a file of a million rows has a few hundred indicators, periods and units and a few dozen subjects and
regions; a check that runs Python per row costs seconds there, the same check per distinct value costs
milliseconds. The codes come from `pandas.factorize`, which hashes Python strings for an object column and
uses Arrow's dictionary encoding for an Arrow-backed one, so both give the same codes (first appearance) and
the same distinct values, as Python `str`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Coded", "combine_codes"]


@dataclass(frozen=True)
class Coded:
    """One column: `codes[i]` is row i's position in `uniques` (Python strings, in order of first appearance)."""

    codes: np.ndarray
    uniques: np.ndarray  # object array of str

    @classmethod
    def of(cls, values: pd.Series | np.ndarray) -> Coded:
        """The codes of a column of strings (object or Arrow-backed)."""
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        u = np.asarray(uniques, dtype=object) if not isinstance(uniques, np.ndarray) else uniques.astype(object)
        return cls(np.asarray(codes, dtype=np.intp), u)

    @classmethod
    def empty(cls, n: int) -> Coded:
        """A column of n empty texts (an optional column the file does not have)."""
        return cls(np.zeros(n, dtype=np.intp), np.array([""], dtype=object))

    def __len__(self) -> int:
        return len(self.codes)

    def rows(self, per_unique: np.ndarray | Sequence[Any]) -> np.ndarray:
        """A value per distinct value, one per row."""
        return np.asarray(per_unique)[self.codes]

    def test(self, fn: Callable[[str], bool]) -> np.ndarray:
        """fn asked once per distinct value, as a boolean per row."""
        return self.rows(np.fromiter((bool(fn(u)) for u in self.uniques), dtype=bool, count=len(self.uniques)))

    def map(self, fn: Callable[[list[str]], list[Any]]) -> Coded:
        """The column fn turns it into (fn takes and returns a list of the distinct values), codes recomputed so
        that two values fn makes equal share a code."""
        mapped = np.empty(len(self.uniques), dtype=object)
        mapped[:] = fn(list(self.uniques))
        codes, uniques = pd.factorize(mapped, use_na_sentinel=False)
        return Coded(np.asarray(codes, dtype=np.intp)[self.codes], np.asarray(uniques, dtype=object))

    def is_(self, value: str) -> np.ndarray:
        """Whether each row is `value`."""
        return self.rows(self.uniques == value)

    def isin(self, values: Sequence[str] | set[str] | frozenset[str]) -> np.ndarray:
        """Whether each row is one of `values`."""
        wanted = set(values)
        return self.test(lambda u: u in wanted)

    def objects(self) -> np.ndarray:
        """The column as an object array of Python strings."""
        return self.uniques[self.codes]


def combine_codes(*codes: np.ndarray) -> np.ndarray:
    """One integer per distinct combination of several columns' codes (a key of many columns as one integer):
    mixed-radix while the product of the columns' sizes fits in 63 bits, re-factorised when it would not."""
    out = np.zeros(len(codes[0]), dtype=np.int64)
    size = 1
    for c in codes:
        c = np.asarray(c, dtype=np.int64)
        radix = int(c.max(initial=0)) + 1
        if size * radix >= 2**62:
            out, uniques = pd.factorize(out)
            out, size = out.astype(np.int64), len(uniques)
        out = out * radix + c
        size *= radix
    return out
