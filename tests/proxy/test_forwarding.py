"""The upstream request's framing: what httpx2 used to add, the forwarding path now says itself.

`forwarding._upstream_request` builds httpx2 Requests with `stream=` (cheaper than
`content=`), so these check on a real upstream that the body framing is still right.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx2
import pytest

from edgeviews.config import load_config
from edgeviews.proxy import ProxyApp, create_app
from edgeviews.proxy.settings import load_settings
from edgeviews.proxy.upstream_client import httpx2_transport
from tests.e2e.conftest import GA_ID, Upstream, write_project


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    server = Upstream().start()
    yield server
    server.stop()


@pytest.fixture(params=["ours", "httpx2"])
async def client(
    tmp_path: Path, upstream: Upstream, request: pytest.FixtureRequest
) -> AsyncIterator[httpx2.AsyncClient]:
    """The proxy with our transport (its lean `send`), or with httpx2's own pool (any other
    httpx2 transport goes through `handle_async_request`): the same framing either way."""
    transport = httpx2_transport(load_settings({})) if request.param == "httpx2" else None
    app: ProxyApp = create_app(
        load_config(write_project(tmp_path, upstream=upstream.origin)),
        env="test",
        transport=transport,
    )
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://www.example.com") as c:
        yield c
    await app.aclose()


def framing(upstream: Upstream, needle: str) -> tuple[str | None, str | None]:
    received = upstream.received(needle)
    return received.header("Content-Length"), received.header("Transfer-Encoding")


async def test_get_without_body_has_no_framing_headers(
    client: httpx2.AsyncClient, upstream: Upstream
) -> None:
    assert (await client.get("/raw/echo/get")).status_code == 200
    assert framing(upstream, "/raw/echo/get") == (None, None)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
async def test_empty_post_says_content_length_zero(
    client: httpx2.AsyncClient, upstream: Upstream, method: str
) -> None:
    response = await client.request(method, f"/raw/echo/empty-{method}")
    assert json.loads(response.content)["method"] == method
    assert framing(upstream, f"/raw/echo/empty-{method}") == ("0", None)


async def test_body_with_length_is_forwarded_with_it(
    client: httpx2.AsyncClient, upstream: Upstream
) -> None:
    response = await client.post("/raw/echo/sized", content=b"a=1&b=2")
    assert json.loads(response.content)["body_len"] == 7
    assert framing(upstream, "/raw/echo/sized") == ("7", None)
    assert upstream.received("/raw/echo/sized").body == b"a=1&b=2"


async def test_body_without_length_is_sent_chunked(
    client: httpx2.AsyncClient, upstream: Upstream
) -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for piece in (b"first,", b"second,", b"third"):
            yield piece

    response = await client.post("/raw/echo/streamed", content=pieces())
    assert json.loads(response.content)["body_len"] == len(b"first,second,third")
    assert framing(upstream, "/raw/echo/streamed") == (None, "chunked")
    assert upstream.received("/raw/echo/streamed").body == b"first,second,third"


async def test_a_page_is_rewritten_and_its_headers_kept(client: httpx2.AsyncClient) -> None:
    response = await client.get("/t/site", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert f"gtag('config', '{GA_ID}')" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["etag"].startswith('W/"')
