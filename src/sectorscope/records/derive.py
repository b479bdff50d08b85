"""Figures computed from the record set, stored as derived figures with their lineage — one vintage:

- imports, exports and the trade balance by market × product × year and quarter, their year-on-year growth,
  and unit prices (location `records:<dataset>:<flow>[:<quantity unit>]`);
- 1–N月 cumulative imports and exports (period `2025-01/2025-05`) and their growth against the same months of
  the year before, for every N from 2 to 11 that the record set has whole (N = 12 is the year, N = 1 a month);
- partner figures from the lines that name a partner, by market × product and for the market as a whole
  (`records:<dataset>:import:partners[:all-products]`): each partner's share of imports (`import_source_share`,
  dimension `country` = the partner's Chinese name) for partners with at least 1 % or among the ten largest,
  the rest together as country "其他", the three largest together (country "日本、德国、美国", largest first),
  and the HHI of the sources (`import_concentration_hhi`, 0–10000), by year and quarter;
- import dependence and localisation by market × product × year where the store states the domestic output
  value (`output_value`) of that market, product and year (`records:<dataset>:trade:output=<source>`) — none
  where it does not: an output is never estimated.

Why through `normalise_rows`: a computed figure is stored exactly as a stated one is (units parsed, dollars
converted to yuan at the store's year-stamped rate with the rate's source in the note, periods checked), so
the store has one way of turning a number and a unit into a figure. The figures are then marked derived and
say how: `formula` names the record set, the HS codes, the concordance version, the flow, the period and the
batches — enough to find the lines again (`figure_lines`, `sectorscope records lines`) and to cite them
("海关记录, HS 850110, 2025-01/2025-03, 批次 …"). A quarter, a year or 1–N月 is stored only when the record set
has every one of its months: a partial year is not a year.

Why every N of 1–N月 and not only the latest: customs publish 1–N月 every month and reports quote any of them
(the seed's "2025年1–3月"), so the audit and the report can set a stated 1–N月 figure beside the computed one
whichever N it is; and a figure, once derived, stays when the next month's lines arrive — keeping only the
latest N would withdraw last month's 1–N月 figure at every load although nothing in it changed.

Why the partner threshold (≥ 1 % or top ten, the rest as "其他"): a record set names a hundred or more partners;
a figure for each, every quarter, would bury the few that matter, while the "其他" figure keeps the shares
adding up to 100 %.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd
    from ibis.backends import BaseBackend

    from ..store import Store, VintageSummary
    from .concordance import Concordance

__all__ = [
    "ALL_PRODUCTS",
    "DERIVE_LABEL",
    "OTHERS",
    "OUTPUT",
    "PARTNERS",
    "DerivedFigures",
    "derive_trade_figures",
    "figure_lines",
    "partner_name",
    "source_id_of",
    "trade_figures",
]

# The label of a vintage of figures derived from records: computed, like the analysis, not a load of data,
# so "what changed since the last load" looks past it (monitor.SYSTEM_LABELS).
DERIVE_LABEL = "records-derive"

_FLOW_INDICATOR = {"import": "imports_value", "export": "exports_value", "balance": "trade_balance"}
_GROWTH_INDICATOR = {"import": "imports_value_growth", "export": "exports_value_growth"}
_FLOW_ZH = {"import": "进口", "export": "出口", "balance": "贸易差额", "trade": "进出口"}
_CURRENCY_UNIT = {"USD": "美元", "CNY": "元"}
# A growth of dollar amounts is not the growth of the stored yuan levels (each year is converted at its own
# rate), as customs states it: the basis says so, and the audit's growth check leaves such a rate alone
# (model/audit.yaml exempt_bases).
_BASIS = {"USD": "按美元计"}
_UNIT_VALUE_INDICATOR = {"import": "import_unit_value", "export": "export_unit_value"}
_DATASET_ZH = {"customs_cn": "海关进出口统计记录", "comtrade": "UN Comtrade 贸易记录"}

# location tokens after the flow (anything else there is a unit price's quantity unit)
PARTNERS = "partners"  # the figure counts only the lines that name a partner
ALL_PRODUCTS = "all-products"  # the figure is of the whole market (product ""), over every product of it
OUTPUT = "output="  # + the source of the stated output the figure was computed with
OTHERS = "其他"  # the partners not shown one by one, together
_KEEP_TOP, _KEEP_SHARE, _TOP = 10, 1.0, 3  # partners shown one by one: the ten largest and any with ≥ 1 %
_OUTPUT_INDICATOR = "output_value"
_COLUMNS = ["indicator", "subject", "product", "country", "period", "value", "unit", "basis", "status", "source",
            "region",
            "location", "formula", "input_ids"]


def source_id_of(dataset: str) -> str:
    """The source the figures computed from a record set cite."""
    return f"records-{dataset}"


@dataclass(frozen=True)
class DerivedFigures:
    """Text rows in the long observation layout (what `normalise_rows` reads) with their formulas and input
    figures (`input_ids`: the stated output a dependence figure used), the concordance version and batches
    they were computed from, and `notes`: figures that were computed but not kept, each with why."""

    rows: pd.DataFrame
    concordance_version: str
    batches: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Periods:
    """What the record set has whole: years, (year, quarter)s and (year, N) for 1–N月 with 2 ≤ N ≤ 11."""

    years: frozenset[int]
    quarters: frozenset[tuple[int, int]]
    spans: frozenset[tuple[int, int]]

    def whole(self, grain: str, year: int, part: int) -> bool:
        if grain == "year":
            return year in self.years
        if grain == "quarter":
            return (year, part) in self.quarters
        return (year, part) in self.spans


def _complete_periods(lines: ir.Table) -> _Periods:
    """The periods for which the record set has lines in every month."""
    months = lines.select("year", "month").distinct().to_pyarrow().to_pylist()
    by_year: dict[int, set[int]] = {}
    for r in months:
        by_year.setdefault(int(r["year"]), set()).add(int(r["month"]))
    return _Periods(
        frozenset(y for y, ms in by_year.items() if len(ms) == 12),
        frozenset((y, q) for y, ms in by_year.items() for q in range(1, 5) if {3 * q - 2, 3 * q - 1, 3 * q} <= ms),
        frozenset((y, n) for y, ms in by_year.items() for n in range(2, 12) if set(range(1, n + 1)) <= ms))


def _codes_of(conc: Concordance) -> dict[tuple[str, str], str]:
    """(market, product) → the HS codes (by edition) mapped to it, as printed in a formula; (market, "*") → every
    code of the market."""
    out: dict[tuple[str, str], list[str]] = {}
    for r in conc.rows:
        code = f"{r.code}({r.hs_edition[2:]})"
        out.setdefault((r.market, r.product or ""), []).append(code)
        out.setdefault((r.market, "*"), []).append(code)
    return {k: ", ".join(sorted(set(v))) for k, v in out.items()}


def _named_markets(conc: Concordance) -> frozenset[str]:
    """Markets every concordance row of which names a product: only for them is a whole-market figure not the
    same as the (empty-product) figure by product."""
    markets = {r.market for r in conc.rows}
    return frozenset(m for m in markets if all(r.product for r in conc.rows if r.market == m))


def partner_name(partner: str, dataset: str) -> str:
    """A partner key of the indicators (ISO 3166 alpha-3, else the customs or M49 code) as the Chinese name
    the catalog's `country` dimension holds: customs' display name (日本, 中国台湾, 亚洲其他国家(地区)), else
    pycountry's zh_CN name; a code nothing names is shown as such."""
    from .reference import country_name, customs_partners

    if partner.isalpha():
        return country_name(partner) or partner
    if dataset == "customs_cn" and partner in customs_partners():
        return customs_partners()[partner].name_zh
    return f"伙伴代码{partner}"


