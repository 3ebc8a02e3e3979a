"""Credentials through a real `edgeviews serve`: a host application's `Authorization` never
reaches a third-party upstream unless its route sets `forward_authorization = true`, and
`Proxy-Authorization` never does. The upstream on 127.0.0.1 echoes what it received."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from tests.e2e.conftest import ProxyProcess, Upstream, write_project

CREDENTIALS = {
    "Authorization": "Bearer host-app-session-token",
    "Proxy-Authorization": "Basic cHJveHk6c2VjcmV0",
}


@pytest.fixture(scope="module")
def auth_proxy(
    tmp_path_factory: pytest.TempPathFactory, upstream: Upstream
) -> Iterator[ProxyProcess]:
    routes = f"""
[[routes]]
match = ["/raw/*"]
upstream = "{upstream.origin}"

[[routes]]
match = ["/mnt/*"]
upstream = "{upstream.origin}"
forward_authorization = true
"""
    root = tmp_path_factory.mktemp("auth-project")
    process = ProxyProcess(write_project(root, upstream=upstream.origin, routes=routes))
    yield process
    process.stop()


def echoed_headers(proxy: ProxyProcess, path: str) -> dict[str, list[str]]:
    with httpx2.Client(base_url=proxy.url, timeout=5) as client:
        response = client.get(path, headers=CREDENTIALS)
    assert response.status_code == 200, response.text
    seen: dict[str, list[str]] = {}
    for name, value in response.json()["headers"]:
        seen.setdefault(name.lower(), []).append(value)
    return seen


def test_third_party_route_gets_no_credentials(auth_proxy: ProxyProcess) -> None:
    seen = echoed_headers(auth_proxy, "/raw/echo?who=third-party")
    assert "authorization" not in seen and "proxy-authorization" not in seen
    assert seen["host"]  # the request itself did arrive, with its other headers


def test_route_that_opts_in_gets_authorization_only(auth_proxy: ProxyProcess) -> None:
    seen = echoed_headers(auth_proxy, "/mnt/echo?who=own-staging")
    assert seen["authorization"] == [CREDENTIALS["Authorization"]]
    assert "proxy-authorization" not in seen
