"""The upstream transport: HTTP/1.1 over asyncio with a small keep-alive pool, behind httpx2's API.

httpx2's default transport (httpcore2's pool) spends about two thirds of a proxied request on
pool bookkeeping (syscalls on every idle connection at each acquire and release, and per-read
timeout scopes); see ../shared/notes/proxy.md. This one keeps an idle connection's state in
its protocol object, which the event loop updates when the upstream closes it, so reusing a
connection costs no system call; timeouts are one ``loop.call_later`` per wait that actually
blocks. It speaks HTTP/1.1 only, which is all Framer and Intercom need from a proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator
from typing import Final, cast

import httpx2

from edgeviews.proxy.http1 import (
    MAX_HEAD_SIZE,
    BodyKind,
    ChunkedDecoder,
    ResponseHead,
    body_framing,
    find_head_end,
    is_idempotent,
    keeps_alive,
    parse_response_head,
    serialize_request_head,
)

__all__ = ["UpstreamResponse", "UpstreamTransport"]

_READ_HIGH_WATER: Final = 256 * 1024
"""Stop reading from the upstream while this much is buffered: a slow client must not make a
200 MB page pile up in memory."""
_READ_LOW_WATER: Final = 64 * 1024
_MAX_YIELD: Final = 256 * 1024
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_SWEEP_SLACK: Final = 0.01

_PoolKey = tuple[str, str, int, str | None]


def ssl_context_for(verify: ssl.SSLContext | str | bool) -> ssl.SSLContext:
    """The TLS context for ``verify``: the system trust store, a CA bundle file or folder, or none."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is True:
        context = ssl.create_default_context()
    elif verify is False:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif os.path.isdir(verify):
        context = ssl.create_default_context(capath=verify)
    else:
        context = ssl.create_default_context(cafile=verify)
    context.set_alpn_protocols(["http/1.1"])
    return context


