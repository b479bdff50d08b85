"""Record sets (customs and Comtrade lines by HS code): the batches with their sources, the current lines behind a
figure, and one indicator computed from the lines — read-only, thin over sectorscope.records.

Why the reads run on a DuckDB of their own: the lines are Parquet files beside the store, read by the engine
the record layer connects (never Spark in the server: a JVM per server is not worth a page of lines). The
store's read connection only answers which files are current (the manifest), inside the request's snapshot;
the engine then reads those files by name. The engine's query is interrupted at the server's query deadline,
as the store's queries are (pool.Runner), so an abandoned aggregate does not keep a core busy.
"""
from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import APIRouter, Query

from ...errors import InputError
from ...ingest import default_dataset_dir
from ..convert import clean
from ..deps import TEXT_PATTERN, ContextDep
from ..models import AggregatePage, RecordBatchList, RecordLinePage, TradePartnerList, TradeProvinceList
from ..problems import ApiProblem, problem_responses
from ..settings import ApiSettings

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

    from ...records import Concordance
    from ...store import Store

__all__ = [
    "CONCORDANCE_FILE",
    "MAX_LINES",
    "MEASURES",
    "AggregateFlow",
    "BatchQ",
    "By",
    "Dataset",
    "DatasetQ",
    "Indicator",
    "Limit",
    "LineFlow",
    "Offset",
    "PeriodGrain",
    "aggregate",
    "aggregate_page",
    "batch_list",
    "batches",
    "concordance_path",
    "line_page",
    "lines",
    "partner_list",
    "partners",
    "province_list",
    "provinces",
    "router",
]

router = APIRouter(tags=["records"])
_T = TypeVar("_T")

MAX_LINES = 500  # lines or rows per JSON page
CONCORDANCE_FILE = ("concordance", "hs_catalog.csv")
# columns of an indicator's result that are measures; the others are its key, which orders the pages
MEASURES = frozenset({"value", "quantity", "unit_value", "top_value", "top_share", "hhi", "n_partners", "n_lines",
                      "import_value", "export_value", "gap_pct"})


class Dataset(StrEnum):
    """sectorscope.records.schema.DATASETS (a test keeps them equal)."""

    customs_cn = "customs_cn"
    comtrade = "comtrade"


class LineFlow(StrEnum):
    """sectorscope.records.schema.Flow."""

    import_ = "import"
    export = "export"
    re_import = "re_import"
    re_export = "re_export"


class AggregateFlow(StrEnum):
    import_ = "import"
    export = "export"
    balance = "balance"


class Indicator(StrEnum):
    """sectorscope.records.AGGREGATES."""

    trade_flows = "trade_flows"
    unit_values = "unit_values"
    partner_concentration = "partner_concentration"
    mirror_gap = "mirror_gap"
    unmapped = "unmapped"


class PeriodGrain(StrEnum):
    """sectorscope.records.indicators.GRAINS."""

    month = "month"
    quarter = "quarter"
    year = "year"
    cumulative = "cumulative"


class By(StrEnum):
    """sectorscope.records.indicators.BY."""

    partner = "partner"
    province = "province"
    trade_mode = "trade_mode"


_BATCH_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"

DatasetQ = Annotated[Dataset, Query(description="customs_cn (China Customs exports) or comtrade (UN Comtrade)")]
Offset = Annotated[int, Query(ge=0, le=2**31, description="Skip this many lines or rows first")]
Limit = Annotated[int, Query(ge=1, le=MAX_LINES, description=f"Lines or rows per page (at most {MAX_LINES})")]
BatchQ = Annotated[str | None, Query(max_length=128, pattern=_BATCH_PATTERN, description="One batch's lines only")]


# ---- shared --------------------------------------------------------------------------------------------

@contextmanager
def _engine(timeout: float) -> Iterator[BaseBackend]:
    """A DuckDB connection of the record layer, its running query interrupted after `timeout` seconds."""
    from ...records import connect

    con = connect("duckdb")
    raw = getattr(con, "con", None)
    timer = threading.Timer(timeout, raw.interrupt) if raw is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        yield con
    finally:
        if timer is not None:
            timer.cancel()
        con.disconnect()


def _json(v: Any) -> Any:
    """A value of an engine row as JSON: decimals as exact text (never exponent notation), no NaN."""
    if isinstance(v, Decimal):
        return format(v, "f") if v.is_finite() else None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return clean(v)


def _rows(con: BaseBackend, t: ir.Table) -> list[dict[str, Any]]:
    return [{k: _json(v) for k, v in r.items()} for r in con.to_pyarrow(t).to_pylist()]


