"""The SDMX side of the export: the observations as SDMX-CSV, and their structure as an SDMX-ML message.

SDMX-CSV version 2.0 by default (the version the sdmx1 client reads; SDMX 3.0's), 1.0 on request (first
column DATAFLOW, for SDMX 2.1 tools). The key of an SDMX observation must be unique, and the same indicator
and period can be stated by several sources and by several passages of one source, so the dimensions are the
store's figure key: indicator, the eight dimensions, SOURCE and LOCATION (the passage), then TIME_PERIOD. An
empty dimension is "_Z" (SDMX's "not applicable"). The structure (codelists, concepts, the data structure
definition and the dataflow SECTORSCOPE:OBSERVATIONS(1.0)) is written beside the data as an SDMX-ML 2.1
structure message, `<name>.structure.xml`, by `sdmx_structure` with the standard library. SDMX-CSV is a
machine format and is never formula-guarded.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import ibis
import ibis.expr.types as ir

from ..present import heading
from ..store import AsOf, Store
from .files import atomic_path, ids_text, write_csv

__all__ = [
    "SDMX_AGENCY",
    "SDMX_ATTRIBUTES",
    "SDMX_DIMENSIONS",
    "SDMX_FLOW",
    "SDMX_MISSING",
    "SDMX_VERSIONS",
    "sdmx_structure",
    "sdmx_time_period",
    "structure_path",
    "write_sdmx_csv",
]

SDMX_VERSIONS = ("2.0", "1.0")
SDMX_AGENCY = "SECTORSCOPE"
SDMX_FLOW = f"{SDMX_AGENCY}:OBSERVATIONS(1.0)"
SDMX_MISSING = "_Z"  # SDMX's code for "not applicable", used for an empty dimension
_DSD_ID, _FLOW_ID, _SCHEME_ID, _VERSION = "DSD_OBSERVATIONS", "OBSERVATIONS", "CS_OBSERVATIONS", "1.0"
# (SDMX id, store column, English name, Chinese name)
SDMX_DIMENSIONS = (
    ("INDICATOR", "indicator", "Indicator", "指标"),
    ("SUBJECT", "subject", "Market or segment", "市场/细分"),
    ("REGION", "region", "Region", "地区"),
    ("PRODUCT", "product", "Product", "产品"),
    ("APPLICATION", "application", "Application", "应用领域"),
    ("COMPANY", "company", "Company", "企业"),
    ("COUNTRY", "country", "Country", "国家"),
    ("TIER", "tier", "Tier", "档位"),
    ("SCENARIO", "scenario", "Scenario", "情景"),
    ("SOURCE", "source_id", "Source", "来源"),
    ("LOCATION", "location", "Location in the source (the passage)", "来源中的位置"),
)
# (SDMX id, store column, English name, Chinese name, SDMX text type or codelist id)
SDMX_ATTRIBUTES = (
    ("UNIT_MEASURE", "unit", "Canonical unit", "标准单位", "String"),
    ("OBS_STATUS", "status", "Status", "状态", "CL_OBS_STATUS"),
    ("QUALIFIER", "qualifier", "Qualifier", "限定", "CL_QUALIFIER"),
    ("VALUE_HIGH", "value_high", "High value of a range", "区间上限", "Double"),
    ("VALUE_AS_PRINTED", "value_as_printed", "Value as printed", "原文数值", "String"),
    ("UNIT_AS_PRINTED", "unit_as_printed", "Unit as printed", "原文单位", "String"),
    ("QUOTE", "quote", "Quoted span", "引文", "String"),
    ("LO80", "lo80", "80% interval, low", "80%区间下限", "Double"),
    ("HI80", "hi80", "80% interval, high", "80%区间上限", "Double"),
    ("LO95", "lo95", "95% interval, low", "95%区间下限", "Double"),
    ("HI95", "hi95", "95% interval, high", "95%区间上限", "Double"),
    ("METHOD", "method", "Method", "方法", "String"),
    ("FORMULA", "formula", "Formula", "公式", "String"),
    ("INPUT_IDS", "input_ids", "Input figure ids (JSON array)", "输入数据编号(JSON数组)", "String"),
    ("OBS_ID", "obs_id", "sectorscope figure id", "数据编号", "Long"),
    ("VINTAGE_ID", "vintage_id", "Vintage", "数据版本", "Long"),
)
_STATUSES = ("actual", "estimate", "forecast", "target", "derived")
_QUALIFIERS = ("exact", "about", "at_least", "at_most", "range")


def _code_names(group: str, codes: Sequence[str]) -> list[tuple[str, str, str]]:
    """A code list's (code, English name, Chinese name): the glossary's words, as headings (Actual, At least)."""
    return [(code, heading(code, "en", group), heading(code, "zh", group)) for code in codes]


_SDMX_ID = re.compile(r"[A-Za-z0-9_@$\-]+")  # SDMX 2.1 IDType


def structure_path(path: str | Path) -> Path:
    """Where the SDMX structure of data file `path` goes: `x.sdmx.csv` → `x.structure.xml`."""
    p = Path(path)
    stem = p.name
    for suffix in (".sdmx.csv", ".csv"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return p.with_name(f"{stem}.structure.xml")


def write_sdmx_csv(store: Store, t: ir.Table, target: Path, *, as_of: AsOf, vintage_id: int | None,
                   version: str) -> tuple[int, Path]:
    """Write the rows of `t` to `target` as SDMX-CSV `version`, and their structure beside it
    (`structure_path`); both files or neither. Returns the row count and the structure's path."""
    structure = structure_path(target)
    xml = sdmx_structure(_indicator_names(store, as_of, t), prepared=_prepared(store, vintage_id),
                         vintage_id=vintage_id)
    with atomic_path(structure) as tmp_structure:
        tmp_structure.write_bytes(xml)
        table = _sdmx_table(t, version)
        rows = write_csv(table, target, header=tuple(table.columns), bom=False)
    return rows, structure


