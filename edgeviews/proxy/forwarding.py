"""Forward one request upstream and stream the answer back: the proxy's per-request path.

A plain ASGI coroutine, not a Starlette endpoint: Starlette's Request and StreamingResponse
cost about a fifth of a proxied request (notes/proxy.md). Bodies stream both ways. The
upstream response is closed in `finally`, and a client that hangs up cancels the copy at
once, so the upstream connection is released immediately (trap 12).
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Final

import brotli
import httpx2
import zstandard

from edgeviews.proxy.access_log import log_access
from edgeviews.proxy.asgi import Message, Receive, Scope, Send
from edgeviews.proxy.content_coding import (
    DECODABLE,
    UnsupportedEncoding,
    choose_encoding,
    content_codings,
    decoder_for,
    encoder_for,
)
from edgeviews.proxy.csp import needs_nonce
from edgeviews.proxy.error_pages import send_error_page
from edgeviews.proxy.forwarded import ClientView, client_view
from edgeviews.proxy.injection import InjectionRecord, current_record, new_nonce, page_charset
from edgeviews.proxy.public_urls import PublicMapping
from edgeviews.proxy.request_headers import UpstreamRequestHeaders, upstream_request_headers
from edgeviews.proxy.response_headers import (
    client_response_headers,
    rewritten_page_headers,
    weaken_etag,
)
from edgeviews.proxy.settings import ProxySettings
from edgeviews.proxy.snapshot import RoutePlan, Snapshot
from edgeviews.proxy.target import UnsafeTarget, check_path, upstream_url
from edgeviews.proxy.upstream_client import timeout_extension

logger = logging.getLogger("edgeviews.proxy")

_HTML_TYPES: Final = (b"text/html", b"application/xhtml+xml")
_NOT_ASCII_COMPATIBLE: Final = (b"utf-16", b"utf-32", b"ucs-2", b"ucs-4", b"utf-7")
_NON_ASCII_BOMS: Final = (b"\xfe\xff", b"\xff\xfe")
_DECODE_ERRORS: Final = (zlib.error, brotli.error, zstandard.ZstdError)
_NO_BODY_STATUS: Final = frozenset({204, 304})


@dataclass(slots=True)
class Exchange:
    """What the access log reports about one proxied request."""

    method: str
    path: str
    client: str
    status: int = 0
    upstream_ms: float = 0.0
    mode: str = "pass"
    outcome: str = "ok"
    started: bool = False


class ClientGone(Exception):
    """The client disconnected while the response streamed."""


async def forward(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    transport: httpx2.AsyncBaseTransport,
    snapshot: Snapshot,
    plan: RoutePlan,
    path: str,
    raw_path: bytes,
) -> None:
    """Answer one HTTP request from the plan's upstream."""
    started = time.perf_counter()
    method: str = scope["method"]
    peer = scope.get("client")
    exchange = Exchange(method=method, path=path, client=peer[0] if peer else "-")
    injected: list[str] = []
    try:
        await _forward(
            scope, receive, send, transport, snapshot, plan, raw_path, exchange, injected
        )
    finally:
        log_access(exchange, injected, (time.perf_counter() - started) * 1000)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def _is_rewritable(headers: list[tuple[bytes, bytes]]) -> bool:
    content_type = (_header(headers, b"content-type") or b"").lower()
    if not content_type.startswith(_HTML_TYPES):
        return False
    _, _, params = content_type.partition(b";")
    return not any(charset in params for charset in _NOT_ASCII_COMPATIBLE)


