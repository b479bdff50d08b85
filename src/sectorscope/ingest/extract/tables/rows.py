"""Where the rows of a flattened table begin and end: year-keyed rows (2023 … 2030, with 2024(预估) or 2026E
status cues) and label-keyed rows (a product or region name before each run of values).

Why apart from the splits: a row boundary is itself a choice (`…2.32024…` may end a value or start the next
year), so each reader yields every boundary sequence that parses, each row with all its splits, and leaves
choosing to `resolve`.
"""
from __future__ import annotations

import re

from .columns import Column
from .splits import RowReadings, Split, row_splits
from .text_scan import YEAR, bad_label, cell_run_end, label_zone_end, paren_end

__all__ = ["MAX_SEQUENCES", "read_label_rows", "read_year_rows"]

MAX_SEQUENCES = 20  # row-boundary sequences enumerated per year table; a table with more is not certain


def _year_key(text: str, i: int, limit: int) -> tuple[int, str] | None:
    """A year row key at text[i]: (end, label) — 2025 or 2025(预估)."""
    if not YEAR.match(text, i) or i + 4 > limit:
        return None
    e = i + 4
    if e < limit and text[e] == "(":
        pe = paren_end(text, e, limit)
        if pe > 0 and not re.search(r"\d", text[e:pe]) and pe - e <= 8:
            e = pe
    elif e + 1 < limit and text[e] in "EF" and text[e + 1].isdigit():
        e += 1  # 2026E
    return e, text[i:e]


def read_year_rows(text: str, pos: int, limit: int, cols: list[Column]
                   ) -> list[list[RowReadings]]:
    """All row-boundary sequences of a year-keyed table; each row: (label, start, splits). Years run
    consecutively; only when no consecutive reading exists may a year skip ahead (2020, 2025, 2030)."""
    if not _year_key(text, pos, limit):
        return []
    year0 = int(text[pos:pos + 4])
    seqs: list[list[RowReadings]] = []

    def next_keys(year: int, b: int, run_end: int, skip: bool) -> list[int]:
        out = []
        for q in range(b + 1, min(run_end, limit - 3) + 1):
            if YEAR.match(text, q):
                y = int(text[q:q + 4])
                if y == year + 1 or (skip and year + 1 < y <= year + 10):
                    out.append(q)
        return out

    def rec(p: int, year: int, acc: list[RowReadings], skip: bool) -> None:
        if len(seqs) >= MAX_SEQUENCES:
            return
        k = _year_key(text, p, limit)
        if not k or int(text[p:p + 4]) != year:
            return
        b, label = k
        run_end = cell_run_end(text, b, limit)
        if run_end == b:
            return
        for q in next_keys(year, b, run_end, skip):
            sp = [Split(s.cells, s.end, q) for s in row_splits(text, b, q, cols, last=False)]
            if sp:
                rec(q, int(text[q:q + 4]), [*acc, (label, p, sp)], skip)
        if len(acc) >= 1:
            sp = row_splits(text, b, run_end, cols, last=True)
            if sp:
                seqs.append([*acc, (label, p, sp)])
                ends.append(run_end)

    ends: list[int] = []
    rec(pos, year0, [], False)
    if not seqs:
        rec(pos, year0, [], True)
    # a table goes on while rows parse: a reading that stops early leaves rows unread
    return [sq for sq, e in zip(seqs, ends, strict=True) if e == max(ends)] if seqs else []


def read_label_rows(text: str, pos: int, limit: int, cols: list[Column], first_label: str
                    ) -> list[RowReadings]:
    """The rows of a label-keyed table, each with its splits. A row's value run ends where the next label
    starts; the table goes on while that label holds a row of its own."""
    rows: list[RowReadings] = []
    label, lstart = first_label, pos - len(first_label)
    p = pos
    while True:
        run_end = cell_run_end(text, p, limit)
        if run_end == p:
            break
        # the next label, if the table goes on
        q = label_zone_end(text, run_end, limit)
        nlabel = text[run_end:q]
        goes_on = (0 < len(nlabel) <= 40 and not bad_label(nlabel) and q < limit
                   and re.search(r"[\u4e00-\u9fffA-Za-z]", nlabel) is not None
                   and cell_run_end(text, q, limit) > q)
        full = row_splits(text, p, run_end, cols, last=False) if goes_on else []
        if goes_on and full:
            # the next label must itself hold a row
            nrun = cell_run_end(text, q, limit)
            if row_splits(text, q, nrun, cols, last=False) or row_splits(text, q, nrun, cols, last=True):
                rows.append((label, lstart, full))
                label, lstart, p = nlabel, run_end, q
                continue
        sp = row_splits(text, p, run_end, cols, last=True)
        if sp:
            rows.append((label, lstart, sp))
        break
    return rows

