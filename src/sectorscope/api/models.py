"""Response and request bodies of the API, as Pydantic models: the OpenAPI document is generated from
them, so a client (and schemathesis) knows the shape of every answer. Field names are the store's
column names, so the API, the exports and the library read alike."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..model.observation import DIMENSIONS
from ..monitor.diff import DIFF_COLUMNS

__all__ = [
    "OBSERVATION_FIELDS",
    "Alert",
    "AlertList",
    "Catalog",
    "CompositeIndex",
    "Derived",
    "DerivedList",
    "Diff",
    "DiffRow",
    "DisplayUnit",
    "Elasticity",
    "ElasticityList",
    "Figure",
    "Finding",
    "FindingList",
    "ForecastList",
    "ForecastPoint",
    "ForecastSeries",
    "Glossary",
    "GlossaryTerm",
    "Health",
    "HouseView",
    "HouseViewIn",
    "HouseViewList",
    "IndexList",
    "IndexUnit",
    "Indicator",
    "Int",
    "Num",
    "NumberRule",
    "Observation",
    "ObservationDetail",
    "ObservationPage",
    "Source",
    "SourceDetail",
    "SourceRef",
    "Str",
    "TrlAssessmentIn",
    "TrlList",
    "TrlRow",
    "Vintage",
    "VintageList",
    "VintageWritten",
]

Str = str | None
Num = float | None
Int = int | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(_Model):
    status: str
    store: str
    latest_vintage: Int
    writes: bool
    version: str


class Indicator(_Model):
    """One indicator of the catalog as the store holds it."""

    code: str
    name_zh: str
    name_en: str
    unit_kind: str
    canonical_unit: Str
    aggregation: str
    definition_zh: Str
    definition_en: Str
    lower: Num
    upper: Num
    vintage_id: int


class Catalog(_Model):
    vintage_id: Int
    indicators: list[Indicator]


class GlossaryTerm(_Model):
    zh: str
    en: str
    symbol: Str = None  # a qualifier's prefix as printed (约, ≥, ≤; – joins a range)


class DisplayUnit(_Model):
    alone: bool  # whether a value shown by itself takes a scaled unit too (money does, counts do not)
    scales: list[tuple[float, str]]  # (factor, unit), largest first


class NumberRule(_Model):
    significant: int  # a computed value shows at most this many significant figures …
    max_decimals: int  # … and at most this many decimals
    missing: str  # what a missing value shows as


class Glossary(_Model):
    """Every word, unit label, display unit and number rule sectorscope shows a reader (sectorscope.present):
    what the dashboard formats with, so it words a figure as the report does."""

    langs: list[str]
    groups: dict[str, dict[str, GlossaryTerm]]
    units: dict[str, dict[str, str]]
    display_units: dict[str, DisplayUnit]
    numbers: NumberRule


# ---- observations ---------------------------------------------------------------------------------
OBSERVATION_FIELDS = (
    "obs_id", "obs_key", "vintage_id", "indicator", *DIMENSIONS, "period", "period_start", "period_end", "value",
    "value_high", "qualifier", "unit", "value_as_printed", "value_high_as_printed", "unit_as_printed", "status",
    "source_id", "quote", "quote_start", "quote_end", "location", "basis", "note", "formula", "input_ids",
    "bound_low", "bound_high", "lo80", "hi80", "lo95", "hi95", "method", "input_vintage", "kind", "reading",
    "reading_band",
)


class Observation(_Model):
    """One figure: its dimensions, value in the canonical unit and as printed, status, source, quote and,
    for derived figures and forecasts, formula, inputs and intervals."""

    obs_id: int
    obs_key: str
    vintage_id: int
    indicator: str
    subject: Str
    region: Str
    product: Str
    application: Str
    company: Str
    country: Str
    tier: Str
    scenario: Str
    period: str
    period_start: date | None
    period_end: date | None
    value: Num
    value_high: Num
    qualifier: Str
    unit: Str
    value_as_printed: Str
    value_high_as_printed: Str
    unit_as_printed: Str
    status: str
    source_id: str
    quote: Str
    quote_start: Int
    quote_end: Int
    location: Str
    basis: Str
    note: Str
    formula: Str
    input_ids: list[int] | None
    bound_low: Num
    bound_high: Num
    lo80: Num
    hi80: Num
    lo95: Num
    hi95: Num
    method: Str
    input_vintage: Int
    kind: str  # stated, derived, tier_summary, assessment, model_forecast or scenario_projection
    reading: Str  # the elasticity index's reading (shortage, balanced, surplus) …
    reading_band: Num  # … and the balanced band that made it


class ObservationPage(_Model):
    """One page of a query, in obs_id order. `next` is the URL of the next page (same filters, the vintage
    pinned), null on the last page."""

    vintage_id: Int
    count: int
    limit: int
    next_after: Int
    next: Str
    items: list[Observation]


class SourceRef(_Model):
    source_id: str
    title: Str
    title_en: Str
    publisher: Str
    published: date | None
    document: Str
    lang: Str


class Figure(_Model):
    """A figure another answer refers to (an input, a figure of a finding), with its quote and a link.
    `printed` is the figure as the report prints it (sectorscope.present): as its source printed it, or a
    computed figure in its display unit (389.5亿元)."""

    obs_id: int
    indicator: str
    subject: Str
    period: str
    value: Num
    value_high: Num
    qualifier: Str
    unit: Str
    printed: Str
    status: str
    kind: Str  # stated, derived, tier_summary, assessment, model_forecast or scenario_projection
    source_id: str
    quote: Str
    location: Str
    current: bool
    link: str


class ObservationDetail(_Model):
    """A figure with its source, whether it is still the current version of its key, and its inputs."""

    observation: Observation
    source: SourceRef | None
    current: bool
    inputs: list[Figure]


class Source(SourceRef):
    document_sha256: Str
    note: Str
    vintage_id: int
    n_figures: int


class SourceDetail(_Model):
    """A source with its quotes: the figures it states (paged by obs_id)."""

    source: Source
    count: int
    next_after: Int
    quotes: list[Figure]


# ---- vintages ------------------------------------------------------------------------------------
class Vintage(_Model):
    vintage_id: int
    loaded_at: str
    label: Str
    files: list[str]
    sha256: Str
    n_rows: int
    n_new: int
    n_revised: int
    n_unchanged: int
    n_withdrawn: int
    note: Str


class VintageList(_Model):
    vintages: list[Vintage]


class VintageWritten(_Model):
    """What a write added: the new vintage and its counts."""

    vintage_id: int
    loaded_at: str
    n_rows: int
    n_new: int
    n_revised: int
    n_unchanged: int
    n_withdrawn: int
    link: str


_DIFF_INT = {"vintage_id", "obs_id_old", "obs_id_new", "vintage_id_old", "vintage_id_new", "input_vintage_old",
             "input_vintage_new"}
_DIFF_NUM = {"pct_change", *(f"{c}_{s}" for c in ("value", "value_high", "lo80", "hi80", "lo95", "hi95")
                             for s in ("old", "new"))}
_DIFF_REQUIRED = {"change", "obs_key", "source_id", "indicator", "period"}
DiffRow = create_model(  # type: ignore[call-overload]
    "DiffRow", __config__=ConfigDict(extra="forbid"),
    __doc__="One figure key that changed: new, revised or withdrawn, old and new versions side by side.",
    **{c: ((str, ...) if c in _DIFF_REQUIRED else (Int, None) if c in _DIFF_INT else (Num, None) if c in _DIFF_NUM
           else (Str, None)) for c in DIFF_COLUMNS},
)


class Diff(_Model):
    since_vintage: Int
    until_vintage: int
    counts: dict[str, int]
    count: int
    offset: int
    limit: int
    changes: list[DiffRow]  # type: ignore[valid-type]


# ---- audit ---------------------------------------------------------------------------------------
class Finding(_Model):
    """An audit finding with the figures it involves, each with its quote."""

    vintage_id: int
    finding_id: int
    rule: str
    check: Str
    severity: str
    indicator: str
    subject: str
    periods: Str
    obs_ids: list[int]
    culprit_obs_id: Int
    computed_zh: Str
    computed_en: Str
    computed_low: Num
    computed_high: Num
    message_zh: Str
    message_en: Str
    suggestion_zh: Str
    suggestion_en: Str
    audited_at: Str
    figures: list[Figure]


class FindingList(_Model):
    vintage_id: Int
    findings: list[Finding]


class HouseView(_Model):
    indicator: str
    subject: Str
    dims: Str
    period: str
    obs_id: Int
    shown: str
    reason: str
    analyst: str
    spread: str
    ids: list[int]


class HouseViewList(_Model):
    vintage_id: Int
    house_views: list[HouseView]


class HouseViewIn(_Model):
    """Which figure the report uses for its key, and why."""

    obs_id: int = Field(ge=1, le=2**62)
    reason: str = Field(min_length=1, max_length=2000, pattern=r"\S")
    analyst: str = Field(default="", max_length=200)


# ---- analytics -----------------------------------------------------------------------------------
class Derived(_Model):
    """A derived figure with its lineage: formula, method, hard interval and the figures it read."""

    observation: Observation
    inputs: list[Figure]


class DerivedList(_Model):
    vintage_id: Int
    count: int
    items: list[Derived]


class IndexUnit(_Model):
    """One ranked unit: a company or region within its tier (an index may rank tiers separately)."""

    label: str
    tier: Str
    score: Num
    score_lo95: Num
    score_hi95: Num
    rank: Int
    rank_lo80: Int
    rank_hi80: Int
    rank_lo95: Int
    rank_hi95: Int
    score_obs_id: int
    rank_obs_id: Int


class CompositeIndex(_Model):
    """A composite index (OECD/JRC method): scores with their 95 % intervals and Monte-Carlo rank intervals."""

    index: str
    title: Str
    subject: Str
    period: str
    formula: Str
    method: Str
    units: list[IndexUnit]


class IndexList(_Model):
    vintage_id: Int
    indices: list[CompositeIndex]


class Elasticity(_Model):
    """The supply-demand elasticity index of one product (or a tier's mean): positive shortage, negative
    surplus, with the interval the inputs allow and its reading."""

    obs_id: int
    product: Str
    tier: Str
    tier_mean: bool
    period: str
    index: float
    low: Num
    high: Num
    reading: str
    components: Str
    formula: Str
    input_ids: list[int]


class ElasticityList(_Model):
    vintage_id: Int
    balanced_within: float | None
    items: list[Elasticity]
    price_elasticities: list[Observation]


class TrlRow(_Model):
    """A technology's TRL (with its quoted evidence) beside its demand score and the quadrant's advice."""

    technology: str
    subject: Str
    trl: int
    period: str
    evidence: Str
    basis: Str
    note: Str
    source_id: str
    trl_obs_id: int
    demand: Num
    demand_low: Num
    demand_high: Num
    demand_obs_id: Int
    quadrant: str
    boundary: bool
    advice_zh: str
    advice_en: str


class TrlList(_Model):
    vintage_id: Int
    items: list[TrlRow]


class TrlAssessmentIn(_Model):
    """A TRL assessment, in the columns of a trl_assessments.csv (docs/trl.md)."""

    technology: str = Field(min_length=1, max_length=200)
    technology_en: str = Field(default="", max_length=200)
    trl: int = Field(ge=1, le=9)
    evidence: str = Field(min_length=1, max_length=4000)
    source_id: str = Field(min_length=1, max_length=200)
    location: str = Field(default="", max_length=200)
    quote_start: int | None = Field(default=None, ge=0, le=2**40)
    quote_end: int | None = Field(default=None, ge=0, le=2**40)
    assessor: str = Field(min_length=1, max_length=200)
    assessed_on: date
    status: str = Field(default="estimate", pattern=r"^(estimate|actual)$")
    note: str = Field(default="", max_length=2000)
    subject: str = Field(default="缩微机械", min_length=1, max_length=200)


# ---- forecasts -----------------------------------------------------------------------------------
class ForecastPoint(_Model):
    obs_id: int
    period: str
    value: Num
    lo80: Num
    hi80: Num
    lo95: Num
    hi95: Num


class ForecastSeries(_Model):
    """One forecast series: our points with 80/95 % intervals, the history it started from, the reports'
    own forecasts for the same series, and the CAGR scenarios."""

    indicator: str
    dims: dict[str, str]
    unit: Str
    method: Str
    input_vintage: Int
    points: list[ForecastPoint]
    history: list[Figure]
    reported: list[Figure]
    scenarios: list[Figure]


class ForecastList(_Model):
    vintage_id: Int
    series: list[ForecastSeries]


# ---- alerts --------------------------------------------------------------------------------------
class Alert(_Model):
    rule_id: str
    kind: str
    severity: str
    vintage_id: int
    obs_id: int
    obs_key: str
    indicator: str
    dims: dict[str, str]
    period: str
    status: str
    value: Num
    printed: str
    unit: str
    source_id: str
    quote: Str
    location: Str
    message_zh: str
    message_en: str
    figure_vintage: int
    threshold: Num = None
    operator: Str = None
    interval: list[float] | None = None
    interval_level: Int = None
    forecast_obs_id: Int = None
    forecast_value: Num = None
    forecast_vintage: Int = None
    input_vintage: Int = None
    old_obs_id: Int = None
    old_value: Num = None
    old_printed: Str = None
    pct_change: Num = None
    since_vintage: Int = None


class AlertList(_Model):
    vintage_id: int
    rules_file: str
    n_rules: int
    counts: dict[str, int]
    alerts: list[Alert]
