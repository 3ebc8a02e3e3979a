"""edgeviews: Jinja snippets compiled ahead of time, injected into proxied pages as they stream.

The package root stays import-light: the proxy imports it at run time, and only the build
needs jinja2, so `compile_source` loads the compiler on first call.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "compile_source"]


def compile_source(
    source: str,
    *,
    name: str = "<template>",
    templates: dict[str, str] | None = None,
    globals: dict[str, Any] | None = None,
    **options: Any,
) -> str:
    """Compile a Jinja template into the Python source of a standalone module."""
    from edgeviews.compiler import compile_source as _compile_source

    return _compile_source(source, name=name, templates=templates, globals=globals, **options)
