"""``{% for %}``: loop frames, LoopContext or a light enumerate(), recursive loops, else.

A mixin of CodeGenerator (codegen.py); ``yields_directly`` is shared with macros.py.
"""

from __future__ import annotations

from jinja2 import nodes
from jinja2.compiler import Frame, find_undeclared

from edgeviews.compiler.expressions import FOR_LOOP_PARAMETER, ExpressionGenerator


class LoopGenerator(ExpressionGenerator):
    """The visit_For method of CodeGenerator."""

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
