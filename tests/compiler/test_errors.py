"""Compile-time and render-time errors name the template and the line."""

from __future__ import annotations

import traceback
from types import ModuleType

import pytest

from edgeviews.compiler import TemplateSyntaxError, compile_source
from edgeviews.errors import EdgeviewsError


def load(source: str) -> ModuleType:
    module = ModuleType("compiled_under_test")
    exec(compile(source, "<compiled>", "exec"), module.__dict__)
    return module


def test_syntax_error_has_name_line_and_message() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_source("ok\n\n{% if x %}{{ }", name="views/x.html")
    error = caught.value
    assert isinstance(error, EdgeviewsError)
    assert error.name == "views/x.html" and error.lineno == 3
    assert str(error).startswith("views/x.html:3: ")


def test_unknown_filter_fails_at_compile_time_outside_if() -> None:
    with pytest.raises(TemplateSyntaxError, match="No filter named 'nope'"):
        compile_source("{{ x|nope }}", name="v.html")


def test_unknown_option_is_reported() -> None:
    with pytest.raises(TemplateSyntaxError, match="unknown compiler option 'autoescaping'"):
        compile_source("x", autoescaping=True)


def test_render_error_in_included_template_names_it() -> None:
    module = load(
        compile_source(
            "{% include 'part.html' %}",
            name="page.html",
            templates={"part.html": "a\nb {{ 1 // z }}"},
        )
    )
    with pytest.raises(ZeroDivisionError) as caught:
        module.render(z=0)
    text = "".join(traceback.format_exception(caught.value))
    assert 'File "part.html", line 2' in text


def test_missing_template_fails_at_render_time_like_jinja2() -> None:
    module = load(compile_source("{% include name %}", templates={"a": "A"}))
    assert module.render(name="a") == "A"
    with pytest.raises(Exception) as caught:
        module.render(name="b")
    assert type(caught.value).__name__ == "TemplateNotFound" and str(caught.value) == "b"


def test_broken_partial_fails_the_build_only_when_every_render_loads_it() -> None:
    templates = {"bad.html": "ok\n{% if %}"}
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_source("{% include 'bad.html' %}", templates=templates)
    assert caught.value.name == "bad.html" and caught.value.lineno == 2
    module = load(
        compile_source("{% if on %}{% include 'bad.html' %}{% endif %}done", templates=templates)
    )
    assert module.render(on=False) == "done"
    with pytest.raises(Exception) as at_render:
        module.render(on=True)
    assert type(at_render.value).__name__ == "TemplateSyntaxError"
