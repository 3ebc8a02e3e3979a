"""`edgeviews check` as CI runs it: each kind of breakage fails with its own precise message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.shell.tmp_project import CONFIG, run_edgeviews, write_project, write_view


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A project whose build is current and whose check passes."""
    write_project(tmp_path)
    assert run_edgeviews(tmp_path, "build").returncode == 0
    return tmp_path


def test_current_build_passes(built: Path) -> None:
    done = run_edgeviews(built, "check")
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip() == "ok: checked 2 views in build/views against production, test"


def test_stale_output_fails_naming_the_changed_partial(built: Path) -> None:
    write_view(built, "_macros.html", "{% macro tag(kind) %}<b>{{ kind }}</b>{% endmacro %}")
    done = run_edgeviews(built, "check")
    assert done.returncode == 1
    assert (
        "views/chat-widget.html: stale: chat_widget in build/views is out of date: "
        "views/_macros.html changed since the last build; run `edgeviews build`"
    ) in done.stdout
    assert "analytics" not in done.stdout  # untouched views are not reported
    assert run_edgeviews(built, "build").returncode == 0
    assert run_edgeviews(built, "check").returncode == 0


def test_new_and_deleted_views_are_stale(built: Path) -> None:
    write_view(built, "extra.html", "<p>x</p>")
    (built / "views" / "analytics.html").unlink()
    done = run_edgeviews(built, "check")
    assert done.returncode == 1
    assert "views/extra.html is not in the build output build/views" in done.stdout
    assert (
        "build/views still has view analytics, but its source analytics.html is gone" in done.stdout
    )


def test_environment_missing_a_key_fails(tmp_path: Path) -> None:
    write_project(tmp_path, config=CONFIG.replace('INTERCOM_APP_ID = "test0000"\n', ""))
    assert run_edgeviews(tmp_path, "build").returncode == 0
    done = run_edgeviews(tmp_path, "check")
    assert done.returncode == 1
    assert (
        "views/_macros.html:1: missing-env-key: "
        "chat_widget reads env.INTERCOM_APP_ID, which [env.test] does not define; "
        "add INTERCOM_APP_ID = ... to [env.test] (env: test)"
    ) in done.stdout
    assert run_edgeviews(tmp_path, "check", "--env", "production").returncode == 0


def test_unbalanced_snippet_fails_with_the_tag_and_line(built: Path) -> None:
    write_view(
        built,
        "banner.html",
        '<div class="banner">\n  <span>{{ env.GA_MEASUREMENT_ID }}\n</div>\n</div>\n',
    )
    assert run_edgeviews(built, "build").returncode == 0
    done = run_edgeviews(built, "check")
    assert done.returncode == 1
    assert (
        "unbalanced: banner: <span> opened on line 2 is not closed before </div> on line 3"
        in done.stdout
    )
    assert "</div> on line 4 closes nothing the snippet opened" in done.stdout
    assert "(env: production, test)" in done.stdout


def test_render_failure_fails_with_the_error(built: Path) -> None:
    write_view(built, "maths.html", "{{ env.GA_MEASUREMENT_ID / 2 }}")
    assert run_edgeviews(built, "build").returncode == 0
    done = run_edgeviews(built, "check", "--env", "test")
    assert done.returncode == 1
    assert "render-failed: maths fails to render: TypeError" in done.stdout
    assert "(env: test)" in done.stdout


def test_unset_variable_in_an_environment_is_reported(tmp_path: Path) -> None:
    write_project(tmp_path, config=CONFIG.replace('"G-TEST0000"', '"${EDGEVIEWS_TEST_UNSET_GA}"'))
    assert run_edgeviews(tmp_path, "build").returncode == 0
    done = run_edgeviews(tmp_path, "check", env={"EDGEVIEWS_TEST_UNSET_GA": ""})
    assert done.returncode == 0, done.stdout  # set (even empty) is fine
    done = run_edgeviews(tmp_path, "check")
    assert done.returncode == 1
    assert (
        "env.test.GA_MEASUREMENT_ID: environment variable EDGEVIEWS_TEST_UNSET_GA is not set"
        in done.stdout
    )


def test_json_and_markdown_reports(built: Path) -> None:
    write_view(built, "broken.html", "<div>{{ env.NOPE }}")
    assert run_edgeviews(built, "build").returncode == 0
    done = run_edgeviews(built, "check", "--format", "json", "--env", "production")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False and report["envs"] == ["production"]
    kinds = {(problem["kind"], problem["view"]) for problem in report["problems"]}
    assert kinds == {("missing-env-key", "broken"), ("unbalanced", "broken")}
    assert all(problem["file"] == "views/broken.html" for problem in report["problems"])

    done = run_edgeviews(built, "check", "--format", "markdown")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    rows = [line for line in lines[4:] if line.startswith("| `")]
    assert lines[0] == f"### ❌ edgeviews check found {len(rows)} problems"
    assert lines[2] == "| | file | view | env | problem |"
    assert "| `missing-env-key` | `views/broken.html:1` | `broken` | test |" in done.stdout
    assert "| `unbalanced` | `views/broken.html` | `broken` | production, test |" in done.stdout


def test_markdown_when_everything_passes(built: Path) -> None:
    done = run_edgeviews(built, "check", "--format", "markdown")
    assert done.returncode == 0
    assert done.stdout.startswith("### ✅ edgeviews check passed")


def test_route_naming_an_unknown_view_fails(tmp_path: Path) -> None:
    routes = '\n[[routes]]\nmatch = ["/"]\nupstream = "https://example.framer.app"\nrewrite = [{ selector = "body", append = "analytcs" }]\n'
    write_project(tmp_path, config=CONFIG + routes)
    assert run_edgeviews(tmp_path, "build").returncode == 0
    done = run_edgeviews(tmp_path, "check")
    assert done.returncode == 1
    assert (
        "routes[0] rewrites 'body' with view 'analytcs', which is not in the views folder"
        in done.stdout
    )


def test_missing_build_output(tmp_path: Path) -> None:
    write_project(tmp_path)
    done = run_edgeviews(tmp_path, "check")
    assert done.returncode == 1
    assert "no build output in build/views: run `edgeviews build`" in done.stdout


def test_template_syntax_error_is_a_problem_in_the_report(built: Path) -> None:
    write_view(built, "partials/_boot.html", "ok\n{% if %}\n")
    done = run_edgeviews(built, "check", "--format", "json")
    assert done.returncode == 1
    [problem] = json.loads(done.stdout)["problems"]
    assert (problem["kind"], problem["file"], problem["line"]) == (
        "template",
        "views/partials/_boot.html",
        2,
    )
