"""HTML rewriting through a real `edgeviews serve` process: injection, codings, CSP, faults."""

from __future__ import annotations

import gzip
import socket
import time
import zlib
from collections.abc import Iterator

import brotli
import httpx2
import pytest
import zstandard
from selectolax.lexbor import LexborHTMLParser

from edgeviews.proxy.csp import scripts_of
from tests.e2e.conftest import GA_ID, ProxyProcess, Upstream

SNIPPET_MARK = f"gtag('config', '{GA_ID}')"
LANDING_PAGE = "/t/site"


@pytest.fixture
def client(proxy: ProxyProcess) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=proxy.url, timeout=5) as client:
        yield client


def raw_get(client: httpx2.Client, target: str, headers: dict[str, str | None]) -> httpx2.Response:
    """A GET whose body is returned exactly as sent; a header given as None is not sent at all."""
    request = client.build_request(
        "GET", target, headers={k: v for k, v in headers.items() if v is not None}
    )
    for name in [k for k, v in headers.items() if v is None]:
        del request.headers[name]
    response = client.send(request, stream=True)
    try:
        response.raw_body = b"".join(response.iter_raw())  # type: ignore[attr-defined]
    finally:
        response.close()
    return response


def decode(body: bytes, coding: str | None) -> bytes:
    if coding == "gzip":
        return gzip.decompress(body)
    if coding == "br":
        return brotli.decompress(body)
    if coding == "zstd":
        return zstandard.ZstdDecompressor().decompressobj().decompress(body)
    if coding == "deflate":
        return zlib.decompress(body)
    assert coding is None
    return body


