"""Writers of the record-file fixtures: the same hand-made customs lines as a GB18030 CSV (千分位 amounts, a
trailing comma), a UTF-8-BOM CSV, an XLSX workbook, a 人民币 variant and a 累计 (cumulative) variant; and a UN
Comtrade sample with the 47 columns, including World and aggregate rows that must be dropped.

All data here is synthetic (no licensed public customs extract exists, plan19.md §7); the numbers are chosen
so that the expected lines can be written down by hand.
"""
from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

CUSTOMS_HEADER = ["数据年月", "商品编码", "商品名称", "贸易伙伴编码", "贸易伙伴名称", "第一数量", "第一计量单位",
                  "第二数量", "第二计量单位"]


@dataclass(frozen=True)
class CustomsRow:
    yyyymm: str
    code: str  # as printed
    name: str
    partner: str
    partner_name: str
    q1: str  # as printed ('' for none)
    u1: str
    q2: str
    u2: str
    usd: int
    cny: int


# Imports, January to March 2025; four HS8 codes under 850110, 903180, 854151 and 854800; six partners.
ROWS: list[CustomsRow] = [
    CustomsRow("202501", "85011010", "微电机", "116", "日本", "1200", "台", "360.5", "千克", 1_234_567, 8_641_969),
    CustomsRow("202501", "85011010", "微电机", "304", "德国", "300", "台", "90", "千克", 456_000, 3_192_000),
    CustomsRow("202501", "85011010", "微电机", "502", "美国", "150", "台", "", "", 210_500, 1_473_500),
    CustomsRow("202501", "90318090", "其他测量仪器", "116", "日本", "40", "台", "12.25", "千克", 2_500_000, 17_500_000),
    CustomsRow("202501", "85415100", "半导体换能器", "110", "中国香港", "100000", "个", "3.5", "千克", 98_765, 691_355),
    CustomsRow("202501", "85480000", "电气零件", "143", "中国台湾", "2500.125", "千克", "", "", 1_000, 7_000),
    CustomsRow("202501", "85480000", "电气零件", "199", "亚洲其他国家(地区)", "10", "千克", "", "", 75, 525),
    CustomsRow("202502", "85011010", "微电机", "116", "日本", "1000", "台", "300", "千克", 1_100_000, 7_700_000),
    CustomsRow("202502", "85011010", "微电机", "304", "德国", "250", "台", "80", "千克", 380_000, 2_660_000),
    CustomsRow("202502", "90318090", "其他测量仪器", "502", "美国", "22", "台", "6", "千克", 1_750_250, 12_251_750),
    CustomsRow("202502", "85415100", "半导体换能器", "110", "中国香港", "80000", "个", "2.8", "千克", 80_001, 560_007),
    CustomsRow("202502", "85480000", "电气零件", "143", "中国台湾", "1999.5", "千克", "", "", 900, 6_300),
    CustomsRow("202502", "85480000", "电气零件", "116", "日本", "30", "千克", "", "", 12_345_678, 86_419_746),
    CustomsRow("202503", "85011010", "微电机", "116", "日本", "1500", "台", "450", "千克", 1_500_000, 10_500_000),
    CustomsRow("202503", "85011010", "微电机", "502", "美国", "100", "台", "30", "千克", 140_000, 980_000),
    CustomsRow("202503", "90318090", "其他测量仪器", "304", "德国", "35", "台", "10", "千克", 2_100_000, 14_700_000),
    CustomsRow("202503", "85415100", "半导体换能器", "116", "日本", "120000", "个", "4.2", "千克", 120_000, 840_000),
    CustomsRow("202503", "85415100", "半导体换能器", "199", "亚洲其他国家(地区)", "5000", "个", "0.2", "千克", 5_000, 35_000),
    CustomsRow("202503", "85480000", "电气零件", "143", "中国台湾", "3000", "千克", "", "", 1_200, 8_400),
    CustomsRow("202503", "85480000", "电气零件", "502", "美国", "5", "千克", "", "", 999, 6_993),
]

# partner code → ISO3, written down by hand (the table says the same; the test checks the reader against this)
PARTNER_ISO3 = {"116": "JPN", "304": "DEU", "502": "USA", "110": "HKG", "143": "TWN", "199": None}


def thousands(n: int) -> str:
    return f"{n:,}"