_Cell = tuple[str, str, str, int, int, bool]  # market, product ("*": any), flow, year, month, partner lines only


def _batch_cells(mapped: ir.Table) -> dict[_Cell, set[str]]:
    """The batches whose current lines make up each (market, product, flow, year, month): a figure cites the
    batches of its own lines, so a batch that corrects March changes the figures of March and no others."""
    t = mapped.filter(mapped.reporter == "CHN")  # the reporter the indicators count (their default)
    t = t.select("market", "product", "flow", "year", "month", "batch_id",
                 named=t.partner_iso3.notnull() | t.partner_code.notnull()).distinct()
    cells: dict[_Cell, set[str]] = {}
    for r in t.to_pyarrow().to_pylist():
        for product in (r["product"] or "", "*"):
            for partner_only in ((False, True) if r["named"] else (False,)):
                cells.setdefault((r["market"], product, r["flow"], r["year"], r["month"], partner_only),
                                 set()).add(r["batch_id"])
    return cells


@dataclass
class _Rows:
    """The rows being built, and what every formula cites."""

    dataset: str
    codes: dict[tuple[str, str], str]
    concordance_version: str
    batch_order: dict[str, int]
    cells: dict[_Cell, set[str]]
    rows: list[dict[str, Any]]
    notes: list[str]

    def location(self, flow: str, *tokens: str) -> str:
        return ":".join(("records", self.dataset, flow, *tokens))

    def batches(self, market: str, product: str, flow: str, period: str, location: str, *, prior: bool) -> str:
        """The batches of the figure's lines (and of the same months a year earlier, for a growth: `prior`)."""
        from ..model import parse_period

        p = parse_period(period)
        flows = ("import", "export") if flow in ("balance", "trade") else (flow,)
        partner_only = PARTNERS in location.split(":")
        found: set[str] = set()
        for year in (p.start.year, p.start.year - 1) if prior else (p.start.year,):
            for f in flows:
                for m in range(p.start.month, p.end.month + 1):
                    found |= self.cells.get((market, product, f, year, m, partner_only), set())
        return ", ".join(sorted(found, key=lambda b: (self.batch_order.get(b, len(self.batch_order)), b))) or "—"

    def add(self, indicator: str, market: str, product: str, period: str, value: Any, unit: str, location: str,
            what: str, flow: str, *, country: str = "", whole: bool = False, prior: bool = False,
            input_ids: list[int] | None = None, basis: str = "") -> None:
        scope = "*" if whole else product
        self.rows.append({
            "indicator": indicator, "subject": market, "product": product, "country": country, "period": period,
            "value": _text(value), "unit": unit, "basis": basis, "status": "actual", "source": source_id_of(self.dataset),
            "region": "中国", "location": location, "input_ids": input_ids,
            "formula": (f"{what} — {_DATASET_ZH.get(self.dataset, self.dataset)} {self.dataset}, {_FLOW_ZH[flow]}, "
                        f"{period}; HS {self.codes.get((market, scope), '?')}; 对照表 {self.concordance_version}; "
                        f"批次 {self.batches(market, scope, flow, period, location, prior=prior)}"),
        })


