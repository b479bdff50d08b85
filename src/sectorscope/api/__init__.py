"""The HTTP API: FastAPI over the library, read-only by default (docs/api.md)."""
from .app import create_app
from .limits import Limits
from .security import TokenStore, tokens_path_for

__all__ = ["create_app", "Limits", "TokenStore", "tokens_path_for"]
