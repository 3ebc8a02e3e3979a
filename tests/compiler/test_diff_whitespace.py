"""Differential cases for the lexer: whitespace control, newlines, delimiters, line statements.

Every template here is run over the grid of trim_blocks x lstrip_blocks x
keep_trailing_newline (and newline sequences), because those options and the `-`/`+`
markers interact in jinja2's lexer in ways that are easy to get almost right.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

AssertSame = Callable[..., Any]

CONTEXT = {"x": "<x>", "seq": [1, 2], "yes": True}

WHITESPACE_TEMPLATES = [
    "{% if yes %}\n  yes\n{% endif %}\n",
    "  {% if yes %}\n    yes\n  {% endif %}\n  after\n",
    "<ul>\n  {% for i in seq %}\n    <li>{{ i }}</li>\n  {% endfor %}\n</ul>\n",
    "<ul>\n  {%- for i in seq %}\n    <li>{{ i }}</li>\n  {%- endfor %}\n</ul>",
    "<ul>\n  {% for i in seq -%}\n    <li>{{ i }}</li>\n  {%- endfor -%}\n</ul>\n\n",
    "  {%+ if yes %}kept{% endif %}\n  {%+ if yes -%}\n x{% endif %}\n",
    "a  {{- x -}}  b  {{ x }}  {{- x }}\n  {{ x -}}\n  c",
    "  {# comment #}\n  {#- trimmed -#}  \n  {# keep #}\ntext\n",
    "{% raw %}  {{ x }}\n{% endraw %}\n  {%- raw -%}  y  {%- endraw -%}  \n",
    "line1\nline2\r\nline3\rline4\n",
    "{% for i in seq %}\n{{ i }}\n{% endfor %}",
    "\n\n{% set v = 1 %}\n\n{{ v }}\n\n",
    "    {% macro m() %}\n    body {{ x }}\n    {% endmacro %}\n    {{ m() }}\n",
    "{% if yes %}\t\n{% endif %}|\t{% if yes %}{% endif %}\t|\n\t  {% if yes %}\n{% endif %}\t\n",
    "{{ x }}\n{{ x }}\r\n{{ x }}\n\n",
    "text with {{ 'in\nexpr' }} and\n{% if yes -%}  \n\n  inner  \n\n{%- endif %}\n",
    "  {%- if yes +%}\n  x\n  {%+ endif -%}  \n",
    "no tags at all\n",
    "",
    "\n",
    "{{ x }}",
    "  {{ x }}  \n  {% if yes %}  {{ x }}  {% endif %}  \n",
    "{%- if yes -%}\n\n\n{%- endif -%}",
    "{% set s %}\n  {{ x }}\n{% endset %}[{{ s }}]\n",
    "a\n  {%- filter upper %}\n  b\n  {% endfilter %}\nc\n",
    "{% with a = 1 %}\n  {{ a }}\n{% endwith %}\n",
    "{% if yes %}\r\n  x\r\n  {% endif %}\r\n  {# c #}\r\nend\r\n",
    "\t{% for i in seq %}\t{{ i }}\t{% endfor %}\t\n\t{%- if yes %}\tz{% endif %}",
]

GRID = list(itertools.product([False, True], [False, True], [False, True]))


@pytest.mark.parametrize(
    ("trim_blocks", "lstrip_blocks", "keep_trailing_newline"),
    GRID,
    ids=[f"trim={t}-lstrip={lstrip}-keep={k}" for t, lstrip, k in GRID],
)
@pytest.mark.parametrize("source", WHITESPACE_TEMPLATES)
def test_whitespace_options(
    assert_same_built: AssertSame,
    source: str,
    trim_blocks: bool,
    lstrip_blocks: bool,
    keep_trailing_newline: bool,
) -> None:
    # Whitespace handling does not depend on escaping; half the grid runs with autoescape on
    # (the lexer options and the `-`/`+` markers are what this grid is about).
    assert_same_built(
        source,
        CONTEXT,
        autoescape=trim_blocks != keep_trailing_newline,
        trim_blocks=trim_blocks,
        lstrip_blocks=lstrip_blocks,
        keep_trailing_newline=keep_trailing_newline,
    )


@pytest.mark.parametrize("newline_sequence", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("keep_trailing_newline", [False, True])
@pytest.mark.parametrize(
    "source",
    [
        "a\nb\r\nc\rd\n",
        "{{ 'x\ny' }}\n{% if yes %}\r\nin\r\n{% endif %}\n",
        "{% raw %}\r\n{% endraw %}{{ x ~ '\r\n' }}\r",
        "{% set s %}a\r\nb{% endset %}{{ s|length }}\n",
        "{{ 'line\nbreak'|indent(2) }}\n{{ seq|pprint }}\n",
    ],
)
def test_newline_sequence(
    assert_same: AssertSame, source: str, newline_sequence: str, keep_trailing_newline: bool
) -> None:
    assert_same(
        source,
        CONTEXT,
        newline_sequence=newline_sequence,
        keep_trailing_newline=keep_trailing_newline,
    )


DELIMITERS = [
    {
        "block_start_string": "<%",
        "block_end_string": "%>",
        "variable_start_string": "${",
        "variable_end_string": "}",
        "comment_start_string": "<%#",
        "comment_end_string": "%>",
    },
    {
        "block_start_string": "[%",
        "block_end_string": "%]",
        "variable_start_string": "[[",
        "variable_end_string": "]]",
        "comment_start_string": "[#",
        "comment_end_string": "#]",
    },
    {
        "block_start_string": "<!--",
        "block_end_string": "-->",
        "variable_start_string": "{$",
        "variable_end_string": "$}",
        "comment_start_string": "<!--#",
        "comment_end_string": "-->",
    },
    {"variable_start_string": "((", "variable_end_string": "))"},
]


@pytest.mark.parametrize("delimiters", DELIMITERS, ids=lambda d: d["variable_start_string"])
def test_custom_delimiters(
    assert_same: AssertSame, autoescape: bool, delimiters: dict[str, str]
) -> None:
    b0 = delimiters.get("block_start_string", "{%")
    b1 = delimiters.get("block_end_string", "%}")
    v0 = delimiters["variable_start_string"]
    v1 = delimiters["variable_end_string"]
    c0 = delimiters.get("comment_start_string", "{#")
    c1 = delimiters.get("comment_end_string", "#}")
    source = (
        f"{c0} a comment {c1}{b0} for i in seq {b1}{v0} i {v1}{v0}- x -{v1} {b0}- endfor {b1}\n"
        f"{{{{ not a tag }}}} {{% neither %}} {v0} {{'k': [1]}} {v1} {b0} raw {b1}{v0} raw {v1}{b0} endraw {b1}\n"
    )
    assert_same(source, CONTEXT, autoescape=autoescape, **delimiters)
    assert_same(
        source, CONTEXT, autoescape=autoescape, trim_blocks=True, lstrip_blocks=True, **delimiters
    )


LINE_TEMPLATES = [
    "# for item in seq\n  <li>{{ item }}</li>\n# endfor\n",
    "  # if yes:\n  yes\n  # else\n  no\n  # endif\n",
    "before ## a line comment\n## whole-line comment\nafter\n",
    "# for item in seq:\n{{ item }} ## trailing comment\n# endfor\n# set v = 1\n{{ v }}\n",
    "text # not a statement\n  #   macro m(a)\n[{{ a }}]\n# endmacro\n{{ m(1) }}\n",
    "#notspaced\n",
    "<p>\n% if yes\n<b>{{ x }}</b> 100%\n% endif\n</p>\n",
    "# for i in [1,\n    2]\n{{ i }}\n# endfor",
]


@pytest.mark.parametrize(
    ("statement_prefix", "comment_prefix"),
    [("#", "##"), ("%", None), (None, "##"), ("#", None)],
)
@pytest.mark.parametrize("source", LINE_TEMPLATES)
@pytest.mark.parametrize("trim_blocks", [False, True])
def test_line_statements_and_comments(
    assert_same_built: AssertSame,
    autoescape: bool,
    source: str,
    statement_prefix: str | None,
    comment_prefix: str | None,
    trim_blocks: bool,
) -> None:
    options: dict[str, Any] = {"autoescape": autoescape, "trim_blocks": trim_blocks}
    if statement_prefix is not None:
        options["line_statement_prefix"] = statement_prefix
    if comment_prefix is not None:
        options["line_comment_prefix"] = comment_prefix
    assert_same_built(source, CONTEXT, **options)
