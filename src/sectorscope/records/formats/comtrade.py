"""UN Comtrade bulk files (CSV or TSV with the 47 columns of `getFinalData`) read into canonical trade lines.

Columns are mapped by header name, so a file with fewer or reordered columns reads as long as it has the
required ones: refYear with refMonth, or period (YYYYMM); flowCode; reporterCode or reporterISO; partnerCode or
partnerISO; cmdCode; qty; qtyUnitAbbr or qtyUnitCode; primaryValue (cifvalue and fobvalue are read when present).

Rows that would count trade twice are dropped, and counted in the warnings, never silently (plan19.md §2): the
World partner (partnerCode 0), aggregates (isAggregate true; cmdCode TOTAL or a 2- or 4-digit code), and the
breakdowns by mode of transport, customs procedure and second partner (motCode, customsCode, partner2Code
other than their TOTAL codes 0, C00, 0). Flows other than M, X, RM, RX (DX, FM, processing flows …) are parts
of those four and are dropped the same way. Codes are M49 numbers; ISO3 comes from reporterISO/partnerISO when
they are ISO codes, else from the M49 number through pycountry. Amounts are in US dollars. An annual file
(freqCode A, refMonth 52) is read as cumulative January–December, dated December.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...errors import InputError, Reason, UsageError
from ..line_checks import FailureLog, LineChecks, parse_decimal, parse_hs_code
from ..reference import iso3_from_m49
from ..schema import Flow, Grain, PeriodKind
from ._lines import assemble, map_unique, text_or_null
from ._record import RecordMeta
from ._source import LINE_NO, Source

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["COMTRADE_COLUMNS", "ComtradeConverter", "comtrade_meta", "looks_like_comtrade"]

# the 47 columns of getFinalData / the Comtrade+ CSV export, in order (plan19.md §2)
COMTRADE_COLUMNS = (
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period", "reporterCode", "reporterISO",
    "reporterDesc", "flowCode", "flowDesc", "partnerCode", "partnerISO", "partnerDesc", "partner2Code",
    "partner2ISO", "partner2Desc", "classificationCode", "classificationSearchCode",
    "isOriginalClassification", "cmdCode", "cmdDesc", "aggrLevel", "isLeaf", "customsCode", "customsDesc",
    "mosCode", "motCode", "motDesc", "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated", "altQtyUnitCode",
    "altQtyUnitAbbr", "altQty", "isAltQtyEstimated", "netWgt", "isNetWgtEstimated", "grossWgt",
    "isGrossWgtEstimated", "cifvalue", "fobvalue", "primaryValue", "legacyEstimationFlag", "isReported",
    "isAggregate",
)
_FLOWS = {"M": Flow.IMPORT.value, "X": Flow.EXPORT.value, "RM": Flow.RE_IMPORT.value, "RX": Flow.RE_EXPORT.value}
_EDITION = {"H4": "HS2012", "H5": "HS2017", "H6": "HS2022"}
_REQUIRED = (("refYear", "period"), ("flowCode",), ("reporterCode", "reporterISO"), ("partnerCode", "partnerISO"),
             ("cmdCode",), ("qty",), ("qtyUnitAbbr", "qtyUnitCode"), ("primaryValue",))
_NO_UNIT = {"", "N/A", "-1", "NA"}


def looks_like_comtrade(header: list[str]) -> bool:
    return {"cmdCode", "primaryValue"} <= set(header)


def _first_freq(src: Source) -> str:
    """The freqCode of the first data row ('' when the file has no such column)."""
    if "freqCode" not in src.header:
        return ""
    i = src.header.index("freqCode")
    if src.container == "xlsx" or src.text_path is None:
        return ""
    with open(src.text_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=src.delimiter)
        next(reader, None)
        for cells in reader:
            if any(c.strip() for c in cells):
                return cells[i].strip() if i < len(cells) else ""
    return ""


def comtrade_meta(src: Source, *, batch_id: str, hs_edition: str, period: tuple[int, int, int] | None,
                  currency: str | None, publisher: str) -> RecordMeta:
    missing = [" or ".join(alts) for alts in _REQUIRED if not any(a in src.header for a in alts)]
    if "refYear" in src.header and "refMonth" not in src.header and "period" not in src.header:
        missing.append("refMonth or period")
    if missing:
        raise InputError(f"a UN Comtrade file needs the columns {', '.join(missing)}", file=src.file,
                         reason=Reason.WRONG_SHAPE)
    if currency is not None and currency.upper() != "USD":
        raise UsageError(f"UN Comtrade values are in USD, not {currency}")
    kind = PeriodKind.CUMULATIVE if _first_freq(src) == "A" else PeriodKind.MONTHLY
    return RecordMeta(batch_id=batch_id, dataset="comtrade", source_file=src.file, sha256=src.sha256,
                      bytes=src.size, publisher=publisher or "UN Comtrade", hs_edition=hs_edition, currency="USD",
                      grain=tuple(sorted({Grain.COMMODITY.value, Grain.PARTNER.value})), period_kind=kind.value,
                      period=period, container=src.container, encoding=src.encoding)


def _iso3(code: str) -> str | None:
    import pycountry

    c = pycountry.countries.get(alpha_3=code)
    return str(c.alpha_3) if c else None


@dataclass
class ComtradeConverter:
    meta: RecordMeta
    header: list[str]
    log: FailureLog
    checks: LineChecks = field(init=False)
    dropped: dict[str, int] = field(default_factory=dict)
    _no_iso: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        h = set(self.header)
        fields = {"hs_code": "cmdCode", "value": "primaryValue", "quantity": "qty",
                  "quantity_unit": "qtyUnitAbbr" if "qtyUnitAbbr" in h else "qtyUnitCode",
                  "month": "refMonth" if "refMonth" in h else "period"}
        if "altQty" in h:
            fields["quantity2"] = "altQty"
        for c in ("cifvalue", "fobvalue"):
            if c in h:
                fields[c.replace("value", "_value")] = c
        self.checks = LineChecks(self.log, self.meta.hs_edition, fields, self.meta.period)

    def _drop(self, raw: pa.RecordBatch) -> pa.RecordBatch:
        """Leave out the rows that would count trade twice, counting each under its first reason."""
        import pyarrow as pa
        import pyarrow.compute as pc

        h = set(raw.schema.names)

        def cells(name: str) -> pa.Array:
            return pc.utf8_trim_whitespace(raw.column(name))

        rules: list[tuple[str, pa.Array]] = []
        if "partnerCode" in h:
            rules.append(("World rows (partnerCode 0)", pc.equal(cells("partnerCode"), "0")))
        if "partnerISO" in h:
            rules.append(("World rows (partnerCode 0)", pc.equal(cells("partnerISO"), "W00")))
        if "isAggregate" in h:
            rules.append(("aggregate rows (isAggregate true)",
                          pc.is_in(pc.utf8_lower(cells("isAggregate")), pa.array(["true", "1"]))))
        code = pc.replace_substring_regex(cells("cmdCode"), r"[.\s]", "")
        rules.append(("aggregate rows (cmdCode TOTAL or a 2- or 4-digit code)",
                      pc.or_(pc.equal(pc.utf8_upper(code), "TOTAL"), pc.match_substring_regex(code, r"^(\d{2}|\d{4})$"))))
        for col, total, what in (("motCode", "0", "mode of transport"), ("customsCode", "C00", "customs procedure"),
                                 ("partner2Code", "0", "second partner")):
            if col in h:
                v = cells(col)
                rules.append((f"breakdown rows by {what} ({col} not {total})",
                              pc.and_(pc.not_equal(v, total), pc.not_equal(v, ""))))
        rules.append(("rows of flows other than M, X, RM, RX",
                      pc.invert(pc.is_in(cells("flowCode"), pa.array(list(_FLOWS))))))
        keep = pa.repeat(pa.scalar(True), raw.num_rows)
        for reason, mask in rules:
            hit = pc.and_(keep, pc.fill_null(mask, False))
            n = pc.sum(hit).as_py() or 0
            if n:
                self.dropped[reason] = self.dropped.get(reason, 0) + n
                keep = pc.and_(keep, pc.invert(hit))
        return raw if pc.all(keep).as_py() else raw.filter(keep)

    def convert(self, raw: pa.RecordBatch) -> pa.RecordBatch:
        import pyarrow as pa
        import pyarrow.compute as pc

        raw = self._drop(raw)
        log, n, h = self.log, raw.num_rows, set(raw.schema.names)
        line_no = raw.column(LINE_NO)

        def cells(name: str) -> pa.Array:
            return pc.utf8_trim_whitespace(raw.column(name))

        out: dict[str, object] = {"batch_id": self.meta.batch_id, "line_no": line_no, "dataset": "comtrade",
                                  "period_kind": self.meta.period_kind, "hs_edition": self.meta.hs_edition,
                                  "currency": "USD"}
        # period
        annual = self.meta.period_kind == PeriodKind.CUMULATIVE.value
        if "refYear" in h and "refMonth" in h:
            year_txt, month_txt, month_col = cells("refYear"), cells("refMonth"), "refMonth"
        else:
            p = cells("period")
            year_txt, month_txt, month_col = pc.utf8_slice_codeunits(p, 0, 4), pc.utf8_slice_codeunits(p, 4, 6), "period"
            if annual:
                month_txt = pc.if_else(pc.equal(pc.utf8_length(p), 4), pa.scalar("52"), month_txt)
        y_ok = pc.match_substring_regex(year_txt, r"^\d{4}$")
        m_ok = pc.match_substring_regex(month_txt, r"^(52)$" if annual else r"^(0?[1-9]|1[0-2])$")
        ok = pc.and_(y_ok, m_ok)
        log.where(pc.invert(ok), line_no, pc.binary_join_element_wise(year_txt, month_txt, "/"), month_col,
                  "an annual file's rows must all be annual (refMonth 52)" if annual
                  else "not a month: refYear must be a year and refMonth 1-12 (or period YYYYMM)", Reason.BAD_VALUE)
        out["year"] = pc.cast(pc.if_else(ok, year_txt, pa.scalar(None, pa.string())), pa.int32())
        out["month"] = (pa.repeat(pa.scalar(12, pa.int32()), n) if annual
                        else pc.cast(pc.if_else(ok, month_txt, pa.scalar(None, pa.string())), pa.int32()))
        out["flow"] = map_unique(cells("flowCode"), lambda v: _FLOWS.get(v), pa.string())
        # reporter and partner
        out["reporter"] = self._country(raw, "reporter", line_no, required=True)
        out["partner_code"] = text_or_null(raw.column("partnerCode")) if "partnerCode" in h else \
            text_or_null(raw.column("partnerISO"))
        out["partner_iso3"] = self._country(raw, "partner", line_no, required=False)
        # commodity
        hs = parse_hs_code(raw.column("cmdCode"), line_no, log, "cmdCode")
        out["hs_code"], out["hs6"], out["hs_chapter"] = hs, pc.utf8_slice_codeunits(hs, 0, 6), pc.utf8_slice_codeunits(hs, 0, 2)
        if "cmdDesc" in h:
            out["commodity_name"] = text_or_null(raw.column("cmdDesc"))
        if "classificationCode" in h:
            cls = cells("classificationCode")
            edition = map_unique(cls, lambda v: _EDITION.get(v, ""), pa.string())
            wrong = pc.and_(pc.not_equal(edition, self.meta.hs_edition), pc.not_equal(cls, ""))
            log.where(wrong, line_no, cls, "classificationCode",
                      f"the row's classification is not the batch's edition {self.meta.hs_edition}", Reason.INCONSISTENT)
        # quantities and values
        # a unit without its quantity says nothing: null (Comtrade prints altQtyUnitAbbr even when altQty is empty)
        qty = parse_decimal(raw.column("qty"), 3, line_no, log, "qty", required=False)
        out["quantity"] = qty
        out["quantity_unit"] = pc.if_else(pc.is_null(qty), pa.scalar(None, pa.string()),
                                          self._unit(raw, "qtyUnitAbbr", "qtyUnitCode"))
        if "altQty" in h:
            qty2 = parse_decimal(raw.column("altQty"), 3, line_no, log, "altQty", required=False)
            out["quantity2"] = qty2
            out["quantity2_unit"] = pc.if_else(pc.is_null(qty2), pa.scalar(None, pa.string()),
                                               self._unit(raw, "altQtyUnitAbbr", "altQtyUnitCode"))
        out["value"] = parse_decimal(raw.column("primaryValue"), 2, line_no, log, "primaryValue", required=True)
        for c in ("cifvalue", "fobvalue"):
            if c in h:
                out[c.replace("value", "_value")] = parse_decimal(raw.column(c), 2, line_no, log, c, required=False)
        return assemble(n, out)

    def _unit(self, raw: pa.RecordBatch, abbr: str, code: str) -> pa.Array:
        import pyarrow as pa
        import pyarrow.compute as pc

        name = abbr if abbr in raw.schema.names else code
        if name not in raw.schema.names:
            return pa.nulls(raw.num_rows, pa.string())
        t = pc.utf8_trim_whitespace(raw.column(name))
        return pc.if_else(pc.is_in(t, pa.array(sorted(_NO_UNIT))), pa.scalar(None, pa.string()), t)

    def _country(self, raw: pa.RecordBatch, who: str, line_no: pa.Array, *, required: bool) -> pa.Array:
        import pyarrow as pa
        import pyarrow.compute as pc

        h = raw.schema.names
        iso = (map_unique(pc.utf8_trim_whitespace(raw.column(f"{who}ISO")), _iso3, pa.string())
               if f"{who}ISO" in h else pa.nulls(raw.num_rows, pa.string()))
        if f"{who}Code" in h:
            from_m49 = map_unique(pc.utf8_trim_whitespace(raw.column(f"{who}Code")), iso3_from_m49, pa.string())
            iso = pc.coalesce(iso, from_m49)
        shown = raw.column(f"{who}Code") if f"{who}Code" in h else raw.column(f"{who}ISO")
        if required:
            self.log.where(pc.is_null(iso), line_no, shown, f"{who}Code" if f"{who}Code" in h else f"{who}ISO",
                           "not a country code pycountry knows (M49 number or ISO3)", Reason.UNKNOWN_CODE)
        else:
            for item in pc.value_counts(pc.filter(shown, pc.is_null(iso))).to_pylist():
                self._no_iso[str(item["values"])] = self._no_iso.get(str(item["values"]), 0) + item["counts"]
        return iso

    def warnings(self) -> list[str]:
        out = [f"dropped {n} {reason}" for reason, n in self.dropped.items()]
        if self._no_iso:
            shown = ", ".join(f"{k} ({v})" for k, v in sorted(self._no_iso.items()))
            out.append(f"partners that are areas, not countries, kept without an ISO3 code: {shown}")
        return out
