"""The errors sectorscope raises, one tree under one base a caller can catch.

    SectorscopeError                 every error raised on purpose; `.reason` is a `Reason` code
    ├── InputError                   a file or argument cannot be used as given (exit code 2)
    │   ├── ValidationError          rows of a readable file break the format, the catalog or the units;
    │   │   │                        carries every failure (file, row, field, value, reason)
    │   │   └── AlertRulesError      an alert-rule file, every problem of every rule
    │   ├── UsageError               an option or argument value the command or function cannot take
    │   ├── ParseError               a printed number or a period that cannot be read
    │   ├── UnknownCodeError         an indicator, dimension value or source the store does not know
    │   ├── UnitError                a unit that is unknown, or does not fit the indicator's unit kind
    │   ├── CompositeError           a composite index cannot be built from its spec and data
    │   └── QuestionnaireError       TRL answers or a questionnaire that do not fit each other
    ├── CatalogError                 the indicator catalog itself is inconsistent
    ├── StoreError                   the store is missing, locked, corrupt, or lacks the vintage asked for
    ├── AnalysisError                an analysis or forecast cannot be computed from the data it was given
    └── PublishError                 an output cannot be written
        ├── ChartError               a chart given data it cannot draw honestly (bands out of order …)
        ├── FontError                the CJK font is missing, so Chinese would print as boxes
        └── PdfError                 WeasyPrint or its system libraries are missing, or the path is unwritable

Why one tree: a user of the library catches `SectorscopeError` and knows that everything else is a bug; the
CLI maps the tree onto two documented exit codes (`exit_code`); the API maps it onto problem types. Why a
reason code beside the message: the message is for people and may be reworded or translated, the code
(`Reason`, in the manner of pandera's `SchemaErrorReason`) is what a program branches on and what tests pin.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

__all__ = [
    "INPUT_REASONS",
    "AlertRulesError",
    "AnalysisError",
    "CatalogError",
    "ChartError",
    "CompositeError",
    "FontError",
    "InputError",
    "ParseError",
    "PdfError",
    "PublishError",
    "QuestionnaireError",
    "Reason",
    "RowFailure",
    "SectorscopeError",
    "StoreError",
    "UnitError",
    "UnknownCodeError",
    "UsageError",
    "ValidationError",
    "printable",
]


class Reason(StrEnum):
    """Why something failed, as data. Stable: programs and tests branch on these values."""

    # input files and arguments
    FILE_NOT_FOUND = "file_not_found"
    UNREADABLE = "unreadable"            # not decodable, not a known format, corrupt container
    WRONG_SHAPE = "wrong_shape"          # missing/extra columns, a row with the wrong number of cells
    MISSING_VALUE = "missing_value"
    BAD_VALUE = "bad_value"              # a value of the right field that cannot be read or is out of range
    UNKNOWN_CODE = "unknown_code"        # an indicator, dimension value, source or question not known
    DUPLICATE = "duplicate"
    INCONSISTENT = "inconsistent"        # fields that contradict each other (value vs quote, bounds vs unit)
    UNIT_MISMATCH = "unit_mismatch"
    BAD_ARGUMENT = "bad_argument"        # an option or parameter value the call cannot take
    # the store
    NO_STORE = "no_store"
    NO_VINTAGE = "no_vintage"
    STORE_LOCKED = "store_locked"
    STORE_CORRUPT = "store_corrupt"
    MASS_WITHDRAW = "mass_withdraw"      # a load would withdraw more of a source's figures than allowed
    # computing and writing
    NOT_COMPUTABLE = "not_computable"    # too little data, degenerate input
    MISSING_DEPENDENCY = "missing_dependency"  # a system library or font is not installed
    WRITE_FAILED = "write_failed"
    CATALOG_INVALID = "catalog_invalid"
    OTHER = "other"
    # added later (members are only ever appended)
    TOO_LARGE = "too_large"              # a file, sheet, row or cell beyond what sectorscope reads (split it)
    OTHER_EDITION = "other_edition"      # a code valid in another edition of its nomenclature (HS2017 in HS2022)


# Reasons that mean "the input given cannot be used", whatever the error's class: a vintage that does not
# exist is a StoreError, but the user typed it.
INPUT_REASONS = frozenset({
    Reason.FILE_NOT_FOUND, Reason.UNREADABLE, Reason.WRONG_SHAPE, Reason.MISSING_VALUE, Reason.BAD_VALUE,
    Reason.UNKNOWN_CODE, Reason.DUPLICATE, Reason.INCONSISTENT, Reason.UNIT_MISMATCH, Reason.BAD_ARGUMENT,
    Reason.NO_VINTAGE, Reason.MASS_WITHDRAW, Reason.TOO_LARGE, Reason.OTHER_EDITION,
})


class SectorscopeError(Exception):
    """Base of every error sectorscope raises on purpose.

    `reason` says why as a `Reason`; `exit_code` is what the CLI exits with: 2 when the input given cannot
    be used (an `InputError`, or any error whose reason is an input reason), else 1 — the same in every
    command."""

    default_reason: ClassVar[Reason] = Reason.OTHER

    def __init__(self, message: str = "", *, reason: Reason | None = None) -> None:
        self.reason = reason or self.default_reason
        super().__init__(message)

    @property
    def exit_code(self) -> int:
        return 2 if self.reason in INPUT_REASONS else 1


class InputError(SectorscopeError):
    """A file or argument cannot be used as given. `file` names it when there is one."""

    default_reason = Reason.UNREADABLE

    @property
    def exit_code(self) -> int:
        return 2

    def __init__(self, message: str, *, file: str | None = None, reason: Reason | None = None) -> None:
        self.file = file
        super().__init__(f"{printable(file)}: {message}" if file else message, reason=reason)


@dataclass(frozen=True)
class RowFailure:
    """One reason one row was refused. `row` is the 1-based line (CSV, header = 1) or sheet row (XLSX);
    `code` is the reason as data, `reason` the sentence a user reads."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    reason: str
    code: Reason = dataclasses.field(default=Reason.BAD_VALUE, kw_only=True)

    def __str__(self) -> str:
        where = printable(self.file)
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        shown = "" if self.value in (None, "") else f" (got {self.value!r})"
        return f"{where}: {self.reason}{shown}"


