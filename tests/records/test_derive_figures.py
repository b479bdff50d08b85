"""The partner, dependence and 1–N月 figures `derive_trade_figures` stores, against numbers computed by hand from
a small fixture; each reproduced from the lines `figure_lines` gives; a correction that changes exactly the
figures it should; a re-derivation that revises nothing.

The fixture (China Customs lines in yuan, HS2022, grain partner; concordance 850110 → 缩微机械/微型电机类商品 and
854800 → 缩微机械/PZT陶瓷片 with share 0.5):
- imports of 850110 in January 2024 from twelve partners (元): 日本 400, 德国 250, 美国 150, 韩国 80, 中国台湾 40,
  新加坡 30, 法国 20, 英国 10, 荷兰 8, 泰国 6, 越南 4, 马来西亚 2 (total 1000); January–May 2025: 日本 50 a month;
- imports of 854800 in March 2024 from 德国 200 (counting 100 for PZT陶瓷片);
- exports of 850110 to 美国: 100 every month of 2024; 110, 100, 120, 90, 130 in January–May 2025;
- stated: output_value of 微型电机类商品 in 2024, 3000 元, and of the whole market, 1000 元; a stated share of
  日本、韩国、美国 in 缩微机械's imports of 2024.
"""
from __future__ import annotations

import decimal
from collections import defaultdict

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from sectorscope import records as R
from sectorscope.ingest import load_paths
from sectorscope.records.derive import partner_name
from sectorscope.records.schema import LINE_SCHEMA, BatchMeta
from sectorscope.store import Store

D = decimal.Decimal
MICRO, MOTORS, PZT = "缩微机械", "微型电机类商品", "PZT陶瓷片"
PARTNERS_LOC = "records:customs_cn:import:partners"
MARKET_LOC = "records:customs_cn:import:partners:all-products"

CONCORDANCE = """version,hs_edition,code,market,product,share,source,note
t1,HS2022,850110,缩微机械,微型电机类商品,1,test,
t1,HS2022,854800,缩微机械,PZT陶瓷片,0.5,test,half of the subheading
"""
PARTNERS_2024 = [("116", "JPN", 400), ("304", "DEU", 250), ("502", "USA", 150), ("133", "KOR", 80),
                 ("143", "TWN", 40), ("132", "SGP", 30), ("305", "FRA", 20), ("303", "GBR", 10), ("309", "NLD", 8),
                 ("136", "THA", 6), ("141", "VNM", 4), ("122", "MYS", 2)]
EXPORTS_2025 = [110, 100, 120, 90, 130]
OBSERVATIONS = """indicator,subject,region,period,product,country,value,unit,status,source,location
output_value,缩微机械,中国,2024,微型电机类商品,,3000,元,actual,test-out,p1
output_value,缩微机械,中国,2024,,,1000,元,actual,test-out,p2
import_source_share,缩微机械,中国,2024,,日本、韩国、美国,57,%,estimate,test-out,p3
"""


def _line(n, flow, year, month, code, partner, iso3, value, batch="b1"):
    return dict(batch_id=batch, line_no=n, dataset="customs_cn", reporter="CHN", flow=flow, period_kind="monthly",
                year=year, month=month, hs_edition="HS2022", hs_code=code, hs6=code[:6], hs_chapter=code[:2],
                commodity_name=None, partner_code=partner, partner_iso3=iso3, trade_mode=None, province=None,
                quantity=None, quantity_unit=None, quantity2=None, quantity2_unit=None, value=D(value),
                currency="CNY", cif_value=None, fob_value=None)


def fixture_lines() -> pa.Table:
    rows = [("import", 2024, 1, "85011000", p, iso, v) for p, iso, v in PARTNERS_2024]
    rows += [("import", 2025, m, "85011000", "116", "JPN", 50) for m in range(1, 6)]
    rows += [("import", 2024, 3, "85480000", "304", "DEU", 200)]
    rows += [("export", 2024, m, "85011000", "502", "USA", 100) for m in range(1, 13)]
    rows += [("export", 2025, m, "85011000", "502", "USA", v) for m, v in enumerate(EXPORTS_2025, start=1)]
    return pa.Table.from_pylist([_line(n, *r) for n, r in enumerate(rows, start=2)], schema=LINE_SCHEMA.to_pyarrow())


