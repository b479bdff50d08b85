"""`sectorscope serve` (the HTTP API under uvicorn) and `sectorscope token` (write tokens): thin over
sectorscope.api. Registered in cli/main.py as `app.command("serve")(serve_command)` and
`app.command("token")(token_command)`."""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from .common import DEFAULT_STORE, StoreOpt, check_choice, err, fail, open_store, out, print_table

__all__ = [
    "TOKEN_ACTIONS",
    "serve_command",
    "token_command",
]

TOKEN_ACTIONS = ("create", "list", "revoke")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    store: StoreOpt = DEFAULT_STORE,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default; anything else is reachable "
                                      "from the network).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    allow_writes: Annotated[bool, typer.Option("--allow-writes", help="Accept writes (loads, house views, TRL "
                                               "assessments) from clients with a token.")] = False,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="The only folder a request may name files in "
                                                  "(alert rule files); default: the store's folder.")] = None,
    dataset: Annotated[Path | None, typer.Option("--dataset", help="The dataset whose alerts.yaml, analytics "
                                                 "settings and documents the API uses (default: the embedded one).")]
    = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Alert rules /api/alerts evaluates by default.")] = None,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Largest request body accepted.")] = 20.0,
    query_timeout: Annotated[float, typer.Option("--query-timeout", help="Seconds a JSON query may run.")] = 30.0,
    export_timeout: Annotated[float, typer.Option("--export-timeout", help="Seconds a download may take to "
                                                  "write.")] = 300.0,
    max_page: Annotated[int, typer.Option("--max-page", help="Most figures in one JSON page.")] = 10_000,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn's log level.")] = "info",
    workers: Annotated[int, typer.Option("--workers", help="Server processes, each with its own read connections "
                                         "(reads scale with clients up to about one per core; writes still go one "
                                         "at a time through the store's lock).")] = 1,
) -> None:
    """Serve the store over HTTP (the API under /api; OpenAPI at /api/openapi.json), read-only unless
    --allow-writes. Writes then need a token from `sectorscope token create --name NAME`."""
    import os

    import uvicorn

    from ..api import (
        HTTP_PROTOCOL,
        SERVE_ENV,
        WORKER_FACTORY,
        Limits,
        TokenStore,
        create_app,
        serve_env,
        tokens_path_for,
    )

    open_store(store).close()  # a missing store is an error here, not an empty API
    if not 0 < port < 65536:
        fail(f"--port {port}: choose a port from 1 to 65535")
    if not 1 <= workers <= 64:
        fail(f"--workers {workers}: choose 1 to 64 server processes (about one per core)")
    limits = Limits(max_page=max_page, max_upload_bytes=int(max_upload_mb * 1024 * 1024), query_timeout=query_timeout,
                    export_timeout=export_timeout)
    tokens = TokenStore(tokens_path_for(store))
    # one process builds the app here (so a bad setting fails before anything listens); several build it
    # each from the environment (uvicorn starts workers from an import string)
    app = create_app(store, data_dir=data_dir, dataset_dir=dataset, rules_path=rules, allow_writes=allow_writes,
                     token_store=tokens, limits=limits)
    if not _loopback(host):
        err.print(f"[yellow]warning:[/] listening on {host}: the API is reachable from the network", markup=True)
    if allow_writes:
        n = len(tokens.records())
        err.print(f"writes allowed with a token ({n} token(s) in {tokens.path}"
                  f"{'; none yet: sectorscope token create --name NAME' if not n else ''})", highlight=False)
        if workers > 1:
            err.print("note: with --workers above 1 no process can hold the store file, so reads wait while an "
                      "upload writes; one worker serves reads beside its own uploads", highlight=False)
        if tokens.loose_permissions():
            err.print(f"[yellow]warning:[/] {tokens.path} is readable by others; chmod 600 it", markup=True)
    procs = f", {workers} worker processes" if workers > 1 else ""
    out.print(f"serving {store.resolve()} on http://{host}:{port}/api  (OpenAPI: /api/openapi.json){procs}",
              highlight=False)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False, server_header=False,
                    http=HTTP_PROTOCOL)
        return
    del app  # each worker builds its own, with its own pool of read connections
    os.environ[SERVE_ENV] = serve_env(store, data_dir=data_dir, dataset_dir=dataset, rules_path=rules,
                                      allow_writes=allow_writes, tokens_path=tokens.path, limits=limits)
    uvicorn.run(WORKER_FACTORY, factory=True, workers=workers, host=host, port=port, log_level=log_level,
                proxy_headers=False, server_header=False, http=HTTP_PROTOCOL)


def token_command(
    action: Annotated[str, typer.Argument(help="create, list or revoke")],
    name: Annotated[str | None, typer.Option("--name", "-n", help="The token's name (create, revoke).")] = None,
    store: StoreOpt = DEFAULT_STORE,
) -> None:
    """Write tokens for `sectorscope serve --allow-writes`: `create --name NAME` prints a new token once (only
    its scrypt hash is kept, beside the store: out/sectorscope.tokens.json for out/sectorscope.duckdb, mode
    0600); `list` shows the names; `revoke --name NAME` removes one, at once."""
    from ..api import TokenStore, tokens_path_for

    check_choice("token action", action, TOKEN_ACTIONS)
    tokens = TokenStore(tokens_path_for(store))
    if action == "create":
        if not name:
            fail("token create needs --name NAME (who or what uses the token)")
        token, rec = tokens.create(name)
        err.print(f"token {rec.name!r} (id {rec.id}) created; it is shown once, keep it secret. "
                  f"Clients send: Authorization: Bearer <token>", highlight=False)
        print(token)
    elif action == "revoke":
        if not name:
            fail("token revoke needs --name NAME (or the token's id)")
        rec = tokens.revoke(name)
        out.print(f"token {rec.name!r} (id {rec.id}) revoked", highlight=False)
    else:
        print_table(f"tokens in {tokens.path}", ("name", "id", "created"),
                    ((r.name, r.id, r.created) for r in tokens.records()))
        if tokens.loose_permissions():
            err.print(f"[yellow]warning:[/] {tokens.path} is readable by others; chmod 600 it", markup=True)
