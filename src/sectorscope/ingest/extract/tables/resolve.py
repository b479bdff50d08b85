"""Choosing one reading per row of a table from the readings `splits` enumerated.

Why across the whole table rather than row by row: one row alone rarely decides its split, but the table
does. Two table conventions are relied on, and said so in each candidate's `why` when they decided:
columns that share a unit print one precision, and a year series does not jump (a reading is taken on that
ground only when every other reading forces a step of 3× or more between consecutive years). Evidence is
weighed in a fixed order — column decimals, identities, growth against the previous row, no printed zero,
magnitudes in a year series — and a row that stays open is left ambiguous, never guessed.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

from .columns import Column
from .identities import Identities, growth_ok, row_identities
from .splits import CAP, RowReadings, Split

__all__ = ["RowOutcome", "Score", "resolve_rows"]

Score = tuple[int, ...]
"""(columns free of a fixed precision, rows where an identity fails, extra precisions among columns of one
unit): lower is better, compared in that order."""
_Format = tuple[int | tuple[int, ...] | None, ...]  # decimals per column; None: the column is free
_Identify = Callable[[Split], tuple[list[str], list[str]]]


@dataclass
class RowOutcome:
    """What became of one row: its chosen reading (None when it stays ambiguous) and why."""

    label: str
    start: int          # normalised offsets of the row (key included)
    end: int
    split: Split | None
    readings: list[Split]
    why: list[str]
    confidence: float


@dataclass
class _Scored:
    """The rows' readings left under one column format, and how well the format fits."""

    score: Score
    kept: list[list[Split]]
    why_rows: list[list[str]]


def _logs(s: Split, columns: list[int]) -> list[float]:
    # a zero reads as a jump to almost nothing: it must not make a series look smooth
    return [math.log(abs(v)) if v else -10.0 for j in columns for v in s.cells[j].vals]


def _smoothest(outs: list[RowOutcome]) -> None:
    """Year-keyed rows still open after formats and identities: a year series rarely jumps. Take a reading
    only when it is the one under which the columns it changes never more than double from year to year
    while every other reading forces a jump of 3× or more; otherwise leave the rows ambiguous (a reading
    that is merely smoother proves nothing: 11|1,000 and 1|11,000 are both smooth)."""
    open_rows = [i for i, o in enumerate(outs) if o.split is None]
    if not open_rows or any(not o.readings for o in outs):
        return
    choices = [o.readings if o.split is None else [o.split] for o in outs]
    if math.prod(len(c) for c in choices) > 1024:
        return
    calm, jump = math.log(2), math.log(3)
    for i in open_rows:
        differ = [j for j in range(len(choices[i][0].cells)) if len({r.cells[j] for r in choices[i]}) > 1]
        logs = [[_logs(s, differ) for s in c] for c in choices]
        best: dict[int, float] = {}
        for idx in itertools.product(*[range(len(c)) for c in choices]):
            worst = 0.0
            for x in range(1, len(idx)):
                for a, b in zip(logs[x - 1][idx[x - 1]], logs[x][idx[x]], strict=False):
                    worst = max(worst, abs(a - b))
            best[idx[i]] = min(best.get(idx[i], math.inf), worst)
        smooth = [x for x, v in best.items() if v <= calm]
        if len(smooth) == 1 and all(v >= jump for x, v in best.items() if x != smooth[0]):
            o = outs[i]
            s = choices[i][smooth[0]]
            others = min(v for x, v in best.items() if x != smooth[0])
            outs[i] = RowOutcome(o.label, o.start, s.end, s, [s],
                                 [f"{len(choices[i])} splits fit; only this one keeps the year series free of jumps "
                                  f"(largest step ×{math.exp(best[smooth[0]]):.2f}; the others ×{math.exp(others):.1f} or more)"],
                                 0.7)


def _column_formats(rows: list[RowReadings], n: int) -> list[_Format]:
    """Column formats: the fewest columns left free of a fixed number of decimals that every row can meet."""
    row_dps = [{tuple(c.dp for c in sp.cells) for sp in splits} for _, _, splits in rows]
    feasible: set[_Format] = set()
    for nfree in range(n + 1):
        for free in itertools.combinations(range(n), nfree):
            common: set[_Format] | None = None
            for dps in row_dps:
                proj = {tuple(None if j in free else d for j, d in enumerate(t)) for t in dps}
                common = proj if common is None else common & proj
                if not common:
                    break
            if common:
                feasible |= common
        if feasible:
            break
    return sorted(feasible, key=str)


def _by_identities(kept: list[list[Split]], ident: _Identify) -> tuple[list[list[Split]], list[list[str]], int]:
    """Per row, the readings that keep every identity (all of them when none does); the identities that
    held; and the number of rows where none kept them all."""
    fails = 0
    why_rows: list[list[str]] = []
    new_kept = []
    for ks in kept:
        evals = [(s, *ident(s)) for s in ks]
        good = [e for e in evals if not e[2]]
        if good and len(good) < len(evals):
            evals = good
        if not good:
            fails += 1
        new_kept.append([e[0] for e in evals])
        why_rows.append(sorted({h for e in evals for h in e[1]}))
    return new_kept, why_rows, fails


def _by_growth(kept: list[list[Split]], why_rows: list[list[str]], ids: Identities) -> int:
    """Growth across consecutive rows: keep the readings whose growth cell fits the previous row's level.
    Returns the number of rows where none does."""
    fails = 0
    for i in range(1, len(kept)):
        if ids.growth and len(kept[i - 1]) == 1:
            oks = [s for s in kept[i] if growth_ok(kept[i - 1][0], s, ids)]
            if oks:
                if len(oks) < len(kept[i]):
                    kept[i] = oks
                why_rows[i].append("identity growth vs previous row holds")
            else:
                fails += 1
    return fails


