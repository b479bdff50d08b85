"""Text on the way in: traditional → simplified Chinese (OpenCC) and the seeds' conversion artefacts.

The seeds were converted by a tool that left a pinyin gloss after some characters: `數(shù)據(jù)` is
`數據` with `(shù)` and `(jù)` appended. We strip a parenthesised run of pinyin letters (with or without
tone marks) that directly follows a CJK character; real parentheses in reports hold CJK text, digits,
units or %, never bare lower-case pinyin, so this does not eat content.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc

__all__ = ["ARTEFACT", "normalise", "normalise_many", "simplify_text", "strip_artefacts", "to_simplified"]

_PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# The match starts at the literal "(" and looks back from there: re then scans for "(" at C speed instead of
# trying the lookbehind at every character (a million quotes joined: 2.5 s -> 1.5 s, same matches).
_ARTEFACT = re.compile(rf"\((?<=[\u3400-\u9fff\uf900-\ufaff]\()[{_PINYIN}]{{1,7}}\)")


ARTEFACT = _ARTEFACT
"""The pattern of a seed's pinyin gloss, for code that must map offsets around the glosses it skips."""


def simplify_text(text: str) -> str:
    """Traditional → simplified for long text (a report), without the per-string cache of `to_simplified`."""
    return _converter().convert(text) if text else text


def strip_artefacts(text: str) -> str:
    """Remove pinyin glosses such as `(shù)` that follow a CJK character."""
    return _ARTEFACT.sub("", text) if "(" in text else text


@functools.cache
def _converter() -> opencc.OpenCC:
    import opencc  # on first use: every layer imports the model, not every one converts text

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese; text already simplified comes back unchanged."""
    return _converter().convert(text)


def normalise(text: str) -> str:
    """The form every name and quote is compared in: NFC, artefacts stripped, simplified, trimmed."""
    text = unicodedata.normalize("NFC", text)
    return to_simplified(strip_artefacts(text)).strip()


_RS = "\x1e"  # ASCII record separator: never in report text, left alone by OpenCC


def normalise_many(texts: list[str]) -> list[str]:
    """`normalise` of many strings in one OpenCC call: a call per string costs more than the conversion of
    short quotes, so a million quotes go through as one text and are split again."""
    if not texts:
        return []
    if any(_RS in t for t in texts):
        return [normalise(t) for t in texts]
    joined = unicodedata.normalize("NFC", _RS.join(texts))
    parts = _converter().convert(strip_artefacts(joined)).split(_RS)
    if len(parts) != len(texts):  # cannot happen unless OpenCC rewrites the separator; stay correct anyway
        return [normalise(t) for t in texts]
    return [p.strip() for p in parts]
