"""The headers sent upstream: end-to-end ones only, our Host, forwarding facts, safe codings.

Cookies go upstream only by the route's allow-list (a third party never sees the host
application's session cookies unless configured), `Authorization` only where the route sets
`forward_authorization` (a host app's bearer token or basic-auth must not reach Framer or
Intercom; `Proxy-Authorization` is hop-by-hop, never forwarded), and Accept-Encoding lists
only codings we can decode and the client accepts (trap 3).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from edgeviews.proxy.content_coding import upstream_accept_encoding
from edgeviews.proxy.etags import upstream_if_none_match
from edgeviews.proxy.forwarded import FORWARDING_HEADERS, ClientView, forwarding_headers
from edgeviews.proxy.hop_by_hop import drop_hop_by_hop
from edgeviews.proxy.routes import CompiledRoute, filter_cookie_header

_REPLACED = frozenset(
    {b"host", b"via", b"accept-encoding", b"expect", b"cookie", b"if-none-match", b"authorization"}
).union(FORWARDING_HEADERS)
"""Headers not copied as they are: ours replace them, or they are rewritten below."""
_RANGE = frozenset({b"range", b"if-range"})
_CHALLENGE = frozenset({b"www-authenticate"})


@functools.lru_cache(maxsize=16)
def response_headers_to_strip(
    configured: frozenset[bytes], *, forward_authorization: bool
) -> frozenset[bytes]:
    """The response headers to strip on a route: the configured ones, plus `WWW-Authenticate`
    where `Authorization` is not forwarded. A challenge there would make the browser ask for
    credentials we then drop (again and again), and send them to every path of our domain in
    that realm, the host application's included. The 401 itself passes."""
    return configured if forward_authorization else configured | _CHALLENGE


@dataclass(frozen=True, slots=True)
class UpstreamRequestHeaders:
    headers: list[tuple[bytes, bytes]]
    host: str
    translated_etag: bool


def upstream_request_headers(
    incoming: list[tuple[bytes, bytes]],
    *,
    route: CompiledRoute,
    view: ClientView,
    via: str,
    snippets_tag: str | None,
    drop_range: bool = False,
) -> UpstreamRequestHeaders:
    """Build the upstream request's header list from the client's."""
    end_to_end = drop_hop_by_hop(incoming)
    host = view.host if route.route.preserve_host and view.host else route.upstream.netloc
    out: list[tuple[bytes, bytes]] = [(b"host", host.encode("latin-1"))]
    accept_encoding: list[bytes] = []
    incoming_via: list[bytes] = []
    translated = False
    allowed = route.route.forward_cookies
    for name, value in end_to_end:
        if name in _REPLACED:
            if name == b"accept-encoding":
                accept_encoding.append(value)
            elif name == b"via":
                incoming_via.append(value)
            elif name == b"cookie":
                kept = value if allowed is None else filter_cookie_header(value, allowed)
                if kept:
                    out.append((b"cookie", kept))
            elif name == b"authorization":
                if route.route.forward_authorization:
                    out.append((name, value))
            elif name == b"if-none-match":
                if snippets_tag is None:
                    out.append((name, value))
                else:
                    mapped = upstream_if_none_match(value, snippets_tag)
                    translated = translated or mapped != value
                    if mapped is not None:
                        out.append((name, mapped))
            continue
        if drop_range and name in _RANGE:
            continue
        out.append((name, value))
    out.append((b"accept-encoding", upstream_accept_encoding(accept_encoding)))
    out.extend(forwarding_headers(view, via, incoming_via))
    return UpstreamRequestHeaders(headers=out, host=host, translated_etag=translated)
