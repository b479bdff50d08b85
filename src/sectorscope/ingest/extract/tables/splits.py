"""Every way a flattened row can be cut into one cell per column.

Why enumerate rather than guess: the hard rules (well-formed numbers, one cell per column, shares within
0–100, a slash column's parts joined by `/`) usually leave a handful of readings, and only evidence across
the whole table (column formats, identities, magnitudes: see `resolve`) can choose among them. A row with
more readings than `CAP` is reported, never resolved from a partial list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ....model import parse_number
from .columns import Column
from .text_scan import PREFIX, UNIT_SUFFIX, leftover_ok

__all__ = ["CAP", "Cell", "Num", "RowReadings", "Split", "row_splits"]

_NUMBER = re.compile(r"(?:[1-9]\d{0,2}(?:,\d{3})+|0|[1-9]\d*)(?:\.\d+)?$")


@dataclass(frozen=True)
class Num:
    """One number of a cell."""

    start: int        # normalised offsets of the number (sign included)
    end: int
    text: str         # as printed, sign included, '+' kept
    dp: int


@dataclass(frozen=True)
class Cell:
    """One cell of one reading: its number(s) (several in a slash cell such as 55/25/20) and unit suffix."""

    start: int
    end: int
    printed: str      # the whole cell as printed
    prefix: str
    nums: tuple[Num, ...]
    unit: str

    dp: int | tuple[int, ...] = field(init=False, compare=False)  # decimals; one per part in a slash cell
    vals: tuple[float, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dp", tuple(n.dp for n in self.nums) if len(self.nums) > 1 else self.nums[0].dp)
        vals = []
        for k, num in enumerate(self.nums):
            v = parse_number(num.text.lstrip("+").replace("−", "-"))
            vals.append(-abs(v) if self.prefix.endswith(("-", "−")) and k == 0 else v)
        object.__setattr__(self, "vals", tuple(vals))

    def value(self, k: int = 0) -> float:
        return self.vals[k]


@dataclass(frozen=True)
class Split:
    """One reading of a row: a cell per column."""

    cells: tuple[Cell, ...]
    end: int          # where the row's text ends (after the last cell)
    next_key: int = -1  # year tables: where the next row key starts (-1: last row)
    leftover: str = ""


RowReadings = tuple[str, int, list[Split]]
"""One row of a table before it is resolved: (row label, row start in the normalised text, its readings)."""


def _numbers_at(text: str, i: int, limit: int) -> list[int]:
    """Ends e such that text[i:e] is a well-formed number."""
    out = []
    j = i
    stop = min(limit, i + 14)
    while j < stop and ((text[j].isdigit() and text[j].isascii()) or text[j] in ".,"):
        j += 1
        if _NUMBER.match(text[i:j]):
            out.append(j)
    return out


def _cells_at(text: str, i: int, limit: int, col: Column) -> list[Cell]:
    """Every way one cell of `col` can start at text[i]."""
    j = i
    while j < limit and text[j] in PREFIX and j - i < 2:
        j += 1
    prefix = text[i:j]
    if prefix and (len(prefix) > 1 and not (prefix[0] in "<>≤≥" and prefix[1] in "+-−")):
        return []
    out: list[Cell] = []

    def rec(pos: int, nums: tuple[Num, ...], need: int) -> None:
        for e in _numbers_at(text, pos, limit):
            sign = prefix if (not nums and prefix and prefix[-1] in "+-−") else ""
            num = Num(pos - len(sign), e, sign + text[pos:e], len(text[pos:e].partition(".")[2]))
            got = (*nums, num)
            if need > 1:
                if e < limit and text[e] == "/":
                    rec(e + 1, got, need - 1)
                continue
            if e < limit and text[e] in ",./":
                continue
            m = UNIT_SUFFIX.match(text, e, limit)
            end = m.end() if m else e
            unit = m.group(0) if m else ""
            out.append(Cell(i, end, text[i:end], prefix, got, unit))

    if j < limit and text[j].isdigit():
        rec(j, (), col.k)
    return out


def _plausible(cell: Cell, col: Column) -> bool:
    if col.share:
        vals = [cell.value(k) for k in range(len(cell.nums))]
        if any(v < 0 or v > 100 for v in vals) or cell.prefix in ("-", "−"):
            return False
    return True


CAP = 400  # splits enumerated per row; a row with more is reported, never resolved from a partial list


def row_splits(text: str, start: int, limit: int, cols: list[Column], last: bool, cap: int = CAP) -> list[Split]:
    """All ways text[start:limit] holds exactly one cell per column (with a heading leftover if `last`)."""
    out: list[Split] = []
    # the most characters the remaining columns can take (sign, 14-character number, unit, per part)
    room = [0] * (len(cols) + 1)
    for ci in range(len(cols) - 1, -1, -1):
        room[ci] = room[ci + 1] + cols[ci].k * 22
    slack = 8 if last else 0
    memo: dict[tuple[int, int], list[Cell]] = {}  # (position, column) → its plausible cells: paths share them

    def cells(pos: int, ci: int) -> list[Cell]:
        key = (pos, ci)
        if key not in memo:
            memo[key] = [c for c in _cells_at(text, pos, limit, cols[ci]) if _plausible(c, cols[ci])]
        return memo[key]

    def rec(pos: int, ci: int, acc: tuple[Cell, ...]) -> None:
        if len(out) >= cap or limit - pos > room[ci] + slack:
            return
        if ci == len(cols):
            left = text[pos:limit]
            if pos == limit or (last and leftover_ok(text, left, pos)):
                out.append(Split(acc, pos, -1, left if pos != limit else ""))
            return
        for cell in cells(pos, ci):
            rec(cell.end, ci + 1, (*acc, cell))

    rec(start, 0, ())
    return out

