"""The dependency graph and the env keys a view reads, from Jinja's AST at build time."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from edgeviews.compiler.dependencies import closure, env_use_of, parse_template, parser_environment
from edgeviews.compiler.env_keys import find_env_use
from edgeviews.compiler.project import ViewError, find_templates


def keys(source: str) -> tuple[set[str], set[str], bool]:
    use = find_env_use(jinja2.Environment(extensions=["jinja2.ext.do"]).parse(source))
    return set(use.required), set(use.optional), use.dynamic


@pytest.mark.parametrize(
    ("source", "required", "optional", "dynamic"),
    [
        ("{{ env.A }}{{ env['B-1'] }}", {"A", "B-1"}, set(), False),
        ("{% macro m() %}{{ env.IN_MACRO }}{% endmacro %}{{ m() }}", {"IN_MACRO"}, set(), False),
        (
            "{% if env.X is defined %}x{% endif %}{{ env.Y | default('y') }}",
            set(),
            {"X", "Y"},
            False,
        ),
        ("{{ env.get('Z') }}", set(), {"Z"}, False),
        ("{{ env.Q | default('q') }}{{ env.Q }}", {"Q"}, set(), False),  # read unguarded once
        ("{{ env }}", set(), set(), True),
        ("{% for k, v in env.items() %}{% endfor %}", set(), set(), True),
        ("{{ env[name] }}", set(), set(), True),
        ("{% set env = {'A': 1} %}{{ other.A }}", set(), set(), False),
    ],
)
def test_env_keys(source: str, required: set[str], optional: set[str], dynamic: bool) -> None:
    assert keys(source) == (required, optional, dynamic)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source)
    return root


def graph(root: Path) -> tuple[dict, dict]:  # type: ignore[type-arg]
    templates = find_templates(root)
    environment = parser_environment({})
    return templates, {name: parse_template(t, environment) for name, t in templates.items()}


def test_closure_and_keys_through_include_extends_and_imports(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "page.html": "{% extends '_base.html' %}{% block b %}{% include 'partials/inc.html' %}{% endblock %}",
            "_base.html": "{{ env.BASE }}{% block b %}{% endblock %}",
            "partials/inc.html": "{% import '_m.html' as m %}{% from '_ctx.html' import f with context %}{{ env.INC }}{{ m.x() }}{{ f() }}",
            "_m.html": "{% macro x() %}{{ env.NO_CONTEXT }}{% endmacro %}",
            "_ctx.html": "{% macro f() %}{{ env.WITH_CONTEXT }}{% endmacro %}",
            "lone.html": "hi",
        },
    )
    templates, infos = graph(tmp_path)
    assert [t.export for t in templates.values() if t.export] == ["lone", "page"]
    assert closure("page.html", infos, templates) == [
        "_base.html",
        "_ctx.html",
        "_m.html",
        "partials/inc.html",
    ]
    assert closure("lone.html", infos, templates) == []
    use = env_use_of("page.html", infos, templates)
    # A template imported without context cannot see env: its keys are not the view's.
    assert set(use.required) == {"BASE", "INC", "WITH_CONTEXT"}


def test_dynamic_include_depends_on_everything(tmp_path: Path) -> None:
    write(tmp_path, {"a.html": "{% include name %}", "_b.html": "{{ env.B }}"})
    templates, infos = graph(tmp_path)
    assert closure("a.html", infos, templates) == ["_b.html"]
    assert set(env_use_of("a.html", infos, templates).required) == {"B"}


def test_missing_template_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, {"a.html": "one\n\n{% include '_gone.html' %}"})
    templates, infos = graph(tmp_path)
    with pytest.raises(ViewError) as caught:
        closure("a.html", infos, templates)
    assert (caught.value.lineno, caught.value.line) == (3, "{% include '_gone.html' %}")
    assert "'_gone.html' not found in the views folder" in str(caught.value)


def test_partials_hidden_files_and_other_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "nested/deep/widget.html": "x",
            "_layout.html": "x",
            "partials/footer.html": "x",
            "_private/thing.html": "x",
            ".swap.html": "x",
            "README.md": "x",
        },
    )
    templates = find_templates(tmp_path)
    assert sorted(templates) == [
        "_layout.html",
        "_private/thing.html",
        "nested/deep/widget.html",
        "partials/footer.html",
    ]
    assert [t.export for t in templates.values() if t.export] == ["nested_deep_widget"]


def test_parser_uses_the_configured_delimiters(tmp_path: Path) -> None:
    write(tmp_path, {"a.html": "<% include '_b.html' %>[[ env.X ]]", "_b.html": "b"})
    templates = find_templates(tmp_path)
    environment = parser_environment(
        {
            "block_start_string": "<%",
            "block_end_string": "%>",
            "variable_start_string": "[[",
            "variable_end_string": "]]",
        }
    )
    info = parse_template(templates["a.html"], environment)
    assert [ref.name for ref in info.references] == ["_b.html"]
    assert set(info.env.required) == {"X"}


class Recording(dict):  # type: ignore[type-arg]
    """An env that records every key jinja2 looks up in it while rendering."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> object:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:
        self.read.add(key)
        return super().get(key, default)


def test_found_keys_are_the_keys_jinja2_reads(tmp_path: Path) -> None:
    """The oracle is jinja2 rendering with a recording env: what it reads is what we found."""
    files = {
        "page.html": (
            "{% extends '_base.html' %}{% block main %}{{ env.TITLE }}"
            "{% include 'partials/_nav.html' %}{% from '_m.html' import cta with context %}"
            "{{ cta() }}{% endblock %}"
        ),
        "_base.html": "<main data-site=\"{{ env['SITE'] }}\">{% block main %}{% endblock %}</main>",
        "partials/_nav.html": "{% for i in [1, 2] %}{{ env.NAV }}{% endfor %}{{ env.get('OPTIONAL') }}",
        "_m.html": "{% macro cta() %}<a href='{{ env.CTA_URL }}'>go</a>{% endmacro %}",
    }
    write(tmp_path, files)
    templates, infos = graph(tmp_path)
    use = env_use_of("page.html", infos, templates)
    keys = {"TITLE", "SITE", "NAV", "OPTIONAL", "CTA_URL"}
    env = Recording({key: key.lower() for key in keys})
    jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path)).get_template("page.html").render(
        env=env
    )
    assert env.read == keys
    assert set(use.required) | set(use.optional) == env.read
    assert set(use.optional) == {"OPTIONAL"}
