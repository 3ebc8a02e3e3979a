"""Upstream URLs in Location, Content-Location and Set-Cookie mapped to the public origin."""

from __future__ import annotations

import pytest

from edgeviews.proxy.public_urls import PublicMapping
from edgeviews.proxy.routes import parse_upstream


def mapping(upstream: str, root_path: str = "", host: str = "www.example.com") -> PublicMapping:
    return PublicMapping(parse_upstream(upstream), "https", host, root_path)


@pytest.mark.parametrize(
    ("upstream", "location", "expected"),
    [
        (
            "https://site.framer.app",
            "https://site.framer.app/about?x=1#top",
            "https://www.example.com/about?x=1#top",
        ),
        ("https://site.framer.app", "http://site.framer.app/a", "https://www.example.com/a"),
        ("https://site.framer.app", "//site.framer.app/a", "https://www.example.com/a"),
        ("https://site.framer.app", "https://SITE.framer.app:443/a", "https://www.example.com/a"),
        (
            "https://site.framer.app",
            "https://site.framer.app:8443/a",
            "https://site.framer.app:8443/a",
        ),
        ("https://site.framer.app", "https://other.example/a", "https://other.example/a"),
        ("https://site.framer.app", "/relative/path", "/relative/path"),
        ("https://site.framer.app", "relative", "relative"),
        ("https://x.test/base", "https://x.test/base/inner", "https://www.example.com/inner"),
        ("https://x.test/base", "/base/inner?q", "/inner?q"),
        ("https://x.test/base", "/elsewhere", "/elsewhere"),
        ("https://x.test/base", "https://x.test/basement", "https://x.test/basement"),
    ],
)
def test_location(upstream: str, location: str, expected: str) -> None:
    assert mapping(upstream).map_url(location) == expected


def test_location_under_a_mount_point() -> None:
    assert (
        mapping("https://x.test", root_path="/site").map_url("https://x.test/a")
        == "https://www.example.com/site/a"
    )


def test_set_cookie_domain_of_upstream_or_parent_moves_to_public_host() -> None:
    m = mapping("https://site.framer.app")
    assert (
        m.map_set_cookie(b"a=1; Domain=site.framer.app; Path=/")
        == b"a=1; Domain=www.example.com; Path=/"
    )
    assert m.map_set_cookie(b"a=1; domain=.framer.app") == b"a=1; Domain=www.example.com"
    assert m.map_set_cookie(b"a=1; Domain=other.example") == b"a=1; Domain=other.example"
    assert (
        m.map_set_cookie(b"a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT")
        == b"a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT"
    )


def test_set_cookie_domain_dropped_for_ip_or_single_label_public_host() -> None:
    assert (
        mapping("https://x.test", host="localhost:8000").map_set_cookie(b"a=1; Domain=x.test")
        == b"a=1"
    )
    assert (
        mapping("https://x.test", host="127.0.0.1:8000").map_set_cookie(
            b"a=1; Domain=x.test; Secure"
        )
        == b"a=1; Secure"
    )


def test_set_cookie_path_follows_the_base_path() -> None:
    assert (
        mapping("https://x.test/help").map_set_cookie(b"s=1; Path=/help/tickets")
        == b"s=1; Path=/tickets"
    )
