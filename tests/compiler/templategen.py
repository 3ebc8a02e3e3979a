"""Random valid Jinja templates and contexts, for the differential property tests.

The grammar below builds templates from the constructs the compiler must reproduce
(nested if/for/set/with/macros/filter blocks, expressions, whitespace-control markers, text
full of braces and HTML-special characters) over a small, fixed set of variable names, so
that generated templates mostly render instead of failing on undefined names. Contexts are
drawn from values whose printing, escaping and lookup rules differ (Markup, __html__
objects, None, floats, nested dicts, objects with attributes).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from markupsafe import Markup


class Obj:
    """An object with attributes (and no item access), for attribute-vs-item lookup."""

    def __init__(self, **attributes: Any) -> None:
        self.__dict__.update(attributes)

    def __repr__(self) -> str:
        return f"Obj({', '.join(f'{k}={v!r}' for k, v in sorted(self.__dict__.items()))})"


class HtmlSafe:
    """A context value that knows its own HTML (`__html__`) and prints differently as text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __html__(self) -> str:
        return f"<span>{self.text}</span>"

    def __str__(self) -> str:
        return f"plain {self.text} <&>"

    def __repr__(self) -> str:
        return f"HtmlSafe({self.text!r})"


class ItemsAndAttrs(dict[str, Any]):
    """A dict whose attributes and keys disagree: shows which lookup ran first."""

    color = "attribute-color"


class Positional(dict[str, Any]):
    """A context to pass to render() as one positional dict, not as keywords.

    `render(**{"self": ...})` fails in jinja2 (Template.render's own `self`), while
    `render({"self": ...})` works; the differential harness calls both engines this way.
    """


def show_call(*args: Any, **kwargs: Any) -> str:
    """A context callable that prints what it was called with."""
    return f"called({', '.join(map(repr, args))}; {', '.join(f'{k}={v!r}' for k, v in sorted(kwargs.items()))})"


def sample_context() -> dict[str, Any]:
    """One context rich enough for every hand-written expression and filter case."""
    return {
        "n": 42,
        "neg": -7,
        "f": 2.5,
        "third": 1 / 3,
        "zero": 0,
        "big": 10**22,
        "s": '<b>O\'Brien & "co"</b>',
        "word": "hello World",
        "empty": "",
        "none": None,
        "yes": True,
        "no": False,
        "seq": [3, 1, 2],
        "words": ["b", "A", "c", "a"],
        "tup": (1, "a"),
        "d": {"a": 1, "b": 2, "items": "key-items", "<k>": "<v>"},
        "attrdict": ItemsAndAttrs(color="item-color", size="item-size"),
        "markup": Markup("<em>safe &amp; sound</em>"),
        "html_obj": HtmlSafe("x&y"),
        "obj": Obj(name="<Ann>", age=31, tags=["a", "b"]),
        "users": [
            Obj(name="ann", age=31, active=True, group="b"),
            Obj(name="bob", age=25, active=False, group="a"),
            Obj(name="cy", age=31, active=True, group="b"),
        ],
        "rows": [
            {"name": "x", "v": 3, "g": "one"},
            {"name": "y", "v": 1, "g": "two"},
            {"name": "z", "v": 2, "g": "one"},
        ],
        "nested": {"a": {"b": [1, {"c": "deep"}]}},
        "call": show_call,
        "text": "  Hello <world>\n  second line & more  \n\nthird",
        "url": "http://example.com/a b?x=1&y=<2>",
        "long": "The quick brown fox jumps over the lazy dog " * 3,
    }


# --- Template grammar -------------------------------------------------------------------
#
# Expressions come in two kinds: "safe" ones that render for any operand (concatenation,
# comparisons, boolean logic, tests, string filters, lookups) and "risky" ones that raise on
# many operands (arithmetic, `in`, sequence filters). Safe ones are drawn far more often, so
# most generated templates render to the end instead of stopping at the first TypeError;
# risky ones still exercise "both engines raise the same error".

NAMES = ["a", "b", "items", "x", "user"]

texts = st.text(
    alphabet=st.sampled_from([*"ab <>&\"'{}#%-+\n\t=x", "é", "☃", "\u2028", "\x0b", "\r"]),
    max_size=12,
).filter(lambda t: "{{" not in t and "{%" not in t and "{#" not in t and not t.endswith("{"))

