"""TRL × demand dual track: assessment files, quote checks, questionnaire, diff, demand score, quadrant, selectors."""
from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sectorscope.analytics.trl import (
    ASSESSMENT_COLUMNS,
    DEFAULT_ANCHORS,
    QuestionnaireError,
    check_quotes,
    demand_score,
    diff_assessments,
    dual_track,
    load_questionnaire,
    quadrant,
    question_ids,
    read_assessments,
    read_dual_track,
    select_components,
    trl_from_answers,
)
from sectorscope.errors import InputError, ValidationError
from sectorscope.model.text import normalise

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "default"
SEED = DATA / "seeds" / "000_43a78a16c2714628.txt"
ASSESSMENTS = DATA / "analytics" / "trl_assessments.csv"
DUAL_TRACK = DATA / "analytics" / "dual_track.yaml"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def default(seed_text):
    return read_assessments(ASSESSMENTS, texts={"seed-000": seed_text})


def _observations_000() -> pd.DataFrame:
    """000_micromachinery.csv as a store-like observations frame (obs_id = data row, dimensions normalised)."""
    d = pd.read_csv(DATA / "observations" / "000_micromachinery.csv", dtype=str, keep_default_na=False)
    d.insert(0, "obs_id", range(1, len(d) + 1))
    for c in ("subject", "region", "product", "application", "company", "country", "tier", "scenario"):
        d[c] = d[c].map(normalise).replace("", None)
    d["value"] = d["value"].str.replace(",", "").astype(float)
    d["value_high"] = pd.to_numeric(d["value_high"])
    return d


# ---- the default assessment file -------------------------------------------------------------------------


def test_default_assessments_read_and_every_quote_is_at_its_offsets(default, seed_text):
    assert tuple(default.columns) == ASSESSMENT_COLUMNS
    assert 8 <= len(default) <= 12
    assert default["trl"].between(1, 9).all()
    assert set(default["status"]) == {"estimate"}
    assert set(default["assessed_on"]) == {dt.date(2026, 11, 23)}
    for r in default.itertuples():
        assert seed_text[r.quote_start : r.quote_end] == r.evidence
        assert r.note, r.technology
    assert check_quotes(default, {"seed-000": seed_text}) == []
    names = set(default["technology"])
    for expected in ("深反应离子刻蚀(DRIE)", "晶圆级键合", "原子层沉积(ALD)", "硅通孔(TSV)", "纳米压印(NIL)",
                     "AlScN压电薄膜", "纳机电系统(NEMS)谐振器", "CMOS-MEMS单片集成"):
        assert expected in names


def test_default_assessment_values(default):
    trl = dict(zip(default["technology"], default["trl"], strict=True))
    assert trl["深反应离子刻蚀(DRIE)"] == 7
    assert trl["纳机电系统(NEMS)谐振器"] == 4
    assert trl["AlScN压电薄膜"] == 8
    assert trl["CMOS-MEMS单片集成"] == 6


# ---- bad assessment files ----------------------------------------------------------------------------------

GOOD = {"technology": "测试技术", "technology_en": "test", "trl": "5", "evidence": "原理已验证", "source_id": "s1",
        "location": "p1", "quote_start": "3", "quote_end": "8", "assessor": "me", "assessed_on": "2026-01-02",
        "status": "estimate", "note": ""}
TEXT = {"s1": "报告:原理已验证。另一句。"}


def _write(tmp_path: Path, rows: list[dict], name: str = "a.csv") -> Path:
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(ASSESSMENT_COLUMNS))
        w.writeheader()
        for r in rows:
            w.writerow({**GOOD, **r})
    return path


def test_crafted_good_file(tmp_path):
    f = read_assessments(_write(tmp_path, [{}, {"technology": "另一項技術", "trl": "9", "status": ""}]), texts=TEXT)
    assert list(f["technology"]) == ["测试技术", "另一项技术"]  # normalised to simplified
    assert list(f["trl"]) == [5, 9]
    assert list(f["status"]) == ["estimate", "estimate"]
    assert f["quote_start"].tolist() == [3, 3]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"trl": "0"}, "trl"),
        ({"trl": "10"}, "trl"),
        ({"trl": "七"}, "trl"),
        ({"trl": "6.5"}, "trl"),
        ({"evidence": "", "quote_start": "", "quote_end": ""}, "evidence"),
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
        ({"assessed_on": "23/11/2026"}, "assessed_on"),
        ({"assessed_on": "2026-02-30"}, "assessed_on"),
        ({"status": "forecast"}, "status"),
        ({"quote_start": "4", "quote_end": "9"}, "quote_start"),  # right length, wrong place
        ({"quote_end": "9"}, "quote_end"),  # end ≠ start + len
        ({"quote_start": "x"}, "quote_start"),
        ({"technology": "  "}, "technology"),
        ({"assessor": ""}, "assessor"),
        ({"source_id": "nope"}, "source_id"),  # no text to check against
    ],
)
def test_bad_rows_name_file_row_and_field(tmp_path, override, field):
    path = _write(tmp_path, [{"technology": "甲"}, {"technology": "乙", **override}])
    with pytest.raises(ValidationError) as exc:
        read_assessments(path, texts=TEXT, today=dt.date(2026, 11, 23))
    failures = exc.value.failures
    assert [(f.file, f.row, f.field) for f in failures] == [(str(path), 3, field)]
    assert str(path) in str(exc.value) and "row 3" in str(exc.value)


