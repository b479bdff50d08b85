"""Health, the indicator catalog and the glossary (the words, units and number rules every figure is shown
with)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ... import __version__
from ...present import served_glossary
from ..deps import AsOf, ContextDep
from ..models import Catalog, Glossary, Health, Indicator
from ..problems import ApiProblem, problem_responses
from ..views import store_meta

__all__ = [
    "catalog",
    "glossary",
    "health",
    "indicator",
    "router",
]

router = APIRouter(tags=["catalog"])


@router.get("/health", response_model=Health, responses=problem_responses(503),
            summary="Whether the server can read its store")
async def health(ctx: ContextDep) -> dict:
    latest = await ctx.read(lambda s: s.latest_vintage())
    return {"status": "ok", "store": ctx.settings.store_path.name, "latest_vintage": latest,
            "writes": ctx.settings.allow_writes, "version": __version__}


@router.get("/catalog", response_model=Catalog, responses=problem_responses(400, 404, 422, 503),
            summary="The indicator catalog: codes, zh/en names, unit kinds, bounds")
async def catalog(ctx: ContextDep, as_of: AsOf = None) -> dict:
    return await ctx.read(lambda s: store_meta.catalog(s, as_of))


@router.get("/catalog/{code}", response_model=Indicator, responses=problem_responses(400, 404, 422, 503),
            summary="One indicator")
async def indicator(ctx: ContextDep, code: Annotated[str, Path(max_length=100)], as_of: AsOf = None) -> dict:
    cat = await ctx.read(lambda s: store_meta.catalog(s, as_of))
    for ind in cat["indicators"]:
        if ind["code"] == code:
            return ind
    raise ApiProblem(404, "unknown-indicator", f"unknown indicator {code!r}; /api/catalog lists the indicator codes")


@router.get("/glossary", response_model=Glossary, response_model_exclude_none=True, responses=problem_responses(),
            summary="The words, unit labels, display units and number rules figures are shown with (zh/en)")
async def glossary() -> dict:
    """sectorscope.present's glossary as data: what the dashboard formats every figure with, so that it shows
    a figure exactly as the report does. The same for every store; it changes with the package."""
    return served_glossary()
