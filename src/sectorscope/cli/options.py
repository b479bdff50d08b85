"""Option parsing shared by the commands that take a query's filters (`query`, `export`)."""
from __future__ import annotations

from ..errors import UsageError

__all__ = ["parse_dims"]


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