def sdmx_time_period(period: str) -> str:
    """A store period as an SDMX TIME_PERIOD: 2025, 2025-Q3, 2025-03, a span 2025/2030 as the time range
    2025-01-01/P6Y (six years from the start of 2025), and a span of months 2025-01/2025-05 (1–5月) as
    2025-01-01/P5M."""
    if len(period) >= 6 and period[4] == "Q":
        return f"{period[:4]}-Q{period[5]}"
    if len(period) == 9 and period[4] == "/":
        return f"{period[:4]}-01-01/P{int(period[5:]) - int(period[:4]) + 1}Y"
    if len(period) == 15 and period[7] == "/":
        return f"{period[:7]}-01/P{int(period[13:]) - int(period[5:7]) + 1}M"
    return period


def _time_period_expr(t: ir.Table) -> ir.StringValue:
    p = t.period
    years = (t.period_end.year() - t.period_start.year() + 1).cast("string")
    months = (t.period_end.month() - t.period_start.month() + 1).cast("string")
    return ibis.cases(
        (p.substr(4, 1) == "Q", p.substr(0, 4) + "-Q" + p.substr(5, 1)),
        (p.substr(4, 1) == "/", p.substr(0, 4) + "-01-01/P" + years + "Y"),
        (p.substr(7, 1) == "/", p.substr(0, 7) + "-01/P" + months + "M"),
        else_=p,
    )


def _code(col: ir.StringValue) -> ir.StringValue:
    return col.nullif("").fill_null(SDMX_MISSING)


def _sdmx_table(t: ir.Table, version: str) -> ir.Table:
    if version == "2.0":
        head = {"STRUCTURE": ibis.literal("dataflow"), "STRUCTURE_ID": ibis.literal(SDMX_FLOW),
                "ACTION": ibis.literal("I")}  # I: information (loaded as an append by SDMX databases)
    else:
        head = {"DATAFLOW": ibis.literal(SDMX_FLOW)}
    cols = {**head, **{sid: _code(t[col]) for sid, col, *_ in SDMX_DIMENSIONS}}
    cols["TIME_PERIOD"] = _time_period_expr(t)
    cols["OBS_VALUE"] = t.value
    for sid, col, *_ in SDMX_ATTRIBUTES:
        cols[sid] = ids_text(t[col]) if col == "input_ids" else t[col]
    return t.select(**cols)


def _prepared(store: Store, vid: int | None) -> datetime:
    """The structure message's Prepared stamp: when the exported vintage was loaded, so the same export of the
    same vintage writes the same bytes."""
    if vid is not None:
        v = store.vintages()
        stamp = v.filter(v.vintage_id == vid).loaded_at.execute()
        if len(stamp):
            return stamp.iloc[0].to_pydatetime()
    return datetime(1970, 1, 1, tzinfo=UTC)


def _indicator_names(store: Store, as_of: AsOf, t: ir.Table) -> list[tuple[str, str, str]]:
    """(code, English name, Chinese name) of every catalog indicator, plus any code the export holds that the
    catalog lacks (named by its code)."""
    cat = store.indicators(as_of).select("code", "name_en", "name_zh").execute()
    names = {r.code: (r.name_en or r.code, r.name_zh or r.code) for r in cat.itertuples()}
    for code in t.select("indicator").distinct().execute()["indicator"]:
        names.setdefault(code, (code, code))
    return [(code, *names[code]) for code in sorted(names)]


_NS = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _q(tag: str) -> str:
    prefix, _, local = tag.partition(":")
    return f"{{{_NS[prefix]}}}{local}"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, _q(tag) if ":" in tag else tag, attrs)
    if text is not None:
        e.text = text
    return e


def _names(parent: ET.Element, en: str, zh: str) -> None:
    _el(parent, "com:Name", en, **{_XML_LANG: "en"})
    _el(parent, "com:Name", zh, **{_XML_LANG: "zh"})


def _maintainable(parent: ET.Element, tag: str, id_: str, en: str, zh: str) -> ET.Element:
    e = _el(parent, tag, id=id_, agencyID=SDMX_AGENCY, version=_VERSION)
    _names(e, en, zh)
    return e


