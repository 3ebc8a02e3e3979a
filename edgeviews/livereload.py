"""Live reload for `edgeviews dev`: an ASGI wrapper that tells open pages when their views change.

It wraps the proxy from the outside, so `edgeviews serve` never carries any of it: it serves
a server-sent-events stream at `EVENTS_PATH` and the small script at `SCRIPT_PATH`, and adds
a `<script>` naming the page's views before `</body>` of each proxied HTML page.

A page without an enforced Content-Security-Policy gets the external script (`SCRIPT_PATH`).
A page with one (a header, or a `<meta http-equiv>` seen before `</body>`) gets the same
script inline, and each of its policies is widened by exactly what live reload needs: the
script's sha256 hash in the directive governing script elements (csp.py's `merge_policy`, which
leaves policies relying on 'unsafe-inline' alone) and our event endpoint, as a full URL, in
connect-src when connect-src/default-src would refuse it. A hash, unlike 'self' or a host,
is honoured under 'strict-dynamic' and nonce-only policies. Report-only policies are left
alone. Where live reload still cannot work (a `sandbox` policy without allow-scripts, a page
the upstream compressed), one warning per route and reason says so in the dev console.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from html import escape
from typing import Any, Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edgeviews.config import Config, Route
from edgeviews.proxy.csp import ScriptSources, add_sources, merge_policy, script_hash
from edgeviews.proxy.routes import CompiledRoute, compile_route, find_route

logger = logging.getLogger("edgeviews.livereload")

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


SCRIPT_HASH: Final = script_hash(SCRIPT)
"""The CSP hash source of the inline script (its text never varies: the views are an attribute)."""

_CSP_HEADER: Final = b"content-security-policy"
_NOT_A_PAGE: Final = "not a page"  # the usual reason: said to nobody
_CONNECT_DIRECTIVES: Final = ("connect-src", "default-src")
_HOST: Final = re.compile(r"[A-Za-z0-9.\-]+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?")


def script_tag(views: Iterable[str]) -> str:
    """The tag injected into a page that got `views` and has no enforced CSP."""
    names = escape(" ".join(views), quote=True)
    return f'<script src="{SCRIPT_PATH}" data-views="{names}" async></script>'


def inline_script_tag(views: Iterable[str]) -> str:
    """The tag injected into a page under a CSP: the script inline, allowed by `SCRIPT_HASH`."""
    names = escape(" ".join(views), quote=True)
    return f'<script data-views="{names}">{SCRIPT}</script>'


def events_url(scope: Scope) -> str | None:
    """The event endpoint as the browser reaches it (for connect-src), from the Host header;
    None when the Host is missing or not a plain host[:port] (it would corrupt a policy)."""
    host = next((v for k, v in scope["headers"] if k.lower() == b"host"), b"").decode("latin-1")
    if not _HOST.fullmatch(host):
        return None
    return f"{scope.get('scheme', 'http')}://{host.lower()}{EVENTS_PATH}"


def allow_events(policy: str, url: str) -> str:
    """One serialized policy that also lets EventSource reach `url`, or unchanged.

    Only when connect-src (else default-src) exists and allows neither 'self' nor `*` nor
    `url`: then `url` is added to connect-src (a policy with only default-src gets a
    connect-src copied from it, so nothing else it governs is loosened).
    """
    url_lower = url.lower()

    def additions(sources: list[str]) -> list[str]:
        allowed = {source.lower() for source in sources}
        return [] if {"'self'", "*", url_lower} & allowed else [url]

    return add_sources(policy, "connect-src", _CONNECT_DIRECTIVES, additions)


def allow_live_reload(value: str, url: str | None) -> str:
    """A CSP header or meta value (maybe several comma-separated policies), each policy widened
    by our inline script's hash and, with `url`, our event endpoint; unchanged if none needs it."""
    ours = ScriptSources(hashes=(SCRIPT_HASH,))
    policies = value.split(",")
    merged = []
    for policy in policies:
        widened = merge_policy(policy.strip(), ours)
        merged.append(allow_events(widened, url) if url is not None else widened)
    if merged == [policy.strip() for policy in policies]:
        return value
    return ", ".join(merged)


