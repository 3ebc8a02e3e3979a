"""The one pooled httpx2 client a worker forwards with: no cookie jar, no redirects, limits.

Trap 1 of notes/proxy.md: a shared client's cookie jar stores one visitor's Set-Cookie and
replays it to the next visitor; ours stores nothing. Redirects go back to the browser, which
follows them through the proxy with its own cookies.
"""

from __future__ import annotations

import functools
from http.cookiejar import Cookie, CookieJar
from typing import Any

import httpx2

from edgeviews.proxy.settings import ProxySettings


class NullCookieJar(CookieJar):
    """A cookie jar that never stores a cookie, so none is ever sent to anyone else."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: Cookie) -> None:
        return None


@functools.lru_cache(maxsize=8)
def timeout_extension(settings: ProxySettings) -> dict[str, float | None]:
    """The per-request `timeout` extension, computed once per settings value."""
    return timeouts(settings).as_dict()


def timeouts(settings: ProxySettings) -> httpx2.Timeout:
    return httpx2.Timeout(
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        write=settings.write_timeout,
        pool=settings.pool_timeout,
    )


def make_client(
    settings: ProxySettings, transport: httpx2.AsyncBaseTransport | None = None
) -> httpx2.AsyncClient:
    """A client for all upstreams of one worker; the transport is injectable (tests, fast path)."""
    if transport is None:
        transport = fast_transport(settings)
    return httpx2.AsyncClient(
        transport=transport,
        cookies=NullCookieJar(),
        follow_redirects=False,
        timeout=timeouts(settings),
        trust_env=False,
    )


def fast_transport(settings: ProxySettings) -> httpx2.AsyncBaseTransport:
    """Our keep-alive transport on asyncio streams: httpx2's own pool costs about two thirds
    of a proxied request (notes/proxy.md); ours keeps httpx2's interface and errors."""
    from edgeviews.proxy.transport import UpstreamTransport

    return UpstreamTransport(
        verify=settings.ssl_verify(),
        max_connections=settings.max_connections,
        max_keepalive_connections=settings.max_keepalive_connections,
        keepalive_expiry=settings.keepalive_expiry,
    )


def httpx2_transport(settings: ProxySettings) -> httpx2.AsyncHTTPTransport:
    """httpx2's own pooled transport with our limits (for comparison, or to rule ours out)."""
    return httpx2.AsyncHTTPTransport(
        verify=settings.ssl_verify(),
        limits=httpx2.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_keepalive_connections,
            keepalive_expiry=settings.keepalive_expiry,
        ),
        trust_env=False,
    )