def _type_name(typ: Any) -> str:
    if typ.is_decimal():
        return "decimal"
    if typ.is_integer():
        return "integer"
    if typ.is_floating():
        return "double"
    if typ.is_boolean():
        return "boolean"
    return "text"


def concordance_path(settings: ApiSettings) -> Path:
    """The concordance the server maps lines with: its dataset's concordance/hs_catalog.csv, else the embedded
    default dataset's."""
    if settings.dataset_dir is not None and settings.dataset_dir.joinpath(*CONCORDANCE_FILE).is_file():
        return settings.dataset_dir.joinpath(*CONCORDANCE_FILE)
    try:
        return default_dataset_dir().joinpath(*CONCORDANCE_FILE)
    except InputError:
        raise ApiProblem(404, "no-concordance", "the server has no concordance (concordance/hs_catalog.csv of its "
                         "dataset); the operator starts it with the dataset that holds one") from None


@lru_cache(maxsize=4)
def _concordance(path: str, mtime_ns: int) -> Concordance:
    from ...records import load_concordance

    return load_concordance(path)


# ---- batches -------------------------------------------------------------------------------------------

def batch_list(store: Store, dataset: str | None = None) -> dict:
    """The committed batches (of `dataset`, or all), oldest first, each with its source."""
    from ...records import list_batches

    out = []
    frame = list_batches(store)
    if dataset is not None:
        frame = frame[frame["dataset"] == dataset]
    for r in frame.to_dict("records"):
        r = {k: clean(v) for k, v in r.items()}
        out.append({
            "batch_id": r["batch_id"], "dataset": r["dataset"], "vintage_id": r["vintage_id"],
            "loaded_at": r.get("loaded_at"),
            "source": {"file": PurePath(r["source_file"] or "").name, "sha256": r.get("sha256"),
                       "bytes": r.get("bytes"), "publisher": r.get("publisher"),
                       "release_date": (r.get("release_date") or None) and str(r["release_date"])[:10],
                       "retrieved_at": r.get("retrieved_at")},
            "hs_edition": r["hs_edition"], "currency": r["currency"],
            "grain": [g for g in (r.get("grain") or "").split(",") if g], "period_kind": r["period_kind"],
            "period_from": r.get("period_from"), "period_to": r.get("period_to"), "n_lines": r["n_lines"],
            "n_files": r["n_files"], "cells_superseded": r["cells_superseded"],
        })
    return {"batches": out}


@router.get("/records/batches", response_model=RecordBatchList, responses=problem_responses(422, 503),
            summary="The record batches (customs or Comtrade files loaded as vintages), each with its source",
            description="Oldest first, superseded ones too (`cells_superseded` says how much of each later "
                        "corrections replaced). A store without record batches answers an empty list.")
async def batches(ctx: ContextDep, dataset: Annotated[Dataset | None, Query(description="One dataset's batches "
                                                                                     "only")] = None) -> dict:
    return await ctx.read(lambda s: batch_list(s, dataset.value if dataset else None))


# ---- names: the codes a line holds ------------------------------------------------------------------------

def partner_list() -> dict:
    """Every customs partner code the record layer knows, with its names (records/reference)."""
    from ...records import country_name, customs_partners

    return {"partners": [
        {"code": p.code, "name_zh": p.name_zh, "name_en": country_name(p.iso3, "en") if p.iso3 else None,
         "iso3": p.iso3, "aliases_zh": list(p.aliases_zh), "kind": p.kind, "continent": p.continent}
        for p in sorted(customs_partners().values(), key=lambda p: int(p.code))]}


def province_list() -> dict:
    """The 31 mainland provinces by their GB/T 2260 prefix (records/reference)."""
    from ...records import provinces as known

    return {"provinces": [{"code": p.code, "name_zh": p.name_zh, "short_zh": p.short_zh}
                          for p in sorted(known().values(), key=lambda p: p.code)]}


@router.get("/records/partners", response_model=TradePartnerList, responses=problem_responses(503),
            summary="The names of customs' partner codes (贸易伙伴编码): Chinese, English and ISO 3166 codes",
            description="What a line's `partner_code` means, in customs' own Chinese (中国台湾 for 台澎金马关税区) and "
                        "in English; residual regions (亚洲其他国家(地区)) have no ISO code. The same table the "
                        "record formats check files against, so a code listed here is one a file may hold.")
async def partners() -> dict:
    return partner_list()


