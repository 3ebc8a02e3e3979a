"""The errors for a template name that is not among the compiled ones (jinja2's).

Apart from runtime_errors.py because ``TemplatesNotFound`` names undefined values by their
message, so it needs ``Undefined``, which itself needs ``UndefinedError``.
"""

from __future__ import annotations

from typing import Any

from edgeviews.compiler.runtime_errors import TemplateError
from edgeviews.compiler.runtime_undefined import Undefined


class TemplateNotFound(OSError, LookupError, TemplateError):
    """A template named at run time is not among the compiled ones (jinja2.TemplateNotFound)."""

    __module__ = "jinja2.exceptions"

    def __init__(self, name: Any, message: str | None = None) -> None:
        if message is None:
            message = str(name)
        OSError.__init__(self, message)
        self.message_text = message
        self.name = name
        self.templates = [name]

    def __str__(self) -> str:
        return str(self.message_text)


class TemplatesNotFound(TemplateNotFound):
    """None of the templates named at run time exist (jinja2.TemplatesNotFound)."""

    __module__ = "jinja2.exceptions"

    def __init__(self, names: Any = (), message: str | None = None) -> None:
        if message is None:
            parts = []
            for name in names:
                if isinstance(name, Undefined):
                    parts.append(name._undefined_message)
                else:
                    parts.append(name)
            parts_str = ", ".join(map(str, parts))
            message = f"none of the templates given were found: {parts_str}"
        super().__init__(names[-1] if names else None, message)
        self.templates = list(names)
