"""Every accepted connection has Nagle's algorithm off, also when uvicorn binds the socket itself (`--workers N`
binds it with protocol 0, and asyncio then leaves TCP_NODELAY off)."""
from __future__ import annotations

import asyncio
import socket

import pytest
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from sectorscope.api.transport import NoDelayH11Protocol


async def _nodelay_of_accepted(protocol_class: type[H11Protocol]) -> int:
    config = Config(app=lambda scope, receive, send: None, log_level="error")
    config.load()
    state = ServerState()
    seen: list[int] = []

    def factory() -> H11Protocol:
        proto = protocol_class(config=config, server_state=state, app_state={})
        made = proto.connection_made

        def connection_made(transport: asyncio.Transport) -> None:
            made(transport)
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

        proto.connection_made = connection_made  # type: ignore[method-assign]
        return proto

    listening = socket.socket(family=socket.AF_INET)  # as uvicorn's Config.bind_socket makes it (protocol 0)
    listening.bind(("127.0.0.1", 0))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, sock=listening)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", listening.getsockname()[1])
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
    return seen[0]


@pytest.mark.parametrize(("protocol_class", "expected"), [(H11Protocol, 0), (NoDelayH11Protocol, 1)])
def test_a_connection_accepted_on_a_socket_uvicorn_bound_has_nagle_off_only_with_ours(protocol_class, expected):
    assert bool(asyncio.run(_nodelay_of_accepted(protocol_class))) == bool(expected)
