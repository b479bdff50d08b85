"""Audit findings (with the quotes of the figures involved) and house views."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ..deps import TEXT_PATTERN, AsOf, ContextDep, WriterDep
from ..models import Finding, FindingList, HouseViewIn, HouseViewList, VintageWritten
from ..problems import problem_responses
from ..views import audit as views
from ..views import writes

__all__ = [
    "Text",
    "Vid",
    "choose",
    "finding",
    "findings",
    "house_views",
    "router",
]

router = APIRouter(tags=["audit"])
Vid = Annotated[int | None, Query(ge=1, le=2**62, description="An audited vintage; the latest audited by default")]
Text = Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN)]


@router.get("/audit/findings", response_model=FindingList, responses=problem_responses(404, 422, 503),
            summary="Audit findings, each with its figures and their quotes side by side")
async def findings(ctx: ContextDep, vintage: Vid = None,
                   severity: Annotated[str | None, Query(pattern="^(error|warning|info)$")] = None,
                   rule: Text = None, indicator: Text = None) -> dict:
    return await ctx.read(lambda s: views.findings(s, vintage, severity=severity, rule=rule, indicator=indicator))


@router.get("/audit/findings/{finding_id}", response_model=Finding, responses=problem_responses(404, 422, 503),
            summary="One finding")
async def finding(ctx: ContextDep, finding_id: Annotated[int, Path(ge=1, le=2**62)], vintage: Vid = None) -> dict:
    return await ctx.read(lambda s: views.finding(s, finding_id, vintage))


@router.get("/audit/house-views", response_model=HouseViewList, responses=problem_responses(400, 404, 422, 503),
            summary="The analyst's choices among conflicting figures, with the spread of each key")
async def house_views(ctx: ContextDep, as_of: AsOf = None) -> dict:
    return await ctx.read(lambda s: views.house_views(s, as_of))


@router.post("/audit/house-views", status_code=201, response_model=VintageWritten,
             responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
             summary="Record which figure the report uses for its key, and why (needs --allow-writes and a token)")
async def choose(ctx: ContextDep, writer: WriterDep, body: HouseViewIn) -> dict:
    analyst = body.analyst or writer.name
    return await ctx.write(lambda: writes.record_house_view(ctx.settings.store_path, body.obs_id, body.reason,
                                                            analyst))
