"""The CLI as users run it (`sectorscope serve`, `sectorscope token`), importable by the API tests and runnable
as a subprocess: `python -m tests.api.cli_app serve --store …` is `sectorscope serve --store …`."""
from __future__ import annotations

from sectorscope.cli.main import app, main

__all__ = ["app"]

if __name__ == "__main__":
    main()
