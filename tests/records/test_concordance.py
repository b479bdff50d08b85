"""The concordance file: the shipped one loads and covers the issue's codes in each edition; a bad one is refused
with every problem named by file, row and field; the version id follows the content."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sectorscope.errors import InputError, Reason, ValidationError
from sectorscope.records.concordance import load_concordance

DEFAULT = Path(__file__).parents[2] / "data" / "default" / "concordance" / "hs_catalog.csv"
HEADER = "version,hs_edition,code,market,product,share,source,note\n"


def write(tmp_path: Path, body: str, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_default_concordance_loads_and_maps_each_edition_explicitly():
    conc = load_concordance(DEFAULT)
    assert conc.version == "2026-12" and conc.version_id.startswith("2026-12+")
    by = {(r.hs_edition, r.code, r.market): r for r in conc.rows}
    for edition in ("HS2012", "HS2017", "HS2022"):
        assert by[(edition, "850110", "缩微机械")].product == "微型电机类商品"
        assert by[(edition, "901813", "成像仪")].product == "医学影像设备"
    # the seed's 8548.90 is HS2017 (and 2012); HS2022's successor is 854800
    assert by[("HS2017", "854890", "缩微机械")].product == "高端微执行器用PZT陶瓷片"
    assert ("HS2022", "854890", "缩微机械") not in by and ("HS2022", "854800", "缩微机械") in by
    # 8541.51 exists from HS2022 on; its HS2017 predecessors map to MEMS only in part
    assert by[("HS2022", "854151", "MEMS")].share == 1
    assert by[("HS2017", "902620", "MEMS")].share < 1
    assert ("HS2017", "852580", "成像仪") in by and ("HS2022", "852589", "成像仪") in by


def test_markets_are_the_catalogs_subjects():
    """Every market is a subject of the default observations, so a computed figure sits beside the stated ones."""
    import csv

    subjects = set()
    for f in (DEFAULT.parents[1] / "observations").glob("*.csv"):
        with f.open(encoding="utf-8") as fh:
            subjects |= {row["subject"] for row in csv.DictReader(fh)}
    assert {r.market for r in load_concordance(DEFAULT).rows} <= subjects


def test_every_problem_is_named_by_row_and_field(tmp_path):
    path = write(tmp_path, (
        "v1,HS2022,850110,缩微机械,微型电机类商品,1,WCO,\n"           # row 2: fine
        "v1,HS2022,8501,缩微机械,,1,WCO,\n"                            # row 3: 4 digits
        "v1,HS2022,850110,缩微机械,微型电机类商品,0.5,WCO,\n"          # row 4: duplicate of row 2
        "v1,HS2007,850110,缩微机械,,1,WCO,\n"                          # row 5: unknown edition
        "v1,HS2022,854151,MEMS,,1.5,WCO,\n"                            # row 6: share above 1
        "v1,HS2022,854152,MEMS,,0,WCO,\n"                              # row 7: share 0
        "v1,HS2022,902620,MEMS,,0.6,est,\n"                            # row 8
        "v1,HS2022,902620,MEMS,MEMS压力传感器,0.6,est,\n"              # row 9: 0.6 + 0.6 > 1 for 902620/MEMS
        "v2,HS2022,903180,传感器,,1,,\n"                               # row 10: second version, no source
    ))
    with pytest.raises(ValidationError) as info:
        load_concordance(path)
    got = [(f.row, f.field, f.code) for f in info.value.failures]
    assert got == [
        (3, "code", Reason.BAD_VALUE),
        (4, "code", Reason.DUPLICATE),
        (5, "hs_edition", Reason.UNKNOWN_CODE),
        (6, "share", Reason.BAD_VALUE),
        (7, "share", Reason.BAD_VALUE),
        (9, "share", Reason.INCONSISTENT),
        (10, "source", Reason.MISSING_VALUE),
        (10, "version", Reason.INCONSISTENT),
    ]
    assert all(f.file == str(path) for f in info.value.failures)
    text = str(info.value)
    assert "row 4, field 'code': same version, edition, code, market and product as row 2" in text
    assert "the shares of HS2022 902620 for MEMS add up to more than 1 (rows 8, 9)" in text
    assert "unknown HS edition; editions are HS2012, HS2017, HS2022 (got 'HS2007')" in text


def test_dotted_codes_are_read_and_a_code_may_count_for_two_markets(tmp_path):
    conc = load_concordance(write(tmp_path, "v1,HS2022,8541.51,MEMS,,1,WCO,\nv1,HS2022,854151,传感器,,1,WCO,\n"
                                            "v1,HS2022,9031.80.90,MEMS,,0.25,est,\n"))
    assert [(r.code, r.market, r.share) for r in conc.rows] == [
        ("854151", "MEMS", Decimal("1")), ("854151", "传感器", Decimal("1")), ("90318090", "MEMS", Decimal("0.25"))]
    assert conc.lengths() == (8, 6)


def test_the_version_id_changes_with_the_content_not_with_the_order(tmp_path):
    a = "v1,HS2022,850110,缩微机械,,1,WCO,\n"
    b = "v1,HS2022,854151,MEMS,,1,WCO,\n"
    first = load_concordance(write(tmp_path, a + b, "1.csv")).version_id
    assert load_concordance(write(tmp_path, b + a, "2.csv")).version_id == first
    assert load_concordance(write(tmp_path, a + b.replace(",1,", ",0.9,"), "3.csv")).version_id != first


def test_a_missing_file_or_column_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="concordance file not found") as info:
        load_concordance(tmp_path / "none.csv")
    assert info.value.reason == Reason.FILE_NOT_FOUND
    bad = tmp_path / "bad.csv"
    bad.write_text("version,hs_edition,code,market,share,source,note\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="row 1, field 'product': column missing") as info2:
        load_concordance(bad)
    assert info2.value.reason == Reason.WRONG_SHAPE


def test_the_seeds_pzt_code_maps_in_hs2017_and_is_unmapped_in_hs2022():
    """8548.90 is an HS2017 code: an HS2017 line maps to the PZT product; the same code in an HS2022 batch maps to
    nothing and is counted as unmapped, while HS2022's 854800 maps."""
    import ibis
    import pyarrow as pa

    from sectorscope.records.concordance import apply, unmapped

    lines = ibis.memtable(pa.table({"hs_edition": ["HS2017", "HS2022", "HS2022"],
                                    "hs_code": ["85489000", "85489000", "85480000"],
                                    "hs6": ["854890", "854890", "854800"], "flow": ["import"] * 3,
                                    "currency": ["USD"] * 3,
                                    "value": pa.array([Decimal(10), Decimal(20), Decimal(40)], pa.decimal128(20, 2))}))
    conc = load_concordance(DEFAULT)
    got = apply(lines, conc).order_by("value").to_pyarrow().to_pylist()
    assert [(r["hs_edition"], r["conc_code"], r["product"]) for r in got] == [
        ("HS2017", "854890", "高端微执行器用PZT陶瓷片"), ("HS2022", "854800", "高端微执行器用PZT陶瓷片")]
    miss = unmapped(lines, conc).to_pyarrow().to_pylist()
    assert [(r["hs_edition"], r["hs6"], r["n_lines"], r["value"]) for r in miss] == [("HS2022", "854890", 1, Decimal(20))]


