"""From template sources to one module: which templates, their code, the runtime they need."""

from __future__ import annotations

import ast
from typing import Any

from jinja2 import nodes

from edgeviews.compiler import catalog
from edgeviews.compiler.code_writer import Unit
from edgeviews.compiler.codegen import CodeGenerator
from edgeviews.compiler.errors import TemplateSyntaxError
from edgeviews.compiler.expressions import literal_ok, python_literal
from edgeviews.compiler.parsing import make_environment, parse_template

HEADER = '''"""Compiled from the Jinja template {name} by edgeviews. Do not edit: edit the template."""

from __future__ import annotations
'''


def referenced_names(tree: nodes.Template) -> tuple[set[str], bool]:
    """Template names a template refers to statically, and whether any is dynamic."""
    names: set[str] = set()
    dynamic = False
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        template: Any = getattr(node, "template", None)
        if isinstance(template, nodes.Const) and isinstance(template.value, str):
            names.add(template.value)
        elif isinstance(template, nodes.Const) and isinstance(template.value, (list, tuple)):
            names.update(v for v in template.value if isinstance(v, str))
        elif isinstance(template, (nodes.List, nodes.Tuple)) and all(
            isinstance(i, nodes.Const) for i in template.items
        ):
            names.update(
                v for v in (getattr(i, "value", None) for i in template.items) if isinstance(v, str)
            )
        else:
            dynamic = True
    return names, dynamic


UNCONDITIONAL = (
    nodes.With,
    nodes.FilterBlock,
    nodes.AssignBlock,
    nodes.ScopedEvalContextModifier,
    nodes.Scope,
)


