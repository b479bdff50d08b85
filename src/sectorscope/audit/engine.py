"""`audit(store)`: every rule over the figures of one vintage, findings consolidated and ready to show."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import ibis
import pandas as pd

from ..model import OUR_FORECAST_KINDS, Catalog, RuleSet, load_catalog, load_rules, packaged_rules
from ..store import AsOf, Store
from . import checks
from .findings import Figure, Finding, consolidate, display_value, figures_from
from .intervals import with_intervals

__all__ = ["AuditResult", "audit", "rules_of"]

_SHOW = ["obs_id", "indicator", "subject", "region", "product", "application", "company", "country", "tier",
         "scenario", "period", "value", "value_high", "qualifier", "value_as_printed", "value_high_as_printed",
         "unit_as_printed", "status", "source_id", "quote", "location", "basis", "factor"]


# What the checks read: the dimensions only as `dkey`, the value only as its interval.
_CHECKED = ["obs_id", "indicator", "subject", "period", "unit", "source_id", "location", "basis", "lo", "hi", "dkey",
            "grp"]


def _applicable(rules: RuleSet, present: set[str]) -> RuleSet:
    """The rules whose indicators all occur in the data: the others cannot fail, so they are not run."""
    return replace(
        rules,
        changes=tuple(r for r in rules.changes if r.change in present and r.level in present),
        identities=tuple(r for r in rules.identities if r.result in present and set(r.operands) <= present),
        differences=tuple(r for r in rules.differences if r.result in present),
        part_whole=tuple(r for r in rules.part_whole if r.indicator in present),
    )


@dataclass
class AuditResult:
    vintage_id: int | None
    n_figures: int
    findings: list[Finding]
    rules: RuleSet
    house_views: pd.DataFrame = field(default_factory=pd.DataFrame)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for f in self.findings:
            out[f.rule] += 1
        return dict(sorted(out.items()))


def rules_of(store: Store, extra: list[RuleSet] | None = None, catalog: Catalog | None = None) -> RuleSet:
    """The packaged rules, the rule files loaded with the data, and any given here."""
    rules = packaged_rules()
    for rec in store.rule_files().execute().to_dict("records"):
        rules = rules.merged(load_rules(rec["text"], rec["name"], catalog))
    for r in extra or []:
        rules = rules.merged(r)
    return rules


def audit(store: Store, as_of: AsOf = None, *, rules: RuleSet | None = None, catalog: Catalog | None = None) -> AuditResult:
    """Run every rule over the figures as they stood at `as_of` (the latest vintage by default)."""
    catalog = catalog or load_catalog()
    rules = rules or rules_of(store, catalog=catalog)
    vid = store.resolve(as_of)
    # The as-of window sorts only the figure keys (carrying every column through it costs more than the rest of
    # the build); the current rows are then read from the table by id. Only what the checks read is
    # materialised; quotes and notes are fetched for the figures a finding shows.
    everything = store.observations(as_of)
    # sectorscope's own forecasts are not stated figures: they are checked against the reports' forecasts
    # (forecast_interval), not in the conflict, change or part-whole checks
    current = everything.filter(~everything.kind.isin(OUR_FORECAST_KINDS)).select("obs_id")
    rows = store.table("observations")
    cur = with_intervals(rows.semi_join(current, "obs_id"), rules.settings).select(_CHECKED).cache()
    forecast_rows = everything.filter(everything.status == "forecast").select("obs_id")
    misses = checks.check_forecast_intervals(
        with_intervals(rows.semi_join(forecast_rows, "obs_id"), rules.settings)
        .select(*_CHECKED, "kind", "lo80", "hi80", "lo95", "hi95", "method"))
    combos = None
    try:
        per_indicator = cur.group_by("indicator").aggregate(n=cur.count()).execute()
        rules = _applicable(rules, set(per_indicator["indicator"]))
        n = int(per_indicator["n"].sum())
        raw: list[Finding] = []
        wanted: set[int] = set()
        bounds = checks.check_bounds(cur, catalog)
        pairs = checks.check_conflicts(cur)
        members = pd.DataFrame()
        if len(pairs):
            members = checks.conflict_members(cur, pairs).select("key", "obs_id").execute()
        # every (change, level, level) combination, computed once for the check and for vouching
        combos = checks.change_combinations(cur, rules).cache() if rules.changes else None
        changes = checks.check_changes(cur, rules, combos)
        identities = checks.check_identities(cur, rules)
        diffs = checks.check_differences(cur, rules)
        parts = checks.check_part_whole(cur, rules)
        for frame, cols in ((misses, ["obs_id", "ours_id"]), (bounds, ["obs_id"]), (pairs, ["a", "b"]), (members, ["obs_id"]),
                            (changes, ["c_id", "l1_id", "l0_id"]), (diffs, ["d_id", "a_id", "b_id"])):
            for c in cols:
                if len(frame):
                    wanted |= {int(x) for x in frame[c]}
        for frame, c in ((changes, "l1_ids"), (changes, "l0_ids"), (identities, "candidate_ids"), (parts, "w_ids"),
                         (parts, "part_ids")):
            if len(frame):
                for xs in frame[c]:
                    wanted |= {int(x) for x in _flat(xs) if x == x and x is not None}
        if len(identities):
            wanted |= {int(x) for x in identities["r_id"]}
        if wanted:
            # the ids are of current rows already: read them from the table, not through the as-of window again
            ids = ibis.memtable(pd.DataFrame({"obs_id": sorted(wanted)}, dtype="int64"))  # a join: no literal list to compile
            shown = with_intervals(rows.semi_join(ids, "obs_id"), rules.settings)
            figs = figures_from(shown.select(_SHOW).execute())
        else:
            figs = {}

        # SQL returns rows in no particular order; sort so that findings and their merges are reproducible
        bounds, pairs, changes, identities, diffs, parts = (
            _sorted(bounds, ["obs_id"]), _sorted(pairs, ["key", "a", "b"]), _sorted(changes, ["c_id"]),
            _sorted(identities, ["rule", "r_id"]), _sorted(diffs, ["d_id"]), _sorted(parts, ["decl", "source_id", "period"]))
        raw += _bounds(bounds, figs, catalog, rules)
        raw += _conflicts(pairs, members, figs, rules)
        raw += _changes(changes, figs)
        raw += _identities(identities, figs)
        raw += _differences(diffs, figs, catalog, rules)
        raw += _part_whole(parts, figs, rules)
        raw += _forecast_misses(_sorted(misses, ["obs_id"]), figs)
        findings = sorted(consolidate(raw, lambda ids: checks.vouched(cur, rules, ids, combos)), key=Finding.sort_key)
    finally:
        if combos is not None:
            combos.release()
        cur.release()
    return AuditResult(vid, n, findings, rules, store.house_views(as_of).execute())


def _sorted(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return frame.sort_values(cols, kind="stable").reset_index(drop=True) if len(frame) else frame


def _flat(xs) -> list:
    out = []
    for x in list(xs) if xs is not None else []:
        if isinstance(x, (list, tuple)) or (hasattr(x, "__len__") and not isinstance(x, str)):
            out += _flat(x)
        else:
            out.append(x)
    return out


def _order(figs: dict[int, Figure], ids) -> list[Figure]:
    seen, out = set(), []
    for i in ids:
        i = int(i)
        if i in figs and i not in seen:
            seen.add(i)
            out.append(figs[i])
    return out


# ---- from check frames to findings ----------------------------------------------------------------
def _bounds(frame: pd.DataFrame, figs, catalog: Catalog, rules: RuleSet) -> list[Finding]:
    out = []
    for r in frame.to_dict("records"):
        f = figs[int(r["obs_id"])]
        b = catalog[f.indicator].bounds_text()
        out.append(Finding(
            "bounds", rules.bounds_severity, f.indicator, f.subject, [f.period], [f], f"界限 {b}", f"bounds {b}",
            f"{f.shown} 超出指标“{catalog[f.indicator].name_zh}”的界限 {b}。",
            f"{f.shown} lies outside the bounds {b} of {catalog[f.indicator].name_en}.",
            "核对原文的数值与单位。", "Check the value and unit against the source.", check="bounds"))
    return out


def _forecast_misses(frame: pd.DataFrame, figs) -> list[Finding]:
    out = []
    for r in frame.to_dict("records"):
        f, ours = figs[int(r["obs_id"])], figs[int(r["ours_id"])]
        shown = display_value(r["lo95"], r["hi95"], f.factor, f.unit_as_printed)
        shown80 = display_value(r["lo80"], r["hi80"], f.factor, f.unit_as_printed)
        out.append(Finding(
            "forecast_interval", "warning", f.indicator, f.subject, [f.period], [f, ours],
            f"sectorscope 95% 区间 {shown}", f"sectorscope 95 % interval {shown}",
            f"报告预测 {f.shown} 落在 sectorscope 按历史数据所作预测的 95% 区间 {shown} 之外(80% 区间 {shown80};"
            f"模型:{r['method']})。",
            f"The report's forecast {f.shown} lies outside sectorscope's 95 % interval {shown} from the history "
            f"(80 %: {shown80}; model: {r['method']}).",
            "核对报告预测所依据的假设与口径;若口径不同,在数据中注明 basis。",
            "Check the assumptions and scope behind the report's forecast; if the scope differs, record it as the basis.",
            check="forecast_interval"))
    return out


def _conflicts(pairs: pd.DataFrame, members: pd.DataFrame, figs, rules: RuleSet) -> list[Finding]:
    out: list[Finding] = []
    if not len(pairs):
        return out
    ids_of = members.groupby("key")["obs_id"].apply(list).to_dict()
    for key, grp in pairs.groupby("key", sort=True):
        ids = ids_of.get(key, [])
        group = sorted(_order(figs, ids), key=lambda f: (f.value, f.obs_id))
        bad = [(figs[int(a)], figs[int(b)]) for a, b in zip(grp["a"], grp["b"], strict=True)]
        bounded = all(x.shown[:1] in "≥≤" or y.shown[:1] in "≥≤" for x, y in bad)
        rule = "qualifier" if bounded else "conflict"
        f0 = group[0]
        pairs_zh = "; ".join(f"{x.shown}({x.location}) 与 {y.shown}({y.location})" for x, y in bad)
        pairs_en = "; ".join(f"{x.shown} ({x.location}) vs {y.shown} ({y.location})" for x, y in bad)
        out.append(Finding(
            rule, rules.conflict_severity, f0.indicator, f0.subject, [f0.period], group,
            f"{len(bad)}对区间不重叠: {pairs_zh}", f"{len(bad)} pair(s) of disjoint intervals: {pairs_en}",
            f"同一指标、维度和期间({f0.period}{' · ' + f0.dims if f0.dims else ''})有{len(group)}个数值, 其中{len(bad)}对在舍入和限定词允许的范围内也不一致。",
            f"One indicator, dimensions and period ({f0.period}{' · ' + f0.dims if f0.dims else ''}) has {len(group)} figures; "
            f"{len(bad)} pair(s) disagree beyond what rounding and qualifiers allow.",
            "核对各处原文; 用 `sectorscope audit choose` 记录本报告采用的数值及理由(其余数值保留, 报告显示区间)。",
            "Check each passage; record the figure the report uses with `sectorscope audit choose` and why "
            "(the others are kept and the report shows the spread).",
            check="conflict"))
    return out


def _changes(frame: pd.DataFrame, figs) -> list[Finding]:
    out = []
    for r in frame.to_dict("records"):
        c, l1, l0 = figs[int(r["c_id"])], figs[int(r["l1_id"])], figs[int(r["l0_id"])]
        cands = _order(figs, sorted({*_flat(r["l1_ids"]), *_flat(r["l0_ids"])}, key=lambda i: (figs[int(i)].period, int(i))))
        kind = r["r_kind"]
        unit = c.unit_as_printed
        comp = display_value(r["x_lo"], r["x_hi"], c.factor, unit)
        what_zh = {"growth": "增长率", "cagr": "年均复合增长率", "difference": "变动"}[kind]
        what_en = {"growth": "growth", "cagr": "CAGR", "difference": "change"}[kind]
        out.append(Finding(
            kind, r["r_severity"], c.indicator, c.subject, [c.period], [c, *[x for x in cands if x.obs_id != c.obs_id]],
            f"由 {l0.shown}({l0.period}) → {l1.shown}({l1.period}) 算得 {comp}",
            f"{l0.shown} ({l0.period}) → {l1.shown} ({l1.period}) gives {comp}",
            f"所述{what_zh} {c.shown}({c.period}) 与同一来源的水平值算得的 {comp} 不符"
            + (f"(已试过该来源全部{len(cands)}个候选水平值)" if len(cands) > 2 else "") + "。",
            f"The stated {what_en} {c.shown} ({c.period}) does not match {comp} computed from the same source's levels"
            + (f" (all {len(cands)} candidate levels of the source tried)" if len(cands) > 2 else "") + ".",
            "若口径不同(如可比口径), 在 basis 中注明; 否则更正增长率或水平值之一。",
            "If the bases differ (e.g. comparable basis 可比口径), say so in `basis`; otherwise correct the rate or a level.",
            check=r["r_rule"], computed_low=r["x_lo"], computed_high=r["x_hi"]))
    return out


def _identities(frame: pd.DataFrame, figs) -> list[Finding]:
    out = []
    for r in frame.to_dict("records"):
        res = figs[int(r["r_id"])]
        inputs = _order(figs, r["input_ids"])
        others = [x for x in _order(figs, r["candidate_ids"]) if x.obs_id not in {i.obs_id for i in inputs}]
        comp = display_value(r["x_lo"], r["x_hi"], res.factor, res.unit_as_printed)
        ins = " × ".join(f"{x.shown}" for x in inputs) if "*" in r["formula"] else ", ".join(x.shown for x in inputs)
        tol = f"(含±{r['tolerance'] * 100:.0f}%容差)" if r["tolerance"] else ""
        tol_en = f" (with ±{r['tolerance'] * 100:.0f}% tolerance)" if r["tolerance"] else ""
        out.append(Finding(
            "identity", r["severity"], res.indicator, res.subject, [res.period], [res, *inputs, *others],
            f"{r['formula']} = {comp}{tol}", f"{r['formula']} = {comp}{tol_en}",
            f"{res.shown}({res.period}) 与 {r['formula']}({ins}) = {comp} 不符{tol}。",
            f"{res.shown} ({res.period}) does not equal {r['formula']} ({ins}) = {comp}{tol_en}.",
            "核对各数值的单位与口径(例如数量是否为同一范围的销量); 更正不一致的一方。",
            "Check the units and scope of each figure (are the units the same population?); correct the one that is off.",
            check=r["rule"], computed_low=r["x_lo"], computed_high=r["x_hi"]))
    return out


def _differences(frame: pd.DataFrame, figs, catalog: Catalog, rules: RuleSet) -> list[Finding]:
    out = []
    sev = {d.result: d.severity for d in rules.differences}
    for r in frame.to_dict("records"):
        d, a, b = figs[int(r["d_id"])], figs[int(r["a_id"])], figs[int(r["b_id"])]
        op_kind = catalog[r["indicator"]].unit_kind
        want = "percentage_point" if op_kind == "percent" else op_kind
        have = catalog[d.indicator].unit_kind
        raw_diff = abs(a.value / a.factor - b.value / b.factor) if a.factor and b.factor else float("nan")
        shown_diff = f"|{a.shown} − {b.shown}| = {display_value(raw_diff, raw_diff)}{a.unit_as_printed}"
        if want != have:
            out.append(Finding(
                "unit", sev.get(d.indicator, "error"), d.indicator, d.subject, [d.period], [d, a, b],
                shown_diff, shown_diff,
                f"差值列“{catalog[d.indicator].name_zh}”单位为“{d.unit_as_printed}”, 但它是{catalog[r['indicator']].name_zh}之差, 应以{a.unit_as_printed}计: {shown_diff}。",
                f"The difference column {catalog[d.indicator].name_en} is labelled '{d.unit_as_printed}', but it is a difference of "
                f"{catalog[r['indicator']].name_en}, in {a.unit_as_printed}: {shown_diff}.",
                "把该行差值的单位改为运算数的单位(百分点只用于百分数之差)。",
                "Label the row's difference in its operands' unit (percentage points only for a difference of percentages).",
                check=f"unit:{d.indicator}"))
        elif r["bad"]:
            comp = display_value(r["x_lo"], r["x_hi"], d.factor, d.unit_as_printed)
            out.append(Finding(
                "difference_column", sev.get(d.indicator, "error"), d.indicator, d.subject, [d.period], [d, a, b],
                f"|{a.shown} − {b.shown}| = {comp}", f"|{a.shown} − {b.shown}| = {comp}",
                f"差值 {d.shown} 与同行两数之差 {comp} 不符。", f"The difference {d.shown} does not equal {comp}, the difference of its row.",
                "重新计算该行差值。", "Recompute the row's difference.", check=f"difference:{d.indicator}",
                computed_low=r["x_lo"], computed_high=r["x_hi"]))
    return out


def _part_whole(frame: pd.DataFrame, figs, rules: RuleSet) -> list[Finding]:
    out = []
    for r in frame.to_dict("records"):
        decl = rules.part_whole[int(r["decl"])]
        parts = _order(figs, sorted(_flat(r["part_ids"])))
        wholes = _order(figs, sorted(x for x in _flat(r["w_ids"]) if x == x and x is not None))
        ref = wholes[0] if wholes else parts[0]
        unit = ref.unit_as_printed
        comp = display_value(r["x_lo"], r["x_hi"], ref.factor, unit)
        whole = " / ".join(w.shown for w in wholes) if wholes else f"{decl.total:g}{unit}"
        label_zh, label_en = ("范围", "range") if decl.aggregate == "mean" else (
            ("最大部分", "largest part") if decl.overlapping else ("合计", "sum"))
        if decl.aggregate == "mean":
            zh = f"整体 {whole} 不在各部分的取值范围 {comp} 之内(整体是各部分的加权平均)。"
            en = f"The whole {whole} lies outside the range of its parts, {comp} (it is their weighted mean)."
        elif decl.overlapping:
            zh = f"部分大于整体: 最大的部分为 {comp}, 整体为 {whole}。"
            en = f"A part exceeds the whole: the largest part is {comp}, the whole {whole}."
        elif r["full"]:
            zh = f"各部分之和 {comp} 不等于整体 {whole}。"
            en = f"The parts add up to {comp}, not to the whole {whole}."
        else:
            zh = f"已列出的部分之和 {comp} 已超过整体 {whole}。"
            en = f"The parts listed already add up to {comp}, more than the whole {whole}."
        out.append(Finding(
            "part_whole", decl.severity, decl.indicator, decl.subject, [str(r["period"])], [*wholes, *parts],
            f"{label_zh} {comp}", f"{label_en} {comp}",
            f"{zh}(声明: {decl.name})", f"{en} (declared in {decl.file}: {decl.name})",
            "核对各部分与整体的口径和期间; 若某部分不属于该整体, 从声明中去掉它。",
            "Check the scope and period of the parts and the whole; if a part does not belong to it, remove it from the declaration.",
            check=f"part_whole:{decl.name}", computed_low=r["x_lo"], computed_high=r["x_hi"]))
    return out
