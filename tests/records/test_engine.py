"""The engine setting's precedence and errors, and that both engines run one Ibis expression to one answer."""
from __future__ import annotations

import decimal

import ibis
import pyarrow as pa
import pytest

from sectorscope.errors import UsageError
from sectorscope.records.engine import EngineSettings, local_master, session_conf, settings


def test_the_option_wins_over_the_environment_and_the_config_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sectorscope.toml").write_text('[records]\nengine = "spark"\nspark_master = "spark://h:7077"\n')
    assert settings(environ={}).engine == "spark"
    assert settings(environ={}).spark_master == "spark://h:7077"
    assert settings(environ={"SECTORSCOPE_ENGINE": "duckdb"}).engine == "duckdb"
    assert settings("spark", environ={"SECTORSCOPE_ENGINE": "duckdb"}).engine == "spark"


def test_a_cluster_gets_no_loopback_or_small_machine_settings(tmp_path, monkeypatch):
    """Local mode binds the driver to 127.0.0.1 and runs four shuffle partitions; on a cluster that would keep
    executors from reaching the driver, so only the config file's own spark_conf applies there."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sectorscope.toml").write_text('[records]\nengine = "spark"\nspark_master = "spark://h:7077"\n'
                                               '[records.spark_conf]\n"spark.executor.memory" = "8g"\n')
    cluster = settings(environ={})
    assert not local_master(cluster)
    assert session_conf(cluster) == {"spark.executor.memory": "8g"}
    assert not local_master(EngineSettings(engine="spark", spark_remote="sc://h:15002"))
    local = EngineSettings(engine="spark", spark_master="local[2]", spark_conf={"spark.sql.shuffle.partitions": "8"})
    assert local_master(local)
    conf = session_conf(local)
    assert conf["spark.driver.bindAddress"] == "127.0.0.1" and conf["spark.ui.enabled"] == "false"
    assert conf["spark.sql.shuffle.partitions"] == "8"  # the config file wins over the local default


def test_duckdb_is_the_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = settings(environ={})
    assert (s.engine, s.origin) == ("duckdb", "default")


@pytest.mark.parametrize("env, text, message", [
    ({"SECTORSCOPE_ENGINE": "polars"}, None, "unknown engine 'polars' (from SECTORSCOPE_ENGINE); engines are duckdb, spark"),
    ({}, "[records\nengine=", "is not a valid TOML file"),
    ({"SECTORSCOPE_CONFIG": "/nonexistent/x.toml"}, None, "SECTORSCOPE_CONFIG names /nonexistent/x.toml, which is not a file"),
])
def test_a_bad_setting_is_a_usage_error_that_names_its_source(tmp_path, monkeypatch, env, text, message):
    monkeypatch.chdir(tmp_path)
    if text is not None:
        (tmp_path / "sectorscope.toml").write_text(text)
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings(environ=env)


def test_one_expression_gives_one_exact_answer_on_both_engines(engine):
    """Decimal sums are exact and a ratio divides after summing, on DuckDB and on Spark alike."""
    table = pa.table({"k": ["a", "a", "b"], "v": pa.array([decimal.Decimal("0.10"), decimal.Decimal("0.20"),
                                                          decimal.Decimal("0.30")], pa.decimal128(20, 2))})
    t = engine.create_view("t_engine", ibis.memtable(table), overwrite=True) if engine.name == "pyspark" \
        else ibis.memtable(table)
    out = t.group_by("k").aggregate(v=t.v.sum()).order_by("k").to_pyarrow()
    assert out.column("k").to_pylist() == ["a", "b"]
    assert out.column("v").to_pylist() == [decimal.Decimal("0.30"), decimal.Decimal("0.30")]
