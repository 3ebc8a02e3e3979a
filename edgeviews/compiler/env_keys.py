"""Which `env` keys a template reads, found in Jinja's AST at build time.

`env.X` and `env["X"]` are required keys. `env.X is defined`, `env.X | default(...)` and
`env.get("X")` are optional keys: the template copes without them. Any other use of `env`
as a whole (`{{ env }}`, `env[name]`, `env.items()`) makes the set of keys unknowable, and
the view's stub falls back to a plain Mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import nodes

__all__ = ["EnvUse", "find_env_use"]

ENV = "env"
_GUARD_TESTS = frozenset({"defined", "undefined"})
_GUARD_FILTERS = frozenset({"default", "d"})
_MAPPING_METHODS = frozenset({"items", "keys", "values", "get", "copy", "__iter__"})


@dataclass(frozen=True)
class EnvUse:
    """The env keys one template (or a view with its includes) reads."""

    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    dynamic: bool = False

    def __or__(self, other: EnvUse) -> EnvUse:
        required = self.required | other.required
        return EnvUse(
            required=required,
            optional=(self.optional | other.optional) - required,
            dynamic=self.dynamic or other.dynamic,
        )


def find_env_use(ast: nodes.Template) -> EnvUse:
    """The keys `ast` reads from `env`, through its own macros and blocks."""
    required: set[str] = set()
    optional: set[str] = set()
    accounted: set[int] = set()
    guarded: set[int] = set()
    for check in ast.find_all((nodes.Test, nodes.Filter)):
        guards = _GUARD_TESTS if isinstance(check, nodes.Test) else _GUARD_FILTERS
        if check.name in guards and check.node is not None:
            guarded.add(id(check.node))
    for call in ast.find_all(nodes.Call):
        callee = call.node
        if (
            isinstance(callee, nodes.Getattr)
            and _is_env(callee.node)
            and callee.attr == "get"
            and call.args
            and isinstance(call.args[0], nodes.Const)
            and isinstance(call.args[0].value, str)
        ):
            optional.add(call.args[0].value)
            accounted.add(id(callee.node))
    lookups: list[nodes.Getattr | nodes.Getitem] = [*ast.find_all(nodes.Getattr)]
    lookups.extend(ast.find_all(nodes.Getitem))
    for node in lookups:
        if not _is_env(node.node) or id(node.node) in accounted:
            continue
        key = _constant_key(node)
        if key is None:
            continue
        accounted.add(id(node.node))
        (optional if id(node) in guarded else required).add(key)
    dynamic = any(id(name) not in accounted for name in ast.find_all(nodes.Name) if _is_env(name))
    return EnvUse(frozenset(required), frozenset(optional - required), dynamic)


def _is_env(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == ENV and node.ctx == "load"


def _constant_key(node: nodes.Getattr | nodes.Getitem) -> str | None:
    if isinstance(node, nodes.Getattr):
        return None if node.attr in _MAPPING_METHODS else node.attr
    if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    return None
