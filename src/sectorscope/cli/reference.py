"""The CLI reference (docs/cli.md), generated from the commands themselves.

Written by hand, a reference drifts from the code the first time an option is added; generated from the
Typer app it cannot, and tests/test_docs.py fails when the committed file is not what this produces.
Regenerate with `python -m sectorscope.cli.reference > docs/cli.md`.
"""
from __future__ import annotations

import inspect
from typing import Any

__all__ = ["cli_reference", "commands"]

_HEAD = """# Command-line reference / 命令行参考

Generated from the commands' own help by `python -m sectorscope.cli.reference > docs/cli.md`; a test fails
when this file and the code disagree. Every command is a thin layer over a library call (`import
sectorscope`). 本文件由命令自身的帮助生成;测试保证它与代码一致。

Exit codes, the same in every command / 退出码(所有命令一致):

| code | meaning |
|---|---|
| 0 | done / 完成 |
| 1 | the job failed: store missing, locked or corrupt, an output that could not be written, too little data; the message says what to do / 任务失败 |
| 2 | the input given cannot be used: a bad option or argument, a missing or unreadable file, rows that fail validation, an unknown indicator or dimension value ("did you mean …") / 输入无法使用 |
| 3 | an unexpected internal error, a bug: rerun with `SECTORSCOPE_TRACEBACK=1` to see the traceback / 内部错误 |

Settings read from the environment / 环境变量:

| variable | meaning |
|---|---|
| `SECTORSCOPE_STORE` | the store file every `--store` option defaults to (otherwise `out/sectorscope.duckdb`) |
| `SECTORSCOPE_TRACEBACK` | set to 1 to see the traceback of an internal error instead of one line |
| `SECTORSCOPE_DEFAULT_DATA` | the folder of the default dataset (otherwise `data/default` of the checkout) |
| `SECTORSCOPE_LEXICON` | a folder (or file) of extra extraction lexicon YAML, read after the package's own |
| `SECTORSCOPE_DATA_DIR` | with `uvicorn --factory sectorscope.api.app:app_from_env`: the only folder a request may name files in |
| `SECTORSCOPE_ALLOW_WRITES` | with `uvicorn --factory …`: `1` accepts writes from clients with a token |
"""


def commands() -> list[tuple[str, Any]]:
    """Every command as (full name, click command), groups expanded, in registration order."""
    import typer

    from .main import app

    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        sub = getattr(cmd, "commands", None)
        if prefix:
            found.append((prefix, cmd))
        for name, child in (sub or {}).items():
            walk(f"{prefix} {name}".strip(), child)

    walk("", root)
    return found


def _default(param: Any) -> str:
    if param.required:
        return "required"
    value = param.default
    if value is None or value in ((), "") or (value is False and getattr(param, "is_flag", False)):
        return ""
    return f"`{value}`"


def _param_row(param: Any) -> str:
    if type(param).__name__ == "TyperArgument":
        names = f"`{param.name.upper()}`"
    else:
        names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    text = " ".join((param.help or "").split()).replace("|", "\\|")
    env = f" (env `{param.envvar}`)" if getattr(param, "envvar", None) else ""
    return f"| {names} | {_default(param)} | {text}{env} |"


def cli_reference() -> str:
    """docs/cli.md: the exit codes and settings, then every command with its help and its parameters."""
    parts = [_HEAD]
    for name, cmd in commands():
        params = [p for p in cmd.params if p.name != "help"]
        parts.append(f"## `sectorscope {name}`\n")
        parts.append(inspect.cleandoc(cmd.help or "") + "\n")
        if params:
            parts.append("| parameter | default | meaning |\n|---|---|---|")
            parts.append("\n".join(_param_row(p) for p in params) + "\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(cli_reference(), end="")
