"""WebSocket forwarding through the proxy app under a real uvicorn server, to real upstreams.

Everything runs in the test's event loop: a websockets server on 127.0.0.1 as the upstream
(echo, subprotocol, close-code, streaming, dying, oversized and refusing behaviours, plain
and TLS with a trustme CA), the proxy app served by uvicorn on an ephemeral port, and a
websockets client. Each test is bounded by timeouts and tears every server down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount, WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Close
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from edgeviews.config import load_config
from edgeviews.proxy import EdgeviewsMiddleware, create_app
from edgeviews.proxy.asgi import ASGIApp, Message
from edgeviews.proxy.websocket import code_for_client, code_for_upstream
from edgeviews.proxy.websocket_upstream import MAX_MESSAGE_BYTES
from tests.e2e.conftest import free_port, write_project

TIMEOUT = 5.0


@dataclass
class Seen:
    """One connection the upstream accepted: what it received, and how it was closed."""

    path: str
    headers: Headers
    subprotocol: str | None
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int | None = None
    close_reason: str | None = None


class WsUpstream:
    """A websockets server on 127.0.0.1 whose behaviour is chosen by the request path."""

    def __init__(
        self, tls: ssl.SSLContext | None = None, compression: str | None = "deflate"
    ) -> None:
        self.tls = tls
        self.compression = compression
        self.seen: list[Seen] = []
        self.handshakes: list[Request] = []
        self.server: Server | None = None
        self.release = asyncio.Event()
        self.sni: list[str] = []

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    async def __aenter__(self) -> WsUpstream:
        self.server = await serve(
            self._handle,
            "127.0.0.1",
            0,
            ssl=self.tls,
            select_subprotocol=self._select,
            process_request=self._process_request,
            process_response=self._process_response,
            max_size=4 * MAX_MESSAGE_BYTES,
            compression=self.compression,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self.server is not None
        self.release.set()
        self.server.close()
        await asyncio.wait_for(self.server.wait_closed(), TIMEOUT)

    @staticmethod
    def _select(connection: ServerConnection, offered: Any) -> Subprotocol | None:
        return Subprotocol("chat.v2") if "chat.v2" in offered else None

    async def _process_request(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        self.handshakes.append(request)
        if request.path.endswith("/deny"):
            response = connection.respond(403, "no entry here\n")
            response.headers["Set-Cookie"] = "seen=1; Domain=127.0.0.1; Path=/"
            return response
        if request.path.endswith("/challenge"):
            response = connection.respond(401, "who are you\n")
            response.headers["WWW-Authenticate"] = 'Basic realm="upstream"'
            return response
        if request.path.endswith("/hang"):
            await self.release.wait()  # until the server shuts down
        return None

    @staticmethod
    def _process_response(
        connection: ServerConnection, request: Request, response: Response
    ) -> None:
        if response.status_code == 101 and request.path.endswith("/cookie"):
            response.headers["Set-Cookie"] = "sid=1; Domain=127.0.0.1; Path=/"
            response.headers["Strict-Transport-Security"] = "max-age=600"

    async def _handle(self, connection: ServerConnection) -> None:
        request = connection.request
        assert request is not None
        seen = Seen(request.path, request.headers, connection.subprotocol)
        self.seen.append(seen)
        kind = request.path.split("?")[0].rsplit("/", 1)[-1]
        try:
            if kind == "close":
                await connection.recv()
                await connection.close(4001, "bye from upstream")
            elif kind == "die":
                await connection.recv()
                connection.transport.abort()
            elif kind == "big":
                await connection.send(b"x" * (MAX_MESSAGE_BYTES + 1))
                await connection.wait_closed()
            elif kind == "stall":
                connection.transport.pause_reading()  # alive, but takes nothing for 2 s
                await asyncio.sleep(2)  # (the proxy's write_timeout is 1 s)
                connection.transport.resume_reading()
                await connection.wait_closed()
            elif kind == "stream":
                await connection.send("first")
                assert await connection.recv() == "ack"  # only sent once "first" arrived
                await connection.send("second")
                await connection.wait_closed()
            else:
                async for message in connection:
                    await connection.send(message)
        except ConnectionClosed:
            pass
        finally:
            await connection.wait_closed()
            seen.close_code = connection.close_code
            seen.close_reason = connection.close_reason
            seen.closed.set()

    async def closed(self, index: int = -1) -> Seen:
        seen = self.seen[index]
        await asyncio.wait_for(seen.closed.wait(), TIMEOUT)
        return seen


class ProxyServer:
    """The proxy app under a real uvicorn server on an ephemeral port, in this event loop."""

    def __init__(self, app: ASGIApp) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=0,
                log_level="warning",
                lifespan="on",
                proxy_headers=False,  # as `edgeviews serve` runs it: the proxy judges X-F-*
                timeout_graceful_shutdown=TIMEOUT,  # a stuck session cannot hang the teardown
            )
        )
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> ProxyServer:
        self.task = asyncio.create_task(self.server.serve())
        async with asyncio.timeout(TIMEOUT):
            while not self.server.started:
                await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.server.should_exit = True
        assert self.task is not None
        await asyncio.wait_for(self.task, TIMEOUT)

    @property
    def port(self) -> int:
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    def url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"


def host_app() -> Starlette:
    async def hello(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("host app")
        await websocket.close()

    return Starlette(routes=[WebSocketRoute("/ws/echo", hello)])


def routes(upstream: str, tls_upstream: str, dead: str) -> str:
    return f"""
