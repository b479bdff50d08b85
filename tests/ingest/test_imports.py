"""Reading a report needs no pandas, pandera, Excel library or store: importing `sectorscope.ingest` or
`sectorscope.ingest.extract` must not import them at module level (they are imported where a file is
loaded or a review file written). Checked on the source, so the top-level package's own imports (another
layer's business) do not blur it."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sectorscope

PACKAGE = Path(sectorscope.__file__).parent
HEAVY = ("pandas", "pandera", "openpyxl", "xlsxwriter", "ibis", "duckdb", "sectorscope.store")


def _path(module: str) -> Path | None:
    base = PACKAGE.parent.joinpath(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _top_level_imports(module: str, path: Path) -> set[str]:
    """Modules imported when `module` is imported: statements at module level, outside TYPE_CHECKING."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    todo: list[ast.AST] = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue  # run when called, not when imported
        if isinstance(sub, ast.If) and "TYPE_CHECKING" in ast.unparse(sub.test):
            todo += sub.orelse
            continue
        todo += ast.iter_child_nodes(sub)
        if isinstance(sub, ast.Import):
            found |= {a.name for a in sub.names}
        elif isinstance(sub, ast.ImportFrom):
            if sub.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - sub.level + 1])
                target = f"{base}.{sub.module}" if sub.module else base
            else:
                target = sub.module or ""
            found.add(target)
            found |= {f"{target}.{a.name}" for a in sub.names if _path(f"{target}.{a.name}")}
    return found


def _closure(start: str) -> set[str]:
    """Every module imported, at module level, by importing `start` (following sectorscope.ingest only)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _path(module)
        if path is None:
            continue
        parent = module.rpartition(".")[0]
        if parent.startswith("sectorscope.ingest"):
            todo.append(parent)
        for imported in _top_level_imports(module, path):
            if imported.startswith("sectorscope.ingest"):
                todo.append(imported)
            else:
                seen.add(imported)
    return seen


@pytest.mark.parametrize("start", ["sectorscope.ingest", "sectorscope.ingest.extract"])
def test_reading_a_report_imports_nothing_heavy(start):
    heavy = sorted(m for m in _closure(start) if m.startswith(HEAVY))
    assert heavy == []


def test_the_closure_sees_the_modules_extraction_uses():
    modules = _closure("sectorscope.ingest.extract")
    assert {"sectorscope.ingest.extract.prose", "sectorscope.ingest.extract.tables.flattened", "numpy"} <= modules