class _Connection(asyncio.Protocol):
    """One upstream connection: the received bytes the loop hands over, and waits with timeouts.

    Received data is kept as the loop's own bytes objects (`chunks`), not copied into one
    buffer: a response that arrives in one read (the usual case for a page) is handed on
    without a copy, or with one slice when the head is cut off its front.
    """

    def __init__(self, pool: UpstreamTransport, key: _PoolKey) -> None:
        self.pool = pool
        self.key = key
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0  # bytes in `chunks`
        self.eof = False
        self.closed = False
        self.error: BaseException | None = None
        self.reused = False
        self.idle = False
        self.idle_since = 0.0
        self.counted = False  # holds one of the pool's max_connections slots
        self._reading_paused = False
        self._writing_paused = False
        self._waiter: asyncio.Future[bool] | None = None
        self._drain_waiter: asyncio.Future[bool] | None = None

    # asyncio.Protocol callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport's methods without subclassing it.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > _READ_HIGH_WATER and not self._reading_paused and self.transport:
            self._reading_paused = True
            self.transport.pause_reading()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    def eof_received(self) -> bool:
        self.eof = True
        self._wake(self._waiter)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = self.closed = True
        self.error = exc
        self._wake(self._waiter)
        self._wake(self._drain_waiter)
        self.pool._forget_idle(self)

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._wake(self._drain_waiter)

    # used by the transport

    @staticmethod
    def _wake(waiter: asyncio.Future[bool] | None) -> None:
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    @staticmethod
    def _time_out(waiter: asyncio.Future[bool]) -> None:
        if not waiter.done():
            waiter.set_result(False)

    async def wait_for_data(self, timeout: float | None) -> None:
        """Block until more bytes (or the end of the stream) arrive, else raise ``ReadTimeout``."""
        if self._reading_paused and self.transport is not None:
            self._reading_paused = False
            self.transport.resume_reading()
        self._waiter = self.loop.create_future()
        handle = (
            None if timeout is None else self.loop.call_later(timeout, self._time_out, self._waiter)
        )
        try:
            arrived = await self._waiter
        finally:
            self._waiter = None
            if handle is not None:
                handle.cancel()
        if not arrived:
            raise httpx2.ReadTimeout(f"upstream sent nothing for {timeout} s")

    def take(self, limit: int) -> bytes:
        """Remove and return up to ``limit`` buffered bytes (a received chunk as it is, if it fits)."""
        chunks = self.chunks
        data = chunks.popleft()
        if len(data) > limit:
            chunks.appendleft(data[limit:])
            data = data[:limit]
        elif chunks and len(data) < limit:
            parts = [data]
            size = len(data)
            while chunks and size < limit:
                part = chunks.popleft()
                if size + len(part) > limit:
                    chunks.appendleft(part[limit - size :])
                    part = part[: limit - size]
                parts.append(part)
                size += len(part)
            data = b"".join(parts)
        self.buffered -= len(data)
        if self._reading_paused and self.buffered < _READ_LOW_WATER and self.transport is not None:
            self._reading_paused = False
            self.transport.resume_reading()
        return data

    def joined(self) -> bytes:
        """All buffered bytes as one chunk (kept buffered): for a head that arrived in pieces."""
        if len(self.chunks) > 1:
            data = b"".join(self.chunks)
            self.chunks.clear()
            self.chunks.append(data)
        return self.chunks[0] if self.chunks else b""

    def unread(self, data: bytes) -> None:
        """Put bytes back in front of the buffer (what followed a chunked body's end)."""
        if data:
            self.chunks.appendleft(data)
            self.buffered += len(data)

    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(data)

    async def drain(self, timeout: float | None) -> None:
        """Wait until the socket's send buffer is below its high-water mark, else ``WriteTimeout``."""
        if not self._writing_paused or self.closed:
            return
        self._drain_waiter = self.loop.create_future()
        handle = (
            None
            if timeout is None
            else self.loop.call_later(timeout, self._time_out, self._drain_waiter)
        )
        try:
            drained = await self._drain_waiter
        finally:
            self._drain_waiter = None
            if handle is not None:
                handle.cancel()
        if not drained:
            raise httpx2.WriteTimeout(f"upstream accepted no data for {timeout} s")

    def usable(self) -> bool:
        """Cheap staleness check, no syscall: the loop has told us of any close or stray bytes."""
        return not self.eof and not self.buffered

    def close(self, *, abort: bool = False) -> None:
        self.closed = True
        if self.transport is not None:
            if abort:
                self.transport.abort()
            else:
                self.transport.close()


class _EmptyBody(httpx2.AsyncByteStream):
    """The body of a HEAD, 204, 304 or 1xx response: nothing, and no connection attached."""

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        raise StopAsyncIteration

    async def aclose(self) -> None:
        return None


