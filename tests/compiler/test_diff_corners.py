"""Differential corner cases: names that collide with generated code or Python keywords,
odd lookups, Markup arithmetic, printing of callables and globals, text around extends.

These are the places a code generator tends to be almost right: each case names the
hazard it probes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.compiler.templategen import Positional, sample_context

AssertSame = Callable[..., Any]

# Template variables named like things generated code is likely to use.
COLLIDING_NAMES = [
    "ctx",
    "out",
    "blocks",
    "exp",
    "missing",
    "render",
    "escape",
    "Undefined",
    "Markup",
    "str",
    "len",
    "print",
    "self",
    "t_1",
    "l_0_x",
    "context",
    "environment",
    "resolve",
    "concat",
    "error",
    "globals",
    "__builtins__",
    "__name__",
    "TEMPLATES",
    "LINES",
    "T0",
    "to_html",
    "iter",
    "next",
    "dict",
    "range",
    "caller",
    "kwargs",
    "varargs",
    "loop",
]


@pytest.mark.parametrize("name", COLLIDING_NAMES)
def test_names_that_collide_with_generated_code(assert_same: AssertSame, name: str) -> None:
    source = (
        "[{{ " + name + " is defined }}]"
        "{% set " + name + "_copy = 1 %}"
        "{% for " + name + " in ['<a>', 'b'] %}{{ " + name + " }}{% endfor %}"
        "{% macro m(" + name + ") %}({{ " + name + " }}){% endmacro %}{{ m('<m>') }}"
        "{% with " + name + " = 'w' %}{{ " + name + " }}{% endwith %}"
        "{{ d." + name + " is defined }}{{ d['" + name + "'] }}"
    )
    if name != "loop":
        source += "{% set " + name + " = '<set>' %}{{ " + name + " }}{{ 'x'|upper }}"
    assert_same(source, {"d": {name: "<item>"}}, autoescape=len(name) % 2 == 0)


@pytest.mark.parametrize("name", COLLIDING_NAMES)
def test_context_keys_that_collide_with_generated_code(assert_same: AssertSame, name: str) -> None:
    assert_same(
        "[{{ " + name + " }}]{{ 'y'|e }}{% for i in [1] %}{{ i }}{% endfor %}",
        Positional({name: "<ctx value>"}),
        autoescape=len(name) % 2 == 1,
    )


@pytest.mark.parametrize(
    "source",
    [
        # Python keywords are ordinary names in Jinja.
        "{% set class = 1 %}{{ class }}|{% for def in [2] %}{{ def }}{% endfor %}|{{ d.class }}|{{ d.import }}",
        "{% macro m(lambda, yield=3) %}{{ lambda }}{{ yield }}{% endmacro %}{{ m(1) }}{{ m(lambda=5) }}",
        "{{ dict(class='c', for='f') }}|{{ call(class=1, return=2) }}",
        "{% with pass = 'p', raise = 'r' %}{{ pass }}{{ raise }}{% endwith %}",
        "{{ async }}{{ await }}{{ nonlocal }}{{ global }}{{ del }}",
        # Attribute vs item lookup.
        "{{ d.1 }}|{{ d[1] }}|{{ d['1'] }}|{{ seq.0 }}|{{ seq['0'] }}|{{ 'abc'.0 }}|{{ tup[-1] }}",
        "{{ d.values }}|{{ d.get }}|{{ d.keys is callable }}|{{ d['values'] }}",
        "{{ d.items }}|{{ attrdict.items }}|{{ attrdict.color }}|{{ obj.__dict__ is defined }}",
        "{{ (d|dictsort)[0] }}|{{ d|attr('values') is callable }}",
        # Markup arithmetic and formatting.
        "{{ markup % s }}",
        "{{ markup % (s,) if false }}{{ '%s' % markup }}|{{ markup.format(s) if false }}",
        "{{ '<'|safe ~ '<' }}|{{ '<'|safe + '<' }}|{{ '<' + '<'|safe }}|{{ ('<'|safe) * 2 }}",
        "{{ ('<b>%s</b>'|safe) % s }}|{{ ('<b>%(x)s</b>'|safe) % {'x': s} }}",
        "{{ ('a{}'|safe).format(s) }}|{{ ('<i>'|safe).join([s, markup]) }}",
        "{{ ('x'|safe).__html__() }}|{{ markup.striptags() }}|{{ markup.unescape() }}",
        "{{ (s|e).split('&') }}|{{ (s|e)[0] }}|{{ (s|e) == s }}|{{ (s|e) is string }}",
        "{{ markup|replace('&amp;', '&') }}|{{ markup|lower|safe }}|{{ [markup]|join('<&>') }}",
        "{{ markup.upper() + s }}|{{ markup.strip('<') }}",
        # Markup made inside the template: repr, methods, arithmetic.
        "{{ ['<'|safe, '<'|e, '<'|forceescape] }}|{{ ('<'|e)|pprint }}|{{ {'k': '<'|e} }}",
        "{{ ('a'|safe) is string }}|{{ ('a'|safe) is escaped }}|{{ ('a'|safe) == 'a' }}|{{ ('<'|safe)|tojson }}",
        "{% set m %}<b>{% endset %}{{ [m] }}{{ m.__html__() }}|{% macro f() %}<i>{% endmacro %}{{ [f()] }}",
        "{{ ('%s'|safe) % '<' }}|{{ ('<'|safe)[0] }}|{{ ('<a>'|safe)[1:] }}|{{ ('a'|safe) * 3 }}",
        "{{ ('<'|e) + '<' }}|{{ '<' ~ ('<'|e) }}|{{ ('x y'|safe).split() }}|{{ ('<x>'|e).capitalize() }}",
        "{{ (s|e).count('&') }}|{{ (s|e).partition(';') }}|{{ ('a<'|safe).rsplit('<') }}|{{ ('a\nb'|safe).splitlines() }}",
        "{{ ('{0}'|safe).format('<') }}|{{ ('%(a)s'|safe) % {'a': '<'} }}|{{ ('x'|safe).center(5, '<') }}",
        "{{ ('&amp;'|safe).unescape() }}|{{ ('<a>&amp;</a>'|safe).striptags() }}|{{ dict(a='<'|safe) }}",
        # Printing callables, globals and special objects.
        "{{ range }}|{{ dict }}|{{ call is callable }}|{{ (lipsum is defined) }}",
        "{{ namespace }}",
        "{{ cycler }}|{{ joiner }}",
        "{{ lipsum }}",
        "{{ cycler('a') }}",
        "{{ joiner() }}",
        "{{ namespace(a=1) }}",
        "{% for i in [1] %}{{ loop.cycle }}{% endfor %}",
        "{% for i in [1] %}{{ loop.changed }}{% endfor %}",
        "{% macro m() %}{% endmacro %}{{ m }}|{{ m.name }}|{{ m is callable }}",
        "{% macro m() %}{{ caller }}{% endmacro %}{% call m() %}{% endcall %}",
        "{{ self }}",
        "{% block b %}x{% endblock %}{{ self.b }}",
        "{{ call }}",
        # Numbers.
        "{{ -0 }}|{{ -0.0 }}|{{ 0.0 }}|{{ 1e22 }}|{{ 1e16 }}|{{ 123456789012345678.0 }}|{{ 0.1 * 3 }}",
        "{{ 10 ** 20 }}|{{ 10 ** 20 / 1 }}|{{ 2 ** 0.5 }}|{{ 7 // 2.0 }}|{{ -7 % 2.5 }}|{{ 1 / 3 }}",
        "{{ 1_000_000 }}|{{ 0.000_1 }}|{{ 1E3 }}|{{ 1e-3 }}|{{ 12.0e0 }}",
        "{{ 0b101 if false }}{{ 0o17 if false }}{{ 0xff if false }}",
        "{{ true + true }}|{{ true * 3 }}|{{ false - 1 }}|{{ none is none }}",
        "{{ (3, 1) }}|{{ (3,)[0] }}|{{ ((1, 2), [3]) }}",
        # Strings.
        "{{ 'a\\\\b' }}|{{ 'tab\\there' }}|{{ 'nul\\x00' }}|{{ 'uni\\u2603' }}|{{ 'uni\\N{SNOWMAN}' }}",
        "{{ '''triple''' if false }}{{ \"it's\" }}|{{ 'say \"hi\"' }}|{{ '\\'' }}",
        "{{ '😀'|length }}|{{ 'é'|upper }}|{{ 'ǅ'|lower }}|{{ 'straße'|title }}",
        # Text around tags and extends.
        "before{% extends 'a' %}after{% block data %}D{% endblock %}tail",
        "{% if false %}{% extends 'a' %}{% endif %}not extended{% block data %}D{% endblock %}",
        "{% extends 'a' %}{% macro helper() %}H{% endmacro %}{% block data %}{{ helper() }}{% endblock %}",
        "{% extends 'a' %}{% set v = 'top' %}{% block data %}[{{ v }}]{% endblock %}",
        "{% extends 'a' %}{% block data %}{% set v = 'in' %}{{ v }}{% endblock %}{% block intro %}{{ v }}{% endblock %}",
        "{% extends 'a' %}{% import 'm' as m %}{% block data %}{{ m.f() }}{% endblock %}",
        "{% extends 'a' %}{% block data %}{% include 'm' %}{% endblock %}",
        "{% include 'a' %}{% include 'a' %}",
        "{% extends 'a' %}{% block data %}{{ self.intro() }}{{ super() }}{% endblock %}",
    ],
)
def test_corner_cases(assert_same: AssertSame, autoescape: bool, source: str) -> None:
    assert_same(
        source,
        {**sample_context(), "d": {1: "one", "1": "str-one", "class": "c", "import": "i"}},
        templates={
            "a": "{% block intro %}INTRO{% endblock %}|{% block data %}DATA{% endblock %}",
            "m": "{% macro f() %}<F>{% endmacro %}M{{ v }}",
        },
        autoescape=autoescape,
    )


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(25) %}{{ i }}{% endfor %}" * 40,
        "{% if true %}" * 15 + "deep" + "{% endif %}" * 15,
        "{% for a in [[[[1]]]] %}{% for b in a %}{% for c in b %}{% for d in c %}"
        "{{ d }}{{ loop.depth }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
        "{% macro m(n) %}{% if n %}{{ n }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(60) }}",
        "".join(f"{{% set v{i} = {i} %}}" for i in range(300)) + "{{ v299 }}",
        "{{ " + " ~ ".join(f"'{i}'" for i in range(200)) + " }}",
        "x" * 100_000 + "{{ 1 }}",
    ],
    ids=[
        "many-loops",
        "deep-if",
        "nested-for",
        "recursive-macro",
        "many-sets",
        "long-concat",
        "long-text",
    ],
)
def test_large_templates(assert_same_built: AssertSame, source: str) -> None:
    assert_same_built(source, {})


def raise_stop_iteration() -> None:
    raise StopIteration


@pytest.mark.parametrize("undefined", ["default", "strict", "chainable"])
def test_callable_raising_stop_iteration_is_undefined(
    assert_same: AssertSame, undefined: str
) -> None:
    assert_same(
        "[{{ f() }}]|[{{ f() is defined }}]",
        {"f": raise_stop_iteration},
        undefined=undefined,
    )


MUTATION_TEMPLATES = {
    "inc": "{% set y = 2 %}{{ x }}",
    "lib": "{% macro m() %}{% set z = 3 %}{% endmacro %}{% set w = 4 %}",
}


@pytest.mark.parametrize(
    "source",
    [
        "{{ x }}",
        "{% set x = 1 %}{{ x }}",
        "{% for i in [1] %}{% set x = i %}{% endfor %}{{ x }}",
        "{% include 'inc' %}",
        "{% import 'lib' as l %}{{ l.m() }}{% from 'lib' import m %}",
        "{% block b %}{% set q = 1 %}{% endblock %}",
        "{% extends 'inc' %}",
        "{% set x %}b{% endset %}{% with a = 1 %}{{ a }}{% endwith %}",
    ],
)
def test_render_leaves_the_callers_dict_alone(
    compile_module: Callable[..., Any], jinja_template: Callable[..., Any], source: str
) -> None:
    """jinja2 copies the context it is given; a compiled render must not write into it either,
    and rendering twice gives the same output."""
    module = compile_module(source, templates=MUTATION_TEMPLATES)
    template = jinja_template(source, MUTATION_TEMPLATES)
    given = {"x": "orig", "keep": [1]}
    first = module.render(given)
    assert given == {"x": "orig", "keep": [1]}
    assert module.render(given) == first == template.render(given)


def test_renders_in_threads_do_not_share_state(compile_module: Callable[..., Any]) -> None:
    """A module is rendered concurrently by a threaded server: no state may leak between calls."""
    from concurrent.futures import ThreadPoolExecutor

    source = (
        "{% set ns = namespace(total=0) %}{% for i in items %}{% set ns.total = ns.total + i %}"
        "{{ loop.cycle('a', 'b') }}{{ loop.changed(i) }}{% endfor %}|{{ ns.total }}|{{ name }}"
    )
    module = compile_module(source)
    cases = [{"items": list(range(n)), "name": f"n{n}"} for n in range(40)]
    expected = [module.render(case) for case in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(5):
            assert list(pool.map(lambda case: module.render(case), cases)) == expected


def test_views_sharing_one_runtime_keep_their_own_templates(assert_same_built: AssertSame) -> None:
    """Two views in one build share `_runtime`; a partial name each compiles from a different
    source (as after an edit) must not leak between them through a run-time cache."""
    source = (
        "{% import 'lib.html' as l %}{{ l.v }}|{% from 'lib.html' import m %}{{ m() }}|"
        "{% include 'lib.html' without context %}|{% include 'lib.html' %}"
    )
    for tag in ["A", "B", "A"]:
        assert_same_built(
            source,
            {},
            templates={
                "lib.html": "{% set v = '"
                + tag
                + "' %}{% macro m() %}m"
                + tag
                + "{% endmacro %}"
                + tag
                + "-body"
            },
        )


class RaisingProperty:
    """Properties that raise: AttributeError falls back to item lookup, others propagate."""

    @property
    def gone(self) -> str:
        raise AttributeError("gone")

    @property
    def broken(self) -> str:
        raise ValueError("broken property")

    def __getitem__(self, key: str) -> str:
        return f"item:{key}"


class DynamicAttributes:
    """__getattr__ answers every name: item lookup is never reached for `.name`."""

    def __getattr__(self, name: str) -> str:
        if name.startswith("__"):
            raise AttributeError(name)
        return f"attr:{name}"


def python_values() -> dict[str, Any]:
    import collections
    import dataclasses
    import datetime
    import decimal
    import enum
    import fractions
    import types

    Point = collections.namedtuple("Point", ["x", "y"])

    @dataclasses.dataclass
    class Item:
        name: str
        price: decimal.Decimal

    class Color(enum.Enum):
        RED = "<red>"

    class Mapping(collections.abc.Mapping[str, int]):
        def __getitem__(self, key: str) -> int:
            return {"a": 1, "b": 2}[key]

        def __iter__(self) -> Any:
            return iter(["a", "b"])

        def __len__(self) -> int:
            return 2

    return {
        "nt": Point(1, "<2>"),
        "ns": types.SimpleNamespace(a=1, items="<ns items>"),
        "dc": Item("<pen>", decimal.Decimal("1.50")),
        "dd": collections.defaultdict(list, {"a": [1]}),
        "od": collections.OrderedDict([("z", 1), ("a", 2)]),
        "mp": Mapping(),
        "dt": datetime.datetime(2024, 2, 29, 13, 5, 9, 120),
        "date": datetime.date(2024, 1, 2),
        "td": datetime.timedelta(days=1, seconds=5),
        "dec": decimal.Decimal("3.14159"),
        "frac": fractions.Fraction(1, 3),
        "color": Color.RED,
        "raw": b"<bytes & 'q'>",
        "ba": bytearray(b"ab"),
        "cx": complex(1, -2),
        "rp": RaisingProperty(),
        "dyn": DynamicAttributes(),
    }


@pytest.mark.parametrize(
    "source",
    [
        "{{ nt }}|{{ nt.x }}|{{ nt.1 }}|{{ nt[0] }}|{{ nt.z }}|{{ nt|list }}|{{ nt|tojson }}",
        "{{ ns }}|{{ ns.a }}|{{ ns['a'] }}|{{ ns.items }}|{{ ns.missing }}",
        "{{ dc }}|{{ dc.name }}|{{ dc.price }}|{{ dc.price * 2 }}|{{ dc['name'] }}",
        "{{ dd.a }}|{{ dd.b }}|{{ dd['c'] }}|{{ dd|length }}|{{ dd|dictsort }}",
        "{{ od }}|{{ od|list }}|{{ od.z }}|{{ od|dictsort }}|{{ od.items()|list }}",
        "{{ mp.a }}|{{ mp['b'] }}|{{ mp|list }}|{{ mp is mapping }}|{{ mp|dictsort }}|{{ mp|items|list }}",
        "{{ dt }}|{{ dt.year }}|{{ dt.strftime('%Y-%m-%d %H:%M') }}|{{ date }}|{{ td }}|{{ dt.isoformat() }}",
        "{{ dec }}|{{ dec|round(2) }}|{{ dec|float }}|{{ dec|int }}|{{ frac }}|{{ frac|float }}|{{ dec is number }}",
        "{{ color }}|{{ color.value }}|{{ color.name }}|{{ color|string }}",
        "{{ raw }}|{{ raw|length }}|{{ raw is string }}|{{ ba }}|{{ ba|list }}|{{ cx }}|{{ cx.imag }}|{{ cx is number }}",
        "{{ rp.gone }}|{{ rp['x'] }}|{{ rp.gone is defined }}",
        "{{ rp.broken }}",
        "{{ dyn.anything }}|{{ dyn['key'] }}|{{ dyn.x is defined }}",
        "{{ dt|string|truncate(10) }}|{{ [dt, date]|map('string')|join(',') }}|{{ raw|e }}",
    ],
)
def test_python_values_in_the_context(
    assert_same: AssertSame, autoescape: bool, source: str
) -> None:
    assert_same(source, python_values, autoescape=autoescape)
