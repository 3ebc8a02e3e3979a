"""Header rules: hop-by-hop both ways, trusted forwarding headers, rewritten-page headers."""

from __future__ import annotations

import ipaddress

from edgeviews.config import Route
from edgeviews.proxy.csp import ScriptSources
from edgeviews.proxy.forwarded import client_view
from edgeviews.proxy.hop_by_hop import drop_hop_by_hop
from edgeviews.proxy.public_urls import PublicMapping
from edgeviews.proxy.request_headers import upstream_request_headers
from edgeviews.proxy.response_headers import client_response_headers, rewritten_page_headers
from edgeviews.proxy.routes import compile_route

TRUSTED = (ipaddress.ip_network("10.0.0.0/8"),)


def test_drop_hop_by_hop_and_connection_named() -> None:
    headers = [
        (b"Connection", b"close, X-A"),
        (b"X-A", b"1"),
        (b"Keep-Alive", b"1"),
        (b"Upgrade", b"h2c"),
        (b"Set-Cookie", b"a=1"),
        (b"Set-Cookie", b"b=2"),
    ]
    assert drop_hop_by_hop(headers) == [(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]


def test_connection_tokens_from_every_field_apply_to_headers_before_and_after() -> None:
    headers = [
        (b"X-Early", b"1"),
        (b"Connection", b"X-Early"),
        (b"X-Kept", b"a"),
        (b"Proxy-Connection", b" x-late , ,"),
        (b"X-Late", b"2"),
        (b"X-Kept", b"b"),
        (b"Keep-Alive", b"timeout=5"),
    ]
    assert drop_hop_by_hop(headers) == [(b"x-kept", b"a"), (b"x-kept", b"b")]
    # No Connection field: names are lower-cased, order and repeats kept.
    assert drop_hop_by_hop([(b"A", b"1"), (b"TE", b"x"), (b"a", b"2")]) == [
        (b"a", b"1"),
        (b"a", b"2"),
    ]


def test_forwarded_headers_trusted_only_from_configured_proxies() -> None:
    incoming = [
        (b"x-forwarded-for", b"1.2.3.4"),
        (b"x-forwarded-proto", b"https"),
        (b"x-forwarded-host", b"pub.example"),
    ]
    untrusted = client_view(
        peer="8.8.8.8",
        scheme="http",
        host_header=b"h.example",
        headers=incoming,
        trusted_proxies=TRUSTED,
    )
    assert (untrusted.forwarded_for, untrusted.proto, untrusted.host) == (
        b"8.8.8.8",
        "http",
        "h.example",
    )
    trusted = client_view(
        peer="10.1.1.1",
        scheme="http",
        host_header=b"h.example",
        headers=incoming,
        trusted_proxies=TRUSTED,
    )
    assert (trusted.forwarded_for, trusted.proto, trusted.host) == (
        b"1.2.3.4, 10.1.1.1",
        "https",
        "pub.example",
    )


def test_upstream_request_headers() -> None:
    route = compile_route(
        Route(match=("/",), upstream="https://x.test", forward_cookies=("keep",)), 0
    )
    view = client_view(
        peer="8.8.8.8", scheme="https", host_header=b"pub.example", headers=[], trusted_proxies=()
    )
    built = upstream_request_headers(
        [
            (b"host", b"pub.example"),
            (b"cookie", b"keep=1; drop=2"),
            (b"x-forwarded-for", b"6.6.6.6"),
            (b"accept-encoding", b"gzip, snappy"),
            (b"via", b"1.0 cdn"),
            (b"expect", b"100-continue"),
            (b"user-agent", b"ua"),
        ],
        route=route,
        view=view,
        via="edgeviews",
        snippets_tag=None,
    )
    assert built.headers == [
        (b"host", b"x.test"),
        (b"cookie", b"keep=1"),
        (b"user-agent", b"ua"),
        (b"accept-encoding", b"gzip"),
        (b"x-forwarded-for", b"8.8.8.8"),
        (b"x-forwarded-proto", b"https"),
        (b"x-forwarded-host", b"pub.example"),
        (b"via", b"1.0 cdn, 1.1 edgeviews"),
    ]


def test_preserve_host_sends_the_public_host() -> None:
    route = compile_route(
        Route(match=("/",), upstream="https://custom.intercom.help", preserve_host=True), 0
    )
    view = client_view(
        peer="8.8.8.8",
        scheme="https",
        host_header=b"help.example.com",
        headers=[],
        trusted_proxies=(),
    )
    built = upstream_request_headers([], route=route, view=view, via="ev", snippets_tag=None)
    assert built.headers[0] == (b"host", b"help.example.com") and built.host == "help.example.com"


def test_rewritten_page_headers() -> None:
    mapping = PublicMapping(
        compile_route(Route(match=("/",), upstream="https://x.test"), 0).upstream,
        "https",
        "pub.example",
    )
    upstream = [
        (b"content-length", b"10"),
        (b"content-encoding", b"br"),
        (b"etag", b'"e1"'),
        (b"accept-ranges", b"bytes"),
        (b"vary", b"Cookie"),
        (b"strict-transport-security", b"max-age=1"),
        (b"last-modified", b"x"),
        (b"content-security-policy", b"script-src 'self'"),
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
    ]
    client = client_response_headers(
        upstream, mapping=mapping, strip=frozenset({b"strict-transport-security"}), via="ev"
    )
    out = rewritten_page_headers(
        client,
        coding="gzip",
        snippets_tag="0123abcd",
        scripts=ScriptSources(hosts=("https://g.test",)),
    )
    names = [n for n, _ in out]
    for gone in (
        b"content-length",
        b"accept-ranges",
        b"strict-transport-security",
        b"last-modified",
    ):
        assert gone not in names
    assert (b"content-encoding", b"gzip") in out and names.count(b"content-encoding") == 1
    assert (b"vary", b"Cookie, Accept-Encoding") in out
    assert (b"etag", b'W/"e1-evs0123abcd"') in out
    assert (b"content-security-policy", b"script-src 'self' https://g.test") in out
    assert [v for n, v in out if n == b"set-cookie"] == [b"a=1", b"b=2"]
    assert (b"via", b"1.1 ev") in out
