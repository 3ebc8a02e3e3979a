"""Route matching: exact and prefix paths, unless_cookie / unless_header, cookie allow-lists."""

from __future__ import annotations

import pytest

from edgeviews.config import Route
from edgeviews.errors import ConfigError
from edgeviews.proxy.routes import compile_route, filter_cookie_header, find_route, parse_upstream

ROUTE = compile_route(
    Route(
        match=("/", "/about", "/help/*"),
        upstream="https://x.test",
        unless_cookie=("session", "sid-*"),
        unless_header=("X-App",),
    ),
    0,
)


@pytest.mark.parametrize("path", ["/", "/about", "/help", "/help/", "/help/a/b"])
def test_matches(path: str) -> None:
    assert ROUTE.matches_path(path)


@pytest.mark.parametrize("path", ["/about/", "/abouts", "/helpdesk", "/x"])
def test_does_not_match(path: str) -> None:
    assert not ROUTE.matches_path(path)


def test_unless_cookie_and_header() -> None:
    assert find_route([ROUTE], "/", [(b"cookie", b"a=1; session=x")]) is None
    assert find_route([ROUTE], "/", [(b"cookie", b"sid-42=x")]) is None
    assert find_route([ROUTE], "/", [(b"x-app", b"1")]) is None
    assert find_route([ROUTE], "/", [(b"cookie", b"sessionx=1"), (b"x-other", b"1")]) is ROUTE


def test_cookie_allow_list_keeps_pairs_exactly() -> None:
    header = b"session=s3cret; consent=yes;intercom-session-abc=a=b; other=1"
    assert (
        filter_cookie_header(header, ["consent", "intercom-session-*"])
        == b"consent=yes; intercom-session-abc=a=b"
    )
    assert filter_cookie_header(header, []) == b""


@pytest.mark.parametrize(
    "bad", ["ftp://x.test", "https://", "https://x.test/?q=1", "https://u:p@x.test", "x.test"]
)
def test_bad_upstreams_are_config_errors(bad: str) -> None:
    with pytest.raises(ConfigError):
        parse_upstream(bad)


def test_bad_match_entries_are_config_errors() -> None:
    for match in (("about",), ("/a*b",)):
        with pytest.raises(ConfigError):
            compile_route(Route(match=match, upstream="https://x.test"), 3)


def test_upstream_parts() -> None:
    upstream = parse_upstream("https://Example.Framer.App:443/base/")
    assert (upstream.host, upstream.netloc, upstream.base_path) == (
        "example.framer.app",
        "example.framer.app",
        "/base",
    )
    assert parse_upstream("http://127.0.0.1:8080").netloc == "127.0.0.1:8080"
