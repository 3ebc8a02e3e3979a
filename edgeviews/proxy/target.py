"""The upstream URL for a request: the configured origin plus the request's path, nothing else.

Trap 8 of notes/proxy.md: a URL joined from request data can override the host (an
absolute-form target, `//host/x` re-parsed as an authority). Here the scheme, host and port
come only from configuration; the request contributes a path that must *be* a path, and
paths with dot segments (also percent-encoded, also with backslashes) are refused, because
an upstream resolving them would leave the base path or the matched prefix.
"""

from __future__ import annotations

import functools
import re
from typing import Final
from urllib.parse import unquote

import httpx2

from edgeviews.proxy.routes import Upstream

_FORBIDDEN_RAW: Final = re.compile(rb"[\x00-\x20\x7f\\#]")
"""Spaces, controls, DEL, backslash and '#': never in a path we forward."""
_UNRESERVED_OK: Final = frozenset(range(0x21, 0x7F))


class UnsafeTarget(ValueError):
    """The request target is not a plain origin-form path; the proxy answers 400."""


def relative_paths(scope_path: str, raw_path: bytes | None, root_path: str) -> tuple[str, bytes]:
    """The decoded and the raw path below the mount point (Starlette keeps the full path)."""
    path = scope_path
    if root_path and path.startswith(root_path):
        path = path[len(root_path) :] or "/"
    if raw_path is None:
        raw = path.encode("utf-8")
    else:
        raw = raw_path
        encoded_root = root_path.encode("utf-8")
        if encoded_root and raw.startswith(encoded_root):
            raw = raw[len(encoded_root) :] or b"/"
    return path, raw


def check_path(path: str, raw_path: bytes) -> None:
    """Refuse anything but an origin-form path without dot segments."""
    if not raw_path.startswith(b"/") or raw_path.startswith(b"//"):
        raise UnsafeTarget("the request target must be a path starting with a single '/'")
    if _FORBIDDEN_RAW.search(raw_path) is not None:
        raise UnsafeTarget("the request path holds a space, control character, '\\' or '#'")
    del path  # the server's decoded path; the raw one is what the upstream will decode
    if b"." not in raw_path and b"%" not in raw_path:
        return  # no segment can be (or decode to) a dot segment
    for segment in unquote(raw_path.decode("latin-1")).replace("\\", "/").split("/"):
        if segment in (".", ".."):
            raise UnsafeTarget("the request path holds a '.' or '..' segment")


def _escape_non_ascii(raw: bytes) -> bytes:
    if all(byte in _UNRESERVED_OK for byte in raw):
        return raw
    return b"".join(bytes((byte,)) if byte in _UNRESERVED_OK else b"%%%02X" % byte for byte in raw)


@functools.lru_cache(maxsize=1024)
def upstream_url(upstream: Upstream, raw_path: bytes, query_string: bytes) -> httpx2.URL:
    """The URL to fetch: configured scheme/host/port, base path + raw path, query kept as sent.

    Cached: a site's few pages are asked for over and over, and httpx2 parses every URL it is
    given (about 40 us each); URL objects are immutable, so sharing them is safe.
    """
    target = upstream.base_path.encode("ascii") + _escape_non_ascii(raw_path)
    if query_string:
        target += b"?" + _escape_non_ascii(query_string)
    return httpx2.URL(
        scheme=upstream.scheme, host=upstream.host, port=upstream.port, raw_path=target
    )
