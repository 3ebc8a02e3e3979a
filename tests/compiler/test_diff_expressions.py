"""Differential cases for expressions: literals, operators, lookups, calls, printing, escaping.

Each case renders with jinja2 and with our compiled module (autoescape off and on) and must
agree byte for byte; see conftest.assert_same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.compiler.templategen import sample_context

AssertSame = Callable[..., Any]

LITERALS = [
    "{{ 1 }}|{{ -1 }}|{{ 0 }}|{{ 1_000 }}|{{ 0x1F if false else 7 }}",
    "{{ 5.0 }}|{{ 1.5e3 }}|{{ 1e-7 }}|{{ 0.1 + 0.2 }}|{{ 1_0.5 }}",
    "{{ 12345678901234567890123 }}|{{ 2 ** 100 }}|{{ big }}|{{ big * 1.0 }}",
    "{{ 'single' }}|{{ \"double\" }}|{{ 'it''s' }}|{{ 'esc\\'aped' }}|{{ 'a\\nb' }}|{{ 'tab\\tx' }}",
    "{{ 'unicode é ☃' }}|{{ '\\u00e9' }}|{{ '<&>\"' }}",
    "{{ none }}|{{ None }}|{{ true }}|{{ True }}|{{ false }}|{{ False }}",
    "{{ [] }}|{{ [1, 'a', none, true] }}|{{ [[1], [2, [3]]] }}|{{ [1, 2,] }}",
    "{{ () }}|{{ (1,) }}|{{ (1, 2) }}|{{ (1) }}|{{ ('a', ['b']) }}",
    "{{ {} }}|{{ {'a': 1} }}|{{ {'k': [1, 2], 2: 'two', none: 'n'} }}",
    "{{ {'<': '>'} }}|{{ ['<', \"'\"] }}|{{ ('&',) }}",
    "{{ 'a' 'b' }}|{{ 'x' \"y\" 'z' }}",
    "{% set t = 1, 2 %}{{ t }}|{% set a, b = 'xy' %}{{ b }}{{ a }}",
    "{{ n }}|{{ neg }}|{{ f }}|{{ third }}|{{ zero }}|{{ 10 / 2 }}|{{ 7 / 2 }}|{{ -0.0 }}",
    "{{ none }}|{{ yes }}|{{ no }}|{{ seq }}|{{ tup }}|{{ d }}|{{ empty }}",
    "{{ 1e300 * 1e10 }}|{{ -1e300 * 1e10 }}|{{ 3.14159265358979 }}|{{ 1/3 * 3 }}",
]

OPERATORS = [
    "{{ 1 + 2 }}|{{ 'a' + 'b' }}|{{ [1] + [2] }}|{{ 1.5 + 1 }}|{{ n + f }}",
    "{{ 5 - 8 }}|{{ 2 * 3 }}|{{ 'ab' * 3 }}|{{ [0] * 2 }}|{{ 3 * 'x' }}",
    "{{ 7 / 2 }}|{{ 8 / 2 }}|{{ -7 / 2 }}|{{ 7.0 / 2 }}",
    "{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7.5 // 2 }}|{{ 7 // -2 }}",
    "{{ 7 % 3 }}|{{ -7 % 3 }}|{{ 7.5 % 2 }}|{{ 'x%sy' % 5 }}|{{ '%s-%s' % (1, 2) }}",
    "{{ 2 ** 10 }}|{{ 2 ** -1 }}|{{ 2 ** 3 ** 2 }}|{{ (-2) ** 2 }}|{{ -2 ** 2 }}|{{ 4 ** 0.5 }}",
    "{{ -n }}|{{ +n }}|{{ - -n }}|{{ -f }}|{{ not n }}|{{ not not n }}|{{ -(1 + 2) }}",
    "{{ 1 + 2 * 3 }}|{{ (1 + 2) * 3 }}|{{ 10 - 2 - 3 }}|{{ 100 / 10 / 5 }}|{{ 2 * 3 % 4 }}",
    "{{ 1 < 2 }}|{{ 2 <= 2 }}|{{ 3 > 4 }}|{{ 4 >= 5 }}|{{ 1 == 1.0 }}|{{ 1 != 2 }}",
    "{{ 1 < 2 < 3 }}|{{ 1 < 3 < 2 }}|{{ 1 == 1 == 1 }}|{{ 3 > 2 > 1 >= 1 }}|{{ 1 < n > 40 }}",
    "{{ 'a' < 'b' }}|{{ [1, 2] < [1, 3] }}|{{ (1, 2) == (1, 2) }}|{{ none == none }}",
    "{{ true and false }}|{{ true or false }}|{{ 0 and 1 }}|{{ 0 or 'x' }}|{{ '' or none }}",
    "{{ 1 and 2 and 3 }}|{{ none or 0 or [] }}|{{ n and word }}|{{ empty or 'fallback' }}",
    "{{ not true and false }}|{{ not (true and false) }}|{{ true or false and false }}",
    "{{ 1 in [1, 2] }}|{{ 3 not in [1, 2] }}|{{ 'b' in 'abc' }}|{{ 'a' in d }}|{{ 'z' in d }}",
    "{{ not 1 in [1] }}|{{ 'x' not in 'xyz' }}|{{ none in [none] }}|{{ 1 in (1,) }}",
    "{{ 'a' ~ 'b' }}|{{ 1 ~ 2 }}|{{ 'x' ~ none }}|{{ 1 ~ (2 + 3) }}|{{ s ~ markup }}|{{ 2 * 3 ~ 4 * 5 }}",
    "{{ 1 + 2 ~ 3 }}",
    "{{ 1 ~ 2 + 3 }}",
    "{{ markup ~ s }}|{{ markup ~ markup }}|{{ 'v=' ~ html_obj }}|{{ [1] ~ (2,) }}",
    "{{ 'yes' if yes else 'no' }}|{{ 'yes' if no else 'no' }}|{{ 'only' if no }}|{{ 'a' if n > 40 }}",
    "{{ 1 if false else 2 if false else 3 }}|{{ (1 if true else 2) + 10 }}|{{ 'x' ~ ('y' if true) }}",
    "{{ s + s }}|{{ markup + s }}|{{ s + markup }}|{{ markup * 2 }}|{{ markup ~ '%s' % s }}",
    "{{ markup % s }}",
    "{{ markup % (s,) if false else markup.join([s, s]) }}|{{ markup.upper() }}",
    "{{ 1 + none }}",
    "{{ 1 / 0 }}",
    "{{ 'a' - 1 }}",
    "{{ 1 // 0 }}",
    "{{ n % 0 }}",
    "{{ [1] < 'a' }}",
]

LOOKUPS = [
    "{{ d.a }}|{{ d['a'] }}|{{ d.b }}|{{ d.get('a') }}|{{ d.get('zz', 'dflt') }}",
    "{{ d.items }}",
    "{{ d['items'] }}|{{ d.items() | list }}|{{ d.keys() | list }}|{{ d.values() | list }}",
    "{{ attrdict.color }}|{{ attrdict['color'] }}|{{ attrdict.size }}|{{ attrdict['size'] }}",
    "{{ obj.name }}|{{ obj['name'] }}|{{ obj.age }}|{{ obj.tags.0 }}|{{ obj.tags[1] }}",
    "{{ seq.0 }}|{{ seq[1] }}|{{ seq[-1] }}|{{ seq.2 }}|{{ tup.1 }}|{{ 'abc'.1 }}",
    "{{ nested.a.b.1.c }}|{{ nested['a']['b'][1]['c'] }}|{{ nested.a['b'].0 }}",
    "{{ d.missing }}|{{ seq.10 }}|{{ seq[10] }}|{{ obj.nothing }}|{{ none.attr if false }}",
    "{{ d.missing.deeper }}",
    "{{ seq[1:] }}|{{ seq[:2] }}|{{ seq[::-1] }}|{{ seq[::2] }}|{{ 'hello'[1:3] }}|{{ seq[-2:] }}",
    "{{ word[::-1] }}|{{ word[100:] }}|{{ s[:5] }}|{{ markup[1:4] }}|{{ tup[0:1] }}",
    "{{ word.upper() }}|{{ word.split() }}|{{ word.replace('l', 'L') }}|{{ '%05d'|format(n) }}",
    "{{ word.startswith('he') }}|{{ ', '.join(words) }}|{{ 'x'.join(['<', '>']) }}",
    "{{ 'a-{}-b'.format(n) }}|{{ '{0}{1}'.format('<', s) }}|{{ d.__class__ if false }}",
    "{{ call() }}|{{ call(1, 'two') }}|{{ call(a=1) }}|{{ call(1, b=none, a=[2]) }}",
    "{{ call(*seq) }}|{{ call(**d) }}|{{ call(0, *seq, x=1, **{'y': 2}) }}",
    "{{ call(*seq, **{'k': 'v'}) }}|{{ call(1, *tup) }}",
    "{{ range(3) | list }}|{{ dict(a=1, b='<') }}|{{ dict(d, c=3) | length }}",
    "{{ seq | length }}|{{ (seq | first) + 1 }}|{{ seq|first ** 2 }}|{{ -(seq|first) }}",
    "{{ -seq|first }}",
    "{{ missing }}|{{ missing.attr }}",
    "{{ missing() }}",
    "{{ d.items() }}",
]

ESCAPING = [
    "{{ s }}|{{ s|e }}|{{ s|safe }}|{{ s|escape|escape }}|{{ s|forceescape }}",
    "{{ markup }}|{{ markup|e }}|{{ markup|forceescape }}|{{ markup|safe }}|{{ markup|string }}",
    "{{ html_obj }}|{{ html_obj|e }}|{{ html_obj|string }}|{{ html_obj|safe }}",
    "{{ '&#34;&#39;' }}|{{ '\"\\'' }}|{{ \"'\" ~ '\"' }}|{{ '<script>alert(1)</script>' }}",
    "gtag('config', '{{ s }}');",
    "{{ s|upper }}|{{ markup|upper }}|{{ markup|lower|e }}|{{ s|lower|safe }}",
    "{{ s ~ '' }}|{{ (s ~ markup)|length }}|{{ markup|length }}",
    "{{ [s] }}|{{ {'k': s} }}|{{ (markup,) }}|{{ [markup] }}",
    "<a href=\"{{ url }}\" title='{{ s }}'>{{ word }}</a>",
    "{{ none|e }}|{{ 1|e }}|{{ 2.5|e }}|{{ true|e }}|{{ seq|e }}",
]


@pytest.mark.parametrize("source", LITERALS)
def test_literals_print_like_jinja(assert_same: AssertSame, autoescape: bool, source: str) -> None:
    assert_same(source, sample_context(), autoescape=autoescape)


@pytest.mark.parametrize("source", OPERATORS)
def test_operators(assert_same: AssertSame, autoescape: bool, source: str) -> None:
    assert_same(source, sample_context(), autoescape=autoescape)


@pytest.mark.parametrize("source", LOOKUPS)
def test_lookups_and_calls(assert_same: AssertSame, autoescape: bool, source: str) -> None:
    assert_same(source, sample_context(), autoescape=autoescape)


@pytest.mark.parametrize("source", ESCAPING)
def test_escaping_matches_markupsafe(
    assert_same: AssertSame, autoescape: bool, source: str
) -> None:
    assert_same(source, sample_context(), autoescape=autoescape)


@pytest.mark.parametrize(
    "value",
    [
        "O'Brien",
        '"quoted"',
        "<tag attr='1'>&amp;</tag>",
        "\x00\u2028é",
        "",
        "&&&",
        10**30,
        -0.0,
        1e16,
        1.0e-5,
        float("inf"),
        [None, True, 1.0],
        {"k": "<v>"},
    ],
)
def test_context_values_print_and_escape(
    assert_same: AssertSame, autoescape: bool, value: object
) -> None:
    assert_same("[{{ v }}][{{ v|e }}][{{ v|string }}]", {"v": value}, autoescape=autoescape)


def test_render_calling_convention(
    compile_module: Callable[..., Any], jinja_template: Callable[..., Any], autoescape: bool
) -> None:
    """render(**kwargs) is what assert_same uses; positional dicts and pairs are checked here."""
    source = "{{ a }}-{{ b }}-{{ c }}"
    module = compile_module(source, autoescape=autoescape)
    template = jinja_template(source, autoescape=autoescape)
    for args, kwargs in [
        (({"a": 1, "b": "<"},), {}),
        (({"a": 1},), {"b": 2, "c": 3}),
        (({"a": 1},), {"a": "kw wins"}),
        (([("a", "pairs"), ("c", "x")],), {}),
        ((), {}),
        ((1,), {}),
        (({}, {}), {}),
        ((None,), {}),
        (([("a",)],), {}),
    ]:
        outcomes = []
        for render in (module.render, template.render):
            try:
                outcomes.append(("ok", render(*args, **kwargs)))
            except Exception as error:
                outcomes.append((type(error).__name__, str(error)))
        assert outcomes[0] == outcomes[1], (args, kwargs)
