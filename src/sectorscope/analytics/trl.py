"""TRL × demand dual track: technology readiness assessments with quoted evidence, a questionnaire
calculator, a demand score from growth, import dependence and order shares, and the quadrant advice.

A pure library over pandas: it reads files and frames and returns frames; keeping assessments as vintages
is the store's job (a reference table keyed by `technology`, so a re-assessment is a one-row revision and
`diff_assessments` shows it). Formats, anchors and the quadrant rule are documented in docs/trl.md.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..errors import InputError, RowFailure, SectorscopeError, ValidationError
from ..ingest.read import ROW_COLUMN, read_table
from ..model.observation import DEFAULT_REGION, DIMENSIONS
from ..model.text import normalise

__all__ = [
    "ASSESSMENT_COLUMNS",
    "REQUIRED_COLUMNS",
    "STATUSES",
    "read_assessments",
    "check_quotes",
    "QuestionnaireError",
    "QUESTIONNAIRE_PATH",
    "load_questionnaire",
    "question_ids",
    "trl_from_answers",
    "diff_assessments",
    "COMPONENTS",
    "DEFAULT_ANCHORS",
    "components_wide",
    "demand_score",
    "Quadrant",
    "QUADRANTS",
    "quadrant",
    "dual_track",
    "SELECTOR_KEYS",
    "read_dual_track",
    "select_components",
]

# ---------------------------------------------------------------------------------------------------------
# Assessment files
# ---------------------------------------------------------------------------------------------------------

ASSESSMENT_COLUMNS = ("technology", "technology_en", "trl", "evidence", "source_id", "location", "quote_start",
                      "quote_end", "assessor", "assessed_on", "status", "note")
REQUIRED_COLUMNS = ("technology", "trl", "evidence", "source_id", "assessor", "assessed_on")
STATUSES = ("estimate", "actual")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    rows = frame.attrs.get("rows")
    if rows is not None and len(rows) == len(frame):
        return [int(r) for r in rows]
    return list(range(2, len(frame) + 2))


def read_assessments(
    path: str | Path,
    *,
    texts: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Read and validate a TRL assessment file (CSV UTF-8, or XLSX) into a frame with ASSESSMENT_COLUMNS.

    Checks: the required columns are there and no unknown one; `trl` a whole number 1–9; `assessed_on` an ISO
    date (YYYY-MM-DD) not after `today`; `status` estimate or actual (empty = estimate); `technology` non-empty
    and unique after normalisation (traditional → simplified, seed artefacts stripped); `evidence` non-empty;
    `quote_start`/`quote_end` whole numbers with quote_end = quote_start + len(evidence). With `texts`
    ({source_id: document text}) the evidence is also checked against its source (see `check_quotes`).

    Every failure of every row is collected and raised at once as a ValidationError naming file, row (header =
    row 1) and field. The frame remembers its file and row numbers in `frame.attrs`.
    """
    file = str(path)
    raw = read_table(path)
    columns = [c for c in raw.columns if c != ROW_COLUMN]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in ASSESSMENT_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing required column(s): {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(unknown)} (known: {', '.join(ASSESSMENT_COLUMNS)})")
        raise InputError("; ".join(parts) + " — see docs/trl.md", file=file)
    if len(raw) == 0:
        raise InputError("the file has a header but no rows", file=file)
    for c in ASSESSMENT_COLUMNS:
        if c not in raw.columns:
            raw[c] = ""
    today = today or dt.date.today()
    failures: list[RowFailure] = []
    records = []
    seen: dict[str, int] = {}
    for rec in raw.to_dict("records"):
        row = int(rec[ROW_COLUMN])

        def fail(field: str, reason: str, _row: int = row, _rec: dict = rec) -> None:
            failures.append(RowFailure(file, _row, field, str(_rec.get(field, "")), reason))

        tech = normalise(rec["technology"])
        if not tech:
            fail("technology", "empty: name the technology or process module")
        elif tech in seen:
            fail("technology", f"repeats the technology of row {seen[tech]}; one assessment per technology and file")
        else:
            seen[tech] = row
        trl_text = rec["trl"].strip()
        trl = None
        if not re.fullmatch(r"\d+", trl_text):
            fail("trl", "TRL must be a whole number from 1 to 9 (Arabic digits)")
        elif not 1 <= int(trl_text) <= 9:
            fail("trl", "TRL must be from 1 to 9")
        else:
            trl = int(trl_text)
        if not rec["evidence"]:
            fail("evidence", "empty: quote the passage of the source the TRL is judged from")
        if not rec["source_id"]:
            fail("source_id", "empty: every assessment needs the source its evidence is quoted from")
        if not rec["assessor"]:
            fail("assessor", "empty: name who assessed (person or team)")
        on = None
        if not _ISO_DATE.fullmatch(rec["assessed_on"]):
            fail("assessed_on", "not an ISO date (YYYY-MM-DD)")
        else:
            try:
                on = dt.date.fromisoformat(rec["assessed_on"])
            except ValueError:
                fail("assessed_on", "not a valid calendar date")
            else:
                if on > today:
                    fail("assessed_on", f"in the future (today is {today.isoformat()})")
        status = rec["status"] or "estimate"
        if status not in STATUSES:
            fail("status", f"status must be one of {', '.join(STATUSES)}")
        offsets = {}
        for c in ("quote_start", "quote_end"):
            offsets[c] = None
            if rec[c] == "":
                continue
            if re.fullmatch(r"\d+", rec[c]):
                offsets[c] = int(rec[c])
            else:
                fail(c, "not a character offset (a whole number)")
        start, end = offsets["quote_start"], offsets["quote_end"]
        if start is None and end is not None and rec["quote_start"] == "":
            fail("quote_start", "quote_end given without quote_start")
        if start is not None and rec["evidence"]:
            if end is None and rec["quote_end"] == "":
                end = start + len(rec["evidence"])
            elif end is not None and end != start + len(rec["evidence"]):
                fail("quote_end", f"quote_end must be quote_start + the evidence's length ({start + len(rec['evidence'])})")
                end = start + len(rec["evidence"])  # so the quote check judges quote_start alone
        records.append({
            "technology": tech,
            "technology_en": rec["technology_en"] or None,
            "trl": trl,
            "evidence": rec["evidence"],
            "source_id": rec["source_id"],
            "location": normalise(rec["location"]) or None,
            "quote_start": start,
            "quote_end": end,
            "assessor": normalise(rec["assessor"]),
            "assessed_on": on,
            "status": status,
            "note": normalise(rec["note"]) or None,
            "_row": row,
        })
    frame = pd.DataFrame.from_records(records)
    rows = frame.pop("_row").tolist()
    frame = frame[list(ASSESSMENT_COLUMNS)]
    frame.attrs["file"] = file
    frame.attrs["rows"] = rows
    if texts is not None:
        ok = frame["evidence"].ne("") & frame["trl"].notna()
        failures += check_quotes(frame, texts, file=file, only=ok.tolist())
    if failures:
        failures.sort(key=lambda f: (f.row or 0, f.field or ""))
        raise ValidationError(failures, file=file)
    frame["trl"] = frame["trl"].astype(int)
    frame["quote_start"] = frame["quote_start"].astype("Int64")
    frame["quote_end"] = frame["quote_end"].astype("Int64")
    return frame


