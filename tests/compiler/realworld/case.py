"""One realistic differential case: template, companions, options and contexts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


@dataclass(frozen=True)
class Case:
    """A template as a project would write it, rendered with one or more contexts.

    `templates` are the companions it includes, extends or imports (a DictLoader for jinja2,
    `templates=` for our compiler); `options` are Environment keyword arguments by name.
    """

    id: str
    source: str
    contexts: tuple[Context, ...] = ({},)
    templates: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    globals: Mapping[str, Any] = field(default_factory=dict)
