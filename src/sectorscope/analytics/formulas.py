"""A catalog formula as Ibis expressions: its value on the figures' points, and the interval it can take
when every input may be anywhere in its own interval (rounding, 约, 以上, 不足).

The inputs' intervals are not made here: they are the columns store/figure_interval.py defines (read through
audit.intervals.with_intervals), so a derived figure is as wide as the audit says its inputs are.

Interval arithmetic is exact here because every operation and function of the formula language is
monotone in each argument on the part of the line it is evaluated on (division splits on the sign of the
divisor; a divisor interval that contains 0 gives the whole line). That is what "a bound in gives a bound
out" means: a 以上 input makes an open end, and the open end survives only where it can.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import TypeAlias

import ibis
import ibis.expr.types as ir

from ..model import Formula
from ..store import INF

__all__ = ["INF", "interval_staged", "lag_name", "point_expr"]

_Num: TypeAlias = ir.NumericValue  # a numeric column or scalar of an Ibis expression



def _call_name(node: ast.Call) -> str:
    """The function a call names; the formula grammar (model/formula.py) admits only named calls."""
    assert isinstance(node.func, ast.Name), "the formula grammar admits only named calls"
    return node.func.id

def lag_name(code: str) -> str:
    """The column a formula's lag(code) reads."""
    return f"lag__{code}"


def _arg_name(node: ast.AST) -> str:
    assert isinstance(node, ast.Name)
    return node.id


def _number(node: ast.Constant) -> float:
    """A constant of a formula: a number (model/formula.py refuses any other when it parses the formula)."""
    assert isinstance(node.value, (int, float))
    return float(node.value)


def point_expr(f: Formula, cols: Mapping[str, _Num], params: Mapping[str, float]) -> _Num:
    """The formula on point values: `cols` maps indicator codes (and lag names) to columns."""

    def ev(node: ast.AST) -> _Num:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return ibis.literal(_number(node))
        if isinstance(node, ast.Name):
            return ibis.literal(float(params[node.id])) if node.id in params else cols[node.id]
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Call):
            fn = _call_name(node)
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


def _finite_or(x: _Num, default: float) -> _Num:
    return ibis.ifelse(x.isnull() | x.isnan(), default, x)


def _mult(a_lo: _Num, a_hi: _Num, b_lo: _Num, b_hi: _Num) -> tuple[_Num, _Num]:
    corners = [a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi]
    clean = [ibis.ifelse(c.isnan(), None, c) for c in corners]  # 0 × ∞ bounds nothing from that corner
    return _finite_or(ibis.least(*clean), -INF), _finite_or(ibis.greatest(*clean), INF)


def interval_staged(t: ir.Table, f: Formula, cols: Mapping[str, tuple[str, str]],
                    params: Mapping[str, float | tuple[float, float]]) -> tuple[ir.Table, str, str]:
    """The formula's [low, high] when each input column pair holds its figure (a parameter is a number or an
    interval: a target of at least 55 % is (55, inf)), one projection per operation: `t` gains the columns of
    each node, and the names of the result's low and high columns are returned.

    Why: a node's ends are used up to four times by its parent (the corners of a product), so one nested
    expression grows fourfold per level and the SQL for utilisation reaches hundreds of kB; staged, each
    node is computed once per row."""
    counter = [0]

    def fresh() -> tuple[str, str]:
        counter[0] += 1
        return f"_iv{counter[0]}_lo", f"_iv{counter[0]}_hi"

    def ev(node: ast.AST, t: ir.Table) -> tuple[ir.Table, str, str]:
        if isinstance(node, ast.Expression):
            return ev(node.body, t)
        if isinstance(node, (ast.Constant, ast.Name)) and not (isinstance(node, ast.Name) and node.id not in params):
            if isinstance(node, ast.Constant):
                v_lo = v_hi = _number(node)
            else:
                p = params[node.id]
                v_lo, v_hi = p if isinstance(p, tuple) else (p, p)
            lo, hi = fresh()
            return t.mutate(**{lo: ibis.literal(float(v_lo)), hi: ibis.literal(float(v_hi))}), lo, hi
        if isinstance(node, ast.Name):
            return (t, *cols[node.id])
        if isinstance(node, ast.Call) and _call_name(node) == "lag":
            return (t, *cols[lag_name(_arg_name(node.args[0]))])
        lo, hi = fresh()
        if isinstance(node, ast.UnaryOp):
            t, a, b = ev(node.operand, t)
            if isinstance(node.op, ast.USub):
                return t.mutate(**{lo: -t[b], hi: -t[a]}), lo, hi
            return t, a, b
        if isinstance(node, ast.Call):
            fn = _call_name(node)
            args = []
            for arg in node.args:
                t, x, y = ev(arg, t)
                args.append((x, y))
            if fn in ("min", "max"):
                g = ibis.least if fn == "min" else ibis.greatest
                return t.mutate(**{lo: g(t[args[0][0]], t[args[1][0]]), hi: g(t[args[0][1]], t[args[1][1]])}), lo, hi
            (x_lo, x_hi), (b_lo, _), (_, b_hi) = args

            def gap(x: _Num) -> _Num:
                return ibis.cases((x > t[b_hi], x - t[b_hi]), (x < t[b_lo], x - t[b_lo]), else_=ibis.literal(0.0))

            return t.mutate(**{lo: gap(t[x_lo]), hi: gap(t[x_hi])}), lo, hi
        assert isinstance(node, ast.BinOp)
        t, a_lo, a_hi = ev(node.left, t)
        t, b_lo, b_hi = ev(node.right, t)
        A, B, C, D = t[a_lo], t[a_hi], t[b_lo], t[b_hi]
        if isinstance(node.op, ast.Add):
            return t.mutate(**{lo: A + C, hi: B + D}), lo, hi
        if isinstance(node.op, ast.Sub):
            return t.mutate(**{lo: A - D, hi: B - C}), lo, hi
        if isinstance(node.op, ast.Mult):
            m_lo, m_hi = _mult(A, B, C, D)
            return t.mutate(**{lo: m_lo, hi: m_hi}), lo, hi
        m_lo, m_hi = _mult(A, B, 1.0 / D, 1.0 / C)
        spans_zero = (C <= 0) & (D >= 0)
        return t.mutate(**{lo: ibis.ifelse(spans_zero, -INF, m_lo), hi: ibis.ifelse(spans_zero, INF, m_hi)}), lo, hi

    t, lo, hi = ev(f.tree, t)
    return t.mutate(**{lo: _finite_or(t[lo], -INF), hi: _finite_or(t[hi], INF)}), lo, hi