def test_materialised_keeps_equal_expressions_once_and_at_most_sixteen_per_connection():
    import ibis

    from sectorscope.records.concordance import materialised

    con = ibis.duckdb.connect()
    base = ibis.memtable({"a": [1, 2, 2]})

    def kept() -> int:
        return con.raw_sql("SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, '_sectorscope_kept_')"
                           ).fetchone()[0]

    first = materialised(base.group_by("a").aggregate(n=base.count()), con)
    again = materialised(base.group_by("a").aggregate(n=base.count()), con)
    assert first.get_name().split(".")[-1] == again.get_name().split(".")[-1] and kept() == 1
    assert sorted(again.to_pyarrow().to_pylist(), key=lambda r: r["a"]) == [{"a": 1, "n": 1}, {"a": 2, "n": 2}]
    for k in range(20):
        materialised(base.mutate(k=ibis.literal(k)), con)
    assert kept() == 16
    assert materialised(base) is base  # a memtable is bound to no engine: nothing to keep it on


def test_materialised_on_spark_is_a_cached_view_kept_once_and_at_most_sixteen(spark_backend):
    # on Spark too the indicators share one summary: a cached DataFrame under a temporary view, computed now
    import ibis

    from sectorscope.records.concordance import materialised

    con = spark_backend
    base = con.create_view("kept_test_base", ibis.memtable({"a": [1, 2, 2]}), overwrite=True)
    session = con._session

    def kept() -> list[str]:
        names = [t.name for t in session.catalog.listTables() if t.name.startswith("_sectorscope_kept_")]
        assert all(session.catalog.isCached(n) for n in names)
        return names

    before = set(kept())
    first = materialised(base.group_by("a").aggregate(n=base.count()), con)
    again = materialised(base.group_by("a").aggregate(n=base.count()), con)
    name = first.get_name().split(".")[-1]
    assert name == again.get_name().split(".")[-1] and set(kept()) - before == {name}
    assert sorted(con.to_pyarrow(again).to_pylist(), key=lambda r: r["a"]) == [{"a": 1, "n": 1}, {"a": 2, "n": 2}]
    for k in range(20):
        materialised(base.mutate(k=ibis.literal(k)), con)
    assert len(kept()) == 16 and name not in kept()  # the oldest dropped and uncached
