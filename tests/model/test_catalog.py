from __future__ import annotations

import re

import pytest

from sectorscope.errors import CatalogError
from sectorscope.model.catalog import load_catalog
from sectorscope.model.units import UNIT_KINDS


def test_packaged_catalog_is_consistent(catalog):
    assert len(catalog) >= 50
    for ind in catalog:
        assert ind.unit_kind in UNIT_KINDS
        assert ind.name_zh and ind.name_en
        assert ind.lower is None or ind.upper is None or ind.lower <= ind.upper
    assert catalog["capacity_utilisation"].upper == 100
    assert catalog["market_size"].name("en") == "Market size"


def test_shares_are_bounded(catalog):
    for code in ("market_share", "import_dependence", "localisation_rate", "capacity_utilisation"):
        ind = catalog[code]
        assert (ind.lower, ind.upper) == (0, 100)
        assert not ind.within_bounds(100.5) and ind.within_bounds(0)


def test_duplicate_code_is_refused(tmp_path):
    entry = "- {code: x, name_zh: 甲, name_en: X, unit_kind: percent, aggregation: none, bounds: [0, 100]}\n"
    (tmp_path / "common.yaml").write_text(entry, encoding="utf-8")
    (tmp_path / "other.yaml").write_text(entry, encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape("'x' is defined twice: in common.yaml and in other.yaml")):
        load_catalog(tmp_path)


@pytest.mark.parametrize("entry, message", [
    ("- {code: x, name_zh: 甲, name_en: X, unit_kind: furlong, aggregation: none}", "unknown unit_kind"),
    ("- {code: x, name_zh: 甲, name_en: X, unit_kind: percent, aggregation: max}", "aggregation must be"),
    ("- {code: x, name_zh: 甲, name_en: X, unit_kind: percent, aggregation: none, bounds: [5, 1]}", "above upper"),
    ("- {code: x, name_en: X, unit_kind: percent, aggregation: none}", "missing name_zh"),
])
def test_bad_entries_are_refused(tmp_path, entry, message):
    (tmp_path / "common.yaml").write_text(entry + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(tmp_path)


def test_the_trade_record_indicators_serve_every_market(catalog):
    """What `records derive` writes for any market is in common.yaml (#19): the partner share (moved there
    from micromachinery.yaml), the HHI of import sources on 0–10000 (dimensionless: no unit kind of points
    exists, and "点" and "" both read as dimensionless), and the output value dependence is computed from."""
    from sectorscope.model.units import parse_unit

    share, hhi, output = catalog["import_source_share"], catalog["import_concentration_hhi"], catalog["output_value"]
    assert {share.file, hhi.file, output.file} == {"common.yaml"}
    assert (share.unit_kind, share.lower, share.upper) == ("percent", 0, 100)
    assert "其他" in share.definition_zh and "日本、德国、美国" in share.definition_zh
    assert (hhi.unit_kind, hhi.aggregation, hhi.lower, hhi.upper) == ("dimensionless", "none", 0, 10000)
    assert hhi.name_zh == "进口来源集中度(HHI)" and hhi.within_bounds(10000) and not hhi.within_bounds(10000.5)
    assert (output.unit_kind, output.aggregation, output.lower, output.upper) == ("money", "sum", 0, None)
    assert parse_unit("点", kind="dimensionless").factor == parse_unit("", kind="dimensionless").factor == 1
