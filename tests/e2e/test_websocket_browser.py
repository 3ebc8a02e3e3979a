"""A real browser's WebSocket through `edgeviews serve` to a real websockets upstream.

Headless Chromium (Debian's) opens the socket the way a site's scripts would: it offers
subprotocols, negotiates permessage-deflate with our server, sends its Origin, and reports
close codes to the page. The upstream runs in a thread of this process with its own loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from tests.e2e.chromium import launched_chromium
from tests.e2e.conftest import ProxyProcess, write_project
from tests.proxy.test_websocket import TIMEOUT, Seen, WsUpstream

pytestmark = pytest.mark.browser

T = TypeVar("T")

SESSION = """
async ([url, closeCode]) => {
  const ws = new WebSocket(url, ["chat.v1", "chat.v2"]);
  ws.binaryType = "arraybuffer";
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("the WebSocket failed to open"));
  });
  const got = [];
  let ended = false;
  const closed = new Promise((resolve) => {
    ws.onclose = (e) => { ended = true; resolve([e.code, e.reason]); };
  });
  ws.onmessage = (e) =>
    got.push(typeof e.data === "string" ? e.data : Array.from(new Uint8Array(e.data)));
  ws.send("héllo ✓");
  ws.send(new Uint8Array([0, 1, 255]));
  for (let i = 0; i < 250 && got.length < 2 && !ended; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  if (closeCode) ws.close(closeCode, "browser done");
  return { protocol: ws.protocol, extensions: ws.extensions, got, close: await closed };
}
"""


class ThreadedUpstream:
    """`WsUpstream` served from a thread's event loop while the test drives a browser."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = WsUpstream()
        self.run(self.server.__aenter__())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(TIMEOUT + 1)

    def closed(self) -> Seen:
        return self.run(self.server.closed())

    def stop(self) -> None:
        try:
            self.run(self.server.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(TIMEOUT)
            self.loop.close()


@pytest.fixture(scope="module")
def upstream() -> Iterator[ThreadedUpstream]:
    server = ThreadedUpstream()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def serve(
    tmp_path_factory: pytest.TempPathFactory, upstream: ThreadedUpstream
) -> Iterator[ProxyProcess]:
    origin = upstream.server.origin
    routes = f'[[routes]]\nmatch = ["/ws/*"]\nupstream = "{origin}/up"\n'
    root = tmp_path_factory.mktemp("websocket-browser")
    process = ProxyProcess(write_project(root, upstream=origin, routes=routes))
    yield process
    process.stop()


@pytest.fixture(scope="module")
def page(serve: ProxyProcess) -> Iterator[Any]:
    with launched_chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{serve.url}/_edgeviews/health")  # a page of the proxy's own origin
        yield page


def test_a_browser_session_with_subprotocol_compression_and_its_close_code(
    page: Any, serve: ProxyProcess, upstream: ThreadedUpstream
) -> None:
    url = f"ws://127.0.0.1:{serve.port}/ws/echo"
    result = page.evaluate(SESSION, [url, 4003])
    assert result["protocol"] == "chat.v2"
    assert "permessage-deflate" in result["extensions"]  # the browser's hop, with uvicorn
    assert result["got"] == ["héllo ✓", [0, 1, 255]]
    assert result["close"] == [4003, "browser done"]
    seen = upstream.closed()
    assert (seen.close_code, seen.close_reason) == (4003, "browser done")
    assert seen.headers["Origin"] == serve.url
    assert seen.headers["Sec-WebSocket-Protocol"] == "chat.v1, chat.v2"


def test_the_browser_sees_the_upstreams_close_code(page: Any, serve: ProxyProcess) -> None:
    result = page.evaluate(SESSION, [f"ws://127.0.0.1:{serve.port}/ws/close", 0])
    assert result["close"] == [4001, "bye from upstream"]
