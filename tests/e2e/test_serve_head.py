"""HEAD and GET of a page we rewrite get the same headers (RFC 9110 9.3.2), also when the
upstream stacked its content codings (`Content-Encoding: gzip, br`), which GET decodes.
Through a real `edgeviews serve`; the upstream on 127.0.0.1 serves the same page both ways."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator

import brotli
import httpx2
import pytest

from tests.e2e.conftest import LANDING, ProxyProcess, RecordedRequest, Upstream, write_project

PAGE = LANDING % {b"meta": b""}
CODINGS = {
    "gzip": gzip.compress(PAGE),
    "gzip, br": brotli.compress(gzip.compress(PAGE)),
    "deflate, compress": PAGE,  # one coding we cannot decode: passed through both ways
}
NOT_COMPARED = {"date", "server", "transfer-encoding", "content-length"}
"""Framing: a GET of a rewritten page is chunked, a HEAD has no body to frame."""


class StackedUpstream(Upstream):
    """Serves PAGE with the Content-Encoding named by the path (`/s/gzip,br`)."""

    async def _dispatch(
        self, request: RecordedRequest, writer: asyncio.StreamWriter, reader: asyncio.StreamReader
    ) -> bool:
        coding = request.target.split("?")[0].removeprefix("/s/").replace(",", ", ")
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", coding),
            ("ETag", '"page-1"'),
            ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("Content-Security-Policy", "script-src 'self'"),
        ]
        return self._respond(writer, 200, headers, CODINGS[coding])


@pytest.fixture(scope="module")
def head_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyProcess]:
    server = StackedUpstream().start()
    routes = f"""
[[routes]]
match = ["/s/*"]
upstream = "{server.origin}"
rewrite = [{{ selector = "body", append = "analytics" }}]
"""
    root = tmp_path_factory.mktemp("head-project")
    process = ProxyProcess(write_project(root, upstream=server.origin, routes=routes))
    try:
        yield process
    finally:
        process.stop()
        server.stop()


def heads(proxy: ProxyProcess, path: str) -> tuple[httpx2.Response, bytes, httpx2.Response]:
    """The GET (and its body as sent, undecoded) and the HEAD of `path`."""
    with httpx2.Client(base_url=proxy.url, timeout=5) as client:
        headers = {"Accept-Encoding": "gzip"}
        with client.stream("GET", path, headers=headers) as get:
            raw = b"".join(get.iter_raw())
        return get, raw, client.head(path, headers=headers)


def compared(response: httpx2.Response) -> list[tuple[str, str]]:
    return sorted(
        (name.lower(), value)
        for name, value in response.headers.multi_items()
        if name.lower() not in NOT_COMPARED
    )


def test_single_coding_head_matches_get(head_proxy: ProxyProcess) -> None:
    get, _, head = heads(head_proxy, "/s/gzip")
    assert get.headers["etag"].startswith('W/"page-1-ev')  # the GET was rewritten
    assert compared(head) == compared(get)


def test_stacked_codings_head_matches_get(head_proxy: ProxyProcess) -> None:
    get, raw, head = heads(head_proxy, "/s/gzip,br")
    assert get.headers["etag"].startswith('W/"page-1-ev')  # GET decoded both and rewrote
    assert get.headers["content-encoding"] == "gzip"
    assert b"googletagmanager" in gzip.decompress(raw)
    assert compared(head) == compared(get)


def test_an_unknown_coding_passes_through_both_ways(head_proxy: ProxyProcess) -> None:
    get, raw, head = heads(head_proxy, "/s/deflate,compress")
    assert get.headers["etag"] == '"page-1"' and raw == PAGE  # byte for byte
    assert compared(head) == compared(get)
