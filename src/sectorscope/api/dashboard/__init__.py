"""The web dashboard: one page (`/`) and its static files (`/static/…`), served by the API's own app.

`create_app` calls `mount(app, settings)` when this package exists. The page is plain HTML, CSS and ES
modules with no build step; its charts are Apache ECharts, vendored from the npm package into `static/`
(version, checksums and licence in docs/dashboard.md). Nothing is fetched from anywhere but this server:
the page reads the same JSON endpoints under /api as any client, and its Content-Security-Policy lets the
browser load scripts, styles, images, fonts and data from this origin only.

Simplified Chinese by default, English with `?lang=en`; the market, view and other choices live in the
URL too, so a view can be bookmarked and shared.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

if TYPE_CHECKING:
    from ..settings import ApiSettings

__all__ = ["CSP", "STATIC_DIR", "mount"]

STATIC_DIR = Path(__file__).parent / "static"

# Everything from this origin, nothing from anywhere else. Styles allow 'unsafe-inline' because ECharts
# writes its tooltips as HTML with style attributes; scripts are this server's files only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
_PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class _Static(StaticFiles):
    """The static files with nosniff, revalidated on every load (they change with the package)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-cache")]
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, with_headers)


def mount(app: FastAPI, settings: ApiSettings | None = None) -> None:
    """Serve the dashboard at `/` and its files under `/static`.
    `settings` is accepted for the app's plug-in contract; the page needs nothing from it (it asks /api)."""
    index = STATIC_DIR / "index.html"

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def dashboard() -> FileResponse:
        return FileResponse(index, media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)

    app.mount("/static", _Static(directory=STATIC_DIR), name="dashboard-static")
