"""Formulas of derived indicators, kept as text in the catalog and checked when the catalog is read.

A formula is a small arithmetic expression over indicator codes, named parameters and numbers, with a
few functions an analyst needs (`lag`, `band_gap`, `min`, `max`). It is parsed here, once, into a tree
the analytics layer evaluates as Ibis expressions — on points and on intervals — so a formula is data, not
code, and a typo fails the catalog load rather than a report build.

The audit's identities (`model/rules.py`) are formulas of the same grammar restricted to its arithmetic
core — indicator codes, numbers and + − × ÷, which is all the audit's interval evaluator knows — so they
are parsed here too, with `arithmetic=True`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..errors import CatalogError

__all__ = ["FUNCTIONS", "Formula", "parse_formula"]

# name → number of arguments. Each is monotone in every argument on the intervals it is used on, which
# is what lets interval evaluation stay exact (see analytics/formula_eval.py).
FUNCTIONS = {"lag": 1, "band_gap": 3, "min": 2, "max": 2}
_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_ARITHMETIC = (ast.Expression, ast.BinOp, ast.Name, ast.Load, *_OPS)


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, its tree, and the indicators and parameters it reads."""

    text: str
    tree: ast.Expression = field(compare=False, hash=False)
    indicators: tuple[str, ...]
    parameters: tuple[str, ...]
    lagged: tuple[str, ...]  # indicators read at the previous period through lag()
    plain: tuple[str, ...] = ()  # indicators read at the period itself


def _walk(node: ast.AST, where: str, names: list[str], lagged: list[str]) -> None:
    if isinstance(node, ast.Expression):
        _walk(node.body, where, names, lagged)
    elif isinstance(node, ast.BinOp):
        if not isinstance(node.op, _OPS):
            raise CatalogError(f"{where}: only + − × ÷ are allowed, not {type(node.op).__name__}")
        _walk(node.left, where, names, lagged)
        _walk(node.right, where, names, lagged)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise CatalogError(f"{where}: only a leading minus is allowed, not {type(node.op).__name__}")
        _walk(node.operand, where, names, lagged)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise CatalogError(f"{where}: constants must be numbers, got {node.value!r}")
    elif isinstance(node, ast.Name):
        names.append(node.id)
    elif isinstance(node, ast.Call):
        fn = node.func.id if isinstance(node.func, ast.Name) else None
        if fn not in FUNCTIONS:
            raise CatalogError(f"{where}: unknown function {fn!r}; known: {', '.join(FUNCTIONS)}")
        if node.keywords or len(node.args) != FUNCTIONS[fn]:
            raise CatalogError(f"{where}: {fn}() takes {FUNCTIONS[fn]} positional argument(s)")
        if fn == "lag":
            arg = node.args[0]
            if not isinstance(arg, ast.Name):
                raise CatalogError(f"{where}: lag() takes an indicator code, e.g. lag(unit_price)")
            lagged.append(arg.id)
            names.append(arg.id)
            return
        for a in node.args:
            _walk(a, where, names, lagged)
    else:
        raise CatalogError(f"{where}: {type(node).__name__} is not allowed in a formula")


def _check_arithmetic(tree: ast.Expression, text: str, where: str) -> None:
    for node in ast.walk(tree):
        if isinstance(node, _ARITHMETIC):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            continue
        raise CatalogError(f"{where}: formula {text!r} may hold only indicator codes, numbers and + − × ÷")


def parse_formula(text: str, where: str, *, indicators: set[str] | frozenset[str],
                  parameters: set[str] | frozenset[str] = frozenset(), arithmetic: bool = False) -> Formula:
    """Parse `text`; every name must be a known indicator code or a declared parameter.

    `where` names the file and entry for the error message. `arithmetic`: only indicator codes, numbers
    and + − × ÷ (no functions, no sign), the grammar of the audit's identities."""
    if not isinstance(text, str) or not text.strip():
        raise CatalogError(f"{where}: a formula must be a non-empty expression")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise CatalogError(f"{where}: formula {text!r} is not an expression: {exc.msg}") from None
    if arithmetic:
        _check_arithmetic(tree, text, where)
    names: list[str] = []
    lagged: list[str] = []
    _walk(tree, where, names, lagged)
    unknown = sorted({n for n in names if n not in indicators and n not in parameters})
    if unknown:
        raise CatalogError(f"{where}: formula {text!r} names {', '.join(unknown)}, neither an indicator of the "
                           "catalog nor a declared parameter")
    inds = tuple(dict.fromkeys(n for n in names if n in indicators and n not in parameters))
    if not inds:
        raise CatalogError(f"{where}: formula {text!r} names no indicator")
    plain = [n for n in names if n in inds]
    for n in lagged:
        plain.remove(n)
    if not plain:
        raise CatalogError(f"{where}: formula {text!r} reads only lagged figures; it needs one of the period itself")
    return Formula(text.strip(), tree, inds, tuple(dict.fromkeys(n for n in names if n in parameters)),
                   tuple(dict.fromkeys(lagged)), tuple(dict.fromkeys(plain)))
