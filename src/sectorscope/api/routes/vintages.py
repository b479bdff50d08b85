"""Vintages, the diff between two, and loading a file as a new vintage (a write)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.datastructures import UploadFile

from ..deps import AS_OF_PATTERN, TEXT_PATTERN, ContextDep, WriterDep
from ..limits import BodyTooLarge
from ..models import Diff, Vintage, VintageList, VintageWritten
from ..problems import ApiProblem, problem_responses
from ..scratch import scratch_folder
from ..views import store_meta, writes

__all__ = [
    "Change",
    "Limit",
    "Offset",
    "Point",
    "Source",
    "diff_path",
    "diff_query",
    "load",
    "router",
    "vintage",
    "vintages",
]

router = APIRouter(tags=["vintages"])
Point = Annotated[str, Path(max_length=64, pattern=AS_OF_PATTERN, description="A vintage (3, v3) or an ISO date")]
Change = Annotated[str | None, Query(pattern="^(new|revised|withdrawn)$")]
_OBS_SUFFIXES = (".csv", ".xlsx", ".xlsm")
_RESERVED = {"sources.csv", "fx_rates.csv"}


@router.get("/vintages", response_model=VintageList, responses=problem_responses(503),
            summary="Every load: when, from which files (names), what it changed")
async def vintages(ctx: ContextDep) -> dict:
    return await ctx.read(store_meta.vintages)


@router.get("/vintages/{vintage_id}", response_model=Vintage, responses=problem_responses(404, 422, 503),
            summary="One vintage")
async def vintage(ctx: ContextDep, vintage_id: Annotated[int, Path(ge=1, le=2**62)]) -> dict:
    return await ctx.read(lambda s: store_meta.vintage(s, vintage_id))


async def _diff(ctx, since, until, source, change, offset, limit) -> dict:
    return await ctx.read(lambda s: store_meta.diff(s, since, until, source=source, change=change, offset=offset,
                                                    limit=limit))


_DIFF_RESPONSES = problem_responses(400, 404, 422, 503)
Source = Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN)]
Offset = Annotated[int, Query(ge=0, le=2**31)]
Limit = Annotated[int, Query(ge=1, le=10_000)]


@router.get("/vintages/{since}/diff/{until}", summary="What changed from one vintage (or date) to another",
            description="New, revised and withdrawn figures, old and new versions side by side "
                        "(monitor.diff_vintages); sectorscope's own forecasts and derived figures included.",
            responses=_DIFF_RESPONSES, response_model=Diff)
async def diff_path(ctx: ContextDep, since: Point, until: Point, source: Source = None, change: Change = None,
                    offset: Offset = 0, limit: Limit = 1000) -> dict:
    return await _diff(ctx, since, until, source, change, offset, limit)


@router.get("/diff", summary="What changed since a vintage or date (until the latest by default)",
            responses=_DIFF_RESPONSES, response_model=Diff)
async def diff_query(ctx: ContextDep,
                     since: Annotated[str, Query(max_length=64, pattern=AS_OF_PATTERN)],
                     until: Annotated[str | None, Query(max_length=64, pattern=AS_OF_PATTERN)] = None,
                     source: Source = None, change: Change = None, offset: Offset = 0, limit: Limit = 1000) -> dict:
    return await _diff(ctx, since, until, source, change, offset, limit)


def _safe_name(name: str | None, default: str) -> str:
    """The client's file name reduced to a plain base name (the server names the folder)."""
    base = FsPath((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w.\-]", "_", base)[:100].lstrip(".")
    return base or default


async def _save(upload: UploadFile, folder: FsPath, name: str) -> FsPath:
    target = folder / name
    with open(target, "wb") as fh:
        while chunk := await upload.read(1 << 20):
            fh.write(chunk)
    return target


_UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "Observations, CSV (UTF-8) or XLSX, long or wide (docs/data-format.md)"},
            "sources": {"type": "string", "format": "binary", "description": "A sources.csv for new sources"},
            "label": {"type": "string", "maxLength": 200},
            "note": {"type": "string", "maxLength": 2000},
            "withdraw_missing": {"type": "boolean", "description": "Withdraw figures of these sources the file no "
                                 "longer states"},
            "allow_mass_withdraw": {"type": "boolean", "description": "With withdraw_missing: allow withdrawing "
                                    "more than half of a source's figures (refused otherwise, 422)"},
        }}}},
}


@router.post("/vintages", status_code=201, response_model=VintageWritten,
             responses=problem_responses(400, 401, 403, 409, 413, 415, 422),
             openapi_extra={"requestBody": _UPLOAD_BODY},
             summary="Load a file as a new vintage (needs --allow-writes and a token)",
             description="Every row is validated (pandera, the catalog, the units) before the store is touched; a "
                         "refused file gives 422 naming file, row and field for every failure, and leaves the store "
                         "byte-identical. Sources the file cites must be in the store or in the `sources` file.")
async def load(request: Request, ctx: ContextDep, writer: WriterDep) -> dict:
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        raise ApiProblem(415, "unsupported-media-type", "send the file as multipart/form-data with a field `file`")
    try:
        form = await request.form(max_files=2, max_fields=10, max_part_size=64 * 1024)
    except (ApiProblem, BodyTooLarge):
        raise
    except Exception:  # a malformed multipart body
        raise ApiProblem(400, "bad-form", "the multipart body could not be read; send `file` (and optionally "
                         "`sources`, `label`, `note`, `withdraw_missing`, `allow_mass_withdraw`)") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiProblem(422, "missing-file", "the form has no file field `file` (the observations, CSV or XLSX)")
    texts = {k: form.get(k) for k in ("label", "note", "withdraw_missing", "allow_mass_withdraw")}
    for k, v in texts.items():
        if v is not None and not isinstance(v, str):
            raise ApiProblem(422, "bad-field", f"`{k}` must be text, not a file")
    label, note = str(texts["label"] or "")[:200], str(texts["note"] or "")[:2000]
    flags = {}
    for k in ("withdraw_missing", "allow_mass_withdraw"):
        v = str(texts[k] or "false").strip().lower()
        if v not in ("true", "false", "1", "0", "yes", "no", ""):
            raise ApiProblem(422, "bad-field", f"`{k}` must be true or false")
        flags[k] = v in ("true", "1", "yes")
    name = _safe_name(upload.filename, "upload.csv")
    if FsPath(name).suffix.lower() not in _OBS_SUFFIXES:
        raise ApiProblem(415, "unsupported-file", f"{name!r}: observations must be a .csv, .xlsx or .xlsm file")
    if name.lower() in _RESERVED:
        name = "observations_" + name
    sources = form.get("sources")
    if sources is not None and not isinstance(sources, UploadFile):
        raise ApiProblem(422, "bad-field", "`sources` must be a file (a sources.csv)")
    folder = scratch_folder("sectorscope-upload-")
    try:
        obs_path = await _save(upload, folder, name)
        src = None
        if isinstance(sources, UploadFile):
            src = (await _save(sources, folder, "sources.csv"), _safe_name(sources.filename, "sources.csv"))
        return await ctx.write(lambda: writes.load_files(
            ctx.settings.store_path, [(obs_path, _safe_name(upload.filename, name))], src, label=label, note=note,
            withdraw_missing=flags["withdraw_missing"], allow_mass_withdraw=flags["allow_mass_withdraw"],
            scrub=ctx.scrub))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        await form.close()
