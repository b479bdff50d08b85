"""Imports point one way, in DESIGN.md's order; public names are declared in __all__."""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import sectorscope

PACKAGE = Path(sectorscope.__file__).parent
LAYERS = ["model", "store", "ingest", "audit", "analytics", "forecast", "monitor", "present", "report", "api", "cli"]
SHARED = {"errors"}  # the error tree, importable from every layer


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    rel = path.relative_to(PACKAGE).parts
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel[: len(rel) - node.level])
                mod = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.startswith("sectorscope"):
                mod = node.module.split(".")[1:]
            else:
                continue
            if mod:
                found.add(mod[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sectorscope."):
                    found.add(alias.name.split(".")[1])
    return found


def test_layers_import_only_to_their_left():
    bad = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or parts[0] not in LAYERS:
            continue
        layer = LAYERS.index(parts[0])
        for target in _imports(path) - SHARED - {parts[0]}:
            if target in LAYERS and LAYERS.index(target) > layer:
                bad.append(f"{path.relative_to(PACKAGE)} imports {target}")
    assert not bad, bad


def test_store_is_the_only_place_that_names_duckdb():
    users = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
             if "duckdb" in p.read_text(encoding="utf-8").replace("ibis.duckdb", "IBIS_DUCKDB").split("\"\"\"")[-1]
             and "import duckdb" in p.read_text(encoding="utf-8")]
    assert users == []
    connects = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if "ibis.duckdb" in p.read_text(encoding="utf-8")]
    assert connects == ["store/backend.py"]


def test_public_names_are_declared():
    for mod in pkgutil.walk_packages(sectorscope.__path__, "sectorscope."):
        if mod.name.endswith(".__main__"):
            continue  # importing it runs the CLI
        m = importlib.import_module(mod.name)
        names = getattr(m, "__all__", None)
        assert names is not None, f"{mod.name} has no __all__"
        for name in names:
            assert hasattr(m, name), f"{mod.name}.__all__ names {name}, which it does not define"
