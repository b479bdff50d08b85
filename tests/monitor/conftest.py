"""Stores for the monitor tests: crafted vintages loaded from small CSV files (the way an analyst loads
them), hand-made forecast rows written the way the forecast pipeline writes them, and the default dataset
loaded, analysed and forecast once per session."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from sectorscope.forecast.pipeline import MODEL_LOCATION, SOURCE_ROW
from sectorscope.ingest import load_paths
from sectorscope.model.observation import FORECAST_SOURCE, MODEL_FORECAST, parse_period
from sectorscope.store import Batch, Store, VintageSummary

from ..conftest import OBS_HEADER, obs, write_csv

T0 = datetime(2025, 1, 1, tzinfo=UTC)
HEADER = [*OBS_HEADER, "tier", "scenario"]


def at(n: int) -> datetime:
    """Vintage n is loaded on day n."""
    return T0 + timedelta(days=n)


def fig(**kw) -> dict:
    """conftest.obs with a quote that states the value (ingest checks that it does)."""
    row = obs(**kw)
    if "quote" not in kw:
        high = f"至{row['value_high']}" if row.get("value_high") else ""
        row["quote"] = f"{row['period']}年{row['indicator']}为{row['value']}{high}{row['unit']}"
    return row


def load(store: Store, folder: Path, n: int, rows: list[dict], sources_csv: Path, **kw) -> VintageSummary:
    """Write `rows` (conftest.obs dicts) to a CSV and load it as vintage n."""
    path = write_csv(folder / f"v{n}.csv", rows, HEADER)
    kw.setdefault("max_withdraw_share", None)  # these tests withdraw on purpose
    return load_paths(store, [path], sources=sources_csv, loaded_at=at(n), **kw)


def forecast_rows(rows: list[dict]) -> pd.DataFrame:
    """Model forecasts as forecast/pipeline.py writes them: kind model_forecast, source sectorscope-forecast,
    location 预测:模型, intervals, input ids and input vintage. `rows` give at least indicator, subject, period, value, unit,
    lo95/hi95 (canonical units), input_ids and input_vintage."""
    out = []
    for r in rows:
        p = parse_period(r["period"])
        v = float(r["value"])
        out.append({
            "region": "中国", "qualifier": "exact", "status": "forecast", "source_id": FORECAST_SOURCE,
            "kind": MODEL_FORECAST, "location": MODEL_LOCATION, "value_as_printed": f"{v:g}", "unit_as_printed": r["unit"],
            "period_start": p.start, "period_end": p.end, "withdrawn": False, "method": "hand-made",
            "lo80": r.get("lo95"), "hi80": r.get("hi95"), **r,
        })
    return pd.DataFrame(out)


def write_forecasts(store: Store, n: int, rows: list[dict]) -> VintageSummary:
    """Hand-made forecasts as vintage n (forecasts no longer given are withdrawn, as the pipeline does)."""
    batch = Batch(observations=forecast_rows(rows), sources=pd.DataFrame([SOURCE_ROW]),
                  withdraw_missing=(FORECAST_SOURCE,))
    return store.write(batch, label="forecast", loaded_at=at(n))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder with a sources file, for stores a whole module reads."""
    path = tmp_path_factory.mktemp("monitor")
    (path / "sources.csv").write_text("source_id,title,publisher,published\nsrc-a,测试报告A,测试机构,2025-01-01\n"
                                      "src-b,测试报告B,测试机构,2025-02-01\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def default_store(main_job):
    """The default dataset as `sectorscope run` leaves it (v1 loaded, v2 analysed, v3 forecast), through the
    session's shared main job."""
    store = Store(main_job.store_path)
    yield store
    store.close()
