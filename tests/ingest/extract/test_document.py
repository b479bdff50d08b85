"""Reading reports: encodings, bad input, and the offset map back to the original text."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.errors import InputError
from sectorscope.ingest.extract import Document, decode_report, read_report

TRAD = "2025年中國縮微機械市場規模達(dá)185.6億元,同比增長12.3%。"


def test_traditional_with_artefacts_is_normalised_and_maps_back():
    doc = Document.from_text(TRAD)
    assert doc.text == "2025年中国缩微机械市场规模达185.6亿元,同比增长12.3%。"
    i = doc.text.index("185.6亿元")
    s, e = doc.span(i, i + len("185.6亿元"))
    assert doc.original[s:e] == "185.6億元"
    j = doc.text.index("达")
    assert doc.quote(j, j + 1) == "達"


def test_full_width_digits_fold_and_keep_offsets():
    doc = Document.from_text("产能利用率为６８．３％，较上年下降")
    assert "68.3%" in doc.text
    i = doc.text.index("68.3%")
    assert doc.quote(i, i + 5) == "６８．３％"


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "big5", "utf-16", "utf-8-sig"])
def test_encodings_are_detected(tmp_path, encoding):
    text = "中國成像儀市場規模達到約486億元,較上年增長12.3%。" if encoding == "big5" else \
        "中国成像仪市场规模达到约486亿元,较上年增长12.3%。"
    p = tmp_path / f"r.{encoding}.txt"
    p.write_bytes(text.encode(encoding))
    doc = read_report(p)
    assert doc.original == text
    assert "486亿元" in doc.text


@pytest.mark.parametrize("data,message", [
    (b"", "is empty"),
    (b"   \n\t  ", "only whitespace"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
    (b"%PDF-1.7\n\x00\x01\x02binary", "not a readable PDF"),  # read by its content, whatever its name
    (bytes(range(128, 256)) * 50, "neither UTF-8"),
])
def test_bad_input_is_refused_with_the_file_named(tmp_path, data, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match=message) as exc:
        read_report(p)
    assert str(p) in str(exc.value)


def test_too_large_is_refused_before_reading(tmp_path):
    p = tmp_path / "big.txt"
    with open(p, "wb") as fh:  # a sparse 200 MB file: the size check must not read it
        fh.seek(200 * 1024 * 1024 - 1)
        fh.write(b"\0")
    with pytest.raises(InputError, match=r"200\.0 MB, above the 50 MB limit"):
        read_report(p)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_report(tmp_path / "nope.txt")


def test_bom_that_lies_is_an_error():
    with pytest.raises(InputError, match="byte-order mark"):
        decode_report(b"\xef\xbb\xbf\xff\xfe\xfa", "x.txt")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("數據市場規模億元萬臺增長率(shù)(jù)１２３,.%０–— \n\u3000ABC12345")), max_size=80))
def test_offset_map_always_points_into_the_original(original):
    doc = Document.from_text(original)
    assert len(doc.offsets) == len(doc.text) + 1
    assert all(0 <= int(o) <= len(original) for o in doc.offsets)
    assert list(doc.offsets) == sorted(doc.offsets)
    for i in range(len(doc.text)):
        s, e = doc.span(i, i + 1)
        assert 0 <= s < e <= len(original)
