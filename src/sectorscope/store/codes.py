"""Is a code one the store knows? Filters with a typo must fail loudly, naming the nearest known codes.

An empty answer to `query -i market_sise` would read as "no such figures" when it is a typo; every front end
(CLI, API) therefore checks indicator, source and dimension values here before querying. The distinct codes
are cached per store file identity (inode, mtime, size): every write replaces the file, so the cache never
serves codes of an older state, and a check costs no query on a hot path.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from ..errors import UnknownCodeError
from ..model import DIMENSIONS, load_catalog
from .store import Store

__all__ = ["check_codes", "known_codes"]

_CACHE: dict[tuple[object, ...], frozenset[str]] = {}


def known_codes(store: Store, table: str, column: str) -> frozenset[str]:
    """The distinct non-null values of `table.column`, cached until the store file changes."""
    try:
        st = os.stat(store.path)
        key: tuple[object, ...] | None = (str(store.path), st.st_ino, st.st_mtime_ns, st.st_size, table, column)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    t = store.table(table)
    values = t.select(column).filter(t[column].notnull()).distinct().execute()[column]
    codes = frozenset(str(v) for v in values)
    if key is not None:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = codes
    return codes


def check_codes(store: Store, *, indicator: Iterable[str] | None = None, source_id: str | None = None,
                dims: Mapping[str, str] | None = None) -> None:
    """Raise `UnknownCodeError` (with "did you mean …") for the first indicator, source, dimension name or
    dimension value that neither the catalog nor the store knows."""
    if indicator:
        # the package's catalog first (no query), then the store's own (a dataset may bring its indicators)
        package = set(load_catalog().codes())
        for code in indicator:
            if code not in package:
                known = known_codes(store, "indicators", "code") | package
                if code not in known:
                    raise UnknownCodeError("indicator", code, sorted(known))
    if source_id is not None:
        # a figure's source is in `sources` when a file brought it; sectorscope's own (derived figures)
        # may only be in the figures
        known = known_codes(store, "sources", "source_id")
        if source_id not in known:
            known = known | known_codes(store, "observations", "source_id")
        if source_id not in known:
            raise UnknownCodeError("source", source_id, sorted(known))
    for name, value in (dims or {}).items():
        if name not in DIMENSIONS:
            raise UnknownCodeError("dimension", name, DIMENSIONS)
        known = known_codes(store, "observations", name)
        if value not in known:
            raise UnknownCodeError(f"{name} value", value, sorted(known))
