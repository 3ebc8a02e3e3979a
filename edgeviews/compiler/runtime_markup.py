"""HTML escaping identical to MarkupSafe's, the ``Markup`` string, and concatenation under ``~``.

Markup carries ``__module__ = "markupsafe"`` so its repr matches; ``string`` (for
``Markup.format``) and ``html`` (for ``unescape``) load only when first needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any


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


def identity(x: Any) -> Any:
    """Return the argument unchanged (jinja2's ``identity``)."""
    return x
