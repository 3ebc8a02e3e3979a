"""Headless Chromium as the oracle for page encodings: our label table against its
`TextDecoder`, and pages through a real `edgeviews serve` whose charset only a `<meta>`
declares: the browser decodes them with the encoding we sniffed, and our snippets read right.

Uses the upstream and proxy of tests/e2e/test_serve_charset.py; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from edgeviews.proxy.page_encoding import ENCODING_OF_LABEL, sniff_page_encoding
from tests.e2e.chromium import launched_chromium
from tests.e2e.conftest import ProxyProcess
from tests.e2e.test_serve_charset import (
    HEAD_NOTE,
    NOTE,
    SHIFT_JIS,
    TITLE,
    WINDOWS_1252,
    page,
    running_charset_proxy,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    with launched_chromium() as browser:
        page = browser.new_context().new_page()
        page.set_default_timeout(10_000)
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if "//127.0.0.1:" in route.request.url else route.abort()
            ),
        )
        yield page


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyProcess]:
    with running_charset_proxy(tmp_path_factory.mktemp("browser-charset")) as (_, process):
        yield process


def test_label_table_matches_chromium(browser_page: Any) -> None:
    labels = [*ENCODING_OF_LABEL, "utf-32", "x-unknown", "iso-2022-jp-2", "  Shift_JIS\t"]
    theirs = browser_page.evaluate(
        "(labels) => labels.map((label) => {"
        " try { return new TextDecoder(label).encoding } catch (e) { return null } })",
        labels,
    )
    for label, decoded in zip(labels, theirs, strict=True):
        ours = ENCODING_OF_LABEL.get(label.strip().lower())
        if ours == "replacement":
            assert decoded is None, label  # TextDecoder refuses the replacement labels
        else:
            assert (ours or "").lower() == (decoded or "").lower(), label


BROWSER_CASES = [
    # path, the page as the upstream meant it, its Content-Type, the encoding to be used
    ("/c/1252", WINDOWS_1252, b"text/html", "windows-1252"),
    ("/c/sjis-gzip", SHIFT_JIS, b"text/html", "Shift_JIS"),
    ("/c/meta-later", SHIFT_JIS, b"text/html", "Shift_JIS"),
    (
        "/c/header-wins",
        page(b"<meta charset=shift_jis>", "\u043c\u0438\u0440", "cp1251"),
        b"text/html; charset=windows-1251",
        "windows-1251",
    ),
]


@pytest.mark.parametrize(("path", "upstream_page", "content_type", "encoding"), BROWSER_CASES)
def test_chromium_decodes_our_snippets_right(
    browser_page: Any,
    proxied: ProxyProcess,
    path: str,
    upstream_page: bytes,
    content_type: bytes,
    encoding: str,
) -> None:
    assert sniff_page_encoding(upstream_page[:1024], content_type).encoding == encoding
    response = browser_page.goto(proxied.url + path, wait_until="load")
    assert response is not None and response.status == 200
    seen = browser_page.evaluate(
        "() => [document.characterSet, document.getElementById('ev-note')?.textContent,"
        " document.querySelector('meta[name=ev-head]')?.content,"
        " document.getElementById('own')?.textContent, document.getElementById('own')?.title]"
    )
    codec = encoding.replace("Shift_JIS", "cp932")
    own_text = upstream_page.split(b"<p id=own>")[1].split(b"</p>")[0].decode(codec)
    # Attribute values cannot hold a character reference: what the charset lacks reads '?'.
    title = TITLE.encode(codec, errors="replace").decode(codec)
    assert seen == [encoding, NOTE, HEAD_NOTE, own_text, title]
