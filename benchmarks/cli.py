#!/usr/bin/env python
"""CLI start-up benchmark: `sectorscope` against a bare Typer app with the same commands.

    python benchmarks/cli.py [--repeat 5] [--store out/sectorscope.duckdb]

What a user waits for, end to end, as a new process each time (cold interpreter, warm disk cache):

  a. `--help`                              target ≤ 0.5 s
  b. `query -i market_size` on the default store (the store `make run` writes; built here when missing)
                                           target ≤ 1.5 s
  c. `extract` of a 10 KB report text (the first 10 KB of the MEMS seed, cut at a line end)
                                           target ≤ 1.5 s

The peer is a bare Typer app generated in this run from sectorscope's own command tree: the same commands
with the same options, types and defaults, and bodies that do nothing. Its time is what Typer, Python and
option parsing cost; sectorscope's time above it is what its imports and its work cost. Each row is the
median of --repeat runs of `python -c` / the console script, after one untimed warm-up of each.

Prints a table and writes it as Markdown to benchmarks/out/cli.md. Exits 0 whether or not a target is met.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "001_400fcc32575e1286.txt"
TARGETS = {"--help": 0.5, "query": 1.5, "extract": 1.5}


def _python_type(param) -> str:
    """The Python annotation a bare Typer app would write for one of our parameters."""
    ann = param.type_descriptor.annotation
    text = ann.__name__ if isinstance(ann, type) else str(ann).replace("pathlib.", "")
    return f"{text} | None" if param.default is None and not param.required else text


def peer_source() -> str:
    """A standalone Typer program with sectorscope's command tree and empty bodies."""
    import typer

    from sectorscope.cli.main import app

    root = typer.main.get_command(app)
    lines = ["from pathlib import Path, PosixPath", "from typing import Annotated", "import typer", "",
             "app = typer.Typer(no_args_is_help=True, add_completion=False)", ""]

    def emit(group_var: str, name: str, cmd, prefix: str) -> None:
        fn = f"{prefix}_{name.replace('-', '_')}"
        params = []
        for p in cmd.params:
            if p.name in ("help",):
                continue
            ann = _python_type(p)
            default = "..." if p.required else repr(p.default if not p.multiple else None)
            if type(p).__name__ == "TyperArgument":
                params.append(f"{p.name}: Annotated[{ann}, typer.Argument()] = {default}")
            else:
                flags = ", ".join(repr(o) for o in [*p.opts, *p.secondary_opts]) if p.secondary_opts else \
                    ", ".join(repr(o) for o in p.opts)
                if p.secondary_opts:
                    flags = repr(f"{p.opts[0]}/{p.secondary_opts[0]}")
                params.append(f"{p.name}: Annotated[{ann}, typer.Option({flags}, help={(p.help or '')!r})] = {default}")
        required = [x for x in params if x.endswith("= ...")]
        optional = [x for x in params if not x.endswith("= ...")]
        doc = (cmd.help or "").replace('"""', "'")
        lines.append(f"@{group_var}.command({name!r})")
        lines.append(f"def {fn}({', '.join([*required, *optional])}) -> None:")
        lines.append(f'    """{doc}"""')
        lines.append("")

    for name, cmd in root.commands.items():
        sub = getattr(cmd, "commands", None)
        if sub:
            var = f"{name}_app"
            lines += [f"{var} = typer.Typer(no_args_is_help=False)", f"app.add_typer({var}, name={name!r})", ""]
            for sname, scmd in sub.items():
                emit(var, sname, scmd, name)
        else:
            emit("app", name, cmd, "cmd")
    lines += ["if __name__ == '__main__':", "    app()", ""]
    return "\n".join(lines)


def _time(argv: list[str], repeat: int) -> tuple[float, int]:
    subprocess.run(argv, capture_output=True, check=False)  # warm-up: disk cache, .pyc files
    times, code = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
        code = proc.returncode
    return statistics.median(times), code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--store", type=Path, default=ROOT / "out" / "sectorscope.duckdb")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sectorscope-cli-bench-"))
    peer = work / "peer.py"
    peer.write_text(peer_source(), encoding="utf-8")
    if not args.store.exists():
        import sectorscope

        args.store = sectorscope.run(out_dir=work / "out", publish=False).store_path
    text = SEED.read_text(encoding="utf-8")
    cut = text.encode("utf-8")[:10_240].decode("utf-8", "ignore")
    report = work / "report.txt"
    report.write_text(cut[: cut.rfind("\n") + 1], encoding="utf-8")
    exe = str(Path(sys.executable).with_name("sectorscope"))
    cases = {
        "--help": ["--help"],
        "query": ["query", "-i", "market_size", "--store", str(args.store)],
        "extract": ["extract", str(report)],
    }
    rows = []
    for name, argv in cases.items():
        ours, code = _time([exe, *argv], args.repeat)
        base, _ = _time([sys.executable, str(peer), *argv], args.repeat)
        rows.append((name, ours, base, ours / base, TARGETS[name], code))
    head = "| command | sectorscope (s) | bare Typer (s) | ratio | target (s) | met | exit |"
    out = [f"CLI start-up, median of {args.repeat} cold runs ({report.stat().st_size} B report)", "",
           head, "|" + "---|" * 7]
    for name, ours, base, ratio, target, code in rows:
        out.append(f"| `{name}` | {ours:.3f} | {base:.3f} | {ratio:.1f}× | {target} | "
                   f"{'yes' if ours <= target else 'NO'} | {code} |")
    text_out = "\n".join(out)
    print(text_out)
    dest = ROOT / "benchmarks" / "out"
    dest.mkdir(exist_ok=True)
    (dest / "cli.md").write_text(text_out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
