"""`edgeviews serve`'s uvicorn options (uvicorn itself is replaced: these are pure settings)."""

from __future__ import annotations

import logging.config
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from edgeviews.config import load_config
from edgeviews.proxy import ProxyApp
from edgeviews.proxy.serve import run
from edgeviews.proxy.websocket_upstream import MAX_MESSAGE_BYTES
from tests.e2e.conftest import write_project


def test_serve_runs_the_app_with_our_headers_logs_and_message_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
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
