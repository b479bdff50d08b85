"""What routes share: the server context, the observation filters as query parameters, and the writer check."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, TypeVar

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..model import DIMENSIONS, KINDS, PERIOD_PATTERN, STATUSES
from .pool import Runner, readers_turn
from .problems import ApiProblem, Scrubber
from .security import TokenRecord
from .settings import ApiSettings
from .views.common import Filters

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "AS_OF_PATTERN",
    "TEXT_PATTERN",
    "AsOf",
    "Context",
    "ContextDep",
    "FigureFiltersDep",
    "FiltersDep",
    "Text",
    "WriterDep",
    "figure_filters",
    "filters",
    "get_context",
    "require_writer",
]

_T = TypeVar("_T")

# No control characters in any text a client sends (they reach the engine as literals).
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
AS_OF_PATTERN = (r"^(v?[0-9]{1,9}|[0-9]{4}-[0-9]{2}-[0-9]{2}"
                 r"([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?)$")


@dataclass
class Context:
    """One server's state: settings, the reader pool's runner, the writes' own thread, the scrubber."""

    settings: ApiSettings
    runner: Runner
    scrub: Scrubber
    # Writes run one at a time on a thread of their own: a queue of uploads never takes the threads reads run on.
    writer: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="sectorscope-write"))

    async def read(self, fn: Callable[[Store], _T], *, export: bool = False) -> _T:
        timeout = self.settings.limits.export_timeout if export else self.settings.limits.query_timeout
        return await self.runner.run(fn, timeout=timeout)

    async def write(self, fn: Callable[[], _T]) -> _T:
        """A write, one at a time across every worker process of this server, each after readers have had
        their turn since the last one (pool.readers_turn); no turn to give when the server holds the file,
        since its reads then run beside its writes (pool.StorePool)."""
        path = self.settings.store_path
        gap = 0.0 if self.runner.pool.hold else self.settings.limits.write_gap

        def turn() -> _T:
            with readers_turn(path, gap), self.runner.pool.paused(self.settings.limits.query_timeout):
                return fn()
        return await asyncio.get_running_loop().run_in_executor(self.writer, turn)


def get_context(request: Request) -> Context:
    return request.app.state.ctx


ContextDep = Annotated[Context, Depends(get_context)]

Text = Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN)]
AsOf = Annotated[str | None, Query(max_length=64, pattern=AS_OF_PATTERN,
                                   description="A vintage (3 or v3) or an ISO date/datetime; the latest by default.")]


def filters(
    indicator: Annotated[list[str] | None, Query(max_length=50, description="Indicator code (repeatable); "
                                                 "/api/catalog lists them.")] = None,
    subject: Text = None, region: Text = None, product: Text = None, application: Text = None,
    company: Text = None, country: Text = None, tier: Text = None, scenario: Text = None,
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN,
                                        description="2025, 2025Q3, 2025-03, 2025/2030 or 2025-01/2025-05 (1–5月).")] = None,
    source: Annotated[str | None, Query(max_length=200, pattern=TEXT_PATTERN, description="Source id.")] = None,
    status: Annotated[str | None, Query(pattern="^(" + "|".join(STATUSES) + ")$")] = None,
) -> Filters:
    """The filters every observation-like endpoint takes: any dimension, period, source, status."""
    for code in indicator or []:
        if len(code) > 100 or any(ord(c) < 32 or ord(c) == 127 for c in code):
            raise ApiProblem(400, "bad-parameter",
                             f"indicator {code[:40]!r} is not an indicator code; /api/catalog lists them")
    values = dict(zip(DIMENSIONS, (subject, region, product, application, company, country, tier, scenario), strict=True))
    return Filters(indicator=list(dict.fromkeys(indicator or [])),
                   dims={k: v for k, v in values.items() if v is not None}, period=period, source=source, status=status)


FiltersDep = Annotated[Filters, Depends(filters)]


def figure_filters(
    f: FiltersDep,
    kind: Annotated[str | None, Query(pattern="^(" + "|".join(KINDS) + ")$",
                                      description="What the figure is: stated (a source says it), derived, "
                                                  "model_forecast, scenario_projection, tier_summary, assessment.")] = None,
    method: Annotated[str | None, Query(max_length=100, pattern=TEXT_PATTERN,
                                        description="How a derived figure or forecast was made, as its `method` "
                                                    "says: records (computed from customs lines), formula, "
                                                    "ets, …")] = None,
) -> Filters:
    """The listings of figures themselves (/observations, /derived) also filter on kind and method: the
    figures computed from customs lines are kind=derived&method=records."""
    return replace(f, kind=kind, method=method)


FigureFiltersDep = Annotated[Filters, Depends(figure_filters)]

_bearer = HTTPBearer(auto_error=False, description="A token from `sectorscope token create --name NAME`.")


async def require_writer(request: Request, ctx: ContextDep,
                         creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> TokenRecord:
    """Writes need the server started with --allow-writes and a valid bearer token."""
    if not ctx.settings.allow_writes:
        raise ApiProblem(403, "writes-disabled", "this server is read-only; writes need the operator to start it "
                         "with `sectorscope serve --allow-writes`")
    if creds is None:
        raise ApiProblem(401, "token-required", "a write needs a token: send `Authorization: Bearer <token>` with a "
                         "token the operator made with `sectorscope token create --name NAME`",
                         headers={"WWW-Authenticate": 'Bearer realm="sectorscope"'})
    tokens = ctx.settings.token_store  # ApiSettings.make always sets one; without it no token is valid
    rec = await run_in_threadpool(tokens.verify, creds.credentials) if tokens is not None else None
    if rec is None:
        raise ApiProblem(401, "invalid-token", "the token is unknown or revoked; ask the operator for a new one",
                         headers={"WWW-Authenticate": 'Bearer realm="sectorscope", error="invalid_token"'})
    return rec


WriterDep = Annotated[TokenRecord, Depends(require_writer)]
