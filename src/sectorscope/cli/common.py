"""What every command shares: the consoles, the store option and its default, output formats, tables that fit
a terminal, and the one place errors become messages and exit codes.

Exit codes (the same in every command, documented in docs/cli.md):
    0  done
    1  the job failed (store locked or corrupt, a report that could not be written, an analysis with too
       little data) — the message says what to do
    2  the input given cannot be used: a bad option or argument, a missing or unreadable file, rows that fail
       validation, an unknown indicator or dimension value (click's own usage errors are 2 as well)
    3  an unexpected internal error: a bug; the message says how to see the traceback
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from ..errors import SectorscopeError, UsageError, printable

if TYPE_CHECKING:
    from rich.console import Console

    from ..store import Store

__all__ = [
    "DEFAULT_STORE",
    "EXIT_BAD_INPUT",
    "EXIT_BUG",
    "EXIT_FAILED",
    "TABLE_WIDTH",
    "FormatOpt",
    "Group",
    "LangOpt",
    "OutDirOpt",
    "StoreOpt",
    "check_choice",
    "console",
    "emit_records",
    "err",
    "fail",
    "file_progress",
    "open_store",
    "out",
    "print_table",
    "resolve_as_of",
    "shown",
]

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_BUG = 1, 2, 3
DEFAULT_STORE = Path("out/sectorscope.duckdb")
TABLE_WIDTH = 100  # tables fit a 100-column terminal when the terminal's width is unknown (pipes, CI)

StoreOpt = Annotated[Path, typer.Option("--store", "-s", help="The store file.", envvar="SECTORSCOPE_STORE")]
OutDirOpt = Annotated[Path, typer.Option("--out", "-o", help="The folder outputs are written to.",
                                         file_okay=False)]
LangOpt = Annotated[str, typer.Option("--lang", "-l", help="zh (simplified Chinese) or en.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json (one object per line) or csv.")]

_consoles: dict[str, Console] = {}


def console(name: str) -> Console:
    """The rich console for "out" (stdout) or "err" (stderr), made on first use: rich is not imported at
    start-up."""
    if name not in _consoles:
        from rich.console import Console

        width = None if sys.stdout.isatty() else TABLE_WIDTH
        _consoles[name] = Console(stderr=name == "err", soft_wrap=True, width=width)
    return _consoles[name]


class _Lazy:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(console(self._name), attr)


out: Console = _Lazy("out")  # type: ignore[assignment]  # a Console, made on first use
err: Console = _Lazy("err")  # type: ignore[assignment]  # a Console, made on first use


def shown(text: str) -> str:
    """Text from outside (a message naming a file, a file name) as rich markup that prints it as it is:
    control characters escaped (`errors.printable`: a file name could hold ESC sequences), and '[' escaped
    so that a name like "[red]x.csv" is not read as markup."""
    return printable(text, keep="\n").replace("[", r"\[")


def _say_error(message: str) -> None:
    err.print(f"[bold red]error:[/] {shown(message)}", markup=True, highlight=False, soft_wrap=True)


class Group(TyperGroup):
    """The app's command group: the only place an exception becomes a message and an exit code, so no
    command prints a traceback and every command exits with the same code for the same kind of failure."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click Context
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):  # typer's own (it vendors click)
            raise
        except SectorscopeError as exc:
            _say_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _say_error("interrupted")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("SECTORSCOPE_TRACEBACK"):
                raise
            _say_error(f"unexpected {type(exc).__name__}: {exc} — this is a bug in sectorscope; rerun with "
                       "SECTORSCOPE_TRACEBACK=1 to see where, and report it")
            raise typer.Exit(EXIT_BUG) from None


def check_choice(option: str, value: str, choices: Sequence[str]) -> str:
    """`value` if it is one of `choices`, else a UsageError naming them."""
    if value not in choices:
        raise UsageError(f"{option} {value!r}: choose one of {', '.join(choices)}")
    return value


def open_store(path: Path, *, must_exist: bool = True) -> Store:
    """The store at `path`; with `must_exist`, a missing file is an error saying how to make one (a read
    would otherwise create an empty store and answer "nothing"), and a file that is not a store fails here,
    before the command does anything (the store itself connects lazily)."""
    from ..errors import StoreError
    from ..store import Store

    if must_exist and not Path(path).exists():
        raise StoreError(f"no store at {path}; `sectorscope run` (the default dataset) or `sectorscope load FILES` "
                         "makes one, or pass --store")
    store = Store(path)
    if must_exist:
        store.latest_vintage()
    return store


def resolve_as_of(store: Store, as_of: str | None) -> int | None:
    """The vintage `as_of` names; a note on stderr when it lies before the first vintage (nothing existed)."""
    vid = store.resolve(as_of)
    if as_of is not None and vid is None:
        first = store.vintages().order_by("vintage_id").limit(1).execute()
        when = f" (the first, v{int(first['vintage_id'].iloc[0])}, was loaded {first['loaded_at'].iloc[0]:%Y-%m-%d})" \
            if len(first) else ""
        err.print(f"note: --as-of {as_of} is before the first vintage{when}: the store held nothing then",
                  highlight=False)
    return vid


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()  # numpy scalars
        except (ValueError, AttributeError):
            return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def emit_records(records: Iterable[Mapping[str, object]], fmt: str, columns: Sequence[str]) -> None:
    """Records as JSON lines or CSV on stdout (for scripts: no colours, no wrapping, every column)."""
    import csv

    if fmt == "json":
        for rec in records:
            sys.stdout.write(json.dumps({k: _plain(rec.get(k)) for k in columns}, ensure_ascii=False,
                                        default=str) + "\n")
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for rec in records:
        writer.writerow(["" if _plain(rec.get(k)) is None else _plain(rec.get(k)) for k in columns])


def print_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]], *,
                wrap: Sequence[str] = (), console: Console | None = None) -> None:
    """A table that fits the terminal (100 columns when output is not a terminal). Text columns named in
    `wrap` fold; every other column (codes, numbers, periods) is shown whole or not at all: when the table
    is too wide, columns are dropped from the right, and the caption says so and how to see everything."""
    from rich.cells import cell_len
    from rich.table import Table

    console = console or out
    cells = [["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in row] for row in rows]
    need = {c: max([cell_len(c), *(cell_len(r[i]) for r in cells)]) for i, c in enumerate(columns)}
    shown = list(columns)

    def width(cols: list[str]) -> int:
        return sum(min(need[c], 12) if c in wrap else need[c] for c in cols) + 3 * len(cols) + 1

    while width(shown) > console.width and len(shown) > 1:
        droppable = [c for c in shown[1:] if c not in wrap] or shown[1:]
        shown.remove(droppable[-1])
    hidden = [c for c in columns if c not in shown]
    caption = f"not shown for width: {', '.join(hidden)} (--format json shows every column)" if hidden else None
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    for c in shown:
        table.add_column(c, overflow="fold", ratio=2) if c in wrap else table.add_column(c, no_wrap=True)
    index = [list(columns).index(c) for c in shown]
    for row in cells:
        table.add_row(*[row[i] for i in index])
    console.print(table)


@contextmanager
def file_progress(total: int) -> Iterator[Callable[[Path], None]]:
    """A transient progress bar on stderr over the files a load validates; yields the `on_file` callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console("err"), transient=True) as progress:
        task = progress.add_task("validating", total=total)

        def step(f: Path) -> None:
            progress.update(task, advance=1, description=f"validated {shown(f.name)}")

        yield step


def fail(message: str) -> NoReturn:
    """Stop a command on bad input (exit 2)."""
    raise UsageError(message)
