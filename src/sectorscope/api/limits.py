"""The bounds every request lives within, and the middleware that refuses an oversized body early.

Why: an API on a shared machine must not let one request hold all memory or all connections. Pages are
bounded (JSON never carries more than `max_page` figures; bigger results are downloads, streamed from a
file the engine writes batch by batch), query time is bounded (`query_timeout`, `export_timeout`), and
a request body larger than `max_upload_bytes` is refused with 413 before it is read: at once when its
Content-Length says so, otherwise as soon as the bytes received pass the limit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware", "BodyTooLarge", "Limits"]


@dataclass(frozen=True)
class Limits:
    """Bounds of one server. Defaults suit a 2-core machine serving a few users."""

    max_page: int = 10_000            # figures per JSON page
    default_page: int = 1_000
    max_upload_bytes: int = 20 * 1024 * 1024
    query_timeout: float = 30.0       # seconds for a JSON answer
    export_timeout: float = 300.0     # seconds for a CSV / Parquet / SDMX-CSV download
    connections: int = 4              # read connections (concurrent queries)
    workers: int = 8                  # worker threads
    write_gap: float = 0.5            # seconds readers get after a write before the server's next write starts


class BodyTooLarge(Exception):
    """The body passed the limit while it was being read (the middleware answers 413)."""


class BodyLimitMiddleware:
    """413 problem+json for a body over `limit` bytes, without reading it all."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def _refuse(self, scope: Scope, send: Send) -> None:
        from .problems import PROBLEM_JSON, TYPE_BASE  # here, so that `Limits` alone needs no FastAPI

        body = json.dumps({
            "type": TYPE_BASE + "too-large", "title": HTTPStatus(413).phrase, "status": 413,
            "detail": f"the request body is larger than this server accepts ({self.limit:,} bytes); "
                      "split the file or ask the operator to raise --max-upload-mb",
            "instance": scope.get("path", ""),
        }).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = None
            if declared is not None and declared > self.limit:
                await self._refuse(scope, send)
                return
        received = 0
        started = False
        exceeded = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own answer to the aborted body is replaced by the 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, send)
