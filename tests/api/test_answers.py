"""Forecast answers are kept until the store gains a vintage, and only that long."""
from __future__ import annotations

import shutil

from sectorscope.api.views import forecasts as fc_views
from sectorscope.api.views.common import Filters
from sectorscope.ingest import load_paths
from sectorscope.store import Store
from tests.conftest import obs, write_csv


def test_forecasts_are_kept_until_the_store_gains_a_vintage(built_store, tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    shutil.copyfile(built_store, path)
    f = Filters(indicator=["market_size"], dims={"subject": "成像仪"})
    computed = []
    plain = fc_views.forecasts

    def counted(store, f, as_of):
        computed.append(as_of)
        return plain(store, f, as_of)

    monkeypatch.setattr(fc_views, "forecasts", counted)
    fc_views.ANSWERS.clear()
    store = Store(path)
    first = fc_views.cached_forecasts(store, f, None)
    assert first == plain(store, f, None) and first["series"]
    assert fc_views.cached_forecasts(store, f, None) is first  # kept
    assert fc_views.cached_forecasts(store, f, "v2") != first  # another question
    assert len(computed) == 2
    before = first["vintage_id"]
    store.close()
    load_paths(Store(path), [write_csv(tmp_path / "x.csv", [obs(source="seed-004")])])
    store = Store(path)
    again = fc_views.cached_forecasts(store, f, None)
    assert len(computed) == 3  # the store changed: computed again
    assert again["vintage_id"] == before + 1
    assert again == plain(store, f, None)
    store.close()