@router.get("/records/provinces", response_model=TradeProvinceList, responses=problem_responses(503),
            summary="The provinces a line's `province` names: GB/T 2260 two-digit codes and Chinese names")
async def provinces() -> dict:
    return province_list()


# ---- lines ---------------------------------------------------------------------------------------------

def line_page(store: Store, dataset: str, filters: dict[str, Any], *, limit: int, offset: int,
              timeout: float, figure: int | None = None) -> dict:
    """The current lines of `dataset` matching `filters`, one page in (batch_id, line_no) order, and their
    total; with `figure`, the lines behind that derived figure (as of its vintage), each with its share."""
    import ibis

    from ...errors import UsageError
    from ...records import LINE_SCHEMA, figure_lines, filter_lines, matching_lines

    order = ["batch_id", "line_no"]
    columns = [*LINE_SCHEMA.names, *(["share"] if figure is not None else [])]
    with _engine(timeout) as con:
        if figure is not None:
            obs = store.table("observations")
            if not int(obs.filter(obs.obs_id == figure).count().execute()):
                raise ApiProblem(404, "no-such-observation", f"no figure with id {figure}; /api/observations lists them")
            try:
                t = filter_lines(figure_lines(store, figure, con), **filters)
            except UsageError as exc:
                raise ApiProblem(422, "not-from-records", str(exc)) from None
        else:
            t = matching_lines(store, dataset, con, **filters)  # only the files the filters can match
        total = int(con.execute(t.count()))
        # the page's keys first (two columns to sort), then its lines by key range: a batch's lines in the page
        # are the matching ones between its first and last line number there, and the ranges let the engine
        # skip the files whose line numbers lie outside (a full sort of every column read each file whole)
        keys = con.to_pyarrow(t.select(*order).order_by(order).limit(limit, offset=offset)).to_pylist()
        items: list[dict[str, Any]] = []
        if keys:
            ranges: dict[str, list[int]] = {}
            for k in keys:
                ranges.setdefault(k["batch_id"], []).append(k["line_no"])
            within = ibis.or_(*[(t.batch_id == b) & t.line_no.between(min(ns), max(ns)) for b, ns in ranges.items()])
            items = _rows(con, t.filter(within).order_by(order).select(*columns))
    return {"dataset": dataset, "total": total, "offset": offset, "limit": limit, "count": len(items),
            "items": items}


@router.get("/records/lines", response_model=RecordLinePage, responses=problem_responses(400, 404, 422, 503),
            summary="The current trade lines of a record set, filtered and paged (the lines behind a figure)",
            description="Lines of the batches current now (a correction's lines replace the cells it supersedes), "
                        "in (batch_id, line_no) order: page with `offset` and `limit`; `total` counts every "
                        "matching line. Amounts and quantities are exact decimal text. A store without record "
                        "batches answers total 0.")
