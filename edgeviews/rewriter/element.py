"""The handles rules receive (Element, EndTag, TextChunk, Comment): they record edits.

As in lol-html's "rewritable units", a handle changes nothing by itself; the rewriter
reads the recorded edits after the handler returns and writes the output from them. A
handler that raises has its edits discarded, so the content flows on unchanged.
Insertion order follows HTMLRewriter: `before` and `append` keep call order, `after` and
`prepend` insert right next to the tag, so a later call lands nearer to it.
"""

from __future__ import annotations

from collections.abc import Callable

from edgeviews.rewriter.attributes import (
    ParsedAttribute,
    encode_attribute_value,
    is_self_closing,
    parse_attributes,
)
from edgeviews.rewriter.selectors import AttributeSource

Content = str | bytes


def encode_content(content: Content, html: bool) -> bytes:
    """Content as bytes: str is written as UTF-8; with html=False, `& < >` are escaped."""
    if isinstance(content, str):
        if not html:
            content = content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return content.encode("utf-8")
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        if not html:
            data = data.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
        return data
    raise TypeError(f"content must be str or bytes, not {type(content).__name__}")


class _Insertions:
    """Content recorded around one token: before it, after it, or in its place."""

    __slots__ = ("_after", "_before", "_replacement")

    def __init__(self) -> None:
        self._before: list[bytes] = []
        self._after: list[bytes] = []
        self._replacement: bytes | None = None

    def before(self, content: Content, *, html: bool = False) -> None:
        """Insert content just before this token (successive calls keep their order)."""
        self._before.append(encode_content(content, html))

    def after(self, content: Content, *, html: bool = False) -> None:
        """Insert content just after this token (a later call lands nearer to it)."""
        self._after.insert(0, encode_content(content, html))

    def replace(self, content: Content, *, html: bool = False) -> None:
        """Write content in place of this token."""
        self._replacement = encode_content(content, html)

    def remove(self) -> None:
        """Drop this token from the output (content added with before/after stays)."""
        self._replacement = b""

    @property
    def removed(self) -> bool:
        return self._replacement is not None

    def snapshot(self) -> tuple[object, ...]:
        return (list(self._before), list(self._after), self._replacement)

    def restore(self, state: tuple[object, ...]) -> None:
        self._before, self._after, self._replacement = state  # type: ignore[assignment]

    def render(self, original: bytes) -> bytes:
        middle = original if self._replacement is None else self._replacement
        if not self._before and not self._after:
            return middle
        return b"".join((*self._before, middle, *self._after))


class EndTag(_Insertions):
    """An element's end tag (or where it would be, for an implied end): name and edits."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        super().__init__()
        self.name = name


class TextChunk(_Insertions):
    """A run of text as it streamed through; a text node may arrive in several chunks."""

    __slots__ = ("last_in_text_node", "text")

    def __init__(self, text: str, last_in_text_node: bool):
        super().__init__()
        self.text = text
        self.last_in_text_node = last_in_text_node


class Comment(_Insertions):
    """A comment: its text (between `<!--` and `-->`) and edits around or in place of it."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        super().__init__()
        self.text = text


EndTagHandler = Callable[[EndTag], object]