def _codelist(parent: ET.Element, id_: str, en: str, zh: str, codes: Sequence[tuple[str, str, str]]) -> None:
    cl = _maintainable(parent, "str:Codelist", id_, en, zh)
    for code, c_en, c_zh in codes:
        _names(_el(cl, "str:Code", id=code), c_en, c_zh)


def _component(parent: ET.Element, tag: str, id_: str, representation: str, **attrs: str) -> ET.Element:
    e = _el(parent, tag, id=id_, **attrs)
    ci = _el(e, "str:ConceptIdentity")
    _el(ci, "Ref", id=id_, maintainableParentID=_SCHEME_ID, maintainableParentVersion=_VERSION,
        agencyID=SDMX_AGENCY, package="conceptscheme", **{"class": "Concept"})
    rep = _el(e, "str:LocalRepresentation")
    if representation.startswith("CL_"):
        _el(_el(rep, "str:Enumeration"), "Ref", id=representation, agencyID=SDMX_AGENCY, version=_VERSION,
            package="codelist", **{"class": "Codelist"})
    else:
        _el(rep, "str:TextFormat", textType=representation)
    return e


def sdmx_structure(indicators: Sequence[tuple[str, str, str]], *, prepared: datetime,
                   vintage_id: int | None = None) -> bytes:
    """The SDMX-ML 2.1 structure message of the exported data: codelists (indicators when every code is a valid
    SDMX id, statuses, qualifiers), the concept scheme, the data structure definition and the dataflow.

    Dimensions other than INDICATOR are uncoded strings: their values are Chinese names ("缩微机械"), which are
    not valid SDMX code ids, and a codelist invented for them would force every reader through a lookup."""
    for prefix, uri in _NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(_q("mes:Structure"))
    header = _el(root, "mes:Header")
    _el(header, "mes:ID", f"SECTORSCOPE_OBSERVATIONS_V{vintage_id if vintage_id is not None else 0}")
    _el(header, "mes:Test", "false")
    _el(header, "mes:Prepared", prepared.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    _el(header, "mes:Sender", id=SDMX_AGENCY)
    structures = _el(root, "mes:Structures")

    flows = _el(structures, "str:Dataflows")
    flow = _maintainable(flows, "str:Dataflow", _FLOW_ID, "sectorscope observations", "sectorscope 指标数据")
    _el(_el(flow, "str:Structure"), "Ref", id=_DSD_ID, agencyID=SDMX_AGENCY, version=_VERSION,
        package="datastructure", **{"class": "DataStructure"})

    coded_indicator = all(_SDMX_ID.fullmatch(code) for code, *_ in indicators)
    lists = _el(structures, "str:Codelists")
    if coded_indicator:
        _codelist(lists, "CL_INDICATOR", "Indicators", "指标", indicators)
    _codelist(lists, "CL_OBS_STATUS", "Observation status (sectorscope)", "数据状态",
              _code_names("status", _STATUSES))
    _codelist(lists, "CL_QUALIFIER", "Qualifier", "限定", _code_names("qualifier", _QUALIFIERS))

    concepts = _maintainable(_el(structures, "str:Concepts"), "str:ConceptScheme", _SCHEME_ID,
                             "sectorscope concepts", "sectorscope 概念")
    components = [(sid, en, zh) for sid, _, en, zh in SDMX_DIMENSIONS]
    components += [("TIME_PERIOD", "Period", "时期"), ("OBS_VALUE", "Value in the canonical unit", "数值(标准单位)")]
    components += [(sid, en, zh) for sid, _, en, zh, _ in SDMX_ATTRIBUTES]
    for sid, en, zh in components:
        _names(_el(concepts, "str:Concept", id=sid), en, zh)

    dsd = _maintainable(_el(structures, "str:DataStructures"), "str:DataStructure", _DSD_ID,
                        "sectorscope observations", "sectorscope 指标数据")
    comps = _el(dsd, "str:DataStructureComponents")
    dim_list = _el(comps, "str:DimensionList", id="DimensionDescriptor")
    for pos, (sid, *_) in enumerate(SDMX_DIMENSIONS, start=1):
        rep = "CL_INDICATOR" if sid == "INDICATOR" and coded_indicator else "String"
        _component(dim_list, "str:Dimension", sid, rep, position=str(pos))
    _component(dim_list, "str:TimeDimension", "TIME_PERIOD", "ObservationalTimePeriod",
               position=str(len(SDMX_DIMENSIONS) + 1))
    attr_list = _el(comps, "str:AttributeList", id="AttributeDescriptor")
    for sid, _, _, _, rep in SDMX_ATTRIBUTES:
        a = _component(attr_list, "str:Attribute", sid, rep, assignmentStatus="Conditional")
        _el(_el(_el(a, "str:AttributeRelationship"), "str:PrimaryMeasure"), "Ref", id="OBS_VALUE")
    _component(_el(comps, "str:MeasureList", id="MeasureDescriptor"), "str:PrimaryMeasure", "OBS_VALUE", "Double")

    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

