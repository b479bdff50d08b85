"""Figure kinds and readings are columns (schema 3): set by what made a row, checked by the store, and filled
once, from the pre-schema-3 string rules, for the rows of an older store on its first schema-3 write."""
from __future__ import annotations

import shutil
from datetime import UTC, datetime

import duckdb
import ibis
import pandas as pd
import pytest

from sectorscope.errors import StoreError
from sectorscope.ingest import load_default
from sectorscope.model.observation import KINDS, parse_period
from sectorscope.store import Batch, Store, keys
from sectorscope.store.schema import SCHEMA_VERSION

# Schema 2 as it was: the figure key, the content hash (the analysis columns only when one is set) and the
# observations table without schema 3's columns. Frozen here, so the stores below are what schema-2 code wrote.
KEY_2 = ("source_id", "indicator", "subject", "region", "product", "application", "company", "country", "tier",
         "scenario", "period", "location")
CONTENT_2 = ("period_start", "period_end", "value", "value_high", "qualifier", "unit", "value_as_printed",
             "value_high_as_printed", "unit_as_printed", "status", "quote", "quote_start", "quote_end", "basis",
             "note", "formula", "input_ids")
ANALYSIS_2 = ("bound_low", "bound_high", "lo80", "hi80", "lo95", "hi95", "method", "input_vintage")
SCHEMA_3_COLUMNS = ("kind", "reading", "reading_band")


def _joined(cols: tuple[str, ...]) -> str:
    return " || chr(31) || ".join(f"COALESCE(CAST(\"{c}\" AS VARCHAR), '')" for c in cols)


KEY_SQL = f"md5({_joined(KEY_2)})"
HASH_SQL = (f"md5(CASE WHEN {' OR '.join(f'{chr(34)}{c}{chr(34)} IS NOT NULL' for c in ANALYSIS_2)} "
            f"THEN {_joined(CONTENT_2)} || chr(31) || {_joined(ANALYSIS_2)} ELSE {_joined(CONTENT_2)} END)")


def as_schema_2(path) -> None:
    """Turn a store into the one schema-2 code writes from the same figures: no kind or reading columns,
    schema_version 2, and every key and content hash as schema 2 computed them."""
    con = duckdb.connect(str(path))
    try:
        # figures derived from record sets came after schema 3: a schema-2 store has none
        con.execute("DELETE FROM observations WHERE method = 'records'")
        for c in SCHEMA_3_COLUMNS:
            con.execute(f'ALTER TABLE observations DROP COLUMN "{c}"')
        con.execute("UPDATE vintages SET schema_version = 2")
        con.execute("ALTER TABLE observations ADD COLUMN IF NOT EXISTS row_hash VARCHAR")  # schema 5 dropped it
        con.execute(f"UPDATE observations SET obs_key = {KEY_SQL}, row_hash = {HASH_SQL}")
    finally:
        con.close()


