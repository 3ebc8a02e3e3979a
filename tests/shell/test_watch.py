"""The real `edgeviews watch` process: every save rebuilds, errors are reported and survived.

The built package is imported afresh (by path, under a new name) after each rebuild, as the
proxy does, and rendered. Every wait is bounded and the process is always stopped.
"""

from __future__ import annotations

import importlib.util
import itertools
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.running import Running

_fresh_names = itertools.count()

CONFIG = """\
views = "views"
out = "build"
"""


def make_project(project: Path) -> Path:
    views = project / "views"
    (views / "partials").mkdir(parents=True)
    (views / "analytics.html").write_text("<script>/* analytics v1 */</script>\n")
    (views / "banner.html").write_text('<div>{% include "partials/notice.html" %}</div>\n')
    (views / "partials" / "notice.html").write_text("notice v1")
    (views / "syntax.html").write_text("<p>syntax v1</p>\n")
    (project / "edgeviews.toml").write_text(CONFIG)
    return project


def start_watch(project: Path) -> Running:
    running = Running(["watch"], project)
    try:
        running.wait_for(r"^watching views/ and edgeviews\.toml", timeout=30)
    except BaseException:
        running.kill()
        raise
    return running


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, Path]]:
    """One `edgeviews watch` for the tests that each edit only their own files."""
    project = make_project(tmp_path_factory.mktemp("shared-watch"))
    running = start_watch(project)
    try:
        yield running, project
    finally:
        running.kill()


@pytest.fixture
def own(tmp_path: Path) -> Iterator[tuple[Running, Path]]:
    """An `edgeviews watch` for one test, which may change the configuration or stop it."""
    project = make_project(tmp_path)
    running = start_watch(project)
    try:
        yield running, project
    finally:
        running.kill()


def render(project: Path, view: str) -> str:
    """Import the build output by path under a fresh name, as the proxy does, and render."""
    init = project / "build" / "views" / "__init__.py"
    name = f"_watched_views_{next(_fresh_names)}"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(init.parent)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        views: dict[str, Callable[..., Any]] = module.VIEWS
        return str(views[view]({}))
    finally:
        for key in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
            del sys.modules[key]


def test_starts_with_a_build_and_rebuilds_a_saved_view(shared: tuple[Running, Path]) -> None:
    watching, project = shared
    assert "analytics v1" in render(project, "analytics")
    mark = watching.mark()
    (project / "views" / "analytics.html").write_text("<script>/* analytics v2 */</script>\n")
    found = watching.wait_for(r"built: (.*) \((\d+) views?\) in \d+ ms", after=mark)
    assert found.group(1) == "analytics"
    assert "analytics v2" in render(project, "analytics")


def test_a_partial_rebuilds_the_views_that_include_it(shared: tuple[Running, Path]) -> None:
    watching, project = shared
    mark = watching.mark()
    (project / "views" / "partials" / "notice.html").write_text("notice v2")
    found = watching.wait_for(r"built: (.*) \(1 view\)", after=mark)
    assert found.group(1) == "banner"
    assert render(project, "banner") == "<div>notice v2</div>"


def test_a_syntax_error_is_reported_and_survived(shared: tuple[Running, Path]) -> None:
    watching, project = shared
    view = project / "views" / "syntax.html"
    mark = watching.mark()
    view.write_text("<p>syntax v2</p>\n{{ broken }\n")
    watching.wait_for(r"error: views/syntax\.html:2: ", after=mark)
    watching.wait_for(r"^\s+2 \| \{\{ broken \}$", after=mark)
    watching.wait_for(r"last good build stays", after=mark)
    assert render(project, "syntax") == "<p>syntax v1</p>"
    assert watching.process.poll() is None

    mark = watching.mark()
    view.write_text("<p>syntax v3</p>\n")
    watching.wait_for(r"built: syntax \(1 view\)", after=mark)
    assert render(project, "syntax") == "<p>syntax v3</p>"


def test_editor_litter_and_other_files_start_no_build(shared: tuple[Running, Path]) -> None:
    watching, project = shared
    mark = watching.mark()
    (project / "views" / ".syntax.html.swp").write_text("x")
    (project / "views" / "syntax.html~").write_text("x")
    (project / "views" / "notes.md").write_text("x")
    (project / "README.txt").write_text("outside the views folder")
    (project / "build" / "views" / "stray.html").write_text("inside the build output")
    time.sleep(0.5)
    assert watching.lines[mark:] == []


def test_a_config_change_is_reread_a_broken_one_refused_a_moved_folder_followed(
    own: tuple[Running, Path],
) -> None:
    watching, project = own
    config = project / "edgeviews.toml"
    mark = watching.mark()
    config.write_text(CONFIG + "views = 1\n")
    watching.wait_for(r"error: .*edgeviews\.toml", after=mark)
    watching.wait_for(r"previous configuration stays in force", after=mark)
    assert watching.process.poll() is None

    mark = watching.mark()
    config.write_text(CONFIG + "[jinja]\nkeep_trailing_newline = true\n")
    watching.wait_for(r"edgeviews\.toml changed: rebuilding everything", after=mark)
    watching.wait_for(r"built: .*\(3 views\)", after=mark)
    assert render(project, "analytics") == "<script>/* analytics v1 */</script>\n"

    mark = watching.mark()  # the watcher restarted on the new file: saves still count
    (project / "views" / "analytics.html").write_text("<b>v2</b>\n")
    watching.wait_for(r"built: analytics \(1 view\)", after=mark)

    other = project / "other"
    other.mkdir()
    (other / "moved.html").write_text("<i>moved v1</i>")
    mark = watching.mark()
    config.write_text('views = "other"\nout = "build"\n')
    watching.wait_for(r"built: moved \(1 view\), removed analytics, banner, syntax", after=mark)
    watching.wait_for(r"^watching other/ and edgeviews\.toml", after=mark)
    mark = watching.mark()
    (project / "views" / "analytics.html").write_text("<b>not watched any more</b>\n")
    (other / "moved.html").write_text("<i>moved v2</i>")
    watching.wait_for(r"built: moved \(1 view\)", after=mark)
    assert render(project, "moved") == "<i>moved v2</i>"
    assert not [line for line in watching.lines[mark:] if "analytics" in line]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly(own: tuple[Running, Path], signum: int) -> None:
    watching, _ = own
    assert watching.stop(signum) == 0
    assert "Traceback" not in watching.output
    assert watching.lines[-1] == "stopped"
