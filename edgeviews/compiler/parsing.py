"""Build-time parsing: a jinja2 Environment from our options, and its AST for a template.

jinja2 is used only here and in the code generator, never by the generated modules. Its
lexer and parser give us whitespace control, delimiters and line statements for free.
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2 import nodes

from edgeviews.compiler.errors import TemplateSyntaxError

UNDEFINED_KINDS: dict[str, type[jinja2.Undefined]] = {
    "default": jinja2.Undefined,
    "strict": jinja2.StrictUndefined,
    "chainable": jinja2.ChainableUndefined,
}
EXTENSIONS = {"loopcontrols": "jinja2.ext.loopcontrols", "do": "jinja2.ext.do"}
PLAIN_OPTIONS = (
    "autoescape",
    "trim_blocks",
    "lstrip_blocks",
    "keep_trailing_newline",
    "newline_sequence",
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
)


def make_environment(options: dict[str, Any]) -> jinja2.Environment:
    """A jinja2 Environment configured like the one the compiled code must imitate."""
    kwargs: dict[str, Any] = {}
    for key, value in options.items():
        if key in PLAIN_OPTIONS:
            kwargs[key] = value
        elif key == "undefined":
            if isinstance(value, str):
                if value not in UNDEFINED_KINDS:
                    raise TemplateSyntaxError(
                        f"unknown undefined kind {value!r}; use one of {', '.join(UNDEFINED_KINDS)}",
                        name=None,
                        lineno=None,
                    )
                kwargs["undefined"] = UNDEFINED_KINDS[value]
            elif isinstance(value, type) and value in UNDEFINED_KINDS.values():
                kwargs["undefined"] = value
            else:
                raise TemplateSyntaxError(
                    f"unsupported undefined {value!r}", name=None, lineno=None
                )
        elif key == "extensions":
            names = []
            for ext in value:
                if not isinstance(ext, str):
                    raise TemplateSyntaxError(
                        f"unsupported extension {ext!r}", name=None, lineno=None
                    )
                short = ext.rsplit(".", 1)[-1].replace("LoopControlExtension", "loopcontrols")
                short = short.replace("ExprStmtExtension", "do")
                if short not in EXTENSIONS:
                    raise TemplateSyntaxError(
                        f"unsupported extension {ext!r}; use 'loopcontrols' or 'do'",
                        name=None,
                        lineno=None,
                    )
                names.append(EXTENSIONS[short])
            kwargs["extensions"] = names
        else:
            raise TemplateSyntaxError(
                f"unknown compiler option {key!r}; options use jinja2.Environment's names",
                name=None,
                lineno=None,
            )
    if callable(kwargs.get("autoescape")):
        raise TemplateSyntaxError("autoescape must be a bool", name=None, lineno=None)
    return jinja2.Environment(**kwargs)


def parse_template(env: jinja2.Environment, source: str, name: str) -> nodes.Template:
    """Parse one template; a jinja2 syntax error becomes ours, with name and line."""
    try:
        return env.parse(source, name=name)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateSyntaxError(str(error.message), name=name, lineno=error.lineno) from None
