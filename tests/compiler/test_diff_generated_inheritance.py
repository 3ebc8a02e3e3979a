"""Property test: random inheritance chains (extends over several levels, blocks overridden
or not, nested blocks, super() once, twice or in loops, scoped blocks) render as in jinja2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

AssertSame = Callable[..., Any]
PROFILE = settings.get_profile("edgeviews-compiler")

BLOCKS = ["b1", "b2", "b3"]

PIECES = [
    "L{level}",
    "{{{{ super() }}}}",
    "{{{{ super() }}}}",
    "[{{{{ v }}}}]",
    "{{{{ super()|upper }}}}",
    "{{% for i in range(2) %}}{{{{ i }}}}{{{{ super() }}}}{{% endfor %}}",
    "{{% set local = 'set{level}' %}}{{{{ local }}}}",
    "{{{{ top is defined }}}}",
    "{{% include 'part' %}}",
    "\n  ",
]


@st.composite
def chains(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """(main template source, {name: source}) for a chain base <- level1 <- ... <- main."""
    depth = draw(st.integers(min_value=1, max_value=4))
    # The base defines every block, possibly nested, possibly inside a loop (scoped).
    order = draw(st.permutations(BLOCKS))
    base = "<base>{% set top = 'T' %}"
    for name in order:
        scoped = draw(st.booleans())
        inner = "B-" + name + "{{ v }}"
        if scoped:
            base += (
                "{% for i in range(2) %}{% block "
                + name
                + " scoped %}"
                + inner
                + "{{ i }}{% endblock %}{% endfor %}"
            )
        else:
            base += "{% block " + name + " %}" + inner + "{% endblock %}|"
    base += "</base>\n"
    templates = {"level0": base, "part": "(part {{ v }})"}
    for level in range(1, depth + 1):
        source = "{% extends 'level" + str(level - 1) + "' %}"
        for name in draw(st.lists(st.sampled_from(BLOCKS), unique=True, max_size=3)):
            body = "".join(
                piece.format(level=level)
                for piece in draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=3))
            )
            source += "{% block " + name + " %}" + body + "{% endblock %}"
        if draw(st.booleans()):
            source += "text outside blocks is ignored {{ v }}"
        templates[f"level{level}"] = source
    main = templates.pop(f"level{depth}")
    return main, templates


@settings(PROFILE)
@given(chain=chains(), autoescape=st.booleans(), trim_blocks=st.booleans())
def test_generated_inheritance_chains(
    assert_same: AssertSame, chain: tuple[str, dict[str, str]], autoescape: bool, trim_blocks: bool
) -> None:
    source, templates = chain
    assert_same(
        source, {"v": "<v>"}, templates=templates, autoescape=autoescape, trim_blocks=trim_blocks
    )
