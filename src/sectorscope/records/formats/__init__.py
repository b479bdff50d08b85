"""Record files as analysts get them — China Customs statistics exports and UN Comtrade bulk files — read into
canonical trade lines (records.schema.LINE_SCHEMA), a chunk at a time, with every line checked.

    rf = read_records("2025-01-03 进口.csv", batch_id="cn-2025q1-m", hs_edition="HS2022", flow="import")
    for chunk in rf.chunks():   # pyarrow.RecordBatch, exactly LINE_SCHEMA
        ...                     # e.g. write to a staging Parquet file
    rf.check()                  # ValidationError with every failure; commit only when it passes

A file-level problem (an unknown header layout, both 美元 and 人民币, a cumulative file without a declared
period, text in neither UTF-8 nor GB18030) raises InputError naming the file at once; row-level problems are
collected in `rf.failures` as the chunks are read.
"""
from __future__ import annotations

from pathlib import Path

from ...errors import InputError, Reason, UsageError
from ..nomenclature import EDITIONS
from ._record import RecordFile, RecordMeta

__all__ = ["FORMATS", "RecordFile", "RecordMeta", "read_records", "sniff_format"]

FORMATS = ("customs_cn", "comtrade")


def sniff_format(header: list[str]) -> str | None:
    """customs_cn, comtrade or None, from a file's header row."""
    from .comtrade import looks_like_comtrade
    from .customs_cn import looks_like_customs

    if looks_like_customs(header):
        return "customs_cn"
    if looks_like_comtrade(header):
        return "comtrade"
    return None


def read_records(path: str | Path, *, fmt: str | None = None, batch_id: str, hs_edition: str,
                 flow: str | None = None, period: tuple[int, int, int] | None = None,
                 currency: str | None = None, publisher: str = "", chunk_rows: int = 500_000) -> RecordFile:
    """Open a record file as a batch of trade lines (see the package docstring). `fmt` is sniffed from the
    header when None; `flow` is the flow of a file without a flow column; `period` (year, first month, last
    month) is what the batch covers — required for a cumulative customs file, and when given every line's
    month must lie in it."""
    from ._source import open_source

    p = Path(path)
    file = str(path)
    if hs_edition not in EDITIONS:
        raise UsageError(f"hs_edition must be one of {', '.join(EDITIONS)}, not {hs_edition!r}")
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"fmt must be one of {', '.join(FORMATS)} (or None to tell from the header), not {fmt!r}")
    if period is not None:
        y, a, b = period
        if not (1 <= a <= b <= 12) or y < 1900:
            raise UsageError(f"period must be (year, first month, last month) with 1 <= first <= last <= 12, not {period}")
    if not batch_id:
        raise UsageError("batch_id must not be empty")
    src = open_source(p, file)
    kind = fmt or sniff_format(src.header)
    if kind is None:
        shown = ", ".join(h for h in src.header[:12] if h) or "no names"
        raise InputError(f"unknown header layout ({shown}): neither a China Customs export (商品编码, 美元/人民币 …) "
                         "nor a UN Comtrade file (cmdCode, primaryValue …)", file=file, reason=Reason.WRONG_SHAPE)
    if kind == "customs_cn":
        from .customs_cn import CustomsConverter, customs_meta

        meta = customs_meta(src, batch_id=batch_id, hs_edition=hs_edition, flow=flow, period=period,
                            currency=currency, publisher=publisher)
        return RecordFile(meta, src, lambda m, log: CustomsConverter(m, src.header, log, flow), chunk_rows, flow)
    from .comtrade import ComtradeConverter, comtrade_meta

    meta = comtrade_meta(src, batch_id=batch_id, hs_edition=hs_edition, period=period, currency=currency,
                         publisher=publisher)
    return RecordFile(meta, src, lambda m, log: ComtradeConverter(m, src.header, log), chunk_rows, flow)
