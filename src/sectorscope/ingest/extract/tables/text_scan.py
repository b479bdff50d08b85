"""Scanning the text of a flattened table: where a row's label ends and its values begin, how far a run of
value characters goes, what makes a label prose rather than a row header, and when a leftover after the
last cell is the next section's number.

Why this is its own module: a flattened row such as `202585072084.778032.5` is one digit run, and reading it
as prose would give one absurd number. These are the character-level facts every table reader relies on,
kept apart from the reasoning about what the characters mean.
"""
from __future__ import annotations

import re

__all__ = ["BOUNDARY", "LABEL_BAD", "PREFIX", "UNIT_SUFFIX", "YEAR", "YEAR_IN", "bad_label", "cell_run_end",
           "header_chunks", "label_zone_end", "leftover_ok", "numeric_start", "paren_end"]

BOUNDARY = set("。!?;:\n \t")
PREFIX = "<>≤≥±+-−"
UNIT_SUFFIX = re.compile(r"(%|‰|MPa|GPa|kPa|Pa|nm|μm|um|mm|cm|mK|kHz|MHz|GHz|Hz|mW|kW|W|dB|TOPS|℃|°C)(?![A-Za-z])")
YEAR = re.compile(r"(19|20)\d\d")
YEAR_IN = re.compile(r"((?:19|20)\d\d)年(?:\s*(Q[1-4]|[一二三四]季度|上半年|下半年|H[12]))?")
LABEL_BAD = re.compile(r"[。,;:!?、“”\"《》]")
_HEADING = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,2}$")


def paren_end(text: str, i: int, limit: int) -> int:
    """Index after the parenthesised group starting at text[i] == '(' (or -1)."""
    depth = 0
    for j in range(i, min(limit, i + 80)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return -1


def numeric_start(text: str, i: int) -> bool:
    """Does a value (not a label's year such as 2025年) start at text[i]?"""
    j = i
    while j < len(text) and text[j] in PREFIX:
        j += 1
    if j >= len(text) or not text[j].isdigit() or not text[j].isascii():
        return False
    if j == i and i > 0 and text[i - 1].isascii() and text[i - 1].isalpha():
        return False  # Q1, H2, A3: part of a label
    k = j
    while k < len(text) and text[k].isdigit():
        k += 1
    return not (k < len(text) and text[k] in "年月日季Q")


def label_zone_end(text: str, i: int, limit: int) -> int:
    """From i, skip label text (parenthesised groups are atomic) up to the first value."""
    while i < limit:
        ch = text[i]
        if ch == "(":
            e = paren_end(text, i, limit)
            if e < 0:
                return i
            i = e
            continue
        if ch == "\n":
            return i
        if numeric_start(text, i):
            return i
        i += 1
    return i


def header_chunks(zone: str) -> tuple[list[str], str]:
    """Split a label zone into chunks each ending with a parenthesised group, and the unterminated tail."""
    out: list[str] = []
    start = 0
    i = 0
    while i < len(zone):
        if zone[i] == "(":
            e = paren_end(zone, i, len(zone))
            if e < 0:
                break
            out.append(zone[start:e])
            start = i = e
            continue
        i += 1
    return out, zone[start:]


def cell_run_end(text: str, i: int, limit: int) -> int:
    """End of the run of characters a flattened row of values is made of."""
    while i < limit:
        ch = text[i]
        if (ch.isascii() and ch.isdigit()) or ch in ".,/" or ch in PREFIX:
            i += 1
            continue
        m = UNIT_SUFFIX.match(text, i)
        if m and i > 0 and (text[i - 1].isdigit()):
            i = m.end()
            continue
        break
    return i


def bad_label(label: str) -> bool:
    """Sentence punctuation outside parentheses: prose, not a row label."""
    return bool(LABEL_BAD.search(re.sub(r"\([^()]*\)", "", label)))


def leftover_ok(doc_text: str, left: str, pos: int) -> bool:
    """A leftover after the last cell is acceptable when it is a section number that the table of contents
    (or an earlier mention) echoes with the same heading text, or `N、`."""
    if not left:
        return True
    after = doc_text[pos + len(left): pos + len(left) + 4]
    if re.fullmatch(r"\d{1,2}", left) and after[:1] == "、":
        return True
    if not _HEADING.match(left) or not after or after[0].isdigit() or after[0] in ".%":
        return False
    probe = left + after
    j = doc_text.find(probe)
    while j >= 0:
        if j != pos:
            return True
        j = doc_text.find(probe, j + 1)
    return False

