"""The hatchling build hook: `pip wheel .` of a project using edgeviews ships its compiled views."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.shell.tmp_project import CONFIG, REPO, VIEWS, jinja_render, render_isolated, write_view

PYPROJECT = """\
[build-system]
requires = ["hatchling", "edgeviews"]
build-backend = "hatchling.build"

[project]
name = "landing-site"
version = "1.0.0"

[tool.hatch.build.targets.wheel]
packages = ["landing"]

[tool.hatch.build.targets.wheel.hooks.edgeviews]
env = "production"

[tool.edgeviews]
"""


def test_wheel_contains_the_compiled_views(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        PYPROJECT + CONFIG.replace("[env.", "[tool.edgeviews.env.")
    )
    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "__init__.py").write_text("")
    for name, source in VIEWS.items():
        write_view(tmp_path, name, source)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            "dist",
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = (tmp_path / "dist").glob("landing_site-1.0.0-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "landing/__init__.py",
        "views/__init__.py",
        "views/_runtime.py",
        "views/analytics.py",
    } <= names
    assert {"views/analytics.pyi", "views/py.typed", "views/chat_widget.py"} <= names
    manifest = json.loads(zipfile.ZipFile(wheel).read("views/manifest.json"))
    assert manifest["env"] == "production"
    # The wheel is a zip: import the views straight from it, without jinja2.
    output = render_isolated(wheel, "from views import analytics\nprint(analytics(), end='')")
    assert output == jinja_render(VIEWS, "analytics.html", env={"GA_MEASUREMENT_ID": "G-PROD1234"})
