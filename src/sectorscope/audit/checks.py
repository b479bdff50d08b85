"""The rule kinds, each an Ibis expression over the current figures with their intervals.

Each check returns only what failed, as a small pandas frame with the ids of the figures involved, the
interval the check computed and, where a figure had several candidates (two passages stating one level),
the candidate that came closest. A check passes when *any* combination of candidates is consistent: a
conflict between the candidates themselves is the conflict rule's business, not this one's.
"""
from __future__ import annotations

import ast

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..model import MODEL_FORECAST, STATED, Catalog, IdentityRule, RuleSet
from .intervals import INF, SEP, dims_key_of

__all__ = [
    "change_combinations",
    "check_bounds",
    "check_changes",
    "check_conflicts",
    "check_differences",
    "check_forecast_intervals",
    "check_identities",
    "check_part_whole",
    "conflict_members",
    "vouched",
]

_EPS = 1e-9


def _disjoint(a_lo, a_hi, b_lo, b_hi) -> ir.BooleanValue:
    """Intervals that do not touch, with a relative epsilon so float noise is not a finding."""
    tol_a = (a_hi.abs() + b_lo.abs()) * _EPS
    tol_b = (b_hi.abs() + a_lo.abs()) * _EPS
    return ((a_hi + tol_a < b_lo) | (b_hi + tol_b < a_lo)).fill_null(False)


def _gap(a_lo, a_hi, b_lo, b_hi) -> ir.NumericValue:
    return ibis.greatest(a_lo - b_hi, b_lo - a_hi).fill_null(0.0)


def _clean(x: ir.NumericValue, default: float) -> ir.NumericValue:
    """NaN (∞ − ∞, 0 × ∞) → an unbounded end, so it can never make a finding."""
    return ibis.ifelse(x.isnull() | x.isnan(), default, x)


def _basis_ok(a: ir.StringValue, b: ir.StringValue) -> ir.BooleanValue:
    return a.isnull() | b.isnull() | (a == b)


# ---- bounds ---------------------------------------------------------------------------------------
def check_bounds(cur: ir.Table, catalog: Catalog) -> pd.DataFrame:
    rows = [{"code": i.code, "lower": i.lower if i.lower is not None else -INF,
             "upper": i.upper if i.upper is not None else INF} for i in catalog]
    b = ibis.memtable(pd.DataFrame(rows))
    j = cur.join(b, cur.indicator == b.code)
    bad = j.filter((j.lo > j.upper) | (j.hi < j.lower))
    return bad.select(obs_id=bad.obs_id, lower=bad.lower, upper=bad.upper).execute()


def check_forecast_intervals(figs: ir.Table) -> pd.DataFrame:
    """A report's forecast whose interval misses sectorscope's 95 % interval (a model forecast's) for the
    same series and year. `figs` carries the interval columns (with_intervals), kind and lo95/hi95."""
    mine = figs.filter((figs.kind == MODEL_FORECAST) & figs.lo95.notnull())
    theirs = figs.filter((figs.grp == "forecast") & (figs.kind == STATED))
    j = theirs.join(mine, [theirs.indicator == mine.indicator, theirs.subject == mine.subject,
                           theirs.dkey == mine.dkey, theirs.period == mine.period], rname="{name}_ours")
    bad = j.filter((j.hi < j.lo95_ours) | (j.lo > j.hi95_ours))
    return bad.select(obs_id=bad.obs_id, ours_id=bad.obs_id_ours, lo95=bad.lo95_ours, hi95=bad.hi95_ours,
                      lo80=bad.lo80_ours, hi80=bad.hi80_ours, method=bad.method_ours).execute()


# ---- conflicts ------------------------------------------------------------------------------------
_KEY = ["indicator", "subject", "dkey", "period", "unit", "grp"]


def _figure_key(t: ir.Table) -> ir.StringValue:
    return t.indicator + SEP + t.subject + SEP + t.dkey + SEP + t.period + SEP + t.unit + SEP + t.grp


