"""Which configured route, if any, serves a request: path match plus the unless_* conditions.

Matching works on the decoded path relative to where the app is mounted; `/x/*` is a prefix
rule (it also takes `/x` itself), every other entry an exact path, so `/page` and `/page/`
stay different pages as Framer treats them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from edgeviews.config import RewriteRule, Route
from edgeviews.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Upstream:
    """A configured upstream origin and the base path every forwarded path is put under."""

    scheme: str
    host: str
    port: int | None
    base_path: str

    @property
    def default_port(self) -> int:
        return 443 if self.scheme == "https" else 80

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else self.default_port

    @property
    def netloc(self) -> str:
        """host[:port] as it appears in a Host header and in absolute URLs from the upstream."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port in (None, self.default_port) else f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"


def parse_upstream(
    url: str, *, source: Path | str | None = None, key: str = "routes.upstream"
) -> Upstream:
    """Check an `upstream` value: http(s), a host, optional base path, nothing else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{url!r} is not an http(s) origin; write e.g. 'https://example.framer.app'",
            path=source,
            key=key,
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"{url!r}: an upstream takes no query, fragment or credentials", path=source, key=key
        )
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{url!r} has an invalid port", path=source, key=key) from None
    return Upstream(
        scheme=parts.scheme,
        host=parts.hostname.lower(),
        port=port,
        base_path=parts.path.rstrip("/"),
    )


@dataclass(frozen=True, slots=True)
class CompiledRoute:
    """A Route with its upstream parsed and its match entries split into exact and prefix."""

    route: Route
    upstream: Upstream
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    unless_cookie: tuple[str, ...]
    unless_header: tuple[bytes, ...]

    @property
    def rules(self) -> tuple[RewriteRule, ...]:
        return self.route.rewrite

    def matches_path(self, path: str) -> bool:
        if path in self.exact:
            return True
        return any(path.startswith(prefix) or path == prefix[:-1] for prefix in self.prefixes)

    def excluded_by(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        """True when the request carries a cookie or header that sends it to the host app."""
        if not self.unless_cookie and not self.unless_header:
            return False
        for name, value in headers:
            if name in self.unless_header:
                return True
            if name == b"cookie" and self.unless_cookie:
                for cookie_name in cookie_names(value):
                    if cookie_matches(cookie_name, self.unless_cookie):
                        return True
        return False


def compile_route(route: Route, index: int, *, source: Path | str | None = None) -> CompiledRoute:
    key = f"routes[{index}]"
    exact: set[str] = set()
    prefixes: list[str] = []
    for entry in route.match:
        if not entry.startswith("/"):
            raise ConfigError(f"match entry {entry!r} must start with '/'", path=source, key=key)
        if entry.endswith("/*"):
            prefixes.append(entry[:-1])
        elif "*" in entry:
            raise ConfigError(
                f"match entry {entry!r}: '*' is only allowed as a final '/*' prefix rule",
                path=source,
                key=key,
            )
        else:
            exact.add(entry)
    return CompiledRoute(
        route=route,
        upstream=parse_upstream(route.upstream, source=source, key=f"{key}.upstream"),
        exact=frozenset(exact),
        prefixes=tuple(prefixes),
        unless_cookie=tuple(route.unless_cookie),
        unless_header=tuple(name.lower().encode("latin-1") for name in route.unless_header),
    )


def find_route(
    routes: Iterable[CompiledRoute], path: str, headers: list[tuple[bytes, bytes]]
) -> CompiledRoute | None:
    """The first route whose match takes the path and whose conditions do not exclude it."""
    for route in routes:
        if route.matches_path(path) and not route.excluded_by(headers):
            return route
    return None


def cookie_names(header_value: bytes) -> Iterable[str]:
    for pair in header_value.split(b";"):
        name = pair.split(b"=", 1)[0].strip()
        if name:
            yield name.decode("latin-1")


def cookie_matches(name: str, patterns: Iterable[str]) -> bool:
    """Exact names, or a trailing '*' for a prefix (Intercom's `intercom-session-*`)."""
    for pattern in patterns:
        if pattern.endswith("*"):
            if name.startswith(pattern[:-1]):
                return True
        elif name == pattern:
            return True
    return False


def filter_cookie_header(value: bytes, allowed: Iterable[str]) -> bytes:
    """Only the allow-listed cookies of one Cookie header, each pair byte for byte."""
    allowed = tuple(allowed)
    kept = [
        pair.strip()
        for pair in value.split(b";")
        if pair.strip()
        and cookie_matches(pair.split(b"=", 1)[0].strip().decode("latin-1"), allowed)
    ]
    return b"; ".join(kept)
