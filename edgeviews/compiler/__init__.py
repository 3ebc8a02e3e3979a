"""The compiler wing: Jinja templates into standalone, stdlib-only Python modules.

Importing this package has no side effects and does not import jinja2; ``compile_source``
loads the build-time machinery (jinja2's parser, the code generator) on first call.
"""

from __future__ import annotations

from typing import Any

from edgeviews.compiler.errors import TemplateSyntaxError

__all__ = ["TemplateSyntaxError", "compile_source", "runtime_source"]


def compile_source(
    source: str,
    *,
    name: str = "<template>",
    templates: dict[str, str] | None = None,
    globals: dict[str, Any] | None = None,
    runtime_import: str | None = None,
    **options: Any,
) -> str:
    """Compile a Jinja template into the Python source of a module whose render() imitates jinja2."""
    from edgeviews.compiler.assemble import compile_source as _compile_source

    return _compile_source(
        source,
        name=name,
        templates=templates,
        globals=globals,
        runtime_import=runtime_import,
        **options,
    )


def runtime_source() -> str:
    """The source of the complete shared runtime module (stdlib only), for ``runtime_import``."""
    from edgeviews.compiler.catalog import runtime_source as _runtime_source

    return _runtime_source()
