"""Differential cases for include, extends/blocks/super, and import/from-import.

Ported from jinja2's tests/test_inheritance.py and test_imports.py (tag 3.1.6). Templates
named here are served to jinja2 by a DictLoader and handed to our compiler as `templates`;
static names are compiled in, names held in variables dispatch at render time, and a name
that is not among them must fail at render time the way jinja2 fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

AssertSame = Callable[..., Any]

TEMPLATES = {
    "layout": (
        "|{% block block1 %}block 1 from layout{% endblock %}\n"
        "|{% block block2 %}block 2 from layout{% endblock %}\n"
        "|{% block block3 %}\n{% block block4 %}nested block 4 from layout{% endblock %}\n{% endblock %}|"
    ),
    "level1": '{% extends "layout" %}\n{% block block1 %}block 1 from level1{% endblock %}',
    "level2": (
        '{% extends "level1" %}\n{% block block2 %}{% block block5 %}nested block 5 from level2{%\n'
        "endblock %}{% endblock %}"
    ),
    "level3": (
        '{% extends "level2" %}\n{% block block5 %}block 5 from level3{% endblock %}\n'
        "{% block block4 %}block 4 from level3{% endblock %}\n"
    ),
    "level4": '{% extends "level3" %}\n{% block block3 %}block 3 from level4{% endblock %}\n',
    "working": (
        '{% extends "layout" %}\n{% block block1 %}\n  {% if false %}\n    {% block block2 %}\n'
        "      this should work\n    {% endblock %}\n  {% endif %}\n{% endblock %}\n"
    ),
    "doublee": '{% extends "layout" %}\n{% extends "layout" %}\n{% block block1 %}x{% endblock %}\n',
    "a": "{% block intro %}INTRO{% endblock %}|BEFORE|{% block data %}INNER{% endblock %}|AFTER",
    "b": '{% extends "a" %}{% block data %}({{ super() }}){% endblock %}',
    "c": '{% extends "b" %}{% block intro %}--{{ super() }}--{% endblock %}\n{% block data %}[{{ super() }}]{% endblock %}',
    "preserve_a": "{% if false %}{% block x %}A{% endblock %}{% endif %}{{ self.x() }}",
    "preserve_b": '{% extends "preserve_a" %}{% block x %}B{{ super() }}{% endblock %}',
    "master1": "MASTER1{% block x %}{% endblock %}",
    "master2": "MASTER2{% block x %}{% endblock %}",
    "scoped.html": "{% for item in seq %}[{% block item scoped %}{{ item }}{% endblock %}]{% endfor %}",
    "unscoped.html": "{% for item in seq %}[{% block item %}{{ item }}{% endblock %}]{% endfor %}",
    "required.html": "<{% block body required %}{% endblock %}>{% block opt %}opt{% endblock %}",
    "layout.html": "\n            {% block useless %}{% endblock %}\n            ",
    "helpers.html": "\n            {% macro foo(x) %}{{ the_foo + x }}{% endmacro %}\n            ",
    "details.html": (
        "{% extends 'standard.html' %}\n\n{% macro my_macro() %}\nmy_macro\n{% endmacro %}\n\n"
        "{% block content %}\n    {% block outer_box %}\n        outer_box\n        {% block inner_box %}\n"
        "            inner_box\n        {% endblock %}\n    {% endblock %}\n{% endblock %}\n"
    ),
    "standard.html": "\n{% block content %}&nbsp;{% endblock %}\n",
    "module": "{% macro test() %}[{{ foo }}|{{ bar }}]{% endmacro %}",
    "header": "[{{ foo }}|{{ 23 }}]",
    "o_printer": "({{ o }})",
    "item": "{{ item }}",
    "escaping": "<{{ s }}>{% macro m(v) %}<{{ v }}>{% endmacro %}",
    "exports": (
        "{% macro toplevel() %}...{% endmacro %}{% macro _private() %}...{% endmacro %}"
        "{% set variable = 42 %}{% for item in [1] %}{% macro notthere() %}{% endmacro %}{% endfor %}"
    ),
    "sets": "{% set a = 1 %}{% set b %}<b>{{ s }}</b>{% endset %}{% set _hidden = 3 %}top-level output",
    "with_trailing_newline": "line\n",
    "whitespace": "  {% if true %}\n  yes\n  {% endif %}\n",
    "includes_header": "<h>{% include 'header' %}</h>",
    "self_include_guard": "{% if depth > 0 %}{{ depth }}{% with depth = depth - 1 %}{% include 'self_include_guard' %}{% endwith %}{% endif %}",
    "broken": "{% if %}",
    "undefined_inside": "before {{ missing.attr }} after",
    "block_loop": "{% for i in range(2) %}{% block b %}{{ i }}{% endblock %}{% endfor %}",
    "set_in_block": "{% set outer = 'o' %}{% block b %}[{{ outer }}]{% set inner = 'i' %}{% endblock %}{{ inner }}",
    "super_twice": '{% extends "a" %}{% block data %}{{ super() }}{{ super() }}{% endblock %}',
    "blocks_in_macro_caller": "{% block b %}B{% endblock %}",
}


def used(source: str, context: Any) -> dict[str, str]:
    """The TEMPLATES a case can reach: named (quoted) in its source, context or each other.

    Both engines get the same subset; it keeps modules small where a name held in a
    variable would otherwise compile every template in TEMPLATES into the module.
    """
    seen: dict[str, str] = {}
    texts = [source, repr(context)]
    while texts:
        text = texts.pop()
        for name, body in TEMPLATES.items():
            if name not in seen and (f"'{name}'" in text or f'"{name}"' in text):
                seen[name] = body
                texts.append(body)
    return seen


INHERITANCE_CASES = [
    ('{% extends "layout" %}', {}),
    ('{% extends "level1" %}', {}),
    ('{% extends "level2" %}', {}),
    ('{% extends "level3" %}', {}),
    ('{% extends "level4" %}', {}),
    ('{% extends "working" %}', {}),
    ('{% extends "doublee" %}', {}),
    ('{% extends "c" %}', {}),
    ('{% extends "c" %}{% block intro %}{{ super() }}!{{ super() }}{% endblock %}', {}),
    ("{{ self.foo() }}|{% block foo %}42{% endblock %}|{{ self.foo() }}", {}),
    ('{% extends "preserve_b" %}', {}),
    ("{% extends master %}{% block x %}CHILD{% endblock %}", {"master": "master1"}),
    ("{% extends master %}{% block x %}CHILD{% endblock %}", {"master": "master2"}),
    ("{% extends master %}{% block x %}CHILD{% endblock %}", {"master": "nope"}),
    ("{% extends master %}{% block x %}CHILD{% endblock %}", {"master": ["nope", "master2"]}),
    (
        "{% if master %}{% extends master %}{% else %}{% extends 'master1' %}{% endif %}{% block x %}CHILD{% endblock %}",
        {"master": "master2"},
    ),
    (
        "{% if master %}{% extends master %}{% else %}{% extends 'master1' %}{% endif %}{% block x %}CHILD{% endblock %}",
        {},
    ),
    (
        "{% extends 'scoped.html' %}{% block item %}{{ item }}{% endblock %}",
        {"seq": list(range(5))},
    ),
    (
        "{% extends 'scoped.html' %}{% block item %}{{ super() }}|{{ item * 2 }}{% endblock %}",
        {"seq": list(range(5))},
    ),
    (
        "{% extends 'unscoped.html' %}{% block item %}{{ item }}{% endblock %}",
        {"seq": list(range(3)), "item": "ctx"},
    ),
    (
        "{%- extends 'layout.html' %}\n{% from 'helpers.html' import foo with context %}\n{% block useless %}\n"
        "    {% for x in [1, 2, 3] %}\n        {% block testing scoped %}\n            {{ foo(x) }}\n"
        "        {% endblock %}\n    {% endfor %}\n{% endblock %}\n",
        {"the_foo": 42},
    ),
    (
        "{% extends 'details.html' %}\n\n{% macro my_macro() %}\nmy_macro\n{% endmacro %}\n\n"
        "{% block inner_box %}\n    {{ my_macro() }}\n{% endblock %}\n",
        {},
    ),
    ("{% extends 'required.html' %}{% block body %}filled {{ s }}{% endblock %}", {"s": "<s>"}),
    ("{% extends 'required.html' %}", {}),
    ("{% extends 'required.html' %}{% block opt %}{{ super() }}+{% endblock %}", {}),
    ("{% block body required %}{% endblock %}", {}),
    (
        "{% extends 'layout' %}text outside blocks is dropped {{ s }}{% set x = 1 %}{% block block1 %}{{ x }}{% endblock %}",
        {"s": 1},
    ),
    ("{% extends 'layout' %}{% block block1 %}{{ self.block2() }}{% endblock %}", {}),
    (
        "{% extends 'layout' %}{% block block1 %}{{ super()|upper }}{{ super()|length }}{% endblock %}",
        {},
    ),
    ("{% extends 'a' %}{% block data %}{{ s }}{{ super() }}{% endblock %}", {"s": "<&>"}),
    ("{% extends 'super_twice' %}", {}),
    ("{% extends 'block_loop' %}{% block b %}[{{ i }}]{% endblock %}", {}),
    ("{% extends 'set_in_block' %}{% block b %}{{ super() }}{{ outer }}{% endblock %}", {}),
    ("{% block a %}{% block b %}inner{% endblock %}{% endblock %}|{{ self.b() }}", {}),
    ("{% block a %}A{% endblock %}{% block a %}again{% endblock %}", {}),
    (
        "{% extends 'layout' %}{% block block1 %}{{ super() }}{% endblock %}{% block nothere %}x{% endblock %}",
        {},
    ),
    ("{% extends 'missing_layout' %}", {}),
    ("{% extends 'broken' %}", {}),
    ("{% extends 'undefined_inside' %}", {}),
    ("{% block b %}{{ super() }}{% endblock %}", {}),
    (
        "{% extends 'blocks_in_macro_caller' %}{% block b %}{% for i in range(2) %}{{ loop.index }}{% endfor %}{% endblock %}",
        {},
    ),
    ("{% extends 'with_trailing_newline' %}", {}),
    ("{% extends 'whitespace' %}", {}),
]

INCLUDE_CASES = [
    ('{% include "header" %}', {"foo": 42}),
    ('{% include "header" with context %}', {"foo": 42}),
    ('{% include "header" without context %}', {"foo": 42}),
    ('{% include ["missing", "header"] %}', {"foo": 42}),
    ('{% include ["missing", "missing2"] ignore missing %}', {"foo": 42}),
    ('{% include ["missing", "missing2"] %}', {}),
    ("{% include x %}", {"x": ["missing", "header"], "foo": 42}),
    ('{% include [x, "header"] %}', {"x": "missing", "foo": 42}),
    ("{% include x %}", {"x": "header", "foo": 42}),
    ("{% include [x] %}", {"x": "header", "foo": 42}),
    ("{% include x %}", {"x": "nothere"}),
    ("{% include x ignore missing %}", {"x": "nothere"}),
    ("{% include x %}", {"x": ("header", "item")}),
    ("{% include x %}", {"x": []}),
    ("{% include x %}", {}),
    ('{% include "missing" %}', {}),
    ('{% include "missing" ignore missing %}', {}),
    ('{% include "missing" ignore missing with context %}', {}),
    ('{% include "missing" ignore missing without context %}', {}),
    ("{% for item in [1, 2, 3] %}{% include 'item' %}{% endfor %}", {}),
    (
        "{% for item in [1, 2, 3] %}{% include 'item' without context %}{% endfor %}",
        {"item": "ctx"},
    ),
    (
        '{% macro outer(o) %}{% macro inner() %}{% include "o_printer" %}{% endmacro %}{{ inner() }}{% endmacro %}{{ outer("FOO") }}',
        {},
    ),
    ("{% set foo = 'set-before' %}{% include 'header' %}", {"foo": "ctx"}),
    ("{% with foo = 'with-var' %}{% include 'header' %}{% endwith %}", {}),
    ("{% include 'escaping' %}", {"s": "<&>"}),
    ("{% include 'sets' %}{{ a }}{{ b }}", {"s": "<s>"}),
    ("[{% include 'with_trailing_newline' %}]", {}),
    ("[{% include 'whitespace' %}]", {}),
    ("{% include 'includes_header' %}", {"foo": "nested"}),
    ("{% include 'self_include_guard' %}", {"depth": 3}),
    ("{% include 'broken' %}", {}),
    ("{% include 'undefined_inside' %}", {}),
    ("{% include 'layout' %}|{% include 'level4' %}", {}),
    ("{% include 'c' %}", {}),
    ("{% include 'required.html' %}", {}),
]

IMPORT_CASES = [
    ('{% import "module" as m %}{{ m.test() }}', {"foo": 42}),
    ('{% import "module" as m without context %}{{ m.test() }}', {"foo": 42}),
    ('{% import "module" as m with context %}{{ m.test() }}', {"foo": 42}),
    ('{% from "module" import test %}{{ test() }}', {"foo": 42}),
    ('{% from "module" import test without context %}{{ test() }}', {"foo": 42}),
    ('{% from "module" import test with context %}{{ test() }}', {"foo": 42}),
    ('{% from "module" import test as t, test %}{{ t() }}{{ test() }}', {}),
    ("{% from 'module' import nothing %}{{ nothing() }}", {}),
    ("{% from 'module' import nothing %}{{ nothing is defined }}", {}),
    (
        "{% set foobar = 42 %}{% from 'helpers.html' import foo with context %}{{ foo(1) }}",
        {"the_foo": 1},
    ),
    (
        "{% import 'exports' as e %}{{ e.toplevel() }}|{{ e.variable }}|{{ e.notthere is defined }}|{{ e._private is defined }}",
        {},
    ),
    ("{% from 'exports' import _private %}", {}),
    ("{% from 'exports' import variable, toplevel %}{{ variable }}{{ toplevel() }}", {}),
    (
        "{% import 'sets' as s %}{{ s.a }}|{{ s.b }}|{{ s._hidden is defined }}|{{ s }}",
        {"s": "<s>"},
    ),
    ("{% import 'sets' as m with context %}{{ m.b }}", {"s": "<with ctx>"}),
    ("{% import 'escaping' as e %}{{ e.m('<v>') }}|{{ e.m('<v>')|length }}", {"s": "<s>"}),
    ("{% import 'module' as m %}{% import 'module' as m2 %}{{ m.test() == m2.test() }}", {}),
    ("{% import 'missing' as m %}", {}),
    ("{% from x import test %}{{ test() }}", {"x": "module"}),
    ("{% import x as m %}{{ m.test() }}", {"x": "nope"}),
    (
        "{% macro local() %}{% import 'module' as m %}{{ m.test() }}{% endmacro %}{{ local() }}",
        {"foo": "ctx"},
    ),
    (
        "{% for i in range(2) %}{% from 'module' import test with context %}{{ test() }}{% endfor %}",
        {"foo": "loop"},
    ),
    ("{% from 'broken' import x %}", {}),
    ("{% import 'module' as m %}{{ m.nope }}", {}),
    ("{% import 'module' as m %}{{ m.nope.deeper }}", {}),
]


@pytest.mark.parametrize(("source", "context"), INHERITANCE_CASES)
def test_extends_blocks_super(
    assert_same: AssertSame, autoescape: bool, source: str, context: Any
) -> None:
    # trim_blocks matters for the layouts' newlines; it runs opposite to autoescape so both
    # values of each are covered without a four-way grid.
    assert_same(
        source,
        context,
        templates=used(source, context),
        autoescape=autoescape,
        trim_blocks=not autoescape,
    )


@pytest.mark.parametrize(("source", "context"), INCLUDE_CASES)
def test_include(assert_same: AssertSame, autoescape: bool, source: str, context: Any) -> None:
    assert_same(
        source, context, templates=used(source, context), globals={"bar": 23}, autoescape=autoescape
    )


@pytest.mark.parametrize(("source", "context"), IMPORT_CASES)
def test_import(assert_same: AssertSame, autoescape: bool, source: str, context: Any) -> None:
    assert_same(
        source, context, templates=used(source, context), globals={"bar": 23}, autoescape=autoescape
    )


@pytest.mark.parametrize(
    "source",
    [
        '{% import "module" as m %}{{ m.test() }}',
        '{% set foo = 41 %}{% import "module" as m %}{{ m.test() }}',
        '{% from "module" import test %}{{ test() }}',
        '{% include "header" without context %}',
        "{{ foo }}|{{ bar }}|{% set bar = 1 %}{{ bar }}",
        "{% macro m() %}{{ foo }}{% endmacro %}{{ m() }}",
    ],
)
def test_globals_reach_imports_and_includes(
    assert_same: AssertSame, autoescape: bool, source: str
) -> None:
    assert_same(
        source,
        {},
        templates=used(source, {}),
        globals={"foo": 42, "bar": 23},
        autoescape=autoescape,
    )
    assert_same(
        source,
        {"foo": "ctx"},
        templates=used(source, {}),
        globals={"foo": 42, "bar": 23},
        autoescape=autoescape,
    )


@pytest.mark.parametrize("keep_trailing_newline", [False, True])
@pytest.mark.parametrize(
    "source",
    [
        "{% include 'with_trailing_newline' %}|",
        "{% extends 'whitespace' %}",
        "{% include 'whitespace' %}{% include 'with_trailing_newline' %}\n",
    ],
)
def test_options_apply_to_every_template(
    assert_same: AssertSame, source: str, keep_trailing_newline: bool
) -> None:
    for lstrip_blocks in (False, True):
        assert_same(
            source,
            {},
            templates=used(source, {}),
            keep_trailing_newline=keep_trailing_newline,
            lstrip_blocks=lstrip_blocks,
        )


@pytest.mark.parametrize(
    "source",
    [
        "{{ self }}|{% include 'partial' %}",
        "{% extends 'parent' %}{% block b %}{{ self }}{% endblock %}",
        "{% extends 'parent' %}",
        "{% extends 'parent' %}{% block b %}[{{ super() }}]{% endblock %}{% block c %}C{% endblock %}",
        "{% extends 'plain_parent' %}{% block b %}[{{ super() }}]{% endblock %}",
        "{% if d > 0 %}{{ d }}{% with d = d - 1 %}{% include 'views/page.html' %}{% endwith %}{% endif %}",
        "{% from 'macros' import m %}{{ m() }}|{% import 'macros' as ms %}{{ ms.m() }}",
        "{% include 'nothere' %}",
        "{% include ['nothere', 'partial'] %}",
        "{% from 'macros' import nothing %}{{ nothing() }}",
    ],
)
def test_named_templates_load_like_get_template(
    assert_same: AssertSame, autoescape: bool, source: str
) -> None:
    """Compiled with a name (as the build does) and loaded by that name in jinja2."""
    assert_same(
        source,
        {"d": 2},
        templates={
            "parent": "<{{ self }}>{% block b %}P{% endblock %}{% block c %}{% endblock %}",
            "partial": "({{ self }})",
            "plain_parent": "<{% block b %}P{% endblock %}>",
            "macros": "{% macro m() %}[{{ self is defined }}]{% endmacro %}",
        },
        name="views/page.html",
        autoescape=autoescape,
    )


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in [1] recursive %}{% include 'p' without context %}{% endfor %}",
        "{% for i in [1] recursive %}x{% include 'p' without context %}{% endfor %}",
        "{% for i in [1, 2] recursive %}{% include 'p' %}{% endfor %}",
        "{% for i in [1, 2] %}{% include 'p' without context %}{% endfor %}",
    ],
)
def test_include_inside_recursive_loops(assert_same: AssertSame, source: str) -> None:
    """jinja2 compiles a recursive loop body as a function, like a macro body, so an include
    without context there yields a generator into the output (a jinja2 quirk, reproduced)."""
    assert_same(source, {"a": 1}, templates={"p": "[{{ a }}]"})
