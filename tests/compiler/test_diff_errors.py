"""Errors: syntax errors at compile time (same message and line as jinja2, with the template
name), and render-time errors that carry the template's name and line.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from typing import Any

import pytest

import edgeviews
from edgeviews.errors import EdgeviewsError

AssertSame = Callable[..., Any]

SYNTAX_ERRORS = [
    "{% if %}x{% endif %}",
    "{{ }}",
    "{% for %}{% endfor %}",
    "{% endif %}",
    "{{ 1 + }}",
    "{% block %}{% endblock %}",
    "{% macro m( %}{% endmacro %}",
    "{% if x %}never closed",
    "line 1\nline 2\n{% if x %}\n{% endfor %}",
    "{{ 'unterminated }}",
    "{% raw %}unclosed",
    "{# unclosed comment",
    "{% foo %}",
    "text\n\n{{ x|nofilter }}",
    "{{ x is notest }}",
    "{% extends %}",
    "{% set %}",
    "{% for x in %}{% endfor %}",
    "{% else %}",
    "{% for x in y %}{% endif %}",
    "{{ x.1a }}",
    "{{ [1, 2 }}",
    "{{ {'a' 1} }}",
    "{{ x y }}",
    "{% macro m(a=1, b) %}{% endmacro %}",
    "{% set foo['bar'] = 1 %}",
    "{% for loop in seq %}{% endfor %}",
    "{% block a %}{% endblock %}{% block a %}{% endblock %}",
    "{% from 'x' import _private %}",
    "{% from 'x' import %}",
    "{% from 'x' import a, %}",
    "{{ x|default('a',) }}{{ f(a=1, 2) }}",
    "{% include %}",
    "{% with a %}{% endwith %}",
    "{% filter %}{% endfilter %}",
    "{% call %}{% endcall %}",
    "{% autoescape %}{% endautoescape %}",
    "{{ 1 if }}",
    "{{ x[] }}",
    "{{ x.(y) }}",
    "{% if x %}{% elif %}{% endif %}",
    "\n\n\n{% endblock %}",
    "{{ 1 }\n}",
    "{% endraw %}",
    "{{ x|e(}}",
    "{% set x = 1 %}{% endset %}",
    "{% block b required %}content{% endblock %}",
    "{% break %}",
    "{% continue %}",
    "{{ caller() }}{% call x %}{% endcall %}",
]


@pytest.mark.parametrize("source", SYNTAX_ERRORS)
def test_syntax_errors_match_jinja(assert_same: AssertSame, source: str) -> None:
    """jinja2 refuses these at compile time (all but `x[]`); so must we, same message and line."""
    assert_same(source, {"x": 1, "y": [1], "seq": [1]})


@pytest.mark.parametrize(
    "source",
    ["{% if %}", "a\nb\n{{ 1 + }}", "{% for x in y %}\n\n{% endif %}", "{{ x|nofilter }}"],
)
def test_syntax_error_names_the_template_and_line(source: str, jinja_template: Any) -> None:
    import jinja2

    with pytest.raises(jinja2.TemplateSyntaxError) as jinja_error:
        jinja_template(source)
    with pytest.raises(EdgeviewsError) as ours:
        edgeviews.compile_source(source, name="views/broken.html")
    error = ours.value
    assert type(error).__name__ == "TemplateSyntaxError"
    assert getattr(error, "name", None) == "views/broken.html"
    assert getattr(error, "lineno", None) == jinja_error.value.lineno
    assert getattr(error, "message", None) == jinja_error.value.message
    assert (
        str(error) == f"views/broken.html:{jinja_error.value.lineno}: {jinja_error.value.message}"
    )


def test_syntax_error_in_included_template_names_that_template() -> None:
    with pytest.raises(EdgeviewsError) as ours:
        edgeviews.compile_source(
            "{% include 'partials/bad.html' %}",
            name="views/page.html",
            templates={"partials/bad.html": "ok\n{% if %}"},
        )
    assert "partials/bad.html" in str(ours.value)
    assert getattr(ours.value, "lineno", None) == 2


RUNTIME_ERRORS = [
    ("line one\n{{ 1 / zero }}", 2, "ZeroDivisionError"),
    ("a\nb\nc\n{{ missing.attr }}", 4, "UndefinedError"),
    ("{% for x in seq %}\n{{ x + 'a' }}\n{% endfor %}", 2, "TypeError"),
    ("\n{% include 'nothere' %}", 2, "TemplateNotFound"),
    ("{% macro m() %}\n\n{{ 1 // zero }}{% endmacro %}\n{{ m() }}", 3, "ZeroDivisionError"),
    ("x\n{{ seq|sum(start='a') }}", 2, "TypeError"),
]


@pytest.mark.parametrize(("source", "line", "kind"), RUNTIME_ERRORS)
def test_runtime_error_carries_template_name_and_line(
    assert_same: AssertSame,
    compile_module: Callable[..., Any],
    source: str,
    line: int,
    kind: str,
) -> None:
    context = {"zero": 0, "seq": [1]}
    outcome = assert_same(source, context)
    assert outcome.kind == kind
    module = compile_module(source, name="views/failing.html")
    with pytest.raises(Exception) as caught:
        module.render(**context)
    text = "".join(traceback.format_exception(caught.value))
    located = re.compile(rf"views/failing\.html\D{{1,12}}{line}\b")
    assert located.search(text), f"no 'views/failing.html' + line {line} in:\n{text}"
