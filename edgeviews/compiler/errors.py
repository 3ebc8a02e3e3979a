"""The compile-time error of the compiler wing: a template that cannot be compiled."""

from __future__ import annotations

from edgeviews.errors import EdgeviewsError


class TemplateSyntaxError(EdgeviewsError):
    """A template cannot be compiled: names the template, the line and what is wrong.

    ``str()`` reads ``views/x.html:12: unexpected '}'``.
    """

    def __init__(self, message: str, *, name: str | None, lineno: int | None) -> None:
        self.message = message
        self.name = name
        self.lineno = lineno
        where = name or "<template>"
        if lineno is not None:
            where = f"{where}:{lineno}"
        super().__init__(f"{where}: {message}")
