"""WebSocket forwarding on proxied paths: one upstream connection per client, messages relayed.

The client's handshake is answered only once the upstream's has succeeded, so the client
sees the upstream's choice of subprotocol, and a failure is a refused handshake rather
than an accepted connection that closes at once: the upstream's own HTTP answer (a 403, a
redirect) or our 502/504 page, sent with the ASGI `websocket.http.response` extension
where the server has it (else a close before accepting, which servers turn into a 403).

Then two pumps, one per direction, each waiting for its send before it reads the next
message: order is kept, a slow reader slows its writer down instead of filling memory, and
the first side to end ends the other at once, with the close code and reason carried
across (codes that cannot be sent on the wire are mapped, see `code_for_client` and
`code_for_upstream`). No task and no upstream connection outlives the client's session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import EXTERNAL_CLOSE_CODES, CloseCode
from websockets.protocol import State

from edgeviews.proxy.access_log import Exchange, client_address, log_access
from edgeviews.proxy.asgi import Message, Receive, Scope, Send
from edgeviews.proxy.error_pages import error_page
from edgeviews.proxy.forwarded import client_view
from edgeviews.proxy.public_urls import PublicMapping
from edgeviews.proxy.request_headers import response_headers_to_strip
from edgeviews.proxy.response_headers import client_response_headers, header_value
from edgeviews.proxy.snapshot import RoutePlan, Snapshot
from edgeviews.proxy.target import UnsafeTarget, check_path
from edgeviews.proxy.websocket_upstream import (
    MAX_MESSAGE_BYTES,
    UpstreamDeclined,
    UpstreamUnavailable,
    open_upstream,
    upstream_target,
)

logger = logging.getLogger("edgeviews.proxy")

_NOT_ON_ACCEPT: Final = frozenset(
    {
        b"sec-websocket-accept",
        b"sec-websocket-extensions",
        b"sec-websocket-protocol",
        b"content-length",
        b"date",
        b"server",
    }
)
"""Upstream 101 headers that belong to its hop (our server writes the client hop's own)."""


@dataclass(frozen=True, slots=True)
class Ending:
    """How a session ended: who ended it, and the close code and reason to pass on."""

    by: str  # client-closed, client-gone, client-too-big, upstream-closed, upstream-stalled
    code: int
    reason: str


def sendable(code: int) -> bool:
    """RFC 6455 7.4: codes a close frame may carry (1005, 1006, 1015 only describe one)."""
    return code in EXTERNAL_CLOSE_CODES or 3000 <= code < 5000


def code_for_upstream(code: int, reason: str) -> tuple[int, str]:
    """The close frame for the upstream after the client's close (ASGI disconnect code)."""
    if code == CloseCode.NO_STATUS_RCVD:
        return CloseCode.NORMAL_CLOSURE, ""
    if code in (CloseCode.ABNORMAL_CLOSURE, CloseCode.SERVICE_RESTART):
        # the client vanished, or our own server is shutting down: we are going away
        return CloseCode.GOING_AWAY, "client went away"
    if sendable(code):
        return code, reason
    return CloseCode.NORMAL_CLOSURE, ""


def code_for_client(closed: ConnectionClosed) -> tuple[int, str]:
    """The close frame for the client after the upstream connection closed."""
    if closed.rcvd is not None:
        if sendable(closed.rcvd.code):
            return closed.rcvd.code, closed.rcvd.reason
        return CloseCode.NORMAL_CLOSURE, ""  # 1005: the upstream sent no code
    if closed.sent is not None and closed.sent.code == CloseCode.MESSAGE_TOO_BIG:
        return CloseCode.MESSAGE_TOO_BIG, "upstream message too big"
    return CloseCode.BAD_GATEWAY, "upstream connection lost"


async def forward_websocket(
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    snapshot: Snapshot,
    plan: RoutePlan,
    path: str,
    raw_path: bytes,
) -> None:
    """Serve one WebSocket session of a proxied path from the plan's upstream."""
    started = time.perf_counter()
    exchange = Exchange(method="GET", path=path, client=client_address(scope), mode="websocket")
    try:
        await _session(scope, receive, send, snapshot, plan, raw_path, exchange)
    finally:
        log_access(exchange, [], (time.perf_counter() - started) * 1000)


async def _session(
    scope: Scope,
    receive: Receive,
    send: Send,
    snapshot: Snapshot,
    plan: RoutePlan,
    raw_path: bytes,
    exchange: Exchange,
) -> None:
    if (await receive())["type"] != "websocket.connect":
        exchange.outcome = "client-gone"
        return
    settings = snapshot.settings
    incoming: list[tuple[bytes, bytes]] = scope["headers"]
    view = client_view(
        peer=exchange.client if exchange.client != "-" else "",
        scheme=scope.get("scheme", "ws"),
        host_header=header_value(incoming, b"host"),
        headers=incoming,
        trusted_proxies=settings.trusted_proxies,
    )
    if settings.allowed_hosts and view.host.lower() not in settings.allowed_hosts:
        exchange.outcome = "unknown-host"
        await _deny(scope, send, exchange, 400, "This host name is not served here.")
        return
    route = plan.route
    try:
        check_path("", raw_path)
        target = upstream_target(
            route=route,
            raw_path=raw_path,
            query_string=scope.get("query_string", b""),
            incoming=incoming,
            subprotocols=scope.get("subprotocols", ()),
            view=view,
            via=settings.via,
        )
    except UnsafeTarget as error:
        exchange.outcome = "refused-target"
        await _deny(scope, send, exchange, 400, str(error))
        return
    mapping = PublicMapping(
        upstream=route.upstream,
        public_scheme=view.proto,
        public_host=view.host or route.upstream.netloc,
        root_path=scope.get("root_path", ""),
    )
    # As for HTTP: no WWW-Authenticate where the client's Authorization is not sent upstream.
    strip = response_headers_to_strip(
        settings.strip_response_headers, forward_authorization=route.route.forward_authorization
    )
    began = time.perf_counter()
    try:
        upstream = await open_upstream(target, settings)
    except UpstreamDeclined as declined:
        exchange.upstream_ms = (time.perf_counter() - began) * 1000
        exchange.outcome = "upstream-declined"
        headers = client_response_headers(
            declined.headers, mapping=mapping, strip=strip, via=settings.via
        )
        await _deny(scope, send, exchange, declined.status, "", headers=headers, body=declined.body)
        return
    except UpstreamUnavailable as failure:
        exchange.upstream_ms = (time.perf_counter() - began) * 1000
        exchange.outcome = f"upstream-error ({type(failure.cause).__name__})"
        logger.error(
            "WebSocket %s: upstream %s failed: %s -> %d",
            exchange.path,
            target.url,
            failure.detail,
            failure.status,
        )
        await _deny(scope, send, exchange, failure.status, _DETAILS[failure.status])
        return
    exchange.upstream_ms = (time.perf_counter() - began) * 1000
    try:
        await send(
            {
                "type": "websocket.accept",
                "subprotocol": upstream.subprotocol,
                "headers": _accept_headers(upstream, mapping, strip, settings.via),
            }
        )
        exchange.status = 101
        ending = await relay(receive, send, upstream, write_timeout=settings.write_timeout)
        exchange.outcome = f"{ending.by} {ending.code}"
    finally:
        if upstream.state is not State.CLOSED:
            upstream.transport.abort()


def _accept_headers(
    upstream: ClientConnection, mapping: PublicMapping, strip: frozenset[bytes], via: str
) -> list[tuple[bytes, bytes]]:
    """The upstream's 101 headers under the HTTP response policy, minus its hop's own."""
    response = upstream.response
    raw = response.headers.raw_items() if response is not None else ()
    headers = client_response_headers(
        [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in raw],
        mapping=mapping,
        strip=strip,
        via=via,
    )
    return [(name, value) for name, value in headers if name not in _NOT_ON_ACCEPT]


_DETAILS: Final = {
    502: "The site behind this address could not be reached.",
    504: "The site behind this address did not answer in time.",
}


async def _deny(
    scope: Scope,
    send: Send,
    exchange: Exchange,
    status: int,
    detail: str,
    *,
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes | None = None,
) -> None:
    """Refuse the client's handshake: an HTTP answer if the server can send one, else a close."""
    if status < 200 or not _known_status(status):
        status, headers, body = 502, None, None
        detail = "The site behind this address answered the handshake with an unknown status."
    exchange.status = status
    if "websocket.http.response" not in (scope.get("extensions") or {}):
        code = CloseCode.BAD_GATEWAY if status >= 500 else CloseCode.POLICY_VIOLATION
        await send({"type": "websocket.close", "code": code})
        return
    if body is None:
        body = error_page(status, detail)
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store")]
    out = [
        (name, value)
        for name, value in headers or ()
        if name not in (b"content-length", b"date", b"server")
    ]
    out.append((b"content-length", str(len(body)).encode("ascii")))
    await send({"type": "websocket.http.response.start", "status": status, "headers": out})
    await send({"type": "websocket.http.response.body", "body": body})


def _known_status(status: int) -> bool:
    """uvicorn needs a status it has a reason phrase for."""
    try:
        HTTPStatus(status)
    except ValueError:
        return False
    return True


async def relay(
    receive: Receive, send: Send, upstream: ClientConnection, *, write_timeout: float
) -> Ending:
    """Relay messages both ways until one side closes; close the other side the same way."""
    to_upstream = asyncio.create_task(_client_to_upstream(receive, upstream, write_timeout))
    to_client = asyncio.create_task(_upstream_to_client(upstream, send))
    try:
        done, _ = await asyncio.wait((to_upstream, to_client), return_when=asyncio.FIRST_COMPLETED)
        ending = to_upstream.result() if to_upstream in done else None
        if ending is None:
            # The upstream ended: its pump reports how (it may still be handing over the
            # messages that arrived before the close, and then finishes).
            ending = await to_client
        else:
            to_client.cancel()
    finally:
        for task in (to_upstream, to_client):
            task.cancel()
        await asyncio.gather(to_upstream, to_client, return_exceptions=True)
    if ending.by == "upstream-closed":
        with contextlib.suppress(OSError, RuntimeError):  # the client may be gone already
            await send({"type": "websocket.close", "code": ending.code, "reason": ending.reason})
        return ending
    if ending.by in ("client-too-big", "upstream-stalled"):
        with contextlib.suppress(OSError, RuntimeError):
            await send({"type": "websocket.close", "code": ending.code, "reason": ending.reason})
        if ending.by == "upstream-stalled":
            upstream.transport.abort()  # its buffers are full: no close frame would get through
        else:
            await upstream.close(CloseCode.GOING_AWAY, "client went away")
        return ending
    code, reason = code_for_upstream(ending.code, ending.reason)
    await upstream.close(code, reason)
    return ending


async def _client_to_upstream(
    receive: Receive, upstream: ClientConnection, write_timeout: float
) -> Ending | None:
    """Client messages to the upstream; None when the upstream connection closed first.

    A send that the upstream does not take within `write_timeout` (it stopped reading) ends
    the session: while this pump waits, it cannot see the client leave either (the ASGI
    disconnect is queued behind the message being sent).
    """
    while True:
        message: Message = await receive()
        kind = message["type"]
        if kind == "websocket.receive":
            data: str | bytes | None = message.get("bytes")
            if data is None:
                data = message.get("text") or ""
            if _too_big(data):
                return Ending(
                    "client-too-big", CloseCode.MESSAGE_TOO_BIG, "message too big for the proxy"
                )
            try:
                async with asyncio.timeout(write_timeout):
                    await upstream.send(data)
            except ConnectionClosed:
                return None
            except TimeoutError:
                return Ending("upstream-stalled", CloseCode.BAD_GATEWAY, "upstream stopped reading")
        elif kind == "websocket.disconnect":
            return Ending(
                "client-closed", int(message.get("code", 1005)), message.get("reason") or ""
            )


async def _upstream_to_client(upstream: ClientConnection, send: Send) -> Ending:
    """Upstream messages to the client, text as text and binary as binary."""
    try:
        while True:
            data = await upstream.recv()
            message: Message = (
                {"type": "websocket.send", "text": data}
                if isinstance(data, str)
                else {"type": "websocket.send", "bytes": data}
            )
            try:
                await send(message)
            except (OSError, RuntimeError):
                # uvicorn raises ClientDisconnected (an OSError) once the client is gone
                return Ending("client-gone", CloseCode.ABNORMAL_CLOSURE, "")
    except ConnectionClosed as closed:
        code, reason = code_for_client(closed)
        return Ending("upstream-closed", code, reason)


def _too_big(data: str | bytes) -> bool:
    if isinstance(data, bytes):
        return len(data) > MAX_MESSAGE_BYTES
    return len(data) * 4 > MAX_MESSAGE_BYTES and len(data.encode("utf-8")) > MAX_MESSAGE_BYTES
