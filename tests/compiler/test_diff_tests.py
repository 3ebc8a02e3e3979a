"""Differential cases for all 39 builtin tests (`x is name`), following jinja2's test_tests.py.

Expected values are jinja2's own rendering of the same template and context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2.tests
import pytest

from tests.compiler.templategen import sample_context

AssertSame = Callable[..., Any]

OPERANDS = [
    "none",
    "false",
    "true",
    "0",
    "1",
    "42",
    "-3",
    "0.0",
    "4.2",
    "(10 ** 100)",
    "''",
    "'foo'",
    "'FOO'",
    "'Foo'",
    "[]",
    "[1, 2, 3]",
    "{}",
    "{'a': 1}",
    "()",
    "range(5)",
    "range",
    "missing",
    "s",
    "markup",
    "html_obj",
    "obj",
    "d",
    "call",
    "complex",
    "mydict",
    "seq|first",
    "d.items",
    "word.upper",
]

TEST_CASES: dict[str, list[str]] = {
    # Operator-named tests cannot follow `is`; they are reached through select/reject.
    "!=": ["{{ [1, 2, 3]|select('!=', 2)|list }}|{{ [none, 1]|reject('!=', none)|list }}"],
    "<": ["{{ [1, 2, 3]|select('<', 3)|list }}|{{ ['a', 'b']|select('<', 'b')|list }}"],
    "<=": ["{{ [1, 2, 3]|select('<=', 2)|list }}"],
    "==": [
        "{{ [1, 2, 3]|select('==', 2)|list }}|{{ users|selectattr('age', '==', 31)|list|length }}"
    ],
    ">": ["{{ [1, 2, 3]|select('>', 1)|list }}"],
    ">=": ["{{ [1, 2, 3]|select('>=', 2)|list }}", "{{ [1, 'a']|select('>=', 2)|list }}"],
    "boolean": ["{{ true is boolean }}|{{ 0 is boolean }}|{{ none is boolean }}"],
    "callable": [
        "{{ call is callable }}|{{ range is callable }}|{{ 'x' is callable }}|{{ d.items is callable }}"
    ],
    "defined": [
        "{{ missing is defined }}|{{ true is defined }}|{{ none is defined }}|{{ d.a is defined }}|{{ d.zz is defined }}",
        "{{ obj.nothing is defined }}|{{ seq.5 is defined }}|{{ missing is not defined }}",
    ],
    "divisibleby": [
        "{{ 6 is divisibleby 3 }}|{{ 7 is divisibleby 3 }}|{{ 0 is divisibleby(5) }}|{{ 10 is divisibleby 2.5 }}"
    ],
    "eq": [
        "{{ n is eq 42 }}|{{ n is eq 0 }}|{{ n is eq (6 * 7) }}|{{ word is eq 'hello World' }}|{{ word is eq word }}"
    ],
    "equalto": ["{{ n is equalto 42 }}|{{ 'a' is equalto 'b' }}|{{ none is equalto none }}"],
    "escaped": [
        "{{ s is escaped }}|{{ markup is escaped }}|{{ html_obj is escaped }}|{{ s|e is escaped }}|{{ 1 is escaped }}"
    ],
    "even": ["{{ 1 is even }}|{{ 2 is even }}|{{ 0 is even }}|{{ -4 is even }}"],
    "false": ["{{ false is false }}|{{ 0 is false }}|{{ none is false }}"],
    "filter": [
        "{{ 'upper' is filter }}|{{ 'nosuch' is filter }}|{{ 'tojson' is filter }}|{{ 'e' is filter }}",
        "{% if 'nosuch' is filter %}{{ x|nosuch }}{% else %}fallback{% endif %}",
    ],
    "float": ["{{ 4.2 is float }}|{{ 42 is float }}|{{ (10 ** 100) is float }}|{{ f is float }}"],
    "ge": ["{{ 2 is ge 2 }}|{{ 2 is ge 3 }}"],
    "greaterthan": ["{{ 1 is greaterthan 0 }}|{{ 0 is greaterthan 1 }}"],
    "gt": ["{{ 2 is gt 1 }}|{{ 2 is gt 2 }}"],
    "in": [
        '{{ "o" is in "foo" }}|{{ "foo" is in "foo" }}|{{ "b" is in "foo" }}|{{ 1 is in ((1, 2)) }}|'
        "{{ 3 is in ((1, 2)) }}|{{ 1 is in [1, 2] }}|{{ 3 is in [1, 2] }}|"
        '{{ "foo" is in {"foo": 1}}}|{{ "baz" is in {"bar": 1}}}'
    ],
    "integer": [
        "{{ 42 is integer }}|{{ 3.1 is integer }}|{{ true is integer }}|{{ (10 ** 100) is integer }}"
    ],
    "iterable": [
        "{{ 'foo' is iterable }}|{{ 42 is iterable }}|{{ range(5) is iterable }}|{{ d is iterable }}"
    ],
    "le": ["{{ 2 is le 2 }}|{{ 2 is le 1 }}"],
    "lessthan": ["{{ 0 is lessthan 1 }}|{{ 1 is lessthan 0 }}"],
    "lower": [
        "{{ 'foo' is lower }}|{{ 'FOO' is lower }}|{{ '' is lower }}|{{ '1a' is lower }}|{{ markup is lower }}"
    ],
    "lt": ["{{ 2 is lt 3 }}|{{ 2 is lt 2 }}"],
    "mapping": [
        "{{ {} is mapping }}|{{ mydict is mapping }}|{{ [] is mapping }}|{{ 'x' is mapping }}"
    ],
    "ne": ["{{ 2 is ne 3 }}|{{ 2 is ne 2 }}"],
    "none": ["{{ none is none }}|{{ false is none }}|{{ missing is none }}|{{ d.zz is none }}"],
    "number": [
        "{{ 42 is number }}|{{ 3.1 is number }}|{{ complex is number }}|{{ '1' is number }}|{{ true is number }}"
    ],
    "odd": ["{{ 1 is odd }}|{{ 2 is odd }}|{{ -3 is odd }}"],
    "sameas": [
        "{{ foo is sameas false }}|{{ 0 is sameas false }}|{{ none is sameas none }}|{{ seq is sameas seq }}"
    ],
    "sequence": [
        "{{ 'foo' is sequence }}|{{ [] is sequence }}|{{ {} is sequence }}|{{ 42 is sequence }}|{{ range(3) is sequence }}"
    ],
    "string": [
        "{{ 'foo' is string }}|{{ 42 is string }}|{{ markup is string }}|{{ none is string }}"
    ],
    "test": [
        "{{ 'odd' is test }}|{{ 'nosuch' is test }}|{{ 'divisibleby' is test }}|{{ '==' is test }}",
        "{% if 'nosuch' is test %}{{ x is nosuch }}{% else %}fallback{% endif %}",
    ],
    "true": ["{{ true is true }}|{{ 1 is true }}|{{ 'x' is true }}"],
    "undefined": [
        "{{ missing is undefined }}|{{ n is undefined }}|{{ none is undefined }}|{{ d.zz is undefined }}"
    ],
    "upper": ["{{ 'FOO' is upper }}|{{ 'foo' is upper }}|{{ '' is upper }}|{{ markup is upper }}"],
}


def context() -> dict[str, Any]:
    return {**sample_context(), "mydict": {"k": 1}, "complex": complex(1, 2), "foo": False}


def cases() -> list[tuple[str, str]]:
    return [(name, source) for name, sources in TEST_CASES.items() for source in sources]


@pytest.mark.parametrize(("test_name", "source"), cases())
def test_builtin_test(
    assert_same: AssertSame, autoescape: bool, test_name: str, source: str
) -> None:
    assert_same(source, context(), autoescape=autoescape)


def test_every_builtin_test_has_cases() -> None:
    assert sorted(TEST_CASES) == sorted(jinja2.tests.TESTS)


NO_ARG_TESTS = [
    "boolean",
    "callable",
    "defined",
    "escaped",
    "false",
    "float",
    "integer",
    "iterable",
    "lower",
    "mapping",
    "none",
    "number",
    "sequence",
    "string",
    "true",
    "undefined",
    "upper",
    "odd",
    "even",
    "filter",
    "test",
]


@pytest.mark.parametrize("test_name", NO_ARG_TESTS)
def test_operand_grid(assert_same_built: AssertSame, autoescape: bool, test_name: str) -> None:
    """Each no-argument test over every kind of operand, `is` and `is not` (errors included)."""
    parts = []
    for operand in OPERANDS:
        if test_name in {"odd", "even", "lower", "upper", "filter", "test"}:
            # These raise on some operands; each operand renders on its own line via a guard.
            parts.append(
                "{% if " + operand + " is number or " + operand + " is string %}"
                "{{ " + operand + " is " + test_name + " }}{% endif %}"
            )
        else:
            parts.append(
                "{{ "
                + operand
                + " is "
                + test_name
                + " }}/{{ "
                + operand
                + " is not "
                + test_name
                + " }}"
            )
    assert_same_built("|".join(parts), context(), autoescape=autoescape)


@pytest.mark.parametrize(
    "source",
    [
        "{{ 1 is odd is true if false }}{{ (1 is odd) is true }}",
        "{{ not 1 is even }}|{{ 1 is not even and 2 is even }}|{{ 'x' ~ (3 is odd) }}",
        "{{ 'us-west-1' is in ['us-east-1', 'ap'] or 'stage' is in ('dev', 'stage') }}",
        "{{ 9 is divisibleby 3 == true }}|{{ seq|select('odd')|list is sequence }}",
        "{{ x is nosuchtest }}",
        "{{ 2 is divisibleby 0 }}",
        "{{ 'a' is odd }}",
        "{{ missing is odd }}",
    ],
)
def test_tests_in_expressions_and_errors(
    assert_same: AssertSame, autoescape: bool, source: str
) -> None:
    assert_same(source, context(), autoescape=autoescape)


@pytest.mark.parametrize(
    "source",
    [
        "{{ x is filter }}|{{ y is test }}|{{ z is filter }}",
        "{{ ['e', 'upper', 'nosuch', 'd']|select('filter')|list }}",
        "{{ ['odd', 'eq', 'nosuch', '==']|select('test')|list }}",
        "{% for n in names %}{{ n is filter }}{% endfor %}",
        "{{ 'upper' is filter }}|{{ 'odd' is test }}|{{ 'nosuch' is filter }}",
    ],
)
def test_filter_and_test_tests_on_runtime_names(assert_same: AssertSame, source: str) -> None:
    assert_same(source, {"x": "upper", "y": "odd", "z": "nosuch", "names": ["e", "tojson", "x"]})
