"""The streaming tokenizer: finds, in bytes, the tokens that matter and nothing more.

It follows the WHATWG tokenizer's states where they decide what is a tag: data, RCDATA,
RAWTEXT, script data with its escaped and double-escaped states, PLAINTEXT, comments,
bogus comments, CDATA in svg/math. It works in two tiers, as lol-html does:

- the fast path searches the lower-cased buffer with one regex for *candidates* (comments,
  `<!`, and the start/end tags some rule or state needs; `<?` and `</` + non-letter only
  where bogus comments must be reported), then proves cheaply that the candidate is not
  inside an attribute value of an earlier tag;
- only where that proof fails does it walk the tags in between exactly; where the walk
  stops at a `<?` or `</` + non-letter the regex left out, that bogus comment is taken
  as the regex would have found it.

Bytes between tokens are never copied unless a hook replaces something; the output is
the input sliced at the points where hooks acted. A tag cut by a chunk boundary is held
(memory: the largest single tag); a tag waiting for a closing quote is not rescanned
for every chunk. Subclasses override the `on_*` hooks; each returns replacement bytes
for the token or None to leave it as it is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Protocol

from edgeviews.rewriter.data_state import (
    QUOTE_OPENERS,
    bogus_comment_open,
    in_data_state,
    walk,
)
from edgeviews.rewriter.grammar import (
    BREAKOUT,
    CDATA_END,
    COMMENT_END,
    FOREIGN_ROOTS,
    GT,
    INTEGRATION_POINTS,
    LT_OR_QUOTE,
    OPEN_QUOTED_VALUE,
    RAW_ELEMENT_REST,
    RAWTEXT_ELEMENTS,
    RCDATA_ELEMENTS,
    STATE_SWITCHING,
    TAG,
    TAG_PARTIAL,
    Filters,
    candidate_needles,
    candidate_patterns,
    end_tag_pattern,
    needles_spelled_plainly,
    script_patterns,
)


class _Finder(Protocol):
    def find(self, low: bytes, pos: int, /) -> int: ...


def _speedups() -> ModuleType | None:
    """The C speedups (`_fastscan.c`, built at install where a C compiler is found), or None:
    then the same scan runs in pure Python. EDGEVIEWS_PURE_PYTHON=1 turns them off."""
    if os.environ.get("EDGEVIEWS_PURE_PYTHON"):
        return None
    try:
        from edgeviews.rewriter import _fastscan
    except ImportError:
        return None
    return _fastscan


SPEEDUPS = _speedups()


def speedups_state() -> str:
    """Which scan this process runs, in words (the benchmarks print it beside their figures)."""
    if SPEEDUPS is not None:
        return "C speedups (edgeviews/rewriter/_fastscan.c)"
    return "pure Python (C speedups not built, or EDGEVIEWS_PURE_PYTHON is set)"


DATA, RAWTEXT, SCRIPT, PLAINTEXT, COMMENT, BOGUS, CDATA, PASSTHROUGH = range(8)
SCRIPT_PLAIN, SCRIPT_ESC, SCRIPT_DOUBLE = range(3)
_MAX_FOREIGN_DEPTH = 256
_HTML = b"html"
_QUOTES = {b'"': re.compile(b'"'), b"'": re.compile(b"'")}
_OPENERS = (b"<!--", b"<!doctype", b"<![cdata[")
# In svg/math: starts that open or leave foreign content, and `html`/`template`, which
# are foreign elements there (their end tags then close them, not the HTML ones).
_FOREIGN_STARTS = FOREIGN_ROOTS | BREAKOUT | {b"html", b"template"}
_FOREIGN_ENDS = frozenset((b"p", b"br", b"html", b"template", b"body"))
_NOTHING: frozenset[bytes] = frozenset()
_AFTER_START = STATE_SWITCHING | {b"template"}
_SWALLOWABLE = RAWTEXT_ELEMENTS | RCDATA_ELEMENTS | {b"script", b"!"}
_REFRESHED: dict[object, tuple[re.Pattern[bytes], re.Pattern[bytes], _Finder | None]] = {}
_ANNOTATION_XML = b"annotation-xml"
_HTML_ENCODING = re.compile(
    rb"[\t\n\f\r /]encoding[\t\n\f\r ]*=[\t\n\f\r ]*"
    rb"""(["']?)(?:text/html|application/xhtml\+xml)\1[\t\n\f\r />]"""
)
_FONT_BREAKOUT = re.compile(rb"[\t\n\f\r /](?:color|face|size)[\t\n\f\r /=>]")


class Scanner:
    """Streaming tokenizer over bytes; subclasses say which tags interest them."""

    def __init__(
        self, *, scripting: bool = True, tree_states: bool = True, deferred: bool = False
    ) -> None:
        """`deferred`: the subclass sets its interest and calls `refresh()` itself."""
        self.out: list[bytes] = []
        self.scripting = scripting
        # False: no tag switches the state (the html5lib tokenizer tests run that way).
        self.tree_states = tree_states
        self.mode = DATA
        self.script_state = SCRIPT_PLAIN
        self.end_name = b""  # the element whose end tag ends RAWTEXT/RCDATA/script
        self.rcdata = False  # RAWTEXT mode is really RCDATA (references are decoded)
        # svg/math content: (element name, namespace it puts its content in), innermost last;
        # only elements that change the namespace or can end it are kept.
        self.foreign: list[tuple[bytes, bytes]] = []
        self.template_depth = 0
        self.track_template = False
        self.suppress = False  # drop content (a removed element's, for instance)
        self.text_events = False
        self.comment_events = False
        self.interest_starts: frozenset[bytes] | None = frozenset()
        self.interest_ends: frozenset[bytes] | None = frozenset()
        # Lower-cased bytes a start tag of that name must contain for any rule to match
        # it (unless it holds a character reference): checked before the hook is called.
        self.start_filters: dict[bytes, tuple[bytes, ...]] = {}
        self._filters_seen: dict[bytes, tuple[bytes, ...]] | None = None
        self._filters_frozen: frozenset[tuple[bytes, tuple[bytes, ...]]] | None = None
        self._buf = b""
        # A held token waiting for its end (a quote, `>`, `-->`): new chunks are searched
        # alone (plus a small overlap), so a long token is not rescanned per chunk.
        self._pending: list[bytes] | None = None
        self._pending_end: re.Pattern[bytes] = GT
        self._pending_tail = b""
        self._pending_overlap = 0
        self._hold_end: re.Pattern[bytes] | None = None  # set where a token is held
        self._hold_overlap = 0
        self._comment_start = -1  # where a held comment began (comment events only)
        self._text_open = False  # the last text chunk reached the buffer's end
        if not deferred:
            self.refresh()

    # hooks
    def on_start_tag(
        self, buf: bytes, low: bytes, start: int, end: int, name: bytes
    ) -> bytes | None:
        return None

    def on_end_tag(self, buf: bytes, low: bytes, start: int, end: int, name: bytes) -> bytes | None:
        return None

    def on_text(self, buf: bytes, start: int, end: int, last: bool, raw: bool) -> bytes | None:
        return None

    def on_comment(self, buf: bytes, start: int, end: int, kind: int) -> bytes | None:
        """A comment (`kind` 0), bogus comment (1), doctype (2) or CDATA section (3)."""
        return None

    def on_end_of_document(self) -> bytes | None:
        return None

    # configuration
    def refresh(self) -> None:
        """Recompute the candidate regex after the interest sets or the namespace changed."""
        foreign = self.foreign
        key = (
            self.interest_starts,
            self.interest_ends,
            self.tree_states,
            self.track_template,
            foreign[-1] if foreign else None,
            frozenset(name for name, _ in foreign) if foreign else None,
            self.text_events,
            self.comment_events,
            self.scripting,
            self._filters_key(),
        )
        patterns = _REFRESHED.get(key)
        if patterns is None:
            patterns = self._patterns()
            if len(_REFRESHED) > 4096:
                _REFRESHED.clear()
            _REFRESHED[key] = patterns
        self._candidate, self._walker, self._finder = patterns

    def _filters_key(self) -> frozenset[tuple[bytes, tuple[bytes, ...]]] | None:
        """`start_filters` as a hashable key, kept while the same dict is in place."""
        filters = self.start_filters
        if filters is not self._filters_seen:
            self._filters_seen = filters
            self._filters_frozen = frozenset(filters.items()) if filters else None
        return self._filters_frozen

    def _patterns(self) -> tuple[re.Pattern[bytes], re.Pattern[bytes], _Finder | None]:
        starts = self.interest_starts
        ends = self.interest_ends
        foreign = self.in_foreign()
        wanted_starts = starts
        state_names: frozenset[bytes] = _NOTHING  # start tags the state needs, whatever rules say
        if starts is not None:
            if not self.tree_states:
                pass
            elif foreign:
                namespace = self.foreign[-1][1]
                state_names = _FOREIGN_STARTS | INTEGRATION_POINTS[namespace]
            else:
                state_names = _AFTER_START if self.track_template else STATE_SWITCHING
            starts = starts | state_names
        if ends is not None and self.tree_states:
            if foreign:
                ends = ends | {name for name, _ in self.foreign} | _FOREIGN_ENDS
            else:
                if self.track_template:
                    ends = ends | {b"template"}
                if self.foreign:
                    ends = ends | {self.foreign[-1][0]}
        swallow: frozenset[bytes] = frozenset()
        wanted_starts, wanted_ends = self.interest_starts, self.interest_ends
        if (
            wanted_starts is not None
            and wanted_ends is not None
            and self.tree_states
            and not self.foreign
        ):
            swallow = _SWALLOWABLE - wanted_starts - wanted_ends
            if not self.scripting:
                swallow = swallow - {b"noscript"}
            if self.comment_events:
                swallow = swallow - {b"!"}
            if self.text_events:
                swallow = frozenset()
        # Needles go into the regex only for names no state change or tree needs whole.
        filters: Filters = ()
        if starts is not None and wanted_starts is not None and self.start_filters:
            filters = tuple(
                sorted(
                    (name, needles)
                    for name, needles in self.start_filters.items()
                    if name in wanted_starts and name not in state_names
                )
            )
        candidate, walker = candidate_patterns(starts, ends, swallow, filters)
        finder = None
        needles = candidate_needles(starts, ends, swallow)
        if SPEEDUPS is not None and needles:
            # A start tag of a filtered name whose bytes lack a needle is no candidate:
            # the finder skips it as the regex's condition would (the plain cases).
            by_needle = {b"<" + name: tuple(wanted) for name, wanted in filters}
            finder = SPEEDUPS.Finder(needles, [by_needle.get(needle) for needle in needles])
        return candidate, walker, finder

    def _found(self, low: bytes, pos: int) -> Iterator[re.Match[bytes]]:
        """`self._candidate.finditer(low, pos)`, with the C finder: the regex is anchored only
        where one of its literal prefixes begins, instead of sre entering it at every `<`."""
        finder = self._finder
        assert finder is not None
        find = finder.find
        match_at = self._candidate.match
        at = find(low, pos)
        while at >= 0:
            match = match_at(low, at)
            if match is not None:
                yield match
                at = find(low, match.end())
            else:
                at = find(low, at + 1)

    def in_foreign(self) -> bool:
        """Whether the current node is an svg or MathML element (not an integration point)."""
        return bool(self.foreign) and self.foreign[-1][1] != _HTML

    def set_state(self, mode: int, end_name: bytes = b"", rcdata: bool = False) -> None:
        """Start in another tokenizer state (the html5lib tests' initial states)."""
        self.mode = mode
        self.rcdata = rcdata
        self.end_name = end_name
        self.script_state = SCRIPT_PLAIN

    # streaming
    def feed(self, chunk: bytes) -> None:
        """Consume one chunk; output so far accumulates in `self.out`."""
        if self.mode == PASSTHROUGH:
            self.out.append(chunk)
            return
        pending = self._pending
        if pending is not None:
            probe = self._pending_tail + chunk
            pending.append(chunk)
            if self._pending_end.search(probe) is None:
                overlap = self._pending_overlap
                self._pending_tail = probe[-overlap:] if overlap else b""
                return
            buf = b"".join(pending)
            self._pending = None
        elif self._buf:
            buf = self._buf + chunk
        else:
            buf = chunk
        self._run(buf, False)

    def finish(self) -> None:
        """The document ended: flush what is held, run the end-of-document hook."""
        if self._pending is not None:
            buf = b"".join(self._pending)
            self._pending = None
        else:
            buf = self._buf
        self._buf = b""
        if self.mode == PASSTHROUGH:
            if buf:
                self.out.append(buf)
            return
        if not buf:
            insertion = self.on_end_of_document()
            if insertion:
                self.out.append(insertion)
            return
        self._run(buf, True)

    def _hold(self, buf: bytes, low: bytes, start: int) -> None:
        """Keep an unfinished token from `start`; if it waits for a known end, stop rescanning."""
        tail = buf[start:]
        end, overlap = self._hold_end, self._hold_overlap
        self._hold_end = None
        if end is None and len(tail) > 256:
            partial = TAG_PARTIAL.match(low, start)
            if partial is not None:
                # Inside a quoted value, nothing matters before its closing quote; anywhere
                # else in a tag (a long name or unquoted value), before a `>`.
                opened = OPEN_QUOTED_VALUE.match(low, partial.end())
                end = GT if opened is None else _QUOTES[opened.group(1)]
                overlap = 0
        if end is None:
            self._buf = tail
            return
        self._buf = b""
        self._pending = [tail]
        self._pending_end = end
        self._pending_overlap = overlap
        self._pending_tail = tail[-overlap:] if overlap else b""

    def _flush(self, buf: bytes, emit: int, stop: int) -> None:
        if stop > emit and not self.suppress:
            self.out.append(buf if emit == 0 and stop == len(buf) else buf[emit:stop])

    def _run(self, buf: bytes, final: bool) -> None:
        low = buf.lower() if SPEEDUPS is None else SPEEDUPS.lower(buf)
        rfind = low.rfind
        find = low.find
        lt_or_quote = LT_OR_QUOTE.search
        openers = QUOTE_OPENERS
        prove = None if SPEEDUPS is None else SPEEDUPS.in_data_state
        n = len(buf)
        out = self.out
        pos = 0  # everything before pos is tokenized
        emit = 0  # everything before emit is written (or dropped)
        hold = n  # bytes from hold on wait for more input
        apostrophe = -1  # the first `'` at or after pos once looked up (n: none)
        while True:
            mode = self.mode
            if mode == DATA:
                # The fast path: find candidates, prove each is in the data state, step
                # over swallowed tokens, until one needs more than that.
                # One finditer for a chain of swallowed tokens: each next match goes on
                # from the last one's end (= pos) without setting up a new search.
                proven = True
                matches = (
                    self._candidate.finditer(low, pos)
                    if self._finder is None
                    else self._found(low, pos)
                )
                for match in matches:
                    start, end = match.span()
                    if start != pos and prove is not None:
                        if not prove(low, pos, start):
                            proven = False
                            break
                    elif start != pos:
                        # Inlined in_data_state(low, pos, start): the hottest lines here.
                        gt = rfind(b">", pos, start)
                        if gt < 0:
                            if find(b"<", pos, start) >= 0:
                                proven = False
                                break
                        elif (
                            gt + 1 != start
                            and not low[gt + 1 : start].isspace()
                            and lt_or_quote(low, gt + 1, start) is not None
                        ):
                            proven = False
                            break
                        else:
                            quote = rfind(b'"', pos, gt)
                            if quote > pos and low[quote - 1] in openers:
                                proven = False
                                break
                            # `'` is rare in markup: look for one only where one is.
                            if apostrophe < pos:
                                apostrophe = find(b"'", pos)
                                if apostrophe < 0:
                                    apostrophe = n
                            if apostrophe < gt:
                                quote = rfind(b"'", pos, gt)
                                if quote > pos and low[quote - 1] in openers:
                                    proven = False
                                    break
                    if low[end - 1] != 62:
                        break
                    pos = end  # a swallowed comment, doctype or raw-text element
                else:
                    match = None
                if match is None:
                    hold = self._data_tail(low, pos, n)
                    if not bogus_comment_open(low, hold, n):
                        if self.text_events and hold > pos:
                            emit = self._text(buf, emit, pos, hold, hold == n and not final, False)
                        pos = hold
                        break
                    start, end = hold, hold + 2  # handled below, as the regex would have
                    hold = n
                elif not proven:
                    walked = walk(self._walker, low, pos)
                    if walked != start:
                        match = self._candidate.match(low, walked) if walked < n else None
                        if match is not None:
                            start, end = match.span()
                        elif bogus_comment_open(low, walked, n):
                            start, end = walked, walked + 2
                        else:
                            hold = walked
                            if self.text_events and walked > pos:
                                emit = self._text(buf, emit, pos, walked, False, False)
                            pos = walked
                            break
                    if low[end - 1] == 62:
                        pos = end
                        continue
                if self.text_events:
                    if start > pos:
                        emit = self._text(buf, emit, pos, start, True, False)
                    elif self._text_open:
                        emit = self._text(buf, emit, pos, pos, True, False)
                second = low[start + 1]
                if second == 47:  # </
                    is_tag = start + 2 < n and 97 <= low[start + 2] <= 122
                    group = 4 if is_tag else 0
                else:
                    group = 1 if second == 33 else 3 if second == 63 else 5
                if group == 5 or group == 4:
                    tag = TAG.match(low, start)
                    if tag is None:
                        hold = start
                        break
                    end = tag.end()
                    name = tag.group(1)
                    if group == 5:
                        interest = self.interest_starts
                        needles = self.start_filters.get(name)
                        if needles is not None and needles_spelled_plainly(
                            low, start, end, needles
                        ):
                            for needle in needles:
                                if find(needle, start, end) < 0:
                                    interest = _NOTHING  # no rule can match this tag
                                    break
                        if interest is None or name in interest:
                            was = self.suppress
                            replacement = self.on_start_tag(buf, low, start, end, name)
                            if replacement is not None:
                                if not was and start > emit:
                                    out.append(buf[emit:start])
                                if not (was and self.suppress):
                                    out.append(replacement)
                                emit = end
                        pos = end
                        if self.tree_states and (name in _AFTER_START or self.foreign):
                            rest = RAW_ELEMENT_REST.get(name)
                            if (
                                rest is not None
                                and not self.foreign
                                and not self.text_events
                                and (name != b"noscript" or self.scripting)
                                and self.interest_ends is not None
                                and name not in self.interest_ends
                            ):
                                whole = rest.match(low, end)
                                if whole is not None:  # the element, content and end tag
                                    pos = whole.end()
                                    continue
                            self._after_start_tag(buf, low, start, end, name)
                    else:
                        interest = self.interest_ends
                        if interest is None or name in interest:
                            was = self.suppress
                            replacement = self.on_end_tag(buf, low, start, end, name)
                            if replacement is not None:
                                if not was and start > emit:
                                    out.append(buf[emit:start])
                                if not (was and self.suppress):
                                    out.append(replacement)
                                emit = end
                        pos = end
                        if self.tree_states and (self.foreign or name == b"template"):
                            self._after_end_tag(name)
                    continue
                if group == 1 and low.startswith(b"--", start + 2):  # <!--
                    body = start + 4
                    if body < n and buf[body] == 62:
                        end = body + 1
                    elif body + 1 < n and buf[body] == 45 and buf[body + 1] == 62:
                        end = body + 2
                    elif body + 1 >= n and not final:
                        hold = start
                        break
                    else:
                        found = COMMENT_END.search(buf, body)
                        if found is None:
                            if not self.comment_events:
                                self.mode = COMMENT  # stream it; nothing needs it whole
                                pos = body
                                continue
                            if final:
                                emit = self._comment(buf, emit, start, n, 0)
                                pos = n
                                break
                            self._hold_end, self._hold_overlap = COMMENT_END, 3
                            hold = start
                            break
                        end = found.end()
                    if self.comment_events:
                        emit = self._comment(buf, emit, start, end, 0)
                    pos = end
                    continue
                if group == 1:  # <! not starting a comment: doctype, CDATA, bogus comment
                    head = low[start : start + 9]
                    if not final and n - start < 9 and any(o.startswith(head) for o in _OPENERS):
                        hold = start  # too short to tell which yet
                        break
                    if self.in_foreign() and buf.startswith(b"<![CDATA[", start):
                        found = CDATA_END.search(buf, start + 9)
                        kind = 3
                        if found is None:
                            if self.comment_events and not final:
                                self._hold_end, self._hold_overlap = CDATA_END, 2
                                hold = start
                                break
                            self.mode = CDATA
                            if self.comment_events:
                                emit = self._comment(buf, emit, start, n, kind)
                                pos = n
                                break
                            pos = start + 9
                            continue
                    else:
                        kind = 2 if head == b"<!doctype" else 1
                        found = GT.search(buf, start + 2)
                        if found is None:
                            if final:
                                if self.comment_events:
                                    emit = self._comment(buf, emit, start, n, kind)
                                pos = n
                                # A snippet after an unfinished doctype (or `<!-`, `<!d`)
                                # would be eaten by it: it goes before the `<`.
                                if kind == 2 or any(o.startswith(low[start:n]) for o in _OPENERS):
                                    hold = start
                                    break
                                hold = n
                                break
                            if kind == 2 or self.comment_events:
                                self._hold_end, self._hold_overlap = GT, 0
                                hold = start
                                break
                            self.mode = BOGUS
                            pos = start + 2
                            continue
                    if self.comment_events:
                        emit = self._comment(buf, emit, start, found.end(), kind)
                    pos = found.end()
                    continue
                # <? and </ followed by something other than a letter: bogus comments
                if group == 0:
                    if start + 2 >= n:  # `</` at the end: text if nothing follows
                        hold = start
                        break
                    if buf[start + 2] == 62:  # </> is dropped by the tokenizer
                        pos = start + 3
                        continue
                found = GT.search(buf, start + 2)
                if found is None:
                    if self.comment_events:
                        if final:
                            emit = self._comment(buf, emit, start, n, 1)
                            pos = hold = n
                            break
                        self._hold_end, self._hold_overlap = GT, 0
                        hold = start
                        break
                    self.mode = BOGUS
                    pos = start + 2
                    continue
                if self.comment_events:
                    emit = self._comment(buf, emit, start, found.end(), 1)
                pos = found.end()
                continue

            if mode == SCRIPT:
                state = self.script_state
                script_data, script_escaped, script_double = script_patterns(self.end_name)
                if state == SCRIPT_PLAIN:
                    found = script_data.search(low, pos)
                    if found is not None and low[found.start() + 1] == 33:
                        self.script_state = SCRIPT_ESC
                        if self.text_events:
                            emit = self._text(buf, emit, pos, found.start() + 2, False, True)
                        pos = found.start() + 2
                        continue
                elif state == SCRIPT_ESC:
                    found = script_escaped.search(low, pos)
                    if found is not None and low[found.start() + 1] != 47:
                        self.script_state = (
                            SCRIPT_PLAIN if low[found.start()] == 45 else SCRIPT_DOUBLE
                        )
                        if self.text_events:
                            emit = self._text(buf, emit, pos, found.end(), False, True)
                        pos = found.end()
                        continue
                else:
                    found = script_double.search(low, pos)
                    if found is not None:
                        self.script_state = SCRIPT_PLAIN if low[found.start()] == 45 else SCRIPT_ESC
                        if self.text_events:
                            emit = self._text(buf, emit, pos, found.end(), False, True)
                        pos = found.end()
                        continue
                if found is None:
                    hold = max(pos, n - max(8, len(self.end_name) + 2)) if not final else n
                    if self.text_events and hold > pos:
                        emit = self._text(buf, emit, pos, hold, False, True)
                    pos = hold
                    break
                start = found.start()
                emit, pos, stop = self._raw_text_end(buf, low, emit, pos, start, n, final)
                if stop:
                    hold = pos
                    break
                continue

            if mode == RAWTEXT:
                found = end_tag_pattern(self.end_name).search(low, pos)
                if found is None:
                    hold = max(pos, n - len(self.end_name) - 2) if not final else n
                    if self.text_events and hold > pos:
                        emit = self._text(buf, emit, pos, hold, False, True)
                    pos = hold
                    break
                emit, pos, stop = self._raw_text_end(buf, low, emit, pos, found.start(), n, final)
                if stop:
                    hold = pos
                    break
                continue

            if mode in (COMMENT, BOGUS, CDATA):
                pattern = COMMENT_END if mode == COMMENT else GT if mode == BOGUS else CDATA_END
                found = pattern.search(buf, pos)
                if found is None:
                    keep = 0 if mode == BOGUS else 3
                    hold = max(pos, n - keep) if not final else n
                    if mode == CDATA and self.text_events and hold > pos:
                        emit = self._text(buf, emit, pos, hold, False, True)
                    pos = hold
                    break
                if mode == CDATA and self.text_events and found.start() > pos:
                    emit = self._text(buf, emit, pos, found.start(), True, True)
                self.mode = DATA
                pos = found.end()
                continue

            # PLAINTEXT and PASSTHROUGH: everything is text
            if self.text_events and n > pos:
                emit = self._text(buf, emit, pos, n, False, True)
            pos = hold = n
            break

        if final:
            if self.text_events and hold < n and buf[hold:] in (b"<", b"</"):
                emit = self._text(buf, emit, hold, n, True, False)  # text, not a tag
            insertion = self.on_end_of_document()
            self._flush(buf, emit, hold)
            if insertion:
                out.append(insertion)
            self._flush(buf, max(emit, hold), n)
            return
        self._flush(buf, emit, hold)
        if hold < n:
            if self.mode == DATA:
                self._hold(buf, low, hold)
            else:
                self._buf = buf[hold:]
        else:
            self._buf = b""

    def _data_tail(self, low: bytes, pos: int, n: int) -> int:
        """Where, at the end of the buffer, an unfinished tag (or a lone `<`) starts."""
        last = low.rfind(b"<", pos)
        if last < 0:
            return n
        proof = in_data_state if SPEEDUPS is None else SPEEDUPS.in_data_state
        if not proof(low, pos, last):
            return walk(self._walker, low, pos)
        if last + 1 == n:
            return last
        following = low[last + 1]
        if following == 63:  # <? : a bogus comment, it ends at its first `>`
            return n if low.find(b">", last + 2) >= 0 else last
        if following == 47:  # </
            if last + 2 == n:
                return last
            following = low[last + 2]
            if not 97 <= following <= 122:  # a bogus comment: it ends at its first `>`
                return n if low.find(b">", last + 2) >= 0 else last
        if 97 <= following <= 122:
            return n if TAG.match(low, last) else last
        return n

    def _raw_text_end(
        self, buf: bytes, low: bytes, emit: int, pos: int, start: int, n: int, final: bool
    ) -> tuple[int, int, bool]:
        """At `</name` ending raw text: the end tag, unless it is cut by the buffer end."""
        if self.text_events and start > pos:
            emit = self._text(buf, emit, pos, start, True, True)
        tag = TAG.match(low, start)
        if tag is None:
            return emit, start, True
        end = tag.end()
        name = self.end_name
        self.mode = DATA
        interest = self.interest_ends
        if interest is None or name in interest:
            was = self.suppress
            replacement = self.on_end_tag(buf, low, start, end, name)
            if replacement is not None:
                if not was and start > emit:
                    self.out.append(buf[emit:start])
                if not (was and self.suppress):
                    self.out.append(replacement)
                emit = end
        return emit, end, False

    def _text(self, buf: bytes, emit: int, start: int, end: int, last: bool, raw: bool) -> int:
        self._text_open = not last
        was = self.suppress
        replacement = self.on_text(buf, start, end, last, raw)
        if replacement is None:
            return emit
        if not was and start > emit:
            self.out.append(buf[emit:start])
        if not was:
            self.out.append(replacement)
        return end

    def _comment(self, buf: bytes, emit: int, start: int, end: int, kind: int) -> int:
        was = self.suppress
        replacement = self.on_comment(buf, start, end, kind)
        if replacement is None:
            return emit
        if not was and start > emit:
            self.out.append(buf[emit:start])
        if not was:
            self.out.append(replacement)
        return end

    def _after_start_tag(self, buf: bytes, low: bytes, start: int, end: int, name: bytes) -> None:
        """Switch tokenizer state, or track svg/math, after a start tag."""
        foreign = self.foreign
        if foreign and foreign[-1][1] != _HTML:
            if name in BREAKOUT:
                if name == b"font" and _FONT_BREAKOUT.search(low, start, end) is None:
                    return
                self._leave_foreign()
                self._after_start_tag(buf, low, start, end, name)  # now as HTML
                return
            if low[end - 2] == 47 or len(foreign) >= _MAX_FOREIGN_DEPTH:  # self-closing
                return
            top, namespace = foreign[-1]
            if name in INTEGRATION_POINTS[namespace]:
                if name == _ANNOTATION_XML:
                    html = _HTML_ENCODING.search(low, start, end) is not None
                    foreign.append((name, _HTML if html else namespace))
                else:
                    foreign.append((name, _HTML))
            elif name == b"svg" and top == _ANNOTATION_XML:
                foreign.append((name, b"svg"))  # svg inside annotation-xml is svg
            elif name in FOREIGN_ROOTS or name == b"html" or name == b"template":
                foreign.append((name, namespace))  # an element of the current namespace
            else:
                return
            self.refresh()
            return
        if name in STATE_SWITCHING:
            if name == b"script":
                self.mode = SCRIPT
                self.script_state = SCRIPT_PLAIN
                self.end_name = name
            elif name in RAWTEXT_ELEMENTS or name in RCDATA_ELEMENTS:
                if name == b"noscript" and not self.scripting:
                    return
                self.mode = RAWTEXT
                self.rcdata = name in RCDATA_ELEMENTS
                self.end_name = name
            elif name == b"plaintext":
                self.mode = PLAINTEXT
            elif low[end - 2] != 47 and len(foreign) < _MAX_FOREIGN_DEPTH:  # svg, math
                foreign.append((name, name))
                self.refresh()
        elif name == b"template" and self.track_template:
            self.template_depth += 1

    def closes_foreign_element(self, name: bytes) -> bool:
        """In svg/math, whether end tag `name` closes an svg/MathML element, not an HTML one."""
        for open_name, namespace in reversed(self.foreign):
            if namespace == _HTML:
                return False
            if open_name == name:
                return True
        return False

    def _after_end_tag(self, name: bytes) -> None:
        foreign = self.foreign
        if foreign:
            if foreign[-1][1] != _HTML:
                if name == b"p" or name == b"br":
                    self._leave_foreign()
                    return
                for index in range(len(foreign) - 1, -1, -1):
                    if foreign[index][0] == name:
                        del foreign[index:]
                        self.refresh()
                        return
                    if foreign[index][1] == _HTML:
                        break
                # No svg/MathML element of that name is open: the HTML rules handle it.
                # Of those that matter here only </template>, with a template open,
                # pops elements (the svg/math content with it); </body> and </html>
                # change the insertion mode only.
                if name != b"template" or not self.template_depth:
                    return
                self._leave_foreign()
            elif name == foreign[-1][0]:
                foreign.pop()
                self.refresh()
                return
        if name == b"template" and self.track_template and self.template_depth:
            self.template_depth -= 1

    def _leave_foreign(self) -> None:
        foreign = self.foreign
        while foreign and foreign[-1][1] != _HTML:
            foreign.pop()
        self.refresh()
