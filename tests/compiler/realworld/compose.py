"""Realistic templates composed: two or three cases concatenated, each wrapped in constructs.

Real templates nest things: a card macro around a loop, an `{% autoescape false %}` block
around a call block, a filter block around a whole section. Wrapping the realistic cases of
this package in such constructs (chosen by a seeded generator, so the set is fixed) checks
their interactions: scoping, the run-time autoescape mode, loop variables, caller().
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from tests.compiler.realworld.case import Case

Wrap = Callable[[str], str]

WRAPS: tuple[Wrap, ...] = (
    lambda s: "{% autoescape false %}" + s + "{% endautoescape %}",
    lambda s: "{% autoescape true %}" + s + "{% endautoescape %}",
    lambda s: "{% autoescape flag_ %}" + s + "{% endautoescape %}",
    lambda s: "{% for _i in [1, 2] %}" + s + "{% endfor %}",
    lambda s: "{% for _i in [1] %}{{ loop.index }}" + s + "{% endfor %}",
    lambda s: "{% filter trim %}" + s + "{% endfilter %}",
    lambda s: "{% macro _w() %}" + s + "{% endmacro %}{{ _w() }}",
    lambda s: "{% macro _c() %}[{{ caller() }}]{% endmacro %}{% call _c() %}" + s + "{% endcall %}",
    lambda s: "{% with _q = 1 %}" + s + "{% endwith %}",
    lambda s: "{% block _b %}" + s + "{% endblock %}",
    lambda s: "{% set _s %}" + s + "{% endset %}{{ _s }}",
    lambda s: "{% if true %}" + s + "{% endif %}",
)

# Options that change the lexer cannot be mixed with templates written for the default one.
LEXER_OPTIONS = ("line_statement_prefix", "block_start_string", "variable_start_string")


def composable(case: Case) -> bool:
    """Self-contained cases with a plain context and the default delimiters."""
    return (
        not case.templates
        and not case.globals
        and not callable(case.contexts[0])
        and "extends" not in case.source
        and not any(key in case.options for key in LEXER_OPTIONS)
    )


def compose(cases: list[Case], count: int, seed: int) -> list[Case]:
    """`count` composed cases: 1-3 sources, each under 0-2 wrappers, contexts merged."""
    rng = random.Random(seed)
    pool = [case for case in cases if composable(case)]
    composed = []
    for number in range(count):
        parts = rng.sample(pool, rng.randint(1, 3))
        source = ""
        context: dict[str, Any] = {}
        options: dict[str, Any] = {}
        for part in parts:
            text = part.source
            for wrap in rng.sample(WRAPS, rng.randint(0, 2)):
                text = wrap(text)
            source += text
            first = part.contexts[0]
            assert isinstance(first, Mapping)
            context.update(first)
            options.update(part.options)
        context["flag_"] = rng.choice([True, False])
        options["autoescape"] = rng.choice([True, False])
        options.setdefault("extensions", ["do", "loopcontrols"])
        name = "+".join(part.id for part in parts)
        composed.append(Case(f"composed-{number}-{name}", source, (context,), options=options))
    return composed