literals = st.one_of(
    st.integers(min_value=-1000, max_value=10**20).map(repr),
    st.sampled_from(
        ["0.5", "2.0", "1e3", "none", "true", "false", "True", "None", "-0.0", "1_000"]
    ),
    st.text(alphabet="ab<>&'\" %é\u2028\n", max_size=6).map(repr),
    st.sampled_from(["[1, 2, 3]", "(1,)", "()", "{'k': 'v<'}", "[]", "['<', none]", "{'a': [1]}"]),
)

SAFE_FILTERS = [
    "upper",
    "lower",
    "title",
    "capitalize",
    "trim",
    "string",
    "e",
    "escape",
    "safe",
    "forceescape",
    "striptags",
    "wordcount",
    "urlencode",
    "pprint",
    "center(7)",
    "default('dflt')",
    "default('dflt', true)",
    "d(none)",
    "replace('a', '<A>')",
    "replace('<', '&')",
    "truncate(5)",
    "indent(2)",
    "indent(1, true, true)",
    "wordwrap(4)",
    "format",
    "string|length",
    "e|length",
    "string|list|join('.')",
    "urlize",
]
RISKY_FILTERS = [
    "length",
    "list",
    "first",
    "last",
    "reverse|list",
    "sort",
    "unique|list",
    "join",
    "join(', ')",
    "tojson",
    "abs",
    "int",
    "float",
    "round(1)",
    "count",
    "sum",
    "min",
    "max",
    "batch(2)|list",
    "slice(2)|list",
    "map('string')|join('|')",
    "select|list",
    "reject('none')|list",
    "dictsort",
    "items|list",
    "xmlattr",
    "filesizeformat",
    "random" if False else "string",
]
SAFE_TESTS = [
    "defined",
    "undefined",
    "none",
    "string",
    "number",
    "integer",
    "float",
    "sequence",
    "mapping",
    "iterable",
    "callable",
    "escaped",
    "true",
    "false",
    "boolean",
    "eq 1",
    "ne 'a'",
    "sameas none",
    "in [1, 'a', none]",
    "in 'abc'",
    "filter",
    "test",
]
RISKY_TESTS = ["odd", "even", "divisibleby 3", "lower", "upper", "gt 1", "lessthan 'b'"]
RISKY_METHODS = [
    "upper()",
    "items()|list",
    "get('a')",
    "split()",
    "startswith('a')",
    "keys()|list",
    "__html__()",
    "count('a')",
]
SAFE_BINARY = ["~", "==", "!=", "and", "or"]
RISKY_BINARY = ["+", "-", "*", "/", "//", "%", "**", "<", ">=", "in", "not in"]
LOOKUPS = ["a", "b", "items", "upper", "0", "1", "name", "k"]
SUBSCRIPTS = ["'a'", "'k'", "0", "-1", "1:", ":2", "::-1", "'items'"]


def expressions(variables: list[str]) -> st.SearchStrategy[str]:
    """Random expressions over `variables` (names that may or may not be defined)."""
    atoms = st.one_of(literals, st.sampled_from(variables), st.sampled_from(variables))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        safe = [
            st.tuples(inner, st.sampled_from(SAFE_BINARY), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"(not {e})"),
            st.tuples(inner, st.sampled_from(SAFE_FILTERS)).map(lambda t: f"({t[0]})|{t[1]}"),
            st.tuples(inner, st.sampled_from(SAFE_TESTS), st.booleans()).map(
                lambda t: f"({t[0]} is {'not ' if t[2] else ''}{t[1]})"
            ),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"({t[0]} if {t[1]})"),
            st.tuples(inner, st.sampled_from(LOOKUPS)).map(lambda t: f"({t[0]}).{t[1]}"),
            st.tuples(inner, st.sampled_from(SUBSCRIPTS)).map(lambda t: f"({t[0]})[{t[1]}]"),
            st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.tuples(inner, inner).map(lambda t: f"{{'k': {t[0]}, 'a': {t[1]}}}"),
        ]
        risky = [
            st.tuples(inner, st.sampled_from(RISKY_BINARY), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"(-{e})"),
            st.tuples(inner, st.sampled_from(RISKY_FILTERS)).map(lambda t: f"({t[0]})|{t[1]}"),
            st.tuples(inner, st.sampled_from(RISKY_TESTS)).map(lambda t: f"({t[0]} is {t[1]})"),
            st.tuples(inner, st.sampled_from(RISKY_METHODS)).map(lambda t: f"({t[0]}).{t[1]}"),
            st.tuples(inner, inner).map(lambda t: f"('%s|%s' % ({t[0]}, {t[1]}))"),
        ]
        return st.one_of(*safe, *safe, *safe, *risky)

    return st.recursive(atoms, extend, max_leaves=5)