def _meta(batch_id, supersedes=()):
    return BatchMeta(batch_id=batch_id, dataset="customs_cn", source_file="fixture", sha256="0" * 64,
                     publisher="test", hs_edition="HS2022", currency="CNY", grain=("partner",),
                     period_kind="monthly", supersedes=supersedes)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("derive_figures")
    data = root / "data"
    data.mkdir()
    (data / "sources.csv").write_text("source_id,title\ntest-out,产值与来源的陈述(测试)\n", encoding="utf-8")
    (data / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    (root / "hs.csv").write_text(CONCORDANCE, encoding="utf-8")
    st = Store(root / "s.duckdb")
    load_paths(st, [data])
    R.load_batch(st, _meta("b1"), fixture_lines().to_batches())
    conc = R.load_concordance(root / "hs.csv")
    figures = R.trade_figures(st, concordance=conc)
    first = R.derive_trade_figures(st, concordance=conc)
    return st, conc, figures, first


def _derived(st, location=None, **kw):
    t = st.query(kind="derived", **kw).execute()
    return t if location is None else t[t["location"] == location]


def _one(st, **kw):
    t = _derived(st, **kw)
    assert len(t) == 1, t[["indicator", "product", "country", "period", "location"]]
    return t.iloc[0]


# ---- partners ---------------------------------------------------------------------------------------------

def test_each_partners_share_the_rest_as_others_and_the_top_three(setup):
    st, *_ = setup
    t = _derived(st, indicator="import_source_share", subject=MICRO, product=MOTORS, period="2024")
    shares = dict(zip(t["country"], t["value"], strict=True))
    # the ten largest are shown (荷兰 0.8 % and 泰国 0.6 % too: among the ten); 越南 0.4 % and 马来西亚 0.2 % are
    # neither ≥ 1 % nor among the ten: together they are 其他, 0.6 %
    assert shares == pytest.approx({"日本": 40.0, "德国": 25.0, "美国": 15.0, "韩国": 8.0, "中国台湾": 4.0,
                                    "新加坡": 3.0, "法国": 2.0, "英国": 1.0, "荷兰": 0.8, "泰国": 0.6,
                                    "其他": 0.6, "日本、德国、美国": 80.0}, rel=1e-12)
    assert set(t["location"]) == {PARTNERS_LOC} and set(t["unit"]) == {"%"}
    top = t[t["country"] == "日本、德国、美国"].iloc[0]
    assert "前3大来源(日本、德国、美国)进口之和" in top["formula"] and top["formula"].endswith("批次 b1")


def test_the_hhi_of_import_sources(setup):
    st, *_ = setup
    hhi = _one(st, indicator="import_concentration_hhi", subject=MICRO, product=MOTORS, period="2024")
    # Σ share² (in %): 40² + 25² + 15² + 8² + 4² + 3² + 2² + 1² + 0.8² + 0.6² + 0.4² + 0.2² = 2545.2
    assert hhi["value"] == pytest.approx(2545.2, rel=1e-12)
    assert hhi["unit"] == "" and hhi["location"] == PARTNERS_LOC
    # one partner: all of PZT's imports come from Germany — a share of 100 %, an HHI of 10000, no top three
    pzt = _derived(st, subject=MICRO, product=PZT, period="2024", location=PARTNERS_LOC)
    assert dict(zip(pzt["indicator"] + ":" + pzt["country"].fillna(""), pzt["value"], strict=True)) == {
        "import_source_share:德国": 100.0, "import_concentration_hhi:": 10000.0}


def test_the_whole_market_counts_every_product_with_its_share(setup):
    """缩微机械 over both products: 850110's 1000 and half of 854800's 200 from Germany, 1100 in all."""
    st, *_ = setup
    t = _derived(st, indicator="import_source_share", subject=MICRO, period="2024", location=MARKET_LOC)
    shares = dict(zip(t["country"], t["value"], strict=True))
    assert t["product"].isna().all()
    assert shares["德国"] == pytest.approx(350 / 1100 * 100, rel=1e-12)  # 31.818…
    assert shares["日本、德国、美国"] == pytest.approx(900 / 1100 * 100, rel=1e-12)  # 81.818…
    assert shares["其他"] == pytest.approx(6 / 1100 * 100, rel=1e-12)  # 越南 4 + 马来西亚 2
    # the group a stated figure names (日本 400 + 韩国 80 + 美国 150), computed beside the stated 57 %
    assert shares["日本、韩国、美国"] == pytest.approx(630 / 1100 * 100, rel=1e-12)  # 57.27…
    hhi = _one(st, indicator="import_concentration_hhi", subject=MICRO, period="2024", location=MARKET_LOC)
    squares = 400**2 + 350**2 + 150**2 + 80**2 + 40**2 + 30**2 + 20**2 + 10**2 + 8**2 + 6**2 + 4**2 + 2**2
    assert squares == 314520
    assert hhi["value"] == pytest.approx(314520 / 1100**2 * 10000, rel=1e-12)  # 2599.34


def test_partner_figures_only_where_there_are_imports_by_partner(setup):
    st, *_ = setup
    periods = set(_derived(st, indicator="import_concentration_hhi", subject=MICRO, product=MOTORS)["period"])
    # 2024's imports are all in January: none in 2024Q2–Q4; 2025Q1's come from 日本 alone (2025Q2 is not whole)
    assert periods == {"2024", "2024Q1", "2025Q1"}
    q1 = _derived(st, subject=MICRO, product=MOTORS, period="2025Q1", location=PARTNERS_LOC)
    assert dict(zip(q1["indicator"] + ":" + q1["country"].fillna(""), q1["value"], strict=True)) == {
        "import_source_share:日本": 100.0, "import_concentration_hhi:": 10000.0}


# ---- 1–N月 ------------------------------------------------------------------------------------------------

def test_january_to_may_and_its_growth(setup):
    st, *_ = setup
    exp = _one(st, indicator="exports_value", subject=MICRO, product=MOTORS, period="2025-01/2025-05")
    assert exp["value"] == 550 and exp["unit"] == "元"  # 110 + 100 + 120 + 90 + 130
    assert (str(exp["period_start"])[:10], str(exp["period_end"])[:10]) == ("2025-01-01", "2025-05-31")
    assert exp["location"] == "records:customs_cn:export" and "(1–5月累计)" in exp["formula"]
    base = _one(st, indicator="exports_value", subject=MICRO, product=MOTORS, period="2024-01/2024-05")
    assert base["value"] == 500
    growth = _one(st, indicator="exports_value_growth", subject=MICRO, product=MOTORS, period="2025-01/2025-05")
    assert growth["value"] == pytest.approx(10.0, rel=1e-12)  # 550 / 500 − 1
    assert "对上年1–5月" in growth["formula"]
    imp = _one(st, indicator="imports_value_growth", subject=MICRO, product=MOTORS, period="2025-01/2025-05")
    assert imp["value"] == pytest.approx(-75.0, rel=1e-12)  # 250 against 2024's 1000 (all in January)
    two = _one(st, indicator="exports_value_growth", subject=MICRO, product=MOTORS, period="2025-01/2025-02")
    assert two["value"] == pytest.approx(5.0, rel=1e-12)  # 210 / 200 − 1


def test_every_whole_n_from_two_to_eleven_and_no_other(setup):
    st, *_ = setup
    periods = set(_derived(st, indicator="exports_value", subject=MICRO, product=MOTORS)["period"])
    spans = {p for p in periods if "/" in p}
    assert spans == {f"2024-01/2024-{n:02d}" for n in range(2, 12)} | {f"2025-01/2025-{n:02d}" for n in range(2, 6)}
    growth = set(_derived(st, indicator="exports_value_growth", subject=MICRO, product=MOTORS)["period"])
    assert {p for p in growth if "/" in p} == {f"2025-01/2025-{n:02d}" for n in range(2, 6)}
    assert not _derived(st, indicator="trade_balance", period="2025-01/2025-05").shape[0]  # flows only


# ---- dependence -------------------------------------------------------------------------------------------

def test_import_dependence_and_localisation_from_the_stated_output(setup):
    st, *_ = setup
    output = st.query(indicator="output_value", kind="stated", product=MOTORS).execute().iloc[0]
    dep = _one(st, indicator="import_dependence", subject=MICRO, product=MOTORS)
    # apparent consumption = 3000 + 1000 − 1200 = 2800; imports 1000 / 2800, (3000 − 1200) / 2800
    assert dep["period"] == "2024" and dep["value"] == pytest.approx(1000 / 2800 * 100, rel=1e-12)
    loc = _one(st, indicator="localisation_rate", subject=MICRO, product=MOTORS)
    assert loc["value"] == pytest.approx(1800 / 2800 * 100, rel=1e-12)
    for f in (dep, loc):
        assert f["location"] == "records:customs_cn:trade:output=test-out"
        assert list(f["input_ids"]) == [int(output["obs_id"])]
        assert f"观测 #{int(output['obs_id'])}, test-out" in f["formula"]
    # PZT陶瓷片 has no stated output: no dependence figure is made up for it
    assert not len(_derived(st, indicator="import_dependence", product=PZT))


def test_a_dependence_outside_0_to_100_is_noted_and_not_stored(setup):
    """The whole market: output 1000, imports 1100, exports 1200 — apparent consumption 900, dependence 122 %
    and localisation −22 %: the output and the trade cannot both be right; nothing is stored."""
    st, conc, figures, _ = setup
    assert not len(_derived(st, indicator="import_dependence", location="records:customs_cn:trade:output=test-out:"
                                                                        "all-products"))
    told: list[str] = []
    R.derive_trade_figures(st, concordance=conc, notes=told)  # restates what is stored; says what it left out
    assert told == list(figures.notes)
    notes = [n for n in figures.notes if n.startswith(("import_dependence 缩微机械/— 2024",
                                                       "localisation_rate 缩微机械/— 2024"))]
    assert len(notes) == 2 and all("outside 0–100 %" in n for n in notes)
    assert "122.2%" in notes[0] and "-22.22%" in notes[1]


# ---- lineage, corrections, re-derivation ------------------------------------------------------------------

def _reproduce(st, conc, r, con) -> float:
    """A figure from the lines `figure_lines` gives (and, for dependence, the output its input_ids name)."""
    lines = R.figure_lines(st, int(r.obs_id), con, concordance=conc).to_pyarrow().to_pylist()
    if r.indicator in ("imports_value", "exports_value", "trade_balance"):
        sign = {"import": -1 if r.indicator == "trade_balance" else 1, "export": 1}
        return float(sum((x["value"] * x["share"] * sign[x["flow"]] for x in lines), D(0)))
    if r.indicator in ("import_dependence", "localisation_rate"):
        output = st.table("observations").filter(lambda t: t.obs_id == int(r.input_ids[0])).execute()["value"][0]
        imp = float(sum((x["value"] * x["share"] for x in lines if x["flow"] == "import"), D(0)))
        exp = float(sum((x["value"] * x["share"] for x in lines if x["flow"] == "export"), D(0)))
        top = imp if r.indicator == "import_dependence" else output - exp
        return top / (output + imp - exp) * 100
    by_partner: dict[str, decimal.Decimal] = defaultdict(D)
    for x in lines:
        by_partner[partner_name(x["partner_iso3"] or x["partner_code"], "customs_cn")] += x["value"] * x["share"]
    total = sum(by_partner.values(), D(0))
    ranked = sorted(by_partner, key=lambda n: -by_partner[n])
    if r.indicator == "import_concentration_hhi":
        cents = [v.quantize(D("0.01")) for v in by_partner.values()]
        return float(sum(c * c for c in cents)) / float(sum(cents)) ** 2 * 10000
    if r.country == "其他":
        part = sum((by_partner[n] for n in ranked[10:] if by_partner[n] / total < D("0.01")), D(0))
    else:
        part = sum((by_partner[n] for n in r.country.split("、")), D(0))
    return float(part) / float(total) * 100


def test_every_figure_is_reproduced_from_its_lines(setup):
    st, conc, *_ = setup
    con = R.connect("duckdb")
    t = _derived(st)
    t = t[~t["indicator"].str.endswith("_growth")]  # a growth is two figures' (each reproduced here)
    assert set(t["indicator"]) == {"imports_value", "exports_value", "trade_balance", "import_source_share",
                                   "import_concentration_hhi", "import_dependence", "localisation_rate"}
    for r in t.itertuples():
        assert r.value == pytest.approx(_reproduce(st, conc, r, con), rel=1e-12, abs=1e-9), r


def test_a_correction_changes_exactly_the_figures_of_its_cells(setup):
    """b2 corrects the exports of March 2025 (chapter 85): 120 → 140. What has March 2025's exports in it —
    2025Q1, 1–3, 1–4 and 1–5月, their growth, 2025Q1's balance — is revised, and nothing else."""
    st, conc, _, first = setup
    again = R.derive_trade_figures(st, concordance=conc)
    assert (again.n_new, again.n_revised, again.n_withdrawn, again.n_unchanged) == (0, 0, 0, first.n_rows)
    R.load_batch(st, _meta("b2", supersedes=("b1",)),
                 pa.Table.from_pylist([_line(2, "export", 2025, 3, "85011000", "502", "USA", 140, batch="b2")],
                                      schema=LINE_SCHEMA.to_pyarrow()).to_batches())
    fixed = R.derive_trade_figures(st, concordance=conc)
    obs = st.table("observations")
    touched = obs.filter(obs.vintage_id == fixed.vintage_id).execute()
    spans = ("2025Q1", "2025-01/2025-03", "2025-01/2025-04", "2025-01/2025-05")
    assert sorted(zip(touched["indicator"], touched["product"], touched["period"], strict=True)) == sorted(
        [("exports_value", MOTORS, p) for p in spans] + [("exports_value_growth", MOTORS, p) for p in spans]
        + [("trade_balance", MOTORS, "2025Q1")])
    assert (fixed.n_new, fixed.n_withdrawn, fixed.n_revised) == (0, 0, 9)
    now = _one(st, indicator="exports_value", product=MOTORS, period="2025-01/2025-05")
    assert now["value"] == 570 and now["formula"].endswith("批次 b1, b2")
    growth = _one(st, indicator="exports_value_growth", product=MOTORS, period="2025-01/2025-05")
    assert growth["value"] == pytest.approx(14.0, rel=1e-12)  # 570 / 500 − 1
    assert growth["formula"].endswith("批次 b1, b2")  # its own lines' batches and those of 2024's (b1)
    assert _one(st, indicator="exports_value", product=MOTORS, period="2025-01/2025-02")["formula"].endswith(
        "批次 b1")
    # and the corrected figures are reproduced from the lines current now
    con = R.connect("duckdb")
    for r in _derived(st, indicator="exports_value", product=MOTORS).itertuples():
        assert r.value == pytest.approx(_reproduce(st, conc, r, con), rel=1e-12), r


def test_the_audit_checks_a_1_to_n_growth_against_its_two_levels(setup):
    """The change rule exports_value_growth ↔ exports_value pairs 2025-01/2025-05 with 2024-01/2024-05."""
    from sectorscope.audit import audit
    from sectorscope.audit.checks import change_combinations
    from sectorscope.audit.engine import rules_of
    from sectorscope.audit.intervals import with_intervals

    st, *_ = setup
    rules = rules_of(st)
    combos = change_combinations(with_intervals(st.observations(), rules.settings), rules).execute()
    ids = {(r.indicator, r.period): int(r.obs_id) for r in _derived(st, product=MOTORS).itertuples()}
    hit = combos[combos["c_id"] == ids[("exports_value_growth", "2025-01/2025-05")]]
    assert len(hit) == 1
    assert int(hit["l1_id"].iloc[0]) == ids[("exports_value", "2025-01/2025-05")]
    assert int(hit["l0_id"].iloc[0]) == ids[("exports_value", "2024-01/2024-05")]
    assert not hit["bad"].iloc[0]
    result = audit(st)
    assert not [f for f in result.findings if any("/" in p and len(p) == 15 for p in f.periods)]


@given(hs.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_a_figure_is_written_as_a_number_the_store_reads_back_exactly(x):
    """A partner's share of 0.0000118 % is printed 0.0000118…, not 1.18e-05, which the store's reader refuses."""
    from sectorscope.model import parse_number
    from sectorscope.records.derive import _number

    text = _number(x)
    assert "e" not in text.lower() and parse_number(text) == x
