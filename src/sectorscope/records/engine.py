"""Which engine runs the record sets' expressions, and a connection to it: DuckDB (embedded, the default) or
Spark through Ibis's PySpark backend — the same Ibis expressions on both, no second implementation.

Why a setting with three sources: a command line says `--engine`, a shell or CI job says SECTORSCOPE_ENGINE,
and a team puts its cluster in a config file once (`sectorscope.toml` in the working folder, or the file
$SECTORSCOPE_CONFIG names):

    [records]
    engine = "spark"
    spark_master = "spark://cluster:7077"   # or spark_remote = "sc://host:15002" (Spark Connect)

The first of these that is set wins. Spark runs in local mode (`local[2]`) unless a master or a Spark
Connect URL is given; the record sets must then sit on storage every executor reads (the manifest's paths are
relative to the record-set root). Nothing is downloaded: no `spark.jars.packages`; the pyspark wheel ships
every jar Parquet needs.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

__all__ = ["CONFIG_FILE", "ENGINES", "ENV_CONFIG", "ENV_ENGINE", "EngineSettings", "connect", "local_master",
           "session_conf", "settings", "spark_session"]

ENGINES = ("duckdb", "spark")
ENV_ENGINE = "SECTORSCOPE_ENGINE"
ENV_CONFIG = "SECTORSCOPE_CONFIG"
CONFIG_FILE = "sectorscope.toml"


@dataclass(frozen=True)
class EngineSettings:
    """The engine and, for Spark, where it runs. `origin` says which source chose the engine (for messages)."""

    engine: str = "duckdb"
    spark_master: str = "local[2]"
    spark_remote: str | None = None
    spark_conf: Mapping[str, str] | None = None
    origin: str = "default"


def _config_file(environ: Mapping[str, str]) -> Path | None:
    named = environ.get(ENV_CONFIG)
    if named:
        path = Path(named)
        if not path.is_file():
            raise UsageError(f"{ENV_CONFIG} names {named}, which is not a file")
        return path
    here = Path.cwd() / CONFIG_FILE
    return here if here.is_file() else None


def _read_config(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} is not a valid TOML file: {exc}") from None
    section = data.get("records", {})
    if not isinstance(section, dict):
        raise UsageError(f"{path}: [records] must be a table")
    return section


def settings(engine: str | None = None, *, environ: Mapping[str, str] | None = None) -> EngineSettings:
    """The engine setting: `engine` (a --engine option) first, then $SECTORSCOPE_ENGINE, then the config
    file's `[records] engine`, then DuckDB. Spark's master and configuration come from the config file."""
    env = os.environ if environ is None else environ
    config_path = _config_file(env)
    config = _read_config(config_path) if config_path else {}
    chosen, origin = engine, "--engine"
    if not chosen and env.get(ENV_ENGINE):
        chosen, origin = env[ENV_ENGINE], ENV_ENGINE
    if not chosen and config.get("engine"):
        chosen, origin = str(config["engine"]), str(config_path)
    chosen = (chosen or "duckdb").strip().lower()
    if chosen not in ENGINES:
        raise UsageError(f"unknown engine {chosen!r} (from {origin if engine or origin != '--engine' else 'default'}); "
                         f"engines are {', '.join(ENGINES)}")
    conf = config.get("spark_conf")
    return EngineSettings(engine=chosen, spark_master=str(config.get("spark_master", "local[2]")),
                          spark_remote=config.get("spark_remote"),
                          spark_conf={str(k): str(v) for k, v in conf.items()} if isinstance(conf, dict) else None,
                          origin=origin if chosen != "duckdb" or engine or env.get(ENV_ENGINE) else "default")


# Local Spark on one machine: no UI, few shuffle partitions (the default 200 costs seconds per query on small
# data), loopback only (without a network Spark warns about the hostname), UTC like DuckDB. In local mode the
# driver is the executor: with Spark's default 1 GB heap, the indicators over 1 M lines spent their time in
# garbage collection and then failed to broadcast a join ("Not enough memory to build and broadcast the
# table"); with 4 GB they ran in 140 s (measured, loaded machine). The JVM grows to that only when it must.
_LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.memory": "4g",
}


def connect(setting: EngineSettings | str | None = None) -> BaseBackend:
    """An Ibis connection on the chosen engine: an in-memory DuckDB, or a Spark session (the one this process
    has, else a new one: local mode unless the settings name a master or Spark Connect)."""
    s = setting if isinstance(setting, EngineSettings) else settings(setting)
    import ibis

    if s.engine == "duckdb":
        return ibis.duckdb.connect()
    return ibis.pyspark.connect(spark_session(s))


def local_master(s: EngineSettings) -> bool:
    """Whether Spark runs inside this process's JVM (`local`, `local[2]`, `local[*]`): only then are the
    loopback-only, small-machine settings right — executors on a cluster must reach the driver by a routable
    address, and size their shuffles for the cluster."""
    return not s.spark_remote and s.spark_master.strip().lower().startswith("local")


def session_conf(s: EngineSettings) -> dict[str, str]:
    """The Spark configuration a session is built with: the local defaults in local mode, then the config
    file's `spark_conf` (which wins)."""
    conf = dict(_LOCAL_CONF) if local_master(s) else {}
    conf.update({str(k): str(v) for k, v in (s.spark_conf or {}).items()})
    return conf


def spark_session(s: EngineSettings) -> Any:
    """The process's Spark session, built from the settings when there is none (Spark keeps one per JVM)."""
    if local_master(s):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - the spark extra is missing
        raise UsageError("the spark engine needs pyspark: pip install 'sectorscope[spark]' (and a Java 17+ runtime)") from None
    builder = SparkSession.builder.appName("sectorscope")
    builder = builder.remote(s.spark_remote) if s.spark_remote else builder.master(s.spark_master)
    for key, value in session_conf(s).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    if not s.spark_remote:
        session.sparkContext.setLogLevel("ERROR")  # Spark's WARN lines (native Hadoop, hostnames) are not ours
    return session
