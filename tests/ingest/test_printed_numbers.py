"""`quotes_state`, the quote rule for many rows at once, answers as `quote_states` does row by row."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sectorscope.ingest.printed_numbers import quote_states, quotes_state

PRINTED = st.sampled_from(["5", "50", "500", "5,000", "1.5", "三", "十三", "２５", "-3", "7%", "半", " 12 ", ""])
QUOTE = st.text(alphabet=st.sampled_from([*"0123456789.,三十二万亿元为年%－-ａ５ 　Qｶﾞ", "\x1e"]), max_size=14)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PRINTED, QUOTE), min_size=1, max_size=20))
def test_many_rows_at_once_answer_as_one_row_at_a_time(pairs):
    printed = sorted({p for p, _ in pairs})
    codes = [printed.index(p) for p, _ in pairs]
    assert quotes_state(printed, codes, [q for _, q in pairs]) == [quote_states(p, q) for p, q in pairs]


def test_a_number_found_first_inside_another_is_found_where_it_stands_alone():
    pairs = [("3", "2013年为3元"), ("500", "1,500"), ("5", "5.1"), ("三", "三十"), ("12", "１２万"), ("5", ""), ("", "x")]
    printed = sorted({p for p, _ in pairs})
    assert quotes_state(printed, [printed.index(p) for p, _ in pairs], [q for _, q in pairs]) == [
        True, False, False, False, True, False, True]