def check_quotes(
    frame: pd.DataFrame,
    texts: Mapping[str, str],
    *,
    file: str | None = None,
    only: list[bool] | None = None,
) -> list[RowFailure]:
    """The rows whose evidence is not where it says it is, as RowFailures (empty list = all checkable and found).

    As for observation quotes (ingest/validate.py): offsets are Python string indices into the source document
    decoded as UTF-8, and `text[quote_start:quote_end]` must equal the evidence character for character (the
    raw, unconverted text: evidence is quoted verbatim, traditional characters and artefacts included). A row
    without offsets must have its evidence somewhere in the text; the reason then gives the offsets to add.
    A source without a text in `texts` cannot be checked and is reported.
    """
    file = file or frame.attrs.get("file", "<assessments>")
    rows = _row_numbers(frame)
    failures = []
    for i, rec in enumerate(frame.to_dict("records")):
        if only is not None and not only[i]:
            continue
        row, ev, sid = rows[i], rec["evidence"], rec["source_id"]
        text = texts.get(sid)
        if text is None:
            failures.append(RowFailure(file, row, "source_id", sid,
                                       "no document text for this source: the evidence cannot be checked"))
            continue
        start = rec.get("quote_start")
        if start is None or pd.isna(start):
            if ev not in text:
                failures.append(RowFailure(file, row, "evidence", ev[:40],
                                           f"not found verbatim in {sid}'s document"))
            continue
        start = int(start)
        end = rec.get("quote_end")
        end = start + len(ev) if end is None or pd.isna(end) else int(end)
        if text[start:end] != ev:
            found = text.find(ev)
            hint = (f"; it is at {found}:{found + len(ev)}" if found >= 0
                    else "; and it is nowhere in the document verbatim")
            failures.append(RowFailure(file, row, "quote_start", str(start),
                                       f"the evidence is not at {start}:{end} of {sid}'s document{hint}"))
    return failures


