"""Property tests of the audit on synthetic datasets that are consistent by construction.

Every figure is a true value printed at some precision, so every relation among the true values holds
and every printed figure's interval contains its true value. Then:
- the consistent dataset yields no finding (rounding noise everywhere, none of it reported);
- one figure moved well beyond its rounding yields exactly one finding, and that finding names it;
- one figure printed more coarsely (fewer decimals: the same truth, rounded further) yields none.
"""
from __future__ import annotations

import csv
import math
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectorscope.audit import audit
from sectorscope.ingest import load_paths
from sectorscope.store import Store

SUBJECT = "合成市场"
PRODUCTS = ("甲类", "乙类", "丙类")
RULES = f"""
part_whole:
  - name: 细分市场
    indicator: market_size
    subject: {SUBJECT}
    whole: {{}}
    complete: true
    parts: [{{product: 甲类}}, {{product: 乙类}}, {{product: 丙类}}]
  - name: 细分份额
    indicator: market_share
    subject: {SUBJECT}
    total: 100
    complete: true
    parts: [{{product: 甲类}}, {{product: 乙类}}, {{product: 丙类}}]
"""


@dataclass(frozen=True)
class Fig:
    indicator: str
    period: str
    true: float
    decimals: int
    unit: str
    location: str
    product: str = ""

    def printed(self) -> str:
        return f"{round(self.true, self.decimals):.{self.decimals}f}"


@st.composite
def datasets(draw) -> list[Fig]:
    start = draw(st.integers(2010, 2020))
    n = draw(st.integers(3, 6))
    years = list(range(start, start + n))
    dec = draw(st.integers(1, 2))
    level = draw(st.floats(50, 900))
    growth = [draw(st.floats(-0.2, 0.4)) for _ in years[1:]]
    raw_shares = [draw(st.floats(0.1, 1.0)) for _ in PRODUCTS]
    shares = [s / sum(raw_shares) for s in raw_shares]
    capacity = draw(st.floats(100, 2000))
    util = draw(st.floats(0.4, 0.98))
    levels = [level]
    for g in growth:
        levels.append(levels[-1] * (1 + g))
    figs = []
    for i, (y, lv) in enumerate(zip(years, levels, strict=True)):
        figs.append(Fig("market_size", str(y), lv, dec, "亿元", f"表:A / {y} / 市场规模"))
        if i:
            figs.append(Fig("market_size_growth", str(y), (lv / levels[i - 1] - 1) * 100, 1, "%", f"表:A / {y} / 增长率"))
        for p, s in zip(PRODUCTS, shares, strict=True):
            figs.append(Fig("market_size", str(y), lv * s, dec, "亿元", f"表:B / {y} / {p}", p))
            figs.append(Fig("market_share", str(y), s * 100, 1, "%", f"表:C / {y} / {p}", p))
        cap = capacity * (1 + 0.05 * i)
        figs.append(Fig("capacity", str(y), cap, 1, "万台", f"表:D / {y} / 产能"))
        figs.append(Fig("output", str(y), cap * util, 1, "万台", f"表:D / {y} / 产量"))
        figs.append(Fig("capacity_utilisation", str(y), util * 100, 1, "%", f"表:D / {y} / 利用率"))
    cagr = ((levels[-1] / levels[0]) ** (1 / (n - 1)) - 1) * 100
    figs.append(Fig("market_size_cagr", f"{years[0]}/{years[-1]}", cagr, 1, "%", "正文 段1"))
    figs.append(Fig("market_size", str(years[-1]), levels[-1], dec, "亿元", "摘要"))
    return figs


def _audit(figs: list[Fig], printed: dict[int, str] | None = None):
    printed = printed or {}
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "sources.csv").write_text("source_id,title\nsyn,合成数据\n", encoding="utf-8")
        (d / "rules.yaml").write_text(RULES, encoding="utf-8")
        with open(d / "figures.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["indicator", "subject", "product", "period", "value", "unit", "status", "source", "location"])
            for i, f in enumerate(figs):
                w.writerow([f.indicator, SUBJECT, f.product, f.period, printed.get(i, f.printed()), f.unit, "actual",
                            "syn", f.location])
        store = Store(d / "s.duckdb")
        load_paths(store, [d])
        result = audit(store)
        ids = dict(store.observations().select("location", "obs_id").execute().itertuples(index=False))
        store.close()
    return result, ids


SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(datasets())
def test_a_consistent_dataset_yields_no_finding(figs):
    result, _ = _audit(figs)
    assert result.findings == [], [f.message_en for f in result.findings]


@SETTINGS
@given(datasets(), st.data())
def test_one_figure_beyond_its_rounding_yields_exactly_one_finding_that_names_it(figs, data):
    i = data.draw(st.integers(0, len(figs) - 1), label="figure")
    sign = data.draw(st.sampled_from([-1, 1]), label="sign")
    f = figs[i]
    shift = 0.25 * abs(f.true) + 50 * 10 ** -f.decimals  # far beyond half a unit of the last digit
    moved = replace(f, true=f.true + sign * shift)
    if f.indicator in ("market_size", "capacity", "output") and moved.true <= 0:
        moved = replace(f, true=f.true + shift)
    if f.indicator in ("market_share", "capacity_utilisation") and not 0 <= moved.true <= 100:
        moved = replace(f, true=f.true - sign * shift)  # a percentage outside [0, 100] is refused at loading
    result, ids = _audit(figs, {i: moved.printed()})
    assert len(result.findings) == 1, [(x.rule, x.message_en) for x in result.findings]
    finding = result.findings[0]
    assert ids[f.location] in finding.obs_ids
    if finding.rule == "single_figure":
        assert finding.culprit == ids[f.location]


@SETTINGS
@given(datasets(), st.data())
def test_one_figure_printed_more_coarsely_yields_no_finding(figs, data):
    i = data.draw(st.integers(0, len(figs) - 1), label="figure")
    f = figs[i]
    coarse = replace(f, decimals=data.draw(st.integers(0, max(0, f.decimals - 1)), label="decimals"))
    result, _ = _audit(figs, {i: coarse.printed()})
    assert result.findings == [], [f.message_en for f in result.findings]


@given(datasets())
def test_the_generator_is_consistent_to_machine_precision(figs):
    sizes = {f.period: f.true for f in figs if f.indicator == "market_size" and not f.product and f.location.startswith("表")}
    for y, total in sizes.items():
        parts = sum(f.true for f in figs if f.indicator == "market_size" and f.product and f.period == y)
        assert math.isclose(parts, total, rel_tol=1e-9)
