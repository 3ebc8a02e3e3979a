"""Property test: random macro signatures called with random arguments behave as in jinja2.

Macros decide at compile time whether they take `varargs`, `kwargs` and `caller` (by
whether the body mentions them), and at call time which arguments are missing, surplus or
doubled; each of those has its own error message in jinja2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

AssertSame = Callable[..., Any]
PROFILE = settings.get_profile("edgeviews-compiler")

VALUES = ["1", "'<s>'", "none", "[1, 2]", "missing", "v"]


@st.composite
def macro_programs(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(["a", "b", "c"]), unique=True, max_size=3))
    first_default = draw(st.integers(min_value=0, max_value=len(names)))
    params = [
        n if i < first_default else f"{n}={draw(st.sampled_from(VALUES))}"
        for i, n in enumerate(names)
    ]
    uses = draw(
        st.lists(
            st.sampled_from(
                [
                    *names,
                    "varargs",
                    "kwargs",
                    "caller() if caller",
                    "caller",
                    "m.name",
                    "m.arguments",
                    "m.catch_varargs",
                    "m.catch_kwargs",
                    "m.caller",
                ]
            ),
            max_size=4,
        )
    )
    body = "|".join("{{ " + u + " }}" for u in uses)
    positional = draw(st.lists(st.sampled_from(VALUES), max_size=4))
    keywords = draw(
        st.lists(st.sampled_from(["a", "b", "c", "d", "caller"]), unique=True, max_size=3)
    )
    arguments = ", ".join(
        [*positional, *(f"{k}={draw(st.sampled_from(VALUES))}" for k in keywords)]
    )
    definition = "{% macro m(" + ", ".join(params) + ") %}" + body + "{% endmacro %}"
    if draw(st.booleans()) and "caller" not in keywords:
        call_args = draw(st.sampled_from(["", "(x)", "(x, y=2)"]))
        caller_body = draw(st.sampled_from(["<c>", "{{ x }}", "{{ x }}{{ y }}", "{{ varargs }}"]))
        return (
            definition
            + "{% call"
            + call_args
            + " m("
            + arguments
            + ") %}"
            + caller_body
            + "{% endcall %}"
        )
    return definition + "[{{ m(" + arguments + ") }}]"


@settings(PROFILE)
@given(source=macro_programs(), autoescape=st.booleans())
def test_macro_calls_like_jinja(
    assert_same_built: AssertSame, source: str, autoescape: bool
) -> None:
    assert_same_built(source, {"v": "<v>"}, autoescape=autoescape)