def _rows(path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT * FROM observations ORDER BY obs_id").df().set_index("obs_id")
    finally:
        con.close()


def _ids(x) -> list[int] | None:
    return None if x is None or x is pd.NA or (isinstance(x, float) and pd.isna(x)) else [int(i) for i in x]


@pytest.fixture(scope="module")
def made(main_job, tmp_path_factory):
    """The default dataset's store as the pipelines wrote it (every kind set where its rows were made), and
    a copy of it as schema-2 code would have written it."""
    made = _rows(main_job.store_path)
    old = tmp_path_factory.mktemp("schema2") / "old.duckdb"
    shutil.copyfile(main_job.store_path, old)
    as_schema_2(old)
    return made, old


def test_the_pipelines_write_every_kind_and_the_schema_2_hashes(made, main_job):
    rows, old = made
    assert set(rows["kind"]) == set(KINDS)
    by_source = rows.groupby("source_id")["kind"].agg(lambda k: sorted(set(k))).to_dict()
    assert by_source == {"records-customs_cn": ["derived"], "sectorscope": ["assessment", "derived", "tier_summary"],
                         "sectorscope-forecast": ["model_forecast", "scenario_projection"],
                         "seed-000": ["stated"], "seed-001": ["stated"], "seed-004": ["stated"]}
    # the supply-demand index carries its reading and the band that made it (analytics.yaml: ±0.2)
    sd = rows[rows["indicator"] == "supply_demand_index"]
    assert set(sd["reading_band"]) == {0.2} and sd["reading"].notna().all()
    assert rows.loc[rows["indicator"] != "supply_demand_index", ["reading", "reading_band"]].isna().all().all()
    assert sorted(sd.loc[sd["kind"] == "tier_summary", "reading"]) == ["shortage", "surplus"]
    # schema 3 changed no figure's key or content hash (schema 5 stores none: the digest is computed)
    two = _rows(old)
    con = ibis.duckdb.connect(str(main_job.store_path), read_only=True)
    t = con.table("observations")
    digests = t.select("obs_id", h=keys.content_digest(t)).execute().set_index("obs_id").sort_index()["h"]
    con.disconnect()
    assert (two["obs_key"] == rows.loc[two.index, "obs_key"]).all() and (two["row_hash"] == digests.loc[two.index]).all()


def test_a_schema_2_store_reads_the_kinds_its_first_schema_3_write_stores(made, tmp_path):
    made_rows, old = made
    path = tmp_path / "s.duckdb"
    shutil.copyfile(old, path)
    store = Store(path)
    seen = store.table("observations").execute().set_index("obs_id").sort_index()  # before any schema-3 write
    store.close()
    assert set(_rows(path).columns).isdisjoint(SCHEMA_3_COLUMNS)
    summary = load_default(store)
    # the reload restates every figure: no key or hash moved
    assert (summary.n_new, summary.n_revised, summary.n_withdrawn) == (0, 0, 0)
    assert summary.n_unchanged == summary.n_rows > 0
    after = _rows(path)
    before = _rows(old)
    assert list(after.index) == list(before.index)  # the write added no row
    assert "row_hash" in before.columns and "row_hash" not in after.columns  # schema 5 stores no content hash
    assert "row_hash" not in seen.columns  # and reads of an older store never show it
    for c in before.columns.drop("row_hash"):  # and changed nothing else the schema-2 store held
        if c == "input_ids":
            assert [_ids(x) for x in after[c]] == [_ids(x) for x in before[c]]
        else:
            pd.testing.assert_series_equal(after[c], before[c], check_dtype=False)
    for c in SCHEMA_3_COLUMNS:  # what the string rules say is what the pipelines set, row by row
        pd.testing.assert_series_equal(after[c], made_rows.loc[after.index, c], check_dtype=False)
        pd.testing.assert_series_equal(seen[c], made_rows.loc[seen.index, c], check_dtype=False)
    vintages = Store(path).vintages().execute()
    # the main job's five vintages (load, record batch, records derivation, analysis, forecasts) as schema 2,
    # then the reload
    assert list(vintages["schema_version"]) == [2] * 5 + [SCHEMA_VERSION] and SCHEMA_VERSION >= 5
    # every migrated row reads the same content as the schema-2 hash said: the content_digest of what is
    # stored now is the row_hash schema 2 stored, so a re-run producing a figure again restates it
    con = ibis.duckdb.connect(str(path), read_only=True)
    t = con.table("observations")
    again = t.select("obs_id", now=keys.content_digest(t)).execute().set_index("obs_id").sort_index()
    con.disconnect()
    assert (again["now"] == before["row_hash"]).all()
    # and a second run restates every figure too, now compared column by column
    second = load_default(Store(path))
    assert (second.n_new, second.n_revised, second.n_withdrawn) == (0, 0, 0)


# ---- the kind column on writes ----------------------------------------------------------------------------------
def _row(**kw) -> dict:
    p = parse_period(kw.get("period", "2025"))
    row = {"indicator": "supply_demand_index", "subject": "测试", "product": "甲", "period": p.text,
           "period_start": p.start, "period_end": p.end, "value": 0.5, "qualifier": "exact", "unit": "",
           "value_as_printed": "0.5", "unit_as_printed": "", "status": "derived", "source_id": "sectorscope",
           "location": "派生:supply_demand_index", "bound_low": 0.3, "bound_high": 0.6, "withdrawn": False,
           "kind": "derived", "reading": "shortage", "reading_band": 0.2}
    row.update(kw)
    return row


def _write(store: Store, n: int, *rows: dict):
    return store.write(Batch(observations=pd.DataFrame(list(rows))), loaded_at=datetime(2025, 1, n, tzinfo=UTC))


def test_a_row_without_a_kind_is_stated_and_an_unknown_kind_or_reading_is_refused(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    _write(store, 1, _row(kind=None, product="乙", reading=None, reading_band=None), _row())
    got = store.query(kind=["stated", "derived"]).select("product", "kind").execute()
    assert dict(zip(got["product"], got["kind"], strict=True)) == {"乙": "stated", "甲": "derived"}
    assert list(store.query(kind="derived").execute()["product"]) == ["甲"]
    with pytest.raises(StoreError, match="unknown kind"):
        store.query(kind="guess")
    before = (tmp_path / "s.duckdb").read_bytes()
    for bad in (_row(kind="forecast"), _row(reading="tight")):
        with pytest.raises(StoreError, match="unknown"):
            _write(store, 2, bad)
    assert (tmp_path / "s.duckdb").read_bytes() == before


def test_a_figures_kind_cannot_change(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    _write(store, 1, _row())
    with pytest.raises(StoreError, match="stored as derived, not tier_summary"):
        _write(store, 2, _row(kind="tier_summary", value=0.7, bound_high=0.8))
    # restated with another kind it is not a new version at all: the stored kind stands
    assert _write(store, 3, _row(kind="tier_summary")).n_unchanged == 1
    assert list(store.query().execute()["kind"]) == ["derived"]


def test_a_new_band_revises_the_reading_and_the_old_band_restates(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    _write(store, 1, _row())
    assert _write(store, 2, _row()).n_unchanged == 1
    s = _write(store, 3, _row(reading="balanced", reading_band=0.35))  # the same index read against ±0.35
    assert (s.n_revised, s.n_unchanged) == (1, 0)
    assert store.query().execute()[["reading", "reading_band"]].values.tolist() == [["balanced", 0.35]]
    assert _write(store, 4, _row()).n_revised == 1  # back to ±0.2
    assert _write(store, 5, _row()).n_unchanged == 1


def test_a_schema_1_store_gains_the_analysis_and_kind_columns_together(tmp_path):
    path = tmp_path / "s.duckdb"
    store = Store(path)
    _write(store, 1, _row(kind=None, source_id="src-a", location="表1", reading=None, reading_band=None,
                          bound_low=None, bound_high=None, status="actual"), _row())
    store.close()
    con = duckdb.connect(str(path))
    for c in (*ANALYSIS_2, *SCHEMA_3_COLUMNS):
        con.execute(f'ALTER TABLE observations DROP COLUMN "{c}"')
    con.close()
    read = Store(path).query().select("source_id", "kind", "reading").execute()
    # a schema-1 figure of source sectorscope is a derived one; without bounds it has no reading
    assert read.sort_values("source_id").values.tolist() == [["sectorscope", "derived", None],
                                                               ["src-a", "stated", None]]
    assert _write(store, 2, _row(source_id="src-b", kind=None)).n_new == 1
    got = _rows(path).sort_values("source_id")
    assert list(got["kind"]) == ["derived", "stated", "stated"]
    assert got["reading"].tolist()[:2] == [None, None] and got["reading"].iloc[2] == "shortage"
