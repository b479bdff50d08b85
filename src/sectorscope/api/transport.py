"""The HTTP protocol uvicorn serves with: h11's, with Nagle's algorithm off on every connection.

Why: with `--workers N` uvicorn binds the listening socket itself as `socket.socket(family)` (protocol 0),
and asyncio turns TCP_NODELAY on only for sockets whose protocol is IPPROTO_TCP; a small JSON response then
waits for the client's delayed ACK (about 40 ms a request here, /api/health 44 ms against 2 ms with one
worker). Setting the option on each accepted connection makes both modes answer alike."""
from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HTTP_PROTOCOL", "NoDelayH11Protocol"]

HTTP_PROTOCOL = "sectorscope.api.transport:NoDelayH11Protocol"
"""The import string `uvicorn.run(http=...)` takes (the worker processes import it)."""


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):  # a socket already closed: serve it as it is
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
