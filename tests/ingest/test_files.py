"""File ingest: layouts, formats and the errors a careless or hostile file gets."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from sectorscope.errors import InputError, Reason, ValidationError
from sectorscope.ingest import load_paths, read_rows
from sectorscope.store import Store

from ..conftest import obs, write_csv


def _values(store, **filters):
    t = store.query(**filters).order_by(["period", "obs_id"]).execute()
    return list(zip(t["period"], t["value"], t["unit"], strict=True))


def test_long_csv_with_traditional_text_and_artefacts(tmp_path, sources_csv):
    rows = [obs(subject="縮微機(jī)械", product="微型傳(chuán)感器", value="68.3", unit="%",
                indicator="capacity_utilisation", quote="整體產(chǎn)能利用率僅為68.3%"),
            obs(indicator="demand", unit="萬臺", value="1,060", quote="1,060萬臺", period="2028", location="t",
                status="forecast")]
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [write_csv(tmp_path / "a.csv", rows, list(rows[0].keys()))], sources=sources_csv)
    got = store.observations().execute().sort_values("period")
    assert list(got["subject"]) == ["缩微机械", "测试市场"]
    assert got.iloc[0]["product"] == "微型传感器"
    assert got.iloc[0]["quote"] == "整體產(chǎn)能利用率僅為68.3%"  # kept as given
    assert got.iloc[0]["quote_normalised"] == "整体产能利用率仅为68.3%"
    assert list(got["value"]) == [68.3, 10_600_000.0] and list(got["unit"]) == ["%", "个"]
    assert list(got["unit_as_printed"]) == ["%", "萬臺"] and got.iloc[1]["value_as_printed"] == "1,060"
    assert list(got["kind"]) == ["stated", "stated"] and got["reading"].isna().all()  # a source's own figures
    store.close()


def test_wide_layout_is_melted(tmp_path, sources_csv):
    path = tmp_path / "wide.csv"
    path.write_text("indicator,subject,unit,status,source,location,2024,2025,2026\n"
                    "market_size,成像仪,亿元,forecast,src-a,表1,165.3,185.6,\n"
                    "market_size_growth,成像仪,%,forecast,src-a,表1,,12.3,12.8\n", encoding="utf-8")
    rows, layout = read_rows(path)
    assert layout == "wide" and len(rows) == 4
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [path], sources=sources_csv)
    assert _values(store, indicator="market_size") == [("2024", 165.3e8, "元"), ("2025", 185.6e8, "元")]
    assert _values(store, indicator="market_size_growth") == [("2025", 12.3, "%"), ("2026", 12.8, "%")]
    store.close()


def test_xlsx_is_read_with_sheet_row_numbers(tmp_path, sources_csv):
    frame = pd.DataFrame([obs(), obs(period="2025", value="oops", location="p2")])
    path = tmp_path / "obs.xlsx"
    frame.to_excel(path, index=False, engine="xlsxwriter")
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(ValidationError) as info:
        load_paths(store, [path], sources=sources_csv)
    assert [(f.row, f.field) for f in info.value.failures] == [(3, "value"), (3, "quote")] or \
        [(f.row, f.field) for f in info.value.failures] == [(3, "quote"), (3, "value")]
    frame.loc[1, "value"] = "100"
    frame.to_excel(path, index=False, engine="xlsxwriter")
    load_paths(store, [path], sources=sources_csv)
    assert store.observations().count().execute() == 2
    store.close()


def test_gbk_csv_is_decoded(tmp_path, sources_csv):
    path = tmp_path / "gbk.csv"
    header = "indicator,subject,period,value,unit,status,source,quote\n"
    path.write_bytes((header + "market_size,成像仪,2024,165.3,亿元,actual,src-a,规模165.3亿元\n").encode("gbk"))
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [path], sources=sources_csv)
    assert store.observations().execute().iloc[0]["subject"] == "成像仪"
    store.close()


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    (b"", "not a well-formed CSV|the file is empty"),
    (b"indicator,subject,period,value,unit,status,source\n", "header but no rows"),
    (b"indicator,subjekt,period,value,unit,status,source\nx,y,2024,1,%,actual,src-a\n", "missing required column.*subject.*unknown column.*subjekt"),
    (b"indicator,subject,period,value,unit,status,source,value\nx,y,2024,1,%,actual,src-a,2\n", "more than once|value"),
    (b"indicator,subject,value,2024\nx,y,1,2\n", "both a 'value' column and period columns"),
    (b"a,b\n1,2\n", "no 'value' column and no period columns"),
])
def test_unreadable_files_are_clear_errors(tmp_path, sources_csv, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        load_paths(Store(tmp_path / "s.duckdb"), [path], sources=sources_csv)
    assert str(path) in str(info.value) or isinstance(info.value, ValidationError)
    assert not (tmp_path / "s.duckdb").exists()


def test_unknown_file_type_and_missing_file(tmp_path, sources_csv):
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(InputError, match=r"unknown file type '.json'"):
        load_paths(Store(tmp_path / "s.duckdb"), [tmp_path / "x.json"], sources=sources_csv)
    with pytest.raises(InputError, match="no such file"):
        load_paths(Store(tmp_path / "s.duckdb"), [tmp_path / "nope.csv"], sources=sources_csv)


def test_row_level_rules(tmp_path, sources_csv):
    rows = [
        obs(qualifier="range", value="11.5", value_high="", indicator="market_size_cagr", unit="%", period="2025/2030",
            quote="11.5%–12.2%", location="a"),
        obs(qualifier="range", value="12.2", value_high="11.5", indicator="market_size_cagr", unit="%",
            period="2025/2030", quote="12.2%–11.5%", location="b"),
        obs(value_high="120", quote="100–120亿元", location="c"),
        obs(location="d", quote="规模为一百亿元"),
        obs(location="e", unit="亿美元", period="1999", quote="市场规模为100亿美元"),
        obs(location="f"), obs(location="f"),
    ]
    with pytest.raises(ValidationError) as info:
        load_paths(Store(tmp_path / "s.duckdb"), [write_csv(tmp_path / "r.csv", rows, [*obs().keys(), "qualifier", "value_high"])],
                   sources=sources_csv)
    got = {(f.row, f.field): f.reason for f in info.value.failures}
    assert "a range needs value_high" in got[(2, "value_high")]
    assert "below value" in got[(3, "value_high")]
    assert "only for qualifier 'range'" in got[(4, "value_high")]
    assert "does not contain the value as printed" in got[(5, "quote")]
    assert "no USD exchange rate" in got[(6, "unit")] or "no exchange rate for USD" in got[(6, "unit")]
    assert "repeats the figure of row 7" in got[(8, "location")]
    assert len(got) == 6


def test_quote_offsets_are_checked_against_the_document(tmp_path):
    (tmp_path / "doc.txt").write_text("前言。2024年市场规模为100亿元。", encoding="utf-8")
    (tmp_path / "sources.csv").write_text("source_id,title,document\nsrc-a,报告,doc.txt\n", encoding="utf-8")
    header = ["indicator", "subject", "period", "value", "unit", "status", "source", "quote", "quote_start", "location"]
    good = obs(quote="市场规模为100亿元", quote_start="8", location="a")
    bad = obs(quote="市场规模为100亿元", quote_start="3", location="b")
    path = write_csv(tmp_path / "o.csv", [good, bad], header)
    with pytest.raises(ValidationError) as info:
        load_paths(Store(tmp_path / "s.duckdb"), [path, tmp_path / "sources.csv"])
    assert [(f.row, f.field) for f in info.value.failures] == [(3, "quote_start")]
    assert "not at this offset of src-a's document" in str(info.value)


def test_source_document_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "sources.csv").write_text("source_id,title,document\nsrc-a,报告,../../etc/passwd\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="no such document beside the sources file"):
        load_paths(Store(tmp_path / "s.duckdb"), [tmp_path / "sources.csv"])


@pytest.mark.parametrize("files", [[], ["notes.txt", "README.md"], ["observations/notes.txt"]])
def test_a_folder_with_nothing_to_load_is_refused(tmp_path, files):
    folder = tmp_path / "data"
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("not data", encoding="utf-8")
    folder.mkdir(exist_ok=True)
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(InputError) as info:
        load_paths(store, [folder])
    assert str(info.value) == f"nothing to load in {folder}: no sources.csv, fx_rates.csv, rules.yaml or .csv/.xlsx files"
    assert info.value.reason == Reason.FILE_NOT_FOUND
    assert not (tmp_path / "s.duckdb").exists()


def test_an_empty_folder_beside_real_files_is_refused_too(tmp_path, sources_csv):
    """The user named a folder that holds nothing: probably the wrong one; loading the rest would hide it."""
    (tmp_path / "empty").mkdir()
    path = write_csv(tmp_path / "a.csv", [obs()], list(obs().keys()))
    with pytest.raises(InputError, match=r"nothing to load in .*empty: no sources.csv"):
        load_paths(Store(tmp_path / "s.duckdb"), [path, tmp_path / "empty"], sources=sources_csv)


def test_the_vintage_digest_is_of_the_bytes_loaded_when_files_change_during_the_load(tmp_path, sources_csv):
    """Each file is hashed as it is parsed: a file rewritten after it was read (here, as soon as it was
    validated) does not change the recorded digest, which stays that of what was loaded."""
    path = write_csv(tmp_path / "a.csv", [obs()], list(obs().keys()))
    rules = tmp_path / "rules.yaml"
    rules.write_text("part_whole: []\n", encoding="utf-8")
    read = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (sources_csv, path, rules)}

    def rewrite(f: Path) -> None:
        f.write_bytes(f.read_bytes() + b"\n# changed after it was read\n" if f == rules else
                      f.read_bytes().replace(b"100", b"999"))

    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [path, rules], sources=sources_csv, on_file=rewrite)
    vintage = store.vintages().execute().iloc[-1]
    assert vintage["sha256"] == hashlib.sha256((read[sources_csv] + read[rules] + read[path]).encode()).hexdigest()
    assert list(store.observations().execute()["value"]) == [1e10]  # 100亿元, as read
    assert list(store.rule_files().execute()["sha256"]) == [read[rules]]
    assert read[path] != hashlib.sha256(path.read_bytes()).hexdigest()  # the file did change
    store.close()


def test_reads_are_logged_with_the_hash_of_the_bytes_parsed(tmp_path):
    from sectorscope.ingest.read import recording_reads

    csv_path = write_csv(tmp_path / "a.csv", [obs()], list(obs().keys()))
    xlsx_path = tmp_path / "b.xlsx"
    pd.DataFrame([obs()]).to_excel(xlsx_path, index=False, engine="xlsxwriter")
    with recording_reads() as log:
        read_rows(csv_path)
        read_rows(xlsx_path)
        read_rows(csv_path)
    for p in (csv_path, xlsx_path, csv_path):
        assert log.take(p) == hashlib.sha256(p.read_bytes()).hexdigest()
    with pytest.raises(LookupError, match=r"was not read through sectorscope\.ingest\.read"):
        log.take(csv_path)


def test_a_crlf_document_is_read_as_before_for_quote_offsets(tmp_path):
    """The document is now read once (its hash and its text from the same bytes); its text is still what
    read_text gave, CRLF as LF, so offsets written against it stay valid."""
    doc = "前言。\r\n2024年市场规模为100亿元。\r\n"
    (tmp_path / "doc.txt").write_bytes(doc.encode("utf-8"))
    (tmp_path / "sources.csv").write_text("source_id,title,document\nsrc-a,报告,doc.txt\n", encoding="utf-8")
    start = doc.replace("\r\n", "\n").index("市场规模为100亿元")
    row = obs(quote="市场规模为100亿元", quote_start=str(start), location="a")
    path = write_csv(tmp_path / "o.csv", [row], [*obs().keys(), "quote_start"])
    store = Store(tmp_path / "s.duckdb")
    load_paths(store, [path, tmp_path / "sources.csv"])
    assert list(store.observations().execute()["quote_start"]) == [start]
    assert list(store.sources().execute()["document_sha256"]) == [hashlib.sha256(doc.encode("utf-8")).hexdigest()]
    store.close()
