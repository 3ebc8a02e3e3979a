"""`uvicorn proxy.app:app`: the deployable entry point reads ./edgeviews.toml and $EDGEVIEWS_ENV."""

from __future__ import annotations

import sys

import httpx2

from tests.e2e.conftest import ProxyProcess


def test_plain_uvicorn_serves_proxy_app(proxy_project: object) -> None:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "proxy.app:app",
        "--port",
        "0",
        "--no-server-header",
        "--no-date-header",
    ]
    process = ProxyProcess(proxy_project, command=command, environ={"EDGEVIEWS_ENV": "other"})  # type: ignore[arg-type]
    try:
        with httpx2.Client(base_url=process.url, timeout=5) as client:
            response = client.get("/t/site", headers={"Accept-Encoding": "identity"})
        assert "gtag('config', 'G-OTHER')" in response.text
        assert response.headers.get_list("server") == ["e2e-upstream"]
    finally:
        process.stop()
