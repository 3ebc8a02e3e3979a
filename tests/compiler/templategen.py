"""Random valid Jinja templates and contexts, for the differential property tests.

The grammar below builds templates from the constructs the compiler must reproduce
(nested if/for/set/with/macros/filter blocks, expressions, whitespace-control markers, text
full of braces and HTML-special characters) over a small, fixed set of variable names, so
that generated templates mostly render instead of failing on undefined names. Contexts are
drawn from values whose printing, escaping and lookup rules differ (Markup, __html__
objects, None, floats, nested dicts, objects with attributes).
"""

from __future__ import annotations

from collections.abc import Callable
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

NAMES = ["a", "b", "items", "x", "user"]
LOOP_VARS = ["i", "j"]

texts = st.text(
    alphabet=st.sampled_from(list("ab <>&\"'{}#%-+\n\t=x")),
    max_size=12,
).filter(lambda t: "{{" not in t and "{%" not in t and "{#" not in t)

literals = st.one_of(
    st.integers(min_value=-1000, max_value=10**20).map(repr),
    st.sampled_from(["0.5", "2.0", "1e3", "none", "true", "false", "True", "None", "10/4"]),
    st.text(alphabet="ab<>&'\" ", max_size=6).map(lambda t: repr(t)),
    st.sampled_from(["[1, 2, 3]", "(1,)", "()", "{'k': 'v<'}", "[]", "'x' ~ 1"]),
)

FILTERS_NO_ARGS = [
    "upper",
    "lower",
    "title",
    "capitalize",
    "trim",
    "length",
    "string",
    "e",
    "escape",
    "safe",
    "list",
    "first",
    "last",
    "reverse",
    "sort",
    "unique",
    "join",
    "wordcount",
    "striptags",
    "tojson",
    "abs",
    "int",
    "float",
    "round",
    "center",
    "urlencode",
    "count",
    "pprint",
    "forceescape",
]
FILTERS_WITH_ARGS = [
    "default('dflt')",
    "default('dflt', true)",
    "join(', ')",
    "replace('a', '<A>')",
    "truncate(5)",
    "indent(2)",
    "batch(2)|list",
    "slice(2)|list",
    "map('string')|join('|')",
    "select|list",
    "reject|list",
    "format",
    "sum",
    "min",
    "max",
]
TESTS = [
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
    "odd",
    "even",
    "lower",
    "upper",
    "escaped",
    "true",
    "false",
    "boolean",
    "divisibleby 3",
    "eq 1",
    "in [1, 'a', none]",
    "sameas none",
]


def expressions(variables: list[str]) -> st.SearchStrategy[str]:
    """Random expressions over `variables` (names that may or may not be defined)."""
    atoms = st.one_of(literals, st.sampled_from(variables))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(
            inner,
            st.sampled_from(
                [
                    "+",
                    "-",
                    "*",
                    "/",
                    "//",
                    "%",
                    "~",
                    "==",
                    "!=",
                    "<",
                    ">=",
                    "and",
                    "or",
                    "in",
                    "not in",
                ]
            ),
            inner,
        ).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
        return st.one_of(
            binary,
            inner.map(lambda e: f"(not {e})"),
            inner.map(lambda e: f"(-{e})"),
            st.tuples(inner, st.sampled_from(FILTERS_NO_ARGS + FILTERS_WITH_ARGS)).map(
                lambda t: f"({t[0]})|{t[1]}"
            ),
            st.tuples(inner, st.sampled_from(TESTS), st.booleans()).map(
                lambda t: f"({t[0]} is {'not ' if t[2] else ''}{t[1]})"
            ),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(inner, st.sampled_from(["a", "b", "items", "upper", "0", "1"])).map(
                lambda t: f"{t[0]}.{t[1]}"
            ),
            st.tuples(inner, st.sampled_from(["'a'", "0", "-1", "1:", ":2", "::-1"])).map(
                lambda t: f"{t[0]}[{t[1]}]"
            ),
            st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        )

    return st.recursive(atoms, extend, max_leaves=5)


def _marker() -> st.SearchStrategy[str]:
    return st.sampled_from(["", "", "", "-", "+"])


def tag(body: str, left: str, right: str) -> str:
    """A statement tag with optional whitespace-control markers (`+` is only valid on the left)."""
    right = "" if right == "+" else right
    return "{%" + left + " " + body + " " + right + "%}"


