"""Property test: when a generated template fails while rendering, our error names the same
template and line as jinja2's own traceback does.

jinja2 rewrites tracebacks so the innermost frame is the template line that failed; ours
adds a note `File "<name>", line N, in template`. Both must point at the same place.
"""

from __future__ import annotations

import re
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compiler.templategen import LIBRARY, OPTIONS, contexts, templates

PROFILE = settings.get_profile("edgeviews-compiler")
NOTE = re.compile(r'File "(?P<name>[^"]+)", line (?P<line>\d+), in template')
TEMPLATE_FILES = {"<template>", *LIBRARY}
JINJA_NEWLINE = re.compile(r"\r\n|\r|\n")  # what jinja2's lexer counts as a line break


def jinja_location(error: BaseException) -> tuple[str, int] | None:
    """The innermost template frame of jinja2's rewritten traceback."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in TEMPLATE_FILES]
    if not frames or frames[-1].lineno is None:
        return None
    return frames[-1].filename, frames[-1].lineno


def our_location(error: BaseException) -> tuple[str, int] | None:
    """The template place our note names (the last note, if several were added)."""
    found = [NOTE.search(note) for note in getattr(error, "__notes__", [])]
    matches = [m for m in found if m]
    if not matches:
        return None
    return matches[-1]["name"], int(matches[-1]["line"])


# jinja2 rewrites every traceback it raises (slow), so this one runs half the examples.
@settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 2))
@given(source=templates(), context=contexts(), options=OPTIONS, lines=st.integers(0, 3))
def test_render_errors_point_at_the_same_template_line(
    compile_module: Callable[..., Any],
    jinja_template: Callable[..., Any],
    source: str,
    context: dict[str, Any],
    options: dict[str, Any],
    lines: int,
) -> None:
    source = "\n" * lines + source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        try:
            template = jinja_template(source, LIBRARY, **options)
            # DictLoader templates all get the filename "<template>"; name them as ours do.
            template.environment.loader = jinja2.FunctionLoader(
                lambda name: (LIBRARY[name], name, lambda: True) if name in LIBRARY else None
            )
        except Exception:
            return  # syntax errors are compared in test_diff_errors.py
        module = compile_module(source, templates=LIBRARY, **options)
    theirs: Exception | None = None
    try:
        template.render(**context)
    except Exception as error:
        theirs = error
    if theirs is None:
        return
    expected = jinja_location(theirs)
    try:
        module.render(**context)
    except Exception as ours:
        assert type(ours).__name__ == type(theirs).__name__
        if expected is not None:
            where = our_location(ours)
            assert placed_like(where, expected, source), (source, str(theirs), where, expected)
    else:
        raise AssertionError(f"jinja2 raised {theirs!r}, ours rendered")


def placed_like(ours: tuple[str, int] | None, theirs: tuple[str, int], source: str) -> bool:
    """Same template and line as jinja2, or a later line of that template.

    jinja2 maps a Python line to the last `# line` marker its code generator wrote, and it
    writes none for some statements (`with` targets, `set` values, `is` tests in `if`), so
    an error there is reported on an earlier line than the one that failed; the issue asks
    for the failing expression's line, so ours may be later, never earlier.
    """
    if ours is None or ours[0] != theirs[0]:
        return False
    text = source if theirs[0] == "<template>" else LIBRARY[theirs[0]]
    return theirs[1] <= ours[1] <= len(JINJA_NEWLINE.split(text))
