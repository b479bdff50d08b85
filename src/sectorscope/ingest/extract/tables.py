"""Tables whose cell separators were lost when the report was turned into text.

Why this is its own reader: a flattened row such as `202585072084.778032.5` is one digit run, and reading
it as prose would give one absurd number. The printed table still carries enough structure to rebuild it:
the header tells how many cells a row has and what they mean (units, shares capped at 100, identities such
as 产量/产能 = 利用率), rows are keyed by consecutive years or by text labels, numbers follow a column's
format, and a heading number glued to the last cell is echoed by the table of contents. Every split that
obeys the hard rules is enumerated; evidence (column formats, identities, magnitudes) narrows them; a row
that stays ambiguous is reported as an Ambiguity and never guessed.

Two table conventions are relied on, and said so in each candidate's `why` when they decided: columns that
share a unit print one precision, and a year series does not jump (a reading is taken on that ground only
when every other reading forces a step of 3× or more between consecutive years). Ambiguity offsets, like
candidate offsets, are offsets into the original text.

Whitespace layout tables (a `序号 公司名称 …` header, then one line per rank) are read line by line.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from ...errors import UnitError
from ...model.numbers import parse_number
from ...model.units import parse_unit
from .candidate import Ambiguity, Candidate, TableCell
from .document import Document
from .lexicon import Lexicon

__all__ = ["Table", "TableResult", "find_tables"]


@dataclass
class Table:
    name: str                 # caption if present, else the header cells joined by " / "
    start: int                # normalised offsets of the whole table in doc.text
    end: int
    key: str                  # row-key header (年份, 产品类别 …)
    columns: list[str]        # value-column headers as printed (normalised)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (row header, cells); [] when ambiguous


@dataclass
class TableResult:
    tables: list[Table] = field(default_factory=list)
    cells: list[Candidate] = field(default_factory=list)
    ambiguities: list[Ambiguity] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- lexical
_BOUNDARY = set("。!?;:\n \t")
_PREFIX = "<>≤≥±+-−"
_UNIT_SUFFIX = re.compile(r"(%|‰|MPa|GPa|kPa|Pa|nm|μm|um|mm|cm|mK|kHz|MHz|GHz|Hz|mW|kW|W|dB|TOPS|℃|°C)(?![A-Za-z])")
_NUMBER = re.compile(r"(?:[1-9]\d{0,2}(?:,\d{3})+|0|[1-9]\d*)(?:\.\d+)?$")
_YEAR = re.compile(r"(19|20)\d\d")
_YEAR_IN = re.compile(r"((?:19|20)\d\d)年(?:\s*(Q[1-4]|[一二三四]季度|上半年|下半年|H[12]))?")
_LABEL_BAD = re.compile(r"[。,;:!?、“”\"《》]")
_HEADING = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,2}$")
_SHARE_WORDS = ("比重", "占比", "份额", "比例", "利用率", "毛利率", "依存度", "国产化率", "渗透率", "自给率", "良品率")
_CHANGE_WORDS = ("增长率", "增速", "同比", "变动", "变化", "差距", "差额")
_STATUS = (("预估", "estimate"), ("估计", "estimate"), ("预测", "forecast"), ("预计", "forecast"), ("E", "estimate"),
           ("F", "forecast"))


def _is_unit(text: str) -> bool:
    t = text.strip()
    if t in ("%", "‰", "百分点", "pp"):
        return True
    try:
        parse_unit(t)
        return True
    except UnitError as exc:
        return "ambiguous" in str(exc)  # 个, 件: a unit, its kind left to the indicator


def _unit_of(header: str) -> str:
    """The unit printed in a column header's last parenthesised group, or ''."""
    m = re.search(r"\(([^()]*)\)\s*$", header)
    if m and _is_unit(m.group(1)):
        return m.group(1).strip()
    return ""


def _unit_or_year(paren: str) -> bool:
    return _is_unit(paren) or bool(_YEAR_IN.search(paren))


