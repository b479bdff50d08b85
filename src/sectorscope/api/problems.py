"""Errors as RFC 9457 problem details (`application/problem+json`), and how each error reaches a client.

Why one module: every route documents the same problem model for every error it can return, so the
OpenAPI document describes each error a client will see, and the handlers here are the only place an
exception becomes a response. The library's errors already say what to do ("unknown indicator …");
server paths in them are shortened to names, and anything unexpected is logged with its traceback on
the server and reaches the client as a 500 with an error id only — never a stack trace.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError, Reason, SectorscopeError, StoreError, ValidationError

__all__ = [
    "PROBLEM_JSON",
    "TYPE_BASE",
    "ApiProblem",
    "Problem",
    "ProblemFailure",
    "Scrubber",
    "install_handlers",
    "library_problem",
    "problem_response",
    "problem_responses",
]

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://sectorscope.invalid/problems/"  # problem types name a section of docs/api.md
_log = logging.getLogger("sectorscope.api")


class ProblemFailure(BaseModel):
    """One refused row of an uploaded file (or one broken field of a rule file)."""

    file: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    reason: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details. `detail` says what to do; `errors` lists every failing row of
    an upload or every invalid parameter."""

    type: str = Field(description="A URI naming the kind of problem (see docs/api.md, Errors).")
    title: str = Field(description="The HTTP status phrase of the problem.")
    status: int = Field(ge=100, le=599)
    detail: str = Field(description="What went wrong and what to do about it.")
    instance: str = Field(description="The request path the problem is about.")
    errors: list[ProblemFailure] | None = Field(default=None, description="Every failing row or parameter.")
    error_id: str | None = Field(default=None, description="For 500: the id the server logged the error under.")


class ApiProblem(Exception):
    """Raised by routes for a problem they can word themselves (an unknown code, a refused path …)."""

    def __init__(self, status: int, kind: str, detail: str, *, errors: Iterable[ProblemFailure] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail
        self.errors = list(errors) if errors is not None else None
        self.headers = headers


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each status documented with the problem model (500 always).
    `install_handlers` rewrites their media type to application/problem+json in the OpenAPI document."""
    out: dict[int | str, dict[str, Any]] = {}
    for s in sorted({*statuses, 500}):
        out[s] = {"model": Problem, "description": HTTPStatus(s).phrase}
    return out


class Scrubber:
    """Shortens the server's own paths (store, data directory, temp folders) to names in messages: a
    client needs the file's name to act, not the server's layout."""

    def __init__(self, *paths: Path | None) -> None:
        self._paths = sorted({str(p) for p in paths if p is not None}
                             | {str(p.resolve()) for p in paths if p is not None}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for p in self._paths:
            if p and p != "/":
                text = text.replace(p + "/", "").replace(p, Path(p).name)
        # upload temp folders: /tmp/sectorscope-upload-xxxx/name.csv → name.csv
        return re.sub(r"(?:/[^\s/'\"]+)*/sectorscope-upload-[^/\s]+/", "", text)


def problem_response(request: Request, status: int, kind: str, detail: str, *,
                     errors: list[ProblemFailure] | None = None, error_id: str | None = None,
                     headers: dict[str, str] | None = None) -> JSONResponse:
    body = Problem(type=TYPE_BASE + kind, title=HTTPStatus(status).phrase, status=status, detail=detail,
                   instance=request.url.path, errors=errors, error_id=error_id)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON,
                        headers=headers)


def _failures(exc: ValidationError, scrub: Scrubber, rename: dict[str, str]) -> list[ProblemFailure]:
    out = []
    for f in exc.failures[:200]:
        file = rename.get(f.file, scrub(f.file)) if f.file else None
        out.append(ProblemFailure(file=file, row=f.row, field=f.field, value=f.value, reason=scrub(f.reason)))
    return out


def library_problem(exc: SectorscopeError, scrub: Scrubber, rename: dict[str, str] | None = None) -> ApiProblem:
    """The problem a library error is: rows that failed validation are 422 with every failure; a store that is
    being written is 409; any other refusal of the input is 400."""
    rename = rename or {}
    text = str(exc)
    for tmp, name in rename.items():
        text = text.replace(tmp, name)
    text = scrub(text)
    if isinstance(exc, ValidationError):
        return ApiProblem(422, "invalid-rows", text.splitlines()[0] if text else "validation failed",
                          errors=_failures(exc, scrub, rename))
    if exc.reason == Reason.STORE_LOCKED:
        return ApiProblem(409, "store-busy", text, headers={"Retry-After": "5"})
    if exc.reason == Reason.MASS_WITHDRAW:
        return ApiProblem(422, "mass-withdraw", text)
    if isinstance(exc, (InputError, StoreError)):
        return ApiProblem(400, "bad-request", text)
    return ApiProblem(400, "bad-request", text)


def install_handlers(app: FastAPI, scrub: Scrubber) -> None:
    """Every error the app can meet, as problem+json; and the OpenAPI document saying so."""

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(request, exc.status, exc.kind, scrub(exc.detail), errors=exc.errors,
                                headers=exc.headers)

    @app.exception_handler(SectorscopeError)
    async def _library(request: Request, exc: SectorscopeError) -> JSONResponse:
        p = library_problem(exc, scrub)
        return problem_response(request, p.status, p.kind, p.detail, errors=p.errors, headers=p.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors()[:50]:
            loc = [str(x) for x in e.get("loc", ())]
            value = e.get("input")
            shown = None if value is None or isinstance(value, (dict, list)) else str(value)[:200]
            errors.append(ProblemFailure(field=".".join(loc) or None, value=shown, reason=str(e.get("msg", "invalid"))))
        first = errors[0] if errors else None
        detail = (f"invalid {first.field}: {first.reason}; see /api/openapi.json for the parameters"
                  if first and first.field
                  else "the request does not match the API's parameters; see /api/openapi.json")
        return problem_response(request, 422, "invalid-parameters", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such endpoint {request.url.path}; the endpoints are listed in /api/openapi.json"
        elif exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}; see /api/openapi.json"
        return problem_response(request, exc.status_code, HTTPStatus(exc.status_code).phrase.lower().replace(" ", "-"),
                                detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        error_id = uuid.uuid4().hex[:12]
        _log.exception("unexpected error %s on %s %s", error_id, request.method, request.url.path)
        return problem_response(request, 500, "internal-error",
                                f"the server met an unexpected error (logged as {error_id}); "
                                "try again, and report the id to the operator if it persists", error_id=error_id)
