"""Observations: a query in JSON pages or as a CSV / Parquet / SDMX-CSV download, and one figure."""
from __future__ import annotations

import shutil
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from ..deps import AsOf, ContextDep, FigureFiltersDep
from ..models import ObservationDetail, ObservationPage
from ..problems import problem_responses
from ..views import observations as views

__all__ = [
    "MAX_ID",
    "MEDIA_TYPES",
    "Format",
    "observation",
    "observations",
    "router",
]

router = APIRouter(tags=["observations"])


class Format(StrEnum):
    json = "json"
    csv = "csv"
    parquet = "parquet"
    sdmx_csv = "sdmx-csv"


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "sdmx-csv": "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
}
_FILE_CONTENT = {mt.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for mt in MEDIA_TYPES.values()}
MAX_ID = 2**62


@router.get(
    "/observations", response_model=ObservationPage,
    responses={**problem_responses(400, 404, 422, 503),
               200: {"description": "A JSON page, or the whole result as a file (format=csv, parquet, sdmx-csv)",
                     "content": _FILE_CONTENT}},
    summary="Figures as they stood at a vintage or date, filtered on any dimension",
    description="JSON is paged in obs_id order (`limit`, then `after` = the page's `next_after`; `next` is the "
                "next page's URL with the vintage pinned). CSV, Parquet and SDMX-CSV return the whole result as a "
                "download written by the engine batch by batch (report/export.py). CSV is Excel-flavoured by "
                "default (BOM, formula-guarded text); `excel=false` gives plain UTF-8 for programs.",
)
async def observations(
    request: Request, ctx: ContextDep, f: FigureFiltersDep, as_of: AsOf = None,
    format: Annotated[Format, Query(description="json (paged) or a download: csv, parquet, sdmx-csv")] = Format.json,
    limit: Annotated[int | None, Query(ge=1, le=10_000, description="Figures per JSON page (at most the "
                                       "server's max page, 10 000 by default)")] = None,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID, description="Figures with obs_id above this (paging)")] = None,
    excel: Annotated[bool, Query(description="CSV for Excel (BOM, formula guard) or plain")] = True,
) -> Response:
    if format is not Format.json:
        fmt = format.value
        path, folder, vid = await ctx.read(lambda s: views.export_file(s, f, as_of, fmt, excel=excel), export=True)
        return FileResponse(path, media_type=MEDIA_TYPES[fmt], filename=views.EXPORT_NAMES[fmt],
                            headers={"X-Sectorscope-Vintage": str(vid) if vid is not None else ""},
                            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))
    lim = min(limit or ctx.settings.limits.default_page, ctx.settings.limits.max_page)
    page = await ctx.read(lambda s: views.observation_page(s, f, as_of, limit=lim, after=after))
    nxt = None
    if page["next_after"] is not None:
        url = request.url.include_query_params(after=page["next_after"], as_of=f"v{page['vintage_id']}", limit=lim)
        nxt = f"{url.path}?{url.query}"
    return Response(views.page_json(page, nxt), media_type="application/json")


@router.get("/observations/{obs_id}", response_model=ObservationDetail, responses=problem_responses(404, 422, 503),
            summary="One figure (any version) with its source, quote, currency and inputs")
async def observation(ctx: ContextDep, obs_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> dict:
    return await ctx.read(lambda s: views.observation_detail(s, obs_id))
