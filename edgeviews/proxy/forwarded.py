"""Who the client is and which public origin it used: X-Forwarded-* trusted only from our proxies.

Trap 6 of notes/proxy.md: a client can send any X-Forwarded-For. Incoming forwarding headers
are believed only when the TCP peer is one of the configured `trusted_proxies`; otherwise
they are replaced by what this hop saw.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from edgeviews.proxy.settings import IPNetwork

FORWARDING_HEADERS: frozenset[bytes] = frozenset(
    {
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"x-forwarded-port",
        b"x-real-ip",
        b"forwarded",
    }
)
"""Incoming forwarding headers: never passed on as they are (ours replace them)."""


@dataclass(frozen=True, slots=True)
class ClientView:
    """The facts about the client side of a request that forwarding and URL rewriting need."""

    peer: str
    forwarded_for: bytes
    proto: str
    host: str
    trusted: bool


def host_without_port(host: str) -> str:
    """A Host value's name without its port, IPv6 brackets removed: what a cookie's Domain may
    name and the TLS server name sent upstream under preserve_host."""
    if host.startswith("["):
        return host[1 : host.find("]")]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_trusted(peer: str, networks: Iterable[IPNetwork]) -> bool:
    networks = tuple(networks)
    if not networks or not peer:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _last(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    found = None
    for key, value in headers:
        if key == name:
            found = value
    return found


def client_view(
    *,
    peer: str,
    scheme: str,
    host_header: bytes | None,
    headers: list[tuple[bytes, bytes]],
    trusted_proxies: Iterable[IPNetwork],
) -> ClientView:
    """Combine this hop's view with the incoming forwarding headers where the peer is trusted."""
    host = (host_header or b"").decode("latin-1")
    proto = "https" if scheme in ("https", "wss") else "http"
    forwarded_for = peer.encode("latin-1")
    trusted = is_trusted(peer, trusted_proxies)
    if trusted:
        chain = [value for key, value in headers if key == b"x-forwarded-for"]
        if chain:
            forwarded_for = b", ".join([*chain, forwarded_for])
        incoming_proto = _last(headers, b"x-forwarded-proto")
        if incoming_proto:
            proto = incoming_proto.split(b",")[0].strip().decode("latin-1").lower()
        incoming_host = _last(headers, b"x-forwarded-host")
        if incoming_host:
            host = incoming_host.split(b",")[0].strip().decode("latin-1")
    return ClientView(
        peer=peer, forwarded_for=forwarded_for, proto=proto, host=host, trusted=trusted
    )


def is_forwarding_header(name: bytes) -> bool:
    return name in FORWARDING_HEADERS


def forwarding_headers(
    view: ClientView, via: str, incoming_via: list[bytes]
) -> list[tuple[bytes, bytes]]:
    """X-Forwarded-For/-Proto/-Host and Via for the upstream request."""
    headers = [
        (b"x-forwarded-for", view.forwarded_for),
        (b"x-forwarded-proto", view.proto.encode("latin-1")),
    ]
    if view.host:
        headers.append((b"x-forwarded-host", view.host.encode("latin-1")))
    headers.append((b"via", via_value(incoming_via, via)))
    return headers


def via_value(existing: list[bytes], pseudonym: str) -> bytes:
    """Our `1.1 <pseudonym>` appended to the Via values already on the message."""
    ours = b"1.1 " + pseudonym.encode("latin-1")
    return b", ".join([*existing, ours])
