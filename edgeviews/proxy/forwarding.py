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
from typing import Final

import httpx2

from edgeviews.proxy.access_log import Exchange, client_address, log_access
from edgeviews.proxy.asgi import Receive, Scope, Send
from edgeviews.proxy.client_connection import (
    BodyState,
    ClientGone,
    DisconnectWatch,
    RequestBody,
)
from edgeviews.proxy.error_pages import send_error_page
from edgeviews.proxy.forwarded import ClientView, client_view, host_without_port
from edgeviews.proxy.http1 import ResponseHead
from edgeviews.proxy.public_urls import PublicMapping
from edgeviews.proxy.request_headers import (
    UpstreamRequestHeaders,
    response_headers_to_strip,
    upstream_request_headers,
)
from edgeviews.proxy.response_body import (
    DECODE_ERRORS,
    head_of_rewritten_page,
    send_passthrough,
    send_rewritten,
)
from edgeviews.proxy.response_headers import (
    client_response_headers,
    header_value,
    is_rewritable_html,
    weaken_etag,
)
from edgeviews.proxy.settings import ProxySettings
from edgeviews.proxy.snapshot import RoutePlan, Snapshot
from edgeviews.proxy.target import UnsafeTarget, check_path, upstream_url
from edgeviews.proxy.transport import UpstreamResponse, UpstreamTransport
from edgeviews.proxy.upstream_client import timeout_extension

logger = logging.getLogger("edgeviews.proxy")

_NO_BODY_STATUS: Final = frozenset({204, 304})
_EMPTY_BODY_NEEDS_LENGTH: Final = frozenset({"POST", "PUT", "PATCH", "QUERY"})


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
    exchange = Exchange(method=method, path=path, client=client_address(scope))
    injected: list[str] = []
    try:
        await _forward(
            scope, receive, send, transport, snapshot, plan, raw_path, exchange, injected
        )
    finally:
        log_access(exchange, injected, (time.perf_counter() - started) * 1000)


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
    host_header = header_value(incoming, b"host")
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
    sni: str | None = None
    if route.route.preserve_host and view.host and route.upstream.scheme == "https":
        sni = host_without_port(view.host)

    body_state = BodyState()
    has_body = header_value(incoming, b"content-length") not in (None, b"0") or (
        header_value(incoming, b"transfer-encoding") is not None
    )
    if not has_body:
        body_state.done = True

    upstream_began = time.perf_counter()
    disconnect = DisconnectWatch()
    if body_state.done:
        # Watch from the start, so a client leaving while the upstream thinks frees it too.
        disconnect.start(receive)
    response: UpstreamResponse | None = None
    try:
        response, request_headers = await _request_upstream(
            transport, incoming, url, sni, receive, body_state, plan, view, settings, method
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
        upstream_headers = [(key.lower(), value) for key, value in response.headers]
        headers = client_response_headers(
            upstream_headers,
            mapping=mapping,
            strip=response_headers_to_strip(
                settings.strip_response_headers,
                forward_authorization=route.route.forward_authorization,
            ),
            via=settings.via,
        )
        if tag is not None and response.status_code == 304 and request_headers.translated_etag:
            headers = weaken_etag(headers, tag)
        rewrite = (
            plan.rewrites
            and response.status_code not in _NO_BODY_STATUS
            and response.status_code >= 200
            and is_rewritable_html(upstream_headers)
        )
        if rewrite and plan.broken_view is not None:
            logger.error(
                "%s %s served unchanged: %s", method, exchange.path, plan.broken_view.error
            )
            exchange.outcome = "view-error"
            rewrite = False
        if rewrite and head:
            # RFC 9110 9.3.2: the headers a GET would get (a HEAD has no body to rewrite).
            headers = head_of_rewritten_page(scope, headers, upstream_headers, snapshot, plan)
            rewrite = False
        if rewrite:
            await send_rewritten(
                scope,
                send,
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
            # (`exchange.started` is set by these as they send the response's start.)
            await send_passthrough(
                send, response, headers, head, disconnect, upstream_headers, exchange
            )
    except ClientGone:
        exchange.outcome = "client-gone"  # left while its request body was being sent
    except asyncio.CancelledError:
        if not disconnect.fired:
            raise
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        exchange.outcome = "client-gone"
    except (httpx2.HTTPError, *DECODE_ERRORS) as error:
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
    sni: str | None,
    receive: Receive,
    body_state: BodyState,
    plan: RoutePlan,
    view: ClientView,
    settings: ProxySettings,
    method: str,
) -> tuple[UpstreamResponse, UpstreamRequestHeaders]:
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
        headers = request_headers.headers
        if (
            not has_body
            and method in _EMPTY_BODY_NEEDS_LENGTH
            and header_value(headers, b"content-length") is None
        ):
            headers = [*headers, (b"content-length", b"0")]  # what httpx2's content= said
        body = RequestBody(receive, body_state) if has_body else b""
        timeouts = timeout_extension(settings)
        if isinstance(transport, UpstreamTransport):
            response = await transport.send(
                method, url, headers, body, timeouts=timeouts, sni_hostname=sni
            )
        else:
            response = await _through_httpx2(transport, method, url, headers, body, timeouts, sni)
        if (
            response.status_code == 206
            and plan.rewrites
            and not has_body
            and not drop_range
            and is_rewritable_html([(k.lower(), v) for k, v in response.headers])
        ):
            await response.aclose()
            drop_range = True
            continue
        return response, request_headers


async def _through_httpx2(
    transport: httpx2.AsyncBaseTransport,
    method: str,
    url: httpx2.URL,
    headers: list[tuple[bytes, bytes]],
    body: bytes | RequestBody,
    timeouts: dict[str, float | None],
    sni: str | None,
) -> UpstreamResponse:
    """The request through any other httpx2 transport (httpx2's own pool, a test's), its
    response in the shape ours returns. Built with `stream=`: `content=` costs about 30 us
    more per request (encoding, default headers, a second Headers) for framing the transport
    does anyway."""
    extensions: dict[str, object] = {"timeout": timeouts}
    if sni is not None:
        extensions["sni_hostname"] = sni
    stream = httpx2.ByteStream(body) if isinstance(body, bytes) else body
    if not isinstance(body, bytes) and not any(
        name.lower() in (b"content-length", b"transfer-encoding") for name, _ in headers
    ):
        # Ours frames a body of unknown length itself; httpcore2 sends what the headers say.
        headers = [*headers, (b"transfer-encoding", b"chunked")]
    request = httpx2.Request(method, url, headers=headers, stream=stream, extensions=extensions)
    if isinstance(body, bytes):
        request.read()  # a body known whole: the transport may send it again on a stale connection
    response = await transport.handle_async_request(request)
    if not isinstance(response.stream, httpx2.AsyncByteStream):
        await response.aclose()
        raise TypeError("the upstream transport returned a synchronous body stream")
    version = response.extensions.get("http_version", b"HTTP/1.1")
    reason = response.extensions.get("reason_phrase", b"")
    head = ResponseHead(version, response.status_code, reason, response.headers.raw)
    return UpstreamResponse(head, response.stream)


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


__all__ = ["forward"]
