"""``Env``: what filters and tests ask of jinja2's Environment, EvalContext and Context.

jinja2 passes those three objects to some filters; here one ``Env`` per compiled template
(and autoescape mode) answers the few questions they ask, and ``pass_env`` marks the
filters and tests that take it first.
"""

from __future__ import annotations

from typing import Any

from edgeviews.compiler.runtime_errors import TemplateRuntimeError
from edgeviews.compiler.runtime_undefined import Undefined, getattr_then_item, item_then_attr


def pass_env(func: Any) -> Any:
    """Mark a filter or test that takes the Env first (jinja2's pass_environment & co)."""
    func.jinja_pass_arg = True
    return func


class Env:
    """What filters ask of jinja2's Environment, EvalContext and Context, in one object."""

    is_async = False

    def __init__(
        self,
        undefined: type[Undefined],
        autoescape: Any,
        newline_sequence: str,
        filters: dict[str, Any],
        tests: dict[str, Any],
    ) -> None:
        self.undefined = undefined
        self.autoescape = autoescape
        self.newline_sequence = newline_sequence
        self.filters = filters
        self.tests = tests
        self._other_mode: Env | None = None
        self.environment = self
        self.eval_ctx = self
        self.policies: dict[str, Any] = {
            "urlize.rel": "noopener",
            "urlize.target": None,
            "urlize.extra_schemes": None,
            "truncate.leeway": 5,
            "json.dumps_function": None,
            "json.dumps_kwargs": {"sort_keys": True},
        }

    def with_autoescape(self, autoescape: Any) -> Env:
        """The same environment seen from a region with other autoescaping."""
        return Env(self.undefined, autoescape, self.newline_sequence, self.filters, self.tests)

    def for_mode(self, mode: Any) -> Env:
        """The Env a region with a run-time ``{% autoescape expr %}`` mode sees.

        The mode is kept as given, not made a bool: jinja2's eval context keeps it so, and
        takes its truth only where a filter reads it, so an undefined mode under strict
        undefined fails there and not before (a filter that never reads it fails on its own).
        """
        if mode is self.autoescape:
            return self
        if type(mode) is not bool:
            return self.with_autoescape(mode)
        other = self._other_mode
        if other is None or other.autoescape is not mode:
            other = self._other_mode = self.with_autoescape(mode)
        return other

    def getattr(self, obj: Any, attribute: str) -> Any:
        return getattr_then_item(obj, attribute, self.undefined)

    def getitem(self, obj: Any, argument: Any) -> Any:
        return item_then_attr(obj, argument, self.undefined)

    def call_filter(
        self, name: Any, value: Any, args: Any = None, kwargs: Any = None, context: Any = None
    ) -> Any:
        return self._call(self.filters, "filter", name, value, args, kwargs)

    def call_test(
        self, name: Any, value: Any, args: Any = None, kwargs: Any = None, context: Any = None
    ) -> Any:
        return self._call(self.tests, "test", name, value, args, kwargs)

    def _call(
        self, table: dict[str, Any], type_name: str, name: Any, value: Any, args: Any, kwargs: Any
    ) -> Any:
        func = table.get(name)
        if func is None:
            msg = f"No {type_name} named {name!r}."
            if isinstance(name, Undefined):
                try:
                    name._fail_with_undefined_error()
                except Exception as e:
                    msg = f"{msg} ({e}; did you forget to quote the callable name?)"
            raise TemplateRuntimeError(msg)
        call_args = [value, *(args if args is not None else ())]
        if getattr(func, "jinja_pass_arg", False):
            call_args.insert(0, self)
        return func(*call_args, **(kwargs if kwargs is not None else {}))