def test_duplicate_technology_after_normalisation(tmp_path):
    path = _write(tmp_path, [{"technology": "測試技術"}, {}])
    with pytest.raises(ValidationError) as exc:
        read_assessments(path, texts=TEXT)
    (f,) = exc.value.failures
    assert (f.row, f.field) == (3, "technology") and "row 2" in f.reason


def test_all_failures_at_once(tmp_path):
    path = _write(tmp_path, [{"trl": "10", "assessed_on": "2999-01-01"}, {"technology": "乙", "status": "x"}])
    with pytest.raises(ValidationError) as exc:
        read_assessments(path, today=dt.date(2026, 11, 23))
    assert [(f.row, f.field) for f in exc.value.failures] == [(2, "assessed_on"), (2, "trl"), (3, "status")]


def test_missing_and_unknown_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("technology,trl,evidence,source_id,assessor,colour\n甲,5,x,s1,me,red\n", encoding="utf-8")
    with pytest.raises(InputError, match="assessed_on") as exc:
        read_assessments(path)
    assert "colour" in str(exc.value)


def test_offsets_optional_evidence_searched(tmp_path):
    path = _write(tmp_path, [{"quote_start": "", "quote_end": ""}])
    f = read_assessments(path, texts=TEXT)
    assert f["quote_start"].isna().all()
    path = _write(tmp_path, [{"quote_start": "", "quote_end": "", "evidence": "不在文中"}])
    with pytest.raises(ValidationError) as exc:
        read_assessments(path, texts=TEXT)
    assert [(f.row, f.field) for f in exc.value.failures] == [(2, "evidence")]


def test_check_quotes_hint_gives_the_right_offsets(tmp_path):
    f = read_assessments(_write(tmp_path, [{"quote_start": "0", "quote_end": "5"}]))
    (failure,) = check_quotes(f, TEXT)
    assert failure.row == 2 and failure.field == "quote_start" and "at 3:8" in failure.reason


def test_xlsx(tmp_path):
    path = tmp_path / "a.xlsx"
    pd.DataFrame([GOOD]).to_excel(path, index=False)
    f = read_assessments(path, texts=TEXT)
    assert f.loc[0, "trl"] == 5


# ---- questionnaire ------------------------------------------------------------------------------------------


def test_questionnaire_shape():
    q = load_questionnaire()
    assert sorted(q) == list(range(1, 10))
    for level, entry in q.items():
        assert 2 <= len(entry["criteria"]) <= 4, level
        assert entry["definition_zh"] and entry["definition_en"]


IDS = question_ids()


def test_all_yes_gives_9_and_none_gives_0():
    assert trl_from_answers(dict.fromkeys(IDS, True)) == 9
    assert trl_from_answers({}) == 0
    assert trl_from_answers(dict.fromkeys(IDS, False)) == 0


def test_a_low_gap_caps_the_level():
    answers = dict.fromkeys(IDS, True)
    answers["trl4_lab_performance_met"] = False
    assert trl_from_answers(answers) == 3


def test_unknown_question_and_non_bool():
    with pytest.raises(QuestionnaireError, match="trl4_made_up"):
        trl_from_answers({"trl4_made_up": True})
    with pytest.raises(QuestionnaireError, match="true or false"):
        trl_from_answers({"trl1_principle_reported": "yes"})


@given(st.dictionaries(st.sampled_from(sorted(IDS)), st.booleans()))
def test_trl_never_exceeds_the_lowest_failed_level(answers):
    trl = trl_from_answers(answers)
    failed = [IDS[i] for i in IDS if not answers.get(i, False)]
    if failed:
        assert trl < min(failed)
        assert trl == min(failed) - 1
    else:
        assert trl == 9


# ---- diff ------------------------------------------------------------------------------------------------------


