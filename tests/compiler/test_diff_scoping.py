"""Differential cases for scoping and for the run-time objects templates can reach.

Who sees which variable (call-block bodies, macros, includes, imports, blocks), and what
jinja2's own objects (LoopContext, Namespace, Macro, Cycler, TemplateModule) print and say
in undefined messages, since templates can reach all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

AssertSame = Callable[..., Any]

TEMPLATES = {
    "child": "{% extends 'parent' %}{% block b %}child-{{ v }}{% endblock %}",
    "parent": "P[{% block b %}parent{% endblock %}]{% macro pm() %}pm{% endmacro %}",
    "macros": "{% macro show() %}{{ v }}|{{ w }}{% endmacro %}{% set w = 'module-w' %}",
    "plain": "[{{ v }}]",
}

SCOPING = [
    "{% macro m() %}{% set x = 'in macro' %}{{ caller() }}{% endmacro %}{% set x = 'outer' %}{% call m() %}{{ x }}{% endcall %}",
    "{% macro m(x) %}{{ caller() }}{% endmacro %}{% call m('arg') %}{{ x }}{% endcall %}",
    "{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{% set y = 'in call' %}{{ y }}{% endcall %}[{{ y }}]",
    "{% macro m() %}{{ loop.index }}{% endmacro %}{% for i in [1] %}{{ m() }}{% endfor %}",
    "{% macro m() %}{{ i }}{% endmacro %}{% for i in [1, 2] %}{{ m() }}{% endfor %}",
    "{% for i in [1, 2] %}{% macro m() %}{{ i }}{% endmacro %}{{ m() }}{% endfor %}",
    "{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}",
    "{% for i in [1] %}{% set x = 'loop' %}{% macro m() %}{{ x }}{% endmacro %}{{ m() }}{% endfor %}",
    "{% set v = 'top' %}{% include 'plain' %}{% for v in ['loop'] %}{% include 'plain' %}{% endfor %}",
    "{% macro m(v) %}{% include 'plain' %}{% endmacro %}{{ m('macro-arg') }}",
    "{% set v = 'top' %}{% import 'macros' as mm %}{{ mm.show() }}|{% import 'macros' as mc with context %}{{ mc.show() }}",
    "{% from 'macros' import show %}{% set v = 'after' %}{{ show() }}",
    "{% set v = 'top' %}{% from 'macros' import show with context %}{% set v = 'later' %}{{ show() }}",
    "{% import 'child' as c %}[{{ c }}]|{{ c.pm is defined }}",
    "{% include 'child' %}|{% set v = 'set' %}{% include 'child' %}",
    "{% for i in range(2) %}{% set x = i %}{% if true %}{% set x = x * 10 %}{% endif %}{{ x }}{% endfor %}",
    "{% set x = 1 %}{% for i in [1] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}",
    "{% for i in [1] %}{% for j in [2] %}{% set k = i + j %}{% endfor %}{{ k }}{% endfor %}",
    "{% with a = 1 %}{% with b = a + 1 %}{% set a = 5 %}{{ a }}{{ b }}{% endwith %}{{ a }}{% endwith %}",
    "{% set a = 'x' %}{% with a = a ~ 'y' %}{{ a }}{% endwith %}{{ a }}",
    "{% for i in [1, 2] recursive %}{% set depth_var = loop.depth %}{{ depth_var }}{% endfor %}",
    "{% set ns = namespace(v=0) %}{% macro bump() %}{% set ns.v = ns.v + 1 %}{% endmacro %}{{ bump() }}{{ bump() }}{{ ns.v }}",
    "{% macro outer() %}{% macro inner() %}{{ caller() }}{% endmacro %}{% call inner() %}[{{ caller() }}]{% endcall %}{% endmacro %}{% call outer() %}body{% endcall %}",
    "{% macro m(a, b) %}{{ a }}{{ b }}{% endmacro %}{% set b = 'outer-b' %}{{ m(1) }}",
    "{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, k='v') }}",
    "{% macro m(x=undefined_default) %}[{{ x }}]{% endmacro %}{{ m() }}",
    "{% set m = 1 %}{% macro m() %}macro{% endmacro %}{{ m() }}",
    "{% macro m() %}1{% endmacro %}{% set m = 'set' %}{{ m }}",
    "{% block b %}{% set in_block = 1 %}{% endblock %}[{{ in_block }}]",
    "{% set top = 't' %}{% block b %}[{{ top }}]{% endblock %}",
    "{% for i in [1] %}{% block b %}[{{ i }}]{% endblock %}{% endfor %}",
    "{% for i in [1] %}{% block b scoped %}[{{ i }}]{% endblock %}{% endfor %}",
]

RUNTIME_OBJECTS = [
    "{% for i in [1] %}{{ loop.nope }}|{{ loop.nope is defined }}{% endfor %}",
    "{% for i in [1] %}{{ loop.nope.x }}{% endfor %}",
    "{% for i in [1] %}{{ loop.previtem }}|{{ loop.previtem is defined }}{% endfor %}",
    "{% for i in [1] %}{{ loop.previtem.x }}{% endfor %}",
    "{% for i in [1] %}{{ loop.nextitem.x }}{% endfor %}",
    "{% for i in [1] %}{{ loop['index'] }}|{{ loop.index0 + loop.revindex0 }}{% endfor %}",
    "{% set ns = namespace() %}{{ ns.nope }}|{{ ns.nope.x }}",
    "{% macro m() %}{% endmacro %}{{ m.nope }}|{{ m.nope.x }}",
    "{% set c = cycler('a') %}{{ c.nope }}|{{ c.nope.x }}",
    "{% set j = joiner() %}{{ j.nope.x }}",
    "{{ range(3).nope.x }}",
    "{% import 'macros' as mm %}{{ mm.nope }}|{{ mm.show.nope }}|{{ mm.nope.x }}",
    "{% macro m() %}{{ caller.nope.x }}{% endmacro %}{% call m() %}{% endcall %}",
    "{% block b %}{{ super.x }}{% endblock %}",
    "{% for i in [1] %}{{ loop is mapping }}|{{ loop is iterable }}|{{ loop is callable }}|{{ loop|length }}{% endfor %}",
    "{% for i in [1, 2] %}{{ loop|list if false }}{{ loop.length|string }}{% endfor %}",
    "{% set ns = namespace(a=1) %}{{ ns|attr('a') }}|{{ ns is mapping }}|{{ ns.a is number }}|{{ 'a' in ns }}",
    "{% macro m(a, b=2) %}{% endmacro %}{{ m.arguments }}|{{ m.name }}|{{ m.catch_kwargs }}|{{ m.catch_varargs }}|{{ m.caller }}",
    "{% import 'macros' as mm %}{{ mm.w }}|{{ mm|string }}|{{ mm is mapping }}",
]


@pytest.mark.parametrize("source", SCOPING)
def test_scoping(assert_same: AssertSame, autoescape: bool, source: str) -> None:
    assert_same(source, {"v": "<ctx-v>", "w": "ctx-w"}, templates=TEMPLATES, autoescape=autoescape)


@pytest.mark.parametrize("undefined", ["default", "strict", "chainable"])
@pytest.mark.parametrize("source", RUNTIME_OBJECTS)
def test_runtime_objects_behave_like_jinjas(
    assert_same: AssertSame, undefined: str, source: str
) -> None:
    assert_same(source, {"v": "<ctx-v>"}, templates=TEMPLATES, undefined=undefined)


@pytest.mark.parametrize("undefined", ["default", "strict", "chainable"])
def test_self_reference_lookups(assert_same: AssertSame, undefined: str) -> None:
    assert_same("{{ self.nope }}|{{ self.nope.x }}", {}, undefined=undefined)


@pytest.mark.parametrize(
    "source",
    [
        "{% autoescape true %}{% include 'plain' %}{{ v }}{% endautoescape %}",
        "{% autoescape false %}{% include 'plain' %}{{ v }}{% endautoescape %}",
        "{% autoescape true %}{% import 'macros' as mm %}{{ mm.show() }}{% endautoescape %}",
        "{% autoescape false %}{% from 'macros' import show %}{{ show() }}|{{ show()|length }}{% endautoescape %}",
        "{% autoescape true %}{% set x %}{{ v }}{% endset %}{% endautoescape %}{{ x }}|{{ x|length }}",
    ],
)
def test_autoescape_blocks_do_not_reach_other_templates(
    assert_same: AssertSame, autoescape: bool, source: str
) -> None:
    assert_same(source, {"v": "<ctx-v>", "w": "<w>"}, templates=TEMPLATES, autoescape=autoescape)
