"""Hop-by-hop headers: the ones that describe one connection and must never be forwarded.

RFC 9110 7.6.1: besides the fixed set, every header a `Connection` field names is hop-by-hop
for that message. Applied in both directions (trap 5 of notes/proxy.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

HOP_BY_HOP: Final = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)


def connection_tokens(headers: Iterable[tuple[bytes, bytes]]) -> frozenset[bytes]:
    """The lower-cased header names listed in every `Connection` (and `Proxy-Connection`) field."""
    names: set[bytes] = set()
    for name, value in headers:
        if name.lower() in (b"connection", b"proxy-connection"):
            names.update(token.strip().lower() for token in value.split(b",") if token.strip())
    return frozenset(names)


def drop_hop_by_hop(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The end-to-end headers only, names lower-cased, order and repeats kept."""
    named = connection_tokens(headers)
    kept: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        lower = name.lower()
        if lower in HOP_BY_HOP or lower in named:
            continue
        kept.append((lower, value))
    return kept
