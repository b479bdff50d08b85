"""The default dataset through the whole main job (load, analyse, forecast, audit), built once for the
report tests: the report shows all of it."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sectorscope.analytics.pipeline import analyse, read_config
from sectorscope.audit import run_audit
from sectorscope.forecast.pipeline import forecast_store, read_forecast_config
from sectorscope.ingest import default_dataset_dir, load_default
from sectorscope.store import Store

FIXED = datetime(2026, 1, 1, tzinfo=UTC)
RULES = default_dataset_dir() / "alerts.yaml"


@pytest.fixture(scope="session")
def full_store(tmp_path_factory):
    """A store as `sectorscope run` leaves it: v1 the load, v2 the analysis, v3 the forecasts, audited."""
    store = Store(tmp_path_factory.mktemp("report") / "s.duckdb")
    load_default(store, loaded_at=FIXED)
    analyse(store, read_config(default_dataset_dir()))
    forecast_store(store, read_forecast_config(default_dataset_dir()))
    run_audit(store, None, save=True)
    yield store
    store.close()