def forbids_scripts(value: str) -> bool:
    """True when a policy in `value` sandboxes the page without allow-scripts: no script runs."""
    for policy in value.split(","):
        for directive in policy.split(";"):
            tokens = directive.lower().split()
            if tokens and tokens[0] == "sandbox" and "allow-scripts" not in tokens[1:]:
                return True
    return False


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
        self._warned: set[tuple[tuple[str, ...], str]] = set()
        self.use_config(config)

    def _warn_once(self, route: Route, reason: str) -> None:
        """One console line per route and reason: a page type, not every request of it."""
        key = (route.match, reason)
        if key not in self._warned:
            self._warned.add(key)
            logger.warning("live reload is off on pages of %s: %s", " ".join(route.match), reason)

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
        route = compiled.route
        injector = ScriptInjector(
            send,
            views_of_route(route),
            events_url=events_url(scope),
            warn=lambda reason: self._warn_once(route, reason),
        )
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
                    # A page sandboxed without allow-same-origin has an opaque origin: to it
                    # this stream is cross-origin. It carries only view names, dev only.
                    (b"access-control-allow-origin", b"*"),
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


def _injectable(message: Message) -> str | None:
    """Why a response cannot get the script, or None when it can (an uncompressed HTML 200)."""
    if message["status"] != 200:
        return _NOT_A_PAGE
    content_type = b""
    for name, value in message.get("headers", ()):
        lowered = name.lower()
        if lowered == b"content-encoding" and value.lower() != b"identity":
            # The upstream ignored our request for identity: leave it alone.
            return "the upstream compresses them although asked not to (Accept-Encoding dropped)"
        if lowered == b"content-type":
            content_type = value.lower()
    return None if content_type.startswith(b"text/html") else _NOT_A_PAGE


class ScriptInjector:
    """An ASGI `send` that streams an HTML response through the rewriter, adding a tag at `</body>`.

    The tag is the external script, or, once an enforced CSP was seen (header, or a <meta>
    before `</body>`), the inline script with the policies widened for it (`allow_live_reload`).
    The rewriter pulls from an async iterable, the app pushes through `send`: a one-slot
    queue joins the two, so the page streams with no more than a chunk held here.
    """

    def __init__(
        self,
        send: Send,
        views: Sequence[str],
        *,
        events_url: str | None = None,
        warn: Callable[[str], None] = lambda reason: None,
    ) -> None:
        self._send = send
        self._views = tuple(views)
        self._events_url = events_url
        self._warn = warn
        self._under_csp = False
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=1)
        self._pump: asyncio.Task[None] | None = None
        self._passthrough = True

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            reason = _injectable(message)
            if reason is None:
                message = self._start_rewriting(message)
            elif reason != _NOT_A_PAGE:
                self._warn(reason)
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

    def _start_rewriting(self, message: Message) -> Message:
        headers = _headers_for_changed_body(message["headers"])
        policies = [v.decode("latin-1") for k, v in headers if k.lower() == _CSP_HEADER]
        if any(forbids_scripts(policy) for policy in policies):
            self._warn("their CSP sandboxes them without allow-scripts, so no script runs")
            return message
        if policies:
            self._under_csp = True
            headers = [
                (k, self._widened(v.decode("latin-1")).encode("latin-1"))
                if k.lower() == _CSP_HEADER
                else (k, v)
                for k, v in headers
            ]
        self._passthrough = False
        self._pump = asyncio.ensure_future(self._rewrite())
        return {**message, "headers": headers}

    def _widened(self, policy: str) -> str:
        if self._events_url is None:
            self._warn("their CSP may refuse our event stream: the request's Host is unusable")
        return allow_live_reload(policy, self._events_url)

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

        def add_tag(end_tag: Any) -> None:
            tag = inline_script_tag if self._under_csp else script_tag
            end_tag.before(tag(self._views), html=True)

        def widen_meta(element: Any) -> None:
            equiv = element.get_attribute("http-equiv")
            if equiv is None or equiv.strip().lower() != "content-security-policy":
                return  # report-only policies are left alone (and are not valid in <meta>)
            self._under_csp = True
            content = element.get_attribute("content")
            if content:
                widened = self._widened(content)
                if widened != content:
                    element.set_attribute("content", widened)

        async def chunks() -> AsyncIterator[bytes]:
            while (chunk := await self._queue.get()) is not None:
                yield chunk

        rewriter = Rewriter().on("meta[http-equiv]", element=widen_meta)
        rewriter.on("body", end_tag=add_tag)
        async for chunk in rewriter.atransform(chunks()):
            if chunk:
                await self._send({"type": "http.response.body", "body": chunk, "more_body": True})
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})


def _headers_for_changed_body(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    # The body grows by the tag: its length and any strong validator no longer hold.
    dropped = {b"content-length", b"etag", b"content-md5"}
    return [(k, v) for k, v in headers if k.lower() not in dropped]