# ---------------------------------------------------------------------------------------------------------
# Questionnaire
# ---------------------------------------------------------------------------------------------------------

QUESTIONNAIRE_PATH = Path(__file__).with_name("questionnaire.yaml")


class QuestionnaireError(SectorscopeError, ValueError):
    """Answers that name a question the questionnaire does not have, or are not yes/no; or a bad questionnaire."""


def load_questionnaire(path: str | Path | None = None) -> dict[int, dict]:
    """The questionnaire as {level: {name_zh, name_en, definition_zh, definition_en, criteria: [{id, zh, en}]}},
    checked: levels exactly 1–9, each with 2–4 criteria, ids unique."""
    path = Path(path) if path else QUESTIONNAIRE_PATH
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    levels = (data or {}).get("levels")
    if not isinstance(levels, dict) or sorted(levels) != list(range(1, 10)):
        raise QuestionnaireError(f"{path}: 'levels' must map each TRL 1–9 to its definition and criteria")
    seen: set[str] = set()
    out = {}
    for level in range(1, 10):
        entry = levels[level]
        crit = entry.get("criteria") or []
        if not 2 <= len(crit) <= 4:
            raise QuestionnaireError(f"{path}: level {level} needs 2–4 criteria, has {len(crit)}")
        for c in crit:
            if not {"id", "zh", "en"} <= set(c) or c["id"] in seen:
                raise QuestionnaireError(f"{path}: level {level}: each criterion needs a unique id, zh and en ({c})")
            seen.add(c["id"])
        for key in ("name_zh", "name_en", "definition_zh", "definition_en"):
            if not entry.get(key):
                raise QuestionnaireError(f"{path}: level {level} lacks {key}")
        out[level] = entry
    return out


def question_ids(questionnaire: Mapping[int, dict] | None = None) -> dict[str, int]:
    """{criterion id: its level}."""
    q = questionnaire or load_questionnaire()
    return {c["id"]: level for level, entry in q.items() for c in entry["criteria"]}


def trl_from_answers(answers: Mapping[str, bool], questionnaire: Mapping[int, dict] | None = None) -> int:
    """The TRL a set of yes/no answers supports: the highest level L such that every criterion of levels 1..L
    is answered yes. An unanswered criterion counts as no, so a gap at a low level caps the result however
    many higher criteria are met. Returns 0 when a level-1 criterion is not met.

    Raises QuestionnaireError for an id the questionnaire does not have, or an answer that is not a bool.
    """
    q = questionnaire or load_questionnaire()
    ids = question_ids(q)
    unknown = sorted(set(answers) - set(ids))
    if unknown:
        raise QuestionnaireError(f"unknown question id(s): {', '.join(unknown)} (known: {', '.join(ids)})")
    not_bool = sorted(k for k, v in answers.items() if not isinstance(v, (bool, np.bool_)))
    if not_bool:
        raise QuestionnaireError(f"answers must be true or false: {', '.join(not_bool)}")
    trl = 0
    for level in range(1, 10):
        if all(answers.get(c["id"], False) for c in q[level]["criteria"]):
            trl = level
        else:
            break
    return trl


# ---------------------------------------------------------------------------------------------------------
# Diff of two assessment frames (two vintages)
# ---------------------------------------------------------------------------------------------------------

_COMPARED = tuple(c for c in ASSESSMENT_COLUMNS if c != "technology")


def _same(a: Any, b: Any) -> bool:
    na, nb = a is None or (not isinstance(a, str) and pd.isna(a)), b is None or (not isinstance(b, str) and pd.isna(b))
    if na or nb:
        return na and nb
    return a == b


