"""The canonical trade line: what every record format (China Customs exports, UN Comtrade bulk files) is read
into, what the Parquet partitions hold, and what the indicator expressions read — on DuckDB and on Spark.

Why these types: a figure computed from records must be the same figure on both engines, to the last digit.
Amounts are DECIMAL (customs prints whole yuan or dollars, Comtrade cents), so sums are exact on both engines
and nothing is divided before it is summed; codes are text (HS codes and customs partner codes keep their
leading zeros); no unsigned integers (Spark reads them as other types). The partition columns (`year`,
`month`, `hs_chapter`) are ordinary columns of every file, written with DuckDB's WRITE_PARTITION_COLUMNS,
because a partition value read back from a folder name is typed by guess (`hs_chapter=01` came back as the
integer 1).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import ibis
import ibis.expr.datatypes as dt

__all__ = [
    "AMOUNT",
    "DATASETS",
    "LINE_SCHEMA",
    "PARTITION_COLUMNS",
    "QUANTITY",
    "BatchMeta",
    "Flow",
    "Grain",
    "PeriodKind",
]

AMOUNT = dt.Decimal(20, 2)  # value in the batch's currency: exact sums on both engines
QUANTITY = dt.Decimal(20, 3)  # quantities as printed (customs prints up to three decimals)

DATASETS = ("customs_cn", "comtrade")


class Flow(StrEnum):
    """Direction of a line, from the reporter's side."""

    IMPORT = "import"
    EXPORT = "export"
    RE_IMPORT = "re_import"
    RE_EXPORT = "re_export"


class PeriodKind(StrEnum):
    """What a line's period covers: one month, or January to that month (customs' 累计 tables)."""

    MONTHLY = "monthly"
    CUMULATIVE = "cumulative"


class Grain(StrEnum):
    """A dimension a batch breaks its lines down by. China Customs' query platform groups by at most two of
    partner, commodity, trade mode and province; a dimension a batch does not have is null in its lines and
    means "all", so batches of different grain are never added together."""

    PARTNER = "partner"
    COMMODITY = "commodity"
    TRADE_MODE = "trade_mode"
    PROVINCE = "province"


LINE_SCHEMA = ibis.schema(
    {
        "batch_id": dt.string,  # the batch the line came in (a vintage of the record set)
        "line_no": dt.int64,  # the line's row in its source file (header = row 1), to cite and to list it
        "dataset": dt.string,  # DATASETS
        "reporter": dt.string,  # ISO 3166-1 alpha-3 of the reporting country (CHN for China Customs)
        "flow": dt.string,  # Flow
        "period_kind": dt.string,  # PeriodKind (after loading every stored line is monthly; see cumulative.py)
        "year": dt.int32,
        "month": dt.int32,  # 1-12
        "hs_edition": dt.string,  # HS2012, HS2017, HS2022
        "hs_code": dt.string,  # digits only, 6, 8 or 10 of them
        "hs6": dt.string,  # its first six digits
        "hs_chapter": dt.string,  # its first two digits
        "commodity_name": dt.String(nullable=True),  # as the file prints it (商品名称 / cmdDesc)
        "partner_code": dt.String(nullable=True),  # customs partner code (e.g. 116) or M49 for Comtrade; null: all
        "partner_iso3": dt.String(nullable=True),  # null for residual regions (亚洲其他国家(地区)) and "all"
        "trade_mode": dt.String(nullable=True),  # null: all trade modes
        "province": dt.String(nullable=True),  # 注册地: GB/T 2260 two-digit code; null: all provinces
        "quantity": dt.Decimal(20, 3, nullable=True),  # first (statutory) quantity
        "quantity_unit": dt.String(nullable=True),  # its unit as printed (千克, 台, 个 …; Comtrade qtyUnitAbbr)
        "quantity2": dt.Decimal(20, 3, nullable=True),
        "quantity2_unit": dt.String(nullable=True),
        "value": AMOUNT,  # in `currency`; for Comtrade the primary value (CIF for imports, FOB for exports)
        "currency": dt.string,  # USD or CNY
        "cif_value": dt.Decimal(20, 2, nullable=True),  # Comtrade only
        "fob_value": dt.Decimal(20, 2, nullable=True),
    }
)

PARTITION_COLUMNS = ("year", "month", "hs_chapter")


@dataclass(frozen=True)
class BatchMeta:
    """Where a batch of lines came from: it is cited by every figure computed from it."""

    batch_id: str
    dataset: str
    source_file: str
    sha256: str
    publisher: str
    hs_edition: str
    currency: str
    grain: tuple[str, ...]  # Grain values, sorted
    period_kind: str
    release_date: date | None = None
    retrieved_at: datetime | None = None
    supersedes: tuple[str, ...] = field(default=())  # batch ids whose cells (flow, year, month, chapter) it replaces