def _span_label(part: int) -> str:
    return f"1–{part}月累计"


def _flow_rows(out: _Rows, mapped: ir.Table, periods: _Periods) -> None:
    """Imports, exports and the balance by year and quarter, imports and exports by 1–N月, and their growth."""
    from .indicators import trade_flows, yoy

    for grain in ("year", "quarter", "cumulative"):
        flows = trade_flows(mapped, grain)
        if grain == "cumulative":
            flows = flows.filter(flows.flow != "balance")
        span = grain == "cumulative"
        for r in flows.to_pyarrow().to_pylist():
            if periods.whole(grain, r["year"], r["part"]) and r["unit"] in _CURRENCY_UNIT:
                what = "Σ 记录金额 × 对照份额" + (f"({_span_label(r['part'])})" if span else "")
                out.add(_FLOW_INDICATOR[r["flow"]], r["market"], r["product"] or "", r["period"], r["value"],
                        _CURRENCY_UNIT[r["unit"]], out.location(r["flow"]), what, r["flow"])
        growth = yoy(flows.filter(flows.flow != "balance"))
        for r in growth.to_pyarrow().to_pylist():
            if (periods.whole(grain, r["year"], r["part"]) and periods.whole(grain, r["year"] - 1, r["part"])
                    and r["yoy_pct"] is not None):
                what = "(本期 / 上年同期 − 1) × 100" + (f"({_span_label(r['part'])}, 对上年1–{r['part']}月)"
                                                       if span else "")
                out.add(_GROWTH_INDICATOR[r["flow"]], r["market"], r["product"] or "", r["period"],
                        _number(float(r["yoy_pct"])), "%", out.location(r["flow"]), what, r["flow"], prior=True,
                        basis=_BASIS.get(r["unit"], ""))


