"""A compiled module imports and renders under ``python -I -S``: no site-packages at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from edgeviews.compiler import compile_source, runtime_source

TEMPLATE = """{% macro li(x) %}<li>{{ x|title }}</li>{% endmacro %}
{%- for x in items if x %}{{ li(x) }}{{ loop.cycle('a', 'b') }}{% endfor %}
{{- data|tojson }}{{ 3.5|round }}{{ 'x'|center(5) }}{% include 'footer' %}"""
CONTEXT = {"items": ["a <b>", "", "c"], "data": {"k": "<v>"}}


def run_isolated(directory: Path, code: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            f"import sys; sys.path.insert(0, {str(directory)!r}); {code}",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def expected() -> str:
    import jinja2

    env = jinja2.Environment(
        autoescape=True, loader=jinja2.DictLoader({"footer": "<footer>{{ items|length }}"})
    )
    return env.from_string(TEMPLATE).render(CONTEXT)


def test_inlined_module_renders_without_site_packages(tmp_path: Path) -> None:
    source = compile_source(
        TEMPLATE, autoescape=True, templates={"footer": "<footer>{{ items|length }}"}
    )
    (tmp_path / "view.py").write_text(source)
    out = run_isolated(
        tmp_path,
        f"import view; sys.stdout.write(view.render({CONTEXT!r})); "
        "assert not any(m.startswith(('jinja2', 'markupsafe', 'edgeviews')) for m in sys.modules)",
    )
    assert out == expected()


def test_package_with_shared_runtime_renders_without_site_packages(tmp_path: Path) -> None:
    package = tmp_path / "views"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_runtime.py").write_text(runtime_source())
    source = compile_source(
        TEMPLATE,
        autoescape=True,
        templates={"footer": "<footer>{{ items|length }}"},
        runtime_import="._runtime",
    )
    (package / "page.py").write_text(source)
    out = run_isolated(
        tmp_path, f"from views import page; sys.stdout.write(page.render({CONTEXT!r}))"
    )
    assert out == expected()


def test_importing_the_compiler_package_does_not_import_jinja2() -> None:
    code = "import sys, edgeviews.compiler; assert 'jinja2' not in sys.modules, sorted(sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