def _marker() -> st.SearchStrategy[str]:
    return st.sampled_from(["", "", "", "-", "+"])


def tag(body: str, left: str = "", right: str = "") -> str:
    """A statement tag with optional whitespace-control markers."""
    return "{%" + left + " " + body + " " + right + "%}"


def _output(exprs: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(exprs, _marker(), st.sampled_from(["", "", "-"])).map(
        lambda t: "{{" + (t[1] if t[1] != "+" else "") + " " + t[0] + " " + t[2] + "}}"
    )


LOOP_EXPRESSIONS = [
    "i",
    "loop.index",
    "loop.index0",
    "loop.revindex",
    "loop.first",
    "loop.last",
    "loop.length",
    "loop.previtem",
    "loop.nextitem",
    "loop.changed(i)",
    "loop.cycle('o', '<e>')",
    "loop.depth",
    "ns.count",
]


def blocks(
    variables: list[str], depth: int, in_loop: bool = False, readable: tuple[str, ...] = ()
) -> st.SearchStrategy[str]:
    """A random sequence of template nodes; `depth` bounds the nesting.

    `variables` may be assigned; `readable` are extra expressions (loop.*) only read.
    """
    exprs = expressions([*variables, *readable])
    leaves: list[st.SearchStrategy[str]] = [
        texts,
        texts,
        _output(exprs),
        _output(exprs),
        st.sampled_from(
            [
                "{# note #}",
                "{#- note -#}",
                "\n",
                "  \n  ",
                "\n    ",
                "{{ '{{' }}",
                "{% raw %}{{ x }}{% endraw %}",
                "{% include 'part.html' %}",
                "{% include 'part.html' without context %}",
                "{% include ['nope.html', 'part.html'] %}",
                "{% include 'nope.html' ignore missing %}",
                "{{ lib.wrap(a) }}",
                "{% from 'lib.html' import wrap %}{{ wrap(x, 'w') }}",
                "{% set ns.count = ns.count + 1 %}",
            ]
        ),
    ]
    if in_loop:
        leaves.append(
            st.sampled_from(["{% break %}", "{% continue %}", "{% do ns.seen.append(i) %}"])
        )
    markers = st.tuples(_marker(), _marker(), _marker(), _marker())
    statement = st.tuples(st.sampled_from(variables), exprs, _marker(), _marker()).map(
        lambda t: tag(f"set {t[0]} = {t[1]}", t[2], t[3])
    )
    leaves.append(statement)
    if depth <= 0:
        return st.lists(st.one_of(leaves), max_size=4).map("".join)
    body = blocks(variables, depth - 1, in_loop, readable)
    macro_body = blocks(variables, depth - 1)
    loop_body = blocks(variables, depth - 1, True, tuple(LOOP_EXPRESSIONS))
    compound: list[st.SearchStrategy[str]] = [
        st.tuples(exprs, body, body, markers, st.booleans(), exprs, body).map(
            lambda t: (
                tag(f"if {t[0]}", t[3][0], t[3][1])
                + t[1]
                + (tag(f"elif {t[5]}", t[3][2], "") + t[6] if t[4] else "")
                + tag("else", t[3][2], t[3][3])
                + t[2]
                + tag("endif", t[3][0], t[3][1])
            )
        ),
        st.tuples(
            st.one_of(exprs, st.sampled_from(["range(3)", "items", "'ab'", "[none, 1, 1, '<']"])),
            loop_body,
            body,
            markers,
            st.sampled_from(["", "", " if i", " if i is not none"]),
        ).map(
            lambda t: (
                tag(f"for i in {t[0]}{t[4]}", t[3][0], t[3][1])
                + t[1]
                + tag("else", t[3][2], t[3][3])
                + t[2]
                + tag("endfor", t[3][2], t[3][1])
            )
        ),
        st.tuples(st.sampled_from(["user", "items", "x"]), loop_body).map(
            lambda t: (
                tag(f"for k, i in ({t[0]} if {t[0]} is mapping else {{'k': 1}})|dictsort")
                + "{{ k }}="
                + t[1]
                + tag("endfor")
            )
        ),
        st.tuples(
            st.sampled_from(variables), body, st.sampled_from(["", " | upper", " | trim"])
        ).map(lambda t: tag(f"set {t[0]}{t[2]}") + t[1] + tag("endset")),
        st.tuples(exprs, body).map(lambda t: tag(f"with a = {t[0]}") + t[1] + tag("endwith")),
        st.tuples(st.sampled_from(SAFE_FILTERS[:12]), body).map(
            lambda t: tag(f"filter {t[0]}") + t[1] + tag("endfilter")
        ),
        st.tuples(macro_body, exprs, _marker()).map(
            lambda t: (
                tag("macro m(a, b='<d>')", "", t[2] if t[2] != "+" else "")
                + t[0]
                + "{{ b }}{{ caller(a) if caller }}"
                + tag("endmacro")
                + "{{ m("
                + t[1]
                + ") }}"
                + tag("call(v) m(1)")
                + "<c>{{ v }}"
                + tag("endcall")
            )
        ),
        st.tuples(st.booleans(), body).map(
            lambda t: tag(f"autoescape {str(t[0]).lower()}") + t[1] + tag("endautoescape")
        ),
        # A mode known only at run time (jinja2 keeps it in the eval context).
        st.tuples(st.sampled_from(["a", "x is defined", "not b", "user"]), body).map(
            lambda t: tag(f"autoescape {t[0]}") + t[1] + tag("endautoescape")
        ),
    ]
    compound += [
        # Recursive loops over a fixed tree, with loop.* and the recursion inside.
        st.tuples(loop_body, st.booleans()).map(
            lambda t: (
                tag("for i in TREE recursive")
                + "<{{ i.name }}:"
                + t[0]
                + ("{% if i.kids %}[{{ loop(i.kids) }}]{% endif %}" if t[1] else "")
                + ">"
                + tag("endfor")
            )
        ),
        # Unpacking in for and set.
        st.tuples(
            loop_body, st.sampled_from(["[(1, 'a'), (2, '<b>')]", "d.items()", "[[x, a]]"])
        ).map(lambda t: tag(f"for a, b in {t[1]}") + "{{ a }}={{ b }}" + t[0] + tag("endfor")),
        st.tuples(exprs, exprs).map(
            lambda t: tag(f"set a, b = ({t[0]}, {t[1]})") + "{{ a }}{{ b }}"
        ),
        # The outer loop kept under another name inside an inner loop.
        st.tuples(loop_body).map(
            lambda t: (
                tag("for i in 'xy'")
                + tag("set outer = loop")
                + tag("for j in [1, 2]")
                + "{{ outer.index }}.{{ loop.index }}"
                + t[0]
                + tag("endfor")
                + tag("endfor")
            )
        ),
        # Call blocks with arguments, inside loops, with a caller that loops.
        st.tuples(macro_body, st.sampled_from(["", "(x)", "(x, y='<y>')"])).map(
            lambda t: (
                tag("macro each(xs)")
                + "{% for x in xs %}{{ caller(x) }}{% endfor %}"
                + tag("endmacro")
                + tag(f"call{t[1] or '(x)'} each(['<1>', 2])")
                + "[{{ x }}]"
                + t[0]
                + tag("endcall")
            )
        ),
        # Includes and imports with context, inside loops.
        st.tuples(loop_body).map(
            lambda t: (
                tag("for a in ['<i1>', 'i2']")
                + "{% include 'part.html' %}"
                + "{% import 'lib.html' as l2 with context %}{{ l2.wrap(a) }}"
                + t[0]
                + tag("endfor")
            )
        ),
        # A macro defined in one autoescape mode and called in the other.
        st.tuples(st.booleans(), macro_body).map(
            lambda t: (
                tag(f"autoescape {str(t[0]).lower()}")
                + tag("macro esc(v)")
                + "<{{ v }}>"
                + t[1]
                + tag("endmacro")
                + tag("endautoescape")
                + tag(f"autoescape {str(not t[0]).lower()}")
                + "{{ esc(x) }}{{ esc('<&>') }}"
                + tag("endautoescape")
            )
        ),
        # Filter blocks with arguments.
        st.tuples(
            st.sampled_from(["truncate(9)", "replace('a', '<')", "indent(2, true)", "center(11)"]),
            body,
        ).map(lambda t: tag(f"filter {t[0]}") + t[1] + tag("endfilter")),
    ]
    return st.lists(st.one_of(*leaves, *compound), max_size=4).map("".join)


LIBRARY = {
    "part.html": "[{{ a }}|{{ user }}|{{ x is defined }}]\n",
    "lib.html": (
        "{% macro wrap(v, tag='b') -%}<{{ tag }}>{{ v }}</{{ tag }}>{%- endmacro %}"
        "{% set shared = '<shared>' %}"
    ),
    "base.html": (
        "<head>{% block head %}H{{ a }}{% endblock %}</head>\n"
        "{% for i in range(2) %}{% block row scoped %}r{{ i }}{% endblock %}{% endfor %}"
        "<body>{% block body %}{% endblock %}</body>\n"
    ),
}

PRELUDE = (
    "{% set ns = namespace(count=0, seen=[]) %}{% import 'lib.html' as lib %}"
    "{% set TREE = [{'name': 'r<1>', 'kids': [{'name': 'c1', 'kids': []}, {'name': 'c2'}]},"
    " {'name': 'r2', 'kids': [{'name': 'c3', 'kids': [{'name': 'g&'}]}]}] %}"
    "{% set d = {'k': 'v<', 'a': 1} %}"
)


def templates(depth: int = 2) -> st.SearchStrategy[str]:
    """Random valid templates over NAMES, nested up to `depth`; some extend base.html.

    Every template starts with PRELUDE (a namespace and an import the grammar refers to) and
    may include, import or extend the templates in LIBRARY.
    """
    body = blocks(NAMES, depth)
    child = st.tuples(body, body, st.booleans()).map(
        lambda t: (
            "{% extends 'base.html' %}"
            + "{% block head %}"
            + ("{{ super() }}" if t[2] else "")
            + t[0]
            + "{% endblock %}{% block body %}"
            + t[1]
            + "{% endblock %}{% block row %}[{{ i }}{{ super() }}]{% endblock %}"
        )
    )
    return st.one_of(body, body, body, child).map(lambda t: PRELUDE + t)


OPTIONS: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "autoescape": st.booleans(),
        "trim_blocks": st.booleans(),
        "lstrip_blocks": st.booleans(),
        "keep_trailing_newline": st.booleans(),
        "newline_sequence": st.sampled_from(["\n", "\n", "\r\n", "\r"]),
        "undefined": st.sampled_from(["default", "default", "chainable", "strict"]),
        "extensions": st.just(["loopcontrols", "do"]),
    }
)


context_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.text(alphabet="ab <>&\"'\n", max_size=8),
        st.text(alphabet="ab <>&\"'", max_size=8).map(Markup),
        st.sampled_from([HtmlSafe("h<"), Obj(a=1, b="<b>", items=[1, 2], name="o")]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "items", "k", "name"]), inner, max_size=3),
    ),
    max_leaves=6,
)


literal_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.text(alphabet="ab <>&\"'\n", max_size=8),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.sampled_from(["a", "b", "items", "k", "name"]), inner, max_size=3),
    ),
    max_leaves=5,
)


def baked_globals() -> st.SearchStrategy[dict[str, Any]]:
    """Random `globals` for compile_source: literal values only, as the contract allows."""
    return st.dictionaries(st.sampled_from(NAMES), literal_values, max_size=3)


def contexts() -> st.SearchStrategy[dict[str, Any]]:
    """Random contexts over NAMES (some names left out, so undefined paths run too)."""
    return st.dictionaries(st.sampled_from(NAMES), context_values, max_size=len(NAMES))
