"""Figures computed from the record set, stored as derived figures with their lineage: imports, exports and the
trade balance by market × product × year and quarter, their year-on-year growth, and unit prices — one vintage.

Why through `normalise_rows`: a computed figure is stored exactly as a stated one is (units parsed, dollars
converted to yuan at the store's year-stamped rate with the rate's source in the note, periods checked), so
the store has one way of turning a number and a unit into a figure. The figures are then marked derived and
say how: `formula` names the record set, the HS codes, the concordance version, the flow, the period and the
batches — enough to find the lines again (`sectorscope records lines`) and to cite them ("海关记录, HS 850110,
2025Q1, 批次 …"). A quarter or a year is stored only when the record set has every one of its months: a
partial year is not a year.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd
    from ibis.backends import BaseBackend

    from ..store import Store, VintageSummary
    from .concordance import Concordance

__all__ = ["DERIVE_LABEL", "DerivedFigures", "derive_trade_figures", "figure_lines", "source_id_of", "trade_figures"]

# The label of a vintage of figures derived from records: computed, like the analysis, not a load of data,
# so "what changed since the last load" looks past it (monitor.SYSTEM_LABELS).
DERIVE_LABEL = "records-derive"

_FLOW_INDICATOR = {"import": "imports_value", "export": "exports_value", "balance": "trade_balance"}
_GROWTH_INDICATOR = {"import": "imports_value_growth", "export": "exports_value_growth"}
_FLOW_ZH = {"import": "进口", "export": "出口", "balance": "贸易差额"}
_CURRENCY_UNIT = {"USD": "美元", "CNY": "元"}
_DATASET_ZH = {"customs_cn": "海关进出口统计记录", "comtrade": "UN Comtrade 贸易记录"}


def source_id_of(dataset: str) -> str:
    """The source the figures computed from a record set cite."""
    return f"records-{dataset}"


@dataclass(frozen=True)
class DerivedFigures:
    """Text rows in the long observation layout (what `normalise_rows` reads), with their formulas, and the
    concordance version and batches they were computed from."""

    rows: pd.DataFrame
    concordance_version: str
    batches: tuple[str, ...]


def _complete_periods(lines: ir.Table) -> tuple[set[int], set[tuple[int, int]]]:
    """The years and (year, quarter)s for which the record set has lines in every month."""
    months = lines.select("year", "month").distinct().to_pyarrow().to_pylist()
    by_year: dict[int, set[int]] = {}
    for r in months:
        by_year.setdefault(int(r["year"]), set()).add(int(r["month"]))
    years = {y for y, ms in by_year.items() if len(ms) == 12}
    quarters = {(y, q) for y, ms in by_year.items() for q in range(1, 5) if {3 * q - 2, 3 * q - 1, 3 * q} <= ms}
    return years, quarters


def _codes_of(conc: Concordance) -> dict[tuple[str, str], str]:
    """(market, product) → the HS codes (by edition) mapped to it, as printed in a formula."""
    out: dict[tuple[str, str], list[str]] = {}
    for r in conc.rows:
        out.setdefault((r.market, r.product or ""), []).append(f"{r.code}({r.hs_edition[2:]})")
    return {k: ", ".join(sorted(set(v))) for k, v in out.items()}


def trade_figures(store: Store, *, dataset: str = "customs_cn", concordance: str | Path | Concordance | None = None,
                  con: BaseBackend | None = None) -> DerivedFigures:
    """The figures of the record set `dataset` as text rows (see `DerivedFigures`); nothing is written."""
    import pandas as pd

    from ..ingest import default_dataset_dir
    from .batches import list_batches, open_lines
    from .concordance import Concordance, apply, load_concordance
    from .engine import connect
    from .indicators import trade_flows, unit_values, yoy

    con = con or connect("duckdb")
    conc = concordance if isinstance(concordance, Concordance) else load_concordance(
        concordance or default_dataset_dir() / "concordance" / "hs_catalog.csv")
    lines = open_lines(store, dataset, con)
    batches = list_batches(store)
    batch_ids = tuple(batches.loc[batches["dataset"] == dataset, "batch_id"].astype(str)) if len(batches) else ()
    years, quarters = _complete_periods(lines)
    mapped = apply(lines, conc, con)
    codes = _codes_of(conc)
    sid = source_id_of(dataset)
    batch_text = ", ".join(batch_ids)
    rows: list[dict[str, Any]] = []

    def add(indicator: str, r: dict[str, Any], value: Any, unit: str, flow: str, what: str) -> None:
        product = r["product"] or ""
        rows.append({
            "indicator": indicator, "subject": r["market"], "product": product, "period": r["period"],
            "value": str(value), "unit": unit, "status": "actual", "source": sid, "region": "中国",
            "location": f"records:{dataset}:{flow}" + (f":{r['quantity_unit']}" if "quantity_unit" in r else ""),
            "formula": (f"{what} — {_DATASET_ZH.get(dataset, dataset)} {dataset}, {_FLOW_ZH[flow]}, {r['period']}; "
                        f"HS {codes.get((r['market'], product), '?')}; 对照表 {conc.version_id}; 批次 {batch_text}"),
        })

    for grain, complete in (("year", lambda r: r["year"] in years),
                            ("quarter", lambda r: (r["year"], r["part"]) in quarters)):
        flows = trade_flows(mapped, grain)
        for r in flows.to_pyarrow().to_pylist():
            if complete(r) and r["unit"] in _CURRENCY_UNIT:
                add(_FLOW_INDICATOR[r["flow"]], r, r["value"], _CURRENCY_UNIT[r["unit"]], r["flow"],
                    "Σ 记录金额 × 对照份额")
        growth = yoy(flows.filter(flows.flow != "balance"))
        for r in growth.to_pyarrow().to_pylist():
            if complete(r) and r["yoy_pct"] is not None and (r["year"] - 1 in years if grain == "year"
                                                              else (r["year"] - 1, r["part"]) in quarters):
                add(_GROWTH_INDICATOR[r["flow"]], r, repr(float(r["yoy_pct"])), "%", r["flow"],
                    "(本期 / 上年同期 − 1) × 100")
    for r in unit_values(mapped, "year").to_pyarrow().to_pylist():
        if r["year"] in years and r["unit_value"] is not None and r["currency"] in _CURRENCY_UNIT:
            add("unit_price", r, repr(float(r["unit_value"])), f"{_CURRENCY_UNIT[r['currency']]}/{r['quantity_unit']}",
                r["flow"], "Σ 金额 / Σ 第一数量")
    return DerivedFigures(pd.DataFrame(rows), conc.version_id, batch_ids)


def derive_trade_figures(store: Store, *, dataset: str = "customs_cn",
                         concordance: str | Path | Concordance | None = None, con: BaseBackend | None = None,
                         label: str = "") -> VintageSummary:
    """Compute the record set's figures and store them as one vintage of derived figures (kind `derived`,
    with their formulas); figures an earlier derivation stored that the record set no longer gives are
    withdrawn. A unit the catalog does not take, or dollars in a year without an exchange rate in the store,
    is a ValidationError naming the figure; nothing is written then."""
    import pandas as pd

    from ..ingest import ROW_COLUMN, SourceInfo, fx_rates_of, normalise_rows
    from ..model import FxTable, load_catalog
    from ..store import Batch

    derived = trade_figures(store, dataset=dataset, concordance=concordance, con=con)
    sid = source_id_of(dataset)
    text = derived.rows
    if not len(text):
        text = pd.DataFrame(columns=["indicator", "subject", "product", "period", "value", "unit", "status",
                                     "source", "region", "location", "formula"])
    rows = text.drop(columns="formula").fillna("")
    rows[ROW_COLUMN] = range(2, len(rows) + 2)
    fx = FxTable(fx_rates_of(store.fx_rates().execute()))
    frame = normalise_rows(rows, file=f"records:{dataset}", catalog=load_catalog(), fx=fx,
                           sources={sid: SourceInfo(sid)})
    frame["kind"] = "derived"
    frame["formula"] = text["formula"].to_numpy()
    frame["method"] = "records"
    source = pd.DataFrame([{"source_id": sid, "title": _DATASET_ZH.get(dataset, dataset),
                            "title_en": f"record set {dataset}", "publisher": "sectorscope (computed from records)",
                            "note": f"concordance {derived.concordance_version}; batches {', '.join(derived.batches)}"}])
    return store.write(Batch(observations=frame, sources=source, withdraw_missing=(sid,), max_withdraw_share=None),
                       label=label or DERIVE_LABEL, note=f"figures from record set {dataset}")


def figure_lines(store: Store, obs_id: int, con: BaseBackend | None = None,
                 concordance: str | Path | Concordance | None = None) -> ir.Table:
    """The lines behind a figure the record set gave: the lines current at the figure's vintage, mapped by the
    concordance, of its market and product, flow and months (and quantity unit, for a unit price) — each with
    the share of its value that counts. Σ value × share of these lines is the figure (before the exchange
    rate). UsageError when the figure was not computed from a record set."""
    import ibis

    from ..errors import UsageError
    from ..ingest import default_dataset_dir
    from ..model import parse_period
    from .batches import open_lines
    from .concordance import Concordance, apply, load_concordance
    from .engine import connect

    obs = store.table("observations")
    found = obs.filter(obs.obs_id == int(obs_id)).select(
        "vintage_id", "subject", "product", "period", "location", "method").to_pyarrow().to_pylist()
    if not found:
        raise UsageError(f"no figure {obs_id} in {store.path}")
    row = found[0]
    parts = (row["location"] or "").split(":")
    if row["method"] != "records" or len(parts) < 3 or parts[0] != "records":
        raise UsageError(f"figure {obs_id} was not computed from a record set (it has no lines behind it)")
    dataset, flow, unit = parts[1], parts[2], (parts[3] if len(parts) > 3 else None)
    con = con or connect("duckdb")
    conc = concordance if isinstance(concordance, Concordance) else load_concordance(
        concordance or default_dataset_dir() / "concordance" / "hs_catalog.csv")
    lines = apply(open_lines(store, dataset, con, as_of=int(row["vintage_id"])), conc, con)
    period = parse_period(row["period"])
    months = range(period.start.month, period.end.month + 1)
    conds = [lines.market == row["subject"], lines.product == (row["product"] or ""),
             lines.year == period.start.year, lines.month.isin(list(months))]
    if flow != "balance":
        conds.append(lines.flow == flow)
    else:
        conds.append(lines.flow.isin(["import", "export"]))
    if unit:
        conds.append(lines.quantity_unit == unit)
    return lines.filter(ibis.and_(*conds))