async def lines(
    ctx: ContextDep, dataset: DatasetQ = Dataset.customs_cn,
    hs: Annotated[str | None, Query(max_length=14, pattern=r"^[0-9]+(\.[0-9]+)*$",
                                    description="Lines whose HS code starts with these digits (dots allowed: 8501.10)")] = None,
    flow: Annotated[LineFlow | None, Query(description="The lines' flow")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
    partner: Annotated[str | None, Query(max_length=10, pattern=r"^[0-9A-Za-z]+$",
                                         description="A partner: customs code (116) or ISO 3166 alpha-3 (JPN)")] = None,
    province: Annotated[str | None, Query(max_length=6, pattern=r"^[0-9]+$",
                                          description="注册地: GB/T 2260 code (44 for 广东省)")] = None,
    batch: BatchQ = None, limit: Limit = 100, offset: Offset = 0,
    figure: Annotated[int | None, Query(ge=1, le=2**62, description="The lines behind this derived figure (its "
                                        "obs_id), as of the figure's vintage, each with its share; 422 when the "
                                        "figure was not computed from a record set")] = None,
) -> dict:
    filters = {"hs": hs, "flow": flow.value if flow else None, "year": year, "month": month, "partner": partner,
               "province": province, "batch": batch}
    lim = min(limit, ctx.settings.limits.max_page)
    timeout = ctx.settings.limits.query_timeout
    return await ctx.read(lambda s: line_page(s, dataset.value, filters, limit=lim, offset=offset, timeout=timeout,
                                              figure=figure))


# ---- aggregates ----------------------------------------------------------------------------------------

def _one_grain(store: Store, con: BaseBackend, t: ir.Table, dataset: str) -> None:
    """Refuse lines of batches of different grain: a batch without partners has null partners meaning "all",
    and adding it to a batch by partner would count its trade twice."""
    from ...records import list_batches

    b = list_batches(store)
    b = b[b["dataset"] == dataset]
    if b["grain"].nunique() < 2:
        return
    current = set(con.to_pyarrow(t.select("batch_id").distinct())["batch_id"].to_pylist())
    grains = {g for bid, g in zip(b["batch_id"], b["grain"], strict=True) if bid in current}
    if len(grains) > 1:
        shown = "; ".join(sorted(g or "none" for g in grains))
        raise ApiProblem(422, "mixed-grain", f"the current {dataset} lines come from batches of different grain "
                         f"({shown}); adding them would count trade twice: choose one batch with batch= "
                         "(/api/records/batches lists them)")


def aggregate_page(store: Store, *, dataset: str, indicator: str, grain: str, by: list[str], market: str | None,
                   flow: str | None, batch: str | None, conc_path: Path, limit: int, offset: int,
                   timeout: float) -> dict:
    """One indicator over the current lines mapped with the concordance at `conc_path`, one page of its rows
    ordered by their key columns, and the total."""
    from ... import records

    conc = _concordance(str(conc_path), conc_path.stat().st_mtime_ns)
    with _engine(timeout) as con:
        t = records.open_lines(store, dataset, con)
        if batch:
            t = t.filter(t.batch_id == batch)
        _one_grain(store, con, t, dataset)
        r = records.aggregate(t, conc, con, indicator, grain, by=by, market=market, flow=flow)
        schema = r.schema()
        keys = [c for c in r.columns if c not in MEASURES]
        total = int(con.execute(r.count()))
        items = _rows(con, r.order_by(keys).limit(limit, offset=offset))
    return {"dataset": dataset, "indicator": indicator, "grain": None if indicator == Indicator.unmapped else grain,
            "by": by, "concordance": {"file": conc_path.name, "version": conc.version, "version_id": conc.version_id},
            "total": total, "offset": offset, "limit": limit, "count": len(items),
            "columns": [{"name": c, "type": _type_name(schema[c])} for c in r.columns], "items": items}


@router.get("/records/aggregate", response_model=AggregatePage, responses=problem_responses(400, 404, 422, 503),
            summary="One indicator computed from the current lines, mapped to markets with the concordance",
            description="trade_flows: imports, exports and balance by market × product × period (× by); "
                        "unit_values: value / quantity per quantity unit; partner_concentration: top-3 share and HHI "
                        "of imports; mirror_gap: imports against the partner's reported exports (Comtrade batches of "
                        "both reporters); unmapped: lines whose HS code the concordance maps to nothing (not by "
                        "period: grain does not apply). Rows are ordered by their key columns and paged with "
                        "`offset` and `limit`; `columns` gives each field's type: decimals are exact text. "
                        "Computed on DuckDB. A store without record batches answers total 0.")
async def aggregate(
    ctx: ContextDep,
    indicator: Annotated[Indicator, Query(description="The indicator")],
    dataset: DatasetQ = Dataset.customs_cn,
    grain: Annotated[PeriodGrain, Query(description="Period grain: month, quarter, year or cumulative (1–N月)")]
    = PeriodGrain.year,
    by: Annotated[list[By] | None, Query(max_length=3, description="Break down by (repeatable; trade_flows and "
                                                                   "unit_values only)")] = None,
    market: Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN,
                                        description="One market of the concordance (e.g. 缩微机械)")] = None,
    flow: Annotated[AggregateFlow | None, Query(description="One flow (trade_flows, unit_values, unmapped)")] = None,
    batch: BatchQ = None, limit: Limit = 100, offset: Offset = 0,
) -> dict:
    from ...errors import UsageError
    from ...records import check_aggregate

    dims = list(dict.fromkeys(b.value for b in by or []))
    try:
        check_aggregate(indicator.value, grain.value, by=dims, market=market, flow=flow.value if flow else None)
    except UsageError as e:
        raise ApiProblem(422, "bad-parameter", str(e)) from None
    conc = concordance_path(ctx.settings)
    lim = min(limit, ctx.settings.limits.max_page)
    timeout = ctx.settings.limits.query_timeout
    return await ctx.read(lambda s: aggregate_page(
        s, dataset=dataset.value, indicator=indicator.value, grain=grain.value, by=dims, market=market,
        flow=flow.value if flow else None, batch=batch, conc_path=conc, limit=lim, offset=offset, timeout=timeout))
