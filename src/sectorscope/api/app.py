"""The FastAPI application: `create_app(store_path, …)` wires the store pool, the routes under /api, the
error handlers and the limits. `sectorscope serve` runs it under uvicorn.

Why a factory: tests and benchmarks build an app for any store (and uvicorn can run
`sectorscope.api.app:app_from_env` in a subprocess); nothing is created at import time.

The dashboard (another module, `sectorscope.api.dashboard`) plugs in here: when that package exists and
has `mount(app, settings)`, it is called and may serve `/` and its static files; this module defines no `/`.
The dashboard reads the same JSON endpoints as any client.
"""
from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .. import __version__
from .deps import Context
from .limits import BodyLimitMiddleware, Limits
from .pool import Runner, StorePool
from .problems import PROBLEM_JSON, Problem, Scrubber, install_handlers
from .routes import ROUTERS
from .routes import records as records_routes
from .scratch import sweep_scratch
from .security import TokenStore
from .settings import ApiSettings

__all__ = [
    "API_PREFIX",
    "DASHBOARD_MODULE",
    "SERVE_ENV",
    "WORKER_FACTORY",
    "app_from_env",
    "app_from_serve_env",
    "create_app",
    "serve_env",
]

API_PREFIX = "/api"
# `sectorscope serve --workers N`: each uvicorn worker process builds its app from this variable
SERVE_ENV = "SECTORSCOPE_SERVE"
WORKER_FACTORY = "sectorscope.api.app:app_from_serve_env"
DASHBOARD_MODULE = "sectorscope.api.dashboard"
_log = logging.getLogger("sectorscope.api")

_DESCRIPTION = """\
The sectorscope store over HTTP: the indicator catalog, figures with their sources and quotes as of any
vintage, the diff between vintages, audit findings, derived figures with lineage, composite indices with rank
intervals, the supply-demand elasticity index, TRL × demand, forecasts with intervals, and alerts.

Read-only unless the server runs with `--allow-writes`; a write then needs `Authorization: Bearer <token>`
with a token from `sectorscope token create --name NAME`. Every error is `application/problem+json`
(RFC 9457). Documentation: docs/api.md.
"""