def _without_zeros(kept: list[list[Split]]) -> None:
    """A printed 0 / 0.0 is rarely a cell: drop readings that need one when another reading does not."""
    for i, ks in enumerate(kept):
        nz = [sp for sp in ks if all(v for c in sp.cells for v in c.vals)]
        if nz and len(nz) < len(ks):
            kept[i] = nz


def _by_magnitude(kept: list[list[Split]], n: int) -> None:
    """Magnitudes (year series only: products or regions may differ by any factor): a cell far (×5) from its
    column's certain values is implausible; signed change columns have no stable size."""
    refs: dict[int, float] = {}
    for j in range(n):
        certain = [abs(ks[0].cells[j].value()) for ks in kept
                   if len({s.cells[j] for s in ks}) == 1 and ks[0].cells[j].value()]
        signed = any(c.cells[j].prefix for ks in kept for c in ks)
        if certain and not signed:
            refs[j] = sorted(certain)[len(certain) // 2]

    def far(sp: Split) -> int:
        return sum(1 for j, ref in refs.items()
                   if not ref / 5 <= abs(sp.cells[j].value()) <= ref * 5)

    for i, ks in enumerate(kept):
        if len(ks) > 1 and refs:
            low = min(far(sp) for sp in ks)
            kept[i] = [sp for sp in ks if far(sp) == low]


def _mixed_precisions(fmt: _Format, cols: list[Column]) -> int:
    """How many extra precisions columns that share a unit print under this format."""
    units: dict[str, set] = {}
    for j, d in enumerate(fmt):
        if d is not None and cols[j].unit and not cols[j].parts:
            units.setdefault(cols[j].unit, set()).add(d)
    return sum(len(v) - 1 for v in units.values())


def _score(fmt: _Format, rows: list[RowReadings], cols: list[Column], ids: Identities, ident: _Identify,
           year_rows: bool) -> _Scored:
    """The readings each row keeps under one column format, weighed by the evidence in order."""
    kept = [[s for s in splits if all(d is None or s.cells[j].dp == d for j, d in enumerate(fmt))]
            for _, _, splits in rows]
    kept, why_rows, fails = _by_identities(kept, ident)
    fails += _by_growth(kept, why_rows, ids)
    _without_zeros(kept)
    if year_rows:
        _by_magnitude(kept, len(cols))
    free = sum(d is None for d in fmt)
    return _Scored((free, fails, _mixed_precisions(fmt, cols)), kept, why_rows)


def _notes(scored: list[_Scored], best: Score) -> list[str]:
    """What, beyond the split itself, decided between the column formats."""
    winners = [s for s in scored if s.score == best]
    fewest_free = [s for s in scored if s.score[0] == best[0]]
    by_identity = [s for s in fewest_free if s.score[1] == best[1]]
    notes = []
    if len(by_identity) < len(fewest_free):
        notes.append("identities rule out the other column formats")
    if len(winners) < len(by_identity):
        notes.append("columns sharing a unit keep one precision")
    return notes


def _outcome(row: RowReadings, i: int, winners: list[_Scored], best: Score, notes: list[str]) -> RowOutcome:
    """One row's outcome: resolved when every winning format leaves it one reading, else ambiguous."""
    label, start, splits = row
    readings = {s.cells: s for w in winners for s in w.kept[i]}
    why = sorted({h for w in winners for h in w.why_rows[i]})
    alt = list(readings.values())
    if not (len(alt) == 1 and len(splits) < CAP):
        return RowOutcome(label, start, max(s.end for s in alt) if alt else start, None, alt,
                          [f"{len(alt)} splits remain"], 0.0)
    s = alt[0]
    reasons = []
    if len(splits) == 1:
        reasons.append("split unique")
        conf = 0.95
    else:
        reasons.append("split unique under column decimals" + (" and identities" if why else ""))
        reasons += notes
        conf = 0.9 - 0.05 * len(notes)
    if best[2]:
        reasons.append("columns of one unit print different precisions")
        conf -= 0.05
    if best[1]:
        conf -= 0.2
        reasons.append("an identity fails in this table")
    if s.leftover:
        reasons.append(f"'{s.leftover}' after the last cell read as the next section number")
    reasons += [w + " holds" if "holds" not in w else w for w in why]
    return RowOutcome(label, start, s.end, s, alt, reasons, round(conf, 2))


def resolve_rows(rows: list[RowReadings], cols: list[Column], ids: Identities,
                 year_rows: bool = False) -> tuple[Score, list[RowOutcome]]:
    """Choose one reading per row. rows: (label, row start, splits). Returns (score, per-row outcome)."""
    formats = _column_formats(rows, len(cols))
    if not formats:
        return (99,), [RowOutcome(lbl, st, st, None, sp, [], 0.0) for lbl, st, sp in rows]
    cache: dict[int, tuple[list[str], list[str]]] = {}

    def ident(sp: Split) -> tuple[list[str], list[str]]:
        if id(sp) not in cache:
            cache[id(sp)] = row_identities(sp, cols, ids)
        return cache[id(sp)]

    scored = [_score(fmt, rows, cols, ids, ident, year_rows) for fmt in formats]
    best = min(s.score for s in scored)
    winners = [s for s in scored if s.score == best]
    notes = _notes(scored, best)
    out = [_outcome(row, i, winners, best, notes) for i, row in enumerate(rows)]
    if year_rows:
        _smoothest(out)
    return best, out