def _unit_price_rows(out: _Rows, mapped: ir.Table, periods: _Periods) -> None:
    """Unit values per quantity unit. A market's codes may count in different units (instruments in 台, chips
    in 个): the basis (按台计, 按个计) keeps the audit from reading two such values as one figure stated twice."""
    from .indicators import unit_values

    for r in unit_values(mapped, "year").to_pyarrow().to_pylist():
        if r["year"] in periods.years and r["unit_value"] is not None and r["currency"] in _CURRENCY_UNIT:
            out.add(_UNIT_VALUE_INDICATOR[r["flow"]], r["market"], r["product"] or "", r["period"],
                    _number(float(r["unit_value"])),
                    f"{_CURRENCY_UNIT[r['currency']]}/{r['quantity_unit']}", out.location(r["flow"], r["quantity_unit"]),
                    "Σ 金额 / Σ 第一数量", r["flow"], basis=f"按{r['quantity_unit']}计")


def _text(value: Any) -> str:
    """A value as its figure prints it: an exact sum without the engine's trailing zeros (5495644.893, not
    5495644.89300000), other values as given."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _number(x: float) -> str:
    """A double as the shortest text that reads back as it, without an exponent (the store's number reader
    takes 0.0000118, not 1.18e-05)."""
    return format(Decimal(repr(x)), "f")


def _share(part: Decimal, total: Decimal) -> float:
    """part / total in %, one division of the two exact sums as doubles (as the indicators divide)."""
    return float(part) / float(total) * 100


def _stated_groups(store: Store) -> dict[tuple[str, str, str], list[str]]:
    """(market, product, period) → the groups of partners the store's stated `import_source_share` figures
    name ("日本、德国、美国"): the record set's share of each such group is computed beside the stated one, as it
    need not be the three largest the record set has."""
    t = store.query(indicator="import_source_share", kind="stated")
    t = t.filter(t.country.contains("、"))
    out: dict[tuple[str, str, str], list[str]] = {}
    for r in t.select("subject", "product", "period", "country").distinct().to_pyarrow().to_pylist():
        groups = out.setdefault((r["subject"], r["product"] or "", r["period"]), [])
        if r["country"] not in groups:
            groups.append(r["country"])
    return {k: sorted(v) for k, v in out.items()}


def _partner_rows(out: _Rows, mapped: ir.Table, periods: _Periods, named: frozenset[str],
                  stated: dict[tuple[str, str, str], list[str]]) -> None:
    """Import shares by partner, the top three together, the rest as 其他, the groups stated figures name, and
    the HHI: by market × product, and by market over all its products where the market's products are named
    (`named`)."""
    from .indicators import trade_flows
    from .indicators_partners import partner_concentration

    for by_product in (True, False):
        tokens = (PARTNERS,) if by_product else (PARTNERS, ALL_PRODUCTS)
        loc = out.location("import", *tokens)
        keep: Callable[[dict[str, Any]], bool] = (lambda r: True) if by_product else (lambda r: r["market"] in named)
        for grain in ("year", "quarter"):
            conc = partner_concentration(mapped, grain, by_product=by_product, top=_TOP)
            concentration = {(r["market"], r.get("product") or "", r["unit"], r["period"]): r
                             for r in conc.to_pyarrow().to_pylist() if keep(r)}
            flows = trade_flows(mapped, grain, by=("partner",), by_product=by_product)
            flows = flows.filter((flows.flow == "import") & flows.partner.notnull())
            groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
            for r in flows.to_pyarrow().to_pylist():
                if keep(r) and periods.whole(grain, r["year"], r["part"]) and r["unit"] in _CURRENCY_UNIT:
                    groups.setdefault((r["market"], r.get("product") or "", r["unit"], r["period"]), []).append(r)
            for key, members in sorted(groups.items()):
                _partner_group(out, key, members, concentration.get(key), loc, whole=not by_product,
                               stated=stated.get((key[0], key[1], key[3]), []))


def _partner_group(out: _Rows, key: tuple[str, str, str, str], members: list[dict[str, Any]],
                   conc: dict[str, Any] | None, loc: str, *, whole: bool, stated: list[str]) -> None:
    market, product, _unit, period = key
    members = sorted(members, key=lambda r: (-r["value"], r["partner"]))  # as partner_concentration ranks them
    total = sum((r["value"] for r in members), Decimal(0))
    if total <= 0 or conc is None:
        return
    names = [partner_name(r["partner"], out.dataset) for r in members]
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    names = [f"{n}({r['partner']})" if seen[n] > 1 else n for n, r in zip(names, members, strict=True)]
    rest = Decimal(0)
    n_rest = 0
    for rank, (r, name) in enumerate(zip(members, names, strict=True)):
        share = _share(r["value"], total)
        if rank < _KEEP_TOP or share >= _KEEP_SHARE:
            out.add("import_source_share", market, product, period, _number(share), "%", loc,
                    f"Σ 自{name}进口 / Σ 记有来源国的进口 × 100({len(members)}个来源)", "import",
                    country=name, whole=whole)
        else:
            rest += r["value"]
            n_rest += 1
    if n_rest:
        out.add("import_source_share", market, product, period, _number(_share(rest, total)), "%", loc,
                f"其余{n_rest}个来源(各不足{_KEEP_SHARE:g}%且不在前{_KEEP_TOP})进口之和 / Σ 记有来源国的进口 × 100",
                "import", country=OTHERS, whole=whole)
    top = "、".join(names[:_TOP]) if len(members) > _TOP else ""  # with three or fewer, their share is 100 %
    if top:
        out.add("import_source_share", market, product, period, _number(float(conc["top_share"]) * 100), "%", loc,
                f"前{_TOP}大来源({top})进口之和 / Σ 记有来源国的进口 × 100({len(members)}个来源)", "import",
                country=top, whole=whole)
    value_of = dict(zip(names, (r["value"] for r in members), strict=True))
    for group in stated:
        if group != top:  # else the top-three figure is this group's
            _stated_group(out, key, group, value_of, total, loc, whole=whole)
    if conc["hhi"] is not None:
        # one partner: Σ c² / (Σ c)² is 1, but the exact Σ c² over (Σ c)² squared in doubles can be 1 + ε
        hhi = min(float(conc["hhi"]), 1.0)
        out.add("import_concentration_hhi", market, product, period, _number(hhi * 10000), "", loc,
                f"Σ(各来源进口占比%)², 占比按各来源进口额(至分)计({len(members)}个来源)", "import", whole=whole)


def _stated_group(out: _Rows, key: tuple[str, str, str, str], group: str, value_of: dict[str, Decimal],
                  total: Decimal, loc: str, *, whole: bool) -> None:
    market, product, _unit, period = key
    wanted = [n.strip() for n in group.split("、")]
    missing = [n for n in wanted if n not in value_of]
    if missing:
        out.notes.append(f"import_source_share {market}/{product or '—'} {period} of {group}: no imports from "
                         f"{'、'.join(missing)} in the record set; not computed")
        return
    part = sum((value_of[n] for n in wanted), Decimal(0))
    out.add("import_source_share", market, product, period, _number(_share(part, total)), "%", loc,
            f"{group}进口之和 / Σ 记有来源国的进口 × 100(陈述的来源组, {len(value_of)}个来源)", "import",
            country=group, whole=whole)


def _stated_output(store: Store, markets: Iterable[tuple[str, str]]) -> tuple[pd.DataFrame, list[str]]:
    """The store's stated domestic output values (national, point values, actual or estimate, annual) of the
    given (market, product)s: one per market, product, year and source — a source that states two different
    values for one of them gives none (the audit reports the conflict). Columns obs_id, market, product, year,
    value (yuan), source_id."""
    import pandas as pd

    from ..model import DEFAULT_REGION

    t = store.query(indicator=_OUTPUT_INDICATOR, kind="stated")
    t = t.filter(t.status.isin(["actual", "estimate"]) & t.qualifier.isin(["exact", "about"])
                 & t.value.notnull() & (t.period.length() == 4) & (t.region == DEFAULT_REGION)
                 & t.application.isnull() & t.company.isnull() & t.country.isnull() & t.tier.isnull()
                 & t.scenario.isnull())
    df = t.select("obs_id", "subject", "product", "period", "value", "source_id").execute()
    df["product"] = df["product"].fillna("")
    wanted = set(markets)
    df = df[pd.Series([(s, p) in wanted for s, p in zip(df["subject"], df["product"], strict=True)],
                      index=df.index, dtype=bool)]
    notes, keep = [], []
    for (subject, product, period, sid), g in df.groupby(["subject", "product", "period", "source_id"], sort=True):
        if g["value"].nunique() > 1:
            notes.append(f"output_value {subject}/{product or '—'} {period} from {sid}: {len(g)} different values "
                         f"(obs {', '.join(map(str, sorted(g['obs_id'])))}); no import dependence computed from them")
            continue
        keep.append(g.sort_values("obs_id").iloc[0])
    out = pd.DataFrame(keep, columns=df.columns).rename(columns={"subject": "market"})
    out["year"] = out["period"].astype(int)
    return out.drop(columns="period").reset_index(drop=True), notes


def _dependence_rows(out: _Rows, store: Store, mapped: ir.Table, periods: _Periods, named: frozenset[str],
                     pairs: set[tuple[str, str]]) -> None:
    """Import dependence and localisation where the store states the output value, one figure per source of
    an output; a ratio outside 0–100 % (exports above output) or without an exchange rate is noted, not kept."""
    import ibis
    import ibis.expr.datatypes as dt
    import pandas as pd

    from .indicators_dependence import import_dependence

    output, notes = _stated_output(store, pairs | {(m, "") for m in named})
    out.notes.extend(notes)
    output = output[output["year"].isin(periods.years)]
    if not len(output):
        return
    fx = store.fx_rates().select("year", "currency", "cny_per_unit").execute()
    fx_t = ibis.memtable(fx, schema=ibis.schema({"year": "int64", "currency": "string", "cny_per_unit": "float64"}))
    rates = {(int(r.year), r.currency): float(r.cny_per_unit) for r in fx.itertuples()}
    schema = ibis.schema({"market": "string", "product": "string", "year": "int32", "value": dt.Decimal(20, 2),
                          "currency": "string"})
    for sid, mine in output.groupby("source_id", sort=True):
        by_key = {(r.market, r.product, int(r.year)): r for r in mine.itertuples()}
        table = ibis.memtable(pd.DataFrame({
            "market": mine["market"], "product": mine["product"], "year": mine["year"].astype("int32"),
            "value": [Decimal(repr(round(float(v), 2))) for v in mine["value"]], "currency": "CNY"}), schema=schema)
        for by_product in (True, False):
            dep = import_dependence(mapped, table, fx_t, by_product=by_product)
            for r in dep.to_pyarrow().to_pylist():
                product = r["product"] if by_product else ""
                if not by_product and r["market"] not in named:
                    continue
                o = by_key.get((r["market"], product, r["year"]))
                if o is None:
                    continue
                _dependence_figures(out, r, o, str(sid), rates, whole=not by_product)


def _dependence_figures(out: _Rows, r: dict[str, Any], o: Any, sid: str, rates: dict[tuple[int, str], float],
                        *, whole: bool) -> None:
    market, product, year = r["market"], (r.get("product") or "") if not whole else "", r["year"]
    tokens = (OUTPUT + sid.replace(":", "_"),) + ((ALL_PRODUCTS,) if whole else ())
    loc = out.location("trade", *tokens)
    rate = rates.get((year, "USD"))
    base = (f"产值 {float(o.value):.6g} 元(观测 #{int(o.obs_id)}, {sid}); 进口 {float(r['imports']):.6g} 元, "
            f"出口 {float(r['exports']):.6g} 元" + (f"(美元按{year}年汇率 {rate:.4f} 折算)" if rate else ""))
    what = {"import_dependence": "进口 / (产值 + 进口 − 出口) × 100",
            "localisation_rate": "(产值 − 出口) / (产值 + 进口 − 出口) × 100"}
    for indicator, column in (("import_dependence", "import_dependence"), ("localisation_rate", "localisation")):
        v = r[column]
        label = f"{indicator} {market}/{product or '—'} {year} (output from {sid})"
        if v is None:
            out.notes.append(f"{label}: not computed — apparent consumption not above 0 or no exchange rate")
        elif not 0 <= v <= 1:
            out.notes.append(f"{label}: {v * 100:.4g}% is outside 0–100 % (exports above output, or output and "
                             f"trade of different scope); not stored")
        else:
            out.add(indicator, market, product, str(year), _number(float(v) * 100), "%", loc,
                    f"{what[indicator]}: {base}", "trade", whole=whole, input_ids=[int(o.obs_id)])


def trade_figures(store: Store, *, dataset: str = "customs_cn", concordance: str | Path | Concordance | None = None,
                  con: BaseBackend | None = None) -> DerivedFigures:
    """The figures of the record set `dataset` as text rows (see `DerivedFigures`); nothing is written."""
    import pandas as pd

    from ..ingest import default_dataset_dir
    from .batches import list_batches
    from .concordance import Concordance, apply, load_concordance
    from .engine import connect
    from .lines import open_lines

    con = con or connect("duckdb")
    conc = concordance if isinstance(concordance, Concordance) else load_concordance(
        concordance or default_dataset_dir() / "concordance" / "hs_catalog.csv")
    lines = open_lines(store, dataset, con)
    batches = list_batches(store)
    batch_ids = tuple(batches.loc[batches["dataset"] == dataset, "batch_id"].astype(str)) if len(batches) else ()
    periods = _complete_periods(lines)
    mapped = apply(lines, conc, con)
    named = _named_markets(conc)
    out = _Rows(dataset, _codes_of(conc), conc.version_id, {b: n for n, b in enumerate(batch_ids)},
                _batch_cells(mapped), [], [])
    _flow_rows(out, mapped, periods)
    _unit_price_rows(out, mapped, periods)
    _partner_rows(out, mapped, periods, named, _stated_groups(store))
    pairs = {(r.market, r.product or "") for r in conc.rows}
    _dependence_rows(out, store, mapped, periods, named, pairs)
    # a total order: the engines return rows in any order, and the store numbers figures in the order given
    rows = pd.DataFrame(out.rows, columns=_COLUMNS).sort_values(
        ["indicator", "subject", "product", "country", "period", "location", "unit"], kind="stable").reset_index(drop=True)
    return DerivedFigures(rows, conc.version_id, batch_ids, tuple(out.notes))


def derive_trade_figures(store: Store, *, dataset: str = "customs_cn",
                         concordance: str | Path | Concordance | None = None, con: BaseBackend | None = None,
                         label: str = "", notes: list[str] | None = None) -> VintageSummary:
    """Compute the record set's figures and store them as one vintage of derived figures (kind `derived`,
    with their formulas); figures an earlier derivation stored that the record set no longer gives are
    withdrawn. A unit the catalog does not take, or dollars in a year without an exchange rate in the store,
    is a ValidationError naming the figure; nothing is written then. `notes`, when given, is filled with the
    figures computed but not stored and why (`DerivedFigures.notes`), for the caller to show."""
    import pandas as pd

    from ..ingest import ROW_COLUMN, SourceInfo, fx_rates_of, normalise_rows
    from ..model import FxTable, load_catalog
    from ..store import Batch

    derived = trade_figures(store, dataset=dataset, concordance=concordance, con=con)
    if notes is not None:
        notes.extend(derived.notes)
    sid = source_id_of(dataset)
    text = derived.rows
    rows = text.drop(columns=["formula", "input_ids"]).fillna("")
    rows[ROW_COLUMN] = range(2, len(rows) + 2)
    fx = FxTable(fx_rates_of(store.fx_rates().execute()))
    frame = normalise_rows(rows, file=f"records:{dataset}", catalog=load_catalog(), fx=fx,
                           sources={sid: SourceInfo(sid)})
    frame["kind"] = "derived"
    # computed, like the analysis' figures: not an input of the catalog's formulas (the analysis would derive
    # a second trade balance from these imports and exports) and not a new actual for the alert rules
    frame["status"] = "derived"
    frame["formula"] = text["formula"].to_numpy()
    frame["method"] = "records"
    frame["input_ids"] = [ids if ids else None for ids in text["input_ids"]]
    source = pd.DataFrame([{"source_id": sid, "title": _DATASET_ZH.get(dataset, dataset),
                            "title_en": f"record set {dataset}", "publisher": "sectorscope (computed from records)",
                            "note": f"concordance {derived.concordance_version}; batches {', '.join(derived.batches)}"}])
    return store.write(Batch(observations=frame, sources=source, withdraw_missing=(sid,), max_withdraw_share=None),
                       label=label or DERIVE_LABEL, note=f"figures from record set {dataset}")


def figure_lines(store: Store, obs_id: int, con: BaseBackend | None = None,
                 concordance: str | Path | Concordance | None = None) -> ir.Table:
    """The lines behind a figure the record set gave: the lines current at the figure's vintage, mapped by the
    concordance, of its market (and product, unless the figure is of the whole market), flow (imports and
    exports for a dependence figure) and months (and quantity unit, for a unit price; lines that name a
    partner, for a partner figure) — each with the share of its value that counts. Σ value × share of these
    lines is a flow figure (before the exchange rate); a partner figure's lines are all the imports its share
    is of (group them by partner: the share of the partner the figure's `country` names, the top three, the
    HHI); a dependence figure's are the imports and exports it set against the stated output its formula and
    `input_ids` name. UsageError when the figure was not computed from a record set."""
    import ibis

    from ..errors import UsageError
    from ..ingest import default_dataset_dir
    from ..model import parse_period
    from .concordance import Concordance, apply, load_concordance
    from .engine import connect
    from .lines import open_lines

    obs = store.table("observations")
    found = obs.filter(obs.obs_id == int(obs_id)).select(
        "vintage_id", "subject", "product", "period", "location", "method").to_pyarrow().to_pylist()
    if not found:
        raise UsageError(f"no figure {obs_id} in {store.path}")
    row = found[0]
    parts = (row["location"] or "").split(":")
    if row["method"] != "records" or len(parts) < 3 or parts[0] != "records":
        raise UsageError(f"figure {obs_id} was not computed from a record set (it has no lines behind it)")
    dataset, flow, tokens = parts[1], parts[2], parts[3:]
    units = [t for t in tokens if t not in (PARTNERS, ALL_PRODUCTS) and not t.startswith(OUTPUT)]
    con = con or connect("duckdb")
    conc = concordance if isinstance(concordance, Concordance) else load_concordance(
        concordance or default_dataset_dir() / "concordance" / "hs_catalog.csv")
    lines = apply(open_lines(store, dataset, con, as_of=int(row["vintage_id"])), conc, con)
    period = parse_period(row["period"])
    months = range(period.start.month, period.end.month + 1)
    conds = [lines.reporter == "CHN", lines.market == row["subject"], lines.year == period.start.year,
             lines.month.isin(list(months))]
    if ALL_PRODUCTS not in tokens:
        conds.append(lines.product == (row["product"] or ""))
    if flow in ("balance", "trade"):
        conds.append(lines.flow.isin(["import", "export"]))
    else:
        conds.append(lines.flow == flow)
    if PARTNERS in tokens:
        conds.append(lines.partner_iso3.notnull() | lines.partner_code.notnull())
    if units:
        conds.append(lines.quantity_unit == units[0])
    return lines.filter(ibis.and_(*conds))
