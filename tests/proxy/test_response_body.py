"""Body messages to the client: as few as streaming allows, the last one carrying the last bytes.

Each ASGI body message is one write to the client's socket; these tests drive the app
directly with a recording `send` against the real test upstream on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgeviews.config import load_config
from edgeviews.proxy import ProxyApp, create_app
from edgeviews.proxy.content_coding import decoder_for
from edgeviews.proxy.page_encoding import sniff_page_encoding
from edgeviews.proxy.response_body import declared_length, page_encoding
from tests.e2e.conftest import GA_ID, LANDING, Upstream, write_project

Message = dict[str, Any]


@pytest.fixture
def app(tmp_path: Path, upstream: Upstream) -> ProxyApp:
    return create_app(load_config(write_project(tmp_path, upstream=upstream.origin)), env="test")


async def messages_for(
    app: ProxyApp, path: str, headers: list[tuple[bytes, bytes]] | None = None
) -> list[Message]:
    """Every message the app sends for one GET, timed: (message, seconds since the request)."""
    target, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": target,
        "raw_path": target.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"www.example.com"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    never = asyncio.get_running_loop().create_future()
    requested = False

    async def receive() -> Message:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never  # the client stays; the app cancels this wait when it is done
        raise AssertionError("unreachable")

    sent: list[Message] = []
    started = asyncio.get_running_loop().time()

    async def send(message: Message) -> None:
        sent.append({**message, "at": asyncio.get_running_loop().time() - started})

    await app(scope, receive, send)  # type: ignore[arg-type]
    return sent


def bodies(sent: list[Message]) -> list[Message]:
    assert sent[0]["type"] == "http.response.start"
    assert all(m["type"] == "http.response.body" for m in sent[1:])
    assert [m.get("more_body", False) for m in sent[1:]] == [True] * (len(sent) - 2) + [False]
    return sent[1:]


IDENTITY = [(b"accept-encoding", b"identity")]


async def test_a_rewritten_page_ends_with_its_last_bytes_not_an_empty_message(
    app: ProxyApp,
) -> None:
    body_messages = bodies(await messages_for(app, "/t/site", IDENTITY))
    # The upstream sends a Content-Length: the last bytes and the end go out together.
    assert all(m["body"] for m in body_messages)
    page = b"".join(m["body"] for m in body_messages)
    assert f"gtag('config', '{GA_ID}')".encode() in page
    assert page.endswith(b"</body>\n</html>\n")


async def test_a_passed_through_body_ends_with_its_last_bytes(app: ProxyApp, corpus: Path) -> None:
    sent = await messages_for(app, "/raw/pages/x?page=html5lib-microbench/wiki145.html")
    body_messages = bodies(sent)
    assert all(m["body"] for m in body_messages)
    expected = (corpus / "pages/html5lib-microbench/wiki145.html").read_bytes()
    assert b"".join(m["body"] for m in body_messages) == expected


async def test_a_chunked_page_still_streams_its_first_part_at_once(app: ProxyApp) -> None:
    # No declared length: the first part goes out while the upstream waits; the end of the
    # stream is only seen afterwards, so the closing message may be empty.
    sent = await messages_for(app, "/t/slow?delay=0.3", IDENTITY)
    body_messages = bodies(sent)
    assert body_messages[0]["body"] and body_messages[0]["at"] < 0.25
    page = b"".join(m["body"] for m in body_messages)
    assert page.startswith(LANDING[:80]) and page.endswith(b"</body>\n</html>\n")
    assert GA_ID.encode() in page and b'href="/favicon.ico"' in page


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd", "deflate"])
async def test_an_encoded_page_ends_in_one_message_that_decodes(app: ProxyApp, coding: str) -> None:
    sent = await messages_for(app, f"/t/site?enc={coding}", [(b"accept-encoding", coding.encode())])
    start = sent[0]
    assert (b"content-encoding", coding.encode()) in start["headers"]
    body_messages = bodies(sent)
    assert all(m["body"] for m in body_messages)
    decoder = decoder_for([coding])
    assert decoder is not None
    page = decoder.decode(b"".join(m["body"] for m in body_messages)) + decoder.finish()
    assert f"gtag('config', '{GA_ID}')".encode() in page and page.endswith(b"</html>\n")


async def test_a_utf16_page_passes_through_and_ends_with_its_last_bytes(app: ProxyApp) -> None:
    body_messages = bodies(await messages_for(app, "/t/utf16?bom=1", IDENTITY))
    assert all(m["body"] for m in body_messages)
    assert b"".join(m["body"] for m in body_messages).startswith(b"\xff\xfe")


async def test_an_empty_answer_is_one_empty_closing_message(app: ProxyApp) -> None:
    sent = await messages_for(app, "/raw/empty")
    assert sent[0]["status"] == 204
    assert [(m["body"], m["more_body"]) for m in sent[1:]] == [(b"", False)]


def test_declared_length_only_when_it_frames_the_body() -> None:
    assert declared_length([(b"content-type", b"text/html"), (b"content-length", b"12")]) == 12
    assert declared_length([(b"content-length", b"12"), (b"transfer-encoding", b"chunked")]) is None
    assert declared_length([(b"content-length", b"12"), (b"content-length", b"12")]) is None
    assert declared_length([(b"content-length", b"-1")]) is None
    assert declared_length([(b"content-type", b"text/html")]) is None


_PAGE_PARTS = st.sampled_from(
    [
        b"<!doctype html>",
        b"<head>",
        b'<meta charset="windows-1251">',
        b"<meta http-equiv=Content-Type content='text/html; charset=shift_jis'>",
        b"<title>t</title>",
        b"<body><p>",
        b"\xef\xbb\xbf",
        b"\xff\xfe<\x00h\x00",
        b"<\x00h\x00t\x00",
        b'<?xml version="1.0" encoding="ISO-8859-2"?>',
        b"x" * 700,
    ]
)


@given(
    st.lists(_PAGE_PARTS, max_size=6).map(b"".join),
    st.sampled_from(
        [None, b"text/html", b"text/html; charset=utf-8", b"application/xhtml+xml", b"TEXT/HTML"]
    ),
)
def test_remembered_page_encoding_is_the_sniffed_one(
    first: bytes, content_type: bytes | None
) -> None:
    expected = sniff_page_encoding(first, content_type)
    assert page_encoding(first, content_type) == expected
    assert page_encoding(first, content_type) == expected  # from the cache this time
