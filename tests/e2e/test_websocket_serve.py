"""WebSockets through a real `edgeviews serve` process to a real websockets upstream.

The upstream (`WsUpstream` of tests/proxy/test_websocket.py) runs in this test's event loop;
the proxy is its own process under uvicorn as users run it, so this also covers the server's
WebSocket implementation (handshake answers, close codes, the HTTP denial extension).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from tests.e2e.conftest import ProxyProcess, free_port, write_project
from tests.proxy.test_websocket import TIMEOUT, WsUpstream


@pytest.fixture
async def upstream() -> AsyncIterator[WsUpstream]:
    async with WsUpstream() as server:
        yield server


@pytest.fixture
def serve(tmp_path: Path, upstream: WsUpstream) -> Iterator[ProxyProcess]:
    routes = f"""
[[routes]]
match = ["/live/*"]
upstream = "{upstream.origin}/up"

[[routes]]
match = ["/down/*"]
upstream = "http://127.0.0.1:{free_port()}"
"""
    process = ProxyProcess(write_project(tmp_path, upstream=upstream.origin, routes=routes))
    yield process
    process.stop()


async def test_messages_subprotocols_and_close_codes_through_edgeviews_serve(
    serve: ProxyProcess, upstream: WsUpstream
) -> None:
    url = f"ws://127.0.0.1:{serve.port}/live/echo?room=1"
    offered = [Subprotocol("chat.v1"), Subprotocol("chat.v2")]
    async with connect(url, subprotocols=offered, open_timeout=TIMEOUT) as ws:
        assert ws.subprotocol == "chat.v2"
        for message in ("hello", b"\x00\x01binary", "é and ✓"):
            await ws.send(message)
            assert await asyncio.wait_for(ws.recv(), TIMEOUT) == message
        await ws.close(4002, "leaving")
    seen = await upstream.closed()
    assert seen.path == "/up/live/echo?room=1"
    assert (seen.close_code, seen.close_reason) == (4002, "leaving")
    serve.wait_for_log(r'"GET /live/echo" 101 .*mode=websocket .*outcome=client-closed 4002')

    async with connect(f"ws://127.0.0.1:{serve.port}/live/close", open_timeout=TIMEOUT) as ws:
        await ws.send("close please")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert (ws.close_code, ws.close_reason) == (4001, "bye from upstream")


async def test_failures_through_edgeviews_serve(serve: ProxyProcess, upstream: WsUpstream) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(f"ws://127.0.0.1:{serve.port}/down/ws", open_timeout=TIMEOUT)
    assert refused.value.response.status_code == 502
    serve.wait_for_log(r"WebSocket /down/ws: upstream ws://127\.0\.0\.1:\d+/down/ws failed")

    # A client that vanishes without a close frame: the upstream is closed at once.
    ws = await connect(f"ws://127.0.0.1:{serve.port}/live/echo", open_timeout=TIMEOUT)
    await ws.send("hi")
    assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "hi"
    ws.transport.abort()
    assert (await upstream.closed()).close_code in (1000, 1001)

    # An upstream that dies mid-session: the client is closed with 1014 (bad gateway).
    async with connect(f"ws://127.0.0.1:{serve.port}/live/die", open_timeout=TIMEOUT) as ws:
        await ws.send("now")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert ws.close_code == 1014
    assert upstream.server is not None
    async with asyncio.timeout(TIMEOUT):
        while upstream.server.connections:
            await asyncio.sleep(0.01)
