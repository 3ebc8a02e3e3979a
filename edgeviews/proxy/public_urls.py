"""Upstream URLs in response headers mapped to the public origin the client used (trap 9).

The upstream origin plus its base path corresponds to the public origin plus the mount point
(the app's root_path). Location and Content-Location are mapped; Set-Cookie's Domain is moved
from the upstream's host (or a parent of it) to the public host, and its Path moves with the
base path.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from edgeviews.proxy.forwarded import host_without_port
from edgeviews.proxy.routes import Upstream


@dataclass(frozen=True, slots=True)
class PublicMapping:
    upstream: Upstream
    public_scheme: str
    public_host: str
    root_path: str = ""

    @property
    def public_hostname(self) -> str:
        """The public host without its port: what a cookie's Domain may name."""
        return host_without_port(self.public_host)

    def map_path(self, path: str) -> str | None:
        """The public path for an upstream path, None when it lies outside the base path."""
        base = self.upstream.base_path
        if base:
            if path == base:
                path = "/"
            elif path.startswith(base + "/"):
                path = path[len(base) :]
            else:
                return None
        return self.root_path + path if self.root_path else path

    def _is_upstream_authority(self, scheme: str, netloc: str) -> bool:
        parts = urlsplit(f"//{netloc}")
        try:
            port = parts.port
        except ValueError:
            return False
        if (parts.hostname or "").lower() != self.upstream.host:
            return False
        default = 443 if scheme == "https" else 80
        return (port or default) == self.upstream.effective_port or (
            port is None and self.upstream.port is None
        )

    def map_url(self, value: str) -> str:
        """Location/Content-Location value with the upstream origin replaced; others unchanged."""
        try:
            parts = urlsplit(value)
        except ValueError:
            return value
        if parts.netloc:
            scheme = parts.scheme.lower() or self.upstream.scheme
            if scheme not in ("http", "https") or not self._is_upstream_authority(
                scheme, parts.netloc
            ):
                return value
            path = self.map_path(parts.path or "/")
            if path is None:
                return value
            return urlunsplit(
                (self.public_scheme, self.public_host, path, parts.query, parts.fragment)
            )
        if parts.scheme or not parts.path.startswith("/"):
            return value
        path = self.map_path(parts.path)
        if path is None:
            return value
        return urlunsplit(("", "", path, parts.query, parts.fragment))

    def map_set_cookie(self, value: bytes) -> bytes:
        """A Set-Cookie value with Domain and Path moved to the public side."""
        pieces = value.split(b";")
        changed = False
        out = [pieces[0]]
        for piece in pieces[1:]:
            name, sep, attr_value = piece.partition(b"=")
            key = name.strip().lower()
            if key == b"domain" and sep:
                domain = attr_value.strip().decode("latin-1").lstrip(".").lower()
                host = self.upstream.host
                if domain == host or host.endswith("." + domain):
                    changed = True
                    public = self.public_hostname
                    if _host_only(public):
                        continue  # an IP or single-label host cannot be a cookie Domain
                    out.append(b" Domain=" + public.encode("latin-1"))
                    continue
            elif key == b"path" and sep and self.upstream.base_path:
                mapped = self.map_path(attr_value.strip().decode("latin-1"))
                if mapped is not None:
                    changed = True
                    out.append(b" Path=" + mapped.encode("latin-1"))
                    continue
            out.append(piece)
        return b";".join(out) if changed else value


def _host_only(host: str) -> bool:
    if "." not in host:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
