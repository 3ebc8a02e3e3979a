"""A cheap approximation of the tree builder's stack of open elements, for combinators.

Kept only when a rule has a descendant or child combinator. It is not the WHATWG tree
builder; it models what changes ancestry on real pages:
- void elements (and self-closing tags in svg/math) are never open;
- an end tag closes the nearest open element of that name and everything inside it;
  an end tag with no open element of its name is ignored;
- implied ends: a block start tag closes an open `<p>`; `<li>`, `<dt>`/`<dd>`,
  `<option>`/`<optgroup>`, `<tr>`, `<td>`/`<th>` and table sections close their open
  sibling (within the nearest list or table);
- `<html>`, `<head>` and `<body>` are what the page says; implied ones are not invented.
"""

from __future__ import annotations

from edgeviews.rewriter.attributes import ParsedAttribute, parse_attributes
from edgeviews.rewriter.selectors import AttributeSource

_CLOSES_P = frozenset(
    b"address article aside blockquote center details dialog dir div dl fieldset figcaption "
    b"figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li listing main menu nav ol p "
    b"plaintext pre section summary table ul dd dt".split()
)
# name -> (names it closes, names that bound the search)
_SIBLINGS: dict[bytes, tuple[frozenset[bytes], frozenset[bytes]]] = {
    b"li": (frozenset((b"li",)), frozenset((b"ul", b"ol", b"menu"))),
    b"dt": (frozenset((b"dt", b"dd")), frozenset((b"dl",))),
    b"dd": (frozenset((b"dt", b"dd")), frozenset((b"dl",))),
    b"option": (frozenset((b"option",)), frozenset((b"select", b"datalist", b"optgroup"))),
    b"optgroup": (frozenset((b"option", b"optgroup")), frozenset((b"select",))),
    b"tr": (frozenset((b"tr", b"td", b"th")), frozenset((b"table", b"thead", b"tbody", b"tfoot"))),
    b"td": (frozenset((b"td", b"th")), frozenset((b"tr", b"table"))),
    b"th": (frozenset((b"td", b"th")), frozenset((b"tr", b"table"))),
    b"thead": (
        frozenset((b"thead", b"tbody", b"tfoot", b"tr", b"td", b"th")),
        frozenset((b"table",)),
    ),
    b"tbody": (
        frozenset((b"thead", b"tbody", b"tfoot", b"tr", b"td", b"th")),
        frozenset((b"table",)),
    ),
    b"tfoot": (
        frozenset((b"thead", b"tbody", b"tfoot", b"tr", b"td", b"th")),
        frozenset((b"table",)),
    ),
}
_MAX_DEPTH = 512


class OpenElement(AttributeSource):
    """An ancestor as selectors see it: its name and (parsed on demand) attributes."""

    __slots__ = ("_attributes", "_lower", "_name_end", "_raw", "name", "tag_name")

    def __init__(self, name: bytes, raw: bytes, lower: bytes):
        self.name = name
        self.tag_name = name.decode("utf-8", "surrogateescape")
        self._raw = raw
        self._lower = lower
        self._name_end = 1 + len(name)
        self._attributes: list[ParsedAttribute] | None = None

    def get_attribute(self, name: str) -> str | None:
        if self._attributes is None:
            self._attributes = parse_attributes(self._raw, self._lower, self._name_end)
        key = name.encode("utf-8", "surrogateescape")
        for attribute in self._attributes:
            if attribute.key == key:
                return attribute.value
        return None


class OpenElements:
    """The stack of open elements, outermost first."""

    def __init__(self) -> None:
        self.stack: list[OpenElement] = []

    def push(
        self, buf: bytes, low: bytes, start: int, end: int, name: bytes, void: bool
    ) -> list[AttributeSource]:
        """Apply a start tag; returns the new element's ancestors (outermost first)."""
        stack = self.stack
        if name in _CLOSES_P:
            self._close_within(frozenset((b"p",)), frozenset((b"button", b"table")))
        sibling = _SIBLINGS.get(name)
        if sibling is not None:
            self._close_within(*sibling)
        ancestors: list[AttributeSource] = list(stack)
        if not void and len(stack) < _MAX_DEPTH:
            stack.append(OpenElement(name, buf[start:end], low[start:end]))
        return ancestors

    def pop(self, name: bytes) -> None:
        """Apply an end tag: close the nearest open element of that name, if any."""
        stack = self.stack
        for index in range(len(stack) - 1, -1, -1):
            if stack[index].name == name:
                del stack[index:]
                return

    def _close_within(self, names: frozenset[bytes], bounds: frozenset[bytes]) -> None:
        stack = self.stack
        for index in range(len(stack) - 1, -1, -1):
            current = stack[index].name
            if current in names:
                del stack[index:]
                return
            if current in bounds:
                return
