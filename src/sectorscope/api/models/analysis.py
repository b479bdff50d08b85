"""What the audit and the analysis made of the figures: findings and house views, derived figures with their
lineage, composite indices, the elasticity index and TRL × demand — and the writes that add to them."""
from __future__ import annotations

from datetime import date

from pydantic import Field

from .base import ApiModel, Int, Num, Str
from .figures import Figure, Observation

__all__ = [
    "CompositeIndex",
    "Derived",
    "DerivedList",
    "Elasticity",
    "ElasticityList",
    "Finding",
    "FindingList",
    "HouseView",
    "HouseViewIn",
    "HouseViewList",
    "IndexList",
    "IndexUnit",
    "TrlAssessmentIn",
    "TrlList",
    "TrlRow",
]


# ---- audit ---------------------------------------------------------------------------------------
class Finding(ApiModel):
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


class FindingList(ApiModel):
    vintage_id: Int
    findings: list[Finding]


class HouseView(ApiModel):
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


class HouseViewList(ApiModel):
    vintage_id: Int
    house_views: list[HouseView]


class HouseViewIn(ApiModel):
    """Which figure the report uses for its key, and why."""

    obs_id: int = Field(ge=1, le=2**62)
    reason: str = Field(min_length=1, max_length=2000, pattern=r"\S")
    analyst: str = Field(default="", max_length=200)


# ---- analytics -----------------------------------------------------------------------------------
class Derived(ApiModel):
    """A derived figure with its lineage: formula, method, hard interval and the figures it read."""

    observation: Observation
    inputs: list[Figure]


class DerivedList(ApiModel):
    vintage_id: Int
    count: int
    items: list[Derived]


class IndexUnit(ApiModel):
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


class CompositeIndex(ApiModel):
    """A composite index (OECD/JRC method): scores with their 95 % intervals and Monte-Carlo rank intervals."""

    index: str
    title: Str
    subject: Str
    period: str
    formula: Str
    method: Str
    units: list[IndexUnit]


class IndexList(ApiModel):
    vintage_id: Int
    indices: list[CompositeIndex]


class Elasticity(ApiModel):
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


class ElasticityList(ApiModel):
    vintage_id: Int
    balanced_within: float | None
    items: list[Elasticity]
    price_elasticities: list[Observation]


class TrlRow(ApiModel):
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


class TrlList(ApiModel):
    vintage_id: Int
    items: list[TrlRow]


class TrlAssessmentIn(ApiModel):
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
