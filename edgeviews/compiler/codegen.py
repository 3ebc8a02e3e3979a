"""The code generator: one visit_<Node> method per Jinja AST node, emitting plain Python.

It follows jinja2's own CodeGenerator closely (same frames and symbol tracking, so the
scoping of ``set`` in loops, macros and blocks is identical) but targets the stdlib-only
runtime in this package instead of jinja2.runtime, and a plain dict instead of a Context:

- ``ctx`` is the template context (jinja2's parent merged with vars); names resolve with
  ``ctx.get(name, missing)``, globals fall back to baked constants.
- ``out`` is the list output is appended to; ``blocks`` maps block names to the chain of
  block functions; ``exp`` collects the names a template exports to ``import``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jinja2 import nodes
from jinja2.compiler import Frame, MacroRef, find_undeclared
from jinja2.idtracking import (
    VAR_LOAD_ALIAS,
    VAR_LOAD_PARAMETER,
    VAR_LOAD_RESOLVE,
    VAR_LOAD_UNDEFINED,
)
from jinja2.nodes import EvalContext
from jinja2.optimizer import Optimizer
from jinja2.visitor import NodeVisitor
from markupsafe import escape

from edgeviews.compiler.errors import TemplateSyntaxError
from edgeviews.compiler.expressions import (
    FOR_LOOP_PARAMETER,
    ExpressionGenerator,
    Unit,
)

INLINE_ESCAPE = "".join(
    f".replace({old!r}, {new!r})"
    for old, new in (("&", "&amp;"), (">", "&gt;"), ("<", "&lt;"), ("'", "&#39;"), ('"', "&#34;"))
)
GLOBAL_DEFAULTS = {
    "range": "range",
    "dict": "dict",
    "lipsum": "generate_lorem_ipsum",
    "cycler": "Cycler",
    "joiner": "Joiner",
    "namespace": "Namespace",
}


class CompilerExit(Exception):
    """Stop visiting a body: everything after a known extends is dead code."""


class CodeGenerator(ExpressionGenerator, NodeVisitor):
    """Generates the functions of one template: root, blocks, and their helpers."""

    def __init__(self, unit: Unit, name: str, prefix: str) -> None:
        self.unit = unit
        self.env = unit.env
        self.name = name
        self.jinja_name: str | None = None if name == "<template>" else name
        self.prefix = prefix
        self.lines: list[str] = []
        self.line_map: list[tuple[int, int]] = []
        self._new_lines = 0
        self._first_write = True
        self._indentation = 0
        self._last_line = 0
        self._pending_line: int | None = None
        self._line_count = 0
        self._last_identifier = 0
        self._assign_stack: list[set[str]] = []
        self._param_def_block: list[set[str]] = []
        self._ctx_stack = ["ctx"]
        self.blocks: dict[str, nodes.Block] = {}
        self.extends_so_far = 0
        self.has_known_extends = False
        self.optimizer = Optimizer(self.env)
        self.light_loops: dict[str, str] = {}
        self._function_depth = 0
        self._jinja_functions: list[str] = ["root"]
        self.current: list[str] = []

    # -- writing

    def fail(self, msg: str, lineno: int) -> Any:
        raise TemplateSyntaxError(msg, name=self.name, lineno=lineno)

    def temporary_identifier(self) -> str:
        self._last_identifier += 1
        return f"t_{self._last_identifier}"

    def write(self, x: str) -> None:
        if self._new_lines:
            if not self._first_write:
                self.current.append("\n" * self._new_lines)
                self._line_count += self._new_lines
            self._first_write = False
            if self._pending_line is not None:
                # A readable pointer back to the template, and the map for error notes.
                self.current.append(f"{'    ' * self._indentation}# line {self._pending_line}\n")
                self._line_count += 1
                self.line_map.append((self._line_count, self._pending_line))
                self._pending_line = None
            self.current.append("    " * self._indentation)
            self._new_lines = 0
        self._line_count += x.count("\n")
        self.current.append(x)

    def writeline(self, x: str, node: nodes.Node | None = None, extra: int = 0) -> None:
        self.newline(node, extra)
        self.write(x)

    def newline(self, node: nodes.Node | None = None, extra: int = 0) -> None:
        self._new_lines = max(self._new_lines, 1 + extra)
        if node is not None and node.lineno != self._last_line:
            self._pending_line = node.lineno
            self._last_line = node.lineno

    def indent(self) -> None:
        self._indentation += 1

    def outdent(self, step: int = 1) -> None:
        self._indentation -= step

    def source(self) -> str:
        return "".join(self.current)

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = []")

    def return_buffer_contents(self, frame: Frame, force_unescaped: bool = False) -> None:
        if not force_unescaped and frame.eval_ctx.volatile:
            self.writeline(f"if {self.dynamic_autoescape()}:")
            self.indent()
            self.writeline(f"return Markup(''.join({frame.buffer}))")
            self.outdent()
        elif not force_unescaped and frame.eval_ctx.autoescape:
            self.writeline(f"return Markup(''.join({frame.buffer}))")
            return
        self.writeline(f"return ''.join({frame.buffer})")

    def start_write(self, frame: Frame, node: nodes.Node | None = None) -> None:
        self.writeline(f"{frame.buffer}.append(", node)

    def end_write(self, frame: Frame) -> None:
        self.write(")")

    def simple_write(self, s: str, frame: Frame, node: nodes.Node | None = None) -> None:
        self.start_write(frame, node)
        self.write(s)
        self.end_write(frame)

    def blockvisit(self, body: Iterable[nodes.Node], frame: Frame) -> None:
        try:
            self.writeline("pass")
            for node in body:
                self.visit(node, frame)
        except CompilerExit:
            pass

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            self.fail(f"the {type(node).__name__} construct is not supported", node.lineno)
        return method(node, *args, **kwargs)  # type: ignore[misc]

    # -- names and frames

    def undefined_class(self) -> str:
        return self.unit.undefined

    def enter_frame(self, frame: Frame) -> None:
        undefs = []
        for target, (action, param) in frame.symbols.loads.items():
            if action == VAR_LOAD_PARAMETER:
                pass
            elif action == VAR_LOAD_RESOLVE:
                self.writeline(f"{target} = {self.resolve_expr(param)}")
            elif action == VAR_LOAD_ALIAS:
                self.writeline(f"{target} = {param}")
            elif action == VAR_LOAD_UNDEFINED:
                undefs.append(target)
        if undefs:
            self.writeline(f"{' = '.join(undefs)} = missing")

    def resolve_expr(self, name: str) -> str:
        ctx = self._ctx_stack[-1]
        if name in self.unit.globals:
            return f"{ctx}.get({name!r}, GLOBALS[{name!r}])"
        if name in GLOBAL_DEFAULTS:
            return f"{ctx}.get({name!r}, {GLOBAL_DEFAULTS[name]})"
        return f"{ctx}.get({name!r}, missing)"

    def leave_frame(self, frame: Frame, with_python_scope: bool = False) -> None:
        if not with_python_scope:
            undefs = list(frame.symbols.loads)
            if undefs:
                self.writeline(f"{' = '.join(undefs)} = missing")

    def dump_local_context(self, frame: Frame) -> str:
        items = ", ".join(
            f"{name!r}: {target}" for name, target in frame.symbols.dump_stores().items()
        )
        return f"{{{items}}}"

    def derive_context(self, frame: Frame) -> str:
        return f"derive_context({self._ctx_stack[-1]}, {self.dump_local_context(frame)})"

    def position(self, node: nodes.Node) -> str:
        rv = f"line {node.lineno}"
        if self.jinja_name is not None:
            rv = f"{rv} in {self.jinja_name!r}"
        return rv

    def push_parameter_definitions(self, frame: Frame) -> None:
        self._param_def_block.append(frame.symbols.dump_param_targets())

    def pop_parameter_definitions(self) -> None:
        self._param_def_block.pop()

    def mark_parameter_stored(self, target: str) -> None:
        if self._param_def_block:
            self._param_def_block[-1].discard(target)

    def parameter_is_undeclared(self, target: str) -> bool:
        if not self._param_def_block:
            return False
        return target in self._param_def_block[-1]

    def push_assign_tracking(self) -> None:
        self._assign_stack.append(set())

    def pop_assign_tracking(self, frame: Frame) -> None:
        names = self._assign_stack.pop()
        if not frame.toplevel or frame.block_frame or frame.loop_frame or not names:
            return
        ctx = self._ctx_stack[-1]
        for name in sorted(names):
            self.writeline(f"{ctx}[{name!r}] = {frame.symbols.ref(name)}")
        public = sorted(x for x in names if x[:1] != "_")
        for name in public:
            self.writeline(f"exp.add({name!r})")

    # -- templates and blocks

    def template_ref(self, name: str) -> str:
        return f"T{self.unit.template_ids[name]}"

    def generate_template(self, node: nodes.Template) -> None:
        """Emit ``root`` (the body) and one function per block."""
        eval_ctx = EvalContext(self.env, self.jinja_name)
        have_extends = node.find(nodes.Extends) is not None
        for block in node.find_all(nodes.Block):
            if block.name in self.blocks:
                self.fail(f"block {block.name!r} defined twice", block.lineno)
            self.blocks[block.name] = block

        self.writeline(f"def {self.prefix}root(ctx, out, blocks, exp):", extra=1)
        self._jinja_functions = ["root"]
        self.indent()
        frame = Frame(eval_ctx)
        frame.buffer = "out"
        if "self" in find_undeclared(node.body, ("self",)):
            ref = frame.symbols.declare_parameter("self")
            self.writeline(
                f"{ref} = TemplateReference(ctx, blocks, {bool(self.env.autoescape)!r},"
                f" {self.undefined_class()}, blocks.get(CONTEXT_NAME, {self.jinja_name!r}))"
            )
        frame.symbols.analyze_node(node)
        frame.toplevel = frame.rootlevel = True
        frame.require_output_check = have_extends and not self.has_known_extends
        if have_extends:
            self.writeline("parent_template = None")
        self.enter_frame(frame)
        self.check_filters_exist(node.body)
        self.blockvisit(node.body, frame)
        self.leave_frame(frame, with_python_scope=True)
        if have_extends:
            if not self.has_known_extends:
                self.writeline("if parent_template is not None:")
                self.indent()
            self.writeline("parent_template.root(ctx, out, blocks, exp)")
            if not self.has_known_extends:
                self.outdent()
        self.outdent()

        for name, block in self.blocks.items():
            self.writeline(f"def {self.prefix}block_{name}(ctx, out, blocks):", block, 1)
            self._jinja_functions = [f"block_{name}"]
            self.indent()
            block_frame = Frame(eval_ctx)
            block_frame.buffer = "out"
            block_frame.block_frame = True
            undeclared = find_undeclared(block.body, ("self", "super"))
            if "self" in undeclared:
                ref = block_frame.symbols.declare_parameter("self")
                self.writeline(
                    f"{ref} = TemplateReference(ctx, blocks, {bool(self.env.autoescape)!r},"
                    f" {self.undefined_class()}, blocks.get(CONTEXT_NAME, {self.jinja_name!r}))"
                )
            if "super" in undeclared:
                ref = block_frame.symbols.declare_parameter("super")
                self.writeline(
                    f"{ref} = super_block(ctx, blocks, {name!r}, {self.prefix}block_{name},"
                    f" {bool(self.env.autoescape)!r}, {self.undefined_class()})"
                )
            block_frame.symbols.analyze_node(block)
            block_frame.block = name
            self.enter_frame(block_frame)
            self.check_filters_exist(block.body)
            self.blockvisit(block.body, block_frame)
            self.leave_frame(block_frame, with_python_scope=True)
            self.outdent()

    def generate_straight_render(self, node: nodes.Template) -> bool:
        """For a template that is text and expressions only: ``render`` as one f-string.

        No context object, no output list: resolve the names, evaluate each expression
        into a temporary, return the f-string. Returns False when the template needs more.
        """
        if not all(isinstance(child, nodes.Output) for child in node.body):
            return False
        if "self" in find_undeclared(node.body, ("self",)) or self.unit.needs_autoescape_calls:
            return False
        eval_ctx = EvalContext(self.env, self.jinja_name)
        self.writeline("def render(*args, **kwargs):", extra=1)
        self.indent()
        self.writeline(
            '"""Render the template; arguments as for jinja2.Template.render (a dict and/or keywords)."""'
        )
        # Nothing here writes to ctx, so a single dict argument is used as it is.
        self.writeline("if kwargs or len(args) != 1 or type(args[0]) is not dict:")
        self.indent()
        self.writeline("ctx = dict(*args, **kwargs)")
        self.outdent()
        self.writeline("else:")
        self.indent()
        self.writeline("ctx = args[0]")
        self.outdent()
        frame = Frame(eval_ctx)
        frame.buffer = "out"
        frame.symbols.analyze_node(node)
        frame.toplevel = frame.rootlevel = True
        self.writeline("try:")
        self.indent()
        self.writeline("pass")
        self.enter_frame(frame)
        pieces: list[str] = []
        seen_names: dict[str, str] = {}
        for output in node.body:
            assert isinstance(output, nodes.Output)
            for child in output.nodes:
                try:
                    const = child.as_const(frame.eval_ctx)
                    if frame.eval_ctx.autoescape:
                        const = escape(const)
                    pieces.append(str(const).replace("{", "{{").replace("}", "}}"))
                    continue
                except (nodes.Impossible, Exception):
                    pass
                temp = self.temporary_identifier()
                self.writeline(f"{temp} = ", child)
                if isinstance(child, nodes.Name) and child.name in seen_names:
                    # Printing a str twice gives the same text: reuse it (other types may not).
                    ref = frame.symbols.ref(child.name)
                    self.write(f"{seen_names[child.name]} if type({ref}) is str else ")
                elif isinstance(child, nodes.Name):
                    seen_names[child.name] = temp
                    if frame.eval_ctx.autoescape:
                        # The common case inline: a str variable, MarkupSafe's replacements.
                        ref = frame.symbols.ref(child.name)
                        self.write(f"{ref}{INLINE_ESCAPE} if type({ref}) is str else ")
                self.write("to_html(" if frame.eval_ctx.autoescape else "str(")
                self.visit(child, frame)
                self.write(")")
                pieces.append("{" + temp + "}")
        self.outdent()
        self.writeline("except Exception as error:")
        self.indent()
        self.writeline("add_template_note(error, LINES, globals())")
        self.writeline("raise")
        self.outdent()
        self.writeline("return f" + repr("".join(pieces)))
        self.outdent()
        return True

    def check_filters_exist(self, body: Iterable[nodes.Node]) -> None:
        """Unknown filters and tests fail at compile time unless inside if / inline if."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self.generate_template(node)

    def visit_Block(self, node: nodes.Block, frame: Frame) -> None:
        level = 0
        if frame.toplevel:
            if self.has_known_extends:
                return
            if self.extends_so_far > 0:
                self.writeline("if parent_template is None:")
                self.indent()
                level += 1
        context = self.derive_context(frame) if node.scoped else self._ctx_stack[-1]
        if node.required:
            self.writeline(f"if len(blocks[{node.name!r}]) <= 1:", node)
            self.indent()
            self.writeline(
                f'raise TemplateRuntimeError("Required block {node.name!r} not found")', node
            )
            self.outdent()
        if frame.buffer == "out" and not frame.block_frame and not frame.toplevel:
            pass
        self.writeline(f"blocks[{node.name!r}][0]({context}, {frame.buffer}, blocks)", node)
        self.outdent(level)

    def visit_Extends(self, node: nodes.Extends, frame: Frame) -> None:
        if not frame.toplevel:
            self.fail("cannot use extend from a non top-level scope", node.lineno)
        if self.extends_so_far > 0:
            if not self.has_known_extends:
                self.writeline("if parent_template is not None:")
                self.indent()
            self.writeline('raise TemplateRuntimeError("extended multiple times")')
            if self.has_known_extends:
                raise CompilerExit()
            self.outdent()
        self.writeline("parent_template = ", node)
        self.write_template_lookup(node.template, frame, "get_template")
        self.writeline("for name, parent_block in parent_template.blocks.items():")
        self.indent()
        self.writeline("blocks.setdefault(name, []).append(parent_block)")
        self.outdent()
        if frame.rootlevel:
            self.has_known_extends = True
        self.extends_so_far += 1

    def write_template_lookup(self, template: nodes.Expr, frame: Frame, func_name: str) -> None:
        """A compiled template record: static names directly, others by run-time lookup."""
        if (
            isinstance(template, nodes.Const)
            and isinstance(template.value, str)
            and func_name == "get_template"
        ) and template.value in self.unit.template_ids:
            self.write(self.template_ref(template.value))
            return
        self.write(f"{func_name}(TEMPLATES, ")
        self.visit(template, frame)
        self.write(")")

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        if node.ignore_missing:
            self.writeline("try:")
            self.indent()
        func_name = "get_or_select_template"
        if isinstance(node.template, nodes.Const):
            if isinstance(node.template.value, str):
                func_name = "get_template"
            elif isinstance(node.template.value, (tuple, list)):
                func_name = "select_template"
        elif isinstance(node.template, (nodes.Tuple, nodes.List)):
            func_name = "select_template"
        self.writeline("template = ", node)
        self.write_template_lookup(node.template, frame, func_name)
        if node.ignore_missing:
            self.outdent()
            self.writeline("except TemplateNotFound:")
            self.indent()
            self.writeline("pass")
            self.outdent()
            self.writeline("else:")
            self.indent()
        if node.with_context:
            self.writeline(
                f"template.root(include_context({self._ctx_stack[-1]}, {self.dump_local_context(frame)}),"
                f" {frame.buffer}, template.new_blocks(), set())"
            )
        else:
            # jinja2 yields this include straight into the function's output stream even
            # inside {% set %} or {% filter %} blocks (no buffer): so does ours.
            target = "out" if self._function_depth == 0 else frame.buffer
            self.writeline(f"{target}.extend(default_module(template)._body_stream)")
        if node.ignore_missing:
            self.outdent()

    def _import_common(self, node: nodes.Import | nodes.FromImport, frame: Frame) -> None:
        if not node.with_context:
            self.write("default_module(")
            self.write_template_lookup(node.template, frame, "get_template")
            self.write(")")
            return
        self.write("make_module(")
        self.write_template_lookup(node.template, frame, "get_template")
        self.write(f", include_context({self._ctx_stack[-1]}, {self.dump_local_context(frame)}))")

    def visit_Import(self, node: nodes.Import, frame: Frame) -> None:
        self.writeline(f"{frame.symbols.ref(node.target)} = ", node)
        if frame.toplevel:
            self.write(f"{self._ctx_stack[-1]}[{node.target!r}] = ")
        self._import_common(node, frame)
        if frame.toplevel and not node.target.startswith("_"):
            self.writeline(f"exp.discard({node.target!r})")

    def visit_FromImport(self, node: nodes.FromImport, frame: Frame) -> None:
        self.newline(node)
        self.write("included_template = ")
        self._import_common(node, frame)
        var_names = []
        discarded_names = []
        for name in node.names:
            if isinstance(name, tuple):
                name, alias = name
            else:
                alias = name
            ref = frame.symbols.ref(alias)
            self.writeline(f"{ref} = getattr(included_template, {name!r}, missing)")
            self.writeline(f"if {ref} is missing:")
            self.indent()
            position = self.position(node).replace("{", "{{").replace("}", "}}")
            message = (
                "the template {included_template.__name__!r}"
                f" (imported on {position})"
                f" does not export the requested name {name!r}"
            )
            self.writeline(f"{ref} = {self.undefined_class()}(f{message!r}, name={name!r})")
            self.outdent()
            if frame.toplevel:
                var_names.append(alias)
                if not alias.startswith("_"):
                    discarded_names.append(alias)
        for name in var_names:
            self.writeline(f"{self._ctx_stack[-1]}[{name!r}] = {frame.symbols.ref(name)}")
        for name in discarded_names:
            self.writeline(f"exp.discard({name!r})")

    # -- statements

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.require_output_check:
            if self.has_known_extends:
                return
            self.writeline("if parent_template is None:")
            self.indent()
        body: list[list[str] | nodes.Expr] = []
        for child in node.nodes:
            try:
                const = child.as_const(frame.eval_ctx)
                if self.constant_autoescape(frame):
                    const = escape(const)
                text = str(const)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(text)
            else:
                body.append([text])
        if len(body) == 1:
            self.writeline(f"{frame.buffer}.append(")
        else:
            self.writeline(f"{frame.buffer}.extend((")
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(repr("".join(item)) + ",")
            else:
                self.newline(item)
                if frame.eval_ctx.volatile:
                    self.write(f"(to_html if {self.dynamic_autoescape()} else str)(")
                else:
                    self.write("to_html(" if frame.eval_ctx.autoescape else "str(")
                self.visit(item, frame)
                self.write("),")
        self.outdent()
        self.writeline(")" if len(body) == 1 else "))")
        if frame.require_output_check:
            self.outdent()

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        loop_frame = frame.inner()
        loop_frame.loop_frame = True
        test_frame = frame.inner()
        else_frame = frame.inner()
        extended_loop = (
            node.recursive
            or "loop" in find_undeclared(node.iter_child_nodes(only=("body",)), ("loop",))
            or any(block.scoped for block in node.find_all(nodes.Block))
        )
        loop_ref = None
        light_index = None
        saved_light: str | None = None
        if extended_loop:
            loop_ref = loop_frame.symbols.declare_parameter("loop")
            # Mark the parameter as the for's own (a macro argument named loop is not).
            loop_frame.symbols.loads[loop_ref] = FOR_LOOP_PARAMETER
            saved_light = self.light_loops.pop(loop_ref, None)
            if light_loop_eligible(node):
                # Only loop.index/index0/first/cycle(...) are used: enumerate() is enough.
                light_index = self.temporary_identifier()
                self.light_loops[loop_ref] = light_index
        loop_frame.symbols.analyze_node(node, for_branch="body")
        if node.else_:
            else_frame.symbols.analyze_node(node, for_branch="else")
        if node.test:
            loop_filter_func = self.temporary_identifier()
            test_frame.symbols.analyze_node(node, for_branch="test")
            self.writeline(f"def {loop_filter_func}(fiter):", node.test)
            self.indent()
            self.enter_frame(test_frame)
            self.writeline("for ")
            self.visit(node.target, loop_frame)
            self.write(" in fiter:")
            self.indent()
            self.writeline("if ", node.test)
            self.visit(node.test, test_frame)
            self.write(":")
            self.indent()
            self.writeline("yield ")
            self.visit(node.target, loop_frame)
            self.outdent(3)
            self.leave_frame(test_frame, with_python_scope=True)
        if node.recursive:
            self.writeline("def loop(reciter, loop_render_func, depth=0):", node)
            self._jinja_functions.append("loop")
            self._function_depth += 1
            self.indent()
            if yields_directly(node.body + (node.else_ or [])):
                # jinja2's ``yield from`` for an include without context makes this loop
                # function a generator; rendering then fails joining it, as in jinja2.
                self.writeline("if 0:")
                self.indent()
                self.writeline("yield None")
                self.outdent()
            self.buffer(loop_frame)
            else_frame.buffer = loop_frame.buffer
        if extended_loop:
            self.writeline(f"{loop_ref} = missing")
        for name in node.find_all(nodes.Name):
            if name.ctx == "store" and name.name == "loop":
                self.fail("Can't assign to special loop variable in for-loop target", name.lineno)
        if node.else_:
            iteration_indicator = self.temporary_identifier()
            self.writeline(f"{iteration_indicator} = 1")
        self.writeline("for ", node)
        if light_index is not None:
            self.write(f"{light_index}, ")
        self.visit(node.target, loop_frame)
        if light_index is not None:
            self.write(" in enumerate(")
        elif extended_loop:
            self.write(f", {loop_ref} in LoopContext(")
        else:
            self.write(" in ")
        if node.test:
            self.write(f"{loop_filter_func}(")
        if node.recursive:
            self.write("reciter")
        else:
            self.visit(node.iter, frame)
        if node.test:
            self.write(")")
        if node.recursive:
            self.write(f", {self.undefined_class()}, loop_render_func, depth):")
        elif light_index is not None:
            self.write("):")
        else:
            self.write(f", {self.undefined_class()}):" if extended_loop else ":")
        self.indent()
        self.enter_frame(loop_frame)
        self.blockvisit(node.body, loop_frame)
        if loop_ref is not None:
            self.light_loops.pop(loop_ref, None)
            if saved_light is not None:
                self.light_loops[loop_ref] = saved_light
        if node.else_:
            self.writeline(f"{iteration_indicator} = 0")
        self.outdent()
        self.leave_frame(loop_frame, with_python_scope=node.recursive and not node.else_)
        if node.else_:
            self.writeline(f"if {iteration_indicator}:")
            self.indent()
            self.enter_frame(else_frame)
            self.blockvisit(node.else_, else_frame)
            self.leave_frame(else_frame)
            self.outdent()
        if node.recursive:
            self.return_buffer_contents(loop_frame)
            self.outdent()
            self._jinja_functions.pop()
            self._function_depth -= 1
            self.start_write(frame, node)
            self.write("loop(")
            self.visit(node.iter, frame)
            self.write(", loop)")
            self.end_write(frame)
        if self._assign_stack:
            self._assign_stack[-1].difference_update(loop_frame.symbols.stores)

    def visit_If(self, node: nodes.If, frame: Frame) -> None:
        if_frame = frame.soft()
        self.writeline("if ", node)
        self.visit(node.test, if_frame)
        self.write(":")
        self.indent()
        self.blockvisit(node.body, if_frame)
        self.outdent()
        for elif_ in node.elif_:
            self.writeline("elif ", elif_)
            self.visit(elif_.test, if_frame)
            self.write(":")
            self.indent()
            self.blockvisit(elif_.body, if_frame)
            self.outdent()
        if node.else_:
            self.writeline("else:")
            self.indent()
            self.blockvisit(node.else_, if_frame)
            self.outdent()

    def macro_body(
        self, node: nodes.Macro | nodes.CallBlock, frame: Frame
    ) -> tuple[Frame, MacroRef]:
        frame = frame.inner()
        frame.symbols.analyze_node(node)
        macro_ref = MacroRef(node)
        explicit_caller = None
        skip_special_params = set()
        args = []
        for idx, arg in enumerate(node.args):
            if arg.name == "caller":
                explicit_caller = idx
            if arg.name in ("kwargs", "varargs"):
                skip_special_params.add(arg.name)
            args.append(frame.symbols.ref(arg.name))
        undeclared = find_undeclared(node.body, ("caller", "kwargs", "varargs"))
        if "caller" in undeclared:
            if explicit_caller is not None:
                try:
                    node.defaults[explicit_caller - len(node.args)]
                except IndexError:
                    self.fail(
                        "When defining macros or call blocks the "
                        'special "caller" argument must be omitted '
                        "or be given a default.",
                        node.lineno,
                    )
            else:
                args.append(frame.symbols.declare_parameter("caller"))
            macro_ref.accesses_caller = True
        if "kwargs" in undeclared and "kwargs" not in skip_special_params:
            args.append(frame.symbols.declare_parameter("kwargs"))
            macro_ref.accesses_kwargs = True
        if "varargs" in undeclared and "varargs" not in skip_special_params:
            args.append(frame.symbols.declare_parameter("varargs"))
            macro_ref.accesses_varargs = True
        frame.require_output_check = False
        frame.symbols.analyze_node(node)
        self.writeline(f"def macro({', '.join(args)}):", node)
        self._function_depth += 1
        self._jinja_functions.append("macro")
        self.indent()
        quirk = yields_directly(node.body)
        if quirk:
            # jinja2 emits ``yield from`` for an include without context, which turns its
            # macro function into a generator: calling the macro gives the generator object.
            self.writeline("if 0:")
            self.indent()
            self.writeline("yield None")
            self.outdent()
        self.buffer(frame)
        self.enter_frame(frame)
        self.push_parameter_definitions(frame)
        for idx, arg in enumerate(node.args):
            ref = frame.symbols.ref(arg.name)
            self.writeline(f"if {ref} is missing:")
            self.indent()
            try:
                default = node.defaults[idx - len(node.args)]
            except IndexError:
                self.writeline(
                    f'{ref} = {self.undefined_class()}("parameter {arg.name!r} was not provided",'
                    f" name={arg.name!r})"
                )
            else:
                self.writeline(f"{ref} = ")
                self.visit(default, frame)
            self.mark_parameter_stored(ref)
            self.outdent()
        self.pop_parameter_definitions()
        self.blockvisit(node.body, frame)
        self.return_buffer_contents(frame, force_unescaped=True)
        self.leave_frame(frame, with_python_scope=True)
        self.outdent()
        if quirk:
            self.writeline(f"macro.__qualname__ = {'.<locals>.'.join(self._jinja_functions)!r}")
        self._jinja_functions.pop()
        self._function_depth -= 1
        return frame, macro_ref

    def macro_def(self, macro_ref: MacroRef, frame: Frame) -> None:
        arg_tuple = ", ".join(repr(x.name) for x in macro_ref.node.args)
        name = getattr(macro_ref.node, "name", None)
        if len(macro_ref.node.args) == 1:
            arg_tuple += ","
        self.write(
            f"Macro(macro, {name!r}, ({arg_tuple}),"
            f" {macro_ref.accesses_kwargs!r}, {macro_ref.accesses_varargs!r},"
            f" {macro_ref.accesses_caller!r}, {self.definition_autoescape(frame)}, {self.undefined_class()})"
        )

    def visit_Macro(self, node: nodes.Macro, frame: Frame) -> None:
        macro_frame, macro_ref = self.macro_body(node, frame)
        self.newline()
        if frame.toplevel:
            if not node.name.startswith("_"):
                self.write(f"exp.add({node.name!r})")
            self.writeline(f"{self._ctx_stack[-1]}[{node.name!r}] = ")
        self.write(f"{frame.symbols.ref(node.name)} = ")
        self.macro_def(macro_ref, macro_frame)

    def visit_CallBlock(self, node: nodes.CallBlock, frame: Frame) -> None:
        call_frame, macro_ref = self.macro_body(node, frame)
        self.writeline("caller = ")
        self.macro_def(macro_ref, call_frame)
        self.start_write(frame, node)
        self.visit_Call(node.call, frame, forward_caller=True)
        self.end_write(frame)

    def visit_FilterBlock(self, node: nodes.FilterBlock, frame: Frame) -> None:
        filter_frame = frame.inner()
        filter_frame.symbols.analyze_node(node)
        self.enter_frame(filter_frame)
        self.buffer(filter_frame)
        self.blockvisit(node.body, filter_frame)
        self.start_write(frame, node)
        self.visit_Filter(node.filter, filter_frame)
        self.end_write(frame)
        self.leave_frame(filter_frame)

    def visit_With(self, node: nodes.With, frame: Frame) -> None:
        with_frame = frame.inner()
        with_frame.symbols.analyze_node(node)
        self.enter_frame(with_frame)
        for target, expr in zip(node.targets, node.values, strict=False):
            self.newline()
            self.visit(target, with_frame)
            self.write(" = ")
            self.visit(expr, frame)
        self.blockvisit(node.body, with_frame)
        self.leave_frame(with_frame)

    def visit_ExprStmt(self, node: nodes.ExprStmt, frame: Frame) -> None:
        self.newline(node)
        self.visit(node.node, frame)

    def visit_Assign(self, node: nodes.Assign, frame: Frame) -> None:
        self.push_assign_tracking()
        seen_refs: set[str] = set()
        for nsref in node.find_all(nodes.NSRef):
            if nsref.name in seen_refs:
                continue
            seen_refs.add(nsref.name)
            ref = frame.symbols.ref(nsref.name)
            self.writeline(f"if not isinstance({ref}, Namespace):", node)
            self.indent()
            self.writeline(
                'raise TemplateRuntimeError("cannot assign attribute on non-namespace object")'
            )
            self.outdent()
        self.newline(node)
        self.visit(node.target, frame)
        self.write(" = ")
        self.visit(node.node, frame)
        self.pop_assign_tracking(frame)

    def visit_AssignBlock(self, node: nodes.AssignBlock, frame: Frame) -> None:
        self.push_assign_tracking()
        block_frame = frame.inner()
        block_frame.require_output_check = False
        block_frame.symbols.analyze_node(node)
        self.enter_frame(block_frame)
        self.buffer(block_frame)
        self.blockvisit(node.body, block_frame)
        self.newline(node)
        self.visit(node.target, frame)
        if self.unit.needs_autoescape_calls:
            self.write(f" = (Markup if {self.dynamic_autoescape()} else identity)(")
        else:
            self.write(" = Markup(" if frame.eval_ctx.autoescape else " = (")
        if node.filter is not None:
            self.visit_Filter(node.filter, block_frame)
        else:
            self.write(f"''.join({block_frame.buffer})")
        self.write(")")
        self.pop_assign_tracking(frame)
        self.leave_frame(block_frame)

    def visit_Continue(self, node: nodes.Continue, frame: Frame) -> None:
        self.writeline("continue", node)

    def visit_Break(self, node: nodes.Break, frame: Frame) -> None:
        self.writeline("break", node)

    def visit_Scope(self, node: nodes.Scope, frame: Frame) -> None:
        scope_frame = frame.inner()
        scope_frame.symbols.analyze_node(node)
        self.enter_frame(scope_frame)
        self.blockvisit(node.body, scope_frame)
        self.leave_frame(scope_frame)

    def visit_ScopedEvalContextModifier(
        self, node: nodes.ScopedEvalContextModifier, frame: Frame
    ) -> None:
        values = {}
        dynamic = None
        for keyword in node.options:
            try:
                values[keyword.key] = keyword.value.as_const(frame.eval_ctx)
            except nodes.Impossible:
                dynamic = keyword
        # jinja2 also sets the mode on the context's eval context at run time: macros called
        # from inside the block (and their callers) see it. Ours keeps it in the block chain.
        saved_state = self.temporary_identifier()
        self.writeline(f"{saved_state} = {self.dynamic_autoescape()}", node)
        if dynamic is not None:
            value = self.temporary_identifier()
            self.writeline(f"{value} = ")
            self.visit(dynamic.value, frame)
            self.writeline(f"blocks[AUTOESCAPE_STATE] = {value}")
            # The mode is known only at run time: as jinja2, the compile-time mode stays the
            # enclosing one (constants are folded with it) and the frame becomes volatile:
            # every mode-dependent point reads the run-time mode, here and in macros defined
            # here, whenever they run.
            saved_ctx = frame.eval_ctx.save()
            for key, const in values.items():
                setattr(frame.eval_ctx, key, const)
            frame.eval_ctx.volatile = True
            self.blockvisit(node.body, frame)
            frame.eval_ctx.revert(saved_ctx)
        else:
            if "autoescape" in values:
                self.writeline(f"blocks[AUTOESCAPE_STATE] = {values['autoescape']!r}")
            saved_ctx = frame.eval_ctx.save()
            for key, const in values.items():
                setattr(frame.eval_ctx, key, const)
            for child in node.body:
                self.visit(child, frame)
            frame.eval_ctx.revert(saved_ctx)
        self.writeline(f"blocks[AUTOESCAPE_STATE] = {saved_state}")

    def constant_autoescape(self, frame: Frame) -> bool:
        """The mode constants are escaped with at compile time (under a run-time mode, jinja2
        keeps the enclosing compile-time mode and folds constant output with it)."""
        return bool(frame.eval_ctx.autoescape)

    def definition_autoescape(self, frame: Frame) -> str:
        """A macro's default mode: jinja2 reads the context's mode where the macro is defined."""
        if self.unit.needs_autoescape_calls:
            return self.dynamic_autoescape()
        return repr(bool(frame.eval_ctx.autoescape))

    def dynamic_autoescape(self) -> str:
        """The context's autoescape mode at run time (jinja2's ``context.eval_ctx.autoescape``)."""
        return f"blocks.get(AUTOESCAPE_STATE, {bool(self.env.autoescape)!r})"

    def visit_OverlayScope(self, node: nodes.OverlayScope, frame: Frame) -> None:
        self.fail("overlay scopes are not supported", node.lineno)


