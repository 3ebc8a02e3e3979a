"""The Rewriter: HTMLRewriter's API (`.on(selector, handlers)`, `transform`) over the scanner.

A Rewriter holds rules and is reused for any number of documents; each document gets
its own `_Session`, a Scanner subclass that turns matched tags into handles, calls the
handlers, and writes their recorded edits. Only tags whose name some rule (or an open
element being tracked) can match reach Python; everything else stays in the regex.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from edgeviews.rewriter.element import Comment, Element, EndTag, TextChunk
from edgeviews.rewriter.grammar import VOID_ELEMENTS, needles_spelled_plainly
from edgeviews.rewriter.scanner import PASSTHROUGH, Scanner
from edgeviews.rewriter.selectors import AttributeSource, Compound, Selector, parse_selectors
from edgeviews.rewriter.tree import OpenElements

logger = logging.getLogger("edgeviews.rewriter")


class _Handle(Protocol):
    def snapshot(self) -> tuple[object, ...]: ...

    def restore(self, state: tuple[object, ...]) -> None: ...


_H = TypeVar("_H", bound=_Handle)

ElementHandler = Callable[[Element], object]
EndTagHandler = Callable[[EndTag], object]
TextHandler = Callable[[TextChunk], object]
CommentHandler = Callable[[Comment], object]
ErrorHandler = Callable[[BaseException], object]

_BODY = b"body"
_NO_NAMES: frozenset[bytes] = frozenset()
_NO_ANCESTORS: list[AttributeSource] = []
_Interest = tuple[frozenset[bytes] | None, frozenset[bytes] | None, dict[bytes, tuple[bytes, ...]]]
_WIDE_ENCODINGS = ("utf-16", "utf-32")


@dataclass(frozen=True)
class _Rule:
    selector: Selector
    element: ElementHandler | None
    end_tag: EndTagHandler | None
    text: TextHandler | None
    comments: CommentHandler | None


class Rewriter:
    """Streaming HTML rewriter: rules of (selector, handlers) applied to byte streams."""

    def __init__(self, on_error: ErrorHandler | None = None) -> None:
        """`on_error(exception)` is told about handlers that raise; the page flows on."""
        self.on_error = on_error
        self._rules: list[_Rule] = []
        self._cached_plan: _Plan | None = None

    def on(
        self,
        selector: str,
        element: ElementHandler | None = None,
        end_tag: EndTagHandler | None = None,
        text: TextHandler | None = None,
        comments: CommentHandler | None = None,
    ) -> Rewriter:
        """Add a rule; raises `SelectorError` for selectors that cannot be streamed."""
        for parsed in parse_selectors(selector):
            self._rules.append(_Rule(parsed, element, end_tag, text, comments))
        self._cached_plan = None
        return self

    def _plan(self) -> _Plan:
        plan = self._cached_plan
        if plan is None:
            plan = self._cached_plan = _Plan(list(self._rules))
        return plan

    def transform(self, chunks: Iterable[bytes], *, encoding: str | None = None) -> Iterator[bytes]:
        """Rewrite a document given as chunks of bytes, yielding output as it is ready.

        `encoding` is what the caller knows of the body's charset; UTF-16/32 bodies (so
        declared, or starting with their byte-order mark) pass through unmodified.
        """
        session = _Session(self, encoding)
        for chunk in chunks:
            session.feed(bytes(chunk))
            if session.out:
                yield session.take()
        session.finish()
        if session.out:
            yield session.take()

    async def atransform(
        self, chunks: AsyncIterable[bytes], *, encoding: str | None = None
    ) -> AsyncIterator[bytes]:
        """`transform` for an async iterable of chunks."""
        session = _Session(self, encoding)
        async for chunk in chunks:
            session.feed(bytes(chunk))
            if session.out:
                yield session.take()
        session.finish()
        if session.out:
            yield session.take()

    def rewrite(self, document: bytes) -> bytes:
        """Rewrite a whole document at once (convenience for tests and small bodies)."""
        return b"".join(self.transform([document]))


def _is_wide(encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(_WIDE_ENCODINGS)


def _looks_wide(head: bytes) -> bool:
    """UTF-16/32: a byte-order mark, or NUL bytes among the first few (never in ASCII HTML)."""
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]


class _Tracked:
    """An open element that something waits for the end of."""

    __slots__ = ("element", "level", "name", "scopes", "suppressing")

    def __init__(
        self, name: bytes, level: int, element: Element | None, scopes: list[_Rule]
    ) -> None:
        self.name = name
        self.level = level
        self.element = element
        self.scopes = scopes  # rules whose text/comment handlers apply inside
        self.suppressing = False


class _Plan:
    """What a Rewriter's rules need, worked out once and shared by its documents."""

    def __init__(self, rules: list[_Rule]) -> None:
        by_name: dict[bytes, list[_Rule]] = {}
        universal: list[_Rule] = []
        for rule in rules:
            tag = rule.selector.subject.tag
            if tag is None:
                universal.append(rule)
            else:
                by_name.setdefault(tag.encode("utf-8"), []).append(rule)
        self.rules = rules
        self.by_name = by_name
        self.universal = universal
        self.rule_names = frozenset(by_name)
        self.body_rules = by_name.get(_BODY, [])
        self.needs_tree = any(rule.selector.needs_ancestors for rule in rules)
        self.body_matters = bool(self.body_rules) or any(
            rule.element or rule.end_tag for rule in universal
        )
        # After the body's end, nothing is left to do when only body rules exist.
        self.done_after_body = not universal and self.rule_names <= {_BODY}
        # Byte strings a tag must contain (lower-cased) for a rule to match it, unless it
        # holds a character reference: `link[rel~=icon]` skips every `<link` without "icon".
        self.needles = {id(rule): _needles(rule.selector.subject) for rule in rules}
        # Per tag name, the needles every rule on it needs (only without universal rules).
        self.start_filters: dict[bytes, tuple[bytes, ...]] = {}
        if not universal and not self.needs_tree:  # the tree must see every start tag
            for name, named in by_name.items():
                common = set(self.needles[id(named[0])])
                for rule in named[1:]:
                    common &= set(self.needles[id(rule)])
                if common and name != _BODY:
                    self.start_filters[name] = tuple(sorted(common, key=len, reverse=True))
        self.interest: dict[tuple[frozenset[bytes], bool, bool], _Interest] = {}

    def interest_for(self, names: frozenset[bytes], body_pending: bool, scopes: bool) -> _Interest:
        """Start and end tag names that must reach Python, and the start tags' needles,
        while elements of `names` are tracked (worked out once per plan and state)."""
        if self.universal or self.needs_tree or scopes:
            starts: frozenset[bytes] | None = None
            ends: frozenset[bytes] | None = None
        else:
            starts = self.rule_names | names
            ends = names
            if body_pending:
                starts = starts | {_BODY}
                ends = ends | {b"body", b"html"}
        filters = self.start_filters
        if names and filters:  # tracked names must reach the hook to count nesting
            filters = {name: n for name, n in filters.items() if name not in names}
        return starts, ends, filters


