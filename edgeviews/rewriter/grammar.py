"""The byte-level grammar of HTML tags, as regular expressions that never backtrack.

Every pattern here runs on a lower-cased copy of the input (`bytes.lower()` only touches
ASCII A-Z, so positions line up with the original). Quantifiers are possessive and the
attribute grammar is deterministic: with backtracking, a tag cut at a chunk boundary
(`<a title="x>y`) could match a false `>`; here an unfinished tag simply does not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

WS = rb"\t\n\f\r "
# Inside a tag: separators, then attributes; a name followed by `=` must take a value.
_ATTR_VALUE = rb"""(?:"[^"]*+"|'[^']*+'|(?!["'])[^\t\n\f\r >]*+)"""
_ATTRIBUTE = (
    rb"[^\t\n\f\r />][^\t\n\f\r />=]*+"
    rb"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+" + _ATTR_VALUE + rb"|(?![\t\n\f\r ]*+=))"
)
TAG_LOOP = rb"(?:[\t\n\f\r /]++|" + _ATTRIBUTE + rb")*+"
TAG_REST = rb"[^\t\n\f\r />]*+" + TAG_LOOP + rb">"

# A whole start or end tag from its `<`; no match means the tag is not finished yet.
TAG = re.compile(rb"</?([a-z][^\t\n\f\r />]*+)" + TAG_LOOP + rb">")
# How far an unfinished tag gets: the end of its last complete attribute.
TAG_PARTIAL = re.compile(rb"</?[a-z][^\t\n\f\r />]*+" + TAG_LOOP)
# An attribute whose quoted value is still open at the end of the buffer.
OPEN_QUOTED_VALUE = re.compile(
    rb"[^\t\n\f\r />][^\t\n\f\r />=]*+[\t\n\f\r ]*+=[\t\n\f\r ]*+([\"'])"
)
# One attribute at a time, for the handles: name, and the value in one of three forms.
ATTRIBUTE = re.compile(
    rb"([^\t\n\f\r />][^\t\n\f\r />=]*+)"
    rb"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"
    rb"""(?:"([^"]*+)"|'([^']*+)'|(?!["'])([^\t\n\f\r >]*+))|(?![\t\n\f\r ]*+=))"""
)
TAG_NAME_END = re.compile(rb"[\t\n\f\r />]")

# Proof that a candidate is in the data state: after the last `>`, no `<` or quote.
LT_OR_QUOTE = re.compile(rb"[<\"']")
COMMENT_END = re.compile(rb"--!?>")
CDATA_END = re.compile(rb"]]>")
GT = re.compile(rb">")

VOID_ELEMENTS = frozenset(
    b"area base basefont bgsound br col embed frame hr img input keygen link meta param "
    b"source track wbr".split()
)
RAWTEXT_ELEMENTS = frozenset(b"style xmp iframe noembed noframes noscript".split())
RCDATA_ELEMENTS = frozenset((b"title", b"textarea"))
# Start tags that change how the tokenizer reads what follows (outside svg/math).
STATE_SWITCHING = RAWTEXT_ELEMENTS | RCDATA_ELEMENTS | {b"script", b"plaintext", b"svg", b"math"}
FOREIGN_ROOTS = frozenset((b"svg", b"math"))
# Start tags that end svg/math content (the tree builder's "breakout" list; font only
# with color, face or size, which the scanner checks).
BREAKOUT = frozenset(
    b"b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i "
    b"img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt "
    b"u ul var font".split()
)
# Elements whose content is HTML again, by the namespace they appear in (annotation-xml
# only with an HTML encoding attribute, which the scanner checks).
INTEGRATION_POINTS = {
    b"svg": frozenset((b"foreignobject", b"desc", b"title")),
    b"math": frozenset((b"mi", b"mo", b"mn", b"ms", b"mtext", b"annotation-xml")),
    b"html": frozenset(),
}
ALL = None  # a name set of None means "every tag name"