class Element(AttributeSource):
    """A start tag matched by a rule; edits to it and its content are recorded here."""

    __slots__ = (
        "_after",
        "_append",
        "_attributes",
        "_before",
        "_changed",
        "_end_handlers",
        "_inner",
        "_keep_content",
        "_lower",
        "_name_end",
        "_prepend",
        "_raw",
        "_removed",
        "_replacement",
        "_self_closing",
        "can_have_content",
        "tag_name",
    )

    def __init__(
        self, tag_name: str, raw: bytes, lower: bytes, name_end: int, can_have_content: bool
    ):
        self.tag_name = tag_name
        self.can_have_content = can_have_content
        self._raw = raw
        self._lower = lower
        self._name_end = name_end
        self._attributes: list[ParsedAttribute] | None = None
        self._self_closing = False
        self._changed = False
        self._before: list[bytes] = []
        self._after: list[bytes] = []
        self._prepend: list[bytes] = []
        self._append: list[bytes] = []
        self._inner: bytes | None = None
        self._replacement: bytes | None = None
        self._removed = False
        self._keep_content = False
        self._end_handlers: list[EndTagHandler] = []

    # attributes
    def _parsed(self) -> list[ParsedAttribute]:
        if self._attributes is None:
            self._attributes = parse_attributes(self._raw, self._lower, self._name_end)
            self._self_closing = is_self_closing(self._raw, self._attributes)
        return self._attributes

    @property
    def attributes(self) -> list[tuple[str, str]]:
        """(name, value) pairs in source order, first occurrence of each name only."""
        seen: set[str] = set()
        pairs = []
        for attribute in self._parsed():
            if attribute.name not in seen:
                seen.add(attribute.name)
                pairs.append((attribute.name, attribute.value))
        return pairs

    def get_attribute(self, name: str) -> str | None:
        """The decoded value of attribute `name` (case-insensitive), or None."""
        key = name.encode("utf-8", "surrogateescape").lower()
        for attribute in self._parsed():
            if attribute.key == key:
                return attribute.value
        return None

    def has_attribute(self, name: str) -> bool:
        return self.get_attribute(name) is not None

    def set_attribute(self, name: str, value: str) -> None:
        """Set attribute `name`; the tag is rewritten, other attributes keep their bytes."""
        name = name.lower()
        raw = name.encode("utf-8") + b'="' + encode_attribute_value(value) + b'"'
        new = ParsedAttribute.new(name, value, raw)
        attributes = self._parsed()
        for index, attribute in enumerate(attributes):
            if attribute.key == new.key:
                attributes[index] = new
                break
        else:
            attributes.append(new)
        self._changed = True

    def remove_attribute(self, name: str) -> None:
        key = name.encode("utf-8", "surrogateescape").lower()
        attributes = self._parsed()
        kept = [attribute for attribute in attributes if attribute.key != key]
        if len(kept) != len(attributes):
            self._attributes = kept
            self._changed = True

    # content
    def before(self, content: Content, *, html: bool = False) -> None:
        """Insert content before the start tag (successive calls keep their order)."""
        self._before.append(encode_content(content, html))

    def after(self, content: Content, *, html: bool = False) -> None:
        """Insert content after the element's end (a later call lands nearer to it)."""
        self._after.insert(0, encode_content(content, html))

    def prepend(self, content: Content, *, html: bool = False) -> None:
        """Insert content right after the start tag (a later call lands nearer to it)."""
        self._prepend.insert(0, encode_content(content, html))

    def append(self, content: Content, *, html: bool = False) -> None:
        """Insert content right before the end tag (successive calls keep their order)."""
        self._append.append(encode_content(content, html))

    def set_inner_content(self, content: Content, *, html: bool = False) -> None:
        """Replace everything between the start and end tag with content."""
        self._inner = encode_content(content, html)
        self._prepend.clear()
        self._append.clear()

    def replace(self, content: Content, *, html: bool = False) -> None:
        """Replace the whole element, tags and content, with content."""
        self._replacement = encode_content(content, html)
        self._removed = True

    def remove(self) -> None:
        """Remove the whole element, tags and content."""
        self._replacement = b""
        self._removed = True

    def remove_and_keep_content(self) -> None:
        """Remove the start and end tags but keep what is between them."""
        self._keep_content = True

    @property
    def removed(self) -> bool:
        return self._removed

    def on_end_tag(self, handler: EndTagHandler) -> None:
        """Call `handler(EndTag)` at this element's end tag (or its implied end)."""
        self._end_handlers.append(handler)

    # used by the rewriter
    def snapshot(self) -> tuple[object, ...]:
        attributes = None if self._attributes is None else list(self._attributes)
        return (
            attributes,
            self._changed,
            list(self._before),
            list(self._after),
            list(self._prepend),
            list(self._append),
            self._inner,
            self._replacement,
            self._removed,
            self._keep_content,
            list(self._end_handlers),
        )

    def restore(self, state: tuple[object, ...]) -> None:
        (
            self._attributes,
            self._changed,
            self._before,
            self._after,
            self._prepend,
            self._append,
            self._inner,
            self._replacement,
            self._removed,
            self._keep_content,
            self._end_handlers,
        ) = state  # type: ignore[assignment]

    def needs_end(self) -> bool:
        """Whether anything must happen at this element's end tag."""
        return bool(
            self._after
            or self._append
            or self._end_handlers
            or self._inner is not None
            or self._removed
            or self._keep_content
        )

    def render_start(self) -> bytes:
        """The bytes written for the start tag and what directly follows it."""
        if self._removed:
            return b"".join((*self._before, self._replacement or b""))
        tag = b"" if self._keep_content else self._start_tag()
        if self._inner is not None:
            return b"".join((*self._before, tag, self._inner))
        return b"".join((*self._before, tag, *self._prepend))

    def render_start_if_changed(self) -> bytes | None:
        """`render_start()`, or None where that is the tag as it came (no copy is made)."""
        rendered = self.render_start()
        return None if rendered is self._raw else rendered

    def _start_tag(self) -> bytes:
        if not self._changed:
            return self._raw
        name = self._raw[1 : self._name_end]
        parts = [b"<", name]
        for attribute in self._parsed():
            parts.append(b" ")
            parts.append(attribute.raw)
        if self._self_closing:
            parts.append(b" /")
        parts.append(b">")
        return b"".join(parts)

    def render_void(self) -> bytes:
        """The bytes written for an element without content (void or self-closing)."""
        if self._removed:
            return b"".join((*self._before, self._replacement or b"", *self._after))
        tag = b"" if self._keep_content else self._start_tag()
        return b"".join((*self._before, tag, *self._after))

    def render_end(self, end_tag: bytes) -> bytes:
        """The bytes written at the element's end: appended content, end tag, after."""
        if self._removed:
            return b"".join(self._after)
        if self._keep_content:
            end_tag = b""
        if self._inner is not None:
            return b"".join((end_tag, *self._after))
        return b"".join((*self._append, end_tag, *self._after))

    @property
    def suppresses_content(self) -> bool:
        """Whether the element's original content is dropped from the output."""
        return self._removed or self._inner is not None
