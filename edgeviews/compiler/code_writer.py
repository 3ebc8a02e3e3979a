"""The code generator's base: output lines, indentation, `# line N` markers, names and frames.

Split from codegen.py so that the expression mixin and the statement mixins (loops, macros)
share one base that holds the generator's state and declares everything they write with.
`Unit` lives here because every generator is built over one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import Frame
from jinja2.idtracking import (
    VAR_LOAD_ALIAS,
    VAR_LOAD_PARAMETER,
    VAR_LOAD_RESOLVE,
    VAR_LOAD_UNDEFINED,
)
from jinja2.optimizer import Optimizer

from edgeviews.compiler.errors import TemplateSyntaxError

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


class Unit:
    """What all templates of one compiled module share: names, options, tables."""

    def __init__(
        self,
        env: jinja2.Environment,
        template_ids: dict[str, int],
        globals_: dict[str, Any],
    ) -> None:
        self.env = env
        self.template_ids = template_ids
        self.globals = globals_
        self.undefined = {
            jinja2.StrictUndefined: "StrictUndefined",
            jinja2.ChainableUndefined: "ChainableUndefined",
        }.get(env.undefined, "Undefined")
        self.filter_table: set[str] = set()
        self.test_table: set[str] = set()
        self.any_filter_by_name = False
        self.needs_autoescape_calls = False


class CodeWriter:
    """The state of one template's generator and the primitives every visit_* writes with."""

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

    # -- autoescape modes

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
