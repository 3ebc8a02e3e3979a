"""Live reload for `edgeviews dev`: an ASGI wrapper that tells open pages when their views change.

It wraps the proxy from the outside, so `edgeviews serve` never carries any of it: it serves
a server-sent-events stream at `EVENTS_PATH` and the small script at `SCRIPT_PATH`, and adds
a `<script src=...>` naming the page's views before `</body>` of each proxied HTML page. The
script is external, not inline, so a page whose CSP allows only 'self' scripts still runs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from html import escape
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edgeviews.config import Config, Route
from edgeviews.proxy.routes import CompiledRoute, compile_route, find_route

EVENTS_PATH = "/_edgeviews/livereload"
SCRIPT_PATH = "/_edgeviews/livereload.js"

# Classic script: `document.currentScript` is set while it runs, async or not. On a "reload"
# event it reloads when the page used one of the changed views, or when everything changed
# (a new configuration); the browser's EventSource reconnects by itself after a restart.
SCRIPT = """\
(function () {
  var me = document.currentScript;
  var views = ((me && me.getAttribute("data-views")) || "").split(" ").filter(Boolean);
  var source = new EventSource("EVENTS_PATH");
  window.edgeviewsLiveReload = source;  // for a look in the console (and the tests)
  source.addEventListener("reload", function (event) {
    var changed = JSON.parse(event.data);
    var used = changed.views.some(function (name) { return views.indexOf(name) !== -1; });
    if (changed.all || used) {
      source.close();
      location.reload();
    }
  });
})();
""".replace("EVENTS_PATH", EVENTS_PATH)


def script_tag(views: Iterable[str]) -> str:
    """The tag injected into a page that got `views`."""
    names = escape(" ".join(views), quote=True)
    return f'<script src="{SCRIPT_PATH}" data-views="{names}" async></script>'


def views_of_route(route: Route) -> tuple[str, ...]:
    """The views a route's rewrite rules inject, in rule order, each once."""
    return tuple(dict.fromkeys(rule.view for rule in route.rewrite if rule.view))


def format_event(views: Sequence[str], *, everything: bool = False) -> bytes:
    """One `reload` server-sent event naming the changed views."""
    data = json.dumps({"views": list(views), "all": everything})
    return f"event: reload\ndata: {data}\n\n".encode()


class Broadcaster:
    """Hands each published event to every open event stream; `close` ends them all."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[bytes | None]] = set()
        self.closed = False

    def publish(self, event: bytes) -> None:
        for queue in self._queues:
            queue.put_nowait(event)

    def close(self) -> None:
        """Ends every stream, so the server's graceful shutdown does not wait on them."""
        self.closed = True
        for queue in self._queues:
            queue.put_nowait(None)

    @contextlib.contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[bytes | None]]:
        """A queue that receives every event while the `with` block lasts; None ends it."""
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        if self.closed:
            queue.put_nowait(None)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def listeners(self) -> int:
        return len(self._queues)


