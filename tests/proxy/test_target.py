"""Upstream URLs: the configured origin plus a path; nothing from the request picks the host."""

from __future__ import annotations

import pytest

from edgeviews.proxy.routes import parse_upstream
from edgeviews.proxy.target import UnsafeTarget, check_path, relative_paths, upstream_url


@pytest.mark.parametrize(
    "raw",
    [
        b"http://evil.test/x",
        b"//evil.test/x",
        b"*",
        b"evil.test:443",
        b"/a/../b",
        b"/a/%2E%2e/b",
        b"/a/..%2fb",
        b"/a/..%5cb",
        b"/a\\..\\b",
        b"/a b",
        b"/a#frag",
        b"/.",
        b"/x/%2e",
    ],
)
def test_unsafe_targets_are_refused(raw: bytes) -> None:
    with pytest.raises(UnsafeTarget):
        check_path("", raw)


@pytest.mark.parametrize(
    "raw", [b"/", b"/page/", b"/a%2Fb", b"/a/...b/c", b"/%E2%9C%93", b"/a/.well-known/x"]
)
def test_ordinary_paths_pass(raw: bytes) -> None:
    check_path("", raw)


def test_url_keeps_configured_host_and_exact_path() -> None:
    upstream = parse_upstream("https://example.framer.app/base")
    url = upstream_url(upstream, b"/a%2Fb/@evil.test/", b"x=1&x=2&y=%20+")
    assert url.host == "example.framer.app" and url.scheme == "https" and url.port is None
    assert url.raw_path == b"/base/a%2Fb/@evil.test/?x=1&x=2&y=%20+"


def test_non_ascii_bytes_are_percent_encoded() -> None:
    url = upstream_url(
        parse_upstream("http://127.0.0.1:8080"), "/caf\u00e9".encode(), b"q=\xc3\xa9"
    )
    assert url.raw_path == b"/caf%C3%A9?q=%C3%A9" and url.port == 8080


def test_relative_paths_below_a_mount() -> None:
    assert relative_paths("/site/about", b"/site/about", "/site") == ("/about", b"/about")
    assert relative_paths("/about", b"/about", "") == ("/about", b"/about")
    assert relative_paths("/site", None, "/site") == ("/", b"/")
