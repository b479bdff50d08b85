"""The errors sectorscope raises, one tree under one base a caller can catch.

    SectorscopeError
    ├── InputError          a file cannot be read, or is not in a format sectorscope knows
    │   └── ValidationError rows of a readable file break the format, the catalog or the units;
    │                       carries every failure (file, row, field, value, reason)
    ├── UnitError           a unit that is unknown, or does not fit the indicator's unit kind
    ├── CatalogError        the indicator catalog itself is inconsistent
    └── StoreError          the store is missing, locked, or asked for a vintage it does not have
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "SectorscopeError",
    "InputError",
    "ValidationError",
    "RowFailure",
    "UnitError",
    "CatalogError",
    "StoreError",
]


class SectorscopeError(Exception):
    """Base of every error sectorscope raises on purpose."""


class InputError(SectorscopeError):
    """A file cannot be read or is not in a known layout."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        self.file = file
        super().__init__(f"{file}: {message}" if file else message)


@dataclass(frozen=True)
class RowFailure:
    """One reason one row was refused. `row` is the 1-based line (CSV, header = 1) or sheet row (XLSX)."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        shown = "" if self.value in (None, "") else f" (got {self.value!r})"
        return f"{where}: {self.reason}{shown}"


class ValidationError(InputError):
    """Rows failed validation; nothing was written. `failures` lists every one of them."""

    def __init__(self, failures: list[RowFailure], *, file: str | None = None, limit: int = 50) -> None:
        self.failures = failures
        shown = "\n".join(f"  - {f}" for f in failures[:limit])
        more = f"\n  … and {len(failures) - limit} more" if len(failures) > limit else ""
        rows = {f.row for f in failures}
        msg = (
            f"{len(failures)} problem(s) in {len(rows)} row(s); nothing was loaded.\n{shown}{more}"
        )
        super().__init__(msg, file=file)


class UnitError(SectorscopeError, ValueError):
    """A unit string sectorscope does not know, or one that does not fit the indicator."""


class CatalogError(SectorscopeError):
    """The indicator catalog is inconsistent (duplicate code, bad unit kind, bad bounds)."""


class StoreError(SectorscopeError):
    """The store cannot do what was asked: missing file, locked, unknown vintage."""
