"""The live-reload wrapper of `edgeviews dev`, called as an ASGI app around a stand-in proxy.

What it must do: add the script (naming the route's views) once, before the real `</body>`,
in every chunking; leave everything that is not a proxied HTML page alone; stream events to
each listener and end the streams when the server stops.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from edgeviews.config import load_config
from edgeviews.livereload import (
    EVENTS_PATH,
    SCRIPT,
    SCRIPT_HASH,
    SCRIPT_PATH,
    LiveReload,
    allow_events,
    allow_live_reload,
    events_url,
    forbids_scripts,
    format_event,
    inline_script_tag,
    script_tag,
    views_of_route,
)
from edgeviews.proxy.csp import script_hash

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

    async def receive() -> dict[str, Any]:
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


# --- pages under a Content-Security-Policy ---------------------------------------------------

URL = "http://127.0.0.1:8123" + EVENTS_PATH
HOST = [(b"host", b"127.0.0.1:8123")]


def html_headers(*extra: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"text/html; charset=utf-8"), *extra]


def test_the_inline_script_is_allowed_by_its_hash_whatever_the_views() -> None:
    for views in ([], ["analytics"], ["a", 'b"<']):
        found = re.fullmatch(
            r"<script data-views=\"[^\"]*\">(.*)</script>", inline_script_tag(views), re.S
        )
        assert found is not None and found.group(1) == SCRIPT
        assert script_hash(found.group(1)) == SCRIPT_HASH
    assert "</script" not in SCRIPT.lower()


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("connect-src https://api.example", f"connect-src https://api.example {URL}"),
        ("connect-src 'none'; img-src 'none'", f"connect-src {URL}; img-src 'none'"),
        ("default-src 'none'", f"default-src 'none'; connect-src {URL}"),
        (
            "default-src https://a; connect-src https://b",
            f"default-src https://a; connect-src https://b {URL}",
        ),
        ("connect-src 'self'", "connect-src 'self'"),
        ("connect-src *", "connect-src *"),
        ("default-src 'SELF'", "default-src 'SELF'"),
        (f"connect-src {URL}", f"connect-src {URL}"),
        ("script-src 'none'", "script-src 'none'"),
    ],
)
def test_the_event_endpoint_is_added_only_where_connections_are_restricted(
    policy: str, expected: str
) -> None:
    assert allow_events(policy, URL) == expected


def test_each_policy_of_a_list_is_widened_by_what_it_lacks() -> None:
    value = "default-src 'self', script-src 'nonce-abc' 'strict-dynamic'; connect-src 'none'"
    assert allow_live_reload(value, URL) == (
        f"default-src 'self'; script-src 'self' {SCRIPT_HASH}, "
        f"script-src 'nonce-abc' 'strict-dynamic' {SCRIPT_HASH}; connect-src {URL}"
    )


def test_a_policy_relying_on_unsafe_inline_gets_no_hash_and_the_same_text_back() -> None:
    value = "script-src 'unsafe-inline' ;  img-src *"
    assert allow_live_reload(value, URL) is value
    assert allow_live_reload("script-src 'unsafe-inline'; connect-src 'none'", None) == (
        "script-src 'unsafe-inline'; connect-src 'none'"
    )


def test_sandbox_without_allow_scripts_forbids_every_script() -> None:
    assert forbids_scripts("sandbox")
    assert forbids_scripts("default-src 'self', sandbox allow-forms")
    assert not forbids_scripts("sandbox allow-scripts allow-forms")
    assert not forbids_scripts("default-src 'self'")


@pytest.mark.parametrize(
    ("host", "url"),
    [
        (b"127.0.0.1:8123", URL),
        (b"Dev.Example", "http://dev.example" + EVENTS_PATH),
        (b"[::1]:9000", "http://[::1]:9000" + EVENTS_PATH),
        (b"evil; script-src *", None),
        (b"a,b", None),
        (None, None),
    ],
)
def test_the_event_url_comes_from_a_plain_host_header_only(
    host: bytes | None, url: str | None
) -> None:
    headers = [(b"host", host)] if host is not None else []
    assert events_url({"scheme": "http", "headers": headers}) == url


async def test_a_header_policy_gets_the_inline_script_and_is_widened(config: Any) -> None:
    policy = b"default-src 'none'; script-src 'nonce-abc' 'strict-dynamic'"
    proxy = StandIn([PAGE], headers=html_headers((b"content-security-policy", policy)))
    start, body = await call(LiveReload(proxy, config), "/", headers=HOST)
    widened = allow_live_reload(policy.decode(), URL).encode()
    assert widened != policy and header(start, b"content-security-policy") == widened
    assert inline_script_tag(["analytics", "consent_banner"]).encode() + b"</body></html>" in body
    assert SCRIPT_PATH.encode() not in body


async def test_a_meta_policy_is_widened_and_report_only_left_alone(config: Any) -> None:
    meta = "script-src https://cdn.example; connect-src https://api.example"
    page = (
        f'<html><head><meta http-equiv="Content-Security-Policy" content="{meta}">'
        f'<meta http-equiv="Content-Security-Policy-Report-Only" content="{meta}">'
        "</head><body></body></html>"
    ).encode()
    report_only = (b"content-security-policy-report-only", b"default-src 'none'")
    proxy = StandIn([page[:30], page[30:]], headers=html_headers(report_only))
    start, body = await call(LiveReload(proxy, config), "/", headers=HOST)
    assert report_only in start["headers"]
    widened = allow_live_reload(meta, URL)
    assert f'http-equiv="Content-Security-Policy" content="{widened}"'.encode() in body
    assert f'http-equiv="Content-Security-Policy-Report-Only" content="{meta}"'.encode() in body
    assert inline_script_tag(["analytics", "consent_banner"]).encode() in body


async def test_a_report_only_policy_alone_keeps_the_external_script(config: Any) -> None:
    report_only = (b"content-security-policy-report-only", b"default-src 'none'")
    start, body = await call(
        LiveReload(StandIn([PAGE], headers=html_headers(report_only)), config), "/", headers=HOST
    )
    assert start["headers"] == html_headers(report_only)
    assert TAG + b"</body></html>" in body


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (
            (b"content-security-policy", b"sandbox allow-forms"),
            "sandboxes them without allow-scripts",
        ),
        ((b"content-encoding", b"br"), "compresses them"),
    ],
)
async def test_a_page_live_reload_cannot_reach_is_said_once_per_route(
    config: Any, caplog: pytest.LogCaptureFixture, extra: tuple[bytes, bytes], reason: str
) -> None:
    app = LiveReload(StandIn([PAGE], headers=html_headers(extra)), config)
    with caplog.at_level(logging.WARNING, logger="edgeviews.livereload"):
        for path in ("/", "/help/a", "/help/b"):
            start, body = await call(app, path, headers=HOST)
            assert body == PAGE and start["headers"] == html_headers(extra)
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 1 and reason in lines[0] and "/ /help/*" in lines[0], lines


async def test_an_unusable_host_leaves_connect_src_alone_and_says_so(
    config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    policy = b"default-src 'none'"
    proxy = StandIn([PAGE], headers=html_headers((b"content-security-policy", policy)))
    with caplog.at_level(logging.WARNING, logger="edgeviews.livereload"):
        start, _ = await call(LiveReload(proxy, config), "/", headers=[(b"host", b"a;b")])
    assert (
        header(start, b"content-security-policy")
        == allow_live_reload(policy.decode(), None).encode()
    )
    assert b"connect-src" not in header(start, b"content-security-policy")  # type: ignore[operator]
    assert "Host" in caplog.text
