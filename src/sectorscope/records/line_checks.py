"""Row-level checks of trade lines, a chunk at a time, with every failure named (file, row, field) and kept
all at once — but capped, so a 2 GB file of bad lines cannot fill memory with failures.

Why per chunk and vectorised (pyarrow.compute): a record file has millions of lines; each check looks at a
column of a chunk, and only the failing rows become Python objects. What needs the whole batch (a code with
two different first units) keeps one small tally per (code, unit) and is judged at the end.

Two kinds of check live here:
- reading a printed cell into a typed one (`parse_decimal`, `parse_hs_code`): a cell that cannot be read is a
  failure and becomes null in the line;
- checks of typed lines (`LineChecks`): HS code against the batch's edition (naming the edition a foreign
  code belongs to), negative values and quantities, a month outside the declared period, and a first unit that
  contradicts the code's unit within the batch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Reason, RowFailure
from .nomenclature import judge_code, outside_changes

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BAD_HS_CODE",
    "FAILURE_CAP",
    "NEGATIVE",
    "NOT_A_NUMBER",
    "NO_AMOUNT",
    "PLAIN_NUMBER",
    "FailureLog",
    "LineChecks",
    "edition_reason",
    "parse_decimal",
    "parse_hs_code",
    "period_reason",
]

FAILURE_CAP = 1000  # failures kept per (field, reason); the rest are counted

# The failures' texts, shared with the set-based reader in DuckDB (formats/customs_sql.py), which must say the same
PLAIN_NUMBER = r"^[+-]?(\d{1,17}(\.\d{0,10})?|\.\d{1,10})$"
BAD_HS_CODE = "an HS code must be 6, 8 or 10 digits (dots allowed)"
NO_AMOUNT = "no amount: every line needs one"
NOT_A_NUMBER = "not a number"
NEGATIVE = "a negative {what}: customs and Comtrade print none; a correction is a new batch"


def edition_reason(other_edition: bool) -> Reason:
    """OTHER_EDITION for a code of another HS edition than the batch's, UNKNOWN_CODE for a code of none."""
    return Reason.OTHER_EDITION if other_edition else Reason.UNKNOWN_CODE


def period_reason(period: tuple[int, int, int]) -> str:
    year, first, last = period
    return f"a month outside the batch's period {year}-{first:02d}..{year}-{last:02d}"


@dataclass
class FailureLog:
    """The failures of one file: at most `cap` kept per (field, reason code), every one counted."""

    file: str
    cap: int = FAILURE_CAP
    kept: list[RowFailure] = field(default_factory=list)
    counts: dict[tuple[str | None, Reason], int] = field(default_factory=dict)

    def room(self, field_name: str | None, code: Reason) -> int:
        return self.cap - self.counts.get((field_name, code), 0)

    def add(self, row: int | None, field_name: str | None, value: str | None, reason: str, code: Reason) -> None:
        key = (field_name, code)
        n = self.counts.get(key, 0)
        if n < self.cap:
            self.kept.append(RowFailure(self.file, row, field_name, value, reason, code=code))
        self.counts[key] = n + 1

    def extend(self, kept: list[tuple[int | None, str | None, str]], n: int, field_name: str | None,
               code: Reason) -> None:
        """`n` failures of one (field, reason code), of which `kept` (row, value, reason) are the first ones —
        at most as many as there is room for (the set-based checks fetch only those)."""
        for row, value, reason in kept[:max(0, self.room(field_name, code))]:
            self.kept.append(RowFailure(self.file, row, field_name, value, reason, code=code))
        self.counts[(field_name, code)] = self.counts.get((field_name, code), 0) + n

    def where(self, mask: pa.Array, line_no: pa.Array, values: pa.Array | None, field_name: str | None,
              reason: str, code: Reason) -> None:
        """One failure for each row where `mask` is true (only the first ones that fit under the cap are made
        into objects; the others are counted)."""
        import pyarrow.compute as pc

        mask = pc.fill_null(mask, False)
        n = pc.sum(mask).as_py() or 0
        if not n:
            return
        take = max(0, min(n, self.room(field_name, code)))
        if take:
            rows = pc.filter(line_no, mask).slice(0, take).to_pylist()
            vals = pc.filter(values, mask).slice(0, take).to_pylist() if values is not None else [None] * take
            for r, v in zip(rows, vals, strict=True):
                self.kept.append(RowFailure(self.file, r, field_name, None if v is None else str(v), reason, code=code))
        self.counts[(field_name, code)] = self.counts.get((field_name, code), 0) + n

    def overflow(self) -> list[RowFailure]:
        """One note per (field, reason) whose failures were not all kept."""
        return [RowFailure(self.file, None, f, None, f"{n - self.cap} more line(s) fail the same way "
                           f"({code.value}; only the first {self.cap} are listed)", code=code)
                for (f, code), n in self.counts.items() if n > self.cap]

    def all(self) -> list[RowFailure]:
        """The kept failures in the order of the file's rows (whatever order the checks ran in), then the
        notes of those not kept."""
        return sorted(self.kept, key=lambda f: f.row if f.row is not None else 1 << 62) + self.overflow()


