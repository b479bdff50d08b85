"""A local Typer app with the serve and token commands (cli/main.py registers them for users; the tests run
them through this app, as a subprocess: `python -m tests.api.cli_app serve --store …`)."""
from __future__ import annotations

import typer

from sectorscope.cli.serve import serve_command, token_command

app = typer.Typer(pretty_exceptions_enable=False)
app.command("serve")(serve_command)
app.command("token")(token_command)

if __name__ == "__main__":
    app()
