"""The live-reload wrapper of `edgeviews dev`, called as an ASGI app around a stand-in proxy.

What it must do: add the script (naming the route's views) once, before the real `</body>`,
in every chunking; leave everything that is not a proxied HTML page alone; stream events to
each listener and end the streams when the server stops.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from edgeviews.config import load_config
from edgeviews.livereload import (
    EVENTS_PATH,
    SCRIPT_PATH,
    LiveReload,
    format_event,
    script_tag,
    views_of_route,
)

TOML = """\
[[routes]]
match = ["/", "/help/*"]
upstream = "https://example.framer.app"
rewrite = [
  { selector = "body", append = "analytics" },
  { selector = "head", prepend = "consent-banner" },
  { selector = "body", prepend = "analytics" },
  { selector = 'link[rel="icon"]', attributes = { href = "/favicon.ico" } },
]

[[routes]]
match = ["/plain"]
upstream = "https://example.framer.app"
"""

PAGE = (
    b"<!doctype html><html><head><script>var s = '</body>';</script></head>"
    b"<body><!-- </body> --><h1>Hi</h1></body></html>"
)
TAG = script_tag(["analytics", "consent_banner"]).encode()


class StandIn:
    """The proxy's place: answers with fixed headers and body chunks, records what it was asked."""

    def __init__(self, chunks: list[bytes], headers: list[tuple[bytes, bytes]] | None = None):
        self.chunks = chunks
        self.headers = headers or [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(sum(map(len, chunks))).encode()),
            (b"etag", b'"abc"'),
        ]
        self.scopes: list[Mapping[str, Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scopes.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        for index, chunk in enumerate(self.chunks):
            more = index < len(self.chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})


@pytest.fixture
def config(tmp_path: Path) -> Any:
    (tmp_path / "edgeviews.toml").write_text(TOML)
    return load_config(cwd=tmp_path)


async def call(app: Any, path: str, *, headers: list[tuple[bytes, bytes]] | None = None) -> Any:
    sent: list[Mapping[str, Any]] = []

    async def receive() -> Mapping[str, Any]:
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: Mapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": headers or []}
    await asyncio.wait_for(app(scope, receive, send), 5)
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert sent[-1].get("more_body", False) is False
    return start, body


def header(start: Mapping[str, Any], name: bytes) -> bytes | None:
    return next((v for k, v in start["headers"] if k == name), None)


@pytest.mark.parametrize("size", [1, 7, 64, len(PAGE)])
async def test_the_script_goes_before_the_real_body_end_in_any_chunking(
    config: Any, size: int
) -> None:
    chunks = [PAGE[i : i + size] for i in range(0, len(PAGE), size)]
    proxy = StandIn(chunks)
    start, body = await call(LiveReload(proxy, config), "/help/article")
    assert body == PAGE.replace(b"</body></html>", TAG + b"</body></html>")
    assert header(start, b"content-length") is None  # the body grew
    assert header(start, b"etag") is None
    assert header(start, b"content-type") == b"text/html; charset=utf-8"


async def test_a_page_without_a_body_end_gets_the_script_at_its_end(config: Any) -> None:
    page = b"<!doctype html><title>t</title><p>no end tags"
    _, body = await call(LiveReload(StandIn([page[:20], page[20:]]), config), "/")
    assert body == page + TAG


async def test_the_page_is_asked_for_uncompressed(config: Any) -> None:
    proxy = StandIn([PAGE])
    await call(
        LiveReload(proxy, config),
        "/",
        headers=[(b"accept-encoding", b"gzip, br"), (b"cookie", b"a=1")],
    )
    assert proxy.scopes[0]["headers"] == [(b"cookie", b"a=1")]


def test_the_script_names_the_route_views_once_each_in_rule_order(config: Any) -> None:
    assert views_of_route(config.routes[0]) == ("analytics", "consent_banner")
    assert views_of_route(config.routes[1]) == ()
    assert script_tag(["a", 'b"<']) == (
        '<script src="/_edgeviews/livereload.js" data-views="a b&quot;&lt;" async></script>'
    )


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/elsewhere", [(b"content-type", b"text/html")]),  # no route: the host app's page
        ("/", [(b"content-type", b"application/json")]),
        ("/", [(b"content-type", b"text/html"), (b"content-encoding", b"gzip")]),
    ],
)
async def test_other_responses_pass_untouched(
    config: Any, path: str, headers: list[tuple[bytes, bytes]]
) -> None:
    proxy = StandIn([PAGE[:10], PAGE[10:]], headers=headers)
    start, body = await call(LiveReload(proxy, config), path)
    assert body == PAGE
    assert start["headers"] == headers


async def test_a_route_without_views_still_gets_the_script(config: Any) -> None:
    _, body = await call(LiveReload(StandIn([PAGE]), config), "/plain")
    assert script_tag([]).encode() + b"</body></html>" in body


async def test_the_script_and_its_content_type(config: Any) -> None:
    start, body = await call(LiveReload(StandIn([]), config), SCRIPT_PATH)
    assert header(start, b"content-type") == b"text/javascript; charset=utf-8"
    assert header(start, b"content-length") == str(len(body)).encode()
    assert EVENTS_PATH.encode() in body and b'addEventListener("reload"' in body


async def test_events_reach_every_listener_and_close_ends_the_streams(config: Any) -> None:
    app = LiveReload(StandIn([]), config)
    streams = [asyncio.ensure_future(call(app, EVENTS_PATH)) for _ in range(2)]
    for _ in range(100):
        if app.broadcaster.listeners == 2:
            break
        await asyncio.sleep(0.01)
    assert app.broadcaster.listeners == 2
    app.views_changed(["analytics"])
    app.views_changed([], everything=True)
    app.broadcaster.close()
    for start, body in await asyncio.gather(*streams):
        assert header(start, b"content-type") == b"text/event-stream; charset=utf-8"
        assert body == b"retry: 500\n\n" + format_event(["analytics"]) + format_event(
            [], everything=True
        )
    assert app.broadcaster.listeners == 0


async def test_a_listener_that_hangs_up_is_forgotten(config: Any) -> None:
    app = LiveReload(StandIn([]), config)
    hung_up = asyncio.Event()

    async def receive() -> Mapping[str, Any]:
        await hung_up.wait()
        return {"type": "http.disconnect"}

    async def send(message: Mapping[str, Any]) -> None:
        pass

    scope = {"type": "http", "method": "GET", "path": EVENTS_PATH, "headers": []}
    stream = asyncio.ensure_future(app(scope, receive, send))
    await asyncio.sleep(0.05)
    assert app.broadcaster.listeners == 1
    hung_up.set()
    await asyncio.wait_for(stream, 5)
    assert app.broadcaster.listeners == 0


def test_event_format() -> None:
    event = format_event(["a", "b"])
    assert event.startswith(b"event: reload\ndata: ") and event.endswith(b"\n\n")
    assert json.loads(event.split(b"data: ")[1]) == {"views": ["a", "b"], "all": False}