def unconditional_names(body: list[nodes.Node]) -> set[str]:
    """Templates named by a constant that every render loads (not under if/for/macro/block)."""
    names: set[str] = set()
    for node in body:
        if isinstance(node, (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
            template: Any = getattr(node, "template", None)
            ignore = isinstance(node, nodes.Include) and node.ignore_missing
            if isinstance(template, nodes.Const) and isinstance(template.value, str) and not ignore:
                names.add(template.value)
        elif isinstance(node, UNCONDITIONAL):
            names |= unconditional_names(list(node.iter_child_nodes()))
    return names


def compile_source(
    source: str,
    *,
    name: str = "<template>",
    templates: dict[str, str] | None = None,
    globals: dict[str, Any] | None = None,
    runtime_import: str | None = None,
    **options: Any,
) -> str:
    """Compile a Jinja template into the Python source of a standalone module."""
    env = make_environment(options)
    templates = dict(templates or {})
    globals_ = dict(globals or {})
    for key, value in globals_.items():
        if not literal_ok(value):
            raise TemplateSyntaxError(
                f"global {key!r} is not a literal (str, int, float, bool, None, list, tuple, dict)",
                name=name,
                lineno=None,
            )
    # Parse the main template, then every template it can reach.
    trees: dict[str, nodes.Template] = {name: parse_template(env, source, name)}
    order = [name]
    pending = [name]
    include_all = False
    broken: dict[str, TemplateSyntaxError] = {}
    while pending:
        current = pending.pop()
        refs, dynamic = referenced_names(trees[current])
        if dynamic and not include_all:
            include_all = True
            refs |= set(templates)
        for ref in sorted(refs):
            if ref in trees or ref not in templates:
                continue
            order.append(ref)
            try:
                trees[ref] = parse_template(env, templates[ref], ref)
            except TemplateSyntaxError as error:
                broken[ref] = error
                continue
            pending.append(ref)
    # Templates named by constants from the main template (transitively) must compile: a
    # build should fail early. One reachable only through a variable name fails when it is
    # loaded, as in jinja2.
    # A template every render of the main one loads must compile: the build fails early, where
    # jinja2 would fail on every render. Others fail when (if ever) they are loaded, as in jinja2.
    required = {name}
    todo = [name]
    while todo:
        current = todo.pop()
        tree = trees.get(current)
        for ref in unconditional_names(tree.body) if tree is not None else set():
            if ref not in required:
                required.add(ref)
                todo.append(ref)
    for template_name in order:
        if template_name in broken and template_name in required:
            raise broken[template_name]
    template_ids = {template_name: index for index, template_name in enumerate(order)}
    unit = Unit(env, template_ids, globals_)
    unit.needs_autoescape_calls = any(
        tree.find(nodes.ScopedEvalContextModifier) is not None
        or tree.find(nodes.EvalContextModifier) is not None
        for tree in trees.values()
    )
    parts: list[str] = []
    line_maps: list[tuple[int, str, list[tuple[int, int]]]] = []
    records: list[str] = []
    for template_name in order:
        index = template_ids[template_name]
        generator = CodeGenerator(unit, template_name, f"t{index}_")
        if template_name in broken:
            failure = broken[template_name]
            code = (
                f"def t{index}_root(ctx, out, blocks, exp):\n"
                f"    raise TemplateSyntaxError({failure.message!r}, {failure.lineno!r}, {template_name!r})"
            )
        else:
            try:
                generator.generate_template(trees[template_name])
                code = generator.source()
            except TemplateSyntaxError as failure:
                if template_name in required:
                    raise
                generator = CodeGenerator(unit, template_name, f"t{index}_")
                code = (
                    f"def t{index}_root(ctx, out, blocks, exp):\n"
                    f"    raise TemplateAssertionError({failure.message!r}, {failure.lineno!r}, {template_name!r})"
                )
        parts.append(f"# template {template_name!r}\n" + code.lstrip("\n"))
        line_maps.append((len(parts) - 1, template_name, generator.line_map))
        blocks = ", ".join(f"{block!r}: t{index}_block_{block}" for block in generator.blocks)
        records.append(
            f"T{index} = CompiledTemplate({template_name!r}, t{index}_root, {{{blocks}}}, {generator.jinja_name!r})"
        )
    main_tree = trees[name]
    has_blocks = (
        main_tree.find(nodes.Block) is not None or main_tree.find(nodes.Extends) is not None
    )
    render_code = RENDER.format(
        blocks="T0.new_blocks()" if has_blocks else "{}",
        exported="set()" if "exp." in parts[0] or main_tree.find(nodes.Extends) else "None",
    )
    fast = CodeGenerator(unit, name, "t0_")
    fast.line_map = []
    if fast.generate_straight_render(trees[name]):
        render_code = fast.source().lstrip("\n") + "\n"
        line_maps.append((len(parts), name, fast.line_map))
        parts.append("")
    return _module(
        name, unit, parts, line_maps, records, include_all, runtime_import, env, render_code
    )


def _module(
    name: str,
    unit: Unit,
    parts: list[str],
    line_maps: list[tuple[int, str, list[tuple[int, int]]]],
    records: list[str],
    include_all: bool,
    runtime_import: str | None,
    env: Any,
    render_code: str,
) -> str:
    code = "".join(parts)
    lines: list[str] = []
    if "GLOBALS" in code or "GLOBALS" in render_code:
        lines.append(f"GLOBALS = {python_literal(unit.globals)}")
    if "ENV" in code or "ENV" in render_code:
        needs_table = unit.any_filter_by_name
        filters = "FILTERS" if needs_table else _table(unit.filter_table, catalog.FILTER_FUNCTIONS)
        tests = "TESTS" if needs_table else _table(unit.test_table, catalog.TEST_FUNCTIONS)
        lines.append(
            f"ENV = Env({unit.undefined}, False, {env.newline_sequence!r}, {filters}, {tests})"
        )
        lines.append("ENV_AE = ENV.with_autoescape(True)")
    body = "\n".join(lines) + "\n\n" if lines else ""
    abs_lines: dict[int, tuple[str, int]] = {}
    offset = body.count("\n")
    for (_index, template_name, line_map), part in zip(line_maps, parts, strict=False):
        if not part:
            continue
        for rel, lineno in line_map:
            abs_lines[offset + rel + 2] = (template_name, lineno)
        body += part + "\n\n"
        offset = body.count("\n")
    body += "\n".join(records) + "\n"
    body += "TEMPLATES = {" + ", ".join(f"T{i}.name: T{i}" for i in range(len(records))) + "}\n\n\n"
    offset = body.count("\n")
    for _index, template_name, line_map in line_maps[len(records) :]:
        for rel, lineno in line_map:
            abs_lines[offset + rel + 1] = (template_name, lineno)
    body += render_code
    body += f"\n\nLINES = {abs_lines!r}\n"
    # Which runtime names does the generated code use?
    used = _loaded_names(body)
    runtime_names = catalog.runtime_names()
    needed = used & runtime_names
    header = HEADER.format(name=name)
    if runtime_import is not None:
        import_line = (
            f"from {runtime_import} import {', '.join(sorted(needed))}\n" if needed else ""
        )
        prefix = header + "\n" + import_line + "\n\n"
    else:
        definitions = catalog.select(needed)
        runtime_code = "\n\n\n".join(d.source for d in definitions)
        prefix = header + "\n" + runtime_code + "\n\n\n" if runtime_code else header + "\n\n"
    shift = prefix.count("\n")
    body = body.replace(
        f"LINES = {abs_lines!r}", f"LINES = { {k + shift: v for k, v in abs_lines.items()}!r}"
    )
    return prefix + body


RENDER = '''def render(*args, **kwargs):
    """Render the template; arguments as for jinja2.Template.render (a dict and/or keywords)."""
    ctx = dict(*args, **kwargs)
    out = []
    try:
        t0_root(ctx, out, {blocks}, {exported})
    except Exception as error:
        add_template_note(error, LINES, globals())
        raise
    return "".join(out)
'''


def _table(names: set[str], functions: dict[str, str]) -> str:
    return "{" + ", ".join(f"{name!r}: {functions[name]}" for name in sorted(names)) + "}"


def _loaded_names(source: str) -> set[str]:
    tree = ast.parse(source)
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
