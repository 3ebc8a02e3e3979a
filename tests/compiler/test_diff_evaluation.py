"""Differential cases for evaluation order and count: side effects must happen exactly when,
and as often as, they happen in jinja2.

A code generator that hoists, caches or repeats an expression (to make loops or output
faster) is invisible on pure values; a counter object and one-shot generators make it show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

AssertSame = Callable[..., Any]


class Counter:
    """Counts its calls; `{{ c.incr() }}` prints 1, 2, 3 ... and `c.n` the count so far."""

    def __init__(self) -> None:
        self.n = 0
        self.log: list[str] = []

    def incr(self, tag: str = "") -> int:
        self.n += 1
        self.log.append(tag or str(self.n))
        return self.n

    def __getitem__(self, key: str) -> int:
        self.log.append(f"item:{key}")
        return len(self.log)

    def __repr__(self) -> str:
        return f"Counter({self.n})"


def one_shot(n: int) -> Iterator[int]:
    yield from range(n)


def context() -> dict[str, Any]:
    return {"c": Counter(), "gen": one_shot(4), "it": iter([10, 20, 30]), "seq": [1, 2, 3]}


SOURCES = [
    "{{ c.incr() }}{{ c.incr() }}|{{ c.n }}",
    "{% if c.incr() %}{{ c.incr() }}{% endif %}{{ c.n }}",
    "{{ c.incr() if c.incr() else c.incr() }}{{ c.n }}",
    "{{ c.incr() ~ c.incr() }}|{{ c.incr() + c.incr() * c.incr() }}|{{ c.log }}",
    "{% for i in range(c.incr()) %}{% endfor %}{{ c.n }}",
    "{% set x = c.incr() %}{{ x }}{{ x }}{{ c.n }}",
    "{{ [c.incr(), c.incr()]|sum }}|{{ {'a': c.incr('a'), 'b': c.incr('b')} }}|{{ c.log }}",
    "{% macro m(a=c.incr()) %}{{ a }}{% endmacro %}{{ m() }}{{ m() }}{{ m(0) }}|{{ c.n }}",
    "{% with a = c.incr(), b = c.incr() %}{{ a }}{{ b }}{{ a }}{% endwith %}{{ c.n }}",
    "{% for i in seq if c.incr() %}{% endfor %}{{ c.n }}",
    "{% for i in seq if c.incr() is odd %}{{ i }}{{ loop.length }}{% endfor %}{{ c.n }}",
    "{{ 'x'|replace('x', c.incr()|string) }}{{ c.n }}",
    "{{ 0 < c.incr() < 5 }}{{ c.n }}",
    "{% if false and c.incr() %}{% endif %}{% if true or c.incr() %}{% endif %}{{ c.n }}",
    "{{ c.incr() if false }}{{ c.n }}",
    "{% for x in seq %}{{ loop.cycle(c.incr(), 'b') }}{% endfor %}|{{ c.n }}",
    "{% for x in seq %}{{ loop.changed(c.incr() // 2) }}{% endfor %}|{{ c.n }}",
    "{{ c['a'] }}{{ c.b }}{{ c['b'] }}|{{ c.log }}",
    "{{ c.incr() is defined }}{{ c.nothing is defined }}{{ c.n }}",
    "{{ c.incr()|default(c.incr()) }}{{ c.n }}",
    "{{ missing|default(c.incr()) }}{{ c.n }}",
    "{% set ns = namespace(v=c.incr()) %}{{ ns.v }}{{ c.n }}",
    "{% for i in seq %}{% set y = c.incr() %}{% endfor %}{{ c.n }}",
    "{% macro m() %}{{ caller() }}{{ caller() }}{% endmacro %}{% call m() %}{{ c.incr() }}{% endcall %}",
    "{% filter upper %}{{ c.incr() }}{% endfilter %}{% set b %}{{ c.incr() }}{% endset %}{{ b }}{{ b }}",
    "{{ gen|first }}|{{ gen|list }}|{{ gen|list }}",
    "{% for x in gen %}{{ x }}{% if loop.first %}[{{ gen|first }}]{% endif %}{% endfor %}",
    "{% for x in gen %}{{ x }}:{{ loop.length }}{% endfor %}",
    "{% for x in gen %}{{ x }}{{ loop.last }}{{ loop.nextitem }};{% endfor %}",
    "{% for x in gen %}{{ x }}{% if x == 1 %}{{ gen|list }}{% endif %}{% endfor %}",
    "{% for x in gen if x > 0 %}{{ loop.index }}{{ loop.revindex }}{% endfor %}",
    "{% set a = gen %}{{ a|list }}{{ a|list }}",
    "{% if gen|first is none %}none{% else %}{{ gen|first }}{% endif %}",
    "{{ it.__next__() }}{{ it.__next__() }}|{% for x in it %}{{ x }}{% endfor %}",
    "{% for x in it %}{{ x }}{% for y in it %}({{ y }}){% endfor %}{% endfor %}",
    "{% for x in gen %}{{ x }}{% else %}empty{% endfor %}{% for x in gen %}{{ x }}{% else %}empty{% endfor %}",
    "{{ gen|map('string')|join(',') }}|{{ gen|list }}",
    "{{ (gen|list)[1:] }}{{ gen|list }}",
]


@pytest.mark.parametrize("source", SOURCES)
def test_side_effects_happen_as_in_jinja(
    assert_same: AssertSame, autoescape: bool, source: str
) -> None:
    assert_same(source, context, autoescape=autoescape, extensions=["do", "loopcontrols"])


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in seq %}{% if i == 2 %}{% break %}{% endif %}{{ c.incr() }}{% endfor %}|{{ c.n }}",
        "{% for x in gen %}{% if x == 1 %}{% break %}{% endif %}{% endfor %}{{ gen|list }}",
        "{% for x in gen %}{% continue %}{% endfor %}{{ gen|list }}",
        "{% do c.incr() %}{% do c.incr() if false %}{{ c.n }}",
    ],
)
def test_side_effects_with_loop_controls(
    assert_same: AssertSame, autoescape: bool, source: str
) -> None:
    assert_same(source, context, autoescape=autoescape, extensions=["do", "loopcontrols"])