async def _forward(
    scope: Scope,
    receive: Receive,
    send: Send,
    transport: httpx2.AsyncBaseTransport,
    snapshot: Snapshot,
    plan: RoutePlan,
    raw_path: bytes,
    exchange: Exchange,
    injected: list[str],
) -> None:
    method = exchange.method
    head = method == "HEAD"
    try:
        check_path("", raw_path)
    except UnsafeTarget as error:
        exchange.status, exchange.outcome = 400, "refused-target"
        await send_error_page(send, 400, str(error), head=head)
        return
    settings = snapshot.settings
    incoming: list[tuple[bytes, bytes]] = scope["headers"]
    host_header = _header(incoming, b"host")
    view = client_view(
        peer=exchange.client if exchange.client != "-" else "",
        scheme=scope.get("scheme", "http"),
        host_header=host_header,
        headers=incoming,
        trusted_proxies=settings.trusted_proxies,
    )
    if settings.allowed_hosts and view.host.lower() not in settings.allowed_hosts:
        exchange.status, exchange.outcome = 400, "unknown-host"
        await send_error_page(send, 400, "This host name is not served here.", head=head)
        return
    route = plan.route
    tag = plan.tag if plan.rewrites else None
    url = upstream_url(route.upstream, raw_path, scope.get("query_string", b""))
    extensions: dict[str, object] = {"timeout": timeout_extension(settings)}
    if route.route.preserve_host and view.host and route.upstream.scheme == "https":
        extensions["sni_hostname"] = _hostname(view.host)

    body_state = _BodyState()
    has_body = _header(incoming, b"content-length") not in (None, b"0") or (
        _header(incoming, b"transfer-encoding") is not None
    )
    if not has_body:
        body_state.done = True

    async def send_noting_start(message: Message) -> None:
        if message["type"] == "http.response.start":
            exchange.started = True
        await send(message)

    upstream_began = time.perf_counter()
    disconnect = _DisconnectWatch()
    if body_state.done:
        # Watch from the start, so a client leaving while the upstream thinks frees it too.
        disconnect.start(receive)
    response: httpx2.Response | None = None
    try:
        response, request_headers = await _request_upstream(
            transport, incoming, url, extensions, receive, body_state, plan, view, settings, method
        )
        disconnect.start(receive)
        exchange.upstream_ms = (time.perf_counter() - upstream_began) * 1000
        exchange.status = response.status_code
        mapping = PublicMapping(
            upstream=route.upstream,
            public_scheme=view.proto,
            public_host=view.host or route.upstream.netloc,
            root_path=scope.get("root_path", ""),
        )
        upstream_headers = [(key.lower(), value) for key, value in response.headers.raw]
        headers = client_response_headers(
            upstream_headers,
            mapping=mapping,
            strip=settings.strip_response_headers,
            via=settings.via,
        )
        if tag is not None and response.status_code == 304 and request_headers.translated_etag:
            headers = weaken_etag(headers, tag)
        rewrite = (
            plan.rewrites
            and response.status_code not in _NO_BODY_STATUS
            and response.status_code >= 200
            and _is_rewritable(upstream_headers)
        )
        if rewrite and plan.broken_view is not None:
            logger.error(
                "%s %s served unchanged: %s", method, exchange.path, plan.broken_view.error
            )
            exchange.outcome = "view-error"
            rewrite = False
        if rewrite and head:
            # RFC 9110 9.3.2: the headers a GET would get (a HEAD has no body to rewrite).
            headers = _head_of_rewritten_page(scope, headers, upstream_headers, snapshot, plan)
            rewrite = False
        if rewrite:
            await _send_rewritten(
                scope,
                send_noting_start,
                response,
                headers,
                upstream_headers,
                snapshot,
                plan,
                exchange,
                injected,
                disconnect,
            )
        else:
            await _send_passthrough(send_noting_start, response, headers, head, disconnect)
    except ClientGone:
        exchange.outcome = "client-gone"  # left while its request body was being sent
    except asyncio.CancelledError:
        if not disconnect.fired:
            raise
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        exchange.outcome = "client-gone"
    except (httpx2.HTTPError, *_DECODE_ERRORS) as error:
        if isinstance(error.__cause__ or error.__context__, ClientGone):
            exchange.outcome = "client-gone"
        elif not exchange.started and isinstance(error, httpx2.HTTPError):
            await _answer_upstream_failure(send, error, exchange, url, head)
        else:
            # The response has started: the only honest signal left is to abort the
            # connection, which ASGI servers do when the app returns without finishing it.
            exchange.outcome = f"upstream-aborted ({type(error).__name__})"
            logger.error(
                "%s %s: upstream %s failed mid-body (%s: %s); client response aborted",
                method,
                exchange.path,
                url,
                type(error).__name__,
                error,
            )
    finally:
        disconnect.stop()
        if response is not None:
            await response.aclose()


