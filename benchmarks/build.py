"""Build speed: cold build and one-file rebuilds of a folder of 200 generated views.

A temporary project holds N views (every fourth includes a shared partial, every eighth imports
a macro) reading env keys. Measured:
- in process, as watch mode calls `build_project`: cold build (no previous output), a rebuild
  with nothing changed, a rebuild after editing one view, a rebuild after editing the partial;
- the real command (`python -m edgeviews build`), as CI runs it: a cold build and a one-file
  rebuild, each a fresh interpreter.
Target: a one-file rebuild under 100 ms.

Anchors measured in the same run, so ratios compare across machines:
- `floor`: reading and hashing every view file once (what any content-hash rebuild must do);
- `python`: a fresh interpreter importing jinja2 (what any command-line build must do).

    .venv/bin/python benchmarks/build.py [--views 200] [--repeat 7]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from edgeviews.compiler import build as build_module
from edgeviews.compiler.build import build_project
from edgeviews.config import load_config

REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
views = "views"
out = "build"

[env.production]
GA_MEASUREMENT_ID = "G-PROD1234"
SITE = "example.com"
"""

PARTIAL = (
    '<footer data-site="{{ env.SITE }}">{% block note %}shared partial{% endblock %}</footer>\n'
)
MACROS = '{% macro badge(label) %}<span class="badge">{{ label | upper }}</span>{% endmacro %}\n'


def view_source(index: int, marker: str = "") -> str:
    lines = [
        f'<section id="view-{index}" data-ga="{{{{ env.GA_MEASUREMENT_ID }}}}">{marker}',
        "  {% for item in ['a', 'b', 'c'] %}<i>{{ loop.index }} {{ item }}</i>{% endfor %}",
        f'  {{% if env.SITE %}}<a href="https://{{{{ env.SITE }}}}/{index}">link</a>{{% endif %}}',
    ]
    if index % 8 == 0:
        lines.insert(0, "{% from '_macros.html' import badge %}")
        lines.append("  {{ badge('view %d' % " + str(index) + ") }}")
    if index % 4 == 0:
        lines.append("  {% include 'partials/footer.html' %}")
    lines.append("</section>")
    return "\n".join(lines) + "\n"


def make_project(root: Path, views: int) -> None:
    (root / "edgeviews.toml").write_text(CONFIG)
    folder = root / "views"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "footer.html").write_text(PARTIAL)
    (folder / "_macros.html").write_text(MACROS)
    for index in range(views):
        (folder / f"view-{index:03d}.html").write_text(view_source(index))


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def run_cli(root: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    subprocess.run(
        [sys.executable, "-m", "edgeviews", "build", "-q"],
        cwd=root,
        env=environment,
        check=True,
        timeout=300,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="edgeviews-bench-") as folder:
        root = Path(folder)
        make_project(root, args.views)
        files = sorted((root / "views").rglob("*.html"))

        floor = median_ms(
            [
                timed(lambda: [hashlib.sha256(f.read_bytes()).digest() for f in files])
                for _ in range(args.repeat)
            ]
        )
        python = median_ms(
            [
                timed(lambda: subprocess.run([sys.executable, "-c", "import jinja2"], check=True))
                for _ in range(3)
            ]
        )

        # The command as CI runs it: a fresh interpreter each time.
        cli_cold = timed(lambda: run_cli(root)) * 1000
        (root / "views" / "view-001.html").write_text(view_source(1, "cli"))
        cli_one = timed(lambda: run_cli(root)) * 1000

        # In process, as watch mode runs it.
        config = load_config(cwd=root)
        cold: list[float] = []
        for _ in range(3):
            subprocess.run(["rm", "-rf", str(root / "build")], check=True)
            build_module._compiled_cache.clear()  # cold: nothing compiled in this process either
            build_module._info_cache.clear()
            started = time.perf_counter()
            result = build_project(config)
            cold.append(time.perf_counter() - started)
            assert len(result.compiled) == args.views
        unchanged = [timed(lambda: build_project(config)) for _ in range(args.repeat)]
        one: list[float] = []
        for round_ in range(args.repeat):
            (root / "views" / "view-002.html").write_text(view_source(2, f"edit {round_}"))
            started = time.perf_counter()
            result = build_project(config)
            one.append(time.perf_counter() - started)
            assert result.compiled == ("view_002",), result.compiled
        partial: list[float] = []
        for round_ in range(3):
            (root / "views" / "partials" / "footer.html").write_text(
                PARTIAL + f"<!-- {round_} -->\n"
            )
            started = time.perf_counter()
            result = build_project(config)
            partial.append(time.perf_counter() - started)
            assert len(result.compiled) == (args.views + 3) // 4

    n = args.views
    samples: list[tuple[str, list[float], str]] = [
        (f"in process: cold build, {n} views", cold, "floor"),
        ("in process: rebuild, nothing changed", unchanged, "floor"),
        ("in process: rebuild, one view edited", one, "floor"),
        (f"in process: rebuild, partial edited ({(n + 3) // 4} users)", partial, "floor"),
    ]
    rows: list[tuple[str, float, float, str, int]] = [
        ("floor: read + hash every view", floor, floor, "floor", args.repeat),
        ("python: fresh interpreter + jinja2", python, python, "python", 3),
        *((name, median_ms(s), min(s) * 1000, anchor, len(s)) for name, s, anchor in samples),
        (f"command: cold build, {n} views", cli_cold, cli_cold, "python", 1),
        ("command: rebuild, one view edited", cli_one, cli_one, "python", 1),
    ]
    anchors = {"floor": floor, "python": python}
    print(f"edgeviews build, {n} views ({sys.platform}, Python {sys.version.split()[0]})")
    print(f"{'case':<52} {'median ms':>10} {'min ms':>8} {'x anchor':>9}  runs")
    for name, ms, low, anchor, runs in rows:
        print(f"{name:<52} {ms:>10.1f} {low:>8.1f} {ms / anchors[anchor]:>8.1f}x  {runs}")
    verdict = "met" if median_ms(one) < 100 else "MISSED"
    print(f"target: one-view rebuild under 100 ms in process: {verdict} ({median_ms(one):.1f} ms)")


if __name__ == "__main__":
    main()
