"""The subcommands other wings implement: the CLI passes the configuration and options through,
and turns their EdgeviewsError into one line and exit 1 (the functions are replaced: pure wiring)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edgeviews import cli, watch
from edgeviews.config import Config
from edgeviews.errors import EdgeviewsError
from edgeviews.proxy import demo, serve


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, dict[str, Any]]]:
    (tmp_path / "edgeviews.toml").write_text('views = "templates"\n[env.qa]\nX = 1\n')
    monkeypatch.chdir(tmp_path)
    seen: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            if args:
                kwargs["config"] = args[0]
            seen.append((name, kwargs))

        return record

    monkeypatch.setattr(serve, "run", recorder("serve"))
    monkeypatch.setattr(demo, "run", recorder("demo"))
    monkeypatch.setattr(watch, "watch", recorder("watch"))
    monkeypatch.setattr(watch, "dev", recorder("dev"))
    return seen


def test_serve_demo_watch_dev_get_their_options(
    calls: list[tuple[str, dict[str, Any]]], tmp_path: Path
) -> None:
    assert (
        cli.main(["serve", "--env", "qa", "--host", "0.0.0.0", "--port", "9000", "--workers", "3"])
        == 0
    )
    assert cli.main(["demo", "--port", "0"]) == 0
    assert cli.main(["watch", "--env", "qa"]) == 0
    assert cli.main(["dev", "--port", "0"]) == 0
    names = [name for name, _ in calls]
    assert names == ["serve", "demo", "watch", "dev"]
    serve_call = calls[0][1]
    assert isinstance(serve_call["config"], Config)
    assert serve_call["config"].views == tmp_path / "templates"
    assert {k: v for k, v in serve_call.items() if k != "config"} == {
        "env": "qa",
        "host": "0.0.0.0",
        "port": 9000,
        "workers": 3,
    }
    assert calls[1][1] == {"host": "127.0.0.1", "port": 0}
    assert calls[2][1]["env"] == "qa" and set(calls[2][1]) == {"config", "env"}
    assert {k: v for k, v in calls[3][1].items() if k != "config"} == {
        "env": None,
        "host": "127.0.0.1",
        "port": 0,
    }


def test_errors_from_other_wings_are_one_line(
    monkeypatch: pytest.MonkeyPatch, calls: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    def port_in_use(*args: Any, **kwargs: Any) -> None:
        raise EdgeviewsError("127.0.0.1:8000 is in use; pass --port")

    monkeypatch.setattr(serve, "run", port_in_use)
    assert cli.main(["serve"]) == 1
    assert capsys.readouterr().err == "error: 127.0.0.1:8000 is in use; pass --port\n"


def test_ctrl_c_exits_quietly(
    monkeypatch: pytest.MonkeyPatch, calls: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "watch", interrupted)
    assert cli.main(["watch"]) == 130
    assert capsys.readouterr().err == ""


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "usage: edgeviews" in capsys.readouterr().err


def test_multi_line_messages_are_folded_into_one(
    monkeypatch: pytest.MonkeyPatch, calls: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    def fails(*args: Any, **kwargs: Any) -> None:
        raise EdgeviewsError("cannot start:\n  the upstream certificate is invalid")

    monkeypatch.setattr(serve, "run", fails)
    assert cli.main(["serve"]) == 1
    assert capsys.readouterr().err == "error: cannot start: the upstream certificate is invalid\n"
