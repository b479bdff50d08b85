"""The identities a table's columns obey (产量/产能 = 利用率, 销量 × 单价 = 收入, a gap = |a − b|, a slash
share column's parts sum to 100, a growth column against the level column across year rows), and whether
one row reading keeps them within the rounding its printed decimals allow.

Why: identities are the strongest evidence for choosing a split — a reading that breaks one is dropped
when another keeps it — and the reason they held is said in each candidate's `why`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ....errors import UnitError
from ....model import parse_unit
from .columns import SHARE_OF_WHOLE, Column
from .splits import Cell, Split

__all__ = ["Identities", "find_identities", "growth_ok", "row_identities"]


def _tol(cell: Cell, k: int = 0) -> float:
    return 0.5 * 10 ** (-cell.nums[k].dp)


def _find(cols: list[Column], *words: str, exclude: tuple[str, ...] = ()) -> list[int]:
    return [i for i, c in enumerate(cols) if any(w in c.header for w in words) and not any(w in c.header for w in exclude)]


@dataclass
class Identities:
    """The column indices each identity involves in one table (None: the table has no such identity)."""

    util: tuple[int, int, int] | None = None           # (utilisation, output, capacity)
    revenue: tuple[int, int, int] | None = None        # (revenue, volume, price)
    diff: tuple[int, int, int] | None = None           # (difference, a, b)
    growth: tuple[int, int] | None = None              # (growth, level) across year rows
    sums: list[int] = field(default_factory=list)      # slash share columns summing to 100


def find_identities(cols: list[Column], year_rows: bool) -> Identities:
    """The identities the headers name; growth only across year-keyed rows."""
    ids = Identities()
    u, o, c = _find(cols, "利用率"), _find(cols, "产量"), _find(cols, "产能", exclude=("利用率",))
    if len(u) == 1 and len(o) == 1 and len(c) == 1 and cols[o[0]].unit == cols[c[0]].unit:
        ids.util = (u[0], o[0], c[0])
    r = [i for i in _find(cols, "收入", "销售额", "营收", "产值") if _kind(cols[i].unit) == "money"]
    v = [i for i in _find(cols, "销量", "出货量", "销售量", "产量") if _kind(cols[i].unit).startswith("count")]
    p = [i for i in _find(cols, "单价", "均价", "价格") if _kind(cols[i].unit) == "price"]
    if len(r) == 1 and len(v) == 1 and len(p) == 1:
        ids.revenue = (r[0], v[0], p[0])
    d = _find(cols, "差距", "差额", "差值")
    if len(d) == 1 and len(cols) == 3:
        a, b = [i for i in range(3) if i != d[0]]
        ids.diff = (d[0], a, b)
    g = [i for i in _find(cols, "增长率", "增速", "同比增长") if cols[i].unit == "%"]
    lv = [i for i, col in enumerate(cols) if _kind(col.unit) in ("money",) or _kind(col.unit).startswith("count")]
    if year_rows and len(g) == 1 and len(lv) == 1:
        ids.growth = (g[0], lv[0])
    ids.sums = [i for i, col in enumerate(cols) if col.parts and any(w in col.header for w in SHARE_OF_WHOLE)]
    return ids


def _kind(unit: str) -> str:
    if not unit:
        return ""
    try:
        return parse_unit(unit).kind
    except UnitError as exc:
        return "count" if "ambiguous" in str(exc) and "count" in str(exc) else ""


def _factor(unit: str) -> float:
    try:
        return parse_unit(unit).factor
    except UnitError:
        return parse_unit(unit, "count_device").factor  # 万个: a count whichever counter it is


def row_identities(split: Split, cols: list[Column], ids: Identities) -> tuple[list[str], list[str]]:
    """(held, failed) identity descriptions for one row reading."""
    held: list[str] = []
    failed: list[str] = []
    cells = split.cells
    if ids.util:
        ui, oi, ci = ids.util
        uc, oc, cc = cells[ui], cells[oi], cells[ci]
        o, c, u = oc.value(), cc.value(), uc.value()
        if c > 0:
            want = 100 * o / c
            tol = _tol(uc) + want * (_tol(oc) / max(o, 1e-9) + _tol(cc) / c) + 1e-9
            (held if abs(want - u) <= tol else failed).append(
                f"identity {cols[oi].header}/{cols[ci].header}={cols[ui].header}")
    if ids.revenue:
        ri, vi, pi = ids.revenue
        rc, vc, pc = cells[ri], cells[vi], cells[pi]
        rv = rc.value() * _factor(cols[ri].unit)
        want = vc.value() * _factor(cols[vi].unit) * pc.value() * _factor(cols[pi].unit)
        if want > 0:
            rel = _tol(rc) / max(rc.value(), 1e-9) + _tol(vc) / max(vc.value(), 1e-9) + _tol(pc) / max(pc.value(), 1e-9) + 0.002
            (held if abs(rv - want) / want <= rel else failed).append(
                f"identity {cols[vi].header}×{cols[pi].header}={cols[ri].header}")
    if ids.diff:
        di, ai, bi = ids.diff
        dc, ac, bc = cells[di], cells[ai], cells[bi]
        tol = _tol(dc) + _tol(ac) + _tol(bc) + 1e-9
        ok = abs(abs(ac.value() - bc.value()) - abs(dc.value())) <= tol
        (held if ok else failed).append(f"identity {cols[di].header}=|{cols[ai].header}−{cols[bi].header}|")
    for si in ids.sums:
        sc = cells[si]
        total = sum(sc.value(k) for k in range(len(sc.nums)))
        tol = sum(_tol(sc, k) for k in range(len(sc.nums))) + 1e-9
        (held if abs(total - 100) <= tol else failed).append(f"parts of {cols[si].header} sum to 100")
    return held, failed


def growth_ok(prev: Split, cur: Split, ids: Identities) -> bool | None:
    if not ids.growth:
        return None
    gi, li = ids.growth
    p, c, g = prev.cells[li], cur.cells[li], cur.cells[gi]
    if p.value() <= 0:
        return None
    want = 100 * (c.value() / p.value() - 1)
    tol = _tol(g) + 100 * (c.value() / p.value()) * (_tol(p) / p.value() + _tol(c) / max(c.value(), 1e-9)) + 1e-9
    return abs(want - g.value()) <= tol

