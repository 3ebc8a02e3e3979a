"""CSS selectors the rewriter can match while streaming, parsed once when a rule is added.

Supported: type, universal, `#id`, `.class`, attribute selectors (`[a]`, `=`, `~=`, `|=`,
`^=`, `$=`, `*=`, each with an optional `i` flag), descendant and child combinators,
`:not()` of simple selectors, and selector lists (`a, b`). Everything else is refused
with a `SelectorError` when the rule is added, never half-matched while streaming.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from edgeviews.errors import EdgeviewsError


class SelectorError(EdgeviewsError):
    """A selector the rewriter cannot match: says which part and what is supported."""

    def __init__(self, selector: str, position: int, message: str):
        self.selector = selector
        self.position = position
        super().__init__(
            f"selector {selector!r} at column {position + 1}: {message}. Supported: type, *, "
            "#id, .class, [attr], [attr=v] with ~= |= ^= $= *= and the i flag, descendant "
            "and child (>) combinators, :not() of those."
        )


class AttributeSource:
    """What a selector needs to know about an element: its name and its attributes."""

    tag_name: str

    def get_attribute(self, name: str) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class AttributeTest:
    """One `[name op value i]` test (also what `#id` and `.class` become)."""

    name: str
    operator: str  # "" (present), "=", "~=", "|=", "^=", "$=", "*="
    value: str = ""
    ignore_case: bool = False

    def matches(self, element: AttributeSource) -> bool:
        actual = element.get_attribute(self.name)
        if actual is None:
            return False
        op = self.operator
        if not op:
            return True
        expected = self.value
        if self.ignore_case:
            actual, expected = actual.lower(), expected.lower()
        if op == "=":
            return actual == expected
        if op == "~=":
            return bool(expected) and expected in actual.split()
        if op == "|=":
            return actual == expected or actual.startswith(expected + "-")
        if not expected:  # ^= $= *= with an empty value match nothing (Selectors 4)
            return False
        if op == "^=":
            return actual.startswith(expected)
        if op == "$=":
            return actual.endswith(expected)
        return expected in actual


@dataclass(frozen=True)
class Compound:
    """A compound selector: an optional type, attribute tests and negated compounds."""

    tag: str | None  # None for universal
    tests: tuple[AttributeTest, ...] = ()
    negations: tuple[Compound, ...] = ()

    def matches(self, element: AttributeSource) -> bool:
        if self.tag is not None and element.tag_name != self.tag:
            return False
        for test in self.tests:
            if not test.matches(element):
                return False
        return all(not negated.matches(element) for negated in self.negations)


@dataclass(frozen=True)
class Selector:
    """One complex selector: compounds joined by combinators, rightmost last."""

    source: str
    compounds: tuple[Compound, ...]
    combinators: tuple[str, ...] = field(default=())  # " " or ">", between compounds

    @property
    def subject(self) -> Compound:
        """The compound the matched element itself must satisfy."""
        return self.compounds[-1]

    @property
    def needs_ancestors(self) -> bool:
        return len(self.compounds) > 1

    def matches(self, element: AttributeSource, ancestors: Sequence[AttributeSource]) -> bool:
        """Whether `element`, with `ancestors` (outermost first), matches this selector."""
        if not self.subject.matches(element):
            return False
        return self._match_left(len(self.compounds) - 2, ancestors, len(ancestors))

    def _match_left(self, index: int, ancestors: Sequence[AttributeSource], limit: int) -> bool:
        if index < 0:
            return True
        compound = self.compounds[index]
        if self.combinators[index] == ">":
            parent = limit - 1
            return (
                parent >= 0
                and compound.matches(ancestors[parent])
                and self._match_left(index - 1, ancestors, parent)
            )
        for position in range(limit - 1, -1, -1):
            if compound.matches(ancestors[position]) and self._match_left(
                index - 1, ancestors, position
            ):
                return True
        return False


# Attributes whose values HTML matches ASCII case-insensitively in selectors (HTML
# "Selectors" section), so `link[rel~=icon]` matches rel="SHORTCUT ICON" as browsers do.
HTML_CASE_INSENSITIVE = frozenset(
    [
        "accept",
        "accept-charset",
        "align",
        "alink",
        "axis",
        "bgcolor",
        "charset",
        "checked",
        "clear",
        "codetype",
        "color",
        "compact",
        "declare",
        "defer",
        "dir",
        "direction",
        "disabled",
        "enctype",
        "face",
        "frame",
        "hreflang",
        "http-equiv",
        "lang",
        "language",
        "link",
        "media",
        "method",
        "multiple",
        "nohref",
        "noresize",
        "noshade",
        "nowrap",
        "readonly",
        "rel",
        "rev",
        "rules",
        "scope",
        "scrolling",
        "selected",
        "shape",
        "target",
        "text",
        "type",
        "valign",
        "valuetype",
        "vlink",
    ]
)
_IDENT = re.compile(r"-?(?:[_a-zA-Z\u00a0-\U0010ffff]|\\.)(?:[-_a-zA-Z0-9\u00a0-\U0010ffff]|\\.)*")
_ESCAPE = re.compile(r"\\(.)")
_WS = " \t\n\r\f"


class _Parser:
    """A small recursive-descent parser over the supported selector grammar."""

    def __init__(self, source: str):
        self.source = source
        self.pos = 0

    def fail(self, message: str) -> SelectorError:
        return SelectorError(self.source, self.pos, message)

    def peek(self) -> str:
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def skip_ws(self) -> bool:
        start = self.pos
        while self.peek() and self.peek() in _WS:
            self.pos += 1
        return self.pos > start

    def ident(self, what: str) -> str:
        match = _IDENT.match(self.source, self.pos)
        if match is None:
            raise self.fail(f"expected {what}")
        self.pos = match.end()
        return _ESCAPE.sub(r"\1", match.group())

    def selector_list(self) -> list[Selector]:
        selectors = []
        while True:
            self.skip_ws()
            start = self.pos
            selectors.append(self.complex(start))
            if self.peek() == ",":
                self.pos += 1
                continue
            if self.peek():
                raise self.fail(f"unexpected {self.peek()!r}")
            return selectors

    def complex(self, start: int) -> Selector:
        compounds = [self.compound()]
        combinators: list[str] = []
        while True:
            had_ws = self.skip_ws()
            char = self.peek()
            if char == ">":
                self.pos += 1
                self.skip_ws()
                combinators.append(">")
            elif char in ("+", "~"):
                raise self.fail(f"the {char!r} sibling combinator is not supported")
            elif char and char != "," and had_ws:
                combinators.append(" ")
            else:
                text = self.source[start : self.pos].strip()
                return Selector(text, tuple(compounds), tuple(combinators))
            compounds.append(self.compound())

    def compound(self, negated: bool = False) -> Compound:
        tag: str | None = None
        tests: list[AttributeTest] = []
        negations: list[Compound] = []
        start = self.pos
        if self.peek() == "*":
            self.pos += 1
        elif _IDENT.match(self.source, self.pos):
            tag = self.ident("a tag name").lower()
        while True:
            char = self.peek()
            if char == "#":
                self.pos += 1
                tests.append(AttributeTest("id", "=", self.ident("an id after '#'")))
            elif char == ".":
                self.pos += 1
                tests.append(AttributeTest("class", "~=", self.ident("a class after '.'")))
            elif char == "[":
                tests.append(self.attribute())
            elif char == ":":
                if negated:
                    raise self.fail(":not() takes simple selectors only, not another pseudo-class")
                negations.append(self.negation())
            else:
                break
        if self.pos == start:
            raise self.fail("expected a selector" if char else "the selector is empty")
        return Compound(tag, tuple(tests), tuple(negations))

    def negation(self) -> Compound:
        if not self.source.startswith(":not(", self.pos):
            match = re.match(r"::?[-\w]*", self.source[self.pos :])
            name = match.group() if match else ":"
            raise self.fail(f"the pseudo-class {name} is not supported")
        self.pos += len(":not(")
        self.skip_ws()
        inner = self.compound(negated=True)
        self.skip_ws()
        if self.peek() != ")":
            raise self.fail(":not() takes one compound selector (no combinators or lists)")
        self.pos += 1
        return inner

    def attribute(self) -> AttributeTest:
        self.pos += 1
        self.skip_ws()
        name = self.ident("an attribute name").lower()
        self.skip_ws()
        if self.peek() == "]":
            self.pos += 1
            return AttributeTest(name, "")
        operator = ""
        for candidate in ("~=", "|=", "^=", "$=", "*=", "="):
            if self.source.startswith(candidate, self.pos):
                operator = candidate
                break
        if not operator:
            raise self.fail("expected an attribute operator (=, ~=, |=, ^=, $=, *=) or ']'")
        self.pos += len(operator)
        self.skip_ws()
        quote = self.peek()
        if quote in ("'", '"'):
            end = self.pos + 1
            while end < len(self.source) and self.source[end] != quote:
                end += 2 if self.source[end] == "\\" else 1
            if end >= len(self.source):
                raise self.fail("unterminated quoted attribute value")
            value = _ESCAPE.sub(r"\1", self.source[self.pos + 1 : end])
            self.pos = end + 1
        else:
            value = self.ident("an attribute value (quote it if it is not an identifier)")
        self.skip_ws()
        ignore_case = name in HTML_CASE_INSENSITIVE
        if self.peek() in ("i", "I"):
            ignore_case = True
            self.pos += 1
            self.skip_ws()
        elif self.peek() in ("s", "S"):
            ignore_case = False
            self.pos += 1
            self.skip_ws()
        if self.peek() != "]":
            raise self.fail("expected ']' to close the attribute selector")
        self.pos += 1
        return AttributeTest(name, operator, value, ignore_case)


def parse_selectors(source: str) -> list[Selector]:
    """Parse a selector list; raises `SelectorError` naming the unsupported part."""
    if not isinstance(source, str):
        raise SelectorError(repr(source), 0, "a selector must be a string")
    return _Parser(source).selector_list()