class ValidationError(InputError):
    """Rows failed validation; nothing was written. `failures` lists every one of them."""

    default_reason = Reason.BAD_VALUE
    what = "row"
    consequence = "nothing was loaded"

    def __init__(self, failures: Sequence[RowFailure], *, file: str | None = None, limit: int = 50) -> None:
        self.failures = list(failures)
        shown = "\n".join(f"  - {f}" for f in self.failures[:limit])
        more = f"\n  … and {len(self.failures) - limit} more" if len(self.failures) > limit else ""
        n_where = len({f.row for f in self.failures})
        msg = f"{len(self.failures)} problem(s) in {n_where} {self.what}(s); {self.consequence}.\n{shown}{more}"
        codes = {f.code for f in self.failures}
        super().__init__(msg, file=file, reason=codes.pop() if len(codes) == 1 else None)


class AlertRulesError(ValidationError):
    """The rule file has problems; `failures` lists every one. No rule was evaluated."""

    what = "rule"
    consequence = "no rule was evaluated"

    def __init__(self, failures: Sequence[RowFailure], *, file: str | None = None) -> None:
        super().__init__(failures, file=file, limit=len(failures) or 1)


class UsageError(InputError, ValueError):
    """An option or argument value the command or function cannot take (say which values it can). Also a
    ValueError: that is what a bad argument value is in Python."""

    default_reason = Reason.BAD_ARGUMENT


class ParseError(InputError, ValueError):
    """A printed number or a period that cannot be read. Also a ValueError: the parsers are used where a
    ValueError is the contract (pandas converters, validators that collect failures)."""

    default_reason = Reason.BAD_VALUE


class UnknownCodeError(InputError):
    """A code the store or the catalog does not know. `suggestions` are the nearest known codes."""

    default_reason = Reason.UNKNOWN_CODE

    def __init__(self, what: str, value: str, known: Sequence[str], *, file: str | None = None) -> None:
        import difflib

        self.what, self.value = what, value
        self.suggestions = difflib.get_close_matches(value, list(known), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {what} {value!r}{hint}", file=file)


class UnitError(InputError, ValueError):
    """A unit string sectorscope does not know, or one that does not fit the indicator.

    Also a ValueError, because the unit parser is used where a ValueError is the contract."""

    default_reason = Reason.UNIT_MISMATCH

    def __init__(self, message: str, *, file: str | None = None, reason: Reason | None = None) -> None:
        super().__init__(message, file=file, reason=reason)


class CompositeError(InputError):
    """A composite index cannot be computed from what was passed (bad spec, frame, interval or method).

    An `InputError`, so a caller that already catches bad input catches this too; the message names the index,
    unit or indicator and says what to change."""

    default_reason = Reason.BAD_ARGUMENT


class QuestionnaireError(InputError, ValueError):
    """Answers that name a question the questionnaire does not have, or are not yes/no; or a bad questionnaire."""

    default_reason = Reason.BAD_VALUE


class CatalogError(SectorscopeError):
    """The indicator catalog is inconsistent (duplicate code, bad unit kind, bad bounds)."""

    default_reason = Reason.CATALOG_INVALID


class StoreError(SectorscopeError):
    """The store cannot do what was asked: missing file, locked, corrupt, unknown vintage."""

    default_reason = Reason.NO_STORE


class AnalysisError(SectorscopeError, ValueError):
    """An analysis or forecast cannot be computed from the data or parameters it was given (a series too
    short, values not finite, a horizon below 1, anchors that do not rise). Also a ValueError, the contract
    of the numeric functions that raise it."""

    default_reason = Reason.NOT_COMPUTABLE


class PublishError(SectorscopeError):
    """A report, workbook or export cannot be written."""

    default_reason = Reason.WRITE_FAILED


class ChartError(PublishError, ValueError):
    """A chart was given data it cannot draw honestly: a missing column, a value outside its own interval,
    forecast bands out of order, a TRL outside 1–9. Also a ValueError (bad values passed to a function)."""

    default_reason = Reason.BAD_VALUE


class FontError(PublishError):
    """The Noto Sans CJK font is not installed, so Chinese text cannot be drawn (it would show as boxes)."""

    default_reason = Reason.MISSING_DEPENDENCY


class PdfError(PublishError):
    """The PDF could not be written (WeasyPrint or its system libraries missing, or the path unwritable)."""


_UNSHOWN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str, *, keep: str = "") -> str:
    """`text` with every control, format and separator character escaped as Python would write it
    (ESC → \\x1b, a right-to-left override → \\u202e, an undecodable byte of a file name → \\udcff), except
    those in `keep`.

    Why: file names come from whoever made the file, and a name echoed raw to a terminal can recolour it,
    move the cursor, forge an "error:" line or reorder what is shown. Every message that names a file goes
    through this (InputError, RowFailure), and the CLI passes whole messages through it with keep="\\n"."""
    if text.isprintable():
        return text
    import unicodedata

    return "".join(c.encode("unicode_escape").decode("ascii") if c not in keep and unicodedata.category(c) in _UNSHOWN
                   else c for c in text)
