"""An HTTPS upstream signed by a throwaway CA: verification and SNI for preserve_host routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.e2e.conftest import ProxyProcess, Upstream, write_project


@pytest.fixture
def client(proxy: ProxyProcess) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=proxy.url, timeout=5) as client:
        yield client


def test_preserve_host_sends_public_host_as_host_and_sni(
    client: httpx2.Client, tls_upstream: Upstream
) -> None:
    response = client.get("/help/echo/articles?id=7", headers={"Host": "help.example.com"})
    assert response.status_code == 200, response.text
    seen = tls_upstream.received("/help/echo/articles?id=7")
    assert seen.header("Host") == "help.example.com"
    assert seen.sni == "help.example.com"


def test_certificate_not_signed_by_the_configured_ca_is_refused(
    tmp_path: Path, upstream: Upstream, tls_upstream: Upstream
) -> None:
    # Same upstream, but the proxy trusts only the system store: the handshake must fail.
    routes = f"""
[[routes]]
match = ["/help/*"]
upstream = "{tls_upstream.origin}"
"""
    config = write_project(tmp_path, upstream=upstream.origin, routes=routes)
    process = ProxyProcess(config)
    try:
        with httpx2.Client(base_url=process.url, timeout=5) as client:
            response = client.get("/help/echo/x")
        assert response.status_code == 502
        process.wait_for_log(
            r"upstream .* failed: ConnectError.*(CERTIFICATE_VERIFY_FAILED|certificate)"
        )
    finally:
        process.stop()
