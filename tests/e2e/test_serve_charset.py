"""Snippets in the page's own encoding, through a real `edgeviews serve` process.

The upstream (on 127.0.0.1) declares the charset only in `<meta>` (or in the header, or by
nothing at all); the snippets hold characters outside ASCII. A browser decodes the page with
the encoding the HTML standard's sniffing gives, so the response is decoded here the same way
and the snippets' text must read exactly as written (no mojibake), while every byte of the
page outside the snippets stays as the upstream sent it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.e2e.conftest import ProxyProcess, RecordedRequest, Upstream, write_build, write_project

NOTE = "Café – 日本 ☃"
HEAD_NOTE = "Crème brûlée"
TITLE = "Noël"
VIEWS = f"""
def note(env=None):
    return '<p id="ev-note">{NOTE}</p>'


def head_note(env=None):
    return '<meta name="ev-head" content="{HEAD_NOTE}">'


VIEWS = {{"note": note, "head_note": head_note}}
"""


def page(meta: bytes, text: str, encoding: str) -> bytes:
    return (
        b"<!doctype html><html><head>" + meta + b"<title>t</title></head>"
        b"<body><p id=own>" + text.encode(encoding) + b"</p></body></html>"
    )


WINDOWS_1252 = page(b'<meta charset="windows-1252">', "déjà vu", "cp1252")
SHIFT_JIS = page(
    b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', "日本語", "cp932"
)
UNDECLARED = page(b"", "plain", "ascii")


class CharsetUpstream(Upstream):
    """The e2e upstream serving this file's pages: path -> (headers, pieces, pause between)."""

    pages: dict[str, tuple[list[tuple[str, str]], list[bytes], float]]

    async def _dispatch(
        self, request: RecordedRequest, writer: asyncio.StreamWriter, reader: asyncio.StreamReader
    ) -> bool:
        headers, pieces, pause = self.pages[request.target.split("?")[0]]
        if len(pieces) == 1:
            return self._respond(writer, 200, headers, pieces[0])
        return await self._chunked(writer, 200, headers, pieces, pause)


PAGES: dict[str, tuple[list[tuple[str, str]], list[bytes], float]] = {
    "/c/1252": ([("Content-Type", "text/html")], [WINDOWS_1252], 0),
    "/c/sjis-gzip": (
        [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        [gzip.compress(SHIFT_JIS)],
        0,
    ),
    "/c/header-wins": (
        [("Content-Type", "text/html; charset=windows-1251")],
        [page(b"<meta charset=shift_jis>", "мир", "cp1251")],
        0,
    ),
    # The <meta> arrives 0.1 s after the first bytes, which hold the <head> our snippet follows.
    "/c/meta-later": (
        [("Content-Type", "text/html")],
        [b"<!doctype html><html><head>", SHIFT_JIS[len(b"<!doctype html><html><head>") :]],
        0.1,
    ),
    # The first bytes already start the body: they must not wait for the paused rest.
    "/c/slow-body": (
        [("Content-Type", "text/html; charset=utf-8")],
        [b"<!doctype html><html><head><title>t</title></head><body><p>first", b"</p></body>"],
        0.6,
    ),
    "/c/undeclared": ([("Content-Type", "text/html")], [UNDECLARED], 0),
}


@contextlib.contextmanager
def running_charset_proxy(root: Path) -> Iterator[tuple[CharsetUpstream, ProxyProcess]]:
    """The upstream serving PAGES and an `edgeviews serve` in front of it (project in `root`)."""
    server = CharsetUpstream()
    server.pages = dict(PAGES)
    server.start()
    routes = f"""
[[routes]]
match = ["/c/*"]
upstream = "{server.origin}"
rewrite = [
  {{ selector = "body", append = "note" }},
  {{ selector = "head", prepend = "head_note" }},
  {{ selector = "p#own", attributes = {{ title = "{TITLE}" }} }},
]
"""
    try:
        config = write_project(root, upstream=server.origin, routes=routes)
        write_build(root / "build", source=VIEWS)
        process = ProxyProcess(config)
        try:
            yield server, process
        finally:
            process.stop()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def charset_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[CharsetUpstream, ProxyProcess]]:
    with running_charset_proxy(tmp_path_factory.mktemp("charset-project")) as servers:
        yield servers


@pytest.fixture
def charset_upstream(charset_servers: tuple[CharsetUpstream, ProxyProcess]) -> CharsetUpstream:
    return charset_servers[0]


