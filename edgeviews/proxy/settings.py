"""The proxy's own settings: the `[proxy]` table of the configuration, validated.

The configuration loader hands the table over raw (docs/contracts.md), so every key is
checked here and a wrong one is reported with the file and key, not found later by a client.
"""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from edgeviews.errors import ConfigError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_STRIPPED_RESPONSE_HEADERS: Final = (
    "strict-transport-security",
    "alt-svc",
    "clear-site-data",
    "report-to",
    "reporting-endpoints",
    "nel",
)
"""Upstream headers that would otherwise start to govern *our* domain (trap 10)."""


@dataclass(frozen=True, slots=True)
class ProxySettings:
    """Timeouts, pool limits, trust and header policy for one proxy app."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    write_timeout: float = 30.0
    pool_timeout: float = 5.0
    max_connections: int = 100
    max_keepalive_connections: int = 100
    """As many as may be open: a proxy's idle pool must cover its concurrency, or each wave of
    requests closes the surplus and connects again (httpx's 20 suits a client, not a proxy;
    at 32 clients, one request in five paid a TCP connect). Idle ones expire anyway."""
    keepalive_expiry: float = 5.0
    trusted_proxies: tuple[IPNetwork, ...] = ()
    strip_response_headers: frozenset[bytes] = frozenset(
        name.encode() for name in DEFAULT_STRIPPED_RESPONSE_HEADERS
    )
    allowed_hosts: frozenset[str] = frozenset()
    verify: bool | str = True
    via: str = "edgeviews"
    health_path: str = "/_edgeviews/health"
    csp: bool = True

    def ssl_verify(self) -> ssl.SSLContext | str | bool:
        """What the upstream transport verifies certificates against."""
        if isinstance(self.verify, str):
            return ssl.create_default_context(cafile=self.verify)
        return self.verify


_FLOATS: Final = (
    "connect_timeout",
    "read_timeout",
    "write_timeout",
    "pool_timeout",
    "keepalive_expiry",
)
_INTS: Final = ("max_connections", "max_keepalive_connections")


def load_settings(table: Mapping[str, Any], *, source: Path | str | None = None) -> ProxySettings:
    """Validate the raw `[proxy]` table; ConfigError names the key and what to write instead."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        where = f"proxy.{key}"
        if key in _FLOATS:
            if isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
                raise ConfigError("must be a positive number of seconds", path=source, key=where)
            values[key] = float(raw)
        elif key in _INTS:
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
                raise ConfigError("must be a positive whole number", path=source, key=where)
            values[key] = raw
        elif key == "trusted_proxies":
            values[key] = tuple(
                _network(item, source, where) for item in _strings(raw, source, where)
            )
        elif key == "strip_response_headers":
            values[key] = frozenset(
                item.lower().encode("latin-1") for item in _strings(raw, source, where)
            )
        elif key == "allowed_hosts":
            values[key] = frozenset(item.lower() for item in _strings(raw, source, where))
        elif key == "verify":
            if not isinstance(raw, bool | str):
                raise ConfigError(
                    "must be true, false or the path of a CA bundle", path=source, key=where
                )
            if isinstance(raw, str) and not Path(raw).is_file():
                raise ConfigError(f"CA bundle {raw!r} does not exist", path=source, key=where)
            values[key] = raw
        elif key in ("via", "health_path"):
            if not isinstance(raw, str) or not raw:
                raise ConfigError("must be a non-empty string", path=source, key=where)
            if key == "health_path" and not raw.startswith("/"):
                raise ConfigError("must start with '/'", path=source, key=where)
            values[key] = raw
        elif key == "csp":
            if not isinstance(raw, bool):
                raise ConfigError("must be true or false", path=source, key=where)
            values[key] = raw
        else:
            raise ConfigError(
                "unknown key; known keys: "
                + ", ".join(
                    sorted(
                        (
                            *_FLOATS,
                            *_INTS,
                            "trusted_proxies",
                            "strip_response_headers",
                            "allowed_hosts",
                            "verify",
                            "via",
                            "health_path",
                            "csp",
                        )
                    )
                ),
                path=source,
                key=where,
            )
    return ProxySettings(**values)


def _strings(raw: Any, source: Path | str | None, where: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ConfigError("must be a list of strings", path=source, key=where)
    return list(raw)


def _network(item: str, source: Path | str | None, where: str) -> IPNetwork:
    try:
        return ipaddress.ip_network(item, strict=False)
    except ValueError:
        raise ConfigError(
            f"{item!r} is not an IP address or network (write e.g. '10.0.0.0/8')",
            path=source,
            key=where,
        ) from None