def _alternation(names: Iterable[bytes]) -> bytes:
    """A regex alternation of literal names with common prefixes factored out (a trie).

    sre rejects a literal-led branch with one comparison, so a factored trie costs a
    few comparisons per `<` where a flat list of twenty names would cost twenty.
    """
    trie: dict[int, Any] = {}
    for name in sorted(set(names)):
        node = trie
        for byte in name:
            node = node.setdefault(byte, {})
        node[-1] = {}

    def emit(node: dict[int, Any]) -> bytes:
        branches = [
            re.escape(bytes((byte,))) + emit(child)
            for byte, child in sorted(node.items())
            if byte != -1
        ]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        return b"(?:" + body + b")?" if -1 in node else body

    return emit(trie)


def _names(names: frozenset[bytes] | None) -> bytes:
    if names is None:
        return rb"[a-z][^\t\n\f\r />]*+"
    if not names:
        return rb"(?!)"
    return _alternation(names)


# Whole tokens the candidate regex may swallow, written without their leading `<`.
# No lookahead assertions where avoidable: each costs a nested match at every `<`.
_COMMENT_BODY = rb"--(?:>|->|(?:[^-]++|-(?!-!?>))*+--!?>)"
_BANG_WHOLE = (_COMMENT_BODY, b">", b"->", rb"-[^->][^>]*+>", rb"[^->][^>]*+>")
_NAME_END = rb"(?=[\t\n\f\r />])"
# Whole elements a run of swallowed tokens may continue with (the common ones).
_RUN_ELEMENTS = (b"script", b"style")


AMP = b"&amp;"


def _plain_tag_rest(amp: bool) -> bytes:
    """A whole tag with no `&` (but `&amp;` in values where `amp`) and no `>` in a quoted
    value, so it ends at its first `>`.

    `&amp;` is the one reference common in real tags (URLs with query strings); it
    decodes to `&` alone, so it cannot spell a needle that holds no `&`.
    """
    more = rb"(?:&amp;%s*+)*+" if amp else b""

    def value(chars: bytes) -> bytes:
        return chars + b"*+" + (more % chars if amp else b"")

    return (
        rb"[^\t\n\f\r />&]*+(?:[\t\n\f\r /]++|[^\t\n\f\r />=&][^\t\n\f\r />=&]*+"
        rb"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"
        rb'(?:"'
        + value(rb'[^">&]')
        + rb""""|'"""
        + value(rb"[^'>&]")
        + rb"""'|(?!["'])"""
        + value(rb"[^\t\n\f\r >&]")
        + rb")|(?![\t\n\f\r ]*+=)))*+>"
    )


_PLAIN_TAG_REST = _plain_tag_rest(False)
_PLAIN_TAG_REST_AMP = _plain_tag_rest(True)


def needles_spelled_plainly(low: bytes, start: int, end: int, needles: tuple[bytes, ...]) -> bool:
    """Whether each needle the tag's decoded attributes hold is in its raw bytes too.

    True when the tag has no `&`, or only `&amp;` and no needle holds `&` (then a needle
    missing from the bytes is missing from every decoded value): the needle test may
    then rule the tag out. False means a character reference might spell a needle.
    """
    ampersands = low.count(b"&", start, end)
    if not ampersands:
        return True
    if ampersands != low.count(AMP, start, end):
        return False
    return not any(b"&" in needle for needle in needles)


Filters = tuple[tuple[bytes, tuple[bytes, ...]], ...]


def _filtered(needles: tuple[bytes, ...]) -> bytes:
    """After a tag name: go on only if the tag can hold its first needle (lower-cased).

    The tag stays a candidate when its first needle comes before its first `>`, or
    when the tag is not surely plain: a `&` in it other than `&amp;` (a character
    reference may spell a needle; any `&` where a needle holds one), a quoted value
    holding `>` (its end is not its first `>`), or unfinished (`_PLAIN_TAG_REST`
    fails on all three): a superset of the tags the exact needle test passes, decided inside the regex, so the others never reach
    Python. The other needles are left to that exact test. The scans are greedy on
    purpose (inside a lookahead backtracking cannot move the match): sre runs
    `[^>]*` as a tight loop and then steps back only to bytes equal to the needle's
    first, where a lazy `[^>]*?` would restart the matcher at every byte.
    """
    plain = _PLAIN_TAG_REST if any(b"&" in needle for needle in needles) else _PLAIN_TAG_REST_AMP
    return rb"(?:(?=[^>]*" + re.escape(needles[0]) + rb")|(?!" + plain + b"))"


