"""Differential cases for statements: if, for and loop.*, set and scoping, with, macros, call.

Ported from jinja2's own tests/test_core_tags.py, test_forloop and test_macros (tag 3.1.6)
into differential form: the expected output is jinja2's rendering, never a literal here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from markupsafe import Markup

from tests.compiler.templategen import sample_context

AssertSame = Callable[..., Any]

TREE = [
    {"a": 1, "b": [{"a": 1}, {"a": 2}]},
    {"a": 2, "b": [{"a": 1}, {"a": 2, "b": [{"a": "deep"}]}]},
    {"a": 3, "b": [{"a": "a"}]},
]

IF_CASES = [
    ("{% if true %}...{% endif %}", {}),
    ("{% if false %}XXX{% elif true %}...{% else %}XXX{% endif %}", {}),
    (
        "{% if a %}A{% elif b %}B{% elif c == d %}C{% else %}D{% endif %}",
        {"a": 0, "b": False, "c": 42, "d": 42.0},
    ),
    ("{% if a %}A{% elif b %}B{% else %}D{% endif %}", {"a": "", "b": None}),
    ("[{% if true %}{% else %}{% endif %}]", {}),
    ("{% if a %}{% set foo = 1 %}{% endif %}{{ foo }}", {"a": True}),
    ("{% if a %}{% set foo = 1 %}{% endif %}{{ foo }}", {"a": False}),
    ("{% if missing %}yes{% else %}no{% endif %}|{% if missing is defined %}y{% endif %}", {}),
    ("{% if missing.attr is defined %}y{% endif %}", {}),
    (
        "{% if seq %}S{% endif %}{% if [] %}E{% endif %}{% if {} %}D{% endif %}{% if '0' %}Z{% endif %}",
        {"seq": [0]},
    ),
    ("{% if 0.0 %}a{% elif none %}b{% elif markup %}c{% endif %}", {"markup": "x"}),
    ("{% if n is odd and (n > 3 or n < -3) %}odd-big{% endif %}", {"n": 5}),
    (
        "{% if a == 0 %}0"
        + "".join(f"{{% elif a == {i} %}}{i}" for i in range(1, 60))
        + "{% else %}x{% endif %}",
        {"a": 37},
    ),
]

FOR_CASES = [
    ("{% for item in seq %}{{ item }}{% endfor %}", {"seq": list(range(10))}),
    ("{% for item in seq %}XXX{% else %}...{% endfor %}", {}),
    ("{% for item in [] %}{% else %}{{ item }}{% endfor %}", {"item": 42}),
    ("<{% for item in seq %}{% else %}{% endfor %}>", {}),
    (
        "{% for item in seq -%}{{ loop.index }}|{{ loop.index0 }}|{{ loop.revindex }}|"
        "{{ loop.revindex0 }}|{{ loop.first }}|{{ loop.last }}|{{ loop.length }}###{% endfor %}",
        {"seq": [42, 24, 7]},
    ),
    (
        "{% for item in seq %}{{ loop.cycle('<1>', '<2>') }}{% endfor %}"
        "{% for item in seq %}{{ loop.cycle(*through) }}{% endfor %}",
        {"seq": list(range(4)), "through": ("<1>", "<2>", "<3>")},
    ),
    (
        "{% for item in seq -%}{{ loop.previtem|default('x') }}-{{ item }}-{{ loop.nextitem|default('x') }}|{%- endfor %}",
        {"seq": list(range(4))},
    ),
    (
        "{% for item in seq -%}{{ loop.changed(item) }},{%- endfor %}",
        {"seq": [None, None, 1, 2, 2, 3, 4, 4, 4]},
    ),
    (
        "{% for item in seq -%}{{ loop.changed(item, item * 2) }}{{ loop.changed(1) }},{%- endfor %}",
        {"seq": [1, 1, 2]},
    ),
    ("{% for item in seq %}{% endfor %}{{ item }}", {"seq": list(range(10))}),
    ("{% for item in iter %}{{ item }}{% endfor %}", {"iter": range(5)}),
    ("{% for item in none %}...{% endfor %}", {}),
    ("{% for item in 42 %}...{% endfor %}", {}),
    (
        "{% for item in seq recursive -%}[{{ item.a }}{% if item.b %}<{{ loop(item.b) }}>{% endif %}]{%- endfor %}",
        {"seq": TREE},
    ),
    (
        "{% for item in seq recursive -%}[{{ loop.previtem.a if loop.previtem is defined else 'x' }}.{{ item.a }}."
        "{{ loop.nextitem.a if loop.nextitem is defined else 'x' }}{% if item.b %}<{{ loop(item.b) }}>{% endif %}]{%- endfor %}",
        {"seq": TREE},
    ),
    (
        "{% for item in seq recursive -%}[{{ loop.depth0 }}/{{ loop.depth }}:{{ item.a }}:{{ loop.index }}/{{ loop.length }}"
        "{% if item.b %}<{{ loop(item.b) }}>{% endif %}]{%- endfor %}",
        {"seq": TREE},
    ),
    (
        "<ul>{% for item in seq recursive %}<li>{{ item.a }}{% if item.b %}<ul>{{ loop(item.b) }}</ul>{% endif %}</li>{% endfor %}</ul>",
        {"seq": TREE},
    ),
    (
        "{% for row in table %}{%- set rowloop = loop -%}{% for cell in row -%}[{{ rowloop.index }}|{{ loop.index }}]{%- endfor %}{%- endfor %}",
        {"table": ["ab", "cd"]},
    ),
    (
        "{% for i in items %}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}",
        {"items": [3, 2, 1]},
    ),
    ("{% for item in [1] if loop.index == 0 %}...{% endfor %}", {}),
    ("{% for item in [] %}...{% else %}{{ loop }}{% endfor %}", {}),
    ("{% for item in range(10) if item is even %}[{{ item }}]{% endfor %}", {}),
    (
        "{% for item in range(10) if item is even %}[{{ loop.index }}:{{ item }}:{{ loop.length }}:{{ loop.last }}]{% endfor %}",
        {},
    ),
    ("{% for item in range(10) if item > 20 %}x{% else %}none matched{% endfor %}", {}),
    (
        "{% for s in seq %}[{{ loop.first }}{% for c in s %}|{{ loop.first }}{% endfor %}]{% endfor %}",
        {"seq": ("ab", "cd")},
    ),
    ("{% for x in seq %}{{ loop.first }}{% for y in seq %}{% endfor %}{% endfor %}", {"seq": "ab"}),
    ("{% for x in seq %}{% for y in seq %}{{ loop.first }}{% endfor %}{% endfor %}", {"seq": "ab"}),
    ("{%- for item in foo recursive -%}{%- endfor -%}", {"foo": []}),
    (
        "{%- macro do_something() -%}[{{ caller() }}]{%- endmacro %}{%- for i in [1, 2, 3] %}"
        "{%- call do_something() -%}{{ i }}{%- endcall %}{%- endfor -%}",
        {},
    ),
    (
        "{%- for item in foo %}...{{ item }}...{% endfor %}{%- macro item(a) %}...{{ a }}...{% endmacro %}{{- item(2) -}}",
        {"foo": (1,)},
    ),
    ("{% for a, b, c in [[1, 2, 3]] %}{{ a }}|{{ b }}|{{ c }}{% endfor %}", {}),
    ("{% for a, (b, c) in [(1, (2, 3))] %}{{ a }}{{ b }}{{ c }}{% endfor %}", {}),
    ("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"x": 1, "<y>": "<2>"}}),
    ("{% for a, b in [[1, 2, 3]] %}{{ a }}{% endfor %}", {}),
    (
        "{% for item in seq %}{{ x }}{% set x = item %}{{ x }}{% endfor %}{{ x }}",
        {"x": 0, "seq": [1, 2, 3]},
    ),
    (
        "{% set x = 9 %}{% for item in seq %}{{ x }}{% set x = item %}{{ x }}{% endfor %}{{ x }}",
        {"x": 0, "seq": [1, 2, 3]},
    ),
    ("{% for item in seq %}{{ loop.revindex }}{% endfor %}", {"seq": iter([1, 2, 3])}),
    (
        "{% for item in gen %}{{ loop.index }}{{ loop.last }}{{ loop.nextitem }};{% endfor %}",
        lambda: {"gen": (i * i for i in range(4))},
    ),
    (
        "{% for item in seq %}{{ loop.length }}{{ loop.revindex0 }}{% endfor %}",
        lambda: {"seq": (i for i in range(3))},
    ),
    ("{% for c in 'héllo' %}{{ c }}.{% endfor %}", {}),
    ("{% for x in seq %}{{ loop.cycle() }}{% endfor %}", {"seq": [1]}),
    ("{% for x in seq %}{{ loop }}{% endfor %}", {"seq": [1]}),
    ("{% for x in seq %}{{ loop.index }}{% endfor %}{{ loop }}", {"seq": [1]}),
    ("{% for x in seq %}{% for y in x %}{{ loop.depth }}{% endfor %}{% endfor %}", {"seq": [[1]]}),
    ("{% for x in seq %}{{ loop(x) }}{% endfor %}", {"seq": [1]}),
    ("{% for x in d %}{{ x }}{% endfor %}", {"d": {"b": 1, "a": 2}}),
    ("{% for x in seq|sort|reverse %}{{ x }}{% endfor %}", {"seq": [3, 1, 2]}),
]

SET_CASES = [
    ("{% set foo = 1 %}{{ foo }}", {}),
    ("{% set foo %}42{% endset %}{{ foo }}|{{ foo|length }}", {}),
    ("{% set foo %}<em>{{ test }}</em>{% endset %}foo: {{ foo }}", {"test": "<unsafe>"}),
    ("{% set foo | trim %}<em>{{ test }}</em>    {% endset %}foo: {{ foo }}", {"test": "<unsafe>"}),
    ("{% set foo | trim | length | string %} 42    {% endset %}{{ foo }}", {}),
    ("{% set foo | upper %}a{{ x }}{% endset %}[{{ foo }}]", {"x": "<x>"}),
    ("{% set foo.bar = 1 %}", {"foo": {}}),
    ("{% set ns = namespace() %}{% set ns.bar = 'hi' %}", {"namespace": dict}),
    ("{% set ns = namespace() %}{% set ns.bar = '42' %}{{ ns.bar }}", {}),
    ("{% set ns = namespace() %}{% set ns.bar %}42{% endset %}{{ ns.bar }}", {}),
    (
        "{% set ns = namespace(d, self=37) %}{% set ns.b = 42 %}{{ ns.a }}|{{ ns.self }}|{{ ns.b }}",
        {"d": {"a": 13}},
    ),
    (
        "{% set ns = namespace(found=false) %}{% for x in range(4) %}{% if x == v %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}",
        {"v": 3},
    ),
    (
        "{% set ns = namespace() %}{% set ns.a = 13 %}{% macro magic(x) %}{% set x.b = 37 %}{% endmacro %}{{ magic(ns) }}{{ ns.a }}|{{ ns.b }}",
        {},
    ),
    (
        "{% set ns = namespace(n=0) %}{% for x in seq %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}|{{ ns }}",
        {"seq": [1, 2, 3]},
    ),
    ("{% set ns = namespace(a=1) %}{{ ns.missing }}|{{ ns['a'] }}", {}),
    ("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set (c, d), e = (3, 4), 5 %}{{ c }}{{ d }}{{ e }}", {}),
    ("{% set a, b = [1] %}", {}),
    ("{% set x = 1 %}{% for i in range(2) %}{% set x = x + 10 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}", {}),
    ("{% set x = 'outer' %}{% with %}{% set x = 'inner' %}{{ x }}{% endwith %}{{ x }}", {}),
    (
        "{% set x = 'outer' %}{% macro m() %}{% set x = 'macro' %}{{ x }}{% endmacro %}{{ m() }}{{ x }}",
        {},
    ),
    ("{% macro m() %}{{ x }}{% endmacro %}{% set x = 'late' %}{{ m() }}", {"x": "ctx"}),
    ("{{ x }}{% set x = 'shadow' %}{{ x }}", {"x": "ctx"}),
    (
        "{% for i in seq %}{% set acc = (acc or '') ~ i %}{{ acc }};{% endfor %}[{{ acc }}]",
        {"seq": "abc"},
    ),
    ("{% set foo %}{% for i in range(3) %}{{ i }}{% endfor %}{% endset %}{{ foo ~ foo }}", {}),
    ("{% set foo = [1, 2] %}{% set bar = foo %}{{ foo.append(3) }}{{ bar }}", {}),
    ("{% set items = d.items() %}{% for k, v in items %}{{ k }}{% endfor %}", {"d": {"a": 1}}),
    ("{% set loop = 1 %}", {}),
    ("{% set foo['bar'] = 1 %}", {}),
]

WITH_CASES = [
    ("{% with a=42, b=23 -%}{{ a }} = {{ b }}{% endwith -%}|{{ a }} = {{ b }}", {"a": 1, "b": 2}),
    (
        "{%- with a=1, b=2, c=b, d=e, e=5 -%}{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}{%- endwith -%}",
        {"b": 3, "e": 4},
    ),
    ("{% with %}{% set x = 1 %}{{ x }}{% endwith %}[{{ x }}]", {}),
    (
        "{% with x = s %}{{ x }}{% with x = x ~ '!' %}{{ x }}{% endwith %}{{ x }}{% endwith %}",
        {"s": "<s>"},
    ),
    (
        "{% for i in range(2) %}{% with j = i * 10 %}{{ j }}{{ loop.index }}{% endwith %}{% endfor %}",
        {},
    ),
]

MACRO_CASES = [
    (
        "{% macro say_hello(name) %}Hello {{ name }}!{% endmacro %}{{ say_hello('Peter') }}|{{ say_hello(s) }}",
        {"s": "<b>"},
    ),
    (
        "{% macro level1(data1) %}{% macro level2(data2) %}{{ data1 }}|{{ data2 }}{% endmacro %}{{ level2('bar') }}{% endmacro %}{{ level1('foo') }}",
        {},
    ),
    (
        "{% macro m(a, b, c='c', d='d') %}{{ a }}|{{ b }}|{{ c }}|{{ d }}{% endmacro %}{{ m() }}|{{ m('a') }}|{{ m('a', 'b') }}|{{ m(1, 2, 3) }}|{{ m(d=4, a=0) }}",
        {},
    ),
    ("{% macro m(a, b=1, c) %}{% endmacro %}", {}),
    ("{% macro a() %}{{ caller() }}{% endmacro %}{% call(x, y=1, z) a() %}{% endcall %}", {}),
    ("{% macro test() %}{{ varargs|join('|') }}{% endmacro %}{{ test(1, 2, 3) }}|{{ test() }}", {}),
    (
        "{% macro test(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ test(1, 2, x=3, y='<') }}|{{ test() }}",
        {},
    ),
    ("{% macro test(a) %}{{ a }}{% endmacro %}{{ test(1, 2) }}", {}),
    ("{% macro test(a) %}{{ a }}{% endmacro %}{{ test(b=2) }}", {}),
    ("{% macro test(a) %}{{ a }}{% endmacro %}{{ test(1, a=2) }}", {}),
    ("{% macro test() %}[[{{ caller() }}]]{% endmacro %}{% call test() %}data{% endcall %}", {}),
    (
        "{% macro test() %}[[{{ caller('data', x='<x>') }}]]{% endmacro %}{% call(data, x) test() %}{{ data }}{{ x }}{% endcall %}",
        {},
    ),
    (
        "{% set caller = 42 %}{% macro test() %}{{ caller is not defined }}{% endmacro %}{{ test() }}",
        {},
    ),
    (
        "{% macro foo(x) %}{{ x }}{% if x > 1 %}|{{ foo(x - 1) }}{% endif %}{% endmacro %}{{ foo(5) }}",
        {},
    ),
    (
        "{%- set x = 42 %}{%- macro m(a, b=x, x=23) %}{{ a }}|{{ b }}|{{ x }}{% endmacro -%}{{ m(1) }};{{ m(1, 2) }};{{ m(1, x=7) }}",
        {},
    ),
    ("{% macro m(a, b=a ~ '!') %}{{ b }}{% endmacro %}{{ m('x') }}|{{ m('x', 'y') }}", {}),
    (
        "{% macro m() %}<{{ s }}>{% endmacro %}{{ m() }}|{{ m()|length }}|{{ m() ~ s }}|{{ m()|upper }}",
        {"s": "&"},
    ),
    ("{% macro m() %}{{ caller() }}{% endmacro %}{{ m() }}", {}),
    (
        "{% macro m(x) %}{{ caller(x * 2) }}{% endmacro %}{% call(y) m(2) %}{{ y }}{% call(z) m(y) %}[{{ z }}]{% endcall %}{% endcall %}",
        {},
    ),
    (
        "{% macro m() %}{{ caller() }}{{ caller() }}{% endmacro %}{% for i in range(2) %}{% call m() %}{{ i }}{{ loop.index }}{% endcall %}{% endfor %}",
        {},
    ),
    (
        "{% macro m() %}{{ m.name }}|{{ m.arguments }}|{{ m.catch_kwargs }}{% endmacro %}{{ m() }}",
        {},
    ),
    (
        "{% macro m(a, b) %}{% endmacro %}{{ m.name }}|{{ m.arguments }}|{{ m.catch_varargs }}|{{ m.caller }}",
        {},
    ),
    (
        "{% macro m() %}{{ kwargs }}{% endmacro %}{{ m(z=1) }}{% macro n() %}{% endmacro %}{{ n(z=1) }}",
        {},
    ),
    ("{% macro m() %}x{% endmacro %}{{ m }}", {}),
    ("{% macro m() -%}\n  body\n{%- endmacro %}[{{ m() }}]", {}),
    ("{% macro m(x) %}{% set y = x * 2 %}{{ y }}{% endmacro %}{{ m(2) }}{{ y }}", {}),
    (
        "{% macro m() %}{{ caller(1, 2) }}{% endmacro %}{% call(a, b=5, c=6) m() %}{{ a }}{{ b }}{{ c }}{% endcall %}",
        {},
    ),
    (
        "{% macro m() %}{% for x in varargs %}{{ x }}{% endfor %}{% endmacro %}{{ m(*seq) }}",
        {"seq": [1, 2]},
    ),
    ("{% macro m() %}{{ varargs }}{% endmacro %}{{ m(**d) }}", {"d": {"k": 1}}),
    (
        "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(*seq) }}|{{ m(**d) }}",
        {"seq": [1], "d": {"a": "<a>"}},
    ),
]

MACRO_CASES += [
    (source, {})
    for source in [
        "{% macro inner() %}[{{ caller() }}]{% endmacro %}{% macro outer() %}{{ inner(caller=caller) }}{% endmacro %}{% call outer() %}body{% endcall %}",
        "{% macro m(caller) %}{{ caller() }}{% endmacro %}{% call m() %}x{% endcall %}",
        "{% macro m(caller=none) %}{{ caller }}{% endmacro %}{{ m() }}",
        "{% macro m() %}{{ caller(1, 2, k=3) }}{% endmacro %}{% call(a, b, k) m() %}{{ a }}{{ b }}{{ k }}{% endcall %}",
        "{% macro m() %}{{ caller(1) }}{% endmacro %}{% call(a, b) m() %}{{ a }}{{ b }}{% endcall %}",
        "{% macro m() %}{{ caller(1, 2, 3) }}{% endmacro %}{% call(a) m() %}{{ a }}{% endcall %}",
        "{% macro m() %}{{ caller(z=1) }}{% endmacro %}{% call(a) m() %}{{ a }}{% endcall %}",
        "{% macro m() %}{{ caller.name }}|{{ caller.arguments }}{% endmacro %}{% call(a, b=1) m() %}{% endcall %}",
        "{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{% call m() %}inner{% endcall %}{% endcall %}",
        "{% macro a() %}A{% endmacro %}{% macro b() %}{{ a() }}B{% endmacro %}{% macro a() %}A2{% endmacro %}{{ b() }}",
        "{% for i in range(2) %}{% macro m() %}{{ i }}{% endmacro %}{% endfor %}{{ m() }}",
        "{% if true %}{% macro m() %}cond{% endmacro %}{% endif %}{{ m() }}",
        "{% if false %}{% macro m() %}cond{% endmacro %}{% endif %}{{ m() }}",
        "{% set f = m %}{% macro m() %}m{% endmacro %}{{ f }}|{% set g = m %}{{ g() }}",
    ]
]

EXTENSION_CASES = [
    ("{% for i in range(10) %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}", {}),
    ("{% for i in range(10) %}{% if i is odd %}{% continue %}{% endif %}{{ i }}{% endfor %}", {}),
    (
        "{% for i in range(4) %}{{ loop.index }}{% for j in range(4) %}{% if j > i %}{% break %}{% endif %}{{ j }}{% endfor %};{% endfor %}",
        {},
    ),
    ("{% for i in seq %}{% continue %}{{ i }}{% else %}empty{% endfor %}", {"seq": [1, 2]}),
    ("{% for i in seq %}{% break %}{% else %}no break needed{% endfor %}", {"seq": []}),
    (
        "{% for i in seq %}{{ loop.last }}{% if i == 2 %}{% break %}{% endif %}{% endfor %}",
        {"seq": [1, 2, 3]},
    ),
    ("{% set l = [] %}{% do l.append(1) %}{% do l.append(s) %}{{ l }}", {"s": "<s>"}),
    ("{% set d = {} %}{% do d.update(a=1) %}{% do d.__setitem__('b', 2) if false %}{{ d }}", {}),
    ("{% do 1 + 1 %}{% do missing %}ok", {}),
    (
        "{% set ns = namespace(l=[]) %}{% for i in range(3) %}{% do ns.l.append(i * i) %}{% endfor %}{{ ns.l|sum }}",
        {},
    ),
]


@pytest.mark.parametrize(("source", "context"), IF_CASES)
def test_if(assert_same: AssertSame, autoescape: bool, source: str, context: Any) -> None:
    assert_same(source, context, autoescape=autoescape)


@pytest.mark.parametrize(("source", "context"), FOR_CASES)
def test_for_and_loop(assert_same: AssertSame, autoescape: bool, source: str, context: Any) -> None:
    assert_same(source, context, autoescape=autoescape)


@pytest.mark.parametrize(("source", "context"), SET_CASES)
def test_set_scoping_and_namespace(
    assert_same: AssertSame, autoescape: bool, source: str, context: Any
) -> None:
    assert_same(source, context, autoescape=autoescape)


@pytest.mark.parametrize(("source", "context"), WITH_CASES)
def test_with(assert_same: AssertSame, autoescape: bool, source: str, context: Any) -> None:
    assert_same(source, context, autoescape=autoescape)


@pytest.mark.parametrize(("source", "context"), MACRO_CASES)
def test_macros_and_call_blocks(
    assert_same: AssertSame, autoescape: bool, source: str, context: Any
) -> None:
    assert_same(source, context, autoescape=autoescape)


@pytest.mark.parametrize(("source", "context"), EXTENSION_CASES)
def test_loopcontrols_and_do(
    assert_same: AssertSame, autoescape: bool, source: str, context: Any
) -> None:
    assert_same(source, context, autoescape=autoescape, extensions=["loopcontrols", "do"])


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(3) %}{% break %}{% endfor %}",
        "{% do x %}",
    ],
)
def test_extension_tags_without_the_extension_fail_to_compile(
    assert_same: AssertSame, source: str
) -> None:
    assert_same(source, {})


@pytest.mark.parametrize(
    "source",
    [
        "{% autoescape true %}{{ s }}{% endautoescape %}|{% autoescape false %}{{ s }}{% endautoescape %}|{{ s }}",
        "{% autoescape false %}{% autoescape true %}{{ s }}{% endautoescape %}{{ s }}{% endautoescape %}",
        "{% autoescape true %}{{ markup }}|{{ s|safe }}|{{ s|e }}|{{ s ~ markup }}{% endautoescape %}",
        "{% autoescape true %}{% set x %}<{{ s }}>{% endset %}{% endautoescape %}{{ x }}",
        "{% macro m() %}{{ s }}{% endmacro %}{% autoescape true %}{{ m() }}{% endautoescape %}{% autoescape false %}{{ m() }}{% endautoescape %}",
        "{% autoescape true %}{% macro m() %}{{ s }}{% endmacro %}{% endautoescape %}{{ m() }}",
        "{% autoescape false %}{{ s|forceescape }}{{ s|escape }}{{ s|e|e }}{% endautoescape %}",
        "{% autoescape yes %}{{ s }}{% endautoescape %}",
        "{% autoescape yes %}<b>{{ s }}</b>{{ s ~ '<' }}{% endautoescape %}|{% autoescape no %}<i>{{ s }}</i>{% endautoescape %}",
        "{% macro m(v) %}<{{ v }}>{% endmacro %}{% autoescape yes %}{{ m(s) }}{% set x %}[{{ s }}]{% endset %}{{ x }}{% endautoescape %}",
        "{% for flag in [true, false] %}{% autoescape flag %}{{ s }}|{{ s|e }}|{{ markup }}{% endautoescape %};{% endfor %}",
        "{% autoescape true %}{{ s|tojson }}|{{ s|urlize }}|{{ s|xmlattr if false }}{{ {'a': s}|xmlattr }}{% endautoescape %}",
        "{% autoescape false %}{{ {'a': s}|xmlattr }}|{{ [s, markup]|join }}|{{ s|replace('&', markup) }}{% endautoescape %}",
        "{% autoescape true %}{{ s|indent(2, true) }}|{{ s|center(30) }}|{{ s|truncate(8) }}|{{ s|wordwrap(4) }}{% endautoescape %}",
    ],
)
def test_autoescape_blocks(assert_same: AssertSame, autoescape: bool, source: str) -> None:
    assert_same(source, sample_context(), autoescape=autoescape)


@pytest.mark.parametrize(
    "source",
    [
        "{% raw %}{{ x }}{% if %}{# c #}{% endraw %}",
        "a{% raw -%}  {{ x }}  {%- endraw %}b",
        "{%- raw %}\n  {{ x }}\n{% endraw -%}\nz",
        "{% raw %}{% raw %}{% endraw %}",
        "{# comment {{ x }} {% if %} #}visible{#- trimmed -#}  x  ",
        "{{ '{{' }}raw{{ '}}' }}|{{ '{%' }}|{{ '#}' }}",
    ],
)
def test_raw_and_comments(assert_same: AssertSame, autoescape: bool, source: str) -> None:
    assert_same(source, {"x": "<x>"}, autoescape=autoescape)


def _iterables() -> list[Any]:
    return [
        [],
        [1],
        [3, 1, 3, 3, None],
        "ab",
        "",
        (1, "<a>"),
        {"b": 1, "a": 2},
        {"x": 1}.items(),
        {"x": 1}.keys(),
        range(4),
        range(0),
        {3, 1, 2},
        frozenset(),
        [[1, 2], [3]],
        [{"a": 1}, {"a": 1}, {"a": 2}],
        None,
        5,
        Markup("<b>x</b>"),
    ]


LOOP_ATTRIBUTES = (
    "{{ loop.index }}.{{ loop.index0 }}.{{ loop.revindex }}.{{ loop.revindex0 }}."
    "{{ loop.first }}.{{ loop.last }}.{{ loop.length }}.{{ loop.depth }}.{{ loop.depth0 }}."
    "{{ loop.previtem }}.{{ loop.nextitem }}.{{ loop.changed(i) }}.{{ loop.cycle('o', 'e') }}"
)


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in v %}[{{ i }}:" + LOOP_ATTRIBUTES + "]{% else %}empty{% endfor %}",
        "{% for i in v if i %}[{{ i }}:" + LOOP_ATTRIBUTES + "]{% else %}none true{% endfor %}",
        "{% for i in v %}{% for j in v %}{{ loop.index }}{{ loop.depth }}{% endfor %};{% endfor %}",
        "{% for i in v recursive %}[{{ i }}:{{ loop.depth }}{% if i is iterable and i is not string and i is not mapping %}{{ loop(i) }}{% endif %}]{% endfor %}",
        "{{ v|length if v is sequence else 'no length' }}",
    ],
)
def test_loops_over_every_kind_of_iterable(
    assert_same_many: AssertSame, autoescape: bool, source: str
) -> None:
    assert_same_many(
        source,
        [lambda value=value: {"v": value} for value in _iterables()],
        autoescape=autoescape,
        built=False,
    )


@pytest.mark.parametrize(
    "source",
    [
        "{% autoescape a %}{% with b = [1] is filter %}{% endwith %}{% endautoescape %}",
        "{% autoescape a %}{% set b = [1] is filter %}{% endautoescape %}",
        "{% autoescape a %}{{ [1] is filter }}{% endautoescape %}",
        "{% autoescape a %}{{ 'x'|replace('x', 'y') }}{% endautoescape %}",
        "{% autoescape a %}{% set b = [1, 2]|join(1) %}{% endautoescape %}",
        "{% autoescape a %}{% set b = {'a': 1}|xmlattr %}{% endautoescape %}",
        "{% autoescape m|default('on') %}{{ '<'|replace('<', '&') }}{{ ['<', 1]|join('>') }}{% endautoescape %}",
        "{% autoescape m|default('') %}{{ '<'|replace('<', '&') }}{{ ['<', 1]|join('>') }}{% endautoescape %}",
        "{% autoescape m|default([0]) %}{{ {'a': '<'}|xmlattr }}{{ 'x' is filter }}{% endautoescape %}",
        "{% autoescape a %}{{ 1 // 0 }}{% endautoescape %}",
        "{% autoescape a %}{% endautoescape %}ok",
        "{% autoescape a %}text{% endautoescape %}ok",
        "{% autoescape a %}{% set x = 1 // 0 %}{% endautoescape %}",
    ],
)
def test_strict_undefined_autoescape_mode_is_read_when_jinja_reads_it(
    assert_same: AssertSame, source: str
) -> None:
    """`{% autoescape a %}` with `a` undefined under strict: jinja2 fails only where the mode is
    consulted (output, markup-aware filters), so other errors come first."""
    assert_same(source, {}, undefined="strict")
