"""The Rebuilder, in-process against the real build: what each round builds, says and keeps."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from edgeviews.compiler.project import ViewError
from edgeviews.config import load_config
from edgeviews.errors import ConfigError
from edgeviews.rebuild import Rebuilder, describe_build, offending_line


@pytest.fixture
def project(tmp_path: Path) -> Path:
    views = tmp_path / "views"
    views.mkdir()
    (views / "analytics.html").write_text("<p>{{ env.ID }}</p>")
    (views / "_footer.html").write_text("footer v1")
    (views / "banner.html").write_text('{% include "_footer.html" %}')
    (tmp_path / "edgeviews.toml").write_text('views = "views"\n[env.dev]\nID = "G-1"\n')
    return tmp_path


def rebuilder(project: Path) -> tuple[Rebuilder, io.StringIO]:
    out = io.StringIO()
    return Rebuilder(load_config(cwd=project), env=None, out=out), out


def said(out: io.StringIO) -> list[str]:
    lines = out.getvalue().splitlines()
    out.seek(0)
    out.truncate()
    return lines


def test_a_round_rebuilds_changed_views_and_their_dependants(project: Path) -> None:
    builder, out = rebuilder(project)
    first = builder.build_all()
    assert first.ok and sorted(first.views) == ["analytics", "banner"]
    said(out)

    (project / "views" / "_footer.html").write_text("footer v2")
    outcome = builder.apply({project / "views" / "_footer.html"})
    assert outcome is not None and outcome.ok
    assert outcome.views == ("banner",) and outcome.config is None
    [line] = said(out)
    assert re.fullmatch(r"\d\d:\d\d:\d\d built: banner \(1 view\) in \d+ ms", line)

    assert builder.apply(set()) is None  # nothing saved: no build, no line
    assert said(out) == []


def test_a_failed_round_keeps_the_output_and_is_not_repeated_by_a_catch_up(project: Path) -> None:
    builder, out = rebuilder(project)
    builder.build_all()
    said(out)
    view = project / "views" / "analytics.html"
    view.write_text("<p>\n{{ env.ID }\n</p>")
    outcome = builder.apply({view})
    assert outcome is not None and not outcome.ok
    error, line, hint = said(out)
    assert re.search(r" error: \S*views/analytics\.html:2: ", error)
    assert line.strip() == "2 | {{ env.ID }"
    assert "last good build stays" in hint
    assert (project / "build" / "views" / "analytics.py").is_file()

    assert not builder.catch_up().ok
    assert said(out) == []  # the same error is already on screen

    view.write_text("<p>{{ env.ID }}!</p>")
    outcome = builder.apply({view})
    assert outcome is not None and outcome.ok and outcome.views == ("analytics",)


def test_a_config_change_takes_effect_with_the_next_good_build(project: Path) -> None:
    builder, out = rebuilder(project)
    builder.build_all()
    said(out)
    config_file = project / "edgeviews.toml"
    old = builder.config

    config_file.write_text('views = "views"\nunknown = 1\n')
    outcome = builder.apply({config_file})
    assert outcome is None and builder.config is old
    assert "previous configuration stays in force" in said(out)[1]

    assert builder.apply({config_file}) is None  # the same bytes: not read nor said again
    assert said(out) == []

    config_file.write_text('views = "views"\n[jinja]\nkeep_trailing_newline = true\n')
    outcome = builder.apply({config_file})
    assert outcome is not None and outcome.ok and outcome.config is builder.config
    assert builder.config is not old and builder.config.jinja["keep_trailing_newline"] is True
    assert sorted(outcome.views) == ["analytics", "banner"]  # every view, new options
    assert "edgeviews.toml changed: rebuilding everything" in said(out)[0]


def test_a_removed_view_is_named_as_removed_and_as_changed(project: Path) -> None:
    builder, out = rebuilder(project)
    builder.build_all()
    said(out)
    (project / "views" / "analytics.html").unlink()
    outcome = builder.apply({project / "views" / "analytics.html"})
    assert outcome is not None and outcome.ok and outcome.views == ("analytics",)
    assert re.search(r" built: removed analytics in \d+ ms$", said(out)[0])


def test_catch_up_is_silent_when_nothing_changed(project: Path) -> None:
    builder, out = rebuilder(project)
    builder.build_all()
    said(out)
    outcome = builder.catch_up()
    assert outcome.ok and outcome.views == ()
    assert said(out) == []


def test_describe_build() -> None:
    assert describe_build(["a"], 0.0123) == "a (1 view) in 12 ms"
    assert describe_build([], 0.002) == "nothing to recompile (2 ms)"
    names = [f"v{i}" for i in range(7)]
    assert describe_build(names, 0.1) == "v0, v1, v2, v3, v4 and 2 more (7 views) in 100 ms"
    assert describe_build(["o"], 0.02, ["a"]) == "o (1 view), removed a in 20 ms"
    assert describe_build([], 0.02, ["a", "b"]) == "removed a, b in 20 ms"


def test_offending_line() -> None:
    error = ViewError(Path("views/x.html"), 3, "unexpected '}'", line="{{ x }")
    assert offending_line(error) == "   3 | {{ x }"
    assert offending_line(ViewError(Path("views/x.html"), None, "cannot read")) is None
    assert offending_line(ConfigError("bad")) is None


def test_a_configuration_in_pyproject_is_reread_from_there(tmp_path: Path) -> None:
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "a.html").write_text("a\n")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "site"\n\n[tool.edgeviews]\nviews = "views"\n')
    builder, out = rebuilder(tmp_path)
    assert builder.config.source == pyproject
    builder.build_all()
    said(out)

    pyproject.write_text(
        '[project]\nname = "site"\n\n[tool.edgeviews]\nviews = "views"\n'
        "[tool.edgeviews.jinja]\nkeep_trailing_newline = true\n"
    )
    outcome = builder.apply({pyproject})
    assert outcome is not None and outcome.config is not None
    assert outcome.config.source == pyproject and outcome.views == ("a",)
    assert "pyproject.toml changed: rebuilding everything" in said(out)[0]
