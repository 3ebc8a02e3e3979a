"""The run-time core compiled templates need, in plain Python: escaping, Markup, Undefined, loops.

This module imports only the standard library. The code generator copies the top-level
definitions a template uses (and what they depend on) into the generated module, or the
build writes this whole file (with the filters and tests) as ``_runtime.py``. Behaviour
follows jinja2 3.1 and MarkupSafe 3.0 exactly, including error messages and the module
names that appear in ``repr`` and undefined messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

missing: Any = type("MissingType", (), {"__repr__": lambda self: "missing"})()


class TemplateError(Exception):
    """Base of the errors raised while rendering, like jinja2.TemplateError."""

    __module__ = "jinja2.exceptions"

    @property
    def message(self) -> str | None:
        return self.args[0] if self.args else None


class TemplateRuntimeError(TemplateError):
    """A generic run-time error in a template (jinja2.TemplateRuntimeError)."""

    __module__ = "jinja2.exceptions"


class UndefinedError(TemplateRuntimeError):
    """An undefined value was used in a way that needs a value (jinja2.UndefinedError)."""

    __module__ = "jinja2.exceptions"


class FilterArgumentError(TemplateRuntimeError):
    """A filter was called with an inappropriate argument (jinja2.FilterArgumentError)."""

    __module__ = "jinja2.exceptions"


class TemplateSyntaxError(TemplateError):
    """A template reached only at run time does not parse (jinja2.TemplateSyntaxError)."""

    __module__ = "jinja2.exceptions"

    def __init__(self, message: str, lineno: int, name: str | None = None) -> None:
        super().__init__(message)
        self.lineno = lineno
        self.name = name
        self.filename = name


class TemplateAssertionError(TemplateSyntaxError):
    """A template reached only at run time cannot be compiled (jinja2.TemplateAssertionError)."""

    __module__ = "jinja2.exceptions"


class TemplateNotFound(OSError, LookupError, TemplateError):
    """A template named at run time is not among the compiled ones (jinja2.TemplateNotFound)."""

    __module__ = "jinja2.exceptions"

    def __init__(self, name: Any, message: str | None = None) -> None:
        if message is None:
            message = str(name)
        OSError.__init__(self, message)
        self.message_text = message
        self.name = name
        self.templates = [name]

    def __str__(self) -> str:
        return str(self.message_text)


class TemplatesNotFound(TemplateNotFound):
    """None of the templates named at run time exist (jinja2.TemplatesNotFound)."""

    __module__ = "jinja2.exceptions"

    def __init__(self, names: Any = (), message: str | None = None) -> None:
        if message is None:
            parts = []
            for name in names:
                if isinstance(name, Undefined):
                    parts.append(name._undefined_message)
                else:
                    parts.append(name)
            parts_str = ", ".join(map(str, parts))
            message = f"none of the templates given were found: {parts_str}"
        super().__init__(names[-1] if names else None, message)
        self.templates = list(names)


def escape_inner(s: str) -> str:
    """MarkupSafe's replacement table, as a chain of replace calls (fastest in CPython)."""
    return (
        s.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def escape(s: Any) -> Markup:
    """markupsafe.escape: trust ``__html__``, escape everything else after ``str()``."""
    if type(s) is str:
        return Markup(escape_inner(s))
    if hasattr(s, "__html__"):
        return Markup(s.__html__())
    return Markup(escape_inner(str(s)))


def to_html(s: Any) -> str:
    """``str(escape(s))`` without building the intermediate Markup: what output does."""
    if type(s) is str:
        return (
            s.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    if hasattr(s, "__html__"):
        return str.__str__(Markup(s.__html__()))
    return escape_inner(str(s))


def soft_str(s: Any) -> str:
    """Convert to str unless it already is one (keeps Markup safe), like markupsafe.soft_str."""
    if not isinstance(s, str):
        return str(s)
    return s


class Markup(str):
    """A string that is safe to insert into HTML; operations escape their other operand."""

    __slots__ = ()
    __module__ = "markupsafe"

    def __new__(
        cls, object: Any = "", encoding: str | None = None, errors: str = "strict"
    ) -> Markup:
        if hasattr(object, "__html__"):
            object = object.__html__()
        if encoding is None:
            return super().__new__(cls, object)
        return super().__new__(cls, object, encoding, errors)

    def __html__(self) -> Markup:
        return self

    def __add__(self, value: Any) -> Markup:
        if isinstance(value, str) or hasattr(value, "__html__"):
            return self.__class__(super().__add__(self.escape(value)))
        return NotImplemented

    def __radd__(self, value: Any) -> Markup:
        if isinstance(value, str) or hasattr(value, "__html__"):
            return self.escape(value).__add__(self)
        return NotImplemented

    def __mul__(self, value: Any) -> Markup:
        return self.__class__(super().__mul__(value))

    __rmul__ = __mul__

    def __mod__(self, value: Any) -> Markup:
        if isinstance(value, tuple):
            value = tuple(MarkupEscapeHelper(x, self.escape) for x in value)
        elif hasattr(type(value), "__getitem__") and not isinstance(value, str):
            value = MarkupEscapeHelper(value, self.escape)
        else:
            value = (MarkupEscapeHelper(value, self.escape),)
        return self.__class__(super().__mod__(value))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({super().__repr__()})"

    def join(self, iterable: Iterable[Any]) -> Markup:
        return self.__class__(super().join(map(self.escape, iterable)))

    def split(self, sep: str | None = None, maxsplit: Any = -1) -> list[Markup]:  # type: ignore[override]
        return [self.__class__(v) for v in super().split(sep, maxsplit)]

    def rsplit(self, sep: str | None = None, maxsplit: Any = -1) -> list[Markup]:  # type: ignore[override]
        return [self.__class__(v) for v in super().rsplit(sep, maxsplit)]

    def splitlines(self, keepends: bool = False) -> list[Markup]:  # type: ignore[override]
        return [self.__class__(v) for v in super().splitlines(keepends)]

    def unescape(self) -> str:
        from html import unescape

        return unescape(str(self))

    def striptags(self) -> str:
        value = str(self)
        parts = []
        pos = 0
        while (start := value.find("<", pos)) != -1:
            if value.startswith("<!--", start):
                if (end := value.find("-->", start + 4)) == -1:
                    break
                end += 3
            else:
                if (end := value.find(">", start)) == -1:
                    break
                end += 1
            parts.append(value[pos:start])
            pos = end
        if pos > 0:
            parts.append(value[pos:])
            value = "".join(parts)
        value = " ".join(value.split())
        return self.__class__(value).unescape()

    @classmethod
    def escape(cls, s: Any) -> Markup:
        rv = escape(s)
        if rv.__class__ is not cls:
            return cls(rv)
        return rv

    def __getitem__(self, key: Any) -> Markup:
        return self.__class__(super().__getitem__(key))

    def capitalize(self) -> Markup:
        return self.__class__(super().capitalize())

    def title(self) -> Markup:
        return self.__class__(super().title())

    def lower(self) -> Markup:
        return self.__class__(super().lower())

    def upper(self) -> Markup:
        return self.__class__(super().upper())

    def replace(self, old: str, new: str, count: Any = -1) -> Markup:
        return self.__class__(super().replace(old, self.escape(new), count))

    def ljust(self, width: Any, fillchar: str = " ") -> Markup:
        return self.__class__(super().ljust(width, self.escape(fillchar)))

    def rjust(self, width: Any, fillchar: str = " ") -> Markup:
        return self.__class__(super().rjust(width, self.escape(fillchar)))

    def lstrip(self, chars: str | None = None) -> Markup:
        return self.__class__(super().lstrip(chars))

    def rstrip(self, chars: str | None = None) -> Markup:
        return self.__class__(super().rstrip(chars))

    def center(self, width: Any, fillchar: str = " ") -> Markup:
        return self.__class__(super().center(width, self.escape(fillchar)))

    def strip(self, chars: str | None = None) -> Markup:
        return self.__class__(super().strip(chars))

    def translate(self, table: Any) -> Markup:
        return self.__class__(super().translate(table))

    def expandtabs(self, tabsize: Any = 8) -> Markup:
        return self.__class__(super().expandtabs(tabsize))

    def swapcase(self) -> Markup:
        return self.__class__(super().swapcase())

    def zfill(self, width: Any) -> Markup:
        return self.__class__(super().zfill(width))

    def casefold(self) -> Markup:
        return self.__class__(super().casefold())

    def removeprefix(self, prefix: str) -> Markup:
        return self.__class__(super().removeprefix(prefix))

    def removesuffix(self, suffix: str) -> Markup:
        return self.__class__(super().removesuffix(suffix))

    def partition(self, sep: str) -> tuple[Markup, Markup, Markup]:
        left, sep, right = super().partition(sep)
        cls = self.__class__
        return cls(left), cls(sep), cls(right)

    def rpartition(self, sep: str) -> tuple[Markup, Markup, Markup]:
        left, sep, right = super().rpartition(sep)
        cls = self.__class__
        return cls(left), cls(sep), cls(right)

    def format(self, *args: Any, **kwargs: Any) -> Markup:
        formatter = escape_formatter(self.escape)
        return self.__class__(formatter.vformat(self, args, kwargs))

    def format_map(self, mapping: Any) -> Markup:
        formatter = escape_formatter(self.escape)
        return self.__class__(formatter.vformat(self, (), mapping))

    def __html_format__(self, format_spec: str) -> Markup:
        if format_spec:
            raise ValueError("Unsupported format specification for Markup.")
        return self


FORMATTER_CLASSES: list[Any] = []


def escape_formatter(escape: Callable[[Any], Markup]) -> Any:
    """A string.Formatter that escapes every field unless it is safe (``string`` loads lazily)."""
    if not FORMATTER_CLASSES:
        import string

        class EscapeFormatter(string.Formatter):
            __slots__ = ("escape",)

            def __init__(self, escape: Callable[[Any], Markup]) -> None:
                self.escape = escape
                super().__init__()

            def format_field(self, value: Any, format_spec: str) -> str:
                if hasattr(value, "__html_format__"):
                    rv = value.__html_format__(format_spec)
                elif hasattr(value, "__html__"):
                    if format_spec:
                        raise ValueError(
                            f"Format specifier {format_spec} given, but {type(value)} does not"
                            " define __html_format__. A class that defines __html__ must define"
                            " __html_format__ to work with format specifiers."
                        )
                    rv = value.__html__()
                else:
                    rv = super().format_field(value, str(format_spec))
                return str(self.escape(rv))

        FORMATTER_CLASSES.append(EscapeFormatter)
    return FORMATTER_CLASSES[0](escape)


class MarkupEscapeHelper:
    """Wraps %-format arguments of Markup so each is escaped when formatted."""

    __slots__ = ("escape", "obj")

    def __init__(self, obj: Any, escape: Callable[[Any], Markup]) -> None:
        self.obj = obj
        self.escape = escape

    def __getitem__(self, key: Any) -> MarkupEscapeHelper:
        return self.__class__(self.obj[key], self.escape)

    def __str__(self) -> str:
        return str(self.escape(self.obj))

    def __repr__(self) -> str:
        return str(self.escape(repr(self.obj)))

    def __int__(self) -> int:
        return int(self.obj)

    def __float__(self) -> float:
        return float(self.obj)


def markup_join(seq: Iterable[Any]) -> str:
    """Concatenate for ``~`` under autoescape: Markup as soon as one part is safe."""
    buf = []
    iterator = map(soft_str, seq)
    for arg in iterator:
        buf.append(arg)
        if hasattr(arg, "__html__"):
            return Markup("").join(chain_iter(buf, iterator))
    return "".join(buf)


def chain_iter(first: Iterable[Any], rest: Iterator[Any]) -> Iterator[Any]:
    """itertools.chain without the import."""
    yield from first
    yield from rest


def str_join(seq: Iterable[Any]) -> str:
    """Concatenate for ``~`` without autoescape."""
    return "".join(map(str, seq))


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


def call_checked(undefined: type[Undefined], func: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Call as jinja2's Context.call does: a StopIteration becomes an undefined value."""
    try:
        return func(*args, **kwargs)
    except StopIteration:
        return undefined("value was undefined because a callable raised a StopIteration exception")


def identity(x: Any) -> Any:
    """Return the argument unchanged (jinja2's ``identity``)."""
    return x


class LoopContext:
    """The ``loop`` variable of a for loop: index, length, first/last, cycle, changed..."""

    __module__ = "jinja2.runtime"
    index0 = -1
    _length: int | None = None
    _after: Any = missing
    _current: Any = missing
    _before: Any = missing
    _last_changed_value: Any = missing

    def __init__(
        self,
        iterable: Iterable[Any],
        undefined: type[Undefined],
        recurse: Callable[..., str] | None = None,
        depth0: int = 0,
    ) -> None:
        self._iterable = iterable
        self._iterator = iter(iterable)
        self._undefined = undefined
        self._recurse = recurse
        self.depth0 = depth0

    @property
    def length(self) -> int:
        if self._length is not None:
            return self._length
        try:
            self._length = len(self._iterable)  # type: ignore[arg-type]
        except TypeError:
            iterable = list(self._iterator)
            self._iterator = iter(iterable)
            self._length = len(iterable) + self.index + (self._after is not missing)
        return self._length

    def __len__(self) -> int:
        return self.length

    @property
    def depth(self) -> int:
        return self.depth0 + 1

    @property
    def index(self) -> int:
        return self.index0 + 1

    @property
    def revindex0(self) -> int:
        return self.length - self.index

    @property
    def revindex(self) -> int:
        return self.length - self.index0

    @property
    def first(self) -> bool:
        return self.index0 == 0

    def _peek_next(self) -> Any:
        if self._after is not missing:
            return self._after
        self._after = next(self._iterator, missing)
        return self._after

    @property
    def last(self) -> bool:
        return self._peek_next() is missing

    @property
    def previtem(self) -> Any:
        if self.first:
            return self._undefined("there is no previous item")
        return self._before

    @property
    def nextitem(self) -> Any:
        rv = self._peek_next()
        if rv is missing:
            return self._undefined("there is no next item")
        return rv

    def cycle(self, *args: Any) -> Any:
        if not args:
            raise TypeError("no items for cycling given")
        return args[self.index0 % len(args)]

    def changed(self, *value: Any) -> bool:
        if self._last_changed_value != value:
            self._last_changed_value = value
            return True
        return False

    def __iter__(self) -> LoopContext:
        return self

    def __next__(self) -> tuple[Any, LoopContext]:
        if self._after is not missing:
            rv = self._after
            self._after = missing
        else:
            rv = next(self._iterator)
        self.index0 += 1
        self._before = self._current
        self._current = rv
        return rv, self

    def __call__(self, iterable: Iterable[Any]) -> str:
        if self._recurse is None:
            raise TypeError("The loop must have the 'recursive' marker to be called recursively.")
        return self._recurse(iterable, self._recurse, depth=self.depth)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.index}/{self.length}>"


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


class Namespace:
    """``namespace(...)``: an object whose attributes can be set from inside loops."""

    __module__ = "jinja2.utils"

    def __init__(*args: Any, **kwargs: Any) -> None:
        self, args = args[0], args[1:]
        self.__attrs = dict(*args, **kwargs)

    def __getattribute__(self, name: str) -> Any:
        if name in {"_Namespace__attrs", "__class__"}:
            return object.__getattribute__(self, name)
        try:
            return self.__attrs[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        self.__attrs[name] = value

    def __repr__(self) -> str:
        return f"<Namespace {self.__attrs!r}>"


class Cycler:
    """``cycler(...)``: cycles through its values on each ``next()``."""

    __module__ = "jinja2.utils"

    def __init__(self, *items: Any) -> None:
        if not items:
            raise RuntimeError("at least one item has to be provided")
        self.items = items
        self.pos = 0

    def reset(self) -> None:
        self.pos = 0

    @property
    def current(self) -> Any:
        return self.items[self.pos]

    def next(self) -> Any:
        rv = self.current
        self.pos = (self.pos + 1) % len(self.items)
        return rv

    __next__ = next


class Joiner:
    """``joiner(sep)``: empty the first time it is called, ``sep`` afterwards."""

    __module__ = "jinja2.utils"

    def __init__(self, sep: str = ", ") -> None:
        self.sep = sep
        self.used = False

    def __call__(self) -> str:
        if not self.used:
            self.used = True
            return ""
        return self.sep


LOREM_IPSUM_WORDS = """\
a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at
auctor augue bibendum blandit class commodo condimentum congue consectetuer
consequat conubia convallis cras cubilia cum curabitur curae cursus dapibus
diam dictum dictumst dignissim dis dolor donec dui duis egestas eget eleifend
elementum elit enim erat eros est et etiam eu euismod facilisi facilisis fames
faucibus felis fermentum feugiat fringilla fusce gravida habitant habitasse hac
hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum ipsum
justo lacinia lacus laoreet lectus leo libero ligula litora lobortis lorem
luctus maecenas magna magnis malesuada massa mattis mauris metus mi molestie
mollis montes morbi mus nam nascetur natoque nec neque netus nibh nisi nisl non
nonummy nostra nulla nullam nunc odio orci ornare parturient pede pellentesque
penatibus per pharetra phasellus placerat platea porta porttitor posuere
potenti praesent pretium primis proin pulvinar purus quam quis quisque rhoncus
ridiculus risus rutrum sagittis sapien scelerisque sed sem semper senectus sit
sociis sociosqu sodales sollicitudin suscipit suspendisse taciti tellus tempor
tempus tincidunt torquent tortor tristique turpis ullamcorper ultrices
ultricies urna ut varius vehicula vel velit venenatis vestibulum vitae vivamus
viverra volutpat vulputate"""


def generate_lorem_ipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """``lipsum()``: the same random paragraphs jinja2 makes from the same random state."""
    from random import choice, randrange

    words = LOREM_IPSUM_WORDS.split()
    result = []
    for _ in range(n):
        next_capitalized = True
        last_comma = last_fullstop = 0
        word = None
        last = None
        p = []
        for idx, _ in enumerate(range(randrange(min, max))):
            while True:
                word = choice(words)
                if word != last:
                    last = word
                    break
            if next_capitalized:
                word = word.capitalize()
                next_capitalized = False
            if idx - randrange(3, 8) > last_comma:
                last_comma = idx
                last_fullstop += 2
                word += ","
            if idx - randrange(10, 20) > last_fullstop:
                last_comma = last_fullstop = idx
                word += "."
                next_capitalized = True
            p.append(word)
        p_str = " ".join(p)
        if p_str.endswith(","):
            p_str = p_str[:-1] + "."
        elif not p_str.endswith("."):
            p_str += "."
        result.append(p_str)
    if not html:
        return "\n\n".join(result)
    return Markup("\n".join(f"<p>{escape(x)}</p>" for x in result))


def add_template_note(
    error: BaseException, lines: dict[int, tuple[str, int]], module: dict[str, Any]
) -> None:
    """Attach the template name and line of the innermost generated frame to a render error.

    ``lines`` maps the first generated line of each template statement to (template, line).
    """
    tb = error.__traceback__
    where = None
    while tb is not None:
        if tb.tb_frame.f_globals is module:
            lineno = tb.tb_lineno
            best = None
            for py_line in lines:
                if py_line <= lineno and (best is None or py_line > best):
                    best = py_line
            if best is not None:
                where = lines[best]
        tb = tb.tb_next
    if where is not None:
        error.add_note(f'  File "{where[0]}", line {where[1]}, in template')
