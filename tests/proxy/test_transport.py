"""UpstreamTransport against real servers on 127.0.0.1, the nasty cases included.

Each test runs a plain asyncio server with a handler written for it, so the upstream can do
what real ones do on a bad day: split chunks oddly, die mid-body, close kept-alive
connections, stall before the head, send 1xx responses, present the wrong certificate.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
import trustme

from edgeviews.proxy.transport import UpstreamTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class ScriptedUpstream:
    """A TCP (or TLS) server on an ephemeral port running a test's handler per connection.

    It counts connections and keeps each request's head and body for the test to inspect.
    """

    def __init__(self, make: Callable[[ScriptedUpstream], Handler]) -> None:
        self.handler = make(self)
        self.connections = 0
        self.requests: list[bytes] = []
        self.bodies: list[bytes] = []
        self.closed_by_client = asyncio.Event()
        self.port = 0
        self.tasks: set[asyncio.Task[Any]] = set()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            await self.handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def read_request(self, reader: asyncio.StreamReader) -> bytes:
        """Read one request (head and body, either framing); EOF raises IncompleteReadError."""
        head = await reader.readuntil(b"\r\n\r\n")
        self.requests.append(head)
        lowered = head.lower()
        body = b""
        if b"transfer-encoding: chunked" in lowered:
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                data = await reader.readexactly(size + 2)
                if size == 0:
                    break
                body += data[:-2]
        elif b"content-length:" in lowered:
            length = int(lowered.split(b"content-length:")[1].split(b"\r\n")[0])
            body = await reader.readexactly(length)
        self.bodies.append(body)
        return head


def ok(body: bytes = b"hello", *extra: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (
        len(body),
        b"".join(line + b"\r\n" for line in extra),
        body,
    )


def keep_answering(response: bytes) -> Callable[[ScriptedUpstream], Handler]:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while True:
                await state.read_request(reader)
                writer.write(response)
                await writer.drain()

        return handler

    return make


@asynccontextmanager
async def serving(
    make: Callable[[ScriptedUpstream], Handler], tls: ssl.SSLContext | None = None
) -> AsyncIterator[ScriptedUpstream]:
    """Run a scripted upstream for the duration of the block; cancel its handlers after."""
    upstream = ScriptedUpstream(make)
    server = await asyncio.start_server(upstream.serve, "127.0.0.1", 0, ssl=tls)
    upstream.port = server.sockets[0].getsockname()[1]
    try:
        yield upstream
    finally:
        server.close()
        for task in list(upstream.tasks):
            task.cancel()
        await asyncio.gather(*upstream.tasks, return_exceptions=True)
        await server.wait_closed()


def client(transport: UpstreamTransport | None = None, **timeouts: float) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        transport=transport or UpstreamTransport(),
        timeout=httpx2.Timeout(timeouts.pop("default", 5.0), **timeouts),
    )


async def test_content_length_body_and_keep_alive_reuse() -> None:
    async with serving(keep_answering(ok(b"x" * 70_000))) as server, client() as http:
        for _ in range(3):
            response = await http.get(f"http://127.0.0.1:{server.port}/page?a=1&a=2")
            assert response.content == b"x" * 70_000
        assert server.connections == 1
        assert server.requests[0].startswith(b"GET /page?a=1&a=2 HTTP/1.1\r\n")
        assert b"\r\nHost: 127.0.0.1:%d\r\n" % server.port in server.requests[0]


async def test_repeated_headers_and_raw_reason_phrase_are_kept() -> None:
    response_bytes = (
        b"HTTP/1.1 200 Quite  OK\r\nSet-Cookie: a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\n"
        b"Set-Cookie: b=2\r\nContent-Length: 0\r\n\r\n"
    )
    async with serving(keep_answering(response_bytes)) as server, client() as http:
        response = await http.get(f"http://127.0.0.1:{server.port}/")
    assert response.reason_phrase == "Quite  OK"
    assert response.headers.get_list("set-cookie") == [
        "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
        "b=2",
    ]
    assert response.headers.raw[0] == (b"Set-Cookie", b"a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT")


async def test_an_empty_body_of_declared_length_leaves_the_connection_for_reuse() -> None:
    transport = UpstreamTransport()
    async with serving(keep_answering(ok(b""))) as server, client(transport) as http:
        for _ in range(3):
            response = await http.get(f"http://127.0.0.1:{server.port}/")
            assert (response.status_code, response.content) == (200, b"")
        assert transport._idle_count == 1
    assert server.connections == 1


async def test_send_returns_the_head_as_sent_and_a_body_that_releases_the_connection() -> None:
    transport = UpstreamTransport()
    async with serving(keep_answering(ok(b"abc" * 1000, b"X-Case: Kept"))) as server:
        url = httpx2.URL(f"http://127.0.0.1:{server.port}/x")
        for _ in range(2):
            response = await transport.send(
                "GET", url, [(b"host", b"example")], b"", timeouts={"read": 5.0}
            )
            assert (response.status_code, response.http_version) == (200, b"HTTP/1.1")
            assert response.reason_phrase == b"OK"
            assert (b"X-Case", b"Kept") in response.headers
            assert b"".join([piece async for piece in response.stream]) == b"abc" * 1000
            assert transport._idle_count == 1  # read whole: back in the pool before aclose
            await response.aclose()
        abandoned = await transport.send("GET", url, [(b"host", b"h")], b"", timeouts={})
        await abandoned.aclose()  # not read: the connection is closed, its slot freed
        assert transport._open == 0
        with pytest.raises(httpx2.StreamClosed):
            abandoned.stream.__aiter__()
        await transport.aclose()
    assert server.connections == 1  # the abandoned request reused it too
    assert server.requests[0].startswith(b"GET /x HTTP/1.1\r\nhost: example\r\n")


async def test_chunked_body_split_across_odd_writes_then_reuse() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while True:
                await state.read_request(reader)
                raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n6\r\npedia \r\n0\r\nT: 1\r\n\r\n"
                for index in range(0, len(raw), 7):
                    writer.write(raw[index : index + 7])
                    await writer.drain()
                    await asyncio.sleep(0.001)

        return handler

    async with serving(make) as server, client() as http:
        for _ in range(2):
            response = await http.get(f"http://127.0.0.1:{server.port}/")
            assert response.content == b"Wikipedia "
        assert server.connections == 1


async def test_body_until_close_and_connection_close_are_not_reused() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = await state.read_request(reader)
            if b"GET /close-delimited" in head:
                writer.write(b"HTTP/1.1 200 OK\r\n\r\nall of it")
            else:
                writer.write(ok(b"bye", b"Connection: close"))
            await writer.drain()

        return handler

    async with serving(make) as server, client() as http:
        first = await http.get(f"http://127.0.0.1:{server.port}/close-delimited")
        second = await http.get(f"http://127.0.0.1:{server.port}/")
        third = await http.get(f"http://127.0.0.1:{server.port}/")
    assert (first.content, second.content, third.content) == (b"all of it", b"bye", b"bye")
    assert server.connections == 3


@pytest.mark.parametrize(
    ("method", "status"), [("HEAD", 200), ("GET", 204), ("GET", 304), ("HEAD", 404)]
)
async def test_responses_without_a_body_leave_the_connection_clean(
    method: str, status: int
) -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = await state.read_request(reader)
            # Framing headers that describe the body a GET would have had: there is no body.
            writer.write(b'HTTP/1.1 %d X\r\nContent-Length: 500\r\nETag: "e"\r\n\r\n' % status)
            await state.read_request(reader)
            writer.write(ok(b"next"))
            assert head
            await writer.drain()

        return handler

    async with serving(make) as server, client() as http:
        response = await http.request(method, f"http://127.0.0.1:{server.port}/")
        assert (response.status_code, response.content) == (status, b"")
        assert response.headers["content-length"] == "500"
        follow_up = await http.get(f"http://127.0.0.1:{server.port}/")
        assert follow_up.content == b"next"
        assert server.connections == 1


async def test_informational_responses_are_skipped() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n")
            writer.write(ok(b"final", b"X-Final: 1"))
            await writer.drain()
            await reader.read()

        return handler

    async with serving(make) as server, client() as http:
        response = await http.post(f"http://127.0.0.1:{server.port}/", content=b"data")
    assert (response.status_code, response.content) == (200, b"final")
    assert "link" not in response.headers and response.headers["x-final"] == "1"
    assert server.bodies == [b"data"]


async def test_streaming_request_bodies_are_sent_chunked_or_by_length() -> None:
    async def parts() -> AsyncIterator[bytes]:
        for part in (b"one,", b"", b"two,", b"three"):
            await asyncio.sleep(0)
            yield part

    async with serving(keep_answering(ok(b"got it"))) as server, client() as http:
        url = f"http://127.0.0.1:{server.port}/upload"
        await http.post(url, content=parts())
        await http.post(url, content=parts(), headers={"Content-Length": "13"})
        await http.post(url, content=b"plain bytes")
        await http.post(url, content=b"")
    assert server.bodies == [b"one,two,three", b"one,two,three", b"plain bytes", b""]
    assert b"transfer-encoding: chunked" in server.requests[0].lower()
    assert b"transfer-encoding" not in server.requests[1].lower()
    assert server.connections == 1


async def test_streaming_request_body_shorter_than_its_length_is_refused() -> None:
    async def parts() -> AsyncIterator[bytes]:
        yield b"short"

    async with serving(keep_answering(ok())) as server, client() as http:
        with pytest.raises(httpx2.LocalProtocolError):
            await http.post(
                f"http://127.0.0.1:{server.port}/",
                content=parts(),
                headers={"Content-Length": "10"},
            )


@pytest.mark.parametrize(
    "partial",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"a" * 400,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + b"a" * 400,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
    ],
    ids=["content-length", "chunked-mid-chunk", "chunked-between-chunks"],
)
async def test_upstream_dying_mid_body_is_an_error_not_a_short_page(partial: bytes) -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            writer.write(partial)
            await writer.drain()

        return handler

    async with serving(make) as server, client() as http:
        with pytest.raises(httpx2.RemoteProtocolError, match="mid-body"):
            await http.get(f"http://127.0.0.1:{server.port}/")
        received = b""
        with pytest.raises(httpx2.RemoteProtocolError):
            async with http.stream("GET", f"http://127.0.0.1:{server.port}/") as response:
                async for piece in response.aiter_raw():
                    received += piece
        assert received == b"a" * 400 or received == b"abc"


@pytest.mark.parametrize(
    "response",
    [
        b"HTTP/1.1 200 OK\r\n" + b"X-Big: " + b"h" * 70_000 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X-Big: " + b"h" * 70_000,
        b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n",
        b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    ],
    ids=["head-too-large", "head-never-ends", "bad-status", "not-http", "conflicting-lengths"],
)
async def test_malformed_responses_are_protocol_errors_and_not_reused(response: bytes) -> None:
    transport = UpstreamTransport()
    async with serving(keep_answering(response)) as server, client(transport) as http:
        with pytest.raises(httpx2.RemoteProtocolError):
            await http.get(f"http://127.0.0.1:{server.port}/")
        assert transport._open == 0 and transport._idle_count == 0


@pytest.mark.parametrize(
    "answer",
    [ok(b"body"), b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n"],
    ids=["length", "chunked"],
)
async def test_bytes_after_a_complete_body_make_the_connection_unusable(answer: bytes) -> None:
    async with (
        serving(keep_answering(answer + b"HTTP/1.1 200 OK\r\n")) as server,
        client() as http,
    ):
        for _ in range(2):
            assert (await http.get(f"http://127.0.0.1:{server.port}/")).content == b"body"
    assert server.connections == 2


async def test_connection_reset_mid_body_is_a_read_error() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\n\r\n" + b"a" * 100)
            await writer.drain()
            await asyncio.sleep(0.05)
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()  # RST, not FIN: a close-delimited body must not look complete

        return handler

    async with serving(make) as server, client() as http:
        with pytest.raises(httpx2.ReadError):
            await http.get(f"http://127.0.0.1:{server.port}/")


async def test_a_kept_alive_connection_the_upstream_closed_is_not_used() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            writer.write(ok(b"once"))  # keep-alive promised, then the upstream closes anyway
            await writer.drain()

        return handler

    transport = UpstreamTransport()
    async with serving(make) as server, client(transport) as http:
        assert (await http.get(f"http://127.0.0.1:{server.port}/")).content == b"once"
        await asyncio.sleep(0.05)  # the FIN arrives; the loop tells the idle connection
        assert transport._idle_count == 0 and transport._open == 0
        assert (await http.get(f"http://127.0.0.1:{server.port}/")).content == b"once"
    assert server.connections == 2


async def test_a_request_racing_the_upstreams_close_is_retried_only_when_safe() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            writer.write(ok(b"first"))
            await writer.drain()
            await state.read_request(reader)  # the next request arrives, then the close wins

        return handler

    async def stream() -> AsyncIterator[bytes]:
        yield b"not replayable"

    async with serving(make) as server, client() as http:
        url = f"http://127.0.0.1:{server.port}/"
        assert (await http.get(url)).content == b"first"
        assert (await http.get(url)).content == b"first"  # retried on a new connection
        assert server.connections == 2
        with pytest.raises(httpx2.RemoteProtocolError, match="without answering"):
            await http.post(url, content=stream())
        assert server.connections == 2


async def test_every_stale_idle_connection_is_skipped_before_a_fresh_one() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            await asyncio.sleep(0.05)  # keep both first requests in flight at once
            writer.write(ok(b"answer"))
            await writer.drain()
            await state.read_request(reader)  # then close without answering the next one

        return handler

    transport = UpstreamTransport()
    async with serving(make) as server, client(transport) as http:
        url = f"http://127.0.0.1:{server.port}/"
        await asyncio.gather(http.get(url), http.get(url))
        assert transport._idle_count == 2
        assert (await http.get(url)).content == b"answer"
    assert server.connections == 3


async def test_expired_idle_connections_are_closed() -> None:
    transport = UpstreamTransport(keepalive_expiry=0.05)
    async with serving(keep_answering(ok())) as server, client(transport) as http:
        await http.get(f"http://127.0.0.1:{server.port}/")
        assert transport._idle_count == 1
        await asyncio.sleep(0.15)
        assert transport._idle_count == 0 and transport._open == 0
        await http.get(f"http://127.0.0.1:{server.port}/")
    assert server.connections == 2


async def test_each_idle_connection_expires_after_its_own_idle_time() -> None:
    transport = UpstreamTransport(keepalive_expiry=0.4)
    async with serving(keep_answering(ok())) as server, client(transport) as http:
        url = f"http://127.0.0.1:{server.port}/"
        await asyncio.gather(http.get(url), http.get(url))  # two connections, idle from t=0
        assert transport._idle_count == 2
        await asyncio.sleep(0.2)
        await http.get(url)  # one of them is used again: idle from t=0.2
        await asyncio.sleep(0.3)  # t=0.5: the other one has expired
        assert (transport._idle_count, transport._open) == (1, 1)
        await asyncio.sleep(0.3)  # t=0.8: both
        assert (transport._idle_count, transport._open) == (0, 0)
    assert server.connections == 2


async def test_slow_headers_raise_read_timeout() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\n")
            await writer.drain()
            await asyncio.sleep(5)

        return handler

    async with serving(make) as server, client(read=0.2) as http:
        started = time.monotonic()
        with pytest.raises(httpx2.ReadTimeout):
            await http.get(f"http://127.0.0.1:{server.port}/")
        assert 0.15 < time.monotonic() - started < 2


async def test_slow_body_raises_read_timeout() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
            await writer.drain()
            await asyncio.sleep(5)

        return handler

    async with serving(make) as server, client(read=0.2) as http:
        with pytest.raises(httpx2.ReadTimeout):
            await http.get(f"http://127.0.0.1:{server.port}/")


async def test_upstream_that_never_reads_raises_write_timeout() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await asyncio.sleep(5)

        return handler

    async def endless() -> AsyncIterator[bytes]:
        block = b"z" * 1_000_000
        for _ in range(200):
            yield block

    async with serving(make) as server, client(write=0.3) as http:
        with pytest.raises(httpx2.WriteTimeout):
            await http.post(f"http://127.0.0.1:{server.port}/", content=endless())


async def test_connection_refused_is_a_connect_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with client() as http:
        with pytest.raises(httpx2.ConnectError):
            await http.get(f"http://127.0.0.1:{port}/")


async def test_upstream_that_never_accepts_raises_connect_timeout() -> None:
    # A listener whose accept queue is full: Linux drops further SYNs, so connecting hangs.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        queued = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            queued.append(filler)
        try:
            async with client(connect=0.3) as http:
                started = time.monotonic()
                with pytest.raises(httpx2.ConnectTimeout):
                    await http.get(f"http://127.0.0.1:{port}/")
                assert time.monotonic() - started < 2
        finally:
            for filler in queued:
                filler.close()


async def test_pool_limit_waits_then_raises_pool_timeout() -> None:
    transport = UpstreamTransport(max_connections=1)
    async with serving(keep_answering(ok(b"x"))) as server, client(transport, pool=0.2) as http:
        url = f"http://127.0.0.1:{server.port}/"
        async with http.stream("GET", url) as held:
            with pytest.raises(httpx2.PoolTimeout):
                await http.get(url)
            waiting = asyncio.create_task(http.get(url))
            await asyncio.sleep(0.05)
            assert not waiting.done()
            await held.aread()  # read whole: the connection goes back to the pool
        assert (await waiting).content == b"x"
    assert server.connections == 1


async def test_abandoned_body_closes_the_connection_and_frees_its_slot() -> None:
    transport = UpstreamTransport(max_connections=1)
    async with serving(keep_answering(ok(b"y" * 1_000_000))) as server, client(transport) as http:
        url = f"http://127.0.0.1:{server.port}/"
        async with http.stream("GET", url) as response:
            async for _ in response.aiter_raw():
                break
        assert transport._open == 0
        assert len((await http.get(url)).content) == 1_000_000
    assert server.connections == 2


async def test_cancelled_request_releases_its_connection() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            await reader.read()  # never answers; sees the close
            state.closed_by_client.set()

        return handler

    transport = UpstreamTransport()
    async with serving(make) as server, client(transport) as http:
        request = asyncio.create_task(http.get(f"http://127.0.0.1:{server.port}/"))
        await asyncio.sleep(0.05)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request
        assert transport._open == 0
        await asyncio.wait_for(server.closed_by_client.wait(), 2)


async def test_a_slow_reader_does_not_buffer_the_whole_body() -> None:
    size = 6_000_000
    transport = UpstreamTransport()
    async with serving(keep_answering(ok(b"b" * size))) as server:
        request = httpx2.Request("GET", f"http://127.0.0.1:{server.port}/")
        response = await transport.handle_async_request(request)
        connection = response.stream._connection  # type: ignore[union-attr]
        received = 0
        largest_buffer = 0
        async for piece in response.stream:  # type: ignore[union-attr]
            received += len(piece)
            await asyncio.sleep(0.02)  # the upstream could send megabytes meanwhile
            largest_buffer = max(largest_buffer, connection.buffered)
        await transport.aclose()
    assert received == size
    assert 0 < largest_buffer < 1_000_000


async def test_transport_aclose_closes_idle_connections() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await state.read_request(reader)
            writer.write(ok())
            await writer.drain()
            await reader.read()
            state.closed_by_client.set()

        return handler

    async with serving(make) as server:
        http = client()
        await http.get(f"http://127.0.0.1:{server.port}/")
        await http.aclose()
        await asyncio.wait_for(server.closed_by_client.wait(), 2)


async def test_the_callers_host_header_is_sent_unchanged() -> None:
    async with serving(keep_answering(ok())) as server, client() as http:
        await http.get(f"http://127.0.0.1:{server.port}/", headers={"Host": "help.example.com"})
    assert b"\r\nHost: help.example.com\r\n" in server.requests[0]
    assert server.requests[0].count(b"Host:") == 1


# TLS


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_server_context(
    ca: trustme.CA, *hosts: str, seen: list[str | None] | None = None
) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(context)
    if seen is not None:

        def remember(_socket: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
            seen.append(name)

        context.sni_callback = remember
    return context


async def test_https_with_a_ca_bundle_path_and_the_url_host_as_sni(
    ca: trustme.CA, tmp_path: Path
) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    seen: list[str | None] = []
    tls = tls_server_context(ca, "localhost", seen=seen)
    async with (
        serving(keep_answering(ok(b"secure")), tls) as server,
        client(UpstreamTransport(verify=str(bundle))) as http,
    ):
        for _ in range(2):
            response = await http.get(f"https://localhost:{server.port}/")
            assert response.content == b"secure"
    assert seen == ["localhost"]
    assert server.connections == 1


async def test_https_sends_the_public_host_as_sni_and_checks_its_certificate(
    ca: trustme.CA,
) -> None:
    """Intercom custom domains: connect to the upstream address, present the public name."""
    seen: list[str | None] = []
    tls = tls_server_context(ca, "help.example.com", seen=seen)
    verify = ssl.create_default_context()
    ca.configure_trust(verify)
    async with (
        serving(keep_answering(ok(b"custom domain")), tls) as server,
        client(UpstreamTransport(verify=verify)) as http,
    ):
        response = await http.get(
            f"https://127.0.0.1:{server.port}/articles",
            headers={"Host": "help.example.com"},
            extensions={"sni_hostname": "help.example.com"},
        )
        assert response.content == b"custom domain"
        # Same address, no SNI override: the certificate does not name 127.0.0.1.
        with pytest.raises(httpx2.ConnectError, match="certificate"):
            await http.get(f"https://127.0.0.1:{server.port}/articles")
    assert seen[0] == "help.example.com"
    assert b"\r\nHost: help.example.com\r\n" in server.requests[0]


async def test_https_wrong_host_certificate_fails(ca: trustme.CA) -> None:
    tls = tls_server_context(ca, "other.example")
    verify = ssl.create_default_context()
    ca.configure_trust(verify)
    async with (
        serving(keep_answering(ok()), tls) as server,
        client(UpstreamTransport(verify=verify)) as http,
    ):
        with pytest.raises(httpx2.ConnectError, match="certificate"):
            await http.get(
                f"https://127.0.0.1:{server.port}/", extensions={"sni_hostname": "help.example.com"}
            )
    assert server.requests == []


async def test_https_untrusted_ca_fails_against_the_system_store(ca: trustme.CA) -> None:
    tls = tls_server_context(ca, "localhost")
    async with serving(keep_answering(ok()), tls) as server, client(UpstreamTransport()) as http:
        with pytest.raises(httpx2.ConnectError, match="certificate"):
            await http.get(f"https://localhost:{server.port}/")
    assert server.requests == []


async def test_verify_false_skips_checks(ca: trustme.CA) -> None:
    tls = tls_server_context(ca, "other.example")
    async with (
        serving(keep_answering(ok(b"unchecked")), tls) as server,
        client(UpstreamTransport(verify=False)) as http,
    ):
        response = await http.get(f"https://127.0.0.1:{server.port}/")
    assert response.content == b"unchecked"


async def test_tls_handshake_that_never_finishes_is_a_connect_timeout() -> None:
    def make(state: ScriptedUpstream) -> Handler:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await asyncio.sleep(5)  # a plain TCP server: the ClientHello is never answered

        return handler

    async with serving(make) as server, client(connect=0.3) as http:
        with pytest.raises(httpx2.ConnectTimeout):
            await http.get(f"https://127.0.0.1:{server.port}/")


async def test_other_schemes_are_refused() -> None:
    async with client() as http:
        with pytest.raises(httpx2.UnsupportedProtocol):
            await http.get("ftp://127.0.0.1/")


def test_works_on_uvloop_as_under_uvicorn() -> None:
    """uvicorn runs on uvloop, whose transports are not asyncio.Transport subclasses."""
    uvloop = pytest.importorskip("uvloop")

    async def scenario() -> None:
        async with serving(keep_answering(ok(b"u" * 300_000))) as server, client() as http:
            for _ in range(2):
                assert (
                    await http.get(f"http://127.0.0.1:{server.port}/")
                ).content == b"u" * 300_000
            assert server.connections == 1

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(scenario())