class _ResponseBody(httpx2.AsyncByteStream):
    """A response body read straight off the connection, returned to the pool once read whole.

    An async iterator object rather than an async generator: the event loop registers every
    async generator it sees (a weak set and a finalizer), which cost more per response than
    the reading. It is iterated once; `aclose` (httpx2's Response, the proxy's `finally`)
    gives an unfinished connection back dirty, so it is closed.
    """

    def __init__(
        self,
        connection: _Connection,
        kind: BodyKind,
        length: int,
        reusable: bool,
        read_timeout: float | None,
    ) -> None:
        self._connection: _Connection | None = connection
        self._kind = kind
        self._remaining = length
        self._reusable = reusable
        self._read_timeout = read_timeout
        self._ended = False  # read to its end (iterating again yields nothing)
        self._decoder: ChunkedDecoder | None = None
        self._pending = bytearray()  # chunked only: received bytes the decoder has not used

    def _finish(self, *, clean: bool) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._ended = clean
            connection.pool._release(connection, reusable=clean and self._reusable, abort=not clean)

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._connection is None and not self._ended:
            raise httpx2.StreamClosed()
        return self

    async def __anext__(self) -> bytes:
        connection = self._connection
        if connection is None:
            raise StopAsyncIteration
        try:
            if self._kind == "length":
                return await self._next_of_length(connection)
            if self._kind == "chunked":
                return await self._next_chunked(connection)
            return await self._next_until_close(connection)
        except StopAsyncIteration:
            raise
        except BaseException:
            # Failed or cancelled half way: the connection is dirty.
            self._finish(clean=False)
            raise

    async def _next_of_length(self, connection: _Connection) -> bytes:
        while not connection.buffered:
            if connection.eof:
                raise _truncated(connection, f"{self._remaining} bytes of the body were still due")
            await connection.wait_for_data(self._read_timeout)
        data = connection.take(min(self._remaining, _MAX_YIELD))
        self._remaining -= len(data)
        if not self._remaining:
            self._finish(clean=True)
        return data

    async def _next_chunked(self, connection: _Connection) -> bytes:
        decoder = self._decoder
        if decoder is None:
            decoder = self._decoder = ChunkedDecoder()
        pending = self._pending
        while True:
            data = decoder.decode(pending, _MAX_YIELD)
            if decoder.done:
                connection.unread(
                    bytes(pending)
                )  # bytes after the body: the connection is unusable
                pending.clear()
                self._finish(clean=True)
                if data:
                    return data
                raise StopAsyncIteration
            if data:
                return data
            if connection.buffered:
                pending += connection.take(_MAX_YIELD)
            elif connection.eof:
                raise _truncated(connection, "the chunked body had not ended")
            else:
                await connection.wait_for_data(self._read_timeout)

    async def _next_until_close(self, connection: _Connection) -> bytes:
        while True:
            if connection.buffered:
                return connection.take(_MAX_YIELD)
            if connection.eof:
                if isinstance(connection.error, OSError):
                    raise httpx2.ReadError(f"upstream connection failed: {connection.error}")
                self._finish(clean=True)  # the close was the end of the body; never reused
                raise StopAsyncIteration
            await connection.wait_for_data(self._read_timeout)

    async def aclose(self) -> None:
        self._finish(clean=False)


def _truncated(connection: _Connection, what: str) -> httpx2.TransportError:
    if isinstance(connection.error, OSError):
        return httpx2.ReadError(f"upstream connection failed mid-body ({what}): {connection.error}")
    return httpx2.RemoteProtocolError(f"upstream closed the connection mid-body: {what}")


class UpstreamResponse:
    """A response as the transport reads it: status line, header fields as sent, body stream.

    The body is an async iterable of bytes read off the connection; `aclose` gives the
    connection back (to the pool when the body was read whole, closed otherwise).
    """

    __slots__ = ("headers", "http_version", "reason_phrase", "status_code", "stream")

    def __init__(self, head: ResponseHead, stream: httpx2.AsyncByteStream) -> None:
        self.status_code = head.status_code
        self.headers = head.headers
        self.http_version = head.http_version
        self.reason_phrase = head.reason_phrase
        self.stream = stream

    async def aclose(self) -> None:
        await self.stream.aclose()


class _StaleConnection(Exception):
    """A reused connection closed before any byte of the response: safe to send again."""


