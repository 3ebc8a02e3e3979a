"""The builtin filters on text: case, trimming, replacing, wrapping, indenting, escaping.

Ported from jinja2 3.1.6 filters.py (BSD-3-Clause). Regular expressions are compiled
(and ``re`` imported) on first use through ``pattern``, which the other filter modules share.
"""

from __future__ import annotations

from typing import Any

from edgeviews.compiler.runtime_env import pass_env
from edgeviews.compiler.runtime_errors import FilterArgumentError
from edgeviews.compiler.runtime_markup import Markup, escape, soft_str

PATTERNS: dict[str, Any] = {}


def pattern(source: str) -> Any:
    """A compiled regular expression, compiled (and ``re`` imported) on first use."""
    compiled = PATTERNS.get(source)
    if compiled is None:
        import re

        compiled = PATTERNS[source] = re.compile(source)
    return compiled


def is_markup(value: Any) -> bool:
    """isinstance(value, Markup) for ours and for markupsafe's (a caller may pass either)."""
    if isinstance(value, Markup):
        return True
    return isinstance(value, str) and any(
        cls.__name__ == "Markup" and cls.__module__ == "markupsafe" for cls in type(value).__mro__
    )


def do_forceescape(value: Any) -> Any:
    if hasattr(value, "__html__"):
        value = value.__html__()
    return escape(str(value))


@pass_env
def do_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> Any:
    if count is None:
        count = -1
    if not eval_ctx.autoescape:
        return str(s).replace(str(old), str(new), count)
    if hasattr(old, "__html__") or (hasattr(new, "__html__") and (not hasattr(s, "__html__"))):
        s = escape(s)
    else:
        s = soft_str(s)
    return s.replace(soft_str(old), soft_str(new), count)


def do_upper(s: Any) -> Any:
    return soft_str(s).upper()


def do_lower(s: Any) -> Any:
    return soft_str(s).lower()


def do_capitalize(s: Any) -> Any:
    return soft_str(s).capitalize()


_word_beginning_split_re = "([-\\s({\\[<]+)"


def do_title(s: Any) -> Any:
    return "".join(
        [
            item[0].upper() + item[1:].lower()
            for item in pattern(_word_beginning_split_re).split(soft_str(s))
            if item
        ]
    )


def do_center(value: Any, width: Any = 80) -> Any:
    return soft_str(value).center(width)


def do_indent(s: Any, width: Any = 4, first: Any = False, blank: Any = False) -> Any:
    indention = width if isinstance(width, str) else " " * width
    newline = "\n"
    if is_markup(s):
        indention = Markup(indention)
        newline = Markup(newline)
    s += newline
    if blank:
        rv = (newline + indention).join(s.splitlines())
    else:
        lines = s.splitlines()
        rv = lines.pop(0)
        if lines:
            rv += newline + newline.join(indention + line if line else line for line in lines)
    if first:
        rv = indention + rv
    return rv


@pass_env
def do_truncate(
    env: Any,
    s: Any,
    length: Any = 255,
    killwords: Any = False,
    end: Any = "...",
    leeway: Any = None,
) -> Any:
    if leeway is None:
        leeway = env.policies["truncate.leeway"]
    assert length >= len(end), f"expected length >= {len(end)}, got {length}"
    assert leeway >= 0, f"expected leeway >= 0, got {leeway}"
    if len(s) <= length + leeway:
        return s
    if killwords:
        return s[: length - len(end)] + end
    result = s[: length - len(end)].rsplit(" ", 1)[0]
    return result + end


@pass_env
def do_wordwrap(
    environment: Any,
    s: Any,
    width: Any = 79,
    break_long_words: Any = True,
    wrapstring: Any = None,
    break_on_hyphens: Any = True,
) -> Any:
    import textwrap

    if wrapstring is None:
        wrapstring = environment.newline_sequence
    return wrapstring.join(
        [
            wrapstring.join(
                textwrap.wrap(
                    line,
                    width=width,
                    expand_tabs=False,
                    replace_whitespace=False,
                    break_long_words=break_long_words,
                    break_on_hyphens=break_on_hyphens,
                )
            )
            for line in s.splitlines()
        ]
    )


_word_re = "\\w+"


def do_wordcount(s: Any) -> Any:
    return len(pattern(_word_re).findall(soft_str(s)))


def do_format(value: Any, *args: Any, **kwargs: Any) -> Any:
    if args and kwargs:
        raise FilterArgumentError("can't handle positional and keyword arguments at the same time")
    return soft_str(value) % (kwargs or args)


def do_trim(value: Any, chars: Any = None) -> Any:
    return soft_str(value).strip(chars)


def do_striptags(value: Any) -> Any:
    if hasattr(value, "__html__"):
        value = value.__html__()
    return Markup(str(value)).striptags()


def do_mark_safe(value: Any) -> Any:
    return Markup(value)


def do_mark_unsafe(value: Any) -> Any:
    return str(value)
