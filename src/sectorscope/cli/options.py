"""Option parsing shared by the commands that take a query's filters (`query`, `export`)."""
from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError

__all__ = ["AsOfOpt", "DimOpt", "IndicatorOpt", "PeriodOpt", "RegionOpt", "SourceOpt", "StatusOpt", "SubjectOpt",
           "parse_dims"]

# A query's filters, declared once for every command that takes them (query, export)
IndicatorOpt = Annotated[list[str] | None, typer.Option("--indicator", "-i", help="Indicator code (repeatable).")]
SubjectOpt = Annotated[str | None, typer.Option(help="Market or segment.")]
RegionOpt = Annotated[str | None, typer.Option(help="Region.")]
PeriodOpt = Annotated[str | None, typer.Option(help="Period (2025, 2025Q3, 2025-03, 2025/2030, 2025-01/2025-05 for 1–5月).")]
StatusOpt = Annotated[str | None, typer.Option(help="actual, estimate, forecast, target or derived.")]
SourceOpt = Annotated[str | None, typer.Option(help="Source id.")]
DimOpt = Annotated[list[str] | None, typer.Option(help="Any dimension as NAME=VALUE (repeatable).")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="A vintage (3, v3) or an ISO date.")]


def parse_dims(dim: list[str] | None, **named: str | None) -> dict[str, str]:
    """`--dim NAME=VALUE` options and the named dimension options (`--subject`, `--region`) as one mapping;
    a `--dim` without `=` is a UsageError."""
    dims: dict[str, str] = {}
    for d in dim or []:
        name, sep, value = d.partition("=")
        if not sep:
            raise UsageError(f"--dim {d!r} must be NAME=VALUE")
        dims[name.strip()] = value.strip()
    dims.update({name: value for name, value in named.items() if value is not None})
    return dims
