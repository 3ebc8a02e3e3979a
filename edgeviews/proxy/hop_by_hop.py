"""Hop-by-hop headers: the ones that describe one connection and must never be forwarded.

RFC 9110 7.6.1: besides the fixed set, every header a `Connection` field names is hop-by-hop
for that message. Applied in both directions (trap 5 of notes/proxy.md).
"""

from __future__ import annotations

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


def drop_hop_by_hop(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The end-to-end headers only, names lower-cased, order and repeats kept.

    One pass (each name lower-cased once); the `Connection` tokens, which are rare, are
    applied afterwards. It runs twice per proxied request.
    """
    kept: list[tuple[bytes, bytes]] = []
    named: set[bytes] | None = None
    for name, value in headers:
        lower = name.lower()
        if lower in HOP_BY_HOP:
            if lower == b"connection" or lower == b"proxy-connection":
                tokens = {t.strip().lower() for t in value.split(b",")}
                named = tokens if named is None else named | tokens
            continue
        kept.append((lower, value))
    if named:
        return [(name, value) for name, value in kept if name not in named]
    return kept
