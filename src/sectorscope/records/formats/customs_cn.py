"""China Customs statistics exports (海关统计数据在线查询平台) read into canonical trade lines.

What an export looks like (plan19.md §2, from third-party parsers of real exports): one header row of Chinese
names — 数据年月 (YYYYMM), 商品编码 (HS8 as a rule), 商品名称, 贸易伙伴编码/名称, 注册地编码/名称, 贸易方式编码/名称,
第一数量, 第一计量单位, 第二数量, 第二计量单位, and one currency column, 美元 or 人民币; CSV in GB18030/GBK or
UTF-8 (with or without a BOM), amounts with thousands separators, often a trailing empty column; or XLSX.
The platform groups by at most two of partner, commodity, trade mode and province, so a file's columns say
its grain: a dimension it lacks is null in the lines ("all"). Without 数据年月 the file is cumulative (累计) over
the queried months: its lines are dated to the last month of the declared period and marked cumulative — the
conversion into months is done later (records/cumulative), not here. The reporter is China (CHN).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...errors import InputError, Reason, UsageError
from ..line_checks import FailureLog, LineChecks, parse_decimal, parse_hs_code
from ..reference import customs_partners, partner_by_name, province_code, trade_mode_category
from ..schema import Flow, Grain, PeriodKind
from ._lines import assemble, map_unique, text_or_null
from ._record import RecordMeta
from ._source import LINE_NO, Source

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BAD_FLOW",
    "BAD_PERIOD",
    "COLUMNS",
    "NOT_A_PROVINCE",
    "NO_PARTNER",
    "UNKNOWN_PARTNER_CODE",
    "UNKNOWN_PARTNER_NAME",
    "CustomsConverter",
    "customs_meta",
    "declared_flow",
    "looks_like_customs",
]

# role → the header names that carry it
COLUMNS: dict[str, tuple[str, ...]] = {
    "period": ("数据年月",),
    "hs_code": ("商品编码",),
    "commodity_name": ("商品名称",),
    "partner_code": ("贸易伙伴编码",),
    "partner_name": ("贸易伙伴名称",),
    "province_code": ("注册地编码",),
    "province_name": ("注册地名称",),
    "trade_mode_code": ("贸易方式编码",),
    "trade_mode_name": ("贸易方式名称",),
    "quantity": ("第一数量",),
    "quantity_unit": ("第一计量单位",),
    "quantity2": ("第二数量",),
    "quantity2_unit": ("第二计量单位",),
    "flow": ("进出口", "进出口类型"),
    "usd": ("美元",),
    "cny": ("人民币",),
}
_FLOWS = {"进口": Flow.IMPORT.value, "出口": Flow.EXPORT.value}

# The failures' texts, shared with the set-based reader in DuckDB (customs_sql.py), which must say the same
BAD_PERIOD = "数据年月 must be a month as YYYYMM (202501)"
BAD_FLOW = "the flow must be 进口 or 出口"
UNKNOWN_PARTNER_CODE = ("not a customs partner code sectorscope knows (records/reference/customs_partners.csv); "
                        "check the code, or add the country with its source")
NO_PARTNER = "no partner code"
UNKNOWN_PARTNER_NAME = "not a customs partner name sectorscope knows (records/reference/customs_partners.csv)"
NOT_A_PROVINCE = "not a mainland province (GB/T 2260 two-digit code or name)"


def declared_flow(flow: str) -> str:
    return f"the batch was declared as {flow}"


def looks_like_customs(header: list[str]) -> bool:
    return bool({"商品编码", "美元", "人民币", "数据年月"} & set(header))


def _roles(header: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for role, names in COLUMNS.items():
        for n in names:
            if n in header:
                found[role] = n
                break
    return found


def customs_meta(src: Source, *, batch_id: str, hs_edition: str, flow: str | None,
                 period: tuple[int, int, int] | None, currency: str | None, publisher: str) -> RecordMeta:
    """The batch's metadata from the header and the arguments; InputError for a file-level problem."""
    roles = _roles(src.header)
    if "hs_code" not in roles:
        raise InputError("a China Customs export needs a 商品编码 column; the header has "
                         f"{', '.join(h for h in src.header if h) or 'no names'}", file=src.file,
                         reason=Reason.WRONG_SHAPE)
    if "usd" in roles and "cny" in roles:
        raise InputError("the file has both 美元 and 人民币 columns; a batch has one currency: export the two "
                         "currencies as two files", file=src.file, reason=Reason.INCONSISTENT)
    if "usd" not in roles and "cny" not in roles:
        raise InputError("the file has no amount column (美元 or 人民币)", file=src.file, reason=Reason.WRONG_SHAPE)
    found = "USD" if "usd" in roles else "CNY"
    if currency is not None and currency.upper() != found:
        raise InputError(f"currency {currency} was declared, but the file's amounts are in {found} "
                         f"({roles.get('usd') or roles.get('cny')})", file=src.file, reason=Reason.INCONSISTENT)
    if "flow" not in roles and flow is None:
        raise InputError("the file has no 进出口 column: say which flow it holds (flow='import' or 'export')",
                         file=src.file, reason=Reason.MISSING_VALUE)
    if flow is not None and flow not in {f.value for f in Flow}:
        raise UsageError(f"flow must be one of {', '.join(f.value for f in Flow)}, not {flow!r}")
    kind = PeriodKind.MONTHLY if "period" in roles else PeriodKind.CUMULATIVE
    if kind is PeriodKind.CUMULATIVE and period is None:
        raise InputError("the file has no 数据年月 column, so it is cumulative (累计) over the months queried: "
                         "declare them, period=(year, first month, last month)", file=src.file,
                         reason=Reason.MISSING_VALUE)
    grain = {Grain.COMMODITY.value}
    if "partner_code" in roles or "partner_name" in roles:
        grain.add(Grain.PARTNER.value)
    if "province_code" in roles or "province_name" in roles:
        grain.add(Grain.PROVINCE.value)
    if "trade_mode_code" in roles or "trade_mode_name" in roles:
        grain.add(Grain.TRADE_MODE.value)
    return RecordMeta(batch_id=batch_id, dataset="customs_cn", source_file=src.file, sha256=src.sha256,
                      bytes=src.size, publisher=publisher or "海关总署", hs_edition=hs_edition, currency=found,
                      grain=tuple(sorted(grain)), period_kind=kind.value, period=period,
                      container=src.container, encoding=src.encoding)