async def _request_upstream(
    transport: httpx2.AsyncBaseTransport,
    incoming: list[tuple[bytes, bytes]],
    url: httpx2.URL,
    extensions: dict[str, object],
    receive: Receive,
    body_state: _BodyState,
    plan: RoutePlan,
    view: ClientView,
    settings: ProxySettings,
    method: str,
) -> tuple[httpx2.Response, UpstreamRequestHeaders]:
    """Send the request; a 206 for a page we rewrite is fetched again whole (trap 7)."""
    has_body = not body_state.done
    drop_range = False
    while True:
        request_headers = upstream_request_headers(
            incoming,
            route=plan.route,
            view=view,
            via=settings.via,
            snippets_tag=plan.tag if plan.rewrites else None,
            drop_range=drop_range,
        )
        request = httpx2.Request(
            method,
            url,
            headers=request_headers.headers,
            content=_request_body(receive, body_state) if has_body else None,
            extensions=extensions,
        )
        response = await transport.handle_async_request(request)
        if (
            response.status_code == 206
            and plan.rewrites
            and not has_body
            and not drop_range
            and _is_rewritable([(k.lower(), v) for k, v in response.headers.raw])
        ):
            await response.aclose()
            drop_range = True
            continue
        return response, request_headers


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host[1 : host.find("]")]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@dataclass(slots=True)
class _BodyState:
    done: bool = False


async def _request_body(receive: Receive, state: _BodyState) -> AsyncIterator[bytes]:
    while not state.done:
        message = await receive()
        if message["type"] == "http.disconnect":
            state.done = True
            raise ClientGone()
        body: bytes = message.get("body", b"")
        if not message.get("more_body", False):
            state.done = True
        if body:
            yield body


class _DisconnectWatch:
    """Cancels the forwarding task when the client hangs up, so the upstream is released now."""

    def __init__(self) -> None:
        self.fired = False
        self.streaming = True
        self._task = asyncio.current_task()
        self._waiter: asyncio.Task[None] | None = None

    def start(self, receive: Receive) -> None:
        """Begin watching (once the request body, if any, has been read)."""
        if self._waiter is None:
            self._waiter = asyncio.ensure_future(self._wait(receive))
            self._waiter.add_done_callback(self._on_done)

    @staticmethod
    async def _wait(receive: Receive) -> None:
        # The unread request message (and any body left) comes first; then the disconnect.
        while (await receive())["type"] != "http.disconnect":
            pass

    def _on_done(self, waiter: asyncio.Task[None]) -> None:
        if waiter.cancelled() or waiter.exception() is not None:
            return
        if self.streaming:
            self.fired = True
            if self._task is not None:
                self._task.cancel()

    def finished(self) -> None:
        """The last body message is about to go out: a disconnect now is the normal end."""
        self.streaming = False

    def stop(self) -> None:
        self.streaming = False
        if self._waiter is not None and not self._waiter.done():
            self._waiter.cancel()


async def _answer_upstream_failure(
    send: Send, error: httpx2.HTTPError, exchange: Exchange, url: httpx2.URL, head: bool
) -> None:
    if isinstance(error, httpx2.PoolTimeout):
        status, detail = 503, "The proxy is at its limit of upstream connections; try again."
    elif isinstance(error, httpx2.TimeoutException):
        status, detail = 504, "The site behind this address did not answer in time."
    else:
        status, detail = 502, "The site behind this address could not be reached."
    exchange.status, exchange.outcome = status, f"upstream-error ({type(error).__name__})"
    logger.error(
        "%s %s: upstream %s failed: %s: %s -> %d",
        exchange.method,
        exchange.path,
        url,
        type(error).__name__,
        error or "no detail",
        status,
    )
    await send_error_page(send, status, detail, head=head)


