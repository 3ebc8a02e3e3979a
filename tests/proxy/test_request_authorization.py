"""Credentials sent upstream: `Authorization` only on routes that opt in, never
`Proxy-Authorization`; the opt-in key is validated like the other route keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeviews.config import Route, load_config
from edgeviews.errors import ConfigError
from edgeviews.proxy.forwarded import client_view
from edgeviews.proxy.request_headers import response_headers_to_strip, upstream_request_headers
from edgeviews.proxy.routes import compile_route

CLIENT_HEADERS = [
    (b"host", b"pub.example"),
    (b"Authorization", b"Bearer host-app-token"),
    (b"authorization", b"Basic dXNlcjpwYXNz"),  # repeated: each copy follows the same rule
    (b"Proxy-Authorization", b"Basic cHJveHk6c2VjcmV0"),
    (b"user-agent", b"ua"),
]


def sent_upstream(route: Route) -> list[tuple[bytes, bytes]]:
    view = client_view(
        peer="8.8.8.8", scheme="https", host_header=b"pub.example", headers=[], trusted_proxies=()
    )
    return upstream_request_headers(
        CLIENT_HEADERS, route=compile_route(route, 0), view=view, via="ev", snippets_tag=None
    ).headers


def test_authorization_is_not_forwarded_by_default() -> None:
    sent = sent_upstream(Route(match=("/",), upstream="https://example.framer.app"))
    names = [name for name, _ in sent]
    assert b"authorization" not in names and b"proxy-authorization" not in names
    assert (b"user-agent", b"ua") in sent


def test_a_route_that_opts_in_forwards_authorization_but_never_proxy_authorization() -> None:
    sent = sent_upstream(
        Route(match=("/",), upstream="https://staging.example", forward_authorization=True)
    )
    assert [value for name, value in sent if name == b"authorization"] == [
        b"Bearer host-app-token",
        b"Basic dXNlcjpwYXNz",
    ]
    assert b"proxy-authorization" not in [name for name, _ in sent]


def write(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "edgeviews.toml"
    path.write_text(
        f'[[routes]]\nmatch = ["/"]\nupstream = "https://x.test"\n{value}\n', encoding="utf-8"
    )
    return path


def test_config_reads_the_opt_in(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")).routes[0].forward_authorization is False
    config = load_config(write(tmp_path, "forward_authorization = true"))
    assert config.routes[0].forward_authorization is True


@pytest.mark.parametrize("value", ['"yes"', "1", '["Bearer"]'])
def test_config_rejects_what_is_not_a_boolean(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"forward_authorization = {value}")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert "routes[0].forward_authorization" in message
    assert "true or false" in message and str(path) in message


def test_auth_challenges_are_stripped_where_authorization_is_not_forwarded() -> None:
    configured = frozenset({b"alt-svc"})
    third_party = response_headers_to_strip(configured, forward_authorization=False)
    assert third_party == {b"alt-svc", b"www-authenticate"}
    assert response_headers_to_strip(configured, forward_authorization=True) == configured