def customs_cells(row: CustomsRow, *, currency: str = "美元", monthly: bool = True) -> list[str]:
    amount = row.usd if currency == "美元" else row.cny
    q1 = thousands(int(row.q1)) if row.q1.isdigit() else row.q1
    cells = [row.code, row.name, row.partner, row.partner_name, q1, row.u1, row.q2, row.u2, thousands(amount)]
    return ([row.yyyymm] if monthly else []) + cells


def write_customs_csv(path: Path, rows: Sequence[CustomsRow] = ROWS, *, encoding: str = "gb18030",
                      currency: str = "美元", trailing_comma: bool = True, monthly: bool = True,
                      header: list[str] | None = None, extra: Sequence[Sequence[str]] = ()) -> Path:
    """A customs export as CSV: amounts with thousands separators (quoted), a trailing empty column."""
    head = header or ([h for h in CUSTOMS_HEADER if monthly or h != "数据年月"] + [currency])
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(head + ([""] if trailing_comma else []))
        for r in rows:
            w.writerow(customs_cells(r, currency=currency, monthly=monthly) + ([""] if trailing_comma else []))
        for cells in extra:
            w.writerow(list(cells) + ([""] if trailing_comma else []))
    return path


def write_customs_xlsx(path: Path, rows: Sequence[CustomsRow] = ROWS, *, currency: str = "美元") -> Path:
    """The same export as an XLSX workbook: amounts and quantities as numbers, codes as text."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*CUSTOMS_HEADER, currency])
    for r in rows:
        amount = r.usd if currency == "美元" else r.cny
        ws.append([r.yyyymm, r.code, r.name, r.partner, r.partner_name, _num(r.q1), r.u1, _num(r.q2), r.u2 or None,
                   amount])
    wb.save(path)
    return path


def _num(text: str) -> int | float | None:
    if not text:
        return None
    return int(text) if text.isdigit() else float(text)


def expected_line(row: CustomsRow, line_no: int, *, batch_id: str = "b1", currency: str = "USD",
                  flow: str = "import", period_kind: str = "monthly", month: int | None = None) -> dict:
    """The canonical line a customs row must become, written out field by field."""
    return {
        "batch_id": batch_id, "line_no": line_no, "dataset": "customs_cn", "reporter": "CHN", "flow": flow,
        "period_kind": period_kind, "year": int(row.yyyymm[:4]),
        "month": month if month is not None else int(row.yyyymm[4:]), "hs_edition": "HS2022",
        "hs_code": row.code, "hs6": row.code[:6], "hs_chapter": row.code[:2], "commodity_name": row.name,
        "partner_code": row.partner, "partner_iso3": PARTNER_ISO3[row.partner], "trade_mode": None,
        "province": None, "quantity": Decimal(row.q1).quantize(Decimal("0.001")), "quantity_unit": row.u1,
        "quantity2": Decimal(row.q2).quantize(Decimal("0.001")) if row.q2 else None,
        "quantity2_unit": row.u2 or None,
        "value": Decimal(row.usd if currency == "USD" else row.cny).quantize(Decimal("0.01")),
        "currency": currency, "cif_value": None, "fob_value": None,
    }


# ---- UN Comtrade ------------------------------------------------------------------------------------------
COMTRADE_HEADER = [
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period", "reporterCode", "reporterISO",
    "reporterDesc", "flowCode", "flowDesc", "partnerCode", "partnerISO", "partnerDesc", "partner2Code",
    "partner2ISO", "partner2Desc", "classificationCode", "classificationSearchCode",
    "isOriginalClassification", "cmdCode", "cmdDesc", "aggrLevel", "isLeaf", "customsCode", "customsDesc",
    "mosCode", "motCode", "motDesc", "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated", "altQtyUnitCode",
    "altQtyUnitAbbr", "altQty", "isAltQtyEstimated", "netWgt", "isNetWgtEstimated", "grossWgt",
    "isGrossWgtEstimated", "cifvalue", "fobvalue", "primaryValue", "legacyEstimationFlag", "isReported",
    "isAggregate",
]

_COUNTRY = {"156": ("CHN", "China"), "392": ("JPN", "Japan"), "276": ("DEU", "Germany"), "842": ("USA", "USA"),
            "0": ("W00", "World")}


@dataclass(frozen=True)
class ComtradeRow:
    reporter: str  # M49
    flow: str  # M, X, …
    partner: str  # M49
    cmd: str
    qty: str
    unit_code: str
    unit: str
    cif: str
    fob: str
    primary: str
    mot: str = "0"
    customs: str = "C00"
    partner2: str = "0"
    aggregate: str = "False"
    month: str = "1"


COMTRADE_ROWS: list[ComtradeRow] = [
    # kept: China's imports from Japan, Germany and the USA (CIF), and Japan's and Germany's exports to China (FOB)
    ComtradeRow("156", "M", "392", "850110", "120000", "5", "u", "15000000.5", "", "15000000.5"),
    ComtradeRow("156", "M", "276", "850110", "30000", "5", "u", "4500000", "", "4500000"),
    ComtradeRow("156", "M", "842", "850110", "15000", "5", "u", "2100000.25", "", "2100000.25"),
    ComtradeRow("156", "M", "392", "854151", "2500000", "5", "u", "3000000", "", "3000000"),
    ComtradeRow("156", "M", "276", "903180", "1200", "5", "u", "8800000", "", "8800000"),
    ComtradeRow("156", "M", "842", "903180", "900", "5", "u", "7200000.75", "", "7200000.75"),
    ComtradeRow("392", "X", "156", "850110", "118000", "5", "u", "", "14500000", "14500000"),
    ComtradeRow("276", "X", "156", "903180", "1150", "5", "u", "", "8400000.4", "8400000.4"),
    ComtradeRow("156", "RM", "392", "854151", "100", "5", "u", "2000", "", "2000"),
    # dropped: World, aggregates, breakdowns, a partial flow
    ComtradeRow("156", "M", "0", "850110", "165000", "5", "u", "21600000.75", "", "21600000.75"),
    ComtradeRow("156", "M", "392", "TOTAL", "", "-1", "N/A", "99000000", "", "99000000", aggregate="True"),
    ComtradeRow("156", "M", "392", "8501", "120000", "5", "u", "15000000.5", "", "15000000.5"),
    ComtradeRow("156", "M", "392", "850110", "100000", "5", "u", "12000000", "", "12000000", mot="1000"),
    ComtradeRow("156", "M", "392", "850110", "20000", "5", "u", "3000000.5", "", "3000000.5", customs="C01"),
    ComtradeRow("156", "M", "392", "850110", "1000", "5", "u", "100000", "", "100000", partner2="410"),
    ComtradeRow("156", "FM", "392", "850110", "1000", "5", "u", "100000", "", "100000"),
]


def comtrade_cells(r: ComtradeRow) -> list[str]:
    rep_iso, rep_desc = _COUNTRY[r.reporter]
    par_iso, par_desc = _COUNTRY[r.partner]
    flow_desc = {"M": "Import", "X": "Export", "RM": "Re-import", "FM": "Foreign import"}[r.flow]
    values = {
        "typeCode": "C", "freqCode": "M", "refPeriodId": f"2025{int(r.month):02d}01", "refYear": "2025",
        "refMonth": r.month, "period": f"2025{int(r.month):02d}", "reporterCode": r.reporter,
        "reporterISO": rep_iso, "reporterDesc": rep_desc, "flowCode": r.flow, "flowDesc": flow_desc,
        "partnerCode": r.partner, "partnerISO": par_iso, "partnerDesc": par_desc, "partner2Code": r.partner2,
        "partner2ISO": "W00" if r.partner2 == "0" else "KOR", "partner2Desc": "World",
        "classificationCode": "H6", "classificationSearchCode": "HS", "isOriginalClassification": "True",
        "cmdCode": r.cmd, "cmdDesc": f"desc {r.cmd}", "aggrLevel": str(len(r.cmd)) if r.cmd.isdigit() else "0",
        "isLeaf": "True", "customsCode": r.customs, "customsDesc": "TOTAL CPC", "mosCode": "0", "motCode": r.mot,
        "motDesc": "TOTAL MOT", "qtyUnitCode": r.unit_code, "qtyUnitAbbr": r.unit, "qty": r.qty,
        "isQtyEstimated": "False", "altQtyUnitCode": "8", "altQtyUnitAbbr": "kg", "altQty": "",
        "isAltQtyEstimated": "False", "netWgt": "", "isNetWgtEstimated": "False", "grossWgt": "",
        "isGrossWgtEstimated": "False", "cifvalue": r.cif, "fobvalue": r.fob, "primaryValue": r.primary,
        "legacyEstimationFlag": "0", "isReported": "True", "isAggregate": r.aggregate,
    }
    return [values[h] for h in COMTRADE_HEADER]


def write_comtrade(path: Path, rows: Sequence[ComtradeRow] = COMTRADE_ROWS, *, delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
        w.writerow(COMTRADE_HEADER)
        for r in rows:
            w.writerow(comtrade_cells(r))
    return path
