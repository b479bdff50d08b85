"""The HTTP API: FastAPI over the library, read-only by default (docs/api.md).

Why its names load on first use: the command line imports this package at start-up for `Limits` and the
token commands, which need neither FastAPI nor the store pool; FastAPI and the routes are imported only
when something asks for `create_app`, i.e. when a server is about to run.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .limits import Limits
    from .security import TokenStore, tokens_path_for

__all__ = ["Limits", "TokenStore", "create_app", "tokens_path_for"]

_HOME = {"create_app": ".app", "Limits": ".limits", "TokenStore": ".security", "tokens_path_for": ".security"}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # once loaded, a plain module attribute
    return value
