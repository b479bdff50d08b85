"""Names of a package resolved on first use (PEP 562), for every layer's `__init__`.

Each layer's package names what it offers (other layers import a layer only through it), but importing a
package must not import all of it: the CLI's start-up, `sectorscope extract` and the API's token commands
each need one name of a layer whose other modules pull in pandas, Ibis, statsforecast or FastAPI. So a
layer's `__init__` maps each public name to the module that defines it, and this module imports that module
when the name is first asked for. One implementation, so every layer behaves the same.
"""
from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(package: str, home: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, whose public names live in the modules `home` names
    (relative to the package, e.g. {"Store": "store"})."""

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        setattr(sys.modules[package], name, value)  # once loaded, a plain module attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(home))

    return __getattr__, __dir__
