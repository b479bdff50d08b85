"""The default dataset is what its seeds say: every quote is in its seed where its offsets point, and the
number read from the quote is the number stored."""
from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from sectorscope.ingest import load_default
from sectorscope.model.catalog import load_catalog
from sectorscope.model.numbers import parse_number
from sectorscope.model.observation import parse_period
from sectorscope.model.text import normalise
from sectorscope.model.units import parse_unit
from sectorscope.store import Store

from ..conftest import DEFAULT_DATA


def _records(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


SOURCES = {r["source_id"]: r for r in _records(DEFAULT_DATA / "sources.csv")}
ROWS = [
    (f.name, i, r)
    for f in sorted((DEFAULT_DATA / "observations").glob("*.csv"))
    for i, r in enumerate(_records(f), start=2)
]
DOCS = {sid: (DEFAULT_DATA / s["document"]).read_text(encoding="utf-8") for sid, s in SOURCES.items() if s["document"]}
NORMALISED_DOCS = {sid: normalise(text) for sid, text in DOCS.items()}
TABLE = ("表", "图", "圖")  # flattened table rows: cells are glued together, so no digit boundary exists


def test_size_and_coverage():
    assert len(ROWS) >= 250
    by_source = {}
    for _, _, r in ROWS:
        by_source[r["source"]] = by_source.get(r["source"], 0) + 1
    assert set(by_source) == {"seed-000", "seed-001", "seed-004"}
    assert min(by_source.values()) >= 80
    subjects = {normalise(r["subject"]) for _, _, r in ROWS}
    assert {"缩微机械", "MEMS", "成像仪"} <= subjects
    statuses = {r["status"] for _, _, r in ROWS}
    assert {"actual", "estimate", "forecast", "target"} <= statuses
    qualifiers = {r["qualifier"] or "exact" for _, _, r in ROWS}
    assert {"exact", "about", "at_least", "at_most", "range"} <= qualifiers


@pytest.mark.parametrize("file, row, r", ROWS, ids=[f"{f}:{i}" for f, i, _ in ROWS])
def test_quote_is_in_its_seed_and_holds_the_value(file, row, r):
    doc = DOCS[r["source"]]
    start, end = int(r["quote_start"]), int(r["quote_end"])
    assert doc[start:end] == r["quote"], "the offsets do not point at the quote"
    assert normalise(r["quote"]) in NORMALISED_DOCS[r["source"]], "the normalised quote is not in the normalised seed"
    printed = r["value_text"] or r["value"]
    if r["location"].startswith(TABLE):
        assert printed in r["quote"]
    else:
        assert re.search(rf"(?<![\d.,]){re.escape(printed)}(?!\d)", r["quote"]), f"{printed!r} is not a number in the quote"
    for side, text in (("value", r["value"]), ("value_high", r["value_high"])):
        if not text:
            continue
        if side == "value_high":
            assert re.search(rf"(?<![\d.,]){re.escape(text)}(?!\d)", r["quote"]) or text in r["quote"]
            printed = text
        read = parse_number(printed if side == "value_high" else (r["value_text"] or text))
        stored = parse_number(text)
        unit = parse_unit(r["unit"], load_catalog()[r["indicator"]].unit_kind)
        scale = parse_unit(r["unit"], unit.kind).factor / (parse_unit(_base(r["unit"]), unit.kind).factor if _base(r["unit"]) != r["unit"] else 1)
        readings = (
            abs(read),               # the number as printed, in the printed unit
            abs(read) / scale,       # a number word that carries the unit's scale itself (突破万亿 with unit 万亿元)
            abs(read) * 100 if unit.kind == "percent" else None,  # a fraction word for a share (过半 = 50 %)
        )
        assert any(x is not None and math.isclose(abs(stored), x, rel_tol=1e-9) for x in readings), (
            f"{side} {text} is not what the quote prints ({printed!r})")


def _base(unit: str) -> str:
    """The unit without a Chinese scale prefix (亿元 → 元)."""
    for prefix in ("万亿", "千亿", "百亿", "十亿", "千万", "百万", "十万", "亿", "万", "千", "百"):
        u = normalise(unit)
        if u.startswith(prefix) and len(u) > len(prefix) and u not in ("百分点", "千克"):
            return u[len(prefix):]
    return unit


def test_the_store_holds_the_canonical_values(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    summary = load_default(store)
    assert summary.n_new == len(ROWS) and summary.n_rows == len(ROWS)
    got = store.observations().execute()
    assert len(got) == len(ROWS)
    cat = load_catalog()
    dims = ("subject", "product", "application", "company", "country", "tier", "scenario", "location")

    def key(source, indicator, region, period, values: dict) -> tuple:
        return (source, indicator, normalise(region or "") or "中国", period,
                *(normalise(values[d] or "") for d in dims))

    by_key = {key(r["source"], r["indicator"], r["region"], r["period"], r): r for _, _, r in ROWS}
    assert len(by_key) == len(ROWS)
    for rec in got.itertuples():
        d = rec._asdict()
        r = by_key[key(rec.source_id, rec.indicator, rec.region, rec.period, {k: d[k] if isinstance(d[k], str) else "" for k in dims})]
        u = parse_unit(r["unit"], cat[r["indicator"]].unit_kind)
        if u.needs_fx:
            assert "USD→CNY" in rec.note
            continue
        assert math.isclose(rec.value, parse_number(r["value"]) * u.factor, rel_tol=1e-12)
        assert rec.unit == u.canonical and rec.value_as_printed == r["value"] and rec.quote == r["quote"]
    # a second load of the same files changes nothing and withdraws nothing
    again = load_default(store)
    assert (again.n_new, again.n_revised, again.n_withdrawn, again.n_unchanged) == (0, 0, 0, len(ROWS))
    store.close()


def test_usd_figures_go_through_the_fx_table(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    load_default(store)
    fx = store.fx_rates().execute().set_index("year")
    got = store.observations().execute()
    usd = got[got["unit_as_printed"].str.contains("美元") & ~got["unit_as_printed"].str.contains("/")]
    assert len(usd) >= 5
    for rec in usd.itertuples():
        year = min(parse_period(rec.period).year, int(fx.index.max()))
        printed = parse_number(rec.value_as_printed) * parse_unit(rec.unit_as_printed, "money").factor
        assert math.isclose(rec.value, printed * fx.at[year, "cny_per_unit"], rel_tol=1e-9)
    store.close()