def diff_assessments(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """What changed between two assessment frames, one row per technology that was added, revised or removed:
    technology, change ('added' | 'revised' | 'removed'), old_trl, new_trl, trl_delta, old_evidence,
    new_evidence, fields (the columns that differ, comma-separated). Unchanged technologies are left out;
    rows are sorted by technology. A revision is any difference in an assessment column, not only the TRL."""
    o = old.set_index("technology")
    n = new.set_index("technology")
    rows = []
    for tech in sorted(set(o.index) | set(n.index)):
        if tech not in n.index:
            r = o.loc[tech]
            rows.append((tech, "removed", r["trl"], None, r["evidence"], None, ""))
        elif tech not in o.index:
            r = n.loc[tech]
            rows.append((tech, "added", None, r["trl"], None, r["evidence"], ""))
        else:
            a, b = o.loc[tech], n.loc[tech]
            fields = [c for c in _COMPARED if c in o.columns and c in n.columns and not _same(a[c], b[c])]
            if fields:
                rows.append((tech, "revised", a["trl"], b["trl"], a["evidence"], b["evidence"], ", ".join(fields)))
    out = pd.DataFrame(rows, columns=["technology", "change", "old_trl", "new_trl", "old_evidence", "new_evidence",
                                      "fields"])
    out["old_trl"] = out["old_trl"].astype("Int64")
    out["new_trl"] = out["new_trl"].astype("Int64")
    out.insert(4, "trl_delta", (out["new_trl"] - out["old_trl"]).astype("Int64"))
    return out


# ---------------------------------------------------------------------------------------------------------
# Demand score
# ---------------------------------------------------------------------------------------------------------

COMPONENTS = ("growth", "import_dependence", "order_share")
DEFAULT_ANCHORS: dict[str, tuple[float, float]] = {
    "growth": (0.0, 30.0),             # % a year: 0 or less scores 0, 30 % or more scores 1
    "import_dependence": (0.0, 100.0),  # %: the whole scale
    "order_share": (0.0, 50.0),         # % of orders: a segment with half the orders scores 1
}


def components_wide(long: pd.DataFrame) -> pd.DataFrame:
    """select_components' long frame (technology × component) as one row per technology with columns
    <component>, <component>_lower, <component>_upper (NaN where a component is missing)."""
    out = pd.DataFrame({"technology": pd.unique(long["technology"])})
    for comp in COMPONENTS:
        part = long[long["component"] == comp].set_index("technology")
        for src, dst in (("value", comp), ("lower", f"{comp}_lower"), ("upper", f"{comp}_upper")):
            out[dst] = out["technology"].map(part[src]).astype(float)
    return out


def _norm(x: pd.Series, lo: float, hi: float) -> pd.Series:
    return ((x.astype(float) - lo) / (hi - lo)).clip(0.0, 1.0)


def demand_score(
    components: pd.DataFrame,
    anchors: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """A 0–1 demand score per technology from growth, import dependence and order share (all in %).

    `components` has a `technology` column and, per component, `<c>` and optionally `<c>_lower`/`<c>_upper`
    (an interval; missing bounds default to the point). A long frame from select_components (with a
    `component` column) is accepted too. Each component is mapped linearly onto 0–1 between its anchors and
    clipped (DEFAULT_ANCHORS, justified in docs/trl.md); the score is the mean over the components that are
    available (NaN = missing, not zero), and score_low / score_high the same mean over the normalised bounds.
    Returns technology, <c>_norm, <c>_norm_low, <c>_norm_high, score, score_low, score_high, n_components,
    available (the components used, comma-separated).
    """
    if "component" in components.columns:
        components = components_wide(components)
    anchors = {**DEFAULT_ANCHORS, **(anchors or {})}
    out = pd.DataFrame({"technology": components["technology"].to_numpy()}, index=components.index)
    pts, lows, highs = [], [], []
    for comp in COMPONENTS:
        lo, hi = anchors[comp]
        if not hi > lo:
            raise ValueError(f"anchors of {comp} must rise: {lo} to {hi}")
        value = components[comp].astype(float) if comp in components else pd.Series(np.nan, index=components.index)
        lower = components[f"{comp}_lower"].astype(float) if f"{comp}_lower" in components else value
        upper = components[f"{comp}_upper"].astype(float) if f"{comp}_upper" in components else value
        lower = lower.where(lower.notna() | value.isna(), value)
        upper = upper.where(upper.notna() | value.isna(), value)
        bad = value.notna() & ((lower > value) | (upper < value))
        if bad.any():
            techs = ", ".join(map(str, components.loc[bad, "technology"]))
            raise ValueError(f"{comp}: the interval does not contain the value for {techs}")
        out[f"{comp}_norm"] = _norm(value, lo, hi)
        out[f"{comp}_norm_low"] = _norm(lower, lo, hi).where(value.notna())
        out[f"{comp}_norm_high"] = _norm(upper, lo, hi).where(value.notna())
        pts.append(out[f"{comp}_norm"])
        lows.append(out[f"{comp}_norm_low"])
        highs.append(out[f"{comp}_norm_high"])
    p = pd.concat(pts, axis=1)
    out["score"] = p.mean(axis=1, skipna=True)
    out["score_low"] = pd.concat(lows, axis=1).mean(axis=1, skipna=True)
    out["score_high"] = pd.concat(highs, axis=1).mean(axis=1, skipna=True)
    out["n_components"] = p.notna().sum(axis=1).astype(int)
    avail = p.notna()
    out["available"] = [", ".join(c for c, ok in zip(COMPONENTS, r, strict=True) if ok) for r in avail.to_numpy()]
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------
# Quadrant
# ---------------------------------------------------------------------------------------------------------

QUADRANTS: dict[str, tuple[str, str]] = {
    "scale_up": ("规模化推进", "scale up"),
    "fund_rnd": ("加大研发投入", "fund R&D"),
    "watch": ("持续观察/市场培育", "watch (cultivate the market)"),
    "drop": ("暂缓/退出", "drop or defer"),
    "unrated": ("需求数据不足,暂不定位", "no demand data: not placed"),
}
_BOUNDARY = ("边界", "boundary")


class Quadrant(tuple):
    """(code, advice_zh, advice_en), unpackable as a 3-tuple, with `.boundary`: True when the demand interval
    straddles the cut, so the quadrant could be the neighbouring one. The advice then starts with 边界 / boundary."""

    boundary: bool

    def __new__(cls, code: str, advice_zh: str, advice_en: str, boundary: bool = False) -> Quadrant:
        self = super().__new__(cls, (code, advice_zh, advice_en))
        self.boundary = boundary
        return self

    @property
    def code(self) -> str:
        return self[0]

    @property
    def advice_zh(self) -> str:
        return self[1]

    @property
    def advice_en(self) -> str:
        return self[2]


def quadrant(
    trl: int,
    demand: float,
    trl_cut: int = 6,
    demand_cut: float = 0.5,
    *,
    demand_low: float | None = None,
    demand_high: float | None = None,
) -> Quadrant:
    """The dual-track quadrant of a technology and its advice.

    High readiness is TRL ≥ trl_cut, high demand is demand ≥ demand_cut:
    high × high → scale_up 规模化推进; low TRL × high demand → fund_rnd 加大研发投入;
    high TRL × low demand → watch 持续观察/市场培育; low × low → drop 暂缓/退出.
    A NaN demand gives 'unrated'. With the demand interval (demand_low, demand_high), a technology whose interval
    reaches both sides of the cut (demand_low < demand_cut ≤ demand_high) is flagged boundary (边界).
    """
    if isinstance(trl, bool) or not float(trl).is_integer() or not 1 <= int(trl) <= 9:
        raise ValueError(f"TRL must be a whole number from 1 to 9, got {trl!r}")
    if demand is None or pd.isna(demand):
        zh, en = QUADRANTS["unrated"]
        return Quadrant("unrated", zh, en)
    high_trl = int(trl) >= trl_cut
    high_demand = float(demand) >= demand_cut
    code = {(True, True): "scale_up", (False, True): "fund_rnd", (True, False): "watch",
            (False, False): "drop"}[(high_trl, high_demand)]
    zh, en = QUADRANTS[code]
    lo = float(demand) if demand_low is None or pd.isna(demand_low) else float(demand_low)
    hi = float(demand) if demand_high is None or pd.isna(demand_high) else float(demand_high)
    boundary = lo < demand_cut <= hi
    if boundary:
        zh, en = f"{_BOUNDARY[0]} · {zh}", f"{_BOUNDARY[1]} · {en}"
    return Quadrant(code, zh, en, boundary)


def dual_track(
    assessments: pd.DataFrame,
    scores: pd.DataFrame,
    trl_cut: int = 6,
    demand_cut: float = 0.5,
) -> pd.DataFrame:
    """One row per assessed technology: technology, technology_en, trl, score, score_low, score_high,
    n_components, quadrant, boundary, advice_zh, advice_en. Technologies without a demand score are 'unrated'."""
    cols = ["technology", "score", "score_low", "score_high", "n_components", "available"]
    merged = assessments[["technology", "technology_en", "trl"]].merge(scores[cols], on="technology", how="left")
    merged["n_components"] = merged["n_components"].fillna(0).astype(int)
    qs = [quadrant(int(r.trl), r.score, trl_cut, demand_cut, demand_low=r.score_low, demand_high=r.score_high)
          for r in merged.itertuples(index=False)]
    merged["quadrant"] = [q.code for q in qs]
    merged["boundary"] = [q.boundary for q in qs]
    merged["advice_zh"] = [q.advice_zh for q in qs]
    merged["advice_en"] = [q.advice_en for q in qs]
    return merged


# ---------------------------------------------------------------------------------------------------------
# Demand selectors: which store figures make each technology's demand components
# ---------------------------------------------------------------------------------------------------------

SELECTOR_KEYS = ("component", "indicator", "period", *DIMENSIONS, "note")
_ENTRY_KEYS = ("technology", "note", "selectors")
_TOP_KEYS = ("technologies", "note")
_LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that records each mapping's 1-based line under _LINE."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_dual_track(path: str | Path, *, indicators: Iterable[str] | None = None) -> dict[str, list[dict]]:
    """Read the dual-track selector file: {technology (normalised): [selector, …]}.

    A selector is a mapping with `component` (growth | import_dependence | order_share), `indicator`, `period`
    and any of the observation dimensions (subject, region, product, application, company, country, tier,
    scenario), plus an optional `note`. Dimension values are normalised as observation text is. With
    `indicators` (catalog codes) an unknown indicator is refused. Every problem is collected and raised as a
    ValidationError whose failures name the file, the YAML line (as `row`) and the entry and key (as `field`).
    """
    file = str(path)
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 (SafeLoader)
    except FileNotFoundError:
        raise InputError("no such file", file=file) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=file) from None
    known = set(indicators) if indicators is not None else None
    failures: list[RowFailure] = []

    def fail(line: int | None, field: str, value: Any, reason: str) -> None:
        failures.append(RowFailure(file, line, field, None if value is None else str(value), reason))

    if not isinstance(data, dict) or not isinstance(data.get("technologies"), list):
        raise InputError("the file must be a mapping with a list under 'technologies' — see docs/trl.md", file=file)
    for k in data:
        if k not in (*_TOP_KEYS, _LINE):
            fail(data[_LINE], k, None, f"unknown key (known: {', '.join(_TOP_KEYS)})")
    out: dict[str, list[dict]] = {}
    for n, entry in enumerate(data["technologies"], start=1):
        where = f"technologies[{n}]"
        if not isinstance(entry, dict):
            fail(None, where, entry, "each entry must be a mapping with technology and selectors")
            continue
        line = entry[_LINE]
        for k in entry:
            if k not in (*_ENTRY_KEYS, _LINE):
                fail(line, f"{where}.{k}", None, f"unknown key (known: {', '.join(_ENTRY_KEYS)})")
        tech = normalise(str(entry.get("technology") or ""))
        if not tech:
            fail(line, f"{where}.technology", None, "empty: name the technology as in the assessment file")
            continue
        where = f"{where} ({tech})"
        if tech in out:
            fail(line, f"{where}.technology", tech, "the technology appears twice")
            continue
        sels = entry.get("selectors") or []
        if not isinstance(sels, list):
            fail(line, f"{where}.selectors", None, "must be a list of selectors")
            sels = []
        parsed = []
        for m, sel in enumerate(sels, start=1):
            swhere = f"{where}.selectors[{m}]"
            if not isinstance(sel, dict):
                fail(line, swhere, sel, "a selector must be a mapping (component, indicator, period, dimensions)")
                continue
            sline = sel[_LINE]
            ok = True
            for k in sel:
                if k not in (*SELECTOR_KEYS, _LINE):
                    fail(sline, f"{swhere}.{k}", None, f"unknown key (known: {', '.join(SELECTOR_KEYS)})")
                    ok = False
            comp = sel.get("component")
            if comp not in COMPONENTS:
                fail(sline, f"{swhere}.component", comp, f"component must be one of {', '.join(COMPONENTS)}")
                ok = False
            ind = sel.get("indicator")
            if not ind:
                fail(sline, f"{swhere}.indicator", None, "empty: name the indicator code")
                ok = False
            elif known is not None and ind not in known:
                fail(sline, f"{swhere}.indicator", ind, "unknown indicator; `sectorscope catalog` lists the codes")
                ok = False
            if sel.get("period") in (None, ""):
                fail(sline, f"{swhere}.period", None, "empty: name the period (e.g. '2025', '2025Q1', '2025/2030')")
                ok = False
            if ok:
                clean = {"component": comp, "indicator": str(ind), "period": str(sel["period"])}
                for d in DIMENSIONS:
                    if sel.get(d) not in (None, ""):
                        clean[d] = normalise(str(sel[d]))
                if sel.get("note"):
                    clean["note"] = str(sel["note"])
                parsed.append(clean)
        out[tech] = parsed
    if failures:
        raise ValidationError(failures, file=file)
    return out


# how the selectors of one component combine: shares of distinct application segments add up; growth rates
# and import dependences of several products are averaged
_COMBINE = {"growth": "mean", "import_dependence": "mean", "order_share": "sum"}


def _empty(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype(str).str.strip() == "")


def _bounds(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    value = rows["value"].astype(float)
    lower = rows["lower"].astype(float).fillna(value) if "lower" in rows else value.copy()
    upper = rows["upper"].astype(float).fillna(value) if "upper" in rows else value.copy()
    q = rows["qualifier"].fillna("exact") if "qualifier" in rows else pd.Series("exact", index=rows.index)
    upper = upper.mask(q == "at_least", np.inf)
    lower = lower.mask(q == "at_most", -np.inf)
    if "value_high" in rows:
        upper = upper.mask(q == "range", rows["value_high"].astype(float))
    return lower, upper


def select_components(observations: pd.DataFrame, selectors: Mapping[str, list[dict]]) -> pd.DataFrame:
    """The demand components of each technology, picked from an observations frame by its selectors.

    `observations` has obs_id, indicator, the dimensions, period, value, value_high, qualifier and unit
    (optionally lower/upper: a caller's interval for exact and about figures). A selector matches observations
    with its indicator and period, each dimension it names equal to its value, region 中国 unless it names one,
    subject free unless it names one, and every other dimension empty. Bounds of a figure: lower/upper columns
    where present, else the value; at_least → upper +inf; at_most → lower −inf; range → value to value_high.
    Several figures matching one selector (the same figure quoted twice) give their mean with the envelope of
    their bounds; several selectors of one component combine by sum (order_share: distinct segments) or mean
    (growth, import_dependence).

    Returns one row per technology × component named in the selectors: technology, component, value, lower,
    upper, n_selectors, n_matched (selectors that found a figure), obs_ids (lineage, a list). A component whose
    selectors found nothing has NaN value: missing, not zero.
    """
    obs = observations
    rows = []
    for tech, sels in selectors.items():
        by_comp: dict[str, list[dict]] = {}
        for sel in sels:
            by_comp.setdefault(sel["component"], []).append(sel)
        for comp, group in by_comp.items():
            parts, ids = [], []
            for sel in group:
                m = (obs["indicator"] == sel["indicator"]) & (obs["period"].astype(str) == sel["period"])
                for d in DIMENSIONS:
                    if d not in obs.columns:
                        if d in sel:
                            m &= False
                        continue
                    if d in sel:
                        m &= obs[d] == sel[d]
                    elif d == "region":
                        m &= obs[d].fillna(DEFAULT_REGION).replace("", DEFAULT_REGION) == DEFAULT_REGION
                    elif d != "subject":
                        m &= _empty(obs[d])
                hit = obs[m]
                if hit.empty:
                    continue
                if "unit" in hit and not hit["unit"].isin(["%"]).all():
                    raise ValueError(f"{tech} / {comp}: selector {sel} matches a figure not in % "
                                     f"({', '.join(map(str, hit['unit'].unique()))})")
                lower, upper = _bounds(hit)
                parts.append((float(hit["value"].astype(float).mean()), float(lower.min()), float(upper.max())))
                ids.extend(hit["obs_id"].tolist())
            if parts:
                arr = np.array(parts)
                agg = np.sum if _COMBINE[comp] == "sum" else np.mean
                value, lower, upper = (float(agg(arr[:, k])) for k in range(3))
            else:
                value = lower = upper = np.nan
            rows.append({"technology": tech, "component": comp, "value": value, "lower": lower, "upper": upper,
                         "n_selectors": len(group), "n_matched": len(parts), "obs_ids": ids})
    return pd.DataFrame(rows, columns=["technology", "component", "value", "lower", "upper", "n_selectors",
                                       "n_matched", "obs_ids"])