class UpstreamTransport(httpx2.AsyncBaseTransport):
    """An ``httpx2.AsyncBaseTransport`` for HTTP/1.1 upstreams with a keep-alive pool.

    Use it as ``httpx2.AsyncClient(transport=UpstreamTransport(...))``. Timeouts come from
    the request's ``timeout`` extension (the client's ``timeout=``); the TLS server name from
    the ``sni_hostname`` extension, else the URL's host. The proxy calls `send` instead, the
    same exchange without httpx2's Request and Response objects around it.
    """

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | str | bool = True,
        max_connections: int = 100,
        max_keepalive_connections: int = 20,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self._ssl_context = ssl_context_for(verify)
        self._max_connections = max_connections
        self._max_keepalive = min(max_keepalive_connections, max_connections)
        self._keepalive_expiry = keepalive_expiry
        self._idle: dict[_PoolKey, list[_Connection]] = {}
        self._idle_count = 0
        self._open = 0
        self._waiters: deque[asyncio.Future[bool]] = deque()
        self._closed = False
        self._sweep_timer: asyncio.TimerHandle | None = None
        self._sweep_loop: asyncio.AbstractEventLoop | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body: bytes | AsyncIterable[bytes]
        try:
            body = request.content
        except httpx2.RequestNotRead:
            stream = request.stream
            if not isinstance(stream, httpx2.AsyncByteStream):
                raise httpx2.LocalProtocolError(
                    "the upstream transport needs an async request body"
                ) from None
            body = stream
        extensions = request.extensions
        sni = extensions.get("sni_hostname")
        answer = await self.send(
            request.method,
            request.url,
            request.headers.raw,
            body,
            timeouts=extensions.get("timeout", {}),
            sni_hostname=sni.decode("ascii") if isinstance(sni, bytes) else sni,
        )
        return httpx2.Response(
            status_code=answer.status_code,
            headers=answer.headers,
            stream=answer.stream,
            extensions={
                "http_version": answer.http_version,
                "reason_phrase": answer.reason_phrase,
            },
            request=request,
        )

    async def send(
        self,
        method: str,
        url: httpx2.URL,
        headers: list[tuple[bytes, bytes]],
        body: bytes | AsyncIterable[bytes],
        *,
        timeouts: dict[str, float | None],
        sni_hostname: str | None = None,
    ) -> UpstreamResponse:
        """Send one request and return the response once its head has arrived.

        What `handle_async_request` does without httpx2's Request and Response around it (the
        proxy's per-request path: building and reading those cost it about 10 us a request).
        ``body`` is the whole body (a request that may be sent again if a kept-alive
        connection turns out closed) or an async iterable sent as it comes (never again).
        ``timeouts`` has httpx2's keys: connect, read, write, pool.
        """
        scheme = url.scheme
        if scheme not in _DEFAULT_PORTS:
            raise httpx2.UnsupportedProtocol(
                f"the upstream transport speaks http and https, not {scheme!r}"
            )
        if self._closed:
            raise httpx2.ConnectError("the upstream transport has been closed")
        key: _PoolKey = (
            scheme,
            url.host,
            url.port or _DEFAULT_PORTS[scheme],
            sni_hostname if scheme == "https" else None,
        )
        may_retry = isinstance(body, bytes) and is_idempotent(method)
        while True:
            connection = await self._acquire(key, timeouts)
            try:
                return await self._exchange(connection, method, url, headers, body, timeouts)
            except _StaleConnection:
                self._release(connection, reusable=False, abort=True)
                if not may_retry:
                    raise httpx2.RemoteProtocolError(
                        "upstream closed a kept-alive connection without answering"
                    ) from None
                # Only reused connections are stale, and each is dropped: this ends at the
                # latest on a fresh connection, whose failure is an error.
            except BaseException:
                self._release(connection, reusable=False, abort=True)
                raise

    async def _exchange(
        self,
        connection: _Connection,
        method: str,
        url: httpx2.URL,
        headers: list[tuple[bytes, bytes]],
        body: bytes | AsyncIterable[bytes],
        timeouts: dict[str, float | None],
    ) -> UpstreamResponse:
        chunked = closing = has_host = False
        length: int | None = None
        for name, value in headers:
            lowered = name.lower()
            if lowered == b"transfer-encoding":
                chunked = value.lower().rstrip().endswith(b"chunked")
            elif lowered == b"content-length" and value.strip().isdigit():
                length = int(value)
            elif lowered == b"host":
                has_host = True
            elif lowered == b"connection":
                closing = b"close" in value.lower()
        if not has_host:
            headers = [(b"Host", url_netloc(url)), *headers]
        if isinstance(body, bytes):
            if body and not chunked and length is None:
                headers = [*headers, (b"Content-Length", str(len(body)).encode())]
        elif not chunked and length is None:
            headers = [*headers, (b"Transfer-Encoding", b"chunked")]
            chunked = True
        head = serialize_request_head(method, url.raw_path, headers)
        write_timeout = timeouts.get("write")
        if isinstance(body, bytes):
            if chunked:
                payload = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
            else:
                payload = body
            connection.write(head + payload)
            await connection.drain(write_timeout)
        else:
            connection.write(head)
            await self._send_streaming_body(
                connection, body, None if chunked else length, write_timeout
            )
        response_head = await self._read_head(connection, timeouts.get("read"))
        kind, size = body_framing(method, response_head)
        reusable = keeps_alive(response_head, kind) and not closing
        stream: _EmptyBody | _ResponseBody
        if kind == "none" or (kind == "length" and not size):
            self._release(connection, reusable=reusable and response_head.status_code != 101)
            stream = _EmptyBody()
        else:
            stream = _ResponseBody(connection, kind, size, reusable, timeouts.get("read"))
        return UpstreamResponse(response_head, stream)

    @staticmethod
    async def _send_streaming_body(
        connection: _Connection,
        stream: AsyncIterable[bytes],
        length: int | None,
        timeout: float | None,
    ) -> None:
        """Send the body as it comes: chunked, or raw when the caller declared its length."""
        sent = 0
        async for chunk in stream:
            if connection.closed:
                return  # the upstream stopped reading; what it answered, if anything, is read next
            if chunk:
                sent += len(chunk)
                if length is None:
                    connection.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                elif sent > length:
                    raise httpx2.LocalProtocolError(
                        f"request body is longer than its Content-Length ({length})"
                    )
                else:
                    connection.write(chunk)
                await connection.drain(timeout)
        if length is None:
            connection.write(b"0\r\n\r\n")
        elif sent != length:
            raise httpx2.LocalProtocolError(
                f"request body ended after {sent} of its {length} bytes (Content-Length)"
            )
        await connection.drain(timeout)

    @staticmethod
    async def _read_head(connection: _Connection, timeout: float | None) -> ResponseHead:
        while True:
            data = connection.chunks[0] if connection.chunks else b""
            end = find_head_end(data)
            if end < 0 and len(connection.chunks) > 1:
                data = connection.joined()
                end = find_head_end(data)
            if end > MAX_HEAD_SIZE or (end < 0 and len(data) > MAX_HEAD_SIZE):
                raise httpx2.RemoteProtocolError(
                    f"response head from upstream is larger than {MAX_HEAD_SIZE} bytes"
                )
            if end < 0:
                if connection.eof:
                    if connection.reused and not data:
                        raise _StaleConnection()
                    if isinstance(connection.error, OSError) and data:
                        raise httpx2.ReadError(f"upstream connection failed: {connection.error}")
                    raise httpx2.RemoteProtocolError(
                        "upstream closed the connection without a response"
                    )
                await connection.wait_for_data(timeout)
                continue
            head = parse_response_head(data[:end])
            connection.chunks.popleft()
            connection.buffered -= end
            if end < len(data):
                connection.chunks.appendleft(data[end:])
            if 100 <= head.status_code < 200 and head.status_code != 101:
                continue  # 100 Continue, 103 Early Hints: the real answer follows
            return head

    # the pool

    async def _acquire(self, key: _PoolKey, timeouts: dict[str, float | None]) -> _Connection:
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        while True:
            idle = self._idle.get(key)
            while idle:
                connection = idle[-1]
                self._take_idle(connection)
                if connection.usable():
                    connection.reused = True
                    return connection
                self._drop(connection)
            if self._open < self._max_connections:
                break
            if self._idle_count:
                self._evict_one_idle()
                continue
            pool_timeout = timeouts.get("pool")
            if deadline is None and pool_timeout is not None:
                deadline = loop.time() + pool_timeout
            waiter: asyncio.Future[bool] = loop.create_future()
            self._waiters.append(waiter)
            handle = (
                None if deadline is None else loop.call_at(deadline, _Connection._time_out, waiter)
            )
            try:
                woken = await waiter
            except BaseException:
                if waiter.done() and not waiter.cancelled() and waiter.result():
                    self._wake_one_waiter()  # woken, then cancelled: pass the free slot on
                else:
                    _discard(self._waiters, waiter)
                raise
            finally:
                if handle is not None:
                    handle.cancel()
            if not woken:
                _discard(self._waiters, waiter)
                raise httpx2.PoolTimeout(f"no upstream connection free within {pool_timeout} s")
        self._open += 1
        try:
            connection = await self._connect(key, timeouts.get("connect"))
        except BaseException:
            self._open -= 1
            self._wake_one_waiter()
            raise
        connection.counted = True
        return connection

    async def _connect(self, key: _PoolKey, timeout: float | None) -> _Connection:
        scheme, host, port, sni = key
        tls = self._ssl_context if scheme == "https" else None
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, connection = await loop.create_connection(
                    lambda: _Connection(self, key),
                    host,
                    port,
                    ssl=tls,
                    server_hostname=(sni or host) if tls is not None else None,
                )
        except TimeoutError:
            raise httpx2.ConnectTimeout(
                f"could not connect to {host}:{port} within {timeout} s"
            ) from None
        except (OSError, ssl.SSLError, ssl.CertificateError) as error:
            raise httpx2.ConnectError(f"could not connect to {host}:{port}: {error}") from error
        return connection

    def _release(self, connection: _Connection, *, reusable: bool, abort: bool = False) -> None:
        """Take a connection back after a response: keep it idle for reuse, or close it."""
        if connection.idle or not connection.counted:
            return
        if (
            reusable
            and not self._closed
            and connection.usable()
            and self._idle_count < self._max_keepalive
        ):
            loop = connection.loop
            connection.idle = True
            connection.idle_since = loop.time()
            self._idle.setdefault(connection.key, []).append(connection)
            self._idle_count += 1
            if self._sweep_timer is None or self._sweep_loop is not loop:
                self._sweep_loop = loop
                self._sweep_timer = loop.call_at(
                    connection.idle_since + self._keepalive_expiry, self._sweep
                )
            self._wake_one_waiter()
        else:
            self._drop(connection, abort=abort)

    def _drop(self, connection: _Connection, *, abort: bool = False) -> None:
        """Close a connection and give its slot in the pool back, once."""
        if connection.counted:
            connection.counted = False
            self._open -= 1
            self._wake_one_waiter()
        connection.close(abort=abort)

    def _take_idle(self, connection: _Connection) -> None:
        idle = self._idle[connection.key]
        if idle[-1] is connection:
            idle.pop()  # the usual case: the most recently used one, for a new request
        else:
            idle.remove(connection)
        self._idle_count -= 1
        connection.idle = False

    def _sweep(self) -> None:
        """Close the idle connections that have outlived `keepalive_expiry`.

        One timer for the whole pool, set for the oldest idle connection's expiry: a timer per
        release (and its cancellation at the next acquire) cost about 2 us per request.
        """
        self._sweep_timer = None
        loop = asyncio.get_running_loop()
        # Timers may run up to the clock's resolution early: what expires that soon goes now.
        deadline = loop.time() - self._keepalive_expiry + _SWEEP_SLACK
        oldest: float | None = None
        for idle in list(self._idle.values()):
            # Each list is in release order: the expired ones are at its front.
            while idle and idle[0].idle_since <= deadline:
                self._forget_idle(idle[0])
            if idle and (oldest is None or idle[0].idle_since < oldest):
                oldest = idle[0].idle_since
        if oldest is not None:
            self._sweep_timer = loop.call_at(oldest + self._keepalive_expiry, self._sweep)

    def _forget_idle(self, connection: _Connection) -> None:
        """Close an idle connection that expired or that the upstream closed."""
        if connection.idle:
            self._take_idle(connection)
            self._drop(connection)

    def _evict_one_idle(self) -> None:
        """Close the longest-idle connection to make room for a connection to another upstream."""
        oldest = min((idle[0] for idle in self._idle.values() if idle), key=lambda c: c.idle_since)
        self._forget_idle(oldest)

    def _wake_one_waiter(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return

    async def aclose(self) -> None:
        """Close every idle connection; connections in use close when their response is done."""
        self._closed = True
        for idle in list(self._idle.values()):
            for connection in list(idle):
                self._forget_idle(connection)
        if self._sweep_timer is not None:
            self._sweep_timer.cancel()
            self._sweep_timer = None


def url_netloc(url: httpx2.URL) -> bytes:
    """The Host header value for ``url``: host, and port where it is not the scheme's default."""
    host = url.raw_host
    if b":" in host:
        host = b"[" + host + b"]"
    port = url.port
    return host if port is None else b"%s:%d" % (host, port)


def _discard(waiters: deque[asyncio.Future[bool]], waiter: asyncio.Future[bool]) -> None:
    with contextlib.suppress(ValueError):
        waiters.remove(waiter)
