"""The record-set layer: bulk records (customs lines by HS code) kept as Parquet partitions, each batch a vintage
with its source, turned into cited figures by Ibis expressions that run on DuckDB or on Spark.

It sits between ingest (whose errors and file readers it uses) and audit: what it derives is stored as figures,
and every later layer reads those figures through the store.
"""
from __future__ import annotations

__all__: list[str] = []
