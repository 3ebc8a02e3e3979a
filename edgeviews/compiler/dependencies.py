"""The dependency graph of a views folder: who includes, extends and imports whom.

Each template is parsed once with Jinja's own parser (build time only) into a `TemplateInfo`;
the info is cached by content hash, so an incremental build parses only what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.defaults import DEFAULT_NAMESPACE

from edgeviews.compiler.env_keys import EnvUse, find_env_use
from edgeviews.compiler.parsing import make_environment
from edgeviews.compiler.project import Template, ViewError

__all__ = [
    "Reference",
    "TemplateInfo",
    "closure",
    "env_use_of",
    "inputs_of",
    "parse_template",
    "parser_environment",
]


@dataclass(frozen=True)
class Reference:
    """One include/extends/import: the name (None when computed at run time) and its line."""

    name: str | None
    lineno: int
    shares_context: bool  # include and extends see the caller's env; plain imports do not


@dataclass(frozen=True)
class TemplateInfo:
    """What the build needs to know about one template, without compiling it."""

    references: tuple[Reference, ...]
    env: EnvUse
    inputs: frozenset[str]  # context names other than env the template reads


def parser_environment(options: Mapping[str, Any]) -> jinja2.Environment:
    """A Jinja environment that parses exactly as compile_source will with these options."""
    return make_environment(dict(options))


def parse_template(template: Template, environment: jinja2.Environment) -> TemplateInfo:
    """Parse `template`; a syntax error becomes a ViewError naming the file and the line."""
    try:
        ast = environment.parse(template.source, name=template.name)
    except jinja2.TemplateSyntaxError as error:
        raise ViewError.at(
            template.path, template.source, error.lineno, error.message or "syntax error"
        ) from None
    references: list[Reference] = []
    for node in ast.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
        shares = isinstance(node, nodes.Include | nodes.Extends) or bool(
            getattr(node, "with_context", False)
        )
        for name in meta.find_referenced_templates(nodes.Template([node], lineno=node.lineno)):
            references.append(Reference(name, node.lineno, shares))
    inputs = frozenset(meta.find_undeclared_variables(ast)) - {"env", *DEFAULT_NAMESPACE}
    return TemplateInfo(tuple(references), find_env_use(ast), inputs)


def closure(
    name: str, infos: Mapping[str, TemplateInfo], templates: Mapping[str, Template]
) -> list[str]:
    """Every template `name` needs (itself excluded), sorted; a missing one is a ViewError.

    A reference computed at run time (`{% include name %}`) makes every template a dependency.
    """
    seen: set[str] = set()
    stack = [name]
    while stack:
        current = stack.pop()
        for reference in infos[current].references:
            targets: Iterable[str]
            if reference.name is None:
                targets = templates
            elif reference.name not in templates:
                source = templates[current]
                raise ViewError.at(
                    source.path,
                    source.source,
                    reference.lineno,
                    f"{reference.name!r} not found in the views folder; create it or fix the name",
                )
            else:
                targets = (reference.name,)
            for target in targets:
                if target not in seen and target != name:
                    seen.add(target)
                    stack.append(target)
    return sorted(seen)


def env_use_of(
    name: str, infos: Mapping[str, TemplateInfo], templates: Mapping[str, Template]
) -> EnvUse:
    """The env keys a view reads itself and through what shares its context (include, extends,
    imports `with context`); macros imported without context cannot see env at all."""
    use = infos[name].env
    seen = {name}
    stack = [name]
    while stack:
        current = stack.pop()
        for reference in infos[current].references:
            if not reference.shares_context:
                continue
            targets = list(templates) if reference.name is None else [reference.name]
            for target in targets:
                if target in infos and target not in seen:
                    seen.add(target)
                    use = use | infos[target].env
                    stack.append(target)
    return use


def inputs_of(name: str, deps: Iterable[str], infos: Mapping[str, TemplateInfo]) -> frozenset[str]:
    """Context names other than env that a view or its dependencies read (none: renders alone)."""
    inputs = set(infos[name].inputs)
    for dep in deps:
        inputs |= infos[dep].inputs
    return frozenset(inputs)