[[routes]]
match = ["/ws/*"]
upstream = "{upstream}/up"
forward_cookies = ["consent"]
unless_cookie = ["signed_in"]

[[routes]]
match = ["/gated/*"]
upstream = "{upstream}"
unless_header = ["x-skip-edge"]

[[routes]]
match = ["/down/*"]
upstream = "{dead}"

[[routes]]
match = ["/tls/*"]
upstream = "{tls_upstream}"
preserve_host = true
"""


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def upstream() -> AsyncIterator[WsUpstream]:
    async with WsUpstream() as server:
        yield server


@pytest.fixture
async def tls_upstream(ca: trustme.CA) -> AsyncIterator[WsUpstream]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("help.example.com").configure_cert(context)
    server = WsUpstream(tls=context)

    def remember_sni(_obj: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        server.sni.append(name or "")

    context.sni_callback = remember_sni
    async with server:
        yield server


def project(
    tmp_path: Path, upstream: WsUpstream, tls_upstream: WsUpstream, ca: trustme.CA, *, trust: bool
) -> Path:
    """connect_timeout and read_timeout are 1 s (write_project), write_timeout too."""
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return write_project(
        tmp_path,
        upstream=upstream.origin,
        ca_bundle=bundle if trust else None,
        proxy_table="write_timeout = 1.0\n",
        routes=routes(upstream.origin, tls_upstream.origin, f"http://127.0.0.1:{free_port()}"),
    )


@pytest.fixture
async def proxy(
    tmp_path: Path, upstream: WsUpstream, tls_upstream: WsUpstream, ca: trustme.CA
) -> AsyncIterator[ProxyServer]:
    config = load_config(project(tmp_path, upstream, tls_upstream, ca, trust=True))
    async with ProxyServer(create_app(config, env="test", app=host_app())) as server:
        yield server


def client(url: str, **kwargs: Any) -> connect:
    return connect(url, open_timeout=TIMEOUT, close_timeout=TIMEOUT, **kwargs)


async def test_text_and_binary_messages_are_relayed_in_order(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    sent: list[str | bytes] = [f"text {i}" if i % 2 else bytes([i]) * (i * 97) for i in range(60)]
    async with client(proxy.url("/ws/echo")) as ws:
        for message in sent:
            await ws.send(message)
        received = [await asyncio.wait_for(ws.recv(), TIMEOUT) for _ in sent]
    assert received == sent  # same order, text stays text, binary stays binary
    assert (await upstream.closed()).close_code == 1000


async def test_messages_stream_one_at_a_time(proxy: ProxyServer) -> None:
    # The upstream sends "second" only after our "ack" for "first" has reached it.
    async with client(proxy.url("/ws/stream")) as ws:
        assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "first"
        await ws.send("ack")
        assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "second"


async def test_subprotocols_are_negotiated_by_the_upstream(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    offered = [Subprotocol("chat.v1"), Subprotocol("chat.v2")]
    async with client(proxy.url("/ws/echo"), subprotocols=offered) as ws:
        assert ws.subprotocol == "chat.v2"
    assert upstream.seen[-1].headers["Sec-WebSocket-Protocol"] == "chat.v1, chat.v2"
    assert upstream.seen[-1].subprotocol == "chat.v2"

    async with client(proxy.url("/ws/echo"), subprotocols=[Subprotocol("chat.v1")]) as ws:
        assert ws.subprotocol is None  # the upstream picked none: the client gets none
    async with client(proxy.url("/ws/echo")) as ws:
        assert ws.subprotocol is None
    assert "Sec-WebSocket-Protocol" not in upstream.seen[-1].headers


async def test_handshake_headers_follow_the_http_policy(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    headers = {
        "Origin": "https://www.example.com",
        "Cookie": "consent=yes; session=secret",
        "X-Forwarded-For": "6.6.6.6",
        "Keep-Alive": "timeout=5",
        "X-Custom": "kept",
    }
    url = proxy.url("/ws/echo;v=1?a=1&a=2&b=%2F")
    async with client(url, additional_headers=headers, compression=None) as ws:
        key = ws.request.headers["Sec-WebSocket-Key"] if ws.request else None
    seen = upstream.seen[-1]
    assert seen.path == "/up/ws/echo;v=1?a=1&a=2&b=%2F"  # base path, raw path, query as sent
    got = seen.headers
    assert got.get_all("Host") == [f"127.0.0.1:{upstream.port}"]
    assert got["Origin"] == "https://www.example.com"
    assert got["Cookie"] == "consent=yes"  # the route's allow-list
    assert got.get_all("X-Forwarded-For") == ["127.0.0.1"]  # not a trusted proxy: replaced
    assert got["X-Forwarded-Proto"] == "http"
    assert got["X-Forwarded-Host"] == f"127.0.0.1:{proxy.port}"
    assert got["Via"] == "1.1 edgeviews"
    assert got["X-Custom"] == "kept"
    assert "Keep-Alive" not in got
    assert got.get_all("Sec-WebSocket-Key") != [key]  # this hop's own handshake
    assert len(got.get_all("Upgrade")) == 1 and len(got.get_all("Connection")) == 1
    # the client offered no compression; our hop to the upstream offers its own
    assert got["Sec-WebSocket-Extensions"].startswith("permessage-deflate")


async def test_the_upstreams_101_headers_follow_the_http_response_policy(
    proxy: ProxyServer,
) -> None:
    async with client(proxy.url("/ws/cookie")) as ws:
        assert ws.response is not None
        headers = ws.response.headers
    assert headers.get_all("Set-Cookie") == ["sid=1; Path=/"]  # upstream host domain removed
    assert "Strict-Transport-Security" not in headers  # would govern our domain
    assert headers["Via"] == "1.1 edgeviews"
    assert len(headers.get_all("Sec-WebSocket-Accept")) == 1  # ours, not the upstream's too


async def test_close_codes_pass_from_upstream_to_client(proxy: ProxyServer) -> None:
    async with client(proxy.url("/ws/close")) as ws:
        await ws.send("please close")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert ws.close_code == 4001
    assert ws.close_reason == "bye from upstream"


async def test_close_codes_pass_from_client_to_upstream(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    async with client(proxy.url("/ws/echo")) as ws:
        await ws.send("hello")
        assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "hello"
        await ws.close(4002, "done for today")
    seen = await upstream.closed()
    assert (seen.close_code, seen.close_reason) == (4002, "done for today")


async def test_a_client_that_vanishes_closes_the_upstream_at_once(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    ws = await client(proxy.url("/ws/echo"))
    await ws.send("hello")
    assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "hello"
    ws.transport.abort()  # no close frame: the TCP connection just goes
    started = asyncio.get_running_loop().time()
    seen = await upstream.closed()
    assert asyncio.get_running_loop().time() - started < 2
    # uvicorn reports a vanished client as 1006, or as 1005 when its protocol object has not
    # noticed yet; we relay these as 1001 (going away) and 1000 respectively.
    assert seen.close_code in (1000, 1001)


async def test_an_upstream_that_dies_closes_the_client_with_1014(proxy: ProxyServer) -> None:
    async with client(proxy.url("/ws/die")) as ws:
        await ws.send("now")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert ws.close_code == 1014


async def test_an_oversized_upstream_message_closes_the_client_with_1009(
    proxy: ProxyServer,
) -> None:
    async with client(proxy.url("/ws/big"), max_size=None) as ws:
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert ws.close_code == 1009


async def test_an_oversized_client_message_closes_both_sides(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    async with client(proxy.url("/ws/echo")) as ws:
        await ws.send(b"x" * (MAX_MESSAGE_BYTES + 1))
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert ws.close_code == 1009
    assert (await upstream.closed()).close_code == 1001


async def test_messages_of_exactly_the_limit_pass_both_ways(proxy: ProxyServer) -> None:
    message = b"y" * MAX_MESSAGE_BYTES
    async with client(proxy.url("/ws/echo"), max_size=None) as ws:
        await ws.send(message)
        assert await asyncio.wait_for(ws.recv(), TIMEOUT) == message


async def test_concurrent_sessions_keep_their_own_messages(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    async def session(number: int) -> list[str | bytes]:
        async with client(proxy.url(f"/ws/echo?n={number}")) as ws:
            replies: list[str | bytes] = []
            for i in range(10):
                await ws.send(f"{number}:{i}")
                replies.append(await asyncio.wait_for(ws.recv(), TIMEOUT))
            return replies

    results = await asyncio.gather(*(session(n) for n in range(20)))
    assert results == [[f"{n}:{i}" for i in range(10)] for n in range(20)]
    assert len(upstream.seen) == 20


async def test_a_proxy_shutting_down_closes_both_sides(
    tmp_path: Path, upstream: WsUpstream, tls_upstream: WsUpstream, ca: trustme.CA
) -> None:
    config = load_config(project(tmp_path, upstream, tls_upstream, ca, trust=True))
    server = ProxyServer(create_app(config, env="test"))
    async with server:
        ws = await client(server.url("/ws/echo"))
        await ws.send("hello")
        assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "hello"
    # uvicorn told the client 1012 (service restart); the upstream hears that we went away
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(ws.recv(), TIMEOUT)
    assert ws.close_code == 1012
    seen = await upstream.closed()
    assert (seen.close_code, seen.close_reason) == (1001, "client went away")


async def test_an_upstream_that_stops_reading_ends_the_session_after_write_timeout(
    tmp_path: Path, tls_upstream: WsUpstream, ca: trustme.CA
) -> None:
    # No compression on either hop, so filling the buffers costs copies, not deflate time.
    async with WsUpstream(compression=None) as upstream:
        config = load_config(project(tmp_path, upstream, tls_upstream, ca, trust=True))
        async with ProxyServer(create_app(config, env="test")) as proxy:
            ws = await client(proxy.url("/ws/stall"), compression=None)
            payload = os.urandom(MAX_MESSAGE_BYTES // 2)

            async def flood() -> None:
                with contextlib.suppress(ConnectionClosed):
                    for _ in range(64):  # 32 MiB: more than the loopback buffers hold
                        await ws.send(payload)

            flooding = asyncio.create_task(flood())
            try:
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(ws.recv(), 3 * TIMEOUT)
            finally:
                flooding.cancel()
                await asyncio.gather(flooding, return_exceptions=True)
                ws.transport.abort()  # a graceful close could wait on the full buffers
            assert (ws.close_code, ws.close_reason) == (1014, "upstream stopped reading")
            assert (await upstream.closed()).close_code == 1006  # cut: no close frame passed


async def test_refused_upstream_rejects_the_handshake_with_502_and_logs(
    proxy: ProxyServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="edgeviews.proxy"):
        with pytest.raises(InvalidStatus) as refused:
            await client(proxy.url("/down/ws"))
    assert refused.value.response.status_code == 502
    assert b"could not be reached" in refused.value.response.body
    assert any("WebSocket /down/ws: upstream" in r.getMessage() for r in caplog.records)


async def test_a_silent_upstream_handshake_times_out_with_504(proxy: ProxyServer) -> None:
    # read_timeout is 1 s in the project's [proxy] table; the upstream never answers.
    with pytest.raises(InvalidStatus) as timed_out:
        await client(proxy.url("/ws/hang"))
    assert timed_out.value.response.status_code == 504


async def test_the_upstreams_own_refusal_reaches_the_client(proxy: ProxyServer) -> None:
    with pytest.raises(InvalidStatus) as denied:
        await client(proxy.url("/ws/deny"))
    response = denied.value.response
    assert response.status_code == 403
    assert response.body == b"no entry here\n"
    assert response.headers["Set-Cookie"] == "seen=1; Path=/"  # upstream host domain removed


async def test_an_upstream_challenge_is_not_passed_where_authorization_is_not_forwarded(
    proxy: ProxyServer,
) -> None:
    # As for HTTP: the browser must not be asked for credentials the route would drop.
    with pytest.raises(InvalidStatus) as denied:
        await client(proxy.url("/ws/challenge"))
    response = denied.value.response
    assert response.status_code == 401
    assert response.body == b"who are you\n"
    assert "WWW-Authenticate" not in response.headers


async def test_routes_that_do_not_apply_go_to_the_host_app_or_are_refused(
    proxy: ProxyServer, upstream: WsUpstream, tmp_path: Path
) -> None:
    async with client(proxy.url("/ws/echo"), additional_headers={"Cookie": "signed_in=1"}) as ws:
        assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "host app"
    with pytest.raises(InvalidStatus) as refused:
        await client(proxy.url("/gated/echo"), additional_headers={"X-Skip-Edge": "1"})
    assert refused.value.response.status_code == 403  # no host app route there
    assert upstream.handshakes == []  # the upstream was never contacted


async def test_mounted_and_as_middleware_the_paths_below_the_mount_are_relayed(
    tmp_path: Path, upstream: WsUpstream, tls_upstream: WsUpstream, ca: trustme.CA
) -> None:
    config = load_config(project(tmp_path, upstream, tls_upstream, ca, trust=True))
    mounted = Starlette(routes=[Mount("/site", app=create_app(config, env="test"))])
    async with ProxyServer(mounted) as server, client(server.url("/site/ws/echo?x=1")) as ws:
        await ws.send("mounted")
        assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "mounted"
    assert upstream.seen[-1].path == "/up/ws/echo?x=1"

    wrapped = host_app()
    wrapped.add_middleware(EdgeviewsMiddleware, config=config, env="test")
    async with ProxyServer(wrapped) as server:
        async with client(server.url("/ws/echo")) as ws:
            await ws.send("wrapped")
            assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "wrapped"
        headers = {"Cookie": "signed_in=1"}
        async with client(server.url("/ws/echo"), additional_headers=headers) as ws:
            assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "host app"


async def test_unsafe_targets_are_refused_with_400(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await client(proxy.url("/ws/%2e%2e/%2e%2e/secret"))
    assert refused.value.response.status_code == 400
    assert upstream.handshakes == []


async def test_wss_upstream_verified_with_the_configured_ca_and_sni_of_the_public_host(
    proxy: ProxyServer, tls_upstream: WsUpstream
) -> None:
    url = f"ws://help.example.com:{proxy.port}/tls/echo"
    async with client(url, host="127.0.0.1", port=proxy.port) as ws:
        await ws.send("over tls")
        assert await asyncio.wait_for(ws.recv(), TIMEOUT) == "over tls"
    assert tls_upstream.sni == ["help.example.com"]
    assert tls_upstream.seen[-1].headers["Host"] == f"help.example.com:{proxy.port}"


async def test_a_preserved_host_that_is_no_host_name_is_refused_with_400(
    proxy: ProxyServer, tls_upstream: WsUpstream
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    try:
        writer.write(
            b"GET /tls/echo HTTP/1.1\r\nHost: help.example.com/evil\r\n"
            b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        answer = await asyncio.wait_for(reader.read(), TIMEOUT)  # the server closes after it
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.1 400")
    assert b"does not hold a host name" in answer
    assert tls_upstream.handshakes == []


async def test_wss_upstream_with_an_unknown_ca_is_refused(
    tmp_path: Path, upstream: WsUpstream, tls_upstream: WsUpstream, ca: trustme.CA
) -> None:
    config = load_config(project(tmp_path, upstream, tls_upstream, ca, trust=False))
    async with ProxyServer(create_app(config, env="test")) as proxy:
        with pytest.raises(InvalidStatus) as refused:
            await client(f"ws://help.example.com:{proxy.port}/tls/echo", host="127.0.0.1")
    assert refused.value.response.status_code == 502
    assert tls_upstream.seen == []


async def test_no_relay_task_or_upstream_connection_outlives_a_session(
    proxy: ProxyServer, upstream: WsUpstream
) -> None:
    for path in ("/ws/echo", "/ws/close", "/ws/die"):
        async with client(proxy.url(path)) as ws:
            await ws.send("x")
            with contextlib.suppress(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), TIMEOUT)
    for index in range(len(upstream.seen)):
        await upstream.closed(index)
    async with asyncio.timeout(TIMEOUT):
        while _relay_tasks():
            await asyncio.sleep(0.01)
    assert upstream.server is not None
    assert not upstream.server.connections


def _relay_tasks() -> list[asyncio.Task[Any]]:
    return [
        task
        for task in asyncio.all_tasks()
        if task.get_coro().__qualname__ in ("_client_to_upstream", "_upstream_to_client")  # type: ignore[union-attr]
    ]


@pytest.mark.parametrize(
    ("client_code", "reason", "upstream_close"),
    [
        (1000, "bye", (1000, "bye")),
        (4002, "app code", (4002, "app code")),
        (1005, "", (1000, "")),  # a close frame without a code
        (1006, "", (1001, "client went away")),  # no close frame at all
        (1012, "", (1001, "client went away")),  # our own server is shutting down
        (1015, "", (1000, "")),  # TLS failure: not sendable
    ],
)
def test_client_close_codes_are_mapped_to_sendable_ones(
    client_code: int, reason: str, upstream_close: tuple[int, str]
) -> None:
    assert code_for_upstream(client_code, reason) == upstream_close


@pytest.mark.parametrize(
    ("rcvd", "sent", "client_close"),
    [
        (Close(4001, "bye"), None, (4001, "bye")),
        (Close(1005, ""), Close(1005, ""), (1000, "")),
        (None, Close(1009, "over"), (1009, "upstream message too big")),
        (None, Close(1011, "keepalive ping timeout"), (1014, "upstream connection lost")),
        (None, None, (1014, "upstream connection lost")),
    ],
)
def test_upstream_close_codes_are_mapped_to_sendable_ones(
    rcvd: Close | None, sent: Close | None, client_close: tuple[int, str]
) -> None:
    closed = ConnectionClosed(rcvd, sent, None if rcvd is None or sent is None else True)
    assert code_for_client(closed) == client_close


async def test_without_the_http_response_extension_a_failure_is_a_close_before_accept(
    tmp_path: Path, upstream: WsUpstream, tls_upstream: WsUpstream, ca: trustme.CA
) -> None:
    # An ASGI server without `websocket.http.response` (the scope has no such extension)
    # gets a close before any accept, which such servers answer with a 403.
    app = create_app(load_config(project(tmp_path, upstream, tls_upstream, ca, trust=True)))
    incoming: list[Message] = [{"type": "websocket.connect"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "path": "/down/ws",
        "raw_path": b"/down/ws",
        "query_string": b"",
        "root_path": "",
        "scheme": "ws",
        "headers": [(b"host", b"www.example.com")],
        "client": ("127.0.0.1", 5000),
        "subprotocols": [],
    }
    await asyncio.wait_for(app(scope, receive, send), TIMEOUT)
    assert sent == [{"type": "websocket.close", "code": 1014}]
