"""The code generator: one visit_<Node> method per Jinja AST node, emitting plain Python.

This module holds templates, blocks, includes, imports, output and the smaller statements;
expressions (expressions.py), ``for`` (loops.py) and macros (macros.py) are mixins over one
base (code_writer.py) that holds the state and the writing primitives.

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

from jinja2 import nodes
from jinja2.compiler import Frame, find_undeclared
from jinja2.nodes import EvalContext
from jinja2.visitor import NodeVisitor
from markupsafe import escape

from edgeviews.compiler.code_writer import CompilerExit
from edgeviews.compiler.loops import LoopGenerator
from edgeviews.compiler.macros import MacroGenerator

INLINE_ESCAPE = "".join(
    f".replace({old!r}, {new!r})"
    for old, new in (("&", "&amp;"), (">", "&gt;"), ("<", "&lt;"), ("'", "&#39;"), ('"', "&#34;"))
)


class CodeGenerator(LoopGenerator, MacroGenerator, NodeVisitor):
    """Generates the functions of one template: root, blocks, and their helpers."""

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

    def visit_OverlayScope(self, node: nodes.OverlayScope, frame: Frame) -> None:
        self.fail("overlay scopes are not supported", node.lineno)
