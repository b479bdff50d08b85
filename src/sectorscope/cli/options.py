"""Option parsing shared by the commands that take a query's filters (`query`, `export`)."""
from __future__ import annotations

__all__ = ["parse_dims"]


def parse_dims(dim: list[str] | None, **named: str | None) -> dict[str, str]:
    """`--dim NAME=VALUE` options and the named dimension options (`--subject`, `--region`) as one mapping;
    a `--dim` without `=` raises ValueError with the message to print."""
    dims: dict[str, str] = {}
    for d in dim or []:
        name, sep, value = d.partition("=")
        if not sep:
            raise ValueError(f"--dim {d!r} must be NAME=VALUE")
        dims[name.strip()] = value.strip()
    dims.update({name: value for name, value in named.items() if value is not None})
    return dims