def test_landing_page_gets_snippet_before_real_body_end_and_favicon(
    client: httpx2.Client, proxy: ProxyProcess
) -> None:
    response = client.get("/about", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    html = response.text
    assert html.count(SNIPPET_MARK) == 1
    # Before the real </body>, not the one inside the script string or the comment.
    assert html.index(SNIPPET_MARK) > html.index("<p>Last paragraph.</p>")
    assert html.index(SNIPPET_MARK) < html.rindex("</body>")
    tree = LexborHTMLParser(html)
    assert tree.css_first('link[rel="icon"]').attributes["href"] == "/favicon.ico"
    assert tree.body is not None and tree.body.css("script")[-1].text().strip().endswith(
        f"gtag('config', '{GA_ID}');"
    )
    line = proxy.wait_for_log(r'"GET /about" 200 upstream=[\d.]+ms .*injected=')
    assert "analytics@body" in line and 'attributes@link[rel="icon"]' in line


def test_unless_cookie_and_unless_header_fall_through(client: httpx2.Client) -> None:
    assert client.get("/about", headers={"Cookie": "signed_in=1"}).status_code == 404
    assert client.get("/about", headers={"X-Skip-Edge": "1"}).status_code == 404
    assert client.get("/about", headers={"Cookie": "signed_in_not=1"}).status_code == 200


@pytest.mark.parametrize(
    ("accept", "upstream_coding", "expected"),
    [
        ("gzip, deflate, br, zstd", None, "zstd"),  # upstream sends br; zstd is fastest
        ("gzip", None, "gzip"),
        ("gzip, br", None, "br"),
        ("zstd", None, "zstd"),
        ("deflate", None, "deflate"),
        ("identity", None, None),
        ("gzip", "br", "gzip"),  # upstream misbehaves: br to a gzip-only client
        ("", "zstd", None),  # no Accept-Encoding at all: identity, whatever the upstream did
    ],
)
def test_codings_decoded_and_encoded_for_the_client(
    client: httpx2.Client,
    accept: str,
    upstream_coding: str | None,
    expected: str | None,
    corpus: object,
) -> None:
    page = (
        "htmlparser-benchmark/0475e5eeadaaca857eea3f36d0eda01937fe672d48be7f98ba6bc7f25ecd63d0.html"
    )
    params = f"?page={page}" + (f"&enc={upstream_coding}" if upstream_coding else "")
    response = raw_get(client, f"/t/pages{params}", {"Accept-Encoding": accept or None})
    assert response.headers.get("content-encoding") == expected
    assert "content-length" not in response.headers
    assert "accept-ranges" not in response.headers
    assert "Accept-Encoding" in response.headers["vary"] and "Cookie" in response.headers["vary"]
    assert response.headers["etag"].startswith('W/"')
    body = decode(response.raw_body, expected)  # type: ignore[attr-defined]
    assert body.count(SNIPPET_MARK.encode()) == 1


@pytest.mark.parametrize("split", [1, 5, 12])
def test_compressed_page_cut_inside_its_header_is_decoded_once(
    client: httpx2.Client, split: int
) -> None:
    page = (
        "htmlparser-benchmark/0475e5eeadaaca857eea3f36d0eda01937fe672d48be7f98ba6bc7f25ecd63d0.html"
    )
    response = raw_get(
        client,
        f"/t/pages?page={page}&enc=gzip&chunked=1&split={split}",
        {"Accept-Encoding": "identity"},
    )
    body = response.raw_body  # type: ignore[attr-defined]
    assert body.count(SNIPPET_MARK.encode()) == 1 and body.rstrip().endswith(b"</html>")


def test_rewritten_page_is_the_upstream_page_plus_the_snippet(
    client: httpx2.Client, upstream: Upstream, corpus: object
) -> None:
    page = (
        "htmlparser-benchmark/0475e5eeadaaca857eea3f36d0eda01937fe672d48be7f98ba6bc7f25ecd63d0.html"
    )
    original = (upstream.corpus / "pages" / page).read_bytes()  # type: ignore[operator]
    assert b'rel="icon"' not in original  # so the snippet is the only change
    response = raw_get(client, f"/t/pages?page={page}&chunked=1", {"Accept-Encoding": "gzip"})
    body = gzip.decompress(response.raw_body)  # type: ignore[attr-defined]
    snippet_start = body.index(b"<script async src=")
    snippet_end = body.index(b"</script>", body.index(SNIPPET_MARK.encode())) + len(b"</script>")
    assert body[:snippet_start] + body[snippet_end:] == original
    assert original[snippet_start:].lstrip().lower().startswith(b"</body>")


def test_conditional_request_with_our_weak_etag(client: httpx2.Client, upstream: Upstream) -> None:
    first = client.get(LANDING_PAGE, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["etag"]
    again = client.get(LANDING_PAGE, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    upstream_etag = upstream.received("/t/site").header("If-None-Match")
    assert upstream_etag is not None and not upstream_etag.startswith("W/")


def test_range_is_ignored_on_rewritten_pages(client: httpx2.Client) -> None:
    response = client.get(
        LANDING_PAGE, headers={"Range": "bytes=0-99", "Accept-Encoding": "identity"}
    )
    assert response.status_code == 200
    assert "content-range" not in response.headers
    assert response.text.count(SNIPPET_MARK) == 1


def test_range_on_non_html_is_forwarded(client: httpx2.Client, upstream: Upstream) -> None:
    client.get("/t/echo/range", headers={"Range": "bytes=0-9"})
    assert upstream.received("/t/echo/range").header("Range") == "bytes=0-9"


def test_head_gets_the_headers_a_get_would_get(client: httpx2.Client) -> None:
    for accept in ("identity", "gzip, br"):
        head = client.head(
            LANDING_PAGE, headers={"Accept-Encoding": accept}, params={"csp": "script-src 'self'"}
        )
        get = client.get(
            LANDING_PAGE, headers={"Accept-Encoding": accept}, params={"csp": "script-src 'self'"}
        )
        assert head.status_code == 200 and head.content == b""
        for name in (
            "etag",
            "vary",
            "content-encoding",
            "content-security-policy",
            "content-length",
            "accept-ranges",
        ):
            assert head.headers.get(name) == get.headers.get(name), name


def test_304_204_and_non_html_on_a_rewriting_route_pass_through(client: httpx2.Client) -> None:
    data = client.get("/t/binary", headers={"Accept-Encoding": "gzip"})
    assert data.headers["etag"] == '"bin-1"'
    assert client.get("/t/empty").status_code == 204


@pytest.mark.parametrize("query", ["?bom=1", "?bom=1&enc=gzip"])
def test_utf16_page_with_a_bom_only_is_untouched(
    client: httpx2.Client, upstream: Upstream, query: str
) -> None:
    original = (upstream.corpus / "pages/encoding-edge/UTF-16LE__plane1-utf-16le.html").read_bytes()  # type: ignore[operator]
    response = raw_get(client, f"/t/utf16{query}", {"Accept-Encoding": "gzip"})
    coding = response.headers.get("content-encoding")
    assert decode(response.raw_body, coding) == b"\xff\xfe" + original  # type: ignore[attr-defined]


def test_utf16_page_is_untouched(client: httpx2.Client, upstream: Upstream) -> None:
    original = (upstream.corpus / "pages/encoding-edge/UTF-16LE__plane1-utf-16le.html").read_bytes()  # type: ignore[operator]
    response = raw_get(client, "/t/utf16", {"Accept-Encoding": "identity"})
    assert response.raw_body == original  # type: ignore[attr-defined]


def test_csp_header_extended_for_injected_scripts(client: httpx2.Client) -> None:
    sources = scripts_of(
        f'<script async src="https://www.googletagmanager.com/gtag/js?id={GA_ID}"></script>\n'
        "<script>window.dataLayer = window.dataLayer || [];function gtag(){dataLayer.push(arguments);}"
        f"gtag('js', new Date()); gtag('config', '{GA_ID}');</script>"
    )
    strict = client.get(LANDING_PAGE, params={"csp": "default-src 'self'; script-src 'self'"})
    policy = strict.headers["content-security-policy"]
    assert sources.hashes[0] in policy and "https://www.googletagmanager.com" in policy
    assert policy.startswith("default-src 'self'; script-src 'self' ")
    loose = client.get(LANDING_PAGE, params={"csp": "script-src 'self' 'unsafe-inline'"})
    assert "sha256" not in loose.headers["content-security-policy"]


def test_meta_csp_extended(client: httpx2.Client) -> None:
    response = client.get(LANDING_PAGE, params={"metacsp": "script-src 'self'"})
    meta = LexborHTMLParser(response.text).css_first('meta[http-equiv="Content-Security-Policy"]')
    assert "'sha256-" in meta.attributes["content"]


def test_a_view_that_raises_leaves_the_page_unchanged(
    client: httpx2.Client, proxy: ProxyProcess
) -> None:
    response = raw_get(client, "/broken/site", {"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert b"Last paragraph" in response.raw_body and b"gtag" not in response.raw_body  # type: ignore[attr-defined]
    proxy.wait_for_log(r"/broken/site served unchanged: view 'explode' raised RuntimeError")


def test_slow_upstream_first_bytes_stream_before_the_rest(client: httpx2.Client) -> None:
    started = time.monotonic()
    with client.stream(
        "GET", "/t/slow", params={"delay": "0.6"}, headers={"Accept-Encoding": "gzip"}
    ) as response:
        chunks = response.iter_raw()
        first = next(chunks)
        first_at = time.monotonic() - started
        rest = b"".join(chunks)
        total = time.monotonic() - started
    assert first and first_at < 0.4 < total
    assert SNIPPET_MARK.encode() in gzip.decompress(first + rest)


@pytest.mark.parametrize("route", ["/t", "/raw"])  # rewritten and passed through
@pytest.mark.parametrize("variant", ["", "?chunked=1"])
def test_upstream_dying_mid_body_aborts_the_client_response(
    client: httpx2.Client, proxy: ProxyProcess, variant: str, route: str
) -> None:
    with pytest.raises(httpx2.RemoteProtocolError):
        with client.stream(
            "GET", f"{route}/die{variant}", headers={"Accept-Encoding": "identity"}
        ) as response:
            b"".join(response.iter_raw())
    proxy.wait_for_log(rf"{route}/die: upstream .* failed mid-body")


def test_client_disconnect_releases_the_upstream_connection(
    proxy: ProxyProcess, upstream: Upstream
) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(b"GET /t/endless?id=disc1 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 200")
    assert upstream.wait_closed("id=disc1", timeout=2.0) < 1.0
    proxy.wait_for_log(r"/t/endless.* outcome=client-gone")


@pytest.mark.parametrize("where", ["csp", "metacsp"])
def test_strict_dynamic_policy_gets_a_nonce_on_our_external_script(
    client: httpx2.Client, where: str
) -> None:
    response = client.get(
        LANDING_PAGE,
        params={where: "script-src 'strict-dynamic' 'nonce-pagenonce'"},
        headers={"Accept-Encoding": "identity"},
    )
    tree = LexborHTMLParser(response.text)
    if where == "csp":
        policy = response.headers["content-security-policy"]
    else:
        policy = tree.css_first("meta[http-equiv]").attributes["content"] or ""
    ours = [
        n for n in tree.css("script[src]") if "googletagmanager" in (n.attributes.get("src") or "")
    ]
    assert len(ours) == 1
    nonce = ours[0].attributes["nonce"]
    assert nonce and f"'nonce-{nonce}'" in policy and "'nonce-pagenonce'" in policy
    again = client.get(
        LANDING_PAGE, params={where: "script-src 'strict-dynamic' 'nonce-pagenonce'"}
    )
    assert f"nonce-{nonce}" not in again.text, "a nonce is never reused"


def test_client_leaving_while_upstream_thinks_releases_it(
    proxy: ProxyProcess, upstream: Upstream
) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(b"GET /raw/hang?id=gone-early HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
    # The proxy's read timeout is 1 s; the connection must close well before that.
    assert upstream.wait_closed("id=gone-early", timeout=2.0) < 0.5
    proxy.wait_for_log(r"/raw/hang.* outcome=client-gone")


def test_upstream_timeout_before_any_byte_is_a_504_not_an_abort(client: httpx2.Client) -> None:
    assert client.get("/t/hang").status_code == 504