def parse_decimal(cells: pa.Array, scale: int, line_no: pa.Array, log: FailureLog, field_name: str, *,
                  required: bool) -> pa.Array:
    """Printed numbers → decimal128(20, scale): thousands separators and spaces removed, rounded half up to
    `scale` places. An empty cell is null (a failure when `required`); a cell that is not a plain number is a
    failure and null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(pc.replace_substring(cells, ",", ""))
    empty = pc.equal(pc.utf8_length(text), 0)
    ok = pc.match_substring_regex(text, PLAIN_NUMBER)
    if required:
        log.where(empty, line_no, None, field_name, NO_AMOUNT, Reason.MISSING_VALUE)
    bad = pc.and_(pc.invert(empty), pc.invert(ok))
    log.where(bad, line_no, cells, field_name, NOT_A_NUMBER, Reason.BAD_VALUE)
    clean = pc.if_else(ok, text, pa.scalar(None, pa.string()))
    try:  # the common case, and three times as fast: no cell has more places than the scale
        return pc.cast(clean, pa.decimal128(20, scale))
    except pa.ArrowInvalid:
        wide = pc.cast(clean, pa.decimal128(38, 10))
        return pc.cast(pc.round(wide, scale, round_mode="half_up"), pa.decimal128(20, scale))


def parse_hs_code(cells: pa.Array, line_no: pa.Array, log: FailureLog, field_name: str) -> pa.Array:
    """HS codes as printed (85011010, 8501.10.10, 850110) → digits only; a code that is not 6, 8 or 10 digits
    is a failure and null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(pc.replace_substring_regex(cells, r"[.\s]", ""))
    ok = pc.match_substring_regex(text, r"^(\d{6}|\d{8}|\d{10})$")
    log.where(pc.invert(ok), line_no, cells, field_name, BAD_HS_CODE, Reason.BAD_VALUE)
    return pc.if_else(ok, text, pa.scalar(None, pa.string()))


