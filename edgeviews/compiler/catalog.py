"""The run-time library as data: which definition each filter and test is, and what it needs.

The runtime modules are read with ``ast`` (never imported into generated code): each
top-level definition is kept with its source and the names it uses, so a compiled module
can carry exactly the definitions its template needs, in their original order.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# In dependency order: a definition comes after everything it uses when it is defined (bases,
# defaults, decorators, class attributes), as it does in the concatenated ``_runtime.py``.
# runtime.py is not read: it only gathers the names of the first seven under one import.
RUNTIME_MODULES = (
    "runtime_errors.py",
    "runtime_markup.py",
    "runtime_undefined.py",
    "runtime_not_found.py",
    "runtime_loops.py",
    "runtime_calls.py",
    "runtime_globals.py",
    "runtime_templates.py",
    "runtime_env.py",
    "runtime_filters_strings.py",
    "runtime_filters_web.py",
    "runtime_filters_values.py",
    "runtime_filters_sequences.py",
    "runtime_filters.py",
    "runtime_tests.py",
)
HERE = Path(__file__).parent


@dataclass(frozen=True)
class Definition:
    """One top-level statement of the runtime: the names it binds and the names it uses."""

    source: str
    binds: frozenset[str]
    uses: frozenset[str]
    is_import: bool


def _used_names(node: ast.AST) -> set[str]:
    """Names a statement loads at run time (annotations are never evaluated, so skipped)."""
    names: set[str] = set()

    def walk(n: ast.AST) -> None:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in n.decorator_list:
                walk(deco)
            for default in n.args.defaults + [d for d in n.args.kw_defaults if d is not None]:
                walk(default)
            for stmt in n.body:
                walk(stmt)
            return
        if isinstance(n, ast.AnnAssign):
            if n.value is not None:
                walk(n.value)
            walk(n.target)
            return
        if isinstance(n, ast.arg):
            return
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            names.add(n.id)
        for child in ast.iter_child_nodes(n):
            walk(child)

    walk(node)
    return names


def _bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


@cache
def definitions() -> tuple[Definition, ...]:
    """Every top-level definition of the runtime modules, in order, imports first."""
    imports: list[Definition] = []
    defs: list[Definition] = []
    seen_imports: set[str] = set()
    for module in RUNTIME_MODULES:
        source = (HERE / module).read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        for node in tree.body:
            if isinstance(node, ast.Expr) or _bound_names(node) == {"__all__"}:
                continue  # docstrings; a facade's export list is no definition
            if isinstance(node, ast.ImportFrom) and (
                node.module in ("__future__", "typing")
                or node.level
                or (node.module or "").startswith("edgeviews")
            ):
                continue
            # Top-level statements own whole lines: slice them (get_source_segment is quadratic).
            start = node.lineno
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.decorator_list:
                start = node.decorator_list[0].lineno
            segment = "\n".join(lines[start - 1 : node.end_lineno])
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if segment in seen_imports:
                    continue
                seen_imports.add(segment)
                imports.append(
                    Definition(segment, frozenset(_bound_names(node)), frozenset(), True)
                )
                continue
            defs.append(
                Definition(
                    segment, frozenset(_bound_names(node)), frozenset(_used_names(node)), False
                )
            )
    return tuple(imports + defs)


def select(names: set[str]) -> list[Definition]:
    """The definitions that bind ``names``, plus everything they use, in runtime order."""
    all_defs = definitions()
    by_name: dict[str, Definition] = {}
    for definition in all_defs:
        for bound in definition.binds:
            by_name.setdefault(bound, definition)
    wanted: set[Definition] = set()
    todo = [name for name in names if name in by_name]
    while todo:
        name = todo.pop()
        definition = by_name[name]
        if definition in wanted:
            continue
        wanted.add(definition)
        todo.extend(used for used in definition.uses if used in by_name)
    return [definition for definition in all_defs if definition in wanted]


def runtime_source() -> str:
    """The complete shared runtime as one stdlib-only module (the build's ``_runtime.py``)."""
    all_defs = definitions()
    used: set[str] = set()
    for definition in all_defs:
        used |= definition.uses
    # Imports only needed by annotations (never evaluated) are left out: they cost start-up.
    kept = [d for d in all_defs if not d.is_import or d.binds & used]
    body = "\n\n\n".join(definition.source for definition in kept)
    header = (
        '"""The run-time library of compiled edgeviews templates (generated; stdlib only)."""\n\n'
    )
    return header + "from __future__ import annotations\n\n" + body + "\n"


def runtime_names() -> set[str]:
    """Every name the runtime module defines."""
    names: set[str] = set()
    for definition in definitions():
        names |= definition.binds
    return names


def _table(module: str, variable: str) -> dict[str, str]:
    tree = ast.parse((HERE / module).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == variable for t in node.targets
        ):
            assert isinstance(node.value, ast.Dict)
            return {
                ast.literal_eval(key): ast.unparse(value)
                for key, value in zip(node.value.keys, node.value.values, strict=False)
                if key is not None
            }
    raise LookupError(variable)


FILTER_FUNCTIONS = _table("runtime_filters.py", "FILTERS")
TEST_FUNCTIONS = _table("runtime_tests.py", "TESTS")
