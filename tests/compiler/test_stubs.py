"""Type stubs of built views: mypy flags a missing or misspelt env key where a view is called."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from edgeviews.compiler.build import build_project
from edgeviews.config import load_config
from tests.shell.tmp_project import write_project, write_view

CALLERS = {
    "good.py": """
        from views import analytics, chat_widget, optional, VIEWS
        html: str = analytics({"GA_MEASUREMENT_ID": "G-1"})
        chat_widget({"INTERCOM_APP_ID": "x"})
        optional({})
        optional({"TITLE": "t"})
        VIEWS["analytics"]({"anything": 1})
    """,
    "missing.py": """
        from views import chat_widget
        chat_widget({})
    """,
    "misspelt.py": """
        from views import analytics
        analytics({"GA_MEASURMENT_ID": "G-1"})
    """,
    "no_env.py": """
        from views import analytics
        analytics()
    """,
}


def test_mypy_checks_env_keys_against_each_view(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    write_view(project, "optional.html", "<title>{{ env.TITLE | default('Home') }}</title>")
    build_project(load_config(cwd=project))
    for name, code in CALLERS.items():
        (project / name).write_text("\n".join(line.strip() for line in code.splitlines()) + "\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            *CALLERS,
        ],
        cwd=project,
        env={**os.environ, "MYPYPATH": str(project / "build")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.findall(r"^(\w+\.py):\d+: error: (.*)$", done.stdout, re.M)
    errors: dict[str, list[str]] = {}
    for file, message in found:
        errors.setdefault(file, []).append(message)
    assert set(errors) == {"missing.py", "misspelt.py", "no_env.py"}, done.stdout
    assert any(
        'Missing key "INTERCOM_APP_ID" for TypedDict "ChatWidgetEnv"' in m
        for m in errors["missing.py"]
    )
    assert any(
        'Extra key "GA_MEASURMENT_ID" for TypedDict "AnalyticsEnv"' in m
        for m in errors["misspelt.py"]
    )
    assert any(
        'Missing positional argument "env" in call to "analytics"' in m for m in errors["no_env.py"]
    )
