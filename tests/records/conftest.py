"""The record sets' tests run on both engines: `engine` is a connection to DuckDB or to one local Spark session
shared by the whole test run (starting Spark costs seconds)."""
from __future__ import annotations

import pytest

from sectorscope.records.engine import EngineSettings, connect

_SPARK = EngineSettings(engine="spark", spark_master="local[1]",
                        spark_conf={"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "1"})


@pytest.fixture(scope="session")
def spark_backend():
    con = connect(_SPARK)
    yield con
    con._session.stop()


@pytest.fixture(params=["duckdb", "spark"])
def engine(request):
    """An Ibis backend: a fresh in-memory DuckDB, or the test run's Spark session."""
    if request.param == "duckdb":
        return connect("duckdb")
    return request.getfixturevalue("spark_backend")