def _start_names(starts: frozenset[bytes] | None, filters: Filters) -> bytes:
    """The start-tag names alternation, with needle conditions for filtered names."""
    if starts is None or not filters:
        return _names(starts) + _NAME_END
    conditions = dict(filters)
    plain = [name for name in starts if name not in conditions]
    parts = [_names(frozenset(plain)) + _NAME_END] if plain else []
    parts += [
        re.escape(name) + _NAME_END + _filtered(conditions[name])
        for name in sorted(starts)
        if name in conditions
    ]
    return _alternatives(parts) if parts else rb"(?!)"


def _raw_element(name: bytes) -> bytes:
    """A whole raw-text element, without its `<`, when simple (a script without `<!--`)."""
    escaped = re.escape(name)
    stop = b"/" + escaped + rb"[\t\n\f\r />]" + (rb"|!--" if name == b"script" else b"")
    return (
        escaped
        + _NAME_END
        + TAG_REST
        + rb"[^<]*+(?:<(?!"
        + stop
        + rb")[^<]*+)*+</"
        + escaped
        + _NAME_END
        + TAG_LOOP
        + rb">"
    )


def _alternatives(parts: list[bytes]) -> bytes:
    return parts[0] if len(parts) == 1 else b"(?:" + b"|".join(parts) + b")"


def _by_first_letter(
    names: list[bytes],
    whole: dict[bytes, bytes],
    filters: dict[bytes, tuple[bytes, ...]] | None = None,
) -> list[bytes]:
    """Start-tag alternatives grouped under their first letter: `s(?:cript...|vg...)`.

    sre tries a branch's alternatives one by one, skipping a literal-led one with one
    comparison; grouped, a `<div` costs one comparison per letter, not one per name.
    A swallowed whole element is tried before the bare name it starts with; a name with
    needles (`filters`) carries their condition.
    """
    filters = filters or {}
    groups: dict[int, list[bytes]] = {}
    for name in sorted(names):
        rests = groups.setdefault(name[0], [])
        condition = _filtered(filters[name]) if name in filters else b""
        head = re.escape(name[1:]) + _NAME_END
        if name in whole and not condition:
            # `cript(?=...)(?:<the whole element>|)`: one comparison fewer per `<s`.
            tail = whole[name][len(re.escape(name)) + len(_NAME_END) :]
            rests.append(head + b"(?:" + tail + b"|)")
            continue
        if name in whole:
            rests.append(whole[name][1:])
        rests.append(head + condition)
    return [re.escape(bytes((first,))) + _alternatives(rests) for first, rests in groups.items()]


@lru_cache(maxsize=256)
def candidate_patterns(
    starts: frozenset[bytes] | None,
    ends: frozenset[bytes] | None,
    swallow: frozenset[bytes] = frozenset(),
    filters: Filters = (),
) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """The candidate regex for a set of start and end tag names, and its exact walker.

    Candidates are what can change the tokenizer's state or interest a rule: comments,
    `<!`, `<?`, `</` not followed by a letter, and the named start and end tags. The
    pattern has no groups (captures cost at every `<`); the byte after `<` says which
    kind was found. With `swallow` (raw-text element names, and b"!" for comments,
    doctypes and bogus comments), a simple complete such token is matched whole, ending
    in `>`, which no bare candidate does: one regex call instead of four.
    With `filters` ((name, needles) pairs), a start tag of such a name is a candidate
    only where it may hold every needle (finding P2: a rule on a common tag name costs
    a regex step, not a Python call, for each tag of that name it cannot match).
    The walker matches, exactly, the run of text and uninteresting tags before the next
    candidate; it runs only where the cheap data-state proof fails.
    """
    bare = [
        _start_names(starts, filters),
        b"/(?:" + _names(ends) + _NAME_END + rb"|(?![a-z]))",
        b"!",
        rb"\?",
    ]
    body = b"(?:" + b"|".join(bare) + b")"
    walker = re.compile(
        rb"(?:[^<]++|<(?=[^a-z!?/])|<(?!" + body + rb")/?[a-z]" + TAG_REST + rb")*+"
    )
    if starts is None or ends is None:
        return re.compile(b"<" + body), walker
    bogus = b"!" in swallow
    whole = {name: _raw_element(name) for name in swallow if name != b"!"}
    # After a swallowed comment, script or style: text and more of those, in the same
    # match (a head full of scripts, a page of `<!-- section -->` markers): text with
    # no `<` after a token that ended in the data state is in the data state too.
    runs = [b"<" + whole[name] for name in _RUN_ELEMENTS if name in whole]
    if bogus:
        runs.insert(0, b"<!" + _COMMENT_BODY)
    run = rb"(?:[^<]*+(?:" + b"|".join(runs) + b"))*+" if runs else b""
    for name in _RUN_ELEMENTS:
        if name in whole:
            whole[name] += run
    # `</` first: half of all `<` on a page start an end tag, nearly all uninteresting.
    # Letters first, then one class test for the rest (`</>`, a bogus comment, whole
    # or not): a `</div` fails with one class test instead of two.
    slash = _by_first_letter(sorted(ends), {})
    if not bogus:
        # `</` + not a letter starts a bogus comment. Where those are swallowed anyway,
        # the regex leaves them out: the class test would cost ~60 instructions at every
        # `</` (half of all `<`); the data-state proof treats one like a tag (both end at
        # their first `>` unless a quote may be open, and then it is not proven), and the
        # scanner takes it where the exact walker stops at it.
        slash.append(rb"(?![a-z])")
    bang = [_COMMENT_BODY + run, *_BANG_WHOLE[1:], b""] if bogus else [b""]
    top = [
        *([b"/" + _alternatives(slash)] if slash else []),
        b"!" + _alternatives(bang),
        *_by_first_letter(sorted(starts), whole, dict(filters)),
        *([] if bogus else [rb"\?"]),  # `<?` too, as `</` + non-letter
    ]
    return re.compile(b"<(?:" + b"|".join(top) + b")"), walker


