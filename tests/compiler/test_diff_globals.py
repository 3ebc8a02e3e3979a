"""Differential cases for the default globals (range, dict, lipsum, cycler, joiner, namespace)
and for `globals` baked into the compiled module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

AssertSame = Callable[..., Any]

DEFAULT_GLOBALS = [
    "{{ range(5)|list }}|{{ range(2, 10, 3)|list }}|{{ range(5, 0, -2)|list }}|{{ range(0)|list }}",
    "{{ range(3) }}|{{ range(1, 4)|sum }}|{{ range(10)[2:5]|list }}|{{ range(5)|length }}",
    "{% for i in range(3) %}{{ i }}{% endfor %}|{{ range(-2) is sequence }}",
    "{{ range(100000000) is iterable }}",
    "{{ range(1, 2, 0) }}",
    "{{ dict() }}|{{ dict(a=1, b='<b>') }}|{{ dict([('k', 1)]) }}|{{ dict(dict(a=1), c=2) }}",
    "{% set c = cycler('odd', 'even') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}|{{ c.current }}|{% do c.reset() if false %}",
    "{% set c = cycler(1, 2, 3) %}{% for i in range(5) %}{{ c.next() }}{% endfor %}|{{ c.current }}{{ c.reset() }}{{ c.current }}",
    "{% set c = cycler() %}{{ c.next() }}",
    "{% set c = cycler('<a>', s) %}{{ c.next() }}{{ c.next() }}{{ c.items }}",
    "{% set pipe = joiner('|') %}{% for i in range(3) %}{{ pipe() }}{{ i }}{% endfor %}",
    "{% set j = joiner() %}{{ j() }}{{ j() }}{{ j() }}|{% set k = joiner('<br>') %}{{ k() }}{{ k() }}",
    "{% set ns = namespace(a=1, b=s) %}{{ ns.a }}{{ ns.b }}|{% set ns.a = 2 %}{{ ns.a }}|{{ ns }}",
    "{% set ns = namespace({'x': 1}, y=2) %}{{ ns.x }}{{ ns.y }}|{{ ns.z }}",
    "{% set ns = namespace() %}{{ ns }}|{{ ns is mapping }}|{{ ns.items if false }}",
    "{{ namespace(a=1).a }}|{{ dict.fromkeys('ab') if false }}{{ cycler('x').next() }}",
    "{{ lipsum(2, false, 5, 10) }}",
    "{{ lipsum(1) }}|{{ lipsum(n=1, html=false, min=2, max=3) }}",
    "{{ lipsum is callable }}|{{ range is callable }}|{{ joiner is defined }}",
    "{% set range = 5 %}{{ range }}|{% set dict = 'shadow' %}{{ dict }}",
    "{{ range }}",
]


@pytest.mark.parametrize("source", DEFAULT_GLOBALS)
def test_default_globals(assert_same: AssertSame, autoescape: bool, source: str) -> None:
    assert_same(source, {"s": "<s>"}, autoescape=autoescape, extensions=["do"])


@pytest.mark.parametrize(
    "source",
    [
        "{{ site }}|{{ n }}|{{ f }}|{{ flag }}|{{ nothing }}",
        "{{ items|join(',') }}|{{ pair }}|{{ conf.key }}|{{ conf['nested'].x }}|{{ conf.items }}",
        "{{ site|upper }}|{{ items|length }}|{{ conf|dictsort }}|{{ html }}",
        "{% for x in items %}{{ x }}{% endfor %}|{% if flag %}on{% endif %}",
        "{% set site = 'local' %}{{ site }}",
        "{% macro m() %}{{ site }}{% endmacro %}{{ m() }}",
        "{% include 'uses_globals' %}|{% import 'uses_globals' as u %}{{ u.m() }}",
        "{% do items.append(4) %}{{ items }}",
    ],
)
@pytest.mark.parametrize(
    "context", [{}, {"site": "<from context>", "n": -1}], ids=["no-context", "context-wins"]
)
def test_baked_globals(
    assert_same: AssertSame, autoescape: bool, source: str, context: dict[str, Any]
) -> None:
    """`globals` are literal values baked into the module; the render context overrides them."""
    assert_same(
        source,
        context,
        templates={"uses_globals": "<{{ site }}>{% macro m() %}[{{ n }}]{% endmacro %}"},
        globals={
            "site": "<Site & Co>",
            "n": 10**20,
            "f": 0.1,
            "flag": True,
            "nothing": None,
            "items": [1, "two", 3.0],
            "pair": ("a", 1),
            "conf": {"key": "v", "nested": {"x": [1]}, "items": "shadowed?"},
            "html": "<b>bold</b>",
        },
        autoescape=autoescape,
        extensions=["do"],
    )


@pytest.mark.parametrize(
    "value",
    [
        float("inf"),
        float("-inf"),
        float("nan"),
        -0.0,
        1e100,
        2.5e-8,
        10**40,
        -(10**40),
        "quote ' double \" backslash \\ newline \n tab \t nul \x00 é ☃ \U0001f600",
        "{{ not a tag }}{% neither %}",
        (),
        (1,),
        ((1, "a"), [None, True]),
        {"nested": {"deep": [1, (2, 3)]}, 1: "int key", None: "none key"},
        [],
        {},
        True,
        None,
    ],
    ids=repr,
)
def test_baked_literal_values_round_trip(
    assert_same: AssertSame, autoescape: bool, value: object
) -> None:
    """Every literal kind the contract allows, baked into the module, prints and compares as
    the same value does in jinja2's env.globals."""
    assert_same(
        "[{{ g }}]|{{ g is defined }}|{{ g == g }}|{{ g|string|length }}|{{ g|tojson if g is not number or g == g else '' }}",
        {},
        globals={"g": value},
        autoescape=autoescape,
    )