def check_conflicts(cur: ir.Table) -> pd.DataFrame:
    """Pairs of figures with one key (indicator, dimensions, period, unit, status group) whose intervals do
    not overlap and whose bases do not say they measure different things."""
    # joined on the key's columns; the key as one string only for the pairs that conflict
    a = cur.select("obs_id", "lo", "hi", "basis", *_KEY)
    b = a.view()
    j = a.join(b, [*(a[c] == b[c] for c in _KEY), a.obs_id < b.obs_id])
    j = j.filter(_basis_ok(a.basis, b.basis) & _disjoint(a.lo, a.hi, b.lo, b.hi))
    j = j.select(*(a[c] for c in _KEY), a=a.obs_id, b=b.obs_id)
    return j.mutate(key=_figure_key(j)).execute()


def conflict_members(cur: ir.Table, pairs: pd.DataFrame) -> ir.Table:
    """Every figure under the keys of the conflicting `pairs`, consistent ones too: a finding shows them all."""
    wanted = ibis.memtable(pairs[_KEY].drop_duplicates().rename(columns=lambda c: "w_" + c))
    t = cur.join(wanted, [cur[c] == wanted["w_" + c] for c in _KEY]).select("obs_id", *_KEY)
    return t.mutate(key=_figure_key(t))


# ---- changes (growth, CAGR, differences over time) ------------------------------------------------
def check_changes(cur: ir.Table, rules: RuleSet, combos: ir.Table | None = None) -> pd.DataFrame:
    """`combos`: `change_combinations(cur, rules)`, when the caller keeps it for `vouched` too."""
    if not rules.changes:
        return pd.DataFrame()
    j = change_combinations(cur, rules) if combos is None else combos
    g = j.group_by(["c_id", "r_n"]).aggregate(
        all_bad=j.bad.all(), x_lo=j.x_lo.argmin(j.gap), x_hi=j.x_hi.argmin(j.gap),
        l1_id=j.l1_id.argmin(j.gap), l0_id=j.l0_id.argmin(j.gap),
    )
    out = g.filter(g.all_bad).drop("all_bad").execute()
    if not len(out):
        return out
    # Every candidate level of the failing figures only (lists built for every change figure cost more than
    # the check), read in a second, small query.
    failing = ibis.memtable(out[["c_id", "r_n"]].rename(columns={"c_id": "f_c", "r_n": "f_n"}))
    cand = j.join(failing, [j.c_id == failing.f_c, j.r_n == failing.f_n]).select("c_id", "r_n", "l1_id", "l0_id")
    cand = cand.execute().groupby(["c_id", "r_n"])
    idx = pd.MultiIndex.from_frame(out[["c_id", "r_n"]])
    out["l1_ids"] = list(cand["l1_id"].apply(list).reindex(idx))
    out["l0_ids"] = list(cand["l0_id"].apply(list).reindex(idx))
    rule = [rules.changes[int(n)] for n in out["r_n"]]
    out["r_rule"] = [f"{r.kind}:{r.change}" for r in rule]
    out["r_kind"] = [r.kind for r in rule]
    out["r_severity"] = [r.severity for r in rule]
    return out[["c_id", "r_rule", "r_kind", "r_severity", "x_lo", "x_hi", "l1_id", "l0_id", "l1_ids", "l0_ids"]]


def vouched(cur: ir.Table, rules: RuleSet, ids: list[int], combos: ir.Table | None = None) -> set[int]:
    """Which of `ids` take part in a change check that passes: a figure a consistent growth path vouches
    for is not the one to blame when other checks around it fail."""
    if not rules.changes or not ids:
        return set()
    j = change_combinations(cur, rules) if combos is None else combos
    wanted = ibis.memtable(pd.DataFrame({"w": sorted({int(i) for i in ids})}, dtype="int64"))
    j = j.filter(~j.bad & (j.c_id.isin(wanted.w) | j.l1_id.isin(wanted.w) | j.l0_id.isin(wanted.w)))
    hit = j.select("c_id", "l1_id", "l0_id").execute()
    return {int(x) for col in hit.columns for x in hit[col]} & {int(i) for i in ids}


