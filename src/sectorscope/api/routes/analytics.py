"""Derived figures with lineage, composite indices, the elasticity index, TRL × demand (and adding a TRL
assessment, a write)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import AsOf, ContextDep, FigureFiltersDep, WriterDep
from ..models import DerivedList, ElasticityList, IndexList, TrlAssessmentIn, TrlList, VintageWritten
from ..problems import problem_responses
from ..views import analytics as views
from ..views import writes

__all__ = [
    "Reads",
    "add_trl",
    "derived",
    "elasticity",
    "indices",
    "router",
    "trl",
]

router = APIRouter(tags=["analytics"])
Reads = problem_responses(400, 404, 422, 503)


@router.get("/derived", response_model=DerivedList, responses=Reads,
            summary="Derived figures with their lineage: formula, method, interval, and the figures they read")
async def derived(ctx: ContextDep, f: FigureFiltersDep, as_of: AsOf = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 500,
                  after: Annotated[int | None, Query(ge=0, le=2**62)] = None) -> dict:
    return await ctx.read(lambda s: views.derived(s, f, as_of, limit=limit, after=after))


@router.get("/indices", response_model=IndexList, responses=Reads,
            summary="Composite indices: scores with 95 % intervals and Monte-Carlo rank intervals (80 %, 95 %)")
async def indices(ctx: ContextDep, as_of: AsOf = None) -> dict:
    return await ctx.read(lambda s: views.indices(s, as_of))


@router.get("/elasticity", response_model=ElasticityList, responses=Reads,
            summary="The supply-demand elasticity index per product and tier (positive: shortage), and %Δq/%Δp")
async def elasticity(ctx: ContextDep, as_of: AsOf = None) -> dict:
    return await ctx.read(lambda s: views.elasticity(s, as_of))


@router.get("/trl", response_model=TrlList, responses=Reads,
            summary="TRL × demand: each technology's TRL with its evidence, demand score and quadrant advice")
async def trl(ctx: ContextDep, as_of: AsOf = None) -> dict:
    return await ctx.read(lambda s: views.trl(s, as_of))


@router.post("/trl/assessments", status_code=201, response_model=VintageWritten,
             responses=problem_responses(400, 401, 403, 409, 413, 422),
             summary="Add a TRL assessment (needs --allow-writes and a token)",
             description="Checked as a row of trl_assessments.csv (docs/trl.md), evidence against the source's "
                         "document when the dataset has it; written as a `trl` figure of source sectorscope-trl.")
async def add_trl(ctx: ContextDep, writer: WriterDep, body: TrlAssessmentIn) -> dict:
    data = body.model_dump()
    data["assessed_on"] = body.assessed_on.isoformat()
    return await ctx.write(lambda: writes.record_trl(ctx.settings.store_path, data, ctx.settings.dataset_dir,
                                                     ctx.scrub))