@dataclass
class CustomsConverter:
    """Raw chunks of one customs export → LINE_SCHEMA chunks (see the module docstring)."""

    meta: RecordMeta
    header: list[str]
    log: FailureLog
    flow: str | None
    checks: LineChecks = field(init=False)
    roles: dict[str, str] = field(init=False)
    _unknown_modes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.roles = _roles(self.header)
        value_col = self.roles.get("usd") or self.roles["cny"]
        fields = {"hs_code": self.roles["hs_code"], "value": value_col, "month": self.roles.get("period", "数据年月")}
        for col in ("quantity", "quantity2", "quantity_unit"):
            if col in self.roles:
                fields[col] = self.roles[col]
        self.checks = LineChecks(self.log, self.meta.hs_edition, fields, self.meta.period)

    def ignored_columns(self) -> list[str]:
        known = set(self.roles.values())
        return [h for h in self.header if h and h not in known]

    def convert(self, raw: pa.RecordBatch) -> pa.RecordBatch:
        import pyarrow as pa
        import pyarrow.compute as pc

        r, log = self.roles, self.log
        line_no = raw.column(LINE_NO)
        n = raw.num_rows
        col = raw.column
        out: dict[str, object] = {
            "batch_id": self.meta.batch_id, "line_no": line_no, "dataset": "customs_cn", "reporter": "CHN",
            "period_kind": self.meta.period_kind, "hs_edition": self.meta.hs_edition,
            "currency": self.meta.currency,
        }
        hs = parse_hs_code(col(r["hs_code"]), line_no, log, r["hs_code"])
        out["hs_code"] = hs
        out["hs6"] = pc.utf8_slice_codeunits(hs, 0, 6)
        out["hs_chapter"] = pc.utf8_slice_codeunits(hs, 0, 2)
        # period
        if "period" in r:
            text = pc.utf8_trim_whitespace(pc.replace_substring_regex(col(r["period"]), r"[-/年月\s]", ""))
            ok = pc.match_substring_regex(text, r"^\d{4}(0[1-9]|1[0-2])$")
            log.where(pc.invert(ok), line_no, col(r["period"]), r["period"], BAD_PERIOD, Reason.BAD_VALUE)
            text = pc.if_else(ok, text, pa.scalar(None, pa.string()))
            out["year"] = pc.cast(pc.utf8_slice_codeunits(text, 0, 4), pa.int32())
            out["month"] = pc.cast(pc.utf8_slice_codeunits(text, 4, 6), pa.int32())
        else:
            assert self.meta.period is not None
            out["year"], out["month"] = self.meta.period[0], self.meta.period[2]
        # flow
        if "flow" in r:
            cells = pc.utf8_trim_whitespace(col(r["flow"]))
            mapped = map_unique(cells, lambda v: _FLOWS.get(v), pa.string())
            log.where(pc.is_null(mapped), line_no, cells, r["flow"], BAD_FLOW, Reason.BAD_VALUE)
            if self.flow is not None:
                log.where(pc.not_equal(mapped, pa.scalar(self.flow)), line_no, cells, r["flow"],
                          declared_flow(self.flow), Reason.INCONSISTENT)
            out["flow"] = mapped
        else:
            out["flow"] = self.flow
        out["commodity_name"] = text_or_null(col(r["commodity_name"])) if "commodity_name" in r else None
        # partner
        if "partner_code" in r:
            code = text_or_null(col(r["partner_code"]))
            known = customs_partners()
            iso = map_unique(code, lambda v: known[v].iso3 if v in known else None, pa.string())
            is_known = map_unique(code, lambda v: v in known, pa.bool_())
            log.where(pc.invert(is_known), line_no, code, r["partner_code"], UNKNOWN_PARTNER_CODE,
                      Reason.UNKNOWN_CODE)
            log.where(pc.is_null(code), line_no, None, r["partner_code"], NO_PARTNER, Reason.MISSING_VALUE)
            out["partner_code"], out["partner_iso3"] = code, iso
        elif "partner_name" in r:
            name = text_or_null(col(r["partner_name"]))
            code = map_unique(name, lambda v: p.code if (p := partner_by_name(v)) else None, pa.string())
            iso = map_unique(name, lambda v: p.iso3 if (p := partner_by_name(v)) else None, pa.string())
            log.where(pc.is_null(code), line_no, name, r["partner_name"], UNKNOWN_PARTNER_NAME, Reason.UNKNOWN_CODE)
            out["partner_code"], out["partner_iso3"] = code, iso
        # province
        prov_role = "province_code" if "province_code" in r else "province_name" if "province_name" in r else None
        if prov_role:
            cells = text_or_null(col(r[prov_role]))
            prov = map_unique(cells, province_code, pa.string())
            log.where(pc.is_null(prov), line_no, cells, r[prov_role], NOT_A_PROVINCE, Reason.UNKNOWN_CODE)
            out["province"] = prov
        # trade mode: kept as printed (the name when the file has it)
        mode_role = "trade_mode_name" if "trade_mode_name" in r else "trade_mode_code" if "trade_mode_code" in r else None
        if mode_role:
            modes = text_or_null(col(r[mode_role]))
            for item in pc.value_counts(modes).to_pylist():
                v = item["values"]
                if v is not None and trade_mode_category(v) is None:
                    self.count_unknown_mode(v, item["counts"])
            out["trade_mode"] = modes
        # amounts and quantities
        value_col = r.get("usd") or r["cny"]
        out["value"] = parse_decimal(col(value_col), 2, line_no, log, value_col, required=True)
        for q, u in (("quantity", "quantity_unit"), ("quantity2", "quantity2_unit")):
            if q in r:
                out[q] = parse_decimal(col(r[q]), 3, line_no, log, r[q], required=False)
            if u in r:
                out[u] = text_or_null(col(r[u]))
        return assemble(n, out)

    def count_unknown_mode(self, mode: str, n: int) -> None:
        """`n` lines of a trade mode trade_modes.csv does not know (warned of with the count)."""
        self._unknown_modes[mode] = self._unknown_modes.get(mode, 0) + n

    def warnings(self) -> list[str]:
        out = []
        if self._unknown_modes:
            shown = ", ".join(f"{k} ({v} line(s))" for k, v in sorted(self._unknown_modes.items()))
            out.append(f"trade modes not in records/reference/trade_modes.csv, kept as printed but without a "
                       f"category: {shown}")
        if ignored := self.ignored_columns():
            out.append(f"columns not read: {', '.join(ignored)}")
        return out
