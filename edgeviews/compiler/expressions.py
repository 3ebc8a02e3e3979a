"""Expressions for the code generator: names, operators, lookups, filters, tests, calls.

A mixin of CodeGenerator (codegen.py), split off to keep each module about one thing: this
one turns Jinja expression nodes into Python expressions against the stdlib-only runtime.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import nodes
from jinja2.compiler import Frame, has_safe_repr
from jinja2.idtracking import VAR_LOAD_PARAMETER
from markupsafe import Markup

from edgeviews.compiler.catalog import FILTER_FUNCTIONS, TEST_FUNCTIONS
from edgeviews.compiler.code_writer import CodeWriter

OPERATORS = {
    "eq": "==",
    "ne": "!=",
    "gt": ">",
    "gteq": ">=",
    "lt": "<",
    "lteq": "<=",
    "in": "in",
    "notin": "not in",
}
LOOP_ATTRIBUTES = frozenset(
    (
        "index",
        "index0",
        "revindex",
        "revindex0",
        "first",
        "last",
        "length",
        "depth",
        "depth0",
        "previtem",
        "nextitem",
        "cycle",
        "changed",
    )
)
FOR_LOOP_PARAMETER = (VAR_LOAD_PARAMETER, "for")


class ExpressionGenerator(CodeWriter):
    """The visit_<Expr> methods of CodeGenerator."""

    def optimized(self, node: nodes.Expr, frame: Frame) -> nodes.Node | None:
        if frame.eval_ctx.volatile:
            return None  # jinja2 does not fold constants under a run-time autoescape mode
        new_node = self.optimizer.visit(node, frame.eval_ctx)
        if new_node != node:
            return new_node  # type: ignore[no-any-return]
        return None

    def visit_Name(self, node: nodes.Name, frame: Frame) -> None:
        storing = node.ctx == "store" and (frame.toplevel or frame.loop_frame or frame.block_frame)
        if storing and self._assign_stack:
            self._assign_stack[-1].add(node.name)
        ref = frame.symbols.ref(node.name)
        if node.ctx == "load":
            load = frame.symbols.find_load(ref)
            if not (
                load is not None
                and load[0] == VAR_LOAD_PARAMETER
                and not self.parameter_is_undeclared(ref)
            ):
                self.write(
                    f"({self.undefined_class()}(name={node.name!r}) if {ref} is missing else {ref})"
                )
                return
        self.write(ref)

    def visit_NSRef(self, node: nodes.NSRef, frame: Frame) -> None:
        ref = frame.symbols.ref(node.name)
        self.writeline(f"{ref}[{node.attr!r}]")

    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
        val = node.as_const(frame.eval_ctx)
        self.write(self.literal(val))

    def literal(self, val: Any) -> str:
        return python_literal(val)

    def visit_TemplateData(self, node: nodes.TemplateData, frame: Frame) -> None:
        try:
            self.write(self.literal(node.as_const(frame.eval_ctx)))
        except nodes.Impossible:
            # Under a run-time autoescape mode (volatile): jinja2 marks the text safe if the
            # mode escapes at run time.
            self.write(f"(Markup if {self.dynamic_autoescape()} else identity)({node.data!r})")

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        self.write("(")
        idx = -1
        for idx, item in enumerate(node.items):
            if idx:
                self.write(", ")
            self.visit(item, frame)
        self.write(",)" if idx == 0 else ")")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self.write("[")
        for idx, item in enumerate(node.items):
            if idx:
                self.write(", ")
            self.visit(item, frame)
        self.write("]")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self.write("{")
        for idx, item in enumerate(node.items):
            if idx:
                self.write(", ")
            self.visit(item.key, frame)
            self.write(": ")
            self.visit(item.value, frame)
        self.write("}")

    def binop(self, node: nodes.BinExpr, frame: Frame, op: str) -> None:
        new = self.optimized(node, frame)
        if new is not None:
            self.visit(new, frame)
            return
        self.write("(")
        self.visit(node.left, frame)
        self.write(f" {op} ")
        self.visit(node.right, frame)
        self.write(")")

    def unop(self, node: nodes.UnaryExpr, frame: Frame, op: str) -> None:
        new = self.optimized(node, frame)
        if new is not None:
            self.visit(new, frame)
            return
        self.write("(" + op)
        self.visit(node.node, frame)
        self.write(")")

    def visit_Add(self, node: nodes.Add, frame: Frame) -> None:
        self.binop(node, frame, "+")

    def visit_Sub(self, node: nodes.Sub, frame: Frame) -> None:
        self.binop(node, frame, "-")

    def visit_Mul(self, node: nodes.Mul, frame: Frame) -> None:
        self.binop(node, frame, "*")

    def visit_Div(self, node: nodes.Div, frame: Frame) -> None:
        self.binop(node, frame, "/")

    def visit_FloorDiv(self, node: nodes.FloorDiv, frame: Frame) -> None:
        self.binop(node, frame, "//")

    def visit_Pow(self, node: nodes.Pow, frame: Frame) -> None:
        self.binop(node, frame, "**")

    def visit_Mod(self, node: nodes.Mod, frame: Frame) -> None:
        self.binop(node, frame, "%")

    def visit_And(self, node: nodes.And, frame: Frame) -> None:
        self.binop(node, frame, "and")

    def visit_Or(self, node: nodes.Or, frame: Frame) -> None:
        self.binop(node, frame, "or")

    def visit_Pos(self, node: nodes.Pos, frame: Frame) -> None:
        self.unop(node, frame, "+")

    def visit_Neg(self, node: nodes.Neg, frame: Frame) -> None:
        self.unop(node, frame, "-")

    def visit_Not(self, node: nodes.Not, frame: Frame) -> None:
        self.unop(node, frame, "not ")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        new = self.optimized(node, frame)
        if new is not None:
            self.visit(new, frame)
            return
        if frame.eval_ctx.volatile:
            # jinja2 picks markup_join only if the eval context is volatile at run time,
            # which it never is: str_join.
            self.write("str_join((")
        else:
            self.write("markup_join((" if frame.eval_ctx.autoescape else "str_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        new = self.optimized(node, frame)
        if new is not None:
            self.visit(new, frame)
            return
        self.write("(")
        self.visit(node.expr, frame)
        for op in node.ops:
            self.visit(op, frame)
        self.write(")")

    def visit_Operand(self, node: nodes.Operand, frame: Frame) -> None:
        self.write(f" {OPERATORS[node.op]} ")
        self.visit(node.expr, frame)

    def undefined_arg(self) -> str:
        return "" if self.unit.undefined == "Undefined" else f", {self.unit.undefined}"

    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        new = self.optimized(node, frame)
        if new is not None:
            self.visit(new, frame)
            return
        light = self.light_loop_index(node, frame)
        if light is not None:
            self.write(
                {"index": f"({light} + 1)", "index0": light, "first": f"({light} == 0)"}[node.attr]
            )
            return
        if (
            isinstance(node.node, nodes.Name)
            and node.node.name == "loop"
            and node.attr in LOOP_ATTRIBUTES
            and self.is_loop_parameter(frame)
        ):
            # The loop variable of an enclosing for: a LoopContext, whose attribute exists.
            self.write(f"{frame.symbols.ref('loop')}.{node.attr}")
            return
        self.write("getattr_then_item(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r}{self.undefined_arg()})")

    def light_loop_index(self, node: nodes.Getattr, frame: Frame) -> str | None:
        """The enumerate() index variable if ``node`` is ``loop.x`` of a light loop."""
        if not (isinstance(node.node, nodes.Name) and node.node.name == "loop"):
            return None
        if not self.is_loop_parameter(frame):
            return None
        ref = frame.symbols.find_ref("loop")
        return self.light_loops.get(ref) if ref is not None else None

    def is_loop_parameter(self, frame: Frame) -> bool:
        """Whether ``loop`` here is the LoopContext of an enclosing for (not a macro argument)."""
        ref = frame.symbols.find_ref("loop")
        if ref is None:
            return False
        load = frame.symbols.find_load(ref)
        return load is not None and load == FOR_LOOP_PARAMETER

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        new = self.optimized(node, frame)
        if new is not None:
            self.visit(new, frame)
            return
        if isinstance(node.arg, nodes.Slice):
            literal = isinstance(node.node, nodes.Const) and not isinstance(
                node.node.value, (str, tuple, list)
            )
            # identity() keeps Python from warning about subscripting a number literal.
            self.write("identity(" if literal else "")
            self.visit(node.node, frame)
            self.write(")[" if literal else "[")
            self.visit(node.arg, frame)
            self.write("]")
        else:
            self.write("item_then_attr(")
            self.visit(node.node, frame)
            self.write(", ")
            self.visit(node.arg, frame)
            self.write(f"{self.undefined_arg()})")

    def visit_Slice(self, node: nodes.Slice, frame: Frame) -> None:
        if node.start is not None:
            self.visit(node.start, frame)
        self.write(":")
        if node.stop is not None:
            self.visit(node.stop, frame)
        if node.step is not None:
            self.write(":")
            self.visit(node.step, frame)

    def env_ref(self, frame: Frame) -> str:
        if self.unit.needs_autoescape_calls:
            # The mode stays as written (jinja2 reads its truth only inside the filters that
            # ask): an undefined mode must not fail a filter or test that never looks at it.
            return f"ENV.for_mode({self.dynamic_autoescape()})"
        return "ENV_AE" if frame.eval_ctx.autoescape else "ENV"

    @contextmanager
    def _filter_test_common(
        self, node: nodes.Filter | nodes.Test, frame: Frame, is_filter: bool
    ) -> Iterator[None]:
        table = FILTER_FUNCTIONS if is_filter else TEST_FUNCTIONS
        jinja_table = self.env.filters if is_filter else self.env.tests
        kind = "filter" if is_filter else "test"
        func = jinja_table.get(node.name)
        if node.name not in table or func is None:
            if not frame.soft_frame:
                self.fail(f"No {kind} named {node.name!r}.", node.lineno)
            self.write(f"missing_{kind}({node.name!r})(")
        else:
            self.write(f"{table[node.name]}(")
            if needs_env(node.name, is_filter):
                self.write(f"{self.env_ref(frame)}, ")
        if (is_filter and node.name in ("map", "select", "reject", "selectattr", "rejectattr")) or (
            not is_filter and node.name in ("filter", "test")
        ):
            self.note_dynamic_lookup(node)
        yield
        self.signature(node, frame)
        self.write(")")

    def note_dynamic_lookup(self, node: nodes.Filter | nodes.Test) -> None:
        """Filters and tests named by string arguments must be in the module's tables."""
        names = [
            arg.value
            for arg in node.args
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str)
        ]
        dynamic = (
            any(not isinstance(arg, nodes.Const) for arg in node.args) or node.dyn_args is not None
        )
        for name in names:
            if name in FILTER_FUNCTIONS:
                self.unit.filter_table.add(name)
            if name in TEST_FUNCTIONS:
                self.unit.test_table.add(name)
        if dynamic or node.kwargs:
            self.unit.any_filter_by_name = True

    def signature(
        self,
        node: nodes.Call | nodes.Filter | nodes.Test,
        frame: Frame,
        extra_kwargs: dict[str, str] | None = None,
    ) -> None:
        keys: list[str] = [str(x.key) for x in node.kwargs]
        kwarg_workaround = any(is_python_keyword(k) for k in [*keys, *(extra_kwargs or ())])
        first = True

        def sep() -> None:
            nonlocal first
            if not first:
                self.write(", ")
            first = False

        for arg in node.args:
            sep()
            self.visit(arg, frame)
        if not kwarg_workaround:
            for kwarg in node.kwargs:
                sep()
                self.visit(kwarg, frame)
            if extra_kwargs is not None:
                for key, value in extra_kwargs.items():
                    sep()
                    self.write(f"{key}={value}")
        if node.dyn_args:
            sep()
            self.write("*")
            self.visit(node.dyn_args, frame)
        if kwarg_workaround:
            sep()
            if node.dyn_kwargs is not None:
                self.write("**dict({")
            else:
                self.write("**{")
            for kwarg in node.kwargs:
                self.write(f"{kwarg.key!r}: ")
                self.visit(kwarg.value, frame)
                self.write(", ")
            if extra_kwargs is not None:
                for key, value in extra_kwargs.items():
                    self.write(f"{key!r}: {value}, ")
            if node.dyn_kwargs is not None:
                self.write("}, **")
                self.visit(node.dyn_kwargs, frame)
                self.write(")")
            else:
                self.write("}")
        elif node.dyn_kwargs is not None:
            sep()
            self.write("**")
            self.visit(node.dyn_kwargs, frame)

    def visit_Filter(self, node: nodes.Filter, frame: Frame) -> None:
        if node.node is not None:
            new = self.optimized(node, frame)
            if new is not None:
                self.visit(new, frame)
                return
        with self._filter_test_common(node, frame, True):
            if node.node is not None:
                self.visit(node.node, frame)
            elif frame.eval_ctx.volatile:
                self.write(
                    f"(Markup(''.join({frame.buffer})) if {self.dynamic_autoescape()}"
                    f" else ''.join({frame.buffer}))"
                )
            elif frame.eval_ctx.autoescape:
                self.write(f"Markup(''.join({frame.buffer}))")
            else:
                self.write(f"''.join({frame.buffer})")
            if node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
                self.write(", ")

    def visit_Test(self, node: nodes.Test, frame: Frame) -> None:
        new = self.optimized(node, frame)
        if new is not None:
            self.visit(new, frame)
            return
        with self._filter_test_common(node, frame, False):
            self.visit(node.node, frame)
            if node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
                self.write(", ")

    def visit_CondExpr(self, node: nodes.CondExpr, frame: Frame) -> None:
        new = self.optimized(node, frame)
        if new is not None:
            self.visit(new, frame)
            return
        frame = frame.soft()
        self.write("(")
        self.visit(node.expr1, frame)
        self.write(" if ")
        self.visit(node.test, frame)
        self.write(" else ")
        if node.expr2 is not None:
            self.visit(node.expr2, frame)
        else:
            self.write(
                f'Undefined("the inline if-expression on {self.position(node)} evaluated to false and'
                f' no else section was defined.")'
            )
        self.write(")")

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if not forward_caller:
            new = self.optimized(node, frame)
            if new is not None:
                self.visit(new, frame)
                return
        extra_kwargs = {"caller": "caller"} if forward_caller else None
        if isinstance(node.node, nodes.Getattr) and node.node.attr == "cycle":
            light = self.light_loop_index(node.node, frame)
            if light is not None:
                self.write("(")
                for arg in node.args:
                    self.visit(arg, frame)
                    self.write(", ")
                self.write(f")[{light} % {len(node.args)}]")
                return
        # Every call goes through a checker, as jinja2's context.call: a StopIteration from
        # the callable becomes an undefined value.
        if self.unit.needs_autoescape_calls:
            self.write(f"call_autoescaped({self.dynamic_autoescape()}, {self.undefined_class()}, ")
        else:
            self.write(f"call_checked({self.undefined_class()}, ")
        self.visit(node.node, frame)
        if node.args or node.kwargs or node.dyn_args or node.dyn_kwargs or extra_kwargs:
            self.write(", ")
        self.signature(node, frame, extra_kwargs)
        self.write(")")

    def visit_Keyword(self, node: nodes.Keyword, frame: Frame) -> None:
        self.write(node.key + "=")
        self.visit(node.value, frame)

    def visit_MarkSafe(self, node: nodes.MarkSafe, frame: Frame) -> None:
        self.write("Markup(")
        self.visit(node.expr, frame)
        self.write(")")

    def visit_MarkSafeIfAutoescape(self, node: nodes.MarkSafeIfAutoescape, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            self.write(f"(Markup if {self.dynamic_autoescape()} else identity)(")
        else:
            self.write("Markup(" if frame.eval_ctx.autoescape else "(")
        self.visit(node.expr, frame)
        self.write(")")

    def visit_InternalName(self, node: nodes.InternalName, frame: Frame) -> None:
        self.write(node.name)


def needs_env(name: str, is_filter: bool) -> bool:
    """Whether our port of a filter or test takes the Env first (as jinja2 passes environment)."""
    from edgeviews.compiler import runtime_filters, runtime_tests

    table = runtime_filters.FILTERS if is_filter else runtime_tests.TESTS
    return bool(getattr(table.get(name), "jinja_pass_arg", False))


def is_python_keyword(name: str) -> bool:
    import keyword

    return keyword.iskeyword(name)


def python_literal(val: Any) -> str:
    """Source text that evaluates to val in a generated module (Markup is the runtime's)."""
    if isinstance(val, Markup):
        return f"Markup({str(val)!r})"
    if isinstance(val, float):
        return (
            str(val)
            if val == val and val not in (float("inf"), float("-inf"))
            else f"float({str(val)!r})"
        )
    if isinstance(val, (tuple, list)):
        inner = ", ".join(python_literal(v) for v in val)
        if isinstance(val, tuple):
            return f"({inner},)" if len(val) == 1 else f"({inner})"
        return f"[{inner}]"
    if isinstance(val, dict):
        return (
            "{"
            + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in val.items())
            + "}"
        )
    if isinstance(val, (set, frozenset)):
        return f"{type(val).__name__}([{', '.join(python_literal(v) for v in val)}])"
    return repr(val)


def literal_ok(value: Any) -> bool:
    """Whether a value can be baked into generated source as a literal."""
    return has_safe_repr(value)
