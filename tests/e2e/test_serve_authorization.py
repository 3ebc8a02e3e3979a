"""Credentials through a real `edgeviews serve`: a host application's `Authorization` never
reaches a third-party upstream unless its route sets `forward_authorization = true`, and
`Proxy-Authorization` never does. The upstream on 127.0.0.1 echoes what it received."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx2
import pytest

from tests.e2e.conftest import ProxyProcess, RecordedRequest, Upstream, write_project

CREDENTIALS = {
    "Authorization": "Bearer host-app-session-token",
    "Proxy-Authorization": "Basic cHJveHk6c2VjcmV0",
}


class ChallengingUpstream(Upstream):
    """The e2e upstream, plus `/.../challenge`: a 401 asking for Basic credentials."""

    async def _dispatch(
        self, request: RecordedRequest, writer: asyncio.StreamWriter, reader: asyncio.StreamReader
    ) -> bool:
        if "/challenge" in request.target:
            headers = [
                ("Content-Type", "text/plain"),
                ("WWW-Authenticate", 'Basic realm="staging"'),
            ]
            return self._respond(writer, 401, headers, b"credentials needed")
        return await super()._dispatch(request, writer, reader)


@pytest.fixture(scope="module")
def auth_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyProcess]:
    server = ChallengingUpstream().start()
    routes = f"""
[[routes]]
match = ["/raw/*"]
upstream = "{server.origin}"

[[routes]]
match = ["/mnt/*"]
upstream = "{server.origin}"
forward_authorization = true
"""
    root = tmp_path_factory.mktemp("auth-project")
    try:
        process = ProxyProcess(write_project(root, upstream=server.origin, routes=routes))
        yield process
        process.stop()
    finally:
        server.stop()


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


def test_no_auth_challenge_where_credentials_would_be_dropped(auth_proxy: ProxyProcess) -> None:
    """A browser shown `WWW-Authenticate` asks for a password and sends it to our domain;
    where Authorization is not forwarded the 401 arrives without the challenge."""
    with httpx2.Client(base_url=auth_proxy.url, timeout=5) as client:
        third_party = client.get("/raw/challenge")
        own = client.get("/mnt/challenge")
    assert third_party.status_code == 401 and third_party.text == "credentials needed"
    assert "www-authenticate" not in third_party.headers
    assert own.status_code == 401 and own.headers["www-authenticate"] == 'Basic realm="staging"'
