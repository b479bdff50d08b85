"""Figures and where they come from: observations, sources with their quotes, vintages and the diff between
two. Field names are the store's column names, so the API, the exports and the library read alike."""
from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, create_model

from ...model import DIMENSIONS
from ...monitor import DIFF_COLUMNS
from .base import ApiModel, Int, Num, Str

__all__ = [
    "OBSERVATION_FIELDS",
    "Diff",
    "DiffRow",
    "Figure",
    "Observation",
    "ObservationDetail",
    "ObservationPage",
    "Source",
    "SourceDetail",
    "SourceRef",
    "Vintage",
    "VintageList",
    "VintageWritten",
]


# ---- observations ---------------------------------------------------------------------------------
OBSERVATION_FIELDS = (
    "obs_id", "obs_key", "vintage_id", "indicator", *DIMENSIONS, "period", "period_start", "period_end", "value",
    "value_high", "qualifier", "unit", "value_as_printed", "value_high_as_printed", "unit_as_printed", "status",
    "source_id", "quote", "quote_start", "quote_end", "location", "basis", "note", "formula", "input_ids",
    "bound_low", "bound_high", "lo80", "hi80", "lo95", "hi95", "method", "input_vintage", "kind", "reading",
    "reading_band",
)


class Observation(ApiModel):
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


class ObservationPage(ApiModel):
    """One page of a query, in obs_id order. `next` is the URL of the next page (same filters, the vintage
    pinned), null on the last page."""

    vintage_id: Int
    count: int
    limit: int
    next_after: Int
    next: Str
    items: list[Observation]


class SourceRef(ApiModel):
    source_id: str
    title: Str
    title_en: Str
    publisher: Str
    published: date | None
    document: Str
    lang: Str


class Figure(ApiModel):
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


class ObservationDetail(ApiModel):
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


class SourceDetail(ApiModel):
    """A source with its quotes: the figures it states (paged by obs_id)."""

    source: Source
    count: int
    next_after: Int
    quotes: list[Figure]


# ---- vintages ------------------------------------------------------------------------------------
class Vintage(ApiModel):
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


class VintageList(ApiModel):
    vintages: list[Vintage]


class VintageWritten(ApiModel):
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
DiffRow = create_model(  # type: ignore[call-overload]  # pydantic's create_model builds the class at run time; mypy cannot follow it
    "DiffRow", __config__=ConfigDict(extra="forbid"),
    __doc__="One figure key that changed: new, revised or withdrawn, old and new versions side by side.",
    **{c: ((str, ...) if c in _DIFF_REQUIRED else (Int, None) if c in _DIFF_INT else (Num, None) if c in _DIFF_NUM
           else (Str, None)) for c in DIFF_COLUMNS},
)


class Diff(ApiModel):
    since_vintage: Int
    until_vintage: int
    counts: dict[str, int]
    count: int
    offset: int
    limit: int
    changes: list[DiffRow]  # type: ignore[valid-type]  # pydantic's create_model builds the class at run time; mypy cannot follow it
