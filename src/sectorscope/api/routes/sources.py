"""Sources with their quotes."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from ..deps import TEXT_PATTERN, AsOf, ContextDep
from ..models import Source, SourceDetail
from ..problems import problem_responses
from ..views import store_meta

__all__ = [
    "SourceList",
    "router",
    "source",
    "sources",
]

router = APIRouter(tags=["sources"])


class SourceList(BaseModel):
    vintage_id: int | None
    sources: list[Source]


@router.get("/sources", response_model=SourceList, responses=problem_responses(400, 404, 422, 503),
            summary="Every source: title, publisher, date, document and how many figures it states")
async def sources(ctx: ContextDep, as_of: AsOf = None) -> dict:
    return await ctx.read(lambda s: store_meta.sources(s, as_of))


@router.get("/sources/{source_id}", response_model=SourceDetail, responses=problem_responses(400, 404, 422, 503),
            summary="One source with its quotes (the figures it states, paged by obs_id)")
async def source(ctx: ContextDep, source_id: Annotated[str, Path(max_length=200, pattern=TEXT_PATTERN)],
                 as_of: AsOf = None, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                 after: Annotated[int | None, Query(ge=0, le=2**62)] = None) -> dict:
    return await ctx.read(lambda s: store_meta.source_detail(s, source_id, as_of, limit=limit, after=after))