def _paren_end(text: str, i: int, limit: int) -> int:
    """Index after the parenthesised group starting at text[i] == '(' (or -1)."""
    depth = 0
    for j in range(i, min(limit, i + 80)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return -1


def _numeric_start(text: str, i: int) -> bool:
    """Does a value (not a label's year such as 2025年) start at text[i]?"""
    j = i
    while j < len(text) and text[j] in _PREFIX:
        j += 1
    if j >= len(text) or not text[j].isdigit() or not text[j].isascii():
        return False
    if j == i and i > 0 and text[i - 1].isascii() and text[i - 1].isalpha():
        return False  # Q1, H2, A3: part of a label
    k = j
    while k < len(text) and text[k].isdigit():
        k += 1
    return not (k < len(text) and text[k] in "年月日季Q")


def _label_zone_end(text: str, i: int, limit: int) -> int:
    """From i, skip label text (parenthesised groups are atomic) up to the first value."""
    while i < limit:
        ch = text[i]
        if ch == "(":
            e = _paren_end(text, i, limit)
            if e < 0:
                return i
            i = e
            continue
        if ch == "\n":
            return i
        if _numeric_start(text, i):
            return i
        i += 1
    return i


def _chunks(zone: str) -> tuple[list[str], str]:
    """Split a label zone into chunks each ending with a parenthesised group, and the unterminated tail."""
    out: list[str] = []
    start = 0
    i = 0
    while i < len(zone):
        if zone[i] == "(":
            e = _paren_end(zone, i, len(zone))
            if e < 0:
                break
            out.append(zone[start:e])
            start = i = e
            continue
        i += 1
    return out, zone[start:]


def _cell_run_end(text: str, i: int, limit: int) -> int:
    """End of the run of characters a flattened row of values is made of."""
    while i < limit:
        ch = text[i]
        if ch.isascii() and ch.isdigit() or ch in ".,/" or ch in _PREFIX:
            i += 1
            continue
        m = _UNIT_SUFFIX.match(text, i)
        if m and i > 0 and (text[i - 1].isdigit()):
            i = m.end()
            continue
        break
    return i


def _bad_label(label: str) -> bool:
    """Sentence punctuation outside parentheses: prose, not a row label."""
    return bool(_LABEL_BAD.search(re.sub(r"\([^()]*\)", "", label)))


def _leftover_ok(doc_text: str, left: str, pos: int) -> bool:
    """A leftover after the last cell is acceptable when it is a section number that the table of contents
    (or an earlier mention) echoes with the same heading text, or `N、`."""
    if not left:
        return True
    after = doc_text[pos + len(left): pos + len(left) + 4]
    if re.fullmatch(r"\d{1,2}", left) and after[:1] == "、":
        return True
    if not _HEADING.match(left) or not after or after[0].isdigit() or after[0] in ".%":
        return False
    probe = left + after
    j = doc_text.find(probe)
    while j >= 0:
        if j != pos:
            return True
        j = doc_text.find(probe, j + 1)
    return False


# ------------------------------------------------------------------------------------------- cell model
@dataclass(frozen=True)
class _Num:
    start: int        # normalised offsets of the number (sign included)
    end: int
    text: str         # as printed, sign included, '+' kept
    dp: int


@dataclass(frozen=True)
class _Cell:
    start: int
    end: int
    printed: str      # the whole cell as printed
    prefix: str
    nums: tuple[_Num, ...]
    unit: str

    dp: object = field(init=False, compare=False)
    vals: tuple[float, ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dp", tuple(n.dp for n in self.nums) if len(self.nums) > 1 else self.nums[0].dp)
        vals = []
        for k, num in enumerate(self.nums):
            v = parse_number(num.text.lstrip("+").replace("−", "-"))
            vals.append(-abs(v) if self.prefix.endswith(("-", "−")) and k == 0 else v)
        object.__setattr__(self, "vals", tuple(vals))

    def value(self, k: int = 0) -> float:
        return self.vals[k]


@dataclass(frozen=True)
class _Split:
    cells: tuple[_Cell, ...]
    end: int          # where the row's text ends (after the last cell)
    next_key: int = -1  # year tables: where the next row key starts (-1: last row)
    leftover: str = ""


@dataclass
class _Col:
    header: str
    unit: str
    parts: list[str]          # sub-labels of a slash column (55/25/20), else []
    share: bool
    signed: bool

    @property
    def k(self) -> int:
        return max(1, len(self.parts))


def _base(header: str) -> str:
    return re.sub(r"\([^()]*\)\s*$", "", header)


def _make_col(header: str) -> _Col:
    unit = _unit_of(header)
    parts: list[str] = []
    m = re.search(r"\(([^()]*)\)\s*$", header)
    if m and "/" in m.group(1) and not unit:
        parts = [p.strip() for p in m.group(1).split("/") if p.strip()]
    base = re.sub(r"\([^()]*\)\s*$", "", header)
    share = (unit == "%" or (not unit and any(w in base for w in ("占比", "比例", "比重", "份额")))) and \
        any(w in base for w in _SHARE_WORDS) and not any(w in base for w in _CHANGE_WORDS)
    signed = any(w in base for w in _CHANGE_WORDS)
    return _Col(header, unit, parts, share, signed)


def _numbers_at(text: str, i: int, limit: int) -> list[int]:
    """Ends e such that text[i:e] is a well-formed number."""
    out = []
    j = i
    stop = min(limit, i + 14)
    while j < stop and (text[j].isdigit() and text[j].isascii() or text[j] in ".,"):
        j += 1
        if _NUMBER.match(text[i:j]):
            out.append(j)
    return out


def _cells_at(text: str, i: int, limit: int, col: _Col) -> list[_Cell]:
    """Every way one cell of `col` can start at text[i]."""
    j = i
    while j < limit and text[j] in _PREFIX and j - i < 2:
        j += 1
    prefix = text[i:j]
    if prefix and (len(prefix) > 1 and not (prefix[0] in "<>≤≥" and prefix[1] in "+-−")):
        return []
    out: list[_Cell] = []

    def rec(pos: int, nums: tuple[_Num, ...], need: int) -> None:
        for e in _numbers_at(text, pos, limit):
            sign = prefix if (not nums and prefix and prefix[-1] in "+-−") else ""
            num = _Num(pos - len(sign), e, sign + text[pos:e], len(text[pos:e].partition(".")[2]))
            got = nums + (num,)
            if need > 1:
                if e < limit and text[e] == "/":
                    rec(e + 1, got, need - 1)
                continue
            if e < limit and text[e] in ",./":
                continue
            m = _UNIT_SUFFIX.match(text, e, limit)
            end = m.end() if m else e
            unit = m.group(0) if m else ""
            out.append(_Cell(i, end, text[i:end], prefix, got, unit))

    if j < limit and text[j].isdigit():
        rec(j, (), col.k)
    return out


def _plausible(cell: _Cell, col: _Col) -> bool:
    if col.share:
        vals = [cell.value(k) for k in range(len(cell.nums))]
        if any(v < 0 or v > 100 for v in vals) or cell.prefix in ("-", "−"):
            return False
    return True


_CAP = 400  # splits enumerated per row; a row with more is reported, never resolved from a partial list


def _splits(text: str, start: int, limit: int, cols: list[_Col], last: bool, cap: int = _CAP) -> list[_Split]:
    """All ways text[start:limit] holds exactly one cell per column (with a heading leftover if `last`)."""
    out: list[_Split] = []
    # the most characters the remaining columns can take (sign, 14-character number, unit, per part)
    room = [0] * (len(cols) + 1)
    for ci in range(len(cols) - 1, -1, -1):
        room[ci] = room[ci + 1] + cols[ci].k * 22
    slack = 8 if last else 0
    memo: dict[tuple[int, int], list[_Cell]] = {}  # (position, column) → its plausible cells: paths share them

    def cells(pos: int, ci: int) -> list[_Cell]:
        key = (pos, ci)
        if key not in memo:
            memo[key] = [c for c in _cells_at(text, pos, limit, cols[ci]) if _plausible(c, cols[ci])]
        return memo[key]

    def rec(pos: int, ci: int, acc: tuple[_Cell, ...]) -> None:
        if len(out) >= cap or limit - pos > room[ci] + slack:
            return
        if ci == len(cols):
            left = text[pos:limit]
            if pos == limit or (last and _leftover_ok(text, left, pos)):
                out.append(_Split(acc, pos, -1, left if pos != limit else ""))
            return
        for cell in cells(pos, ci):
            rec(cell.end, ci + 1, acc + (cell,))

    rec(start, 0, ())
    return out


# ------------------------------------------------------------------------------------------ identities
def _tol(cell: _Cell, k: int = 0) -> float:
    return 0.5 * 10 ** (-cell.nums[k].dp)


def _find(cols: list[_Col], *words: str, exclude: tuple[str, ...] = ()) -> list[int]:
    return [i for i, c in enumerate(cols) if any(w in c.header for w in words) and not any(w in c.header for w in exclude)]


@dataclass
class _Identities:
    util: tuple[int, int, int] | None = None           # (utilisation, output, capacity)
    revenue: tuple[int, int, int] | None = None        # (revenue, volume, price)
    diff: tuple[int, int, int] | None = None           # (difference, a, b)
    growth: tuple[int, int] | None = None              # (growth, level) across year rows
    sums: list[int] = field(default_factory=list)      # slash share columns summing to 100


def _identities(cols: list[_Col], year_rows: bool) -> _Identities:
    ids = _Identities()
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
    ids.sums = [i for i, col in enumerate(cols) if col.parts and any(w in col.header for w in ("占比", "比例", "比重", "份额"))]
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


def _row_identities(split: _Split, cols: list[_Col], ids: _Identities) -> tuple[list[str], list[str]]:
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
        c = cells[si]
        total = sum(c.value(k) for k in range(len(c.nums)))
        tol = sum(_tol(c, k) for k in range(len(c.nums))) + 1e-9
        (held if abs(total - 100) <= tol else failed).append(f"parts of {cols[si].header} sum to 100")
    return held, failed


def _growth_ok(prev: _Split, cur: _Split, ids: _Identities) -> bool | None:
    if not ids.growth:
        return None
    gi, li = ids.growth
    p, c, g = prev.cells[li], cur.cells[li], cur.cells[gi]
    if p.value() <= 0:
        return None
    want = 100 * (c.value() / p.value() - 1)
    tol = _tol(g) + 100 * (c.value() / p.value()) * (_tol(p) / p.value() + _tol(c) / max(c.value(), 1e-9)) + 1e-9
    return abs(want - g.value()) <= tol


# ------------------------------------------------------------------------------------------- resolving
@dataclass
class _RowOut:
    label: str
    start: int          # normalised offsets of the row (key included)
    end: int
    split: _Split | None
    readings: list[_Split]
    why: list[str]
    confidence: float


def _logs(s: _Split, columns: list[int]) -> list[float]:
    # a zero reads as a jump to almost nothing: it must not make a series look smooth
    return [math.log(abs(v)) if v else -10.0 for j in columns for v in s.cells[j].vals]


def _smoothest(outs: list[_RowOut]) -> None:
    """Year-keyed rows still open after formats and identities: a year series rarely jumps. Take a reading
    only when it is the one under which the columns it changes never more than double from year to year
    while every other reading forces a jump of 3× or more; otherwise leave the rows ambiguous (a reading
    that is merely smoother proves nothing: 11|1,000 and 1|11,000 are both smooth)."""
    open_rows = [i for i, o in enumerate(outs) if o.split is None]
    if not open_rows or any(not o.readings for o in outs):
        return
    choices = [o.readings if o.split is None else [o.split] for o in outs]
    if math.prod(len(c) for c in choices) > 1024:
        return
    calm, jump = math.log(2), math.log(3)
    for i in open_rows:
        differ = [j for j in range(len(choices[i][0].cells)) if len({r.cells[j] for r in choices[i]}) > 1]
        logs = [[_logs(s, differ) for s in c] for c in choices]
        best: dict[int, float] = {}
        for idx in itertools.product(*[range(len(c)) for c in choices]):
            worst = 0.0
            for x in range(1, len(idx)):
                for a, b in zip(logs[x - 1][idx[x - 1]], logs[x][idx[x]]):
                    worst = max(worst, abs(a - b))
            best[idx[i]] = min(best.get(idx[i], math.inf), worst)
        smooth = [x for x, v in best.items() if v <= calm]
        if len(smooth) == 1 and all(v >= jump for x, v in best.items() if x != smooth[0]):
            o = outs[i]
            s = choices[i][smooth[0]]
            others = min(v for x, v in best.items() if x != smooth[0])
            outs[i] = _RowOut(o.label, o.start, s.end, s, [s],
                              [f"{len(choices[i])} splits fit; only this one keeps the year series free of jumps "
                               f"(largest step ×{math.exp(best[smooth[0]]):.2f}; the others ×{math.exp(others):.1f} or more)"],
                              0.7)


def _resolve(rows: list[tuple[str, int, list[_Split]]], cols: list[_Col], ids: _Identities,
             year_rows: bool = False) -> tuple[tuple, list[_RowOut]]:
    """Choose one reading per row. rows: (label, row start, splits). Returns (score, per-row outcome)."""
    n = len(cols)
    results: list[tuple[tuple, list[list[_Split]], list]] = []
    # column formats: the fewest columns left free of a fixed number of decimals that every row can meet
    row_dps = [{tuple(c.dp for c in sp.cells) for sp in splits} for _, _, splits in rows]
    feasible: set[tuple] = set()
    for nfree in range(n + 1):
        for free in itertools.combinations(range(n), nfree):
            common = None
            for dps in row_dps:
                proj = {tuple(None if j in free else d for j, d in enumerate(t)) for t in dps}
                common = proj if common is None else common & proj
                if not common:
                    break
            if common:
                feasible |= common
        if feasible:
            break
    for D in sorted(feasible, key=str):
        kept = [[s for s in splits if all(d is None or s.cells[j].dp == d for j, d in enumerate(D))]
                for _, _, splits in rows]
        results.append((D, kept, []))
    if not results:
        return (99,), [_RowOut(lbl, st, st, None, sp, [], 0.0) for lbl, st, sp in rows]
    cache: dict[int, tuple[list[str], list[str]]] = {}

    def ident(sp: _Split) -> tuple[list[str], list[str]]:
        if id(sp) not in cache:
            cache[id(sp)] = _row_identities(sp, cols, ids)
        return cache[id(sp)]

    scored = []
    for D, kept, _ in results:
        free = sum(d is None for d in D)
        fails = 0
        why_rows: list[list[str]] = []
        new_kept = []
        for ks in kept:
            evals = [(s, *ident(s)) for s in ks]
            good = [e for e in evals if not e[2]]
            if good and len(good) < len(evals):
                evals = good
            if not good:
                fails += 1
            new_kept.append([e[0] for e in evals])
            why_rows.append(sorted({h for e in evals for h in e[1]}))
        # growth across consecutive rows
        for i in range(1, len(new_kept)):
            if ids.growth and len(new_kept[i - 1]) == 1:
                oks = [s for s in new_kept[i] if _growth_ok(new_kept[i - 1][0], s, ids)]
                if oks:
                    if len(oks) < len(new_kept[i]):
                        new_kept[i] = oks
                    why_rows[i].append("identity growth vs previous row holds")
                else:
                    fails += 1
        # a printed 0 / 0.0 is rarely a cell: drop readings that need one when another reading does not
        for i, ks in enumerate(new_kept):
            nz = [sp for sp in ks if all(v for c in sp.cells for v in c.vals)]
            if nz and len(nz) < len(ks):
                new_kept[i] = nz
        # magnitudes (year series only: products or regions may differ by any factor): a cell far (×5)
        # from its column's certain values is implausible; signed change columns have no stable size
        if year_rows:
            refs: dict[int, float] = {}
            for j in range(n):
                certain = [abs(ks[0].cells[j].value()) for ks in new_kept
                           if len({s.cells[j] for s in ks}) == 1 and ks[0].cells[j].value()]
                signed = any(c.cells[j].prefix for ks in new_kept for c in ks)
                if certain and not signed:
                    refs[j] = sorted(certain)[len(certain) // 2]

            def far(sp: _Split) -> int:
                return sum(1 for j, ref in refs.items()
                           if not ref / 5 <= abs(sp.cells[j].value()) <= ref * 5)

            for i, ks in enumerate(new_kept):
                if len(ks) > 1 and refs:
                    low = min(far(sp) for sp in ks)
                    new_kept[i] = [sp for sp in ks if far(sp) == low]
        units: dict[str, set] = {}
        for j, d in enumerate(D):
            if d is not None and cols[j].unit and not cols[j].parts:
                units.setdefault(cols[j].unit, set()).add(d)
        mixed = sum(len(v) - 1 for v in units.values())
        scored.append(((free, fails, mixed), D, new_kept, why_rows))
    best = min(s[0] for s in scored)
    winners = [s for s in scored if s[0] == best]
    fewest_free = [s for s in scored if s[0][0] == best[0]]
    by_identity = [s for s in fewest_free if s[0][1] == best[1]]
    notes = []
    if len(by_identity) < len(fewest_free):
        notes.append("identities rule out the other column formats")
    if len(winners) < len(by_identity):
        notes.append("columns sharing a unit keep one precision")
    out: list[_RowOut] = []
    for i, (label, start, splits) in enumerate(rows):
        readings = {s.cells: s for w in winners for s in w[2][i]}
        why = sorted({h for w in winners for h in w[3][i]})
        alt = list(readings.values())
        if len(alt) == 1 and len(splits) < _CAP:
            s = alt[0]
            reasons = []
            if len(splits) == 1:
                reasons.append("split unique")
                conf = 0.95
            else:
                reasons.append("split unique under column decimals" + (" and identities" if why else ""))
                reasons += notes
                conf = 0.9 - 0.05 * len(notes)
            if best[2]:
                reasons.append("columns of one unit print different precisions")
                conf -= 0.05
            if best[1]:
                conf -= 0.2
                reasons.append("an identity fails in this table")
            if s.leftover:
                reasons.append(f"'{s.leftover}' after the last cell read as the next section number")
            reasons += [w + " holds" if "holds" not in w else w for w in why]
            out.append(_RowOut(label, start, s.end, s, alt, reasons, round(conf, 2)))
        else:
            out.append(_RowOut(label, start, max(s.end for s in alt) if alt else start, None, alt,
                               [f"{len(alt)} splits remain"], 0.0))
    if year_rows:
        _smoothest(out)
    return best, out


# --------------------------------------------------------------------------------------- table readers
def _status_of(label: str) -> str | None:
    """Status cue of a row key: 2024(预估), 2026E, 2027(预测)."""
    m = re.search(r"\(([^()]*)\)", label)
    cue = m.group(1).strip() if m else (label[4:] if _YEAR.match(label) else "")
    for w, st in _STATUS:
        if cue and (w in cue if len(w) > 1 else w == cue):
            return st
    return None


def _year_key(text: str, i: int, limit: int) -> tuple[int, str] | None:
    """A year row key at text[i]: (end, label) — 2025 or 2025(预估)."""
    if not _YEAR.match(text, i) or i + 4 > limit:
        return None
    e = i + 4
    if e < limit and text[e] == "(":
        pe = _paren_end(text, e, limit)
        if pe > 0 and not re.search(r"\d", text[e:pe]) and pe - e <= 8:
            e = pe
    elif e + 1 < limit and text[e] in "EF" and text[e + 1].isdigit():
        e += 1  # 2026E
    return e, text[i:e]


def _read_year_rows(text: str, pos: int, limit: int, cols: list[_Col]
                    ) -> list[list[tuple[str, int, list[_Split]]]]:
    """All row-boundary sequences of a year-keyed table; each row: (label, start, splits). Years run
    consecutively; only when no consecutive reading exists may a year skip ahead (2020, 2025, 2030)."""
    if not _year_key(text, pos, limit):
        return []
    year0 = int(text[pos:pos + 4])
    seqs: list[list[tuple[str, int, list[_Split]]]] = []

    def next_keys(year: int, b: int, run_end: int, skip: bool) -> list[int]:
        out = []
        for q in range(b + 1, min(run_end, limit - 3) + 1):
            if _YEAR.match(text, q):
                y = int(text[q:q + 4])
                if y == year + 1 or (skip and year + 1 < y <= year + 10):
                    out.append(q)
        return out

    def rec(p: int, year: int, acc: list, skip: bool) -> None:
        if len(seqs) >= 20:
            return
        k = _year_key(text, p, limit)
        if not k or int(text[p:p + 4]) != year:
            return
        b, label = k
        run_end = _cell_run_end(text, b, limit)
        if run_end == b:
            return
        for q in next_keys(year, b, run_end, skip):
            sp = [_Split(s.cells, s.end, q) for s in _splits(text, b, q, cols, last=False)]
            if sp:
                rec(q, int(text[q:q + 4]), acc + [(label, p, sp)], skip)
        if len(acc) >= 1:
            sp = _splits(text, b, run_end, cols, last=True)
            if sp:
                seqs.append(acc + [(label, p, sp)])
                ends.append(run_end)

    ends: list[int] = []
    rec(pos, year0, [], False)
    if not seqs:
        rec(pos, year0, [], True)
    # a table goes on while rows parse: a reading that stops early leaves rows unread
    return [sq for sq, e in zip(seqs, ends) if e == max(ends)] if seqs else []


def _read_label_rows(text: str, pos: int, limit: int, cols: list[_Col], first_label: str
                     ) -> list[tuple[str, int, list[_Split]]]:
    rows: list[tuple[str, int, list[_Split]]] = []
    label, lstart = first_label, pos - len(first_label)
    p = pos
    while True:
        run_end = _cell_run_end(text, p, limit)
        if run_end == p:
            break
        # the next label, if the table goes on
        q = _label_zone_end(text, run_end, limit)
        nlabel = text[run_end:q]
        goes_on = (0 < len(nlabel) <= 40 and not _bad_label(nlabel) and q < limit
                   and re.search(r"[\u4e00-\u9fffA-Za-z]", nlabel) is not None
                   and _cell_run_end(text, q, limit) > q)
        full = _splits(text, p, run_end, cols, last=False) if goes_on else []
        if goes_on and full:
            # the next label must itself hold a row
            nrun = _cell_run_end(text, q, limit)
            if _splits(text, q, nrun, cols, last=False) or _splits(text, q, nrun, cols, last=True):
                rows.append((label, lstart, full))
                label, lstart, p = nlabel, run_end, q
                continue
        sp = _splits(text, p, run_end, cols, last=True)
        if sp:
            rows.append((label, lstart, sp))
        break
    return rows


def _context_year(text: str, start: int) -> str:
    best = ""
    for m in _YEAR_IN.finditer(text, max(0, start - 3000), start):
        best = m.group(1)
    return best


def _period(col: _Col, row_label: str, year_row: bool, siblings: list[_Col], text: str, start: int
            ) -> tuple[str, str]:
    m = _YEAR_IN.search(col.header)
    if m and m.group(2) and m.group(2).startswith("Q"):
        return m.group(1) + m.group(2), "period from the column header"
    if year_row:
        return row_label[:4], "period from the row key"
    if m:
        return m.group(1), "period from the column header"
    for s in siblings:
        ms = _YEAR_IN.search(s.header)
        if ms:
            return ms.group(1), "period from a sibling column header (this one names none)"
    y = _context_year(text, start)
    return (y, "period from the nearest year before the table (the table names none)") if y else ("", "no period")


def _indicator(lexicon: Lexicon, header: str, cols: list[_Col], row_label: str = "") -> tuple[str, str]:
    """(indicator, why) for a column. The header's longest indicator term, turned into its growth, CAGR or
    change when the header says so after the term (平均出厂价同比变动 → price_change); a bare growth header
    (年增长率) is the growth of the nearest column to its left that has one (tables print a level, then its
    growth); a header naming no indicator (国产设备性能指标) leaves it to the row label (晶圆级键合强度)."""
    hits = lexicon.indicator_hits(header)
    if hits:
        best = max(hits, key=lambda h: len(h.term))
        term = best.values[0]
        for form in ("cagr", "growth", "change"):
            code = term.form(form)
            if code and code != term.code and any(f.start >= best.end for f in lexicon.form_hits(form, header)):
                return code, f"indicator: {form} of {best.term} in the column header"
        return term.code, f"indicator from the column header ({best.term})"
    if lexicon.form_hits("growth", header):
        idx = next((i for i, c in enumerate(cols) if c.header == header), -1)
        for c in reversed(cols[:max(idx, 0)]):
            for h in lexicon.indicator_hits(c.header):
                f = h.values[0].form("growth")
                if f:
                    return f, f"indicator: growth of the column to its left ({h.term})"
    rhits = lexicon.indicator_hits(row_label) if row_label else []
    if rhits:
        best = max(rhits, key=lambda h: len(h.term))
        return best.values[0].code, f"indicator from the row label ({best.term}); the column names none"
    return "", "no indicator term in the column header"


def _emit(doc: Document, lexicon: Lexicon, table: Table, cols: list[_Col], key_dim: str, year_rows: bool,
          outs: list[_RowOut], res: TableResult) -> None:
    text = doc.text
    for ri, ro in enumerate(outs):
        qs, qe = doc.span(ro.start, ro.end)
        if ro.split is None:
            table.rows.append((ro.label, []))
            res.ambiguities.append(Ambiguity(
                table=table.name, row=ro.label, start=qs, end=qe, text=doc.original[qs:qe],
                readings=[[c.printed for c in s.cells] for s in ro.readings],
                reason=("no split of the row fits the header" if not ro.readings else
                        f"{len(ro.readings)} splits fit the columns, formats and identities")))
            continue
        table.rows.append((ro.label, [c.printed for c in ro.split.cells]))
        status = _status_of(ro.label)
        for ci, (col, cell) in enumerate(zip(cols, ro.split.cells)):
            period, pwhy = _period(col, ro.label, year_rows, cols, text, table.start)
            for k, num in enumerate(cell.nums):
                colname = col.header if not col.parts else f"{_base(col.header)} / {col.parts[k]}"
                unit = col.unit or cell.unit or ("%" if col.parts and any(w in col.header for w in ("占比", "比例", "比重", "份额")) else "")
                qualifier = "exact"
                if cell.prefix[:1] in ("<", "≤"):
                    qualifier = "at_most"
                elif cell.prefix[:1] in (">", "≥"):
                    qualifier = "at_least"
                dims = {key_dim: ro.label} if key_dim and key_dim != "period" else {}
                s, e = doc.span(num.start, num.end)
                ind, iwhy = _indicator(lexicon, colname, cols, ro.label if key_dim != "period" else "")
                why = list(ro.why) + [pwhy, iwhy]
                conf = ro.confidence - (0.1 if pwhy.startswith("period from the nearest") else 0.0)
                cand = Candidate(
                    printed=cell.value(k), unit_as_printed=unit,
                    value_as_printed=cell.printed if len(cell.nums) == 1 else num.text,
                    start=s, end=e, quote=doc.original[qs:qe], quote_start=qs, quote_end=qe,
                    sentence=text[ro.start:ro.end], qualifier=qualifier, period=period,
                    indicator=ind, dimensions=dims,
                    confidence=round(max(conf, 0.05), 2), why=why, kind="table",
                    cell=TableCell(table.name, ro.label, colname, ri, ci))
                if status:
                    cand.status = status
                res.cells.append(cand)


_CAPTION = re.compile(r"表\s*\d+(?:[-.]\d+)?[^。!?;\n]{0,60}$")


def _key_hits(text: str, lexicon: Lexicon) -> list[tuple[int, int, str, str, str, int]]:
    """Row-key headers that open a sentence (or follow a caption `表3 …`): (start, end, key, dimension,
    caption, caption start)."""
    terms = sorted(lexicon.row_keys, key=len, reverse=True)
    terms = [t for t in terms if len(t) >= 2]
    if not terms:
        return []
    rx = re.compile("|".join(map(re.escape, terms)))
    out = []
    for m in rx.finditer(text):
        if m.start() == 0 or text[m.start() - 1] in _BOUNDARY:
            out.append((m.start(), m.end(), m.group(0), lexicon.row_keys[m.group(0)], "", m.start()))
            continue
        c = _CAPTION.search(text, max(0, m.start() - 70), m.start())
        if c:
            out.append((m.start(), m.end(), m.group(0), lexicon.row_keys[m.group(0)],
                        c.group(0).strip(" ::"), c.start()))
    return out


def _flattened(doc: Document, lexicon: Lexicon, res: TableResult) -> None:
    text = doc.text
    limit_all = len(text)
    taken_until = -1
    for ks, ke, key, dim, caption, cs in _key_hits(text, lexicon):
        if ks < taken_until:
            continue
        line_end = text.find("\n", ke)
        limit = limit_all if line_end < 0 else line_end
        zend = _label_zone_end(text, ke, limit)
        chunks, tail = _chunks(text[ke:zend])
        if not chunks:
            continue
        if dim == "period":
            if tail or not _YEAR.match(text, zend):
                continue
            headers = chunks
            first_label = ""
        else:
            n = 0
            while n < len(chunks) and _unit_or_year(re.search(r"\(([^()]*)\)$", chunks[n]).group(1)):
                n += 1
            if n == 0:
                continue
            headers = chunks[:n]
            first_label = "".join(chunks[n:]) + tail
            if not first_label or _bad_label(first_label) or len(first_label) > 40:
                continue
        if any(_bad_label(h) for h in headers):
            continue
        cols = [_make_col(h) for h in headers]
        ids = _identities(cols, dim == "period")
        if dim == "period":
            seqs = _read_year_rows(text, zend, limit, cols)
            if not seqs:
                continue
            scored = [(_resolve(seq, cols, ids, True), seq) for seq in seqs]
            best = min(s[0][0] for s in scored)
            win = [s for s in scored if s[0][0] == best]
            outs = win[0][0][1]
            if len(seqs) >= 20:  # the enumeration was cut short: nothing in this table is certain
                outs = [_RowOut(o.label, o.start, o.end, None, [o.split] if o.split else o.readings,
                                ["too many row-boundary readings"], 0.0) for o in outs]
            elif len(win) > 1:  # row boundaries themselves ambiguous: keep only rows all readings agree on
                for w in win[1:]:
                    other = w[0][1]
                    if len(other) != len(outs):
                        outs = [_RowOut(o.label, o.start, o.end, None, o.readings, ["row boundaries ambiguous"], 0.0)
                                for o in outs]
                        break
                    outs = [o if (p.split and o.split and p.split.cells == o.split.cells) else
                            _RowOut(o.label, o.start, o.end, None, [x for x in (o.split, p.split) if x] or o.readings,
                                    ["row boundaries ambiguous"], 0.0) for o, p in zip(outs, other)]
        else:
            rows = _read_label_rows(text, zend, limit, cols, first_label)
            if len(rows) < 2:
                continue
            _, outs = _resolve(rows, cols, ids)
        end = max(o.end for o in outs)
        name = caption or " / ".join([key] + headers)
        table = Table(name=name, start=cs, end=end, key=key, columns=headers)
        _emit(doc, lexicon, table, cols, dim, dim == "period", outs, res)
        res.tables.append(table)
        res.spans.append((cs, end))
        taken_until = end


# ------------------------------------------------------------------------------------- layout tables
_RANK_HEADERS = ("序号", "排名", "名次")


def _layout(doc: Document, lexicon: Lexicon, res: TableResult) -> None:
    """Whitespace-separated tables: a header line with a rank column, then lines `1 name …`, `2 …`."""
    text = doc.text
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    i = 0
    while i < len(lines):
        hs, hline = lines[i]
        tokens = hline.split()
        if len(tokens) < 3 or tokens[0] not in _RANK_HEADERS:
            i += 1
            continue
        rows = []
        j = i + 1
        expect = 1
        while j < len(lines):
            ls, line = lines[j]
            toks = line.split()
            if not toks:
                j += 1
                continue
            if toks[0] != str(expect) or len(toks) > len(tokens):
                break
            rows.append((ls, line, toks))
            expect += 1
            j += 1
        if len(rows) < 2:
            i += 1
            continue
        key_dim = ""
        key_col = -1
        for c, t in enumerate(tokens[1:], start=1):
            if t in lexicon.row_keys:
                key_dim, key_col = lexicon.row_keys[t], c
                break
        caption = ""
        if i > 0:
            ps, prev = lines[i - 1]
            p = prev.strip()
            if p and len(p) <= 24 and not _LABEL_BAD.search(p) and not p.startswith("数据来源"):
                caption = p
        name = caption or " / ".join(tokens)
        end = rows[-1][0] + len(rows[-1][1])
        table = Table(name=name, start=hs, end=end, key=tokens[0], columns=tokens[1:])
        year = _context_year(text, hs)
        for ri, (ls, line, toks) in enumerate(rows):
            label = f"第{toks[0]}行"
            table.rows.append((label, toks))
            qs, qe = doc.span(ls, ls + len(line))
            dims = {key_dim: toks[key_col]} if key_dim and key_col < len(toks) and key_dim != "period" else {}
            pos = ls
            for ci, tok in enumerate(toks):
                tpos = text.index(tok, pos)
                pos = tpos + len(tok)
                if not re.fullmatch(r"[+\-]?\d+(?:\.\d+)?%?", tok):
                    continue
                num = tok.rstrip("%")
                s, e = doc.span(tpos, tpos + len(num))
                res.cells.append(Candidate(
                    printed=parse_number(num), unit_as_printed="%" if tok.endswith("%") else "",
                    value_as_printed=tok, start=s, end=e, quote=doc.original[qs:qe], quote_start=qs, quote_end=qe,
                    sentence=line.strip(), period=year, indicator=_indicator(lexicon, tokens[ci], [])[0],
                    dimensions=dict(dims), confidence=0.75 if year else 0.7, kind="table",
                    why=["whitespace layout table: cells are the line's tokens",
                         "period from the nearest year before the table (the table names none)" if year else "no period"],
                    cell=TableCell(name, label, tokens[ci], ri, ci)))
        res.tables.append(table)
        res.spans.append((hs, end))
        i = j


def find_tables(doc: Document, lexicon: Lexicon) -> TableResult:
    """Rebuild the flattened and whitespace-layout tables of a report; one Candidate per resolved cell,
    one Ambiguity per row whose split stays open."""
    res = TableResult()
    _flattened(doc, lexicon, res)
    _layout(doc, lexicon, res)
    res.tables.sort(key=lambda t: t.start)
    res.spans.sort()
    return res
