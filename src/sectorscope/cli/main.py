"""The `sectorscope` command: one Typer app, each command a thin layer over one library call.

Only Typer and this package's command modules are imported at start-up; every command imports the library it
calls when it runs, so `sectorscope --help` costs what a bare Typer app costs (benchmarks/cli.py).
"""
from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from .analyse import analyse_command
from .audit import audit_app
from .common import Group
from .data import catalog_command, load_command, query_command, vintages_command
from .export import export_command
from .extract import extract_command
from .forecast import forecast_command
from .job import run_command
from .monitor import alerts_command, diff_command
from .records import records_app
from .report import report_command
from .serve import serve_command, token_command

__all__ = ["app", "main"]

app = typer.Typer(cls=Group, help="sectorscope: a source-cited, vintaged industry-indicator store.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sectorscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """sectorscope: a source-cited, vintaged industry-indicator store.

    Exit codes: 0 done; 1 the job failed (the message says why and what to do); 2 the input given cannot be
    used (bad option, missing or invalid file, unknown code); 3 an internal error (a bug)."""


app.command("run")(run_command)
app.command("load")(load_command)
app.command("query")(query_command)
app.command("vintages")(vintages_command)
app.command("catalog")(catalog_command)
app.command("extract")(extract_command)
app.add_typer(audit_app, name="audit")
app.command("analyse")(analyse_command)
app.command("forecast")(forecast_command)
app.command("report")(report_command)
app.command("diff")(diff_command)
app.command("alerts")(alerts_command)
app.command("export")(export_command)
app.add_typer(records_app, name="records")
app.command("serve")(serve_command)
app.command("token")(token_command)


def main() -> None:
    """The console script and `python -m sectorscope`."""
    app(prog_name="sectorscope")


if __name__ == "__main__":
    main()