async def _send_passthrough(
    send: Send,
    response: httpx2.Response,
    headers: list[tuple[bytes, bytes]],
    head: bool,
    disconnect: _DisconnectWatch,
) -> None:
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    if not head:
        async for chunk in response.aiter_raw():
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
    disconnect.finished()
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _send_rewritten(
    scope: Scope,
    send: Send,
    response: httpx2.Response,
    headers: list[tuple[bytes, bytes]],
    upstream_headers: list[tuple[bytes, bytes]],
    snapshot: Snapshot,
    plan: RoutePlan,
    exchange: Exchange,
    injected: list[str],
    disconnect: _DisconnectWatch,
) -> None:
    codings = content_codings([v for k, v in upstream_headers if k == b"content-encoding"])
    raw_chunks = response.aiter_raw()
    try:
        decoder = decoder_for(codings)
    except UnsupportedEncoding:
        logger.warning(
            "%s %s: cannot decode Content-Encoding %s; page passed through unchanged",
            exchange.method,
            exchange.path,
            ",".join(codings),
        )
        exchange.outcome = "undecodable"
        await _send_passthrough(send, response, headers, False, disconnect)
        return
    # Look at the first bytes before committing to a rewrite: a UTF-16 page (BOM) goes through
    # untouched, and so does a body we cannot decode from its very start.
    first_raw = b""
    first_pieces: list[bytes] = []
    seen = 0
    pending: Iterator[bytes] = iter(())
    async for chunk in raw_chunks:
        first_raw += chunk
        pending = decoder.pieces(chunk) if decoder is not None else iter((chunk,))
        try:
            for piece in pending:  # stop early; the rest of this chunk's pieces stay pending
                first_pieces.append(piece)
                seen += len(piece)
                if seen >= 2:
                    break
        except _DECODE_ERRORS:
            exchange.outcome = "undecodable"
            await _send_raw_remainder(
                send, response.status_code, headers, first_raw, raw_chunks, disconnect
            )
            return
        if seen >= 2 or len(first_raw) >= 65536:  # enough to see a byte-order mark
            break
    first = b"".join(first_pieces)
    if first.startswith(_NON_ASCII_BOMS):
        exchange.outcome = "utf-16-untouched"
        await _send_raw_remainder(
            send, response.status_code, headers, first_raw, raw_chunks, disconnect
        )
        return

    request_accept = [v for k, v in scope["headers"] if k == b"accept-encoding"]
    coding = choose_encoding(request_accept)
    encoder = encoder_for(coding)
    csp_sources = plan.scripts if snapshot.settings.csp and plan.scripts else None
    record = InjectionRecord(
        exchange.path, injected, charset=page_charset(_header(headers, b"content-type") or b"")
    )
    if csp_sources is not None and any(
        needs_nonce(value.decode("latin-1"), csp_sources)
        for name, value in headers
        if name in (b"content-security-policy", b"content-security-policy-report-only")
    ):
        record.nonce = new_nonce()
    out_headers = rewritten_page_headers(
        headers, coding=coding, snippets_tag=plan.tag, scripts=csp_sources, nonce=record.nonce
    )
    exchange.mode = f"rewrite{'+' + coding if coding else ''}"
    rewriter = plan.rewriter
    assert rewriter is not None
    current_record.set(record)

    async def decoded() -> AsyncIterator[bytes]:
        if first:
            yield first
        for piece in pending:
            yield piece
        async for chunk in raw_chunks:
            if decoder is None:
                yield chunk
                continue
            for piece in decoder.pieces(chunk):
                yield piece
        if decoder is not None:
            tail = decoder.finish()
            if tail:
                yield tail

    await send(
        {"type": "http.response.start", "status": response.status_code, "headers": out_headers}
    )
    async for piece in rewriter.atransform(decoded()):
        data = encoder.encode(piece) if encoder is not None else piece
        if data:
            await send({"type": "http.response.body", "body": data, "more_body": True})
    tail = encoder.finish() if encoder is not None else b""
    disconnect.finished()
    await send({"type": "http.response.body", "body": tail, "more_body": False})


def _head_of_rewritten_page(
    scope: Scope,
    headers: list[tuple[bytes, bytes]],
    upstream_headers: list[tuple[bytes, bytes]],
    snapshot: Snapshot,
    plan: RoutePlan,
) -> list[tuple[bytes, bytes]]:
    codings = content_codings([v for k, v in upstream_headers if k == b"content-encoding"])
    if len(codings) > 1 or any(coding not in DECODABLE for coding in codings):
        return headers  # a GET would pass this body through as it is
    request_accept = [v for k, v in scope["headers"] if k == b"accept-encoding"]
    coding = choose_encoding(request_accept)
    csp_sources = plan.scripts if snapshot.settings.csp and plan.scripts else None
    return rewritten_page_headers(
        headers, coding=coding, snippets_tag=plan.tag, scripts=csp_sources
    )


async def _send_raw_remainder(
    send: Send,
    status: int,
    headers: list[tuple[bytes, bytes]],
    first_raw: bytes,
    raw_chunks: AsyncIterator[bytes],
    disconnect: _DisconnectWatch,
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if first_raw:
        await send({"type": "http.response.body", "body": first_raw, "more_body": True})
    async for chunk in raw_chunks:
        if chunk:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    disconnect.finished()
    await send({"type": "http.response.body", "body": b"", "more_body": False})


__all__ = ["ClientView", "Exchange", "forward"]
