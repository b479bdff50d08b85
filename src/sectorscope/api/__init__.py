"""The HTTP API: FastAPI over the library, read-only by default (docs/api.md).

Why its names load on first use: the command line imports this package at start-up for `Limits` and the
token commands, which need neither FastAPI nor the store pool; FastAPI and the routes are imported only
when something asks for `create_app`, i.e. when a server is about to run.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .app import create_app
    from .limits import Limits
    from .security import TokenStore, tokens_path_for

__all__ = [
    "Limits",
    "TokenStore",
    "create_app",
    "tokens_path_for",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "Limits": "limits",
    "TokenStore": "security",
    "create_app": "app",
    "tokens_path_for": "security",
}

__getattr__, __dir__ = attach(__name__, _HOME)
