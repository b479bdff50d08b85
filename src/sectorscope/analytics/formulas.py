"""A catalog formula as Ibis expressions: its value on the figures' points, and the interval it can take
when every input may be anywhere in its own interval (rounding, 约, 以上, 不足).

Interval arithmetic is exact here because every operation and function of the formula language is
monotone in each argument on the part of the line it is evaluated on (division splits on the sign of the
divisor; a divisor interval that contains 0 gives the whole line). That is what "a bound in gives a bound
out" means: a 以上 input makes an open end, and the open end survives only where it can.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from ..model.formula import Formula

__all__ = ["point_expr", "interval_expr", "lag_name", "INF"]

INF = float("inf")
Num = ir.NumericValue


def lag_name(code: str) -> str:
    """The column a formula's lag(code) reads."""
    return f"lag__{code}"


def _arg_name(node: ast.AST) -> str:
    assert isinstance(node, ast.Name)
    return node.id


def point_expr(f: Formula, cols: Mapping[str, Num], params: Mapping[str, float]) -> Num:
    """The formula on point values: `cols` maps indicator codes (and lag names) to columns."""

    def ev(node: ast.AST) -> Num:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return ibis.literal(float(node.value))
        if isinstance(node, ast.Name):
            return ibis.literal(float(params[node.id])) if node.id in params else cols[node.id]
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Call):
            fn = node.func.id  # type: ignore[attr-defined]
            if fn == "lag":
                return cols[lag_name(_arg_name(node.args[0]))]
            args = [ev(a) for a in node.args]
            if fn == "min":
                return ibis.least(*args)
            if fn == "max":
                return ibis.greatest(*args)
            x, lo, hi = args  # band_gap
            return ibis.cases((x > hi, x - hi), (x < lo, x - lo), else_=ibis.literal(0.0))
        assert isinstance(node, ast.BinOp)
        a, b = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        return ibis.ifelse(b == 0, ibis.null("float64"), a / b)

    return ev(f.tree)


def _finite_or(x: Num, default: float) -> Num:
    return ibis.ifelse(x.isnull() | x.isnan(), default, x)


def _mult(a_lo: Num, a_hi: Num, b_lo: Num, b_hi: Num) -> tuple[Num, Num]:
    corners = [a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi]
    clean = [ibis.ifelse(c.isnan(), None, c) for c in corners]  # 0 × ∞ bounds nothing from that corner
    return _finite_or(ibis.least(*clean), -INF), _finite_or(ibis.greatest(*clean), INF)


def interval_expr(f: Formula, cols: Mapping[str, tuple[Num, Num]],
                  params: Mapping[str, float | tuple[float, float]]) -> tuple[Num, Num]:
    """The formula's [low, high] when each input column pair (low, high) holds its figure; a parameter is
    a number or an interval (a target of at least 55 % is (55, inf))."""

    def ev(node: ast.AST) -> tuple[Num, Num]:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            c = ibis.literal(float(node.value))
            return c, c
        if isinstance(node, ast.Name):
            if node.id in params:
                p = params[node.id]
                a, b = p if isinstance(p, tuple) else (p, p)
                return ibis.literal(float(a)), ibis.literal(float(b))
            return cols[node.id]
        if isinstance(node, ast.UnaryOp):
            lo, hi = ev(node.operand)
            return (-hi, -lo) if isinstance(node.op, ast.USub) else (lo, hi)
        if isinstance(node, ast.Call):
            fn = node.func.id  # type: ignore[attr-defined]
            if fn == "lag":
                return cols[lag_name(_arg_name(node.args[0]))]
            args = [ev(a) for a in node.args]
            if fn == "min":
                return ibis.least(args[0][0], args[1][0]), ibis.least(args[0][1], args[1][1])
            if fn == "max":
                return ibis.greatest(args[0][0], args[1][0]), ibis.greatest(args[0][1], args[1][1])
            (x_lo, x_hi), (b_lo, _), (_, b_hi) = args  # band_gap: non-decreasing in x

            def gap(x: Num) -> Num:
                return ibis.cases((x > b_hi, x - b_hi), (x < b_lo, x - b_lo), else_=ibis.literal(0.0))

            return gap(x_lo), gap(x_hi)
        assert isinstance(node, ast.BinOp)
        (a_lo, a_hi), (b_lo, b_hi) = ev(node.left), ev(node.right)
        if isinstance(node.op, ast.Add):
            return a_lo + b_lo, a_hi + b_hi
        if isinstance(node.op, ast.Sub):
            return a_lo - b_hi, a_hi - b_lo
        if isinstance(node.op, ast.Mult):
            return _mult(a_lo, a_hi, b_lo, b_hi)
        spans_zero = (b_lo <= 0) & (b_hi >= 0)
        m_lo, m_hi = _mult(a_lo, a_hi, 1.0 / b_hi, 1.0 / b_lo)
        return ibis.ifelse(spans_zero, -INF, m_lo), ibis.ifelse(spans_zero, INF, m_hi)

    lo, hi = ev(f.tree)
    return _finite_or(lo, -INF), _finite_or(hi, INF)
