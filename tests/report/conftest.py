"""The report tests read the store the main job leaves (tests/conftest.py's `main_job`, built once through
`sectorscope.run()` for the report, API and monitor suites): the report shows all of it."""
from __future__ import annotations

import pytest

from sectorscope.ingest import default_dataset_dir
from sectorscope.store import Store

from ..conftest import FIXED

__all__ = ["FIXED", "RULES"]

RULES = default_dataset_dir() / "alerts.yaml"


@pytest.fixture(scope="session")
def full_store(main_job):
    """A store as `sectorscope run` leaves it: v1 the load, v2 the analysis, v3 the forecasts, audited."""
    store = Store(main_job.store_path)
    yield store
    store.close()
