"""Undefined values: what a name, attribute or item that does not resolve becomes.

``missing`` marks "no value" everywhere in the runtime; ``getattr_then_item`` and
``item_then_attr`` resolve ``a.b`` and ``a[b]`` as jinja2 does and return an undefined
of the template's kind when both ways fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from edgeviews.compiler.runtime_errors import UndefinedError

missing: Any = type("MissingType", (), {"__repr__": lambda self: "missing"})()


def object_type_repr(obj: Any) -> str:
    """The type name jinja2 puts in undefined messages (``'dict object'``)."""
    if obj is None:
        return "None"
    elif obj is Ellipsis:
        return "Ellipsis"
    cls = type(obj)
    if cls.__module__ == "builtins":
        return f"{cls.__name__} object"
    return f"{cls.__module__}.{cls.__name__} object"


class Undefined:
    """jinja2's default undefined: prints empty, iterates empty, is false; fails otherwise."""

    __slots__ = ("_undefined_exception", "_undefined_hint", "_undefined_name", "_undefined_obj")
    __module__ = "jinja2.runtime"

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: Any = None,
        exc: type[Exception] = UndefinedError,
    ) -> None:
        self._undefined_hint = hint
        self._undefined_obj = obj
        self._undefined_name = name
        self._undefined_exception = exc

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        if self._undefined_obj is missing:
            return f"{self._undefined_name!r} is undefined"
        if not isinstance(self._undefined_name, str):
            return (
                f"{object_type_repr(self._undefined_obj)} has no element {self._undefined_name!r}"
            )
        return (
            f"{object_type_repr(self._undefined_obj)!r} has no attribute {self._undefined_name!r}"
        )

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        raise self._undefined_exception(self._undefined_message)

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        return self._fail_with_undefined_error()

    __add__ = __radd__ = __sub__ = __rsub__ = _fail_with_undefined_error
    __mul__ = __rmul__ = __div__ = __rdiv__ = _fail_with_undefined_error
    __truediv__ = __rtruediv__ = _fail_with_undefined_error
    __floordiv__ = __rfloordiv__ = _fail_with_undefined_error
    __mod__ = __rmod__ = _fail_with_undefined_error
    __pos__ = __neg__ = _fail_with_undefined_error
    __call__ = __getitem__ = _fail_with_undefined_error
    __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error
    __int__ = __float__ = __complex__ = _fail_with_undefined_error
    __pow__ = __rpow__ = _fail_with_undefined_error

    def __eq__(self, other: Any) -> bool:
        return type(self) is type(other)

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return id(type(self))

    def __str__(self) -> str:
        return ""

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> Iterator[Any]:
        yield from ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "Undefined"


class ChainableUndefined(Undefined):
    """An undefined whose attributes and items are itself (jinja2.ChainableUndefined)."""

    __slots__ = ()
    __module__ = "jinja2.runtime"

    def __html__(self) -> str:
        return str(self)

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        return self

    def __getitem__(self, _name: Any) -> Any:
        return self


class StrictUndefined(Undefined):
    """An undefined that fails on printing, iteration, truth and comparison too."""

    __slots__ = ()
    __module__ = "jinja2.runtime"
    __iter__ = __str__ = __len__ = Undefined._fail_with_undefined_error
    __eq__ = __ne__ = __bool__ = __hash__ = Undefined._fail_with_undefined_error
    __contains__ = Undefined._fail_with_undefined_error


def is_undefined(obj: Any) -> bool:
    """Whether obj is one of the undefined types."""
    return isinstance(obj, Undefined)


DICT_ATTRIBUTES = frozenset(dir(dict))


def getattr_then_item(obj: Any, attribute: str, undefined: type[Undefined] = Undefined) -> Any:
    """``obj.attribute`` as jinja2 resolves it: the attribute, else the item, else undefined."""
    if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
        # A plain dict has no attribute beyond dict's own: skip the failing getattr.
        try:
            return obj[attribute]
        except KeyError:
            return undefined(obj=obj, name=attribute)
    try:
        return getattr(obj, attribute)
    except AttributeError:
        pass
    try:
        return obj[attribute]
    except (TypeError, LookupError, AttributeError):
        return undefined(obj=obj, name=attribute)


def item_then_attr(obj: Any, argument: Any, undefined: type[Undefined] = Undefined) -> Any:
    """``obj[argument]`` as jinja2 resolves it: the item, else the attribute, else undefined."""
    try:
        return obj[argument]
    except (AttributeError, TypeError, LookupError):
        if isinstance(argument, str):
            try:
                attr = str(argument)
            except Exception:
                pass
            else:
                try:
                    return getattr(obj, attr)
                except AttributeError:
                    pass
        return undefined(obj=obj, name=argument)
