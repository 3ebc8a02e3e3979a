"""The headers sent to the client: end-to-end ones, public URLs, and what rewriting changes.

Repeated fields (Set-Cookie above all) stay separate entries of the raw list (trap 2); the
headers that would start governing our domain are stripped (trap 10). A rewritten page loses
Content-Length, Accept-Ranges and Last-Modified, gets a weak ETag covering the snippets,
`Vary: Accept-Encoding` and its CSP extended for the injected scripts.
"""

from __future__ import annotations

import re
from typing import Final

from edgeviews.proxy.csp import ScriptSources, merge_policy_list
from edgeviews.proxy.etags import weak_etag
from edgeviews.proxy.forwarded import via_value
from edgeviews.proxy.hop_by_hop import drop_hop_by_hop
from edgeviews.proxy.public_urls import PublicMapping

_URL_HEADERS = frozenset({b"location", b"content-location"})
_CSP_HEADERS = frozenset({b"content-security-policy", b"content-security-policy-report-only"})
_HTML_TYPES: Final = (b"text/html", b"application/xhtml+xml")
_NOT_ASCII_COMPATIBLE: Final = re.compile(rb"utf-16|utf-32|ucs-2|ucs-4|utf-7")
_DROPPED_WHEN_REWRITTEN = frozenset(
    {
        b"content-length",
        b"content-encoding",
        b"accept-ranges",
        b"last-modified",
        b"content-md5",
        b"digest",
        b"repr-digest",
        b"content-digest",
    }
)


def client_response_headers(
    upstream: list[tuple[bytes, bytes]],
    *,
    mapping: PublicMapping,
    strip: frozenset[bytes],
    via: str,
) -> list[tuple[bytes, bytes]]:
    """The upstream's response headers as the client may see them, before any rewrite."""
    out: list[tuple[bytes, bytes]] = []
    incoming_via: list[bytes] = []
    for name, value in drop_hop_by_hop(upstream):
        if name in strip:
            continue
        if name == b"via":
            incoming_via.append(value)
            continue
        if name in _URL_HEADERS:
            value = mapping.map_url(value.decode("latin-1")).encode("latin-1")
        elif name == b"set-cookie":
            value = mapping.map_set_cookie(value)
        out.append((name, value))
    out.append((b"via", via_value(incoming_via, via)))
    return out


def rewritten_page_headers(
    headers: list[tuple[bytes, bytes]],
    *,
    coding: str | None,
    snippets_tag: str,
    scripts: ScriptSources | None,
    nonce: str | None = None,
) -> list[tuple[bytes, bytes]]:
    """Adjust the client headers of an HTML page whose body we rewrite and re-encode."""
    out: list[tuple[bytes, bytes]] = []
    vary: list[bytes] = []
    for name, value in headers:
        if name in _DROPPED_WHEN_REWRITTEN:
            continue
        if name == b"etag":
            weak = weak_etag(value, snippets_tag)
            if weak is not None:
                out.append((name, weak))
            continue
        if name == b"vary":
            vary.append(value)
            continue
        if name in _CSP_HEADERS and scripts:
            value = merge_policy_list(value.decode("latin-1"), scripts, nonce).encode("latin-1")
        out.append((name, value))
    if coding is not None:
        out.append((b"content-encoding", coding.encode("ascii")))
    tokens = [t.strip() for v in vary for t in v.split(b",") if t.strip()]
    if b"*" not in tokens and not any(t.lower() == b"accept-encoding" for t in tokens):
        tokens.append(b"Accept-Encoding")
    out.append((b"vary", b", ".join(tokens)))
    return out


def weaken_etag(headers: list[tuple[bytes, bytes]], snippets_tag: str) -> list[tuple[bytes, bytes]]:
    """A 304 for a page we rewrite: its ETag must be the one the client holds (ours)."""
    out: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        if name == b"etag":
            weak = weak_etag(value, snippets_tag)
            if weak is None:
                continue
            value = weak
        out.append((name, value))
    return out


def header_value(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The first value of a header (names lower-case), or None."""
    for key, value in headers:
        if key == name:
            return value
    return None


def is_rewritable_html(headers: list[tuple[bytes, bytes]]) -> bool:
    """HTML (or XHTML) in an ASCII-compatible charset: what the rewriter may touch."""
    content_type = header_value(headers, b"content-type")
    if content_type is None:
        return False
    content_type = content_type.lower()
    if not content_type.startswith(_HTML_TYPES):
        return False
    _, _, params = content_type.partition(b";")
    return _NOT_ASCII_COMPATIBLE.search(params) is None