def _problem_openapi(app: FastAPI) -> dict:
    """The OpenAPI document, with every error response in application/problem+json (FastAPI would say
    application/json)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    ref = "#/components/schemas/Problem"
    for path in schema.get("paths", {}).values():
        for op in path.values():
            for code, resp in op.get("responses", {}).items():
                content = resp.get("content") or {}
                js = content.get("application/json", {}).get("schema", {})
                if code[:1] in ("4", "5") and js.get("$ref") == ref:
                    resp["content"] = {PROBLEM_JSON: {"schema": {"$ref": ref}}}
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema(
        ref_template="#/components/schemas/{model}")
    for name, sub in list(schema["components"]["schemas"]["Problem"].pop("$defs", {}).items()):
        schema["components"]["schemas"].setdefault(name, sub)
    app.openapi_schema = schema
    return schema


def create_app(store_path: str | Path, *, data_dir: str | Path | None = None, dataset_dir: str | Path | None = None,
               rules_path: str | Path | None = None, allow_writes: bool = False, token_store: TokenStore | None = None,
               limits: Limits | None = None, hold: bool | None = None) -> FastAPI:
    """The API over the store at `store_path`. `data_dir` bounds the files a request may name (default: the
    store's folder); `dataset_dir` gives the alert rules, analytics settings and source documents (default: the
    embedded dataset); writes only with `allow_writes` and a token of `token_store` (default: the tokens file
    beside the store). `hold`: whether a server that writes holds the file read-write, its reads then
    never waiting for its writes (pool.StorePool; default: when it writes; never for one of several worker
    processes, which cannot all hold it)."""
    settings = ApiSettings.make(store_path, data_dir=data_dir, dataset_dir=dataset_dir, rules_path=rules_path,
                                allow_writes=allow_writes, token_store=token_store, limits=limits)
    if settings.dataset_dir is None:
        try:
            from ..ingest import default_dataset_dir
            settings = ApiSettings(**{**settings.__dict__, "dataset_dir": default_dataset_dir()})
        except Exception:  # no embedded dataset on this machine: alerts need --rules, TRL evidence is not checked
            pass
    # a server that writes holds the file (reads beside its own writes); one of several worker processes cannot,
    # since DuckDB lets one process at a time open a file read-write
    pool = StorePool(settings.store_path, settings.limits.connections,
                     hold=allow_writes if hold is None else hold and allow_writes)
    runner = Runner(pool, settings.limits.workers)
    scrub = Scrubber(settings.store_path.parent, settings.data_dir, settings.dataset_dir,
                     Path(os.environ.get("TMPDIR", "/tmp")))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        sweep_scratch()  # what a killed server left in the temp folder
        yield
        runner.close()
        ctx.writer.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="sectorscope API", version=__version__, description=_DESCRIPTION, lifespan=lifespan,
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=None, redoc_url=None)  # no CDN-served docs UI
    ctx = Context(settings=settings, runner=runner, scrub=scrub)
    app.state.ctx = ctx
    app.state.settings = settings
    for router in (*ROUTERS, records_routes.router):
        app.include_router(router, prefix=API_PREFIX)
    install_handlers(app, scrub)
    app.add_middleware(BodyLimitMiddleware, limit=settings.limits.max_upload_bytes)
    app.openapi = lambda: _problem_openapi(app)  # type: ignore[method-assign]  # FastAPI documents replacing app.openapi to customise the schema
    if importlib.util.find_spec(DASHBOARD_MODULE) is not None:
        dashboard = importlib.import_module(DASHBOARD_MODULE)
        mount = getattr(dashboard, "mount", None)
        if callable(mount):
            mount(app, settings)
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory sectorscope.api.app:app_from_env`: the store from $SECTORSCOPE_STORE."""
    return create_app(os.environ.get("SECTORSCOPE_STORE", "out/sectorscope.duckdb"),
                      data_dir=os.environ.get("SECTORSCOPE_DATA_DIR") or None,
                      allow_writes=os.environ.get("SECTORSCOPE_ALLOW_WRITES", "") == "1")


def serve_env(store_path: str | Path, *, data_dir: str | Path | None = None, dataset_dir: str | Path | None = None,
              rules_path: str | Path | None = None, allow_writes: bool = False, tokens_path: str | Path | None = None,
              limits: Limits | None = None) -> str:
    """`create_app`'s arguments as the text of $SECTORSCOPE_SERVE, for `app_from_serve_env`.

    Why: several worker processes (`sectorscope serve --workers N`) each build their own app — their own
    pool of read-only connections; DuckDB lets many processes read one file — and uvicorn starts a worker
    from an import string, not from an app object, so the settings travel in the environment."""
    def text(p: str | Path | None) -> str | None:
        return None if p is None else str(Path(p).resolve())

    return json.dumps({"store_path": text(store_path), "data_dir": text(data_dir), "dataset_dir": text(dataset_dir),
                       "rules_path": text(rules_path), "allow_writes": allow_writes, "tokens_path": text(tokens_path),
                       "limits": dataclasses.asdict(limits or Limits())})


def app_from_serve_env() -> FastAPI:
    """One worker's app, from $SECTORSCOPE_SERVE (`serve_env`): the factory `sectorscope serve --workers N`
    gives uvicorn."""
    raw = os.environ.get(SERVE_ENV)
    if not raw:
        raise RuntimeError(f"${SERVE_ENV} is not set: start workers with `sectorscope serve --workers N`")
    cfg = json.loads(raw)
    tokens = TokenStore(cfg["tokens_path"]) if cfg.get("tokens_path") else None
    return create_app(cfg["store_path"], data_dir=cfg["data_dir"], dataset_dir=cfg["dataset_dir"],
                      rules_path=cfg["rules_path"], allow_writes=bool(cfg["allow_writes"]), token_store=tokens,
                      limits=Limits(**cfg["limits"]), hold=False)
