"""Compiled query shapes (store/prepared.py): the compiled path answers exactly what the Ibis expression
answers, for any filter values and any vintage; a parameter that does not survive compilation is refused;
a write makes the store's compiled shapes stale."""
from __future__ import annotations

import shutil
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.errors import StoreError
from sectorscope.model import DIMENSIONS, KINDS
from sectorscope.store import Batch, QueryCache, Store


@pytest.fixture(scope="module")
def store(main_job):
    """The main job's store (v1 load, v2 analysis, v3 forecasts), read-only."""
    s = Store(main_job.store_path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def values(store) -> dict[str, list]:
    """Values each filter may take: some the store holds, and one it does not."""
    cur = store.observations().execute()
    out = {c: [*sorted({str(v) for v in cur[c].dropna()})[:6], "没有这个值"]
           for c in ("indicator", "subject", "region", "product", "period", "source_id", "status")}
    out["obs_id"] = [0, int(cur["obs_id"].median()), int(cur["obs_id"].max())]
    return out


def _build(store: Store, at: Any, kinds: tuple[str, ...] | None, order: bool):
    """A query shape: `Store.query` with the filters of the values given, a cursor, an order and a limit."""
    def build(v: Mapping[str, Any]):
        inds = [v[k] for k in sorted(v) if k.startswith("ind")]
        dims = {d: v[d] for d in DIMENSIONS if d in v}
        t = store.query(at, indicator=inds or None, period=v.get("period"), source_id=v.get("source_id"),
                        status=v.get("status"), kind=list(kinds) if kinds else None, **dims)
        if "after" in v:
            t = t.filter(t.obs_id > v["after"])
        if order:
            t = t.order_by("obs_id")
        return t.limit(v["limit"]) if "limit" in v else t
    return build


@st.composite
def shapes(draw, values: dict[str, list]):
    v: dict[str, Any] = {}
    for i, code in enumerate(draw(st.lists(st.sampled_from(values["indicator"]), max_size=3, unique=True))):
        v[f"ind{i}"] = code
    for col in ("subject", "region", "product", "period", "source_id", "status"):
        if draw(st.booleans()) and draw(st.booleans()):
            v[col] = draw(st.sampled_from(values[col]))
    if draw(st.booleans()):
        v["after"] = draw(st.sampled_from(values["obs_id"]))
    if draw(st.booleans()):
        v["limit"] = draw(st.integers(1, 300))
    at = draw(st.sampled_from([None, 1, 2, 3, "2020-01-01"]))
    kinds = draw(st.none() | st.lists(st.sampled_from(KINDS), min_size=1, max_size=2, unique=True).map(tuple))
    return v, at, kinds


@settings(max_examples=80)
@given(data=st.data())
def test_the_compiled_path_answers_what_the_expression_answers(store, values, data):
    v, at, kinds = data.draw(shapes(values))
    order = "limit" in v or data.draw(st.booleans())
    cache = QueryCache()
    build = _build(store, at, kinds, order)
    key = ("t", at, kinds, order)
    want = build(v).execute()
    got = cache.execute(store, key, build, v)
    if not order:  # without an order the engine may return rows in any order
        want, got = (f.sort_values("obs_id", ignore_index=True) for f in (want, got))
    pd.testing.assert_frame_equal(got, want)
    # the same shape with other values: compiled once, answered right
    other = {k: (x if not isinstance(x, str) else values.get(k, values["indicator"])[0]) for k, x in v.items()}
    want2 = build(other).execute()
    got2 = cache.execute(store, key, build, other)
    if not order:
        want2, got2 = (f.sort_values("obs_id", ignore_index=True) for f in (want2, got2))
    pd.testing.assert_frame_equal(got2, want2)
    assert (cache.misses, cache.hits) == (1, 1)
    assert cache.arrow(store, key, build, v).to_pylist() == build(v).to_pyarrow().to_pylist() if order else True


def test_a_value_that_does_not_compile_to_a_parameter_is_refused(store):
    cache = QueryCache()

    def ignores_subject(v):
        return store.query(indicator=v["indicator"])  # the subject is never used

    with pytest.raises(StoreError, match=r"parameter\(s\) subject did not compile to a literal"):
        cache.execute(store, "k", ignores_subject, {"indicator": "market_size", "subject": "成像仪"})
    with pytest.raises(TypeError, match="parameter 'when': only text and integers"):
        cache.execute(store, "k", ignores_subject, {"indicator": "market_size", "when": 1.5})


def test_a_text_value_is_a_parameter_never_sql(store):
    """A quote, a semicolon or SQL in a value is compared as text: it matches nothing and runs nothing."""
    cache = QueryCache()
    build = _build(store, None, None, True)
    for hostile in ("x' OR '1'='1", "成像仪'; DROP TABLE observations; --", "$1", "\\", "'"):
        assert len(cache.execute(store, "k", build, {"subject": hostile})) == 0
    assert int(store.table("observations").count().execute()) > 0


def test_a_write_makes_the_compiled_shapes_stale(main_job, tmp_path):
    """The latest vintage is part of a shape's key: after a write the same request is compiled again and sees
    the new figures."""
    path = tmp_path / "s.duckdb"
    shutil.copyfile(main_job.store_path, path)
    cache = QueryCache()
    store = Store(path)
    build = _build(store, None, None, True)
    before = cache.execute(store, "k", build, {"subject": "新的市场"})
    assert len(before) == 0
    row = store.query(indicator="market_size").limit(1).execute().drop(
        columns=["obs_id", "obs_key", "vintage_id"]).assign(subject="新的市场")
    store.write(Batch(observations=row))
    after = cache.execute(store, "k", build, {"subject": "新的市场"})
    assert list(after["subject"]) == ["新的市场"]
    assert after["vintage_id"].iloc[0] == store.latest_vintage()
    assert cache.misses == 2
    store.close()
