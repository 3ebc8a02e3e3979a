"""Templates at run time: compiled records, lookup by name, include/import contexts, blocks.

Stdlib only, like runtime.py; a compiled module holds one ``CompiledTemplate`` per template
it was built with, and looks names up in its ``TEMPLATES`` dict the way jinja2's
Environment.get_template / select_template do, with the same errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from edgeviews.compiler.runtime import (
    Markup,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplatesNotFound,
    Undefined,
    UndefinedError,
    missing,
)

CONTEXT_NAME = " context name"
AUTOESCAPE_STATE = " autoescape"


class CompiledTemplate:
    """One template of a compiled module: its name, root function and block functions."""

    __slots__ = ("blocks", "jinja_name", "module", "name", "root")

    def __init__(
        self,
        name: str,
        root: Callable[..., None],
        blocks: dict[str, Callable[..., None]],
        jinja_name: str | None = None,
    ) -> None:
        self.jinja_name = jinja_name
        self.name = name
        self.root = root
        self.blocks = blocks
        self.module: TemplateModule | None = None

    def new_blocks(self) -> dict[str, Any]:
        """A fresh block chain for a new context of this template (extends appends to it).

        It also carries the context's template name under a key no block can have: ``self``
        in a parent template names the child whose context it renders in, as in jinja2.
        """
        rv: dict[str, Any] = {name: [block] for name, block in self.blocks.items()}
        rv[CONTEXT_NAME] = self.jinja_name
        return rv


def get_template(templates: dict[Any, CompiledTemplate], name: Any) -> CompiledTemplate:
    """Look a template up by name like Environment.get_template with a DictLoader."""
    if isinstance(name, CompiledTemplate):
        return name
    if isinstance(name, Undefined):
        name._fail_with_undefined_error()
    try:
        return templates[name]
    except KeyError:
        raise TemplateNotFound(name) from None


def select_template(templates: dict[Any, CompiledTemplate], names: Any) -> CompiledTemplate:
    """The first template of names that exists, like Environment.select_template."""
    if isinstance(names, Undefined):
        names._fail_with_undefined_error()
    if not names:
        raise TemplatesNotFound(message="Tried to select from an empty list of templates.")
    for name in names:
        if isinstance(name, CompiledTemplate):
            return name
        try:
            return get_template(templates, name)
        except (TemplateNotFound, UndefinedError):
            pass
    raise TemplatesNotFound(names)


def get_or_select_template(templates: dict[Any, CompiledTemplate], name: Any) -> CompiledTemplate:
    """A name or a list of names, like Environment.get_or_select_template."""
    if isinstance(name, (str, Undefined)):
        return get_template(templates, name)
    if isinstance(name, CompiledTemplate):
        return name
    return select_template(templates, name)


def include_context(ctx: dict[str, Any], local_vars: dict[str, Any]) -> dict[str, Any]:
    """The context an included or imported-with-context template sees: ours plus our locals."""
    # Always a copy: what the included template sets must not leak back into ours.
    rv = dict(ctx)
    for key, value in local_vars.items():
        if value is not missing:
            rv[key] = value
    return rv


def derive_context(ctx: dict[str, Any], local_vars: dict[str, Any]) -> dict[str, Any]:
    """A scoped block's context: a copy of ours with the loop's locals added."""
    rv = dict(ctx)
    for key, value in local_vars.items():
        if value is not missing:
            rv[key] = value
    return rv


class TemplateModule:
    """What ``import`` binds: exported names as attributes, the output as str()."""

    __module__ = "jinja2.environment"

    def __init__(self, template: CompiledTemplate, ctx: dict[str, Any]) -> None:
        body: list[str] = []
        exported: set[str] = set()
        template.root(ctx, body, template.new_blocks(), exported)
        self._body_stream = body
        self.__dict__.update({name: ctx[name] for name in exported})
        self.__name__ = template.name

    def __html__(self) -> Markup:
        return Markup("".join(self._body_stream))

    def __str__(self) -> str:
        return "".join(self._body_stream)

    def __repr__(self) -> str:
        name = f"memory:{id(self):x}" if self.__name__ is None else repr(self.__name__)
        return f"<{type(self).__name__} {name}>"


def make_module(template: CompiledTemplate, ctx: dict[str, Any]) -> TemplateModule:
    """Render a template for ``import ... with context`` and wrap what it exports."""
    return TemplateModule(template, ctx)


def default_module(template: CompiledTemplate) -> TemplateModule:
    """The template rendered with globals only, once, as jinja2's Template.module caches it.

    Imports and includes without context share it: state kept at its top level (a cycler,
    a namespace) is shared too, exactly as in jinja2.
    """
    module = template.module
    if module is None:
        module = template.module = TemplateModule(template, {})
    return module


class BlockReference:
    """``self.name`` / ``super`` in a template: renders one block of the chain."""

    __module__ = "jinja2.runtime"

    def __init__(
        self,
        name: str,
        ctx: dict[str, Any],
        blocks: dict[str, list[Callable[..., None]]],
        depth: int,
        autoescape: bool,
        undefined: type[Undefined],
    ) -> None:
        self.name = name
        self._context = ctx
        self._blocks = blocks
        self._stack = blocks[name]
        self._depth = depth
        self._autoescape = autoescape
        self._undefined = undefined

    @property
    def super(self) -> Any:
        if self._depth + 1 >= len(self._stack):
            return self._undefined(f"there is no parent block called {self.name!r}.", name="super")
        return BlockReference(
            self.name,
            self._context,
            self._blocks,
            self._depth + 1,
            self._autoescape,
            self._undefined,
        )

    def __call__(self) -> str:
        out: list[str] = []
        self._stack[self._depth](self._context, out, self._blocks)
        rv = "".join(out)
        # The context's autoescape mode at call time, as jinja2's context.eval_ctx.
        if self._blocks.get(AUTOESCAPE_STATE, self._autoescape):
            return Markup(rv)
        return rv


class TemplateReference:
    """The ``self`` variable: ``self.blockname()`` renders that block again."""

    __module__ = "jinja2.runtime"

    def __init__(
        self,
        ctx: dict[str, Any],
        blocks: dict[str, list[Callable[..., None]]],
        autoescape: bool,
        undefined: type[Undefined] = Undefined,
        name: str | None = None,
    ) -> None:
        self.__name = name
        self.__context = ctx
        self.__blocks = blocks
        self.__autoescape = autoescape
        self.__undefined = undefined

    def __getitem__(self, name: str) -> Any:
        return BlockReference(
            name, self.__context, self.__blocks, 0, self.__autoescape, self.__undefined
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.__name!r}>"


def super_block(
    ctx: dict[str, Any],
    blocks: dict[str, list[Callable[..., None]]],
    name: str,
    current: Callable[..., None],
    autoescape: bool,
    undefined: type[Undefined],
) -> Any:
    """``super`` inside a block: the next block of the chain, or undefined at its end."""
    try:
        chain = blocks[name]
        index = chain.index(current) + 1
        chain[index]
    except LookupError:
        return undefined(f"there is no parent block called {name!r}.", name="super")
    return BlockReference(name, ctx, blocks, index, autoescape, undefined)


def missing_filter(name: str) -> Callable[..., Any]:
    """A filter named in an if branch that does not exist: fails only when called."""

    def fail(*unused: Any, **unused_kwargs: Any) -> Any:
        raise TemplateRuntimeError(f"No filter named {name!r} found.")

    return fail


def missing_test(name: str) -> Callable[..., Any]:
    """A test named in an if branch that does not exist: fails only when called."""

    def fail(*unused: Any, **unused_kwargs: Any) -> Any:
        raise TemplateRuntimeError(f"No test named {name!r} found.")

    return fail
