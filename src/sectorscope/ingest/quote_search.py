"""Which rows' quotes may not state their value: a vectorised first pass of `printed_numbers.quote_states`,
so that Python asks the full rule only of the rows this pass cannot clear.

Why: the rule (the printed number found in the quote as a whole number) ran in Python per row, 2 µs a row,
and a file of a million rows has a million distinct quotes. DuckDB finds each row's printed number in its
quote (`strpos`) and tests the characters around the first place it is found with the same boundaries
`quote_states` uses (no digit, decimal part or thousands group touching an Arabic number, no numeral touching
a Chinese one). A row is cleared only when that first place passes, which is exactly a case in which
`quote_states` returns True; every other row (not found, found first inside a longer number, or a quote that
NFKC would change) goes to `quote_states` itself. So the answer is the rule's, only cheaper.
"""
from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING

import numpy as np

from .printed_numbers import CN_NEIGHBOUR, CN_NUMERAL

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["NFKC_STABLE_RANGES", "first_place_fails", "nfkc_stable_class"]

# Ranges whose every character is its own NFKC form, with combining class 0 and never the second character of
# a canonical composition (tests/ingest/test_quote_search.py checks it against unicodedata): a string of
# these characters is NFKC-normalised as it is (Unicode's quick check says YES). Punctuation that NFKC keeps
# is picked from the blocks below at run time.
NFKC_STABLE_RANGES = ((0x09, 0x0A), (0x0D, 0x0D), (0x20, 0x7E), (0x3400, 0x4DBF), (0x4E00, 0x9FFF))
_PUNCTUATION_BLOCKS = ((0x2010, 0x2027), (0x3001, 0x303F))


@functools.cache
def nfkc_stable_class() -> str:
    """An RE2 character class (without brackets) of characters that NFKC leaves alone in any string."""
    ranges = list(NFKC_STABLE_RANGES)
    for lo, hi in _PUNCTUATION_BLOCKS:
        ranges += [(c, c) for c in range(lo, hi + 1)
                   if unicodedata.normalize("NFKC", chr(c)) == chr(c) and unicodedata.combining(chr(c)) == 0
                   and not unicodedata.decomposition(chr(c))]
    return "".join(f"\\x{{{lo:x}}}" if lo == hi else f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in ranges)


def _sql() -> str:
    """The rows not cleared: the code points one and two before the first place (b1, b2) and the five characters
    after it (a), tested as `printed_numbers._edges` tests them (48–57 are the ASCII digits, 46 '.', 44 ',')."""
    numerals = ", ".join(str(ord(c)) for c in CN_NEIGHBOUR)
    return f"""
        SELECT i FROM (
            SELECT *, CASE WHEN hit > 1 THEN unicode(substring(q, hit - 1, 1)) ELSE -1 END AS b1,
                      CASE WHEN hit > 2 THEN unicode(substring(q, hit - 2, 1)) ELSE -1 END AS b2,
                      substring(q, hit + length(p), 5) AS a
            FROM (SELECT *, strpos(q, p) AS hit FROM t WHERE q <> '' AND p <> ''))
        WHERE NOT (hit > 0 AND stable
            AND CASE WHEN starts_digit
                     THEN NOT (b1 BETWEEN 48 AND 57 OR (b2 BETWEEN 48 AND 57 AND (b1 = 46 OR (three_digits AND b1 = 44))))
                     WHEN starts_numeral THEN NOT list_contains([{numerals}], b1)
                     ELSE true END
            AND CASE WHEN ends_digit THEN NOT regexp_matches(a, '^(?:[0-9]|\\.[0-9]|,[0-9]{{3}}(?:[^0-9]|$))')
                     WHEN ends_numeral THEN NOT list_contains([{numerals}], unicode(a))
                     ELSE true END)
    """


def _edges(printed: pa.Array) -> dict[str, pa.Array]:
    """Which boundaries `printed_numbers._edges` puts around each printed number (NFKC, stripped): starts with an
    ASCII digit, with a Chinese numeral, with exactly three digits; ends with an ASCII digit, with a numeral."""
    import pyarrow.compute as pc

    return {name: pc.match_substring_regex(printed, pattern) for name, pattern in (
        ("starts_digit", "^[0-9]"), ("starts_numeral", f"^[{CN_NUMERAL}]"), ("three_digits", "^[0-9]{3}(?:[^0-9]|$)"),
        ("ends_digit", "[0-9]$"), ("ends_numeral", f"[{CN_NUMERAL}]$"))}


def first_place_fails(printed: list[str], codes: np.ndarray, quotes: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The positions of the rows `quote_states` must be asked about: a row is left out when its quote is empty,
    its printed number (`printed[codes[i]]`, NFKC and stripped) is empty, or the number is found in the quote
    (itself NFKC-normalised) and its first place there is a whole number."""
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pa.array(printed, pa.string())
    at = pa.array(codes)
    table = pa.table({
        "i": pa.array(np.arange(len(codes), dtype=np.int64)), "p": distinct.take(at), "q": quotes,
        "stable": pc.invert(pc.match_substring_regex(quotes, f"[^{nfkc_stable_class()}]")),
        **{name: flags.take(at) for name, flags in _edges(distinct).items()},
    })
    con = duckdb.connect()
    try:
        con.register("t", table)
        found = con.execute(_sql()).fetchnumpy()["i"]
    finally:
        con.close()
    return np.sort(np.asarray(found, dtype=np.int64))
