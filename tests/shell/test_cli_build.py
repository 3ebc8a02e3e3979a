"""`edgeviews build` as a user runs it: real command, temporary project, output imported
in a fresh interpreter that has no jinja2 (and no edgeviews) on its path."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from edgeviews.cli import Style
from tests.shell.tmp_project import (
    VIEWS,
    jinja_render,
    render_isolated,
    run_edgeviews,
    tree,
    write_project,
    write_view,
)

ENV = {"GA_MEASUREMENT_ID": "G-<O'Brien>&1", "INTERCOM_APP_ID": "app42"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


def test_build_output_renders_without_jinja2_like_jinja2(project: Path) -> None:
    done = run_edgeviews(project, "build")
    assert done.returncode == 0, done.stderr
    assert re.search(
        r"built 2 views into build/views in \d+ ms \(2 compiled, 0 unchanged\)", done.stdout
    )
    package = project / "build" / "views"
    assert {
        "__init__.py",
        "_runtime.py",
        "analytics.py",
        "analytics.pyi",
        "chat_widget.py",
        "manifest.json",
    } <= set(tree(package))
    output = render_isolated(
        project / "build",
        f"""
        from views import analytics, chat_widget, VIEWS
        import json
        env = {ENV!r}
        print(json.dumps([analytics(env), chat_widget(env), sorted(VIEWS),
                          "jinja2" in sys.modules, "edgeviews" in sys.modules]))
        """,
    )
    analytics, chat, names, jinja_loaded, edgeviews_loaded = json.loads(output)
    assert analytics == jinja_render(VIEWS, "analytics.html", env=ENV)
    assert chat == jinja_render(VIEWS, "chat-widget.html", env=ENV)
    assert names == ["analytics", "chat_widget"]
    assert not jinja_loaded and not edgeviews_loaded


def test_manifest_lists_views_deps_hashes_and_env_keys(project: Path) -> None:
    assert run_edgeviews(project, "build").returncode == 0
    manifest = json.loads((project / "build" / "views" / "manifest.json").read_text())
    chat = manifest["views"]["chat_widget"]
    assert manifest["version"] == 1 and manifest["env"] is None
    assert chat["source"] == "chat-widget.html"
    assert chat["deps"] == ["_macros.html", "partials/_boot.html"]
    assert chat["env_keys"] == ["INTERCOM_APP_ID"]
    assert chat["hash"].startswith("sha256:")
    assert set(manifest["views"]) == {"analytics", "chat_widget"}  # partials are not exported


def test_second_build_reports_views_skipped_as_unchanged(project: Path) -> None:
    run_edgeviews(project, "build")
    done = run_edgeviews(project, "build")
    assert "(0 compiled, 2 unchanged)" in done.stdout
    write_view(project, "_macros.html", VIEWS["_macros.html"].replace("script", "noscript"))
    done = run_edgeviews(project, "build")
    assert "(1 compiled, 1 unchanged)" in done.stdout
    assert "compiled: chat_widget" in done.stdout


def test_env_bakes_values_into_a_precomputed_string(project: Path) -> None:
    done = run_edgeviews(project, "build", "--env", "production")
    assert done.returncode == 0, done.stderr
    assert "with [env.production]" in done.stdout
    output = render_isolated(
        project / "build",
        """
        import importlib, json
        module = importlib.import_module("views.analytics")  # `views.analytics` is the function
        print(json.dumps([module.analytics(), module.RENDERED, module.RENDERED_BYTES.decode(),
                          module.analytics({"GA_MEASUREMENT_ID": "G-OTHER"})]))
        """,
    )
    called, constant, as_bytes, overridden = json.loads(output)
    expected = jinja_render(VIEWS, "analytics.html", env={"GA_MEASUREMENT_ID": "G-PROD1234"})
    assert called == constant == as_bytes == expected
    assert overridden == jinja_render(VIEWS, "analytics.html", env={"GA_MEASUREMENT_ID": "G-OTHER"})
    source = (project / "build" / "views" / "analytics.py").read_text()
    assert "RENDERED = " in source and "G-PROD1234" in source


def test_syntax_error_names_file_and_line_and_keeps_the_old_output(project: Path) -> None:
    assert run_edgeviews(project, "build").returncode == 0
    before = tree(project / "build")
    write_view(project, "partials/_boot.html", "<div>\n{% if x %}\n  {{ broken }\n</div>\n")
    done = run_edgeviews(project, "build")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: views/partials/_boot.html:3: "), done.stderr
    assert done.stderr.endswith(" in `{{ broken }`\n")  # one line, quoting the offending line
    assert done.stderr.count("\n") == 1
    assert tree(project / "build") == before
    assert [p.name for p in (project / "build").iterdir()] == ["views"]  # no staging left behind


def test_missing_include_names_the_including_line(project: Path) -> None:
    write_view(project, "analytics.html", "ok\n{% include 'partials/_nope.html' %}\n")
    done = run_edgeviews(project, "build")
    assert done.returncode == 1
    assert done.stderr.startswith("error: views/analytics.html:2: 'partials/_nope.html' not found")


def test_configuration_errors_are_one_line(tmp_path: Path) -> None:
    write_project(tmp_path, config='views = "views"\nvews = "typo"\n')
    done = run_edgeviews(tmp_path, "build")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "edgeviews.toml: vews: unknown key" in done.stderr


def test_unknown_environment_is_an_error(project: Path) -> None:
    done = run_edgeviews(project, "build", "--env", "staging")
    assert done.returncode == 1
    assert "no environment 'staging' (defined: production, test)" in done.stderr


def test_config_flag_and_pyproject_table(tmp_path: Path) -> None:
    write_project(tmp_path, config="")
    (tmp_path / "edgeviews.toml").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.edgeviews]\nout = "dist-views"\npackage = "snippets"\n'
    )
    done = run_edgeviews(tmp_path, "build")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "dist-views" / "snippets" / "analytics.py").is_file()
    (tmp_path / "other.toml").write_text('out = "elsewhere"\n')
    assert run_edgeviews(tmp_path, "build", "--config", "other.toml").returncode == 0
    assert (tmp_path / "elsewhere" / "views" / "manifest.json").is_file()


def test_version_and_help_everywhere(tmp_path: Path) -> None:
    done = run_edgeviews(tmp_path, "--version")
    assert done.returncode == 0 and re.fullmatch(r"edgeviews \d+\.\d+\.\d+\n", done.stdout)
    for command in ("build", "check", "serve", "demo", "watch", "dev"):
        done = run_edgeviews(tmp_path, command, "--help")
        assert done.returncode == 0 and done.stdout.startswith(f"usage: edgeviews {command}")
    assert run_edgeviews(tmp_path, "bogus").returncode == 2


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert Style(Terminal())("ok", "built") == "\033[32mbuilt\033[0m"
    assert Style(io.StringIO())("ok", "built") == "built"
    monkeypatch.setenv("NO_COLOR", "1")
    assert Style(Terminal())("ok", "built") == "built"
