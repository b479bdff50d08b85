from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sectorscope.model.text import ARTEFACT, normalise, strip_artefacts, to_simplified


def test_seed_artefacts_are_stripped_and_converted():
    assert normalise("數(shù)據(jù)") == "数据"
    assert normalise("產(chǎn)能利用率(%)") == "产能利用率(%)"
    assert normalise("產(chǎn)能(萬臺)") == "产能(万台)"
    assert normalise("中國縮微機(jī)械市場") == "中国缩微机械市场"


def test_real_parentheses_survive():
    assert strip_artefacts("市场规模(亿元)") == "市场规模(亿元)"
    assert strip_artefacts("CAGR(2025-2030)") == "CAGR(2025-2030)"
    assert strip_artefacts("Yole(Yole Développement)") == "Yole(Yole Développement)"


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
pinyin = st.text(alphabet="abcdefghijklmnopqrstuvwxyzāáǎàēéěèīíǐìōóǒòūúǔù", min_size=1, max_size=6)


@given(st.lists(st.tuples(cjk, st.one_of(st.none(), pinyin)), min_size=1, max_size=30))
def test_stripping_removes_exactly_the_glosses(pairs):
    glossed = "".join(c + (f"({p})" if p else "") for c, p in pairs)
    assert strip_artefacts(glossed) == "".join(c for c, _ in pairs)


@given(st.text(max_size=60))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(st.text(alphabet=st.characters(blacklist_characters="()"), max_size=60))
def test_text_without_parentheses_keeps_its_length_class(text):
    assert strip_artefacts(text) == text


def test_simplified_text_is_unchanged():
    assert to_simplified("国产化率仅为9.3%") == "国产化率仅为9.3%"


@given(st.lists(st.text(max_size=30), max_size=20))
def test_normalise_many_is_normalise_of_each(texts):
    from sectorscope.model.text import normalise_many

    assert normalise_many(texts) == [normalise(t) for t in texts]


def test_normalise_many_on_seed_text():
    from sectorscope.model.text import normalise_many

    seed = ["數(shù)據(jù)", "產(chǎn)能(萬臺)", "  中國縮微機(jī)械市場 ", "", "美国厂商占比过\n\n半"]
    assert normalise_many(seed) == [normalise(t) for t in seed]


_OLD_ARTEFACT = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}\)")


@given(st.text(alphabet="术數传感(ab)ǎzX 1", max_size=60))
def test_the_artefact_pattern_matches_where_the_lookbehind_first_form_did(text: str) -> None:
    """The pattern was turned around for speed (it starts at the literal "("); its matches, spans
    included, are those of the lookbehind-first form."""
    assert [m.span() for m in ARTEFACT.finditer(text)] == [m.span() for m in _OLD_ARTEFACT.finditer(text)]
    assert strip_artefacts(text) == _OLD_ARTEFACT.sub("", text)