@pytest.fixture
def charset_proxy(charset_servers: tuple[CharsetUpstream, ProxyProcess]) -> ProxyProcess:
    return charset_servers[1]


def fetch(proxy: ProxyProcess, path: str, accept_encoding: str = "identity") -> httpx2.Response:
    with httpx2.Client(base_url=proxy.url, timeout=5) as client:
        return client.get(path, headers={"Accept-Encoding": accept_encoding})


def snippets_read(body: bytes, encoding: str) -> tuple[str, str]:
    """The snippets' text as a browser decoding the page with `encoding` shows it."""
    tree = LexborHTMLParser(body.decode(encoding))
    note = tree.css_first("#ev-note")
    head = tree.css_first('meta[name="ev-head"]')
    assert note is not None and head is not None
    return note.text(), head.attributes["content"] or ""


def without_snippets(body: bytes, encoding: str) -> bytes:
    """The body with our two insertions cut out (to compare with what the upstream sent)."""
    start = body.index(b'<meta name="ev-head"')
    body = body[:start] + body[body.index(b">", start) + 1 :]
    start = body.index(b'<p id="ev-note">')
    body = body[:start] + body[body.index(b"</p>", start) + 4 :]
    return re.sub(rb'(<p id=own) title="[^"]*"', rb"\1", body)


def test_meta_charset_windows_1252(charset_proxy: ProxyProcess) -> None:
    response = fetch(charset_proxy, "/c/1252")
    assert response.status_code == 200
    assert snippets_read(response.content, "cp1252") == (NOTE, HEAD_NOTE)
    assert b'<p id="ev-note">Caf\xe9 \x96 &#26085;&#26412; &#9731;</p>' in response.content
    assert b'<p id=own title="No\xebl">' in response.content
    assert without_snippets(response.content, "cp1252") == WINDOWS_1252


def test_meta_http_equiv_shift_jis_in_a_gzip_body(charset_proxy: ProxyProcess) -> None:
    response = fetch(charset_proxy, "/c/sjis-gzip", "gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert snippets_read(response.content, "cp932") == (NOTE, HEAD_NOTE)
    assert without_snippets(response.content, "cp932") == SHIFT_JIS


def test_the_header_charset_wins_over_meta(charset_proxy: ProxyProcess) -> None:
    response = fetch(charset_proxy, "/c/header-wins")
    assert snippets_read(response.content, "cp1251") == (NOTE, HEAD_NOTE)


def test_a_meta_in_the_second_piece_is_seen(charset_proxy: ProxyProcess) -> None:
    """The head snippet goes right after <head>, in the first piece, before the <meta> came:
    the first bytes are held (up to 1024) until the encoding is known."""
    response = fetch(charset_proxy, "/c/meta-later")
    assert snippets_read(response.content, "cp932") == (NOTE, HEAD_NOTE)
    assert without_snippets(response.content, "cp932") == SHIFT_JIS


def test_first_bytes_are_not_held_once_the_body_started(charset_proxy: ProxyProcess) -> None:
    with socket.create_connection(("127.0.0.1", charset_proxy.port), timeout=5) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /c/slow-body HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n")
        received = b""
        while b"<p>first" not in received:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
        assert time.monotonic() - started < 0.4  # the upstream pauses 0.6 s after these bytes


def test_an_undeclared_page_gets_character_references(charset_proxy: ProxyProcess) -> None:
    """Whatever ASCII-compatible encoding the browser guesses, references read right."""
    response = fetch(charset_proxy, "/c/undeclared")
    assert b'<p id="ev-note">Caf&#233; &#8211; &#26085;&#26412; &#9731;</p>' in response.content
    assert snippets_read(response.content, "cp1252") == (NOTE, HEAD_NOTE)
    assert without_snippets(response.content, "ascii") == UNDECLARED


def test_an_undeclared_utf16_page_is_untouched(
    tmp_path: Path, charset_proxy: ProxyProcess, charset_upstream: CharsetUpstream, corpus: Path
) -> None:
    data = (corpus / "pages/encoding-edge/UTF-16LE__plane1-utf-16le.html").read_bytes()
    charset_upstream.pages["/c/utf16-undeclared"] = ([("Content-Type", "text/html")], [data], 0)
    response = fetch(charset_proxy, "/c/utf16-undeclared")
    assert response.content == data