class LiveReload:
    """The proxy wrapped for dev mode: events, the script, and the script added to HTML pages."""

    def __init__(self, app: ASGIApp, config: Config) -> None:
        self.app = app
        self.broadcaster = Broadcaster()
        self.use_config(config)

    def use_config(self, config: Config) -> None:
        """Match pages against `config`'s routes from the next request on."""
        self._routes: tuple[CompiledRoute, ...] = tuple(
            compile_route(route, index, source=config.source)
            for index, route in enumerate(config.routes)
        )

    def views_changed(self, views: Sequence[str], *, everything: bool = False) -> None:
        """Tell every open page; pages that use none of `views` ignore it unless `everything`."""
        self.broadcaster.publish(format_event(views, everything=everything))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path == EVENTS_PATH:
            await self._stream_events(receive, send)
            return
        if path == SCRIPT_PATH:
            await _send_script(send)
            return
        # The proxy's own matcher: the script goes exactly where the proxy serves a route.
        compiled = find_route(self._routes, path, scope["headers"])
        if compiled is None or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        # Ask for an uncompressed page so the script can be added without re-encoding it.
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]
        injector = ScriptInjector(send, script_tag(views_of_route(compiled.route)))
        try:
            await self.app({**scope, "headers": headers}, receive, injector.send)
        finally:
            await injector.aclose()

    async def _stream_events(self, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        # `retry` keeps the browser's reconnect quick when `edgeviews dev` restarts.
        await send({"type": "http.response.body", "body": b"retry: 500\n\n", "more_body": True})
        with self.broadcaster.subscribe() as queue:
            disconnected = asyncio.ensure_future(_wait_for_disconnect(receive))
            try:
                while True:
                    next_event = asyncio.ensure_future(queue.get())
                    await asyncio.wait(
                        {next_event, disconnected}, return_when=asyncio.FIRST_COMPLETED
                    )
                    if not next_event.done():
                        next_event.cancel()
                        return
                    event = next_event.result()
                    if event is None:
                        break
                    await send({"type": "http.response.body", "body": event, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            finally:
                disconnected.cancel()


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _send_script(send: Send) -> None:
    body = SCRIPT.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/javascript; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-cache"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _should_inject(message: Message) -> bool:
    if message["status"] != 200:
        return False
    content_type = b""
    for name, value in message.get("headers", ()):
        lowered = name.lower()
        if lowered == b"content-encoding" and value.lower() != b"identity":
            return False  # the upstream ignored our request for identity: leave it alone
        if lowered == b"content-type":
            content_type = value.lower()
    return content_type.startswith(b"text/html")


class ScriptInjector:
    """An ASGI `send` that streams an HTML response through the rewriter, adding a tag at `</body>`.

    The rewriter pulls from an async iterable, the app pushes through `send`: a one-slot
    queue joins the two, so the page streams with no more than a chunk held here.
    """

    def __init__(self, send: Send, tag: str) -> None:
        self._send = send
        self._tag = tag
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=1)
        self._pump: asyncio.Task[None] | None = None
        self._passthrough = True

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if _should_inject(message):
                self._passthrough = False
                message = {**message, "headers": _headers_for_changed_body(message["headers"])}
                self._pump = asyncio.ensure_future(self._rewrite())
            await self._send(message)
            return
        if self._passthrough or message["type"] != "http.response.body":
            await self._send(message)
            return
        body = message.get("body", b"")
        if body:
            await self._feed(body)
        if not message.get("more_body", False):
            await self._feed(None)
            assert self._pump is not None
            await self._pump

    async def aclose(self) -> None:
        """Stops the pump when the app ended without finishing its body (an error, a disconnect)."""
        if self._pump is not None and not self._pump.done():
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._pump

    async def _feed(self, item: bytes | None) -> None:
        assert self._pump is not None
        put = asyncio.ensure_future(self._queue.put(item))
        await asyncio.wait({put, self._pump}, return_when=asyncio.FIRST_COMPLETED)
        if not put.done():
            put.cancel()
            await self._pump  # it failed (the client went away): raise its error to the app
            raise RuntimeError("the live-reload rewriter stopped before the page ended")

    async def _rewrite(self) -> None:
        from edgeviews.rewriter import Rewriter  # the dev server only; `serve` never loads this

        tag = self._tag

        def add_tag(end_tag: Any) -> None:
            end_tag.before(tag, html=True)

        async def chunks() -> AsyncIterator[bytes]:
            while (chunk := await self._queue.get()) is not None:
                yield chunk

        rewriter = Rewriter().on("body", end_tag=add_tag)
        async for chunk in rewriter.atransform(chunks()):
            if chunk:
                await self._send({"type": "http.response.body", "body": chunk, "more_body": True})
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})


def _headers_for_changed_body(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    # The body grows by the tag: its length and any strong validator no longer hold.
    dropped = {b"content-length", b"etag", b"content-md5"}
    return [(k, v) for k, v in headers if k.lower() not in dropped]
