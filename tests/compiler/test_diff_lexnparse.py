"""Differential cases ported from jinja2's tests/test_lexnparse.py (tag 3.1.6): raw blocks,
delimiter balancing, PHP/ERB-style delimiters, line syntax priority, string escapes, names,
numeric literals, call syntax and parser error messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

AssertSame = Callable[..., Any]

DELIMITER_NAMES = [
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
]


def env(*delimiters: str, **options: Any) -> dict[str, Any]:
    """jinja2.Environment's positional delimiter arguments, as compile_source keywords."""
    return {**dict(zip(DELIMITER_NAMES, delimiters, strict=False)), **options}


SEQ = {"seq": list(range(5)), "baz": "test", "a": 4, "b": 2, "c": 3, "i": 2, "j": 3}

CASES: list[tuple[str, dict[str, Any]]] = [
    ("{% raw %}foo{% endraw %}|{%raw%}{{ bar }}|{% baz %}{%       endraw    %}", {}),
    ("1  {%- raw -%}   2   {%- endraw -%}   3", {}),
    (
        "bar\n{% raw %}\n  {{baz}}2 spaces\n{% endraw %}\nfoo",
        env(lstrip_blocks=True, trim_blocks=True),
    ),
    ("bar\n{%- raw -%}\n\n  \n  2 spaces\n space{%- endraw -%}\nfoo", env(lstrip_blocks=True)),
    (
        "{% for item in seq\n            %}${{'foo': item}|upper}{% endfor %}",
        env("{%", "%}", "${", "}"),
    ),
    (
        "<ul>\n<!--- for item in seq -->\n  <li>{item}</li>\n<!--- endfor -->\n</ul>",
        env("<!--", "-->", "{", "}"),
    ),
    (
        "{{ '\\0' }}|{{ '\\u2668' }}|{{ '\\xe4' }}|{{ '\\t' }}|{{ '\\r' }}|{{ '\\n' }}|{{ \"\\N{HOT SPRINGS}\" }}",
        {},
    ),
    ("{{ 'foo'|pprint }}|{{ 'bär'|pprint }}", {}),
    ("1\n2\r\n3\n4\n", env(newline_sequence="\r")),
    ("1\n2\r\n3\n4\n", env(newline_sequence="\r\n")),
    ("with\nseveral\n\n\n", env(keep_trailing_newline=False)),
    ("with\nseveral\n\n\n", env(keep_trailing_newline=True)),
    ("{% set föö = 1 %}{{ föö }}|{% set き = 2 %}{{ き }}|{% set _ = 3 %}{{ _ }}", {}),
    ("{{ \u1885 }}{{ \u2118 }}{{ a\xb7 }}", {}),
    ("{{ 1a }}", {}),
    ("{{ \xb7 }}", {}),
    (
        "<html>\n    <body>\n    {%- block content -%}\n        <hr>\n        {{ item.x }}\n    {% endblock %}\n    </body>\n</html>",
        {},
    ),
    (
        "<!-- I'm a comment, I'm not interesting --><? for item in seq -?>\n    <?= item ?>\n<?- endfor ?>",
        env("<?", "?>", "<?=", "?>", "<!--", "-->"),
    ),
    (
        "<%# I'm a comment, I'm not interesting %><% for item in seq -%>\n    <%= item %>\n<%- endfor %>",
        env("<%", "%>", "<%=", "%>", "<%#", "%>"),
    ),
    (
        "<!--# I'm a comment, I'm not interesting --><!-- for item in seq --->\n    ${item}\n<!--- endfor -->",
        env("<!--", "-->", "${", "}", "<!--#", "-->"),
    ),
    ("{{{'foo':'bar'}.foo}}", {}),
    ("{# foo comment\nand bar comment #}\n{% macro blub() %}foo{% endmacro %}\n{{ blub() }}", {}),
    (
        "<%# regular comment %>\n% for item in seq:\n    ${item}\n% endfor",
        env("<%", "%>", "${", "}", "<%#", "%>", "%"),
    ),
    (
        "<%# regular comment %>\n% for item in seq:\n    ${item} ## the rest of the stuff\n% endfor",
        env("<%", "%>", "${", "}", "<%#", "%>", "%", "##"),
    ),
    (
        "/* ignore me.\n   I'm a multiline comment */\n## for item in seq:\n* ${item}          # this is just extra stuff\n## endfor",
        env("{%", "%}", "${", "}", "/*", "*/", "##", "#"),
    ),
    (
        "/* ignore me.\n   I'm a multiline comment */\n# for item in seq:\n* ${item}          ## this is just extra stuff\n    ## extra stuff i just want to ignore\n# endfor",
        env("{%", "%}", "${", "}", "/*", "*/", "#", "##"),
    ),
    ("{% for item in seq %}...{% endif %}", {}),
    ("{% if foo %}{% for item in seq %}...{% endfor %}{% endfor %}", {}),
    ("{% if foo %}", {}),
    ("{% for item in seq %}", {}),
    ("{% block foo-bar-baz %}", {}),
    ("{% unknown_tag %}", {}),
    ("{{ foo('a', c='d', e='f', *['b'], **{'g': 'h'}) }}", {}),
    ("{{ [1, 2, 3][:] }}|{{ [1, 2, 3][::-1] }}|{{ [1, 2] ~ 'foo' }}", {}),
    (
        "{{ (1 + 1 * 2) - 3 / 2 }}|{{ 2**3 }}|{{ 3 // 2 }}|{{ 3 / 2 }}|{{ 3 % 2 }}|{{ +3 }}|{{ -3 }}",
        {},
    ),
    (
        "{{ 4 < 2 < 3 }}|{{ a < b < c }}|{{ 4 > 2 > 3 }}|{{ a > b > c }}|{{ 4 > 2 < 3 }}|{{ a > b < c }}",
        {},
    ),
    (
        "{{ i * (j < 5) }}|{{ 1 in [1, 2, 3] }}|{{ 1 not in [1, 2, 3] }}|{{ [] }}|{{ {} }}|{{ () }}",
        {},
    ),
    (
        "{{ 12_34_56 }}|{{ 3_4.5_6 }}|{{ 1e0 }}|{{ 10e1 }}|{{ 2.5e100 }}|{{ 2.5e+100 }}|{{ 25.6e-10 }}|"
        "{{ 1_2.3_4e5_6 }}|{{ 0_00 }}|{{ 0b1001_1111 }}|{{ 0o123 }}|{{ 0o1_23 }}|{{ 0x123abc }}|{{ 0x12_3abc }}",
        {},
    ),
    (
        "{{ (true and false) or (false and true) and not false }}|{{ [1, 2, 3].0 }}|{{ [[1]].0.0 }}",
        {},
    ),
    ("{{ 0 if true else 1 }}|<{{ 1 if false }}>", {}),
    ("<{{ (1 if false).bar }}>", {}),
    ('{{ "foo"|upper + "bar"|upper }}', {}),
    *[
        ("{{ foo(" + sig + ") }}", {})
        for sig in [
            "*foo, bar",
            "*foo, *bar",
            "**foo, *bar",
            "**foo, bar",
            "**foo, **bar",
            "**foo, bar=42",
            "foo, bar",
            "foo, bar=42",
            "foo, bar=23, *args",
            "foo, *args, bar=23",
            "a, b=c, *d, **e",
            "*foo, bar=42",
            "*foo, **bar",
            "*foo, bar=42, **baz",
            "foo, *args, bar=23, **baz",
        ]
    ],
]


def foo(*args: Any, **kwargs: Any) -> str:
    return "".join(map(str, args)) + "".join(f"{k}{v}" for k, v in sorted(kwargs.items()))


@pytest.mark.parametrize(("source", "options"), CASES)
def test_lexer_and_parser_cases(
    assert_same: AssertSame, autoescape: bool, source: str, options: dict[str, Any]
) -> None:
    context = {**SEQ, "foo": foo, "bar": [1], "args": [2], "baz": {"k": 3}, "d": [4], "e": {}}
    assert_same(source, context, autoescape=autoescape, **options)
