"""Attributes of one tag: parsed from its bytes on demand, decoded as a browser would.

Values are decoded with the attribute rules of the HTML spec: a named reference without
`;` followed by `=` or a letter or digit stays literal, so `?a=1&copy=2` keeps its `&copy`.
"""

from __future__ import annotations

import re
from html import _invalid_charrefs  # type: ignore[attr-defined]
from html.entities import html5

from edgeviews.rewriter.grammar import ATTRIBUTE

_REFERENCE = re.compile(r"&(#[xX][0-9a-fA-F]+;?|#[0-9]+;?|[a-zA-Z][a-zA-Z0-9]*;?)")
_LONGEST_ENTITY = max(len(name) for name in html5)


def _numeric(body: str) -> str:
    digits = body[1:].rstrip(";")
    number = int(digits[1:], 16) if digits[0] in "xX" else int(digits)
    if number == 0 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
        return "\ufffd"
    replacement: str = _invalid_charrefs.get(number, chr(number))  # 0x80-0x9F: windows-1252
    return replacement


def _replace(match: re.Match[str], in_attribute: bool) -> str:
    body = match.group(1)
    if body[0] == "#":
        return _numeric(body)
    for length in range(min(len(body), _LONGEST_ENTITY), 0, -1):
        name = body[:length]
        if name in html5:
            if not name.endswith(";") and in_attribute:
                following = match.string[match.start() + 1 + length : match.start() + 2 + length]
                if following == "=" or following.isalnum():
                    return match.group()
            return html5[name] + body[length:]
    return match.group()


def _replace_in_attribute(match: re.Match[str]) -> str:
    return _replace(match, True)


def _replace_in_text(match: re.Match[str]) -> str:
    return _replace(match, False)


def decode_references(text: str, *, in_attribute: bool) -> str:
    """Decode character references by the tokenizer's rules for attributes or text."""
    return _REFERENCE.sub(_replace_in_attribute if in_attribute else _replace_in_text, text)


def decode_attribute_value(raw: bytes) -> str:
    """The value a browser sees: UTF-8 (undecodable bytes kept), references decoded."""
    text = raw.decode("utf-8", "surrogateescape")
    if "&" not in text:
        return text
    return decode_references(text, in_attribute=True)


def decode_name(raw: bytes) -> str:
    """A tag or attribute name from lower-cased bytes."""
    return raw.decode("utf-8", "surrogateescape")


def encode_attribute_value(value: str) -> bytes:
    """A value written back into a double-quoted attribute."""
    escaped = value.replace("&", "&amp;").replace('"', "&quot;")
    return escaped.encode("utf-8", "surrogateescape")


class ParsedAttribute:
    """One attribute as it appears in the tag; name and value are decoded on first use."""

    __slots__ = ("_name", "_value", "end", "key", "raw", "raw_value")

    def __init__(self, key: bytes, raw_value: bytes | None, raw: bytes, end: int = -1):
        self.key = key  # the lower-cased name, as bytes: what lookups compare
        self.raw_value = raw_value
        self.raw = raw
        self.end = end  # where the attribute ends in its tag; -1 for a new attribute
        self._name: str | None = None
        self._value: str | None = None

    @classmethod
    def new(cls, name: str, value: str, raw: bytes) -> ParsedAttribute:
        attribute = cls(name.encode("utf-8", "surrogateescape"), None, raw)
        attribute._name = name
        attribute._value = value
        return attribute

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = self.key.decode("utf-8", "surrogateescape")
        return self._name

    @property
    def value(self) -> str:
        if self._value is None:
            raw = self.raw_value
            self._value = decode_attribute_value(raw) if raw else ""
        return self._value


def parse_attributes(tag: bytes, lower: bytes, start: int) -> list[ParsedAttribute]:
    """Attributes of a complete tag (`tag`, and `lower` its lower-cased copy) from `start`.

    `start` is just after the tag name. Every attribute is returned, duplicates included;
    lookups take the first, as the tokenizer does. Inside a complete tag the attributes
    follow one another, separated by whitespace or `/`, so finditer finds exactly them.
    """
    result: list[ParsedAttribute] = []
    for match in ATTRIBUTE.finditer(tag, start, len(tag) - 1):
        raw_name, double, single, unquoted = match.groups()
        raw_value = double if double is not None else single if single is not None else unquoted
        result.append(ParsedAttribute(raw_name.lower(), raw_value, match.group(), match.end()))
    return result


def is_self_closing(tag: bytes, attributes: list[ParsedAttribute]) -> bool:
    """Whether a complete tag ends with a self-closing `/>` (not a `/` ending a value)."""
    if not tag.endswith(b"/>"):
        return False
    return not attributes or attributes[-1].end != len(tag) - 1
