"""The HTTP API: FastAPI over the library, read-only by default (docs/api.md).

Why its names load on first use: the command line imports this package at start-up for `Limits` and the
token commands, which need neither FastAPI nor the store pool; FastAPI and the routes are imported only
when something asks for `create_app`, i.e. when a server is about to run.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from .app import SERVE_ENV, WORKER_FACTORY, create_app, serve_env
    from .limits import Limits
    from .security import TokenStore, tokens_path_for
    from .transport import HTTP_PROTOCOL

__all__ = [
    "HTTP_PROTOCOL",
    "SERVE_ENV",
    "WORKER_FACTORY",
    "Limits",
    "TokenStore",
    "create_app",
    "serve_env",
    "tokens_path_for",
]

# public name → the module (relative to this package) that defines it; imported on first use
_HOME = {
    "HTTP_PROTOCOL": "transport",
    "SERVE_ENV": "app",
    "WORKER_FACTORY": "app",
    "Limits": "limits",
    "TokenStore": "security",
    "create_app": "app",
    "serve_env": "app",
    "tokens_path_for": "security",
}

__getattr__, __dir__ = attach(__name__, _HOME)
