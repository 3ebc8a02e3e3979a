"""Calls from template code: macros bind their arguments, and a StopIteration becomes undefined.

``call_checked`` is jinja2's ``Context.call``; ``call_autoescaped`` also tells a macro the
caller's autoescape mode, as jinja2's eval context does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from edgeviews.compiler.runtime_markup import Markup
from edgeviews.compiler.runtime_undefined import Undefined, missing


def call_checked(undefined: type[Undefined], func: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Call as jinja2's Context.call does: a StopIteration becomes an undefined value."""
    try:
        return func(*args, **kwargs)
    except StopIteration:
        return undefined("value was undefined because a callable raised a StopIteration exception")


class Macro:
    """A macro or call block: binds arguments the way jinja2.runtime.Macro does."""

    __module__ = "jinja2.runtime"

    def __init__(
        self,
        func: Callable[..., str],
        name: str | None,
        arguments: tuple[str, ...],
        catch_kwargs: bool,
        catch_varargs: bool,
        caller: bool,
        default_autoescape: bool,
        undefined: type[Undefined] = Undefined,
    ) -> None:
        self._func = func
        self._argument_count = len(arguments)
        self.name = name
        self.arguments = arguments
        self.catch_kwargs = catch_kwargs
        self.catch_varargs = catch_varargs
        self.caller = caller
        self.explicit_caller = "caller" in arguments
        self._default_autoescape = default_autoescape
        self._undefined = undefined

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        return self.call_with_autoescape(self._default_autoescape, args, kwargs)

    def call_with_autoescape(
        self, autoescape: bool, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> str:
        """Bind the arguments, run the body, wrap as Markup if the caller autoescapes."""
        arguments = list(args[: self._argument_count])
        off = len(arguments)
        found_caller = False
        if off != self._argument_count:
            for name in self.arguments[len(arguments) :]:
                try:
                    value = kwargs.pop(name)
                except KeyError:
                    value = missing
                if name == "caller":
                    found_caller = True
                arguments.append(value)
        else:
            found_caller = self.explicit_caller
        if self.caller and not found_caller:
            caller = kwargs.pop("caller", None)
            if caller is None:
                caller = self._undefined("No caller defined", name="caller")
            arguments.append(caller)
        if self.catch_kwargs:
            arguments.append(kwargs)
        elif kwargs:
            if "caller" in kwargs:
                raise TypeError(
                    f"macro {self.name!r} was invoked with two values for the special"
                    " caller argument. This is most likely a bug."
                )
            raise TypeError(f"macro {self.name!r} takes no keyword argument {next(iter(kwargs))!r}")
        if self.catch_varargs:
            arguments.append(args[self._argument_count :])
        elif len(args) > self._argument_count:
            raise TypeError(
                f"macro {self.name!r} takes not more than {len(self.arguments)} argument(s)"
            )
        rv = self._func(*arguments)
        if autoescape:
            rv = Markup(rv)
        return rv

    def __repr__(self) -> str:
        name = "anonymous" if self.name is None else repr(self.name)
        return f"<{type(self).__name__} {name}>"


def call_autoescaped(
    autoescape: bool, undefined: type[Undefined], func: Any, /, *args: Any, **kwargs: Any
) -> Any:
    """A call that tells a macro the caller's autoescape mode (jinja2's eval context)."""
    try:
        if type(func) is Macro:
            return func.call_with_autoescape(autoescape, args, kwargs)
        return func(*args, **kwargs)
    except StopIteration:
        return undefined("value was undefined because a callable raised a StopIteration exception")
