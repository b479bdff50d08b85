"""Imports point one way, in DESIGN.md's order; public names are declared in __all__."""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import sectorscope

PACKAGE = Path(sectorscope.__file__).parent
LAYERS = ["model", "store", "ingest", "records", "audit", "analytics", "forecast", "monitor", "present", "report", "api", "cli"]
SHARED = {"errors", "_lazy"}  # the error tree and the lazy-name helper, importable from every layer


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


# DuckDB as a *file parser*, not as the store's engine: the CSV reader parses with read_csv on a private
# in-memory connection (docs/decisions.md, "CSV parsed by DuckDB's read_csv"). Nothing else outside the store
# may import it, so that the engine setting stays one place.
DUCKDB_PARSERS = {"ingest/csv_reader.py"}


def _imports_duckdb(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "duckdb" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "duckdb":
            return True
    return False


def test_store_is_the_only_place_that_names_duckdb():
    users = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if _imports_duckdb(p)}
    assert {u for u in users if not u.startswith("store/")} == DUCKDB_PARSERS
    connects = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if "ibis.duckdb" in p.read_text(encoding="utf-8")]
    # the store's engine, and the record sets' engine setting (DuckDB or Spark, docs/decisions.md)
    assert sorted(connects) == ["records/engine.py", "store/backend.py"]


def test_public_names_are_declared():
    for mod in pkgutil.walk_packages(sectorscope.__path__, "sectorscope."):
        if mod.name.endswith(".__main__"):
            continue  # importing it runs the CLI
        m = importlib.import_module(mod.name)
        names = getattr(m, "__all__", None)
        assert names is not None, f"{mod.name} has no __all__"
        for name in names:
            assert hasattr(m, name), f"{mod.name}.__all__ names {name}, which it does not define"


def _resolved_imports(path: Path):
    """(node, dotted target parts) of every `from … import` of a sectorscope module in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE).parts
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel[: len(rel) - node.level])
                yield node, [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.startswith("sectorscope."):
                yield node, node.module.split(".")[1:]


def test_other_layers_import_a_layer_only_through_its_package():
    """httpx's habit: a layer's package is its public surface (`from ..model import DIMENSIONS`, never
    `from ..model.observation import DIMENSIONS`), so a layer can move code between its modules freely."""
    deep = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "__init__.py":
            continue  # the top-level facade names the whole public API, from wherever it lives
        parts = path.relative_to(PACKAGE).parts
        own = parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")
        for node, target in _resolved_imports(path):
            if target and target[0] in LAYERS and target[0] not in (own, "cli") and len(target) > 1:
                deep.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports {'.'.join(target)}")
    assert not deep, deep


def _defined_public(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}


def test_no_public_name_is_shadowed_by_a_submodule():
    """A lazily resolved name must not be the name of a submodule of its package: importing the submodule
    would set the package attribute to the module, and `from ..present import glossary` would get a module."""
    for init in PACKAGE.rglob("__init__.py"):
        names = set(getattr(importlib.import_module(_module_name(init)), "__all__", []))
        subs = {p.stem for p in init.parent.glob("*.py")} | {p.name for p in init.parent.iterdir() if p.is_dir()}
        if init.parent == PACKAGE:
            subs -= {"audit", "forecast"}  # deliberately the layer packages themselves (see sectorscope/__init__)
        assert not names & subs, (init, names & subs)


def _module_name(init: Path) -> str:
    return ".".join(("sectorscope", *init.parent.relative_to(PACKAGE).parts))


def test_every_public_name_is_declared_and_every_declared_name_exists():
    """`__all__` equals the module's public names: what it defines without a leading underscore, plus what
    a package re-exports on purpose (a name in `__all__` must resolve)."""
    undeclared = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = next((ast.literal_eval(n.value) for n in tree.body
                         if isinstance(n, (ast.Assign, ast.AnnAssign))
                         and getattr(n.targets[0] if isinstance(n, ast.Assign) else n.target, "id", "") == "__all__"),
                        None)
        assert declared is not None, f"{path.relative_to(PACKAGE)} has no literal __all__"
        missing = _defined_public(path) - set(declared)
        if missing:
            undeclared.append(f"{path.relative_to(PACKAGE)}: {sorted(missing)}")
    assert not undeclared, undeclared
