"""The errors rendering raises, named as jinja2's, and the note that places them in a template.

Stdlib only, like every runtime module (catalog.py copies the definitions into generated
code, where edgeviews is not importable). ``__module__`` is jinja2's, so tracebacks and
reprs read as jinja2's do.
"""

from __future__ import annotations

from typing import Any


class TemplateError(Exception):
    """Base of the errors raised while rendering, like jinja2.TemplateError."""

    __module__ = "jinja2.exceptions"

    @property
    def message(self) -> str | None:
        return self.args[0] if self.args else None


class TemplateRuntimeError(TemplateError):
    """A generic run-time error in a template (jinja2.TemplateRuntimeError)."""

    __module__ = "jinja2.exceptions"


class UndefinedError(TemplateRuntimeError):
    """An undefined value was used in a way that needs a value (jinja2.UndefinedError)."""

    __module__ = "jinja2.exceptions"


class FilterArgumentError(TemplateRuntimeError):
    """A filter was called with an inappropriate argument (jinja2.FilterArgumentError)."""

    __module__ = "jinja2.exceptions"


class TemplateSyntaxError(TemplateError):
    """A template reached only at run time does not parse (jinja2.TemplateSyntaxError)."""

    __module__ = "jinja2.exceptions"

    def __init__(self, message: str, lineno: int, name: str | None = None) -> None:
        super().__init__(message)
        self.lineno = lineno
        self.name = name
        self.filename = name


class TemplateAssertionError(TemplateSyntaxError):
    """A template reached only at run time cannot be compiled (jinja2.TemplateAssertionError)."""

    __module__ = "jinja2.exceptions"


def add_template_note(
    error: BaseException, lines: dict[int, tuple[str, int]], module: dict[str, Any]
) -> None:
    """Attach the template name and line of the innermost generated frame to a render error.

    ``lines`` maps the first generated line of each template statement to (template, line).
    """
    tb = error.__traceback__
    where = None
    while tb is not None:
        if tb.tb_frame.f_globals is module:
            lineno = tb.tb_lineno
            best = None
            for py_line in lines:
                if py_line <= lineno and (best is None or py_line > best):
                    best = py_line
            if best is not None:
                where = lines[best]
        tb = tb.tb_next
    if where is not None:
        error.add_note(f'  File "{where[0]}", line {where[1]}, in template')