@dataclass
class LineChecks:
    """The checks of typed lines for one file. `fields` names each line column's header in the file (for the
    failures); `period` is the declared (year, first month, last month), if any."""

    log: FailureLog
    hs_edition: str
    fields: dict[str, str]
    period: tuple[int, int, int] | None = None
    _units: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _outside: dict[str, int] = field(default_factory=dict)

    def check(self, lines: pa.RecordBatch) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        line_no = lines.column("line_no")
        self._check_edition(lines)
        for col in ("value", "quantity", "quantity2", "cif_value", "fob_value"):
            if col in self.fields:
                neg = pc.less(lines.column(col), pa.scalar(0, lines.schema.field(col).type))
                what = "value" if "value" in col else "quantity"
                self.log.where(neg, line_no, lines.column(col), self.fields[col], NEGATIVE.format(what=what),
                               Reason.BAD_VALUE)
        if self.period is not None:
            year, first, last = self.period
            ym = pc.add(pc.multiply(pc.cast(lines.column("year"), pa.int64()), 100),
                        pc.cast(lines.column("month"), pa.int64()))
            outside = pc.or_(pc.less(ym, year * 100 + first), pc.greater(ym, year * 100 + last))
            shown = pc.binary_join_element_wise(pc.cast(lines.column("year"), pa.string()),
                                                pc.utf8_lpad(pc.cast(lines.column("month"), pa.string()), 2, "0"), "-")
            self.log.where(outside, line_no, shown, self.fields.get("month"), period_reason(self.period),
                           Reason.BAD_VALUE)
        self._tally_units(lines)

    def _check_edition(self, lines: pa.RecordBatch) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        hs6 = lines.column("hs6")
        counts = pc.value_counts(hs6)
        bad = []
        for item in counts.to_pylist():
            code, n = item["values"], item["counts"]
            if code is None:
                continue
            if outside_changes(code, self.hs_edition):
                self.tally_outside(code, n)
            if not judge_code(code, self.hs_edition).ok:
                bad.append(code)
        for code in bad:
            verdict = judge_code(code, self.hs_edition)
            self.log.where(pc.equal(hs6, pa.scalar(code)), lines.column("line_no"), lines.column("hs_code"),
                           self.fields["hs_code"], verdict.message, edition_reason(verdict.edition is not None))

    def _tally_units(self, lines: pa.RecordBatch) -> None:
        import pyarrow as pa

        t = pa.Table.from_batches([lines.select(["hs_code", "quantity_unit", "line_no"])])
        g = t.group_by(["hs_code", "quantity_unit"]).aggregate([("line_no", "min"), ("line_no", "count")])
        for code, unit, first, n in zip(*(g.column(c).to_pylist() for c in
                                          ("hs_code", "quantity_unit", "line_no_min", "line_no_count")), strict=True):
            if code is None or unit is None:
                continue
            self.tally_unit(code, unit, n, first)

    def tally_unit(self, code: str, unit: str, n: int, first: int) -> None:
        """`n` lines of `code` in first unit `unit`, the first at line `first` (judged in `finish`)."""
        tally = self._units.setdefault((code, unit), [0, first])
        tally[0] += n
        tally[1] = min(tally[1], first)

    def tally_outside(self, code: str, n: int) -> None:
        """`n` lines of a six-digit code that could be checked against HS2022 only (warned of in `finish`)."""
        self._outside[code] = self._outside.get(code, 0) + n

    def finish(self) -> list[str]:
        """The checks that need the whole file (a code with two first units); returns the warnings."""
        by_code: dict[str, list[tuple[str, int, int]]] = {}
        for (code, unit), (n, first) in self._units.items():
            by_code.setdefault(code, []).append((unit, n, first))
        for code, units in sorted(by_code.items()):
            if len(units) < 2:
                continue
            units.sort(key=lambda u: (-u[1], u[2]))
            counted = " and ".join(f"{u} on {n} line(s)" for u, n, _ in units)
            for unit, _n, first in units[1:]:
                self.log.add(first, self.fields.get("quantity_unit"), unit,
                             f"{code} has first unit {counted}: one code has one statutory unit; "
                             f"correct the lines or their code", Reason.UNIT_MISMATCH)
        warnings = []
        if self._outside:
            warnings.append(f"{len(self._outside)} six-digit code(s) outside chapters 84, 85 and 90 "
                            f"({sum(self._outside.values())} line(s)) were checked against HS2022 only: "
                            f"sectorscope has the {self.hs_edition} changes of chapters 84, 85 and 90 alone")
        return warnings
