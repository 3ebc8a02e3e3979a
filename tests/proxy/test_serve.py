"""`edgeviews serve`'s uvicorn options (uvicorn itself is replaced: these are pure settings)."""

from __future__ import annotations

import logging.config
import platform
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from edgeviews.config import load_config
from edgeviews.proxy import ProxyApp, serve
from edgeviews.proxy.serve import keep_freed_memory, run
from edgeviews.proxy.websocket_upstream import MAX_MESSAGE_BYTES
from tests.e2e.conftest import write_project


def test_serve_runs_the_app_with_our_headers_logs_and_message_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    tuned: list[bool] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    monkeypatch.setattr(serve, "keep_freed_memory", lambda: tuned.append(True) or True)
    monkeypatch.setattr(logging.config, "dictConfig", lambda config: None)  # keep pytest's
    config = load_config(write_project(tmp_path, upstream="http://127.0.0.1:9"))
    run(config, env="test", port=0)
    ((app, options),) = calls
    assert isinstance(app, ProxyApp)
    # Trap 11: the upstream's Server and Date pass through, so uvicorn adds none.
    assert (options["server_header"], options["date_header"]) == (False, False)
    assert options["access_log"] is False  # ours, with upstream time and injections
    assert options["ws_max_size"] == MAX_MESSAGE_BYTES
    formatter = options["log_config"]["formatters"]["edgeviews"]
    assert formatter["()"] == "edgeviews.proxy.access_log.LineFormatter"
    assert tuned == [True]  # malloc told to keep freed memory before serving


def test_malloc_is_tuned_where_the_c_library_allows_it() -> None:
    # glibc has mallopt and accepts both settings; other C libraries are left alone.
    assert keep_freed_memory() is (platform.libc_ver()[0] == "glibc")