def _needles(compound: Compound) -> tuple[bytes, ...]:
    needles = []
    for test in compound.tests:
        needles.append(test.name.encode("utf-8"))
        if test.operator and test.value:
            needles.append(test.value.encode("utf-8").lower())  # ASCII-only, like the tag
    return tuple(needles)


class _Session(Scanner):
    """One document going through a Rewriter."""

    def __init__(self, rewriter: Rewriter, encoding: str | None) -> None:
        plan = rewriter._plan()
        self._plan = plan
        self._on_error = rewriter.on_error
        self._by_name = plan.by_name
        self._universal = plan.universal
        self._needles = plan.needles
        self._body_rules = plan.body_rules
        self._tree = OpenElements() if plan.needs_tree else None
        self._tracked: list[_Tracked] = []
        self._open_counts: dict[bytes, int] = {}
        self._suppressing = 0
        self._body_pending = plan.body_matters
        self._body_seen = False
        self._body: _Tracked | None = None
        self._sniffing = not _is_wide(encoding)
        self._interest: _Interest | None = None
        super().__init__(deferred=True)
        self._update_interest()
        if not self._sniffing or not plan.rules:
            self.mode = PASSTHROUGH

    # plumbing
    def take(self) -> bytes:
        out = self.out
        data = out[0] if len(out) == 1 else b"".join(out)
        out.clear()
        return data

    def feed(self, chunk: bytes) -> None:
        if self._sniffing:
            held = self._buf + chunk
            if len(held) < 4:
                self._buf = held
                return
            self._sniffing = False
            self._buf = b""
            if _looks_wide(held):
                self.mode = PASSTHROUGH
            chunk = held
        super().feed(chunk)

    def finish(self) -> None:
        if self._sniffing:
            self._sniffing = False
            if _looks_wide(self._buf):
                self.mode = PASSTHROUGH
        super().finish()

    def _report(self, error: Exception) -> None:
        if self._on_error is None:
            logger.error("rewriter handler raised; content left unchanged", exc_info=error)
        else:
            self._on_error(error)

    def _call(self, handler: Callable[[_H], object], handle: _H) -> None:
        state = handle.snapshot()
        try:
            handler(handle)
        except Exception as error:
            handle.restore(state)
            self._report(error)

    def _update_interest(self) -> None:
        """Which tags must reach Python now; refresh the scanner's candidate regex."""
        plan = self._plan
        tracked = self._tracked
        body = self._body
        if not tracked or (len(tracked) == 1 and tracked[0] is body and not body.scopes):
            names, scopes = _NO_NAMES, False  # the common case: nothing or only the body
        else:
            names = frozenset(t.name for t in tracked if t is not body)
            scopes = any(t.scopes for t in tracked)
        key = (names, self._body_pending, scopes)
        interest = plan.interest.get(key)
        if interest is None:
            interest = plan.interest[key] = plan.interest_for(names, self._body_pending, scopes)
        if interest is not self._interest or scopes or self.text_events or self.comment_events:
            self._interest = interest
            self.interest_starts, self.interest_ends, self.start_filters = interest
            # Templates matter for the body's end and where svg/math content ends (F12).
            self.track_template = True
            if scopes:
                self.text_events = any(rule.text for t in tracked for rule in t.scopes)
                self.comment_events = any(rule.comments for t in tracked for rule in t.scopes)
            else:
                self.text_events = self.comment_events = False
            self.refresh()
        if (
            not self._body_pending
            and not self._tracked
            and plan.done_after_body
            and self.mode != PASSTHROUGH
        ):
            self.mode = PASSTHROUGH  # the snippet is in: the rest streams through untouched

    # tags
    def on_start_tag(
        self, buf: bytes, low: bytes, start: int, end: int, name: bytes
    ) -> bytes | None:
        open_foreign = self.foreign
        if open_foreign and open_foreign[-1][1] != b"html":  # in svg/math content
            void = low[end - 2] == 47
        else:
            void = name in VOID_ELEMENTS
        ancestors = _NO_ANCESTORS  # read only
        tree = self._tree
        if tree is not None:
            ancestors = tree.push(buf, low, start, end, name, void)
        if not void and name in self._open_counts:
            self._open_counts[name] += 1
        if name == _BODY:
            # body is a breakout tag (an HTML body start tag even inside svg/math); in a
            # template it is ignored, and a second one merges into the first.
            if self.template_depth or self._body_seen or not self._body_pending:
                return None
            self._body_seen = True
            is_body = True
            void = False
        else:
            is_body = False
        rules = self._by_name.get(name)
        universal = self._universal
        if rules is None:
            if not universal:
                return None
            candidates = universal
        else:
            candidates = rules + universal if universal else rules
        if len(candidates) > 1 or name not in self.start_filters:
            needles = self._needles
            candidates = [
                rule
                for rule in candidates
                if not needles[id(rule)]
                or all(low.find(needle, start, end) >= 0 for needle in needles[id(rule)])
                or not needles_spelled_plainly(low, start, end, needles[id(rule)])
            ]
            if not candidates:
                return None
        element = Element(
            name.decode("utf-8", "surrogateescape"),
            buf[start:end],
            low[start:end],
            1 + len(name),
            not void,
        )
        matched = False
        scopes: list[_Rule] = []
        for rule in candidates:
            if not rule.selector.matches(element, ancestors):
                continue
            matched = True
            if rule.element is not None:
                self._call(rule.element, element)
            if rule.end_tag is not None:
                element.on_end_tag(rule.end_tag)
            if rule.text is not None or rule.comments is not None:
                scopes.append(rule)
        if not matched:
            return None
        if void:
            return element.render_void()
        if element.needs_end() or scopes or is_body:
            tracked = _Tracked(name, 0, element, scopes)
            if is_body:
                self._body = tracked
            else:
                counts = self._open_counts
                if name not in counts:
                    counts[name] = 1
                tracked.level = counts[name]
            if element.suppresses_content:
                tracked.suppressing = True
                self._suppressing += 1
                self.suppress = True
            self._tracked.append(tracked)
            self._update_interest()
        return element.render_start_if_changed()

    def on_end_tag(self, buf: bytes, low: bytes, start: int, end: int, name: bytes) -> bytes | None:
        if self._tree is not None:
            self._tree.pop(name)
        if (
            self._body_pending
            and self.template_depth == 0
            and not (self.foreign and self.closes_foreign_element(name))
        ):
            if name == _BODY:
                return self._end_body(buf[start:end])
            if name == b"html":
                return self._end_body(b"") + buf[start:end]
        count = self._open_counts.get(name)
        if count is None:
            return None
        result: bytes | None = None
        for index in range(len(self._tracked) - 1, -1, -1):
            tracked = self._tracked[index]
            if tracked.name == name and tracked is not self._body and tracked.level == count:
                del self._tracked[index]
                result = self._close(tracked, buf[start:end])
                break
        if count > 0:
            self._open_counts[name] = count - 1
        if not any(t.name == name for t in self._tracked if t is not self._body):
            del self._open_counts[name]
        if result is not None:
            self._update_interest()
        return result

    def _close(self, tracked: _Tracked, end_tag: bytes) -> bytes:
        """The bytes written at a tracked element's end: its handlers' edits around it."""
        element = tracked.element
        if tracked.suppressing:
            self._suppressing -= 1
            self.suppress = self._suppressing > 0
        if element is None:
            return end_tag
        handle = EndTag(element.tag_name)
        for handler in element._end_handlers:
            self._call(handler, handle)
        return element.render_end(handle.render(end_tag))

    def _end_body(self, end_tag: bytes) -> bytes:
        """The body ends here (its first real </body>, else </html>, else the end)."""
        self._body_pending = False
        body = self._body
        result: bytes
        if body is not None:
            self._body = None
            self._tracked.remove(body)
            result = self._close(body, end_tag)
        elif not self._body_seen and self._body_rules:
            # No <body> start tag: the tree builder made one; run the body rules here.
            element = Element("body", b"", b"", 0, True)
            for rule in self._body_rules:
                if rule.selector.matches(element, []):
                    if rule.element is not None:
                        self._call(rule.element, element)
                    if rule.end_tag is not None:
                        element.on_end_tag(rule.end_tag)
            handle = EndTag("body")
            for handler in element._end_handlers:
                self._call(handler, handle)
            result = element.render_start() + element.render_end(handle.render(end_tag))
        else:
            result = end_tag
        self._update_interest()
        return result

    def on_end_of_document(self) -> bytes | None:
        pieces: list[bytes] = []
        while self._tracked:
            tracked = self._tracked[-1]
            if tracked is self._body:
                break
            self._tracked.pop()
            pieces.append(self._close(tracked, b""))
        if self._body_pending:
            pieces.append(self._end_body(b""))
        while self._tracked:
            pieces.append(self._close(self._tracked.pop(), b""))
        return b"".join(pieces)

    # text and comments
    def on_text(self, buf: bytes, start: int, end: int, last: bool, raw: bool) -> bytes | None:
        original = buf[start:end]
        chunk = TextChunk(original.decode("utf-8", "surrogateescape"), last)
        for tracked in self._tracked:
            for rule in tracked.scopes:
                if rule.text is not None:
                    self._call(rule.text, chunk)
        rendered = chunk.render(original)
        return None if rendered is original else rendered

    def on_comment(self, buf: bytes, start: int, end: int, kind: int) -> bytes | None:
        if kind != 0:
            return None
        original = buf[start:end]
        body = original[4:]
        for terminator in (b"--!>", b"-->"):
            if body.endswith(terminator) and len(body) >= len(terminator):
                body = body[: -len(terminator)]
                break
        else:
            if body.endswith(b">") and body in (b">", b"->"):
                body = b""
        comment = Comment(body.decode("utf-8", "surrogateescape"))
        for tracked in self._tracked:
            for rule in tracked.scopes:
                if rule.comments is not None:
                    self._call(rule.comments, comment)
        rendered = comment.render(original)
        return None if rendered is original else rendered
