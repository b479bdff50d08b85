"""Record sets over HTTP: the batches with their sources, the current trade lines, and an indicator computed
from them (sectorscope.records).

Why amounts are strings: a line's value is an exact decimal (DECIMAL(20, 2) in the Parquet files) and a sum of
value × share carries more decimals still; a JSON number is read as a double by most clients, which changes the
cents of large sums. So every decimal is sent as its exact decimal text (`"12345.60"`, never exponent notation)
and ratios that the library computes as doubles (shares, HHI, unit values, gaps) as JSON numbers.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from .base import ApiModel, Int, Str

__all__ = [
    "DECIMAL_PATTERN",
    "AggregateColumn",
    "AggregatePage",
    "ConcordanceRef",
    "DecimalText",
    "OptDecimalText",
    "RecordBatch",
    "RecordBatchList",
    "RecordLine",
    "RecordLinePage",
    "RecordSource",
    "TradePartner",
    "TradePartnerList",
    "TradeProvince",
    "TradeProvinceList",
]

DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
DecimalText = Annotated[str, Field(pattern=DECIMAL_PATTERN, description="An exact decimal as text (e.g. \"12345.60\"); "
                                                                     "parse it as a decimal, not a float")]
OptDecimalText = Annotated[str | None, Field(pattern=DECIMAL_PATTERN, description="An exact decimal as text, or null")]


class RecordSource(ApiModel):
    """The file a batch was read from (its name only, never the server's path) and who published it."""

    file: str
    sha256: Str
    bytes: Int
    publisher: Str
    release_date: date | None
    retrieved_at: Str


class RecordBatch(ApiModel):
    """One committed batch of trade lines: a vintage of the record set."""

    batch_id: str
    dataset: str
    vintage_id: int
    loaded_at: Str
    source: RecordSource
    hs_edition: str
    currency: str
    grain: list[str] = Field(description="The dimensions the batch breaks its lines down by (partner, commodity, "
                                         "trade_mode, province); a dimension it lacks is null in its lines (all)")
    period_kind: str
    period_from: Str
    period_to: Str
    n_lines: int
    n_files: int
    cells_superseded: int = Field(description="Cells (flow, year, month, HS chapter) of this batch that later "
                                              "corrections replaced")


class RecordBatchList(ApiModel):
    batches: list[RecordBatch]


class RecordLine(ApiModel):
    """One trade line as stored (the record layer's LINE_SCHEMA); amounts and quantities as exact decimal text."""

    batch_id: str
    line_no: int
    dataset: str
    reporter: str
    flow: str
    period_kind: str
    year: int
    month: int
    hs_edition: str
    hs_code: str
    hs6: str
    hs_chapter: str
    commodity_name: Str
    partner_code: Str
    partner_iso3: Str
    trade_mode: Str
    province: Str
    quantity: OptDecimalText
    quantity_unit: Str
    quantity2: OptDecimalText
    quantity2_unit: Str
    value: DecimalText
    currency: str
    cif_value: OptDecimalText
    fob_value: OptDecimalText
    share: OptDecimalText = Field(None, description="With `figure`: the part of the line's value that counts for the "
                                                    "figure (its concordance row's share); otherwise null")


class RecordLinePage(ApiModel):
    """A page of the current lines in (batch_id, line_no) order, and how many lines match in all."""

    dataset: str
    total: int = Field(description="Lines matching the filters, all pages together")
    offset: int
    limit: int
    count: int
    items: list[RecordLine]


class AggregateColumn(ApiModel):
    name: str
    type: Literal["text", "integer", "decimal", "double", "boolean"] = Field(
        description="decimal: exact decimal text; double: a JSON number")


class ConcordanceRef(ApiModel):
    """The concordance the lines were mapped with, to cite beside the figures."""

    file: str
    version: str
    version_id: str


class AggregatePage(ApiModel):
    """A page of one indicator's rows, ordered by their key columns; `columns` names and types every field of
    the rows (the columns differ by indicator)."""

    dataset: str
    indicator: str
    grain: Str
    by: list[str]
    concordance: ConcordanceRef
    total: int = Field(description="Rows of the indicator after the filters, all pages together")
    offset: int
    limit: int
    count: int
    columns: list[AggregateColumn]
    items: list[dict[str, str | int | float | bool | None]] = Field(
        description="The rows, each with every column of `columns`: decimal columns as exact decimal text, double "
                    "columns as JSON numbers (null where the ratio has no divisor)")


class TradePartner(ApiModel):
    """A China Customs partner code (贸易伙伴编码) and how to name it: customs' own Chinese name, the English name
    of its ISO 3166-1 country (none for residual regions such as 亚洲其他国家(地区)), the names a file may give
    it instead (aliases), and what it is."""

    code: str = Field(description="Customs' partner code: the `partner_code` of a line, and a value of the lines' "
                                  "`partner` filter")
    name_zh: str
    name_en: str | None
    iso3: str | None = Field(description="ISO 3166-1 alpha-3 (also accepted by the `partner` filter); null for a "
                                         "residual region, 'unknown' or an organisation")
    aliases_zh: list[str]
    kind: Literal["country", "territory", "residual", "unknown", "org"]
    continent: str


class TradePartnerList(ApiModel):
    partners: list[TradePartner]


class TradeProvince(ApiModel):
    """A mainland province as the lines' `province` holds it: the two-digit GB/T 2260 prefix of customs'
    注册地编码, with its full and short Chinese names."""

    code: str = Field(description="GB/T 2260 two-digit prefix: the `province` of a line and of the lines' filter")
    name_zh: str
    short_zh: str


class TradeProvinceList(ApiModel):
    provinces: list[TradeProvince]
