"""build_project in process (as watch mode calls it): incremental by content hash, atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from edgeviews.compiler.build import build_project
from edgeviews.compiler.project import ViewError
from edgeviews.compiler.writer import Staging
from edgeviews.config import load_config
from tests.shell.tmp_project import tree, write_project, write_view


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


def test_cold_then_unchanged(project: Path) -> None:
    first = build_project(load_config(cwd=project))
    assert sorted(first.compiled) == ["analytics", "chat_widget"] and first.skipped == ()
    second = build_project(load_config(cwd=project))
    assert second.compiled == () and sorted(second.skipped) == ["analytics", "chat_widget"]
    assert second.out == project / "build" / "views"


def test_partial_change_recompiles_only_its_users(project: Path) -> None:
    build_project(load_config(cwd=project))
    write_view(project, "_macros.html", "{% macro tag(kind) %}<i>{{ kind }}</i>{% endmacro %}")
    result = build_project(load_config(cwd=project))
    assert result.compiled == ("chat_widget",) and result.skipped == ("analytics",)


def test_changed_is_only_a_hint(project: Path) -> None:
    build_project(load_config(cwd=project))
    path = write_view(project, "analytics.html", "<p>{{ env.GA_MEASUREMENT_ID }}</p>\n")
    wrong_hint = [project / "views" / "chat-widget.html"]
    result = build_project(load_config(cwd=project), changed=wrong_hint)
    assert result.compiled == ("analytics",)
    result = build_project(load_config(cwd=project), changed=[path])  # spurious: nothing changed
    assert result.compiled == ()


def test_removed_view_leaves_the_output(project: Path) -> None:
    build_project(load_config(cwd=project))
    (project / "views" / "analytics.html").unlink()
    result = build_project(load_config(cwd=project))
    assert result.removed == ("analytics",)
    assert not (result.out / "analytics.py").exists()
    assert "analytics" not in (result.out / "__init__.py").read_text()


def test_env_and_options_are_part_of_the_key(project: Path) -> None:
    build_project(load_config(cwd=project))
    baked = build_project(load_config(cwd=project), env="production")
    assert sorted(baked.compiled) == ["analytics", "chat_widget"]
    assert build_project(load_config(cwd=project), env="production").compiled == ()
    config = (project / "edgeviews.toml").read_text()
    (project / "edgeviews.toml").write_text(config + "\n[jinja]\ntrim_blocks = true\n")
    assert len(build_project(load_config(cwd=project), env="production").compiled) == 2


def test_unchanged_files_are_taken_over_not_rewritten(project: Path) -> None:
    first = build_project(load_config(cwd=project))
    inode = os.stat(first.out / "analytics.py").st_ino
    write_view(project, "chat-widget.html", "<p>new</p>\n")
    second = build_project(load_config(cwd=project))
    assert os.stat(second.out / "analytics.py").st_ino == inode  # hard link into the new folder


def test_failed_build_keeps_previous_output_and_leaves_no_staging(project: Path) -> None:
    build_project(load_config(cwd=project))
    before = tree(project / "build")
    write_view(project, "analytics.html", "line one\n{% for x in %}\n")
    with pytest.raises(ViewError) as caught:
        build_project(load_config(cwd=project))
    error = caught.value
    assert error.path == project / "views" / "analytics.html"
    assert error.lineno == 2 and error.line == "{% for x in %}"
    assert tree(project / "build") == before
    assert os.listdir(project / "build") == ["views"]  # nothing staged is left behind


def test_prerender_failure_is_a_build_error(project: Path) -> None:
    write_view(project, "maths.html", "{{ env.GA_MEASUREMENT_ID // 2 }}")
    with pytest.raises(
        ViewError, match=r"maths.html: fails to render with \[env.test\]: TypeError"
    ):
        build_project(load_config(cwd=project), env="test")
    assert not (project / "build" / "views").exists()


def test_views_named_alike_are_an_error(project: Path) -> None:
    write_view(project, "chat_widget.html", "x")
    with pytest.raises(
        ViewError, match=r"exported as 'chat_widget', like \S*views/chat-widget\.html"
    ):
        build_project(load_config(cwd=project))
    write_view(project, "404.html", "x")
    (project / "views" / "chat_widget.html").unlink()
    with pytest.raises(ViewError, match="not a valid name; rename the file"):
        build_project(load_config(cwd=project))


def test_view_named_like_a_runtime_name_is_an_error(project: Path) -> None:
    # `escape` is bound in the compiled module; a function of that name would replace it.
    write_view(project, "escape.html", "{{ env.X | e }}")
    with pytest.raises(ViewError, match="'escape' is a name its compiled module already defines"):
        build_project(load_config(cwd=project))


def test_same_size_edit_with_restored_mtime_is_still_seen(project: Path) -> None:
    # Unchanged files are recognised by stat (as git does); an edit that keeps the size and
    # puts the mtime back still changes the ctime, and a fresh file's stat is not trusted.
    path = project / "views" / "analytics.html"
    build_project(load_config(cwd=project))
    before = os.stat(path)
    path.write_text(path.read_text().replace("gtag", "GTAG"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    assert build_project(load_config(cwd=project)).compiled == ("analytics",)
    path.write_text(path.read_text().replace("GTAG", "gTag"))  # at once: within the racy window
    result = build_project(load_config(cwd=project))
    assert result.compiled == ("analytics",)
    assert "gTag" in (result.out / "analytics.py").read_text()


def test_the_replaced_output_is_recycled_as_the_next_staging_folder(project: Path) -> None:
    views = project / "views"
    original = (views / "analytics.html").read_text()
    first = build_project(load_config(cwd=project))
    first_module = (first.out / "analytics.py").read_text()
    (views / "analytics.html").write_text("<p>second</p>\n")
    build_project(load_config(cwd=project))
    spare = project / "build" / ".views-spare"
    assert (spare / "manifest.json").is_file()  # the first output, kept
    (spare / "__pycache__").mkdir()  # as if a reader had imported from it while it was live
    (views / "analytics.html").write_text(original)
    (views / "chat-widget.html").unlink()
    third = build_project(load_config(cwd=project))
    # The first build's analytics.py is still right for this source: taken over, not compiled.
    assert third.compiled == () and third.skipped == ("analytics",)
    assert third.removed == ("chat_widget",)
    assert sorted(os.listdir(third.out)) == sorted(
        [
            "__init__.py",
            "__init__.pyi",
            "_runtime.py",
            "analytics.py",
            "analytics.pyi",
            "manifest.json",
            "py.typed",
        ]
    )
    assert (third.out / "analytics.py").read_text() == first_module


def test_writing_over_a_taken_over_file_never_writes_through_the_link(tmp_path: Path) -> None:
    live = tmp_path / "views"
    live.mkdir()
    (live / "analytics.py").write_text("old")
    staging = Staging(live)
    assert staging.reuse("analytics.py", live)  # a hard link to the live file
    staging.write_text("analytics.py", "new")
    assert (live / "analytics.py").read_text() == "old"
    staging.commit()
    assert (live / "analytics.py").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir() if "-build-" in p.name] == []
