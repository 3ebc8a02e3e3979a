"""The scanner's cheap data-state proof: it may say "not proven", never a wrong "yes".

Pure logic on bytes, so checked against a small exact tokenizer (quotes and tags only,
which is all that can occur between two candidates) rather than through a whole rewrite.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from edgeviews.rewriter.data_state import bogus_comment_open, in_data_state, walk

TAG_STEP = re.compile(rb"(?:[^<]++|<(?![a-z/])|</?[a-z][^\t\n\f\r />]*+[^>]*?>)*+")


def outside_tags(data: bytes, pos: int) -> bool:
    """Exactly: whether `pos` is outside every tag of `data` (text and plain tags only)."""
    at, inside, quote = 0, False, 0
    while at < pos:
        byte = data[at]
        if not inside:
            if (
                byte == 60
                and at + 1 < len(data)
                and (97 <= data[at + 1] <= 122 or data[at + 1] == 47)
            ):
                inside = True
        elif quote:
            if byte == quote:
                quote = 0
        elif byte in (34, 39) and data[at - 1] in b"=\t\n\f\r ":
            quote = byte
        elif byte == 62:
            inside = False
        at += 1
    return not inside


def test_text_after_a_finished_tag_is_proven() -> None:
    data = b'<p class="a">some text '
    assert in_data_state(data, 0, len(data))


def test_inside_a_quoted_value_holding_a_gt_is_not_proven() -> None:
    data = b'<a title="1 > 0 and '
    assert not in_data_state(data, 0, len(data))


def test_an_unfinished_tag_is_not_proven() -> None:
    data = b"text <div "
    assert not in_data_state(data, 0, len(data))


def test_a_quote_in_text_after_the_last_tag_needs_the_walk() -> None:
    data = b'<b>x</b> he said "hi'
    assert not in_data_state(data, 0, len(data))  # not proven; the walk then decides
    assert walk(TAG_STEP, data, 0) == len(data)


def test_bogus_comment_openings() -> None:
    assert bogus_comment_open(b"<?xml ?>", 0, 8)
    assert bogus_comment_open(b"</ x>", 0, 5)
    assert not bogus_comment_open(b"</x>", 0, 4)
    assert not bogus_comment_open(b"<!-- -->", 0, 8)
    assert not bogus_comment_open(b"<", 0, 1)


PIECES = st.sampled_from(
    [
        b"text ",
        b"<p>",
        b"</p>",
        b'<a href="x">',
        b"<a title='a>b'>",
        b'<i c="q">',
        b'<a t="1>',
        b"<a t='1>",
        b" 'q' ",
        b'"',
        b">",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12))
def test_a_proof_is_never_wrong(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    if in_data_state(data, 0, len(data)):
        assert outside_tags(data, len(data)), data
