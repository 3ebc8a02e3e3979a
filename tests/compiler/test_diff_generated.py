"""Property tests: random templates from templategen's grammar render exactly as in jinja2.

Hand-picked cases cover what we thought of; these cover combinations nobody wrote down
(nesting, whitespace markers around every kind of tag, escaping of values built up through
filters and macros, undefined modes). Example counts come from the "edgeviews-compiler"
hypothesis profile in conftest.py (bounded for CI; EDGEVIEWS_FUZZ_EXAMPLES raises them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compiler.templategen import (
    LIBRARY,
    NAMES,
    OPTIONS,
    baked_globals,
    contexts,
    expressions,
    templates,
)

AssertSame = Callable[..., Any]
PROFILE = settings.get_profile("edgeviews-compiler")


@settings(PROFILE)
@given(
    source=templates(),
    context=contexts(),
    options=OPTIONS,
    built=st.booleans(),
    globals=st.one_of(st.none(), baked_globals()),
)
def test_generated_templates_render_like_jinja(
    assert_same: AssertSame,
    assert_same_built: AssertSame,
    source: str,
    context: dict[str, Any],
    options: dict[str, Any],
    built: bool,
    globals: dict[str, Any] | None,
) -> None:
    """Self-contained modules and the build layout (shared `_runtime`), drawn at random,
    sometimes with baked globals under the context's names."""
    (assert_same_built if built else assert_same)(
        source, context, templates=LIBRARY, globals=globals, **options
    )


@settings(PROFILE)
@given(
    expression=expressions(NAMES),
    context=contexts(),
    autoescape=st.booleans(),
    undefined=st.sampled_from(["default", "chainable", "strict"]),
)
def test_generated_expressions_print_like_jinja(
    assert_same_built: AssertSame,
    expression: str,
    context: dict[str, Any],
    autoescape: bool,
    undefined: str,
) -> None:
    assert_same_built(
        "{{ " + expression + " }}", context, autoescape=autoescape, undefined=undefined
    )