def test_diff_added_revised_removed(default):
    old = default.copy()
    new = default[default["technology"] != "原子层沉积(ALD)"].copy()
    new.loc[new["technology"] == "纳米压印(NIL)", "trl"] = 6
    new.loc[new["technology"] == "硅通孔(TSV)", "note"] = "改了理由"
    extra = new.iloc[[0]].copy()
    extra["technology"] = "新技术"
    extra["trl"] = 3
    new = pd.concat([new, extra], ignore_index=True)
    d = diff_assessments(old, new)
    assert d[["technology", "change", "old_trl", "new_trl", "trl_delta", "fields"]].astype(object).where(
        d.notna(), None).values.tolist() == [
        ["原子层沉积(ALD)", "removed", 6, None, None, ""],
        ["新技术", "added", None, 3, None, ""],
        ["硅通孔(TSV)", "revised", 8, 8, 0, "note"],
        ["纳米压印(NIL)", "revised", 5, 6, 1, "trl"],
    ]
    assert d.loc[d["change"] == "added", "new_evidence"].item() == default.iloc[0]["evidence"]
    assert diff_assessments(default, default.copy()).empty


# ---- demand score -----------------------------------------------------------------------------------------------


def test_demand_score_values():
    comps = pd.DataFrame({
        "technology": ["a", "b", "c"],
        "growth": [15.0, np.nan, 45.0],
        "growth_lower": [10.0, np.nan, 40.0],
        "growth_upper": [20.0, np.nan, 50.0],
        "import_dependence": [50.0, 80.0, np.nan],
        "order_share": [25.0, np.nan, np.nan],
    })
    s = demand_score(comps).set_index("technology")
    assert s.loc["a", "score"] == pytest.approx((0.5 + 0.5 + 0.5) / 3)
    assert s.loc["a", "score_low"] == pytest.approx((1 / 3 + 0.5 + 0.5) / 3)
    assert s.loc["a", "score_high"] == pytest.approx((2 / 3 + 0.5 + 0.5) / 3)
    assert s.loc["b", "score"] == pytest.approx(0.8) and s.loc["b", "n_components"] == 1
    assert s.loc["b", "available"] == "import_dependence"
    assert s.loc["c", "score"] == 1.0 and s.loc["c", "score_low"] == 1.0  # clipped at the upper anchor
    assert s.loc["a", "n_components"] == 3


def test_demand_score_no_components_is_nan():
    s = demand_score(pd.DataFrame({"technology": ["x"], "growth": [np.nan]}))
    assert math.isnan(s.loc[0, "score"]) and s.loc[0, "n_components"] == 0


def test_demand_score_rejects_interval_without_point():
    with pytest.raises(ValueError, match="interval"):
        demand_score(pd.DataFrame({"technology": ["x"], "growth": [10.0], "growth_lower": [12.0]}))


_pct = st.floats(min_value=-50, max_value=150, allow_nan=False)
_maybe = st.one_of(st.just(float("nan")), _pct)


@given(g=_maybe, i=_maybe, o=_maybe, widths=st.tuples(*[st.floats(0, 40)] * 6),
       which=st.sampled_from(["growth", "import_dependence", "order_share"]), bump=st.floats(0, 100))
def test_bounds_contain_point_and_raising_never_lowers(g, i, o, widths, which, bump):
    row = {"technology": "t", "growth": g, "import_dependence": i, "order_share": o}
    for k, c in enumerate(("growth", "import_dependence", "order_share")):
        row[f"{c}_lower"] = row[c] - widths[2 * k]
        row[f"{c}_upper"] = row[c] + widths[2 * k + 1]
    s = demand_score(pd.DataFrame([row])).iloc[0]
    if s["n_components"]:
        assert s["score_low"] - 1e-12 <= s["score"] <= s["score_high"] + 1e-12
        assert s["score_low"] >= 0 and s["score_high"] <= 1
    raised = dict(row)
    raised[which] = row[which] + bump
    raised[f"{which}_lower"] = row[f"{which}_lower"] + bump
    raised[f"{which}_upper"] = row[f"{which}_upper"] + bump
    r = demand_score(pd.DataFrame([raised])).iloc[0]
    if s["n_components"]:
        assert r["score"] >= s["score"] - 1e-12
        assert r["score_low"] >= s["score_low"] - 1e-12
        assert r["score_high"] >= s["score_high"] - 1e-12


def test_anchors_documented_values():
    assert DEFAULT_ANCHORS == {"growth": (0.0, 30.0), "import_dependence": (0.0, 100.0), "order_share": (0.0, 50.0)}