def change_combinations(cur: ir.Table, rules: RuleSet) -> ir.Table:
    """Every (change figure, level at the end, level at the start) combination, with the computed change."""
    mapping = ibis.memtable(pd.DataFrame([{"r_n": n, "r_change": r.change, "r_level": r.level, "r_kind": r.kind}
                                          for n, r in enumerate(rules.changes)]))
    chg = cur.join(mapping, cur.indicator == mapping.r_change)
    exempt = ibis.literal(False)
    for word in rules.settings.exempt_bases:
        exempt = exempt | chg.basis.fill_null("").contains(word)
    chg = chg.filter(~exempt)
    span = chg.period.contains("/") & (chg.period.length() == 9)  # years 2025/2030; not months 2025-01/2025-05
    start = chg.period.substr(0, 4)
    before = (start.cast("int64") - 1).cast("string")
    p1 = ibis.ifelse(span, chg.period.substr(5, 4), chg.period)
    # the same period a year earlier: 2024, 2024Q1, 2024-03, and for 1–N月 2024-01/2024-05
    same_months = before + chg.period.substr(4, 4) + before + chg.period.substr(12)
    p0 = ibis.ifelse(span, start, ibis.ifelse(chg.period.length() == 15, same_months,
                                              before + chg.period.substr(4)))
    years = ibis.ifelse(span, chg.period.substr(5, 4).cast("int64") - start.cast("int64"), 1)
    chg = chg.mutate(p1=p1, p0=p0, years=years)
    chg = chg.filter((chg.r_kind != "cagr") | span)
    chg = chg.select(c_id=chg.obs_id, c_lo=chg.lo, c_hi=chg.hi, c_basis=chg.basis, c_src=chg.source_id,
                     c_subject=chg.subject, c_dkey=chg.dkey, r_n=chg.r_n, r_level=chg.r_level, r_kind=chg.r_kind,
                     p0=chg.p0, p1=chg.p1, years=chg.years)
    lv = cur.filter(cur.indicator.isin(sorted({r.level for r in rules.changes}))
                    & ~(cur.period.contains("/") & (cur.period.length() == 9)))
    l1 = lv.select(l1_id=lv.obs_id, l1_ind=lv.indicator, l1_src=lv.source_id, l1_subject=lv.subject,
                   l1_dkey=lv.dkey, l1_period=lv.period, l1_lo=lv.lo, l1_hi=lv.hi, l1_basis=lv.basis)
    l0 = lv.select(l0_id=lv.obs_id, l0_ind=lv.indicator, l0_src=lv.source_id, l0_subject=lv.subject,
                   l0_dkey=lv.dkey, l0_period=lv.period, l0_lo=lv.lo, l0_hi=lv.hi, l0_basis=lv.basis)
    j = chg.join(l1, [chg.r_level == l1.l1_ind, chg.c_src == l1.l1_src, chg.c_subject == l1.l1_subject,
                      chg.c_dkey == l1.l1_dkey, chg.p1 == l1.l1_period])
    j = j.join(l0, [j.r_level == l0.l0_ind, j.c_src == l0.l0_src, j.c_subject == l0.l0_subject,
                    j.c_dkey == l0.l0_dkey, j.p0 == l0.l0_period])
    j = j.filter(_basis_ok(j.c_basis, j.l1_basis) & _basis_ok(j.c_basis, j.l0_basis))
    ratio_ok = (j.l0_lo > 0) & (j.l1_lo >= 0)
    r_lo = j.l1_lo / j.l0_hi
    r_hi = j.l1_hi / j.l0_lo
    inv = 1.0 / j.years.cast("float64")
    lo = ibis.cases((j.r_kind == "difference", j.l1_lo - j.l0_hi),
                    (j.r_kind == "growth", ibis.ifelse(ratio_ok, (r_lo - 1) * 100, -INF)),
                    else_=ibis.ifelse(ratio_ok, (r_lo.pow(inv) - 1) * 100, -INF))
    hi = ibis.cases((j.r_kind == "difference", j.l1_hi - j.l0_lo),
                    (j.r_kind == "growth", ibis.ifelse(ratio_ok, (r_hi - 1) * 100, INF)),
                    else_=ibis.ifelse(ratio_ok, (r_hi.pow(inv) - 1) * 100, INF))
    j = j.mutate(x_lo=_clean(lo, -INF), x_hi=_clean(hi, INF))
    # only what the check and `vouched` read (the rule as its index in `rules.changes`)
    return j.select("c_id", "r_n", "l1_id", "l0_id", "x_lo", "x_hi", bad=_disjoint(j.c_lo, j.c_hi, j.x_lo, j.x_hi),
                    gap=_gap(j.c_lo, j.c_hi, j.x_lo, j.x_hi))


