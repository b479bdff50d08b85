from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from sectorscope.model.catalog import load_catalog

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("default")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / "data" / "default"

OBS_HEADER = ["indicator", "subject", "region", "period", "product", "value", "value_high", "qualifier", "unit",
              "status", "source", "quote", "location", "note"]


FIXED = datetime(2026, 1, 1, tzinfo=UTC)  # the load time of the shared store, for golden files


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def main_job(tmp_path_factory):
    """The default dataset through the main job (`sectorscope.run`: v1 the load at FIXED, v2 the analysis,
    v3 the forecasts, audited) without publishing, built once for every suite that reads a full store.
    Read it, never write to it: copy `main_job.store_path` first."""
    import sectorscope

    return sectorscope.run(out_dir=tmp_path_factory.mktemp("main-job"), loaded_at=FIXED, publish=False)


@pytest.fixture(scope="session")
def loaded_default_store(tmp_path_factory):
    """The default dataset loaded and nothing else (no analysis, no forecasts): what the audit's golden files
    were written from. Read it, never write to it."""
    from sectorscope.ingest import load_default
    from sectorscope.store import Store

    store = Store(tmp_path_factory.mktemp("loaded-default") / "s.duckdb")
    load_default(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def default_audit(loaded_default_store):
    """The audit of `loaded_default_store`, computed once for the audit and audit-note suites."""
    from sectorscope.audit import audit

    return audit(loaded_default_store)


@pytest.fixture(scope="session")
def default_store_path(main_job) -> Path:
    return main_job.store_path


def write_csv(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    header = header or OBS_HEADER
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})
    return path


def obs(**kw) -> dict:
    """One valid observation row; keyword arguments override fields."""
    row = {"indicator": "market_size", "subject": "测试市场", "period": "2024", "value": "100", "unit": "亿元",
           "status": "actual", "source": "src-a", "quote": "市场规模为100亿元", "location": "p1"}
    row.update(kw)
    return row


@pytest.fixture
def sources_csv(tmp_path: Path) -> Path:
    path = tmp_path / "sources.csv"
    path.write_text("source_id,title,publisher,published\nsrc-a,测试报告A,测试机构,2025-01-01\n"
                    "src-b,測試報告B,测试机构,2025-02-01\n", encoding="utf-8")
    return path


def job_vintages(store) -> dict[str, int]:
    """The vintages `sectorscope run` writes, by step: "load" (the dataset's figures), "records" (its record
    file's batch), "derive" (the figures derived from the records), "analyse", "forecast" — the later ones of
    each when the job ran more than once."""
    from sectorscope.records import DERIVE_LABEL
    from sectorscope.store import RECORD_LABEL_PREFIX

    steps: dict[str, int] = {}
    for vid, label in store.vintages().select("vintage_id", "label").execute().itertuples(index=False):
        step = ("records" if str(label).startswith(RECORD_LABEL_PREFIX) else "derive" if label == DERIVE_LABEL
                else label if label in ("analyse", "forecast") else "load")
        steps[step] = int(vid)
    return steps