# ---- quadrant ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trl", "demand", "code", "zh"),
    [
        (6, 0.5, "scale_up", "规模化推进"),
        (9, 1.0, "scale_up", "规模化推进"),
        (5, 0.5, "fund_rnd", "加大研发投入"),
        (1, 0.9, "fund_rnd", "加大研发投入"),
        (6, 0.4999, "watch", "持续观察/市场培育"),
        (5, 0.4999, "drop", "暂缓/退出"),
        (3, 0.0, "drop", "暂缓/退出"),
    ],
)
def test_quadrant_boundaries(trl, demand, code, zh):
    q = quadrant(trl, demand)
    assert q == (code, zh, q.advice_en) and q.code == code and not q.boundary
    _, _, e = q  # a 3-tuple
    assert e in {"scale up", "fund R&D", "watch (cultivate the market)", "drop or defer"}


def test_quadrant_boundary_flag_and_cuts():
    q = quadrant(7, 0.55, demand_low=0.45, demand_high=0.65)
    assert q.boundary and q.code == "scale_up" and q.advice_zh.startswith("边界") and q.advice_en.startswith("boundary")
    assert not quadrant(7, 0.55, demand_low=0.5, demand_high=0.65).boundary  # the low end on the cut is high
    assert quadrant(7, 0.45, demand_low=0.3, demand_high=0.5).boundary
    assert quadrant(7, 0.6, trl_cut=8).code == "fund_rnd"
    assert quadrant(7, 0.6, demand_cut=0.7).code == "watch"
    assert quadrant(7, float("nan")).code == "unrated"
    for bad in (0, 10, 6.5, True):
        with pytest.raises(ValueError):
            quadrant(bad, 0.5)


# ---- dual-track selectors ---------------------------------------------------------------------------------------


def test_default_dual_track_selects_existing_figures(default, catalog):
    sel = read_dual_track(DUAL_TRACK, indicators=catalog.codes())
    assert set(sel) == set(default["technology"])
    comps = select_components(_observations_000(), sel)
    assert (comps["n_matched"] == comps["n_selectors"]).all()  # every selector names a figure of 000
    got = {(r.technology, r.component): r.value for r in comps.itertuples()}
    assert got[("深反应离子刻蚀(DRIE)", "growth")] == 41.2
    assert got[("深反应离子刻蚀(DRIE)", "order_share")] == 18.2
    assert got[("压电驱动植入式微泵", "import_dependence")] == 68.9
    assert got[("CMOS-MEMS单片集成", "order_share")] == pytest.approx(32.1 + 9.9)
    ald = comps[(comps["technology"] == "原子层沉积(ALD)")].iloc[0]
    assert (ald["value"], ald["lower"], ald["upper"]) == (70.0, 70.0, math.inf)  # 70 % 以上
    table = dual_track(default, demand_score(comps))
    assert table.set_index("technology").loc["纳米压印(NIL)", "quadrant"] == "fund_rnd"
    assert table.set_index("technology").loc["铜-铜混合键合3D堆叠(MEMS-SiP)", "quadrant"] == "watch"


OBS = pd.DataFrame([
    # obs_id, indicator, subject, region, product, application, company, country, tier, scenario, period,
    # value, value_high, qualifier, unit
    (1, "order_share", "缩微机械", "中国", None, "医疗电子", None, None, None, None, "2025Q1", 15.6, np.nan, "exact", "%"),
    (2, "order_share", "缩微机械", "中国", None, "商业航天", None, None, None, None, "2025Q1", 18.2, np.nan, "exact", "%"),
    (3, "import_dependence", "缩微机械", "中国", "微泵", None, None, None, None, None, "2025", 70.0, np.nan, "at_least", "%"),
    (4, "import_dependence", "缩微机械", "中国", "微泵", None, None, None, None, None, "2025", 70.0, np.nan, "at_least", "%"),
    (5, "import_dependence", "缩微机械", "中国", "阀", None, None, None, None, None, "2025", 60.0, np.nan, "exact", "%"),
    (6, "demand_growth", "缩微机械", "中国", None, "医疗", None, None, None, None, "2025", 8.0, np.nan, "at_most", "%"),
    (7, "demand_growth", "缩微机械", "中国", None, "医疗", None, None, None, "乐观", "2025", 30.0, np.nan, "exact", "%"),
    (8, "demand_growth", "缩微机械", "全球", None, "医疗", None, None, None, None, "2025", 5.0, np.nan, "exact", "%"),
    (9, "market_size_cagr", "缩微机械", "中国", "微泵", None, None, None, None, None, "2025/2030", 10.0, 20.0, "range", "%"),
    (10, "import_dependence", "缩微机械", "中国", "微泵", None, "某公司", None, None, None, "2025", 99.0, np.nan, "exact", "%"),
], columns=["obs_id", "indicator", "subject", "region", "product", "application", "company", "country", "tier",
            "scenario", "period", "value", "value_high", "qualifier", "unit"])


