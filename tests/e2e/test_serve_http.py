"""HTTP semantics through a real `edgeviews serve` process in front of a real upstream."""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import httpx2
import pytest

from tests.e2e.conftest import ProxyProcess, Upstream


@pytest.fixture
def client(proxy: ProxyProcess) -> httpx2.Client:
    with httpx2.Client(base_url=proxy.url, timeout=5) as client:
        yield client


def echo(client: httpx2.Client, target: str, **kwargs: object) -> dict[str, object]:
    response = client.get(target, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return json.loads(response.content)


def header_values(data: dict[str, object], name: str) -> list[str]:
    return [v for k, v in data["headers"] if k.lower() == name]  # type: ignore[union-attr,misc]


def test_path_and_query_are_forwarded_exactly(client: httpx2.Client) -> None:
    for target in [
        "/raw/echo/page/?x=1&x=2&y=%20+z",
        "/raw/echo/page",
        "/raw/echo/a%2Fb/c;p=1?q=%E2%9C%93",
    ]:
        assert echo(client, target)["target"] == target


def test_upstream_host_and_forwarding_headers(client: httpx2.Client, upstream: Upstream) -> None:
    data = echo(
        client, "/raw/echo/fwd", headers={"X-Forwarded-For": "6.6.6.6", "Host": "shop.example.com"}
    )
    assert header_values(data, "host") == [f"127.0.0.1:{upstream.port}"]
    assert header_values(data, "x-forwarded-for") == ["127.0.0.1"], "a spoofed XFF must not pass"
    assert header_values(data, "x-forwarded-host") == ["shop.example.com"]
    assert header_values(data, "x-forwarded-proto") == ["http"]
    assert header_values(data, "via") == ["1.1 edgeviews"]


def test_forwarding_headers_from_a_trusted_proxy_are_kept(proxy: ProxyProcess) -> None:
    transport = httpx2.HTTPTransport(local_address="127.0.0.2")
    with httpx2.Client(base_url=proxy.url, transport=transport, timeout=5) as client:
        data = echo(
            client,
            "/raw/echo/trusted",
            headers={
                "X-Forwarded-For": "6.6.6.6",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "www.example.com",
            },
        )
    assert header_values(data, "x-forwarded-for") == ["6.6.6.6, 127.0.0.2"]
    assert header_values(data, "x-forwarded-proto") == ["https"]
    assert header_values(data, "x-forwarded-host") == ["www.example.com"]


def test_hop_by_hop_headers_are_dropped_both_ways(client: httpx2.Client) -> None:
    data = echo(
        client,
        "/raw/echo/hop",
        headers={
            "Connection": "keep-alive, X-Secret",
            "X-Secret": "1",
            "Proxy-Connection": "x",
            "TE": "trailers",
            "X-Kept": "yes",
        },
    )
    names = {k.lower() for k, _ in data["headers"]}  # type: ignore[union-attr]
    assert not names & {"x-secret", "proxy-connection", "te", "keep-alive"}
    assert header_values(data, "x-kept") == ["yes"]
    response = client.get("/raw/site", headers={"Accept-Encoding": "identity"})
    assert "x-hop-secret" not in response.headers and "keep-alive" not in response.headers
    assert response.headers["x-upstream"] == "yes"


def test_no_accept_encoding_upstream_unless_the_client_sent_one(client: httpx2.Client) -> None:
    # httpx2 itself sends gzip etc.; a raw request with no Accept-Encoding must get identity.
    data = echo(client, "/raw/echo/ae", headers={"Accept-Encoding": "br;q=0.5, snappy, gzip"})
    assert header_values(data, "accept-encoding") == ["br, gzip"]
    raw = raw_request(
        client, b"GET /raw/echo/none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert b'"accept-encoding", "identity"' in raw.lower()


def raw_request(client: httpx2.Client, request: bytes) -> bytes:
    port = client.base_url.port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_repeated_set_cookie_kept_apart_and_domain_rewritten(client: httpx2.Client) -> None:
    response = client.get("/raw/cookies", headers={"Host": "shop.example.com"})
    cookies = response.headers.get_list("set-cookie")
    assert cookies == [
        "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/; Domain=shop.example.com",
        "b=2; Expires=Thu, 22 Oct 2037 07:28:00 GMT; Path=/; HttpOnly",
        "c=3; Domain=other.example; Path=/",
    ]


def test_no_cookie_jar_between_clients(client: httpx2.Client, upstream: Upstream) -> None:
    client.get("/raw/cookies")
    with httpx2.Client(base_url=client.base_url, timeout=5) as other:
        data = echo(other, "/raw/echo/jar")
    assert header_values(data, "cookie") == []


def test_cookie_allow_list(client: httpx2.Client, upstream: Upstream) -> None:
    client.get(
        "/t/echo/cookies",
        headers={"Cookie": "session=secret; consent=yes; intercom-session-abc=1; other=2"},
    )
    assert upstream.received("/t/echo/cookies").all("cookie") == [
        "consent=yes; intercom-session-abc=1"
    ]


def test_location_and_content_location_mapped_to_public_origin(
    client: httpx2.Client, upstream: Upstream
) -> None:
    response = client.get("/raw/redirect", headers={"Host": "www.example.com"})
    assert response.status_code == 302
    assert response.headers["location"] == "http://www.example.com/landed?x=1"
    assert response.headers["content-location"] == "http://www.example.com/raw/redirect"
    other = client.get("/raw/redirect", params={"to": "https://elsewhere.example/x"})
    assert other.headers["location"] == "https://elsewhere.example/x"


def test_location_under_a_base_path(client: httpx2.Client, upstream: Upstream) -> None:
    target = f"{upstream.origin}/mnt/base/next?y=2"
    response = client.get(
        "/base/redirect", params={"to": target}, headers={"Host": "www.example.com"}
    )
    assert upstream.received("/redirect").target.startswith("/mnt/base/redirect")
    assert response.headers["location"] == "http://www.example.com/base/next?y=2"


def test_security_headers_of_the_upstream_are_stripped(client: httpx2.Client) -> None:
    response = client.get("/raw/site")
    for name in ("strict-transport-security", "alt-svc", "nel", "report-to"):
        assert name not in response.headers
    assert response.headers.get_list("server") == ["e2e-upstream"]
    assert len(response.headers.get_list("date")) == 1


def test_non_html_passes_byte_for_byte(client: httpx2.Client) -> None:
    with client.stream("GET", "/raw/binary", headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["etag"] == '"bin-1"'
    assert gzip.decompress(raw) == __import__("hashlib").sha256(b"seed").digest() * 4096
    assert int(response.headers["content-length"]) == len(raw)


def test_head_and_204(client: httpx2.Client) -> None:
    head = client.head("/raw/site", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"].startswith('"')
    empty = client.get("/raw/empty")
    assert empty.status_code == 204 and empty.headers["x-empty"] == "yes"


@pytest.mark.parametrize(
    "target",
    [
        b"//evil.example/raw/echo/x",
        b"/raw/echo/../../secret",
        b"/raw/echo/%2e%2e/secret",
        b"/raw/echo/..%2Fsecret",
        b"/raw/echo/..\\secret",
    ],
)
def test_no_request_can_choose_another_host_or_escape_the_prefix(
    client: httpx2.Client, upstream: Upstream, target: bytes
) -> None:
    before = len(upstream.requests)
    answer = raw_request(
        client, b"GET " + target + b" HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    status = int(answer.split(b" ", 2)[1])
    assert status in (400, 404)
    assert len(upstream.requests) == before


def test_absolute_form_target_cannot_choose_the_host(
    client: httpx2.Client, upstream: Upstream
) -> None:
    answer = raw_request(
        client,
        b"GET http://evil.example/raw/echo/abs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    )
    assert int(answer.split(b" ", 2)[1]) in (200, 400, 404)
    for request in upstream.requests:
        assert "evil.example" not in request.target
        assert request.header("Host") == f"127.0.0.1:{upstream.port}" or request.target.startswith(
            "/help"
        )


def test_unreachable_upstream_gives_502_page_and_log(
    client: httpx2.Client, proxy: ProxyProcess
) -> None:
    response = client.get("/down/page")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert b"could not be reached" in response.content
    proxy.wait_for_log(r"/down/page: upstream .* failed: ConnectError")
    assert "Traceback" not in proxy.log()


def test_upstream_timeout_gives_504(client: httpx2.Client, proxy: ProxyProcess) -> None:
    response = client.get("/raw/hang")
    assert response.status_code == 504
    proxy.wait_for_log(r"/raw/hang: upstream .* failed: ReadTimeout")


def test_health_endpoint(client: httpx2.Client) -> None:
    response = client.get("/_edgeviews/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["env"] == "test"


def test_unmatched_path_is_404_without_contacting_upstream(
    client: httpx2.Client, upstream: Upstream, proxy: ProxyProcess
) -> None:
    before = len(upstream.requests)
    assert client.get("/not-routed").status_code == 404
    assert len(upstream.requests) == before
    proxy.wait_for_log(r'"GET /not-routed" 404 .*mode=app')


def test_request_body_streams_upstream(client: httpx2.Client) -> None:
    body = b"x" * 300_000

    def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    response = client.post("/raw/echo/upload", content=chunks())
    data = json.loads(response.content)
    assert data["body_len"] == len(body)
    assert data["method"] == "POST"


def test_several_workers(proxy_project: Path) -> None:
    process = ProxyProcess(proxy_project, workers=2, env="other")
    try:
        with httpx2.Client(base_url=process.url, timeout=5) as client:
            for _ in range(4):
                assert (
                    "G-OTHER" in client.get("/t/site", headers={"Accept-Encoding": "identity"}).text
                )
    finally:
        process.stop()


def test_upstream_connections_are_kept_alive_and_reused(
    client: httpx2.Client, upstream: Upstream
) -> None:
    for n in range(3):
        assert client.get(f"/raw/echo/keepalive{n}").status_code == 200
    connections = {upstream.received(f"/raw/echo/keepalive{n}").connection for n in range(3)}
    assert len(connections) == 1