# ---- identities between indicators ----------------------------------------------------------------
def _interval(node: ast.AST, cols: dict[str, tuple[ir.NumericValue, ir.NumericValue]]):
    """The interval of an identity's formula (model/formula.py checked it holds only names, numbers, + − × ÷)."""
    if isinstance(node, ast.Expression):
        return _interval(node.body, cols)
    if isinstance(node, ast.Name):
        return cols[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        c = ibis.literal(float(node.value))
        return c, c
    assert isinstance(node, ast.BinOp), node
    a_lo, a_hi = _interval(node.left, cols)
    b_lo, b_hi = _interval(node.right, cols)
    if isinstance(node.op, ast.Add):
        return a_lo + b_lo, a_hi + b_hi
    if isinstance(node.op, ast.Sub):
        return a_lo - b_hi, a_hi - b_lo
    if isinstance(node.op, ast.Div):
        spans_zero = (b_lo <= 0) & (b_hi >= 0)
        inv_lo, inv_hi = 1.0 / b_hi, 1.0 / b_lo
        m_lo, m_hi = _mult(a_lo, a_hi, inv_lo, inv_hi)
        return ibis.ifelse(spans_zero, -INF, m_lo), ibis.ifelse(spans_zero, INF, m_hi)
    return _mult(a_lo, a_hi, b_lo, b_hi)


def _mult(a_lo, a_hi, b_lo, b_hi):
    products = [a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi]
    clean = [ibis.ifelse(p.isnan(), None, p) for p in products]  # 0 × ∞: no bound from that corner
    return _clean(ibis.least(*clean), -INF), _clean(ibis.greatest(*clean), INF)


def check_identities(cur: ir.Table, rules: RuleSet) -> pd.DataFrame:
    frames = []
    for rule in rules.identities:
        frames.append(_identity(cur, rule))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _identity(cur: ir.Table, rule: IdentityRule) -> pd.DataFrame:
    res = cur.filter(cur.indicator == rule.result)
    j = res.select(r_id=res.obs_id, r_lo=res.lo, r_hi=res.hi, src=res.source_id, subj=res.subject,
                   dk=res.dkey, per=res.period)
    cols: dict[str, tuple[ir.NumericValue, ir.NumericValue]] = {}
    ids = []
    for n, op in enumerate(rule.operands):
        o = cur.filter(cur.indicator == op)
        o = o.select(**{f"o{n}_id": o.obs_id, f"o{n}_lo": o.lo, f"o{n}_hi": o.hi, f"o{n}_src": o.source_id,
                        f"o{n}_subj": o.subject, f"o{n}_dk": o.dkey, f"o{n}_per": o.period})
        j = j.join(o, [j.src == o[f"o{n}_src"], j.subj == o[f"o{n}_subj"], j.dk == o[f"o{n}_dk"],
                       j.per == o[f"o{n}_per"]])
        ids.append(f"o{n}_id")
    for n, op in enumerate(rule.operands):
        cols[op] = (j[f"o{n}_lo"], j[f"o{n}_hi"])
    lo, hi = _interval(rule.formula.tree, cols)
    lo, hi = _clean(lo, -INF), _clean(hi, INF)
    if rule.tolerance:
        lo, hi = lo - lo.abs() * rule.tolerance, hi + hi.abs() * rule.tolerance
    j = j.mutate(x_lo=lo, x_hi=hi)
    j = j.mutate(bad=_disjoint(j.r_lo, j.r_hi, j.x_lo, j.x_hi), gap=_gap(j.r_lo, j.r_hi, j.x_lo, j.x_hi))
    aggs = {"all_bad": j.bad.all(), "x_lo": j.x_lo.argmin(j.gap), "x_hi": j.x_hi.argmin(j.gap)}
    for c in ids:
        aggs[c] = j[c].argmin(j.gap)
        aggs[c + "s"] = j[c].collect()
    g = j.group_by("r_id").aggregate(**aggs)
    out = g.filter(g.all_bad).drop("all_bad").execute()
    if not len(out):
        return out
    out["input_ids"] = [[int(r[c]) for c in ids] for _, r in out.iterrows()]
    out["candidate_ids"] = [sorted({int(x) for c in ids for x in r[c + "s"]}) for _, r in out.iterrows()]
    out = out[["r_id", "x_lo", "x_hi", "input_ids", "candidate_ids"]].copy()
    out["rule"] = rule.name
    out["result"] = rule.result
    out["formula"] = rule.formula.text
    out["tolerance"] = rule.tolerance
    out["severity"] = rule.severity
    return out


# ---- difference columns of a table ----------------------------------------------------------------
def check_differences(cur: ir.Table, rules: RuleSet) -> pd.DataFrame:
    """For each difference figure in a table row: the row's two figures of one other indicator, |a − b|."""
    if not rules.differences:
        return pd.DataFrame()
    results = [r.result for r in rules.differences]
    tab = cur.filter(cur.location.startswith("表") & (cur.location.split(" / ").length() >= 3))
    parts = tab.location.split(" / ")
    tab = tab.mutate(row=parts[0] + " / " + parts[1])
    res = tab.filter(tab.indicator.isin(results))
    ops = tab.filter(~tab.indicator.isin(results))
    pairs = ops.group_by(["source_id", "row", "indicator"]).aggregate(
        n=ops.count(), a_id=ops.obs_id.min(), b_id=ops.obs_id.max())
    pairs = pairs.filter(pairs.n == 2)
    a = ops.select(a_id=ops.obs_id, a_lo=ops.lo, a_hi=ops.hi)
    b = ops.select(b_id=ops.obs_id, b_lo=ops.lo, b_hi=ops.hi)
    pairs = pairs.join(a, "a_id").join(b, "b_id")
    r = res.select(d_id=res.obs_id, d_ind=res.indicator, d_lo=res.lo, d_hi=res.hi, d_src=res.source_id, d_row=res.row)
    j = r.join(pairs, [r.d_src == pairs.source_id, r.d_row == pairs.row])
    d_lo = _clean(j.a_lo - j.b_hi, -INF)
    d_hi = _clean(j.a_hi - j.b_lo, INF)
    x_lo = ibis.cases((d_lo >= 0, d_lo), (d_hi <= 0, -d_hi), else_=0.0)
    x_hi = ibis.ifelse(d_lo >= 0, d_hi, ibis.ifelse(d_hi <= 0, -d_lo, ibis.greatest(-d_lo, d_hi)))
    j = j.mutate(x_lo=x_lo, x_hi=x_hi)
    j = j.mutate(bad=_disjoint(j.d_lo, j.d_hi, j.x_lo, j.x_hi))
    return j.select("d_id", "d_ind", "indicator", "a_id", "b_id", "x_lo", "x_hi", "bad", row=j.d_row).execute()


# ---- parts of a whole -----------------------------------------------------------------------------
def check_part_whole(cur: ir.Table, rules: RuleSet) -> pd.DataFrame:
    if not rules.part_whole:
        return pd.DataFrame()
    rows = []
    for n, decl in enumerate(rules.part_whole):
        base = {"decl": n, "m_ind": decl.indicator, "m_subject": decl.subject, "m_source": decl.source or ""}
        if decl.whole is not None:
            rows.append({**base, "role": "whole", "part": -1, "m_dkey": dims_key_of(dict(decl.whole))})
        for i, p in enumerate(decl.parts):
            rows.append({**base, "role": "part", "part": i, "m_dkey": dims_key_of(dict(p))})
    m = ibis.memtable(pd.DataFrame(rows))
    j = cur.join(m, [cur.indicator == m.m_ind, cur.subject == m.m_subject, cur.dkey == m.m_dkey])
    j = j.filter((j.m_source == "") | (j.m_source == j.source_id))
    j = j.select("decl", "role", "part", "source_id", "period", "obs_id", "lo", "hi")
    parts = j.filter(j.role == "part")
    # A part stated in two passages of one source: the values it can take are the intersection.
    per_part = parts.group_by(["decl", "source_id", "period", "part"]).aggregate(lo=parts.lo.max(), hi=parts.hi.min())
    agg = per_part.group_by(["decl", "source_id", "period"]).aggregate(
        n_parts=per_part.count(), s_lo=per_part.lo.sum(), s_hi=per_part.hi.sum(), min_lo=per_part.lo.min(),
        max_hi=per_part.hi.max(), max_lo=per_part.lo.max(), empty=(per_part.lo > per_part.hi).any())
    agg = agg.filter(~agg.empty)
    spec = ibis.memtable(pd.DataFrame([{"s_decl": n, "n_decl": len(d.parts), "complete": d.complete,
                                        "overlapping": d.overlapping, "mean": d.aggregate == "mean",
                                        "has_total": d.total is not None,
                                        "total": float(d.total) if d.total is not None else 0.0}
                                       for n, d in enumerate(rules.part_whole)]))
    agg = agg.join(spec, agg.decl == spec.s_decl)
    # Each group against every whole stated for it and against the declared total, in one row per whole (a
    # left join, the total a column): the sums above are computed once, not once per kind of whole.
    w = j.filter(j.role == "whole").select(k_decl="decl", k_src="source_id", k_period="period", w_id="obs_id",
                                           w_lo="lo", w_hi="hi")
    u = agg.left_join(w, [agg.decl == w.k_decl, agg.source_id == w.k_src, agg.period == w.k_period])
    u = u.filter(u.w_id.notnull() | u.has_total)
    full = u.complete & (u.n_parts == u.n_decl)

    def bad(w_lo, w_hi):
        return ibis.cases(
            (u.mean, full & _disjoint(w_lo, w_hi, u.min_lo, u.max_hi)),
            (u.overlapping, (u.max_lo > w_hi + w_hi.abs() * _EPS).fill_null(False)),
            (full, _disjoint(w_lo, w_hi, u.s_lo, u.s_hi)),
            else_=(u.s_lo > w_hi + w_hi.abs() * _EPS).fill_null(False),
        )

    ok = (u.w_id.notnull() & ~bad(u.w_lo, u.w_hi)) | (u.has_total & ~bad(u.total, u.total))
    u = u.mutate(ok=ok, x_lo=ibis.cases((u.mean, u.min_lo), (u.overlapping, u.max_lo), else_=u.s_lo),
                 x_hi=ibis.cases((u.mean, u.max_hi), (u.overlapping, u.max_hi), else_=u.s_hi), full=full)
    # a group fails when no whole and no total agrees; what is computed (x_lo, x_hi, full) is the group's own
    g = u.group_by(["decl", "source_id", "period"]).aggregate(
        any_ok=u.ok.any(), x_lo=u.x_lo.max(), x_hi=u.x_hi.max(), full=u.full.any())
    out = g.filter(~g.any_ok).drop("any_ok").execute()
    if not len(out):
        return out
    # The figures of the failing groups only (lists built over every group cost more than the check): every
    # whole and every part of the group, read in a second, small query.
    failing = ibis.memtable(out[["decl", "source_id", "period"]].rename(
        columns={"decl": "f_decl", "source_id": "f_src", "period": "f_period"}))
    ids = j.join(failing, [j.decl == failing.f_decl, j.source_id.identical_to(failing.f_src),
                           j.period.identical_to(failing.f_period)])
    ids = ids.select("decl", "source_id", "period", "role", "obs_id").execute()
    key = ["decl", "source_id", "period"]
    whole_ids = ids[ids["role"] == "whole"].groupby(key)["obs_id"].apply(sorted)
    part_ids = ids[ids["role"] == "part"].groupby(key)["obs_id"].apply(sorted)
    idx = pd.MultiIndex.from_frame(out[key])
    out["w_ids"] = [list(x) if isinstance(x, list) else [] for x in whole_ids.reindex(idx)]
    out["part_ids"] = [list(x) if isinstance(x, list) else [] for x in part_ids.reindex(idx)]
    return out