def test_select_components_on_a_crafted_frame():
    selectors = {
        "甲": [
            {"component": "order_share", "indicator": "order_share", "application": "医疗电子", "period": "2025Q1"},
            {"component": "order_share", "indicator": "order_share", "application": "商业航天", "period": "2025Q1"},
            {"component": "import_dependence", "indicator": "import_dependence", "product": "微泵", "period": "2025"},
            {"component": "import_dependence", "indicator": "import_dependence", "product": "阀", "period": "2025"},
            {"component": "growth", "indicator": "demand_growth", "application": "医疗", "period": "2025"},
        ],
        "乙": [
            {"component": "growth", "indicator": "market_size_cagr", "product": "微泵", "period": "2025/2030"},
            {"component": "order_share", "indicator": "order_share", "application": "不存在", "period": "2025Q1"},
            {"component": "import_dependence", "indicator": "import_dependence", "product": "微泵", "period": "2025",
             "region": "全球"},
        ],
    }
    out = select_components(OBS, selectors)
    rows = {(r.technology, r.component): r for r in out.itertuples()}
    os_ = rows[("甲", "order_share")]
    assert (os_.value, os_.lower, os_.upper, os_.obs_ids) == (pytest.approx(33.8), pytest.approx(33.8),
                                                             pytest.approx(33.8), [1, 2])
    imp = rows[("甲", "import_dependence")]  # mean of (70 [dup 3, 4], 60); at_least → upper +inf
    assert (imp.value, imp.lower, imp.upper, sorted(imp.obs_ids)) == (65.0, 65.0, math.inf, [3, 4, 5])
    g = rows[("甲", "growth")]  # only obs 6: scenario and region 全球 rows are excluded
    assert (g.value, g.lower, g.upper, g.obs_ids) == (8.0, -math.inf, 8.0, [6])
    r = rows[("乙", "growth")]
    assert (r.value, r.lower, r.upper) == (10.0, 10.0, 20.0)
    miss = rows[("乙", "order_share")]
    assert math.isnan(miss.value) and miss.n_matched == 0 and miss.obs_ids == []
    assert math.isnan(rows[("乙", "import_dependence")].value)  # region named 全球: no such figure
    # caller-supplied bounds for exact figures are used
    with_bounds = OBS.assign(lower=OBS["value"] - 0.05, upper=OBS["value"] + 0.05)
    out2 = select_components(with_bounds, {"丙": [selectors["甲"][0]]})
    assert (out2.loc[0, "lower"], out2.loc[0, "upper"]) == (pytest.approx(15.55), pytest.approx(15.65))


def test_select_components_refuses_non_percent():
    obs = OBS.assign(unit="亿元")
    with pytest.raises(ValueError, match="not in %"):
        select_components(obs, {"甲": [{"component": "growth", "indicator": "demand_growth", "application": "医疗",
                                        "period": "2025"}]})


def test_read_dual_track_errors_name_file_and_entry(tmp_path, catalog):
    path = tmp_path / "dt.yaml"
    path.write_text(
        "technologies:\n"
        "  - technology: 甲\n"
        "    selectors:\n"
        "      - component: growth\n"
        "        indicator: demand_growth\n"
        "        period: '2025'\n"
        "  - technology: 乙\n"
        "    colour: red\n"
        "    selectors:\n"
        "      - component: price\n"
        "        indicator: no_such_code\n"
        "        period: 2025\n"
        "        flavour: x\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as exc:
        read_dual_track(path, indicators=catalog.codes())
    got = [(f.file, f.row, f.field) for f in exc.value.failures]
    assert got == [
        (str(path), 7, "technologies[2].colour"),
        (str(path), 10, "technologies[2] (乙).selectors[1].flavour"),
        (str(path), 10, "technologies[2] (乙).selectors[1].component"),
        (str(path), 10, "technologies[2] (乙).selectors[1].indicator"),
    ]


def test_read_dual_track_normalises_and_accepts_int_period(tmp_path):
    path = tmp_path / "dt.yaml"
    path.write_text("technologies:\n  - technology: 晶圓級鍵合\n    selectors:\n      - {component: growth, "
                    "indicator: demand_growth, application: 醫療, period: 2025}\n", encoding="utf-8")
    sel = read_dual_track(path)
    assert sel == {"晶圆级键合": [{"component": "growth", "indicator": "demand_growth", "period": "2025",
                                 "application": "医疗"}]}
