"""A throwaway edgeviews project on disk, and the real `edgeviews` command run inside it.

Shared by the CLI, build, check, stub and hatch-hook tests so each states only what differs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jinja2

REPO = Path(__file__).resolve().parents[2]

CONFIG = """\
views = "views"
out = "build"

[env.production]
GA_MEASUREMENT_ID = "G-PROD1234"
INTERCOM_APP_ID = "prod5678"

[env.test]
GA_MEASUREMENT_ID = "G-TEST0000"
INTERCOM_APP_ID = "test0000"
"""

ANALYTICS = """\
<script async src="https://www.googletagmanager.com/gtag/js?id={{ env.GA_MEASUREMENT_ID }}"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', '{{ env.GA_MEASUREMENT_ID }}');
</script>
"""

VIEWS = {
    "analytics.html": ANALYTICS,
    "chat-widget.html": '{% include "partials/_boot.html" %}\n',
    "partials/_boot.html": (
        "{% from '_macros.html' import tag with context %}"
        "<div class=\"chat\">{{ tag('intercom') }}</div>\n"
    ),
    "_macros.html": (
        '{% macro tag(kind) %}<script data-kind="{{ kind }}" '
        'data-app="{{ env.INTERCOM_APP_ID }}"></script>{% endmacro %}'
    ),
}


@dataclass
class Completed:
    """What one run of the command printed, and its exit status."""

    returncode: int
    stdout: str
    stderr: str


def write_project(root: Path, views: dict[str, str] | None = None, config: str = CONFIG) -> Path:
    """Write edgeviews.toml and the views into `root`; returns `root`."""
    (root / "edgeviews.toml").write_text(config)
    for name, source in (VIEWS if views is None else views).items():
        write_view(root, name, source)
    return root


def write_view(root: Path, name: str, source: str) -> Path:
    path = root / "views" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    return path


def run_edgeviews(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Completed:
    """The real command (`python -m edgeviews`), in `cwd`, bounded in time."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *filter(None, [environment.get("PYTHONPATH")])]
    )
    done = subprocess.run(
        [sys.executable, "-m", "edgeviews", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    return Completed(done.returncode, done.stdout, done.stderr)


def render_isolated(out: Path, code: str) -> str:
    """Run `code` in a fresh `python -I -S` (no site-packages: no jinja2) with `out` on its path."""
    program = f"import sys\nsys.path.insert(0, {str(out)!r})\n" + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", program],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def jinja_render(views: dict[str, str], name: str, **context: object) -> str:
    """What jinja2 itself renders: the oracle for the compiled views (autoescape on)."""
    environment = jinja2.Environment(loader=jinja2.DictLoader(views), autoescape=True)
    return environment.get_template(name).render(**context)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes: to show a failed build changed nothing."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
