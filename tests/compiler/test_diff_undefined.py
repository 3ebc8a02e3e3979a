"""Differential cases for undefined values under undefined="default", "strict" and "chainable".

What an undefined name prints, how it behaves in tests, filters, loops, arithmetic and
comparisons, and the exact UndefinedError message when it may not be used, all follow
jinja2's Undefined, StrictUndefined and ChainableUndefined.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.compiler.templategen import Obj

AssertSame = Callable[..., Any]

CONTEXT = {
    "d": {"a": 1},
    "obj": Obj(name="n"),
    "seq": [1],
    "none": None,
    "foo": {"bar": 42},
    "var": 0,
}

SOURCES = [
    "[{{ missing }}]",
    "[{{ missing.attr }}]",
    "[{{ missing['key'] }}]",
    "[{{ missing.attr.deeper }}]",
    "[{{ d.nokey }}]",
    "[{{ d.nokey.deeper }}]",
    "[{{ d['nokey'] }}]",
    "[{{ obj.noattr }}]",
    "[{{ seq.5 }}]",
    "[{{ none.attr }}]",
    "[{{ missing is defined }}|{{ missing is undefined }}|{{ d.nokey is defined }}]",
    "[{{ missing|default('dflt') }}|{{ d.nokey|default('dflt') }}|{{ missing.attr|default('x') }}]",
    "[{% if missing %}T{% else %}F{% endif %}]",
    "[{% if not missing %}T{% endif %}]",
    "[{% if missing.attr %}T{% endif %}]",
    "[{{ missing or 'or' }}|{{ missing and 'and' }}]",
    "[{% for x in missing %}{{ x }}{% else %}empty{% endfor %}]",
    "[{{ missing|length }}]",
    "[{{ missing|list }}]",
    "[{{ missing|string }}]",
    "[{{ missing|upper }}]",
    "[{{ missing|e }}]",
    "[{{ missing|join(',') }}]",
    "[{{ missing ~ 'x' }}]",
    "[{{ 'x' ~ missing }}]",
    "[{{ missing + 1 }}]",
    "[{{ 1 + missing }}]",
    "[{{ -missing }}]",
    "[{{ missing == missing }}|{{ missing != 1 }}]",
    "[{{ missing < 1 }}]",
    "[{{ 'a' in missing }}]",
    "[{{ missing in [1] }}]",
    "[{{ missing() }}]",
    "[{{ missing.method() }}]",
    "[{{ missing[0:1] }}]",
    "[{{ missing|int }}|{{ missing|float }}]",
    "[{{ missing|tojson }}]",
    "[{{ missing is none }}|{{ missing is string }}|{{ missing is iterable }}]",
    "[{% set x = missing %}{{ x is defined }}]",
    "[{% with x = missing %}{{ x }}{% endwith %}]",
    "[{% macro m(a) %}{{ a }}|{{ a is defined }}{% endmacro %}{{ m() }}|{{ m(missing) }}]",
    "[{{ [missing, 1]|select('defined')|list }}]",
    "[{{ missing|d }}]",
    "[{{ missing|attr('x') }}]",
    "[{{ range(missing) }}]",
    "[{{ d.items.nothing }}]",
    "[{{ missing|pprint }}]",
    "[{{ missing|first }}]",
    "[{{ missing|items|list }}]",
    "[{{ missing|dictsort }}]",
    "[{{ missing|sum }}]",
    "[{{ missing|trim }}]",
    "[{{ missing|wordcount }}]",
    "[{{ missing|batch(2)|list }}]",
    "[{{ missing|round }}]",
    "[{{ missing|abs }}]",
    "[{{ missing|center(5) }}]",
    "[{{ missing|urlencode }}]",
    "[{{ missing|indent }}]",
    "[{{ missing|safe }}]",
    "[{{ missing|xmlattr }}]",
    "[{{ {'k': missing}|xmlattr }}]",
    "[{{ missing|replace('a', 'b') }}]",
    "[{{ missing|map('upper')|list }}]",
    "[{{ [missing]|join }}]",
    "[{{ (missing, 1) }}]",
    "[{{ missing if true else 'x' }}]",
    "[{{ 'x' if missing else 'y' }}]",
    "[{% for k in d.nokey %}{{ k }}{% endfor %}]",
    "[{{ loop }}]",
    "[{{ caller }}]",
    "[{{ varargs }}]",
    "[{{ missing|default(none) }}]",
    "[{{ none|default('x') }}]",
    # From jinja2's test_api.py (TestUndefined).
    "[{{ foo.missing }}]",
    "[{{ 'foo' in missing }}]",
    "[{{ missing|default('default', true) }}]",
    "[{{ 'foo' if false }}]",
    "[{{ var[42].foo }}]",
    "[{{ foo.bar['baz']._undefined_name }}]",
    "[{{ not missing }}]",
    "[{{ missing is not defined }}]",
    "[{{ none.split() }}]",
    "[{{ missing.attr.attr2|default('d') }}]",
    "[{{ (missing.a or 'x') ~ (d.nokey.b or 'y') }}]",
]


@pytest.mark.parametrize("undefined", ["default", "strict", "chainable"])
@pytest.mark.parametrize("source", SOURCES)
def test_undefined_behaviour(assert_same_built: AssertSame, undefined: str, source: str) -> None:
    # Undefined semantics do not depend on escaping, so the grid alternates autoescape by
    # case instead of doubling (the cases that print markup run both ways elsewhere).
    autoescape = (len(source) + len(undefined)) % 2 == 0
    assert_same_built(source, CONTEXT, autoescape=autoescape, undefined=undefined)


@pytest.mark.parametrize("undefined", ["default", "strict", "chainable"])
@pytest.mark.parametrize(
    "source",
    [
        "{% include 'uses_missing' %}",
        "{% extends 'uses_missing' %}",
        "{% import 'macro_missing' as m %}{{ m.m() }}",
        "{% include name %}",
        "{% extends name %}",
    ],
)
def test_undefined_across_templates(
    assert_same: AssertSame, autoescape: bool, undefined: str, source: str
) -> None:
    assert_same(
        source,
        CONTEXT,
        templates={
            "uses_missing": "<{{ missing }}|{{ d.nokey }}|{{ missing is defined }}>",
            "macro_missing": "{% macro m() %}{{ missing.attr|default('dflt') }}{% endmacro %}",
        },
        autoescape=autoescape,
        undefined=undefined,
    )


def _statement_cases() -> list[tuple[str, Any]]:
    from tests.compiler import test_diff_scoping, test_diff_statements

    cases = [
        case
        for group in (
            test_diff_statements.IF_CASES,
            test_diff_statements.FOR_CASES,
            test_diff_statements.SET_CASES,
            test_diff_statements.WITH_CASES,
            test_diff_statements.MACRO_CASES,
            test_diff_statements.EXTENSION_CASES,
        )
        for case in group
    ]
    return cases + [(s, {"v": "<ctx-v>", "w": "ctx-w"}) for s in test_diff_scoping.SCOPING]


@pytest.mark.parametrize(("source", "context"), _statement_cases())
def test_statement_cases_under_strict_and_chainable(
    assert_same_built: AssertSame, source: str, context: Any
) -> None:
    """The statement and scoping cases again, with the two non-default undefined kinds."""
    from tests.compiler.test_diff_scoping import TEMPLATES

    for undefined in ("strict", "chainable"):
        assert_same_built(
            source,
            context,
            templates=TEMPLATES,
            undefined=undefined,
            autoescape=undefined == "strict",
            extensions=["loopcontrols", "do"],
        )