def yields_directly(body: list[nodes.Node]) -> bool:
    """Whether jinja2 would put a ``yield`` in this function body (include without context)."""
    for node in body:
        if isinstance(node, nodes.Include) and not node.with_context:
            return True
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            continue
        if isinstance(node, nodes.For) and node.recursive:
            continue
        if yields_directly(list(node.iter_child_nodes())):
            return True
    return False


LIGHT_LOOP_ATTRIBUTES = frozenset(("index", "index0", "first", "cycle"))


def light_loop_eligible(node: nodes.For) -> bool:
    """Whether every use of ``loop`` in the body is index/index0/first or cycle(a, b, ...)."""
    if node.recursive or any(block.scoped for block in node.find_all(nodes.Block)):
        return False
    # Included templates and imports with context receive the body's locals, loop among them.
    for other in node.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
        if getattr(other, "with_context", False):
            return False

    def uses_ok(
        current: nodes.Node, parent: nodes.Node | None, grandparent: nodes.Node | None
    ) -> bool:
        if isinstance(current, nodes.Name) and current.name == "loop":
            if not (isinstance(parent, nodes.Getattr) and parent.attr in LIGHT_LOOP_ATTRIBUTES):
                return False
            if parent.attr == "cycle":
                return (
                    isinstance(grandparent, nodes.Call)
                    and grandparent.node is parent
                    and bool(grandparent.args)
                    and not (grandparent.kwargs or grandparent.dyn_args or grandparent.dyn_kwargs)
                )
            return True
        if isinstance(current, (nodes.For, nodes.Macro, nodes.CallBlock)):
            return not any(name.name == "loop" for name in current.find_all(nodes.Name))
        return all(uses_ok(child, current, parent) for child in current.iter_child_nodes())

    return all(uses_ok(child, node, None) for child in node.body)