def blocks(variables: list[str], depth: int) -> st.SearchStrategy[str]:
    """A random sequence of template nodes; `depth` bounds the nesting."""
    exprs = expressions(variables)
    leaves: list[st.SearchStrategy[str]] = [
        texts,
        st.tuples(exprs, _marker(), _marker()).map(
            lambda t: (
                "{{"
                + (t[1] if t[1] != "+" else "")
                + " "
                + t[0]
                + " "
                + (t[2] if t[2] != "+" else "")
                + "}}"
            )
        ),
        st.sampled_from(
            [
                "{# note #}",
                "{#- note -#}",
                "\n",
                "  \n  ",
                "{{ '{{' }}",
                "{% raw %}{{ x }}{% endraw %}",
            ]
        ),
    ]
    if depth <= 0:
        return st.lists(st.one_of(leaves), max_size=4).map("".join)
    inner_vars = variables + LOOP_VARS[:1]
    body = blocks(variables, depth - 1)
    loop_body = blocks(
        [*inner_vars, "loop.index", "loop.first", "loop.revindex0", "loop.cycle('o', 'e')"],
        depth - 1,
    )
    marks = st.tuples(_marker(), _marker(), _marker(), _marker())
    compound: list[st.SearchStrategy[str]] = [
        st.tuples(exprs, body, body, marks).map(
            lambda t: (
                tag(f"if {t[0]}", t[3][0], t[3][1])
                + t[1]
                + tag("else", t[3][2], t[3][3])
                + t[2]
                + tag("endif", t[3][0], t[3][1])
            )
        ),
        st.tuples(exprs, loop_body, body, marks, st.booleans()).map(
            lambda t: (
                tag(f"for i in {t[0]}" + (" if i" if t[4] else ""), t[3][0], t[3][1])
                + t[1]
                + tag("else", t[3][2], t[3][3])
                + t[2]
                + tag("endfor", t[3][2], t[3][1])
            )
        ),
        st.tuples(st.sampled_from(variables), exprs, marks).map(
            lambda t: tag(f"set {t[0]} = {t[1]}", t[2][0], t[2][1])
        ),
        st.tuples(st.sampled_from(variables), body).map(
            lambda t: tag(f"set {t[0]}", "", "") + t[1] + tag("endset", "", "")
        ),
        st.tuples(exprs, body).map(
            lambda t: tag(f"with a = {t[0]}", "", "") + t[1] + tag("endwith", "", "")
        ),
        st.tuples(st.sampled_from(FILTERS_NO_ARGS[:12]), body).map(
            lambda t: tag(f"filter {t[0]}", "", "") + t[1] + tag("endfilter", "", "")
        ),
        st.tuples(body, exprs).map(
            lambda t: (
                tag("macro m(a, b='<d>')", "", "-")
                + t[0]
                + "{{ caller() if caller }}"
                + tag("endmacro", "", "")
                + "{{ m("
                + t[1]
                + ") }}"
                + tag("call m(1)", "", "")
                + "<c>"
                + tag("endcall", "", "")
            )
        ),
        st.tuples(st.booleans(), body).map(
            lambda t: (
                tag(f"autoescape {str(t[0]).lower()}", "", "") + t[1] + tag("endautoescape", "", "")
            )
        ),
    ]
    return st.lists(st.one_of(*leaves, *compound), max_size=4).map("".join)


def templates(depth: int = 2) -> st.SearchStrategy[str]:
    """Random valid templates over NAMES, nested up to `depth`."""
    return blocks(NAMES, depth)


context_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.text(alphabet="ab <>&\"'\n", max_size=8),
        st.text(alphabet="ab <>&\"'", max_size=8).map(Markup),
        st.sampled_from([HtmlSafe("h<"), Obj(a=1, b="<b>", items=[1, 2])]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "items", "x"]), inner, max_size=3),
    ),
    max_leaves=6,
)


def contexts() -> st.SearchStrategy[dict[str, Any]]:
    """Random contexts over NAMES (some names left out, so undefined paths run too)."""
    return st.dictionaries(st.sampled_from(NAMES), context_values, max_size=len(NAMES))


Strategy = Callable[..., st.SearchStrategy[Any]]