def candidate_needles(
    starts: frozenset[bytes] | None,
    ends: frozenset[bytes] | None,
    swallow: frozenset[bytes] = frozenset(),
) -> tuple[bytes, ...] | None:
    """Literal prefixes, one of which starts every match of `candidate_patterns`' regex
    for the same arguments; None where some match starts with no literal name (any tag,
    or `</` + a byte that is not a letter)."""
    if starts is None or ends is None or b"!" not in swallow:
        return None
    return (
        b"<!",
        *(b"</" + name for name in sorted(ends)),
        *(b"<" + name for name in sorted(starts)),
    )


@lru_cache(maxsize=64)
def end_tag_pattern(name: bytes) -> re.Pattern[bytes]:
    """Where raw text ends: `</name` followed by whitespace, `/` or `>` (never, nameless)."""
    if not name:
        return re.compile(rb"(?!)")
    return re.compile(b"</" + re.escape(name) + rb"(?=[\t\n\f\r />])")


# Script data and its escaped states; the pattern starts with a literal `<` where it
# can, so sre scans for it quickly (a leading group made this 25x slower).
@lru_cache(maxsize=16)
def script_patterns(
    name: bytes,
) -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """Searches for script data, escaped and double-escaped states, ending at `</name`."""
    tail = b"/" + re.escape(name) + rb"(?=[\t\n\f\r />])" if name else rb"(?!)"
    end = b"<" + tail
    return (
        re.compile(b"<(?:" + tail + rb"|!--)"),
        re.compile(rb"-->|" + end + rb"|<script(?=[\t\n\f\r />])"),
        re.compile(rb"-->|</script(?=[\t\n\f\r />])"),
    )


def _raw_element_rest(name: bytes, script: bool) -> re.Pattern[bytes]:
    escaped = re.escape(name)
    stop = b"/" + escaped + rb"[\t\n\f\r />]" + (rb"|!--" if script else b"")
    return re.compile(
        rb"[^<]*+(?:<(?!"
        + stop
        + rb")[^<]*+)*+</"
        + escaped
        + rb"(?=[\t\n\f\r />])"
        + TAG_LOOP
        + rb">"
    )


# After a raw-text start tag: its whole content and end tag, when that is simple (for a
# script, no `<!--`, which would need the escaped states). One match instead of a state
# switch, a search and an end tag; when it does not match, the state machine takes over.
RAW_ELEMENT_REST = {
    name: _raw_element_rest(name, name == b"script")
    for name in (RAWTEXT_ELEMENTS | RCDATA_ELEMENTS | {b"script"})
}
