"""Every corpus page, injected: the snippet appears once, inside <body>, and no other byte moves.

Each page goes through the proxy's everyday rule (a marker element before the body's end
tag, else at the document's end) in 16 KiB chunks and in odd chunk sizes. The output must be
the same for every chunking, hold the marker exactly once, give the page back byte for byte
when the marker is cut out, and lexbor (selectolax) must parse the marker as an element
inside <body>. Where a page is small enough for the slow oracle, the marker must also sit
exactly where the oracle says the body ends. UTF-16 pages must pass through untouched.

Also: with a handler on every element each page is unchanged and the handler sees the
elements lol-html's does; and small pages with trap fragments spliced in at random places
(pages nobody has seen) get the snippet where the oracle says.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from tests.conftest import corpus_dir
from tests.rewriter.conftest import (
    HIDING,
    STRUCTURE,
    SYNTAX,
    UNCLOSED,
    ErrorLog,
    corpus_rows,
    insert_before_body_end,
    lolhtml_elements,
    run,
    split_by_sizes,
    with_snippet,
)
from tests.rewriter.oracle import body_end_offset

pytestmark = pytest.mark.corpus

MARKER_ID = "edgeviews-probe-c0rpu5"
MARKER = f'<div id="{MARKER_ID}"></div>'.encode()
CHUNKINGS = {"16KiB": [16384], "8191": [8191], "odd": [509, 3, 1021, 1, 4093]}
# The oracle reads ~1 MB/s; pages above this size are checked by lexbor alone unless asked.
ORACLE_LIMIT = 64_000 if os.environ.get("EDGEVIEWS_ORACLE_ALL") != "1" else 1 << 40


def looks_utf16(data: bytes) -> bool:
    """A byte-order mark, or ASCII markup interleaved with NULs at the start."""
    return data[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


def inject(data: bytes, sizes: list[int], errors: ErrorLog) -> bytes:
    from edgeviews.rewriter import Rewriter

    rewriter = Rewriter(on_error=errors).on(
        "body", end_tag=lambda end: end.before(MARKER, html=True)
    )
    return run(rewriter, split_by_sizes(data, sizes))


def marker_parents(output: bytes) -> list[list[str]]:
    """For each element lexbor finds with the marker's id, the tags of its ancestors."""
    found = []
    for node in LexborHTMLParser(output).css(f"#{MARKER_ID}"):
        parents, parent = [str(node.tag)], node.parent
        while parent is not None:
            parents.append(str(parent.tag))
            parent = parent.parent
        found.append(parents)
    return found


def test_page_gets_the_marker_once_inside_body(page: tuple[dict[str, Any], bytes]) -> None:
    row, data = page
    errors = ErrorLog()
    outputs = {name: inject(data, sizes, errors) for name, sizes in CHUNKINGS.items()}
    output = outputs["16KiB"]
    for name, other in outputs.items():
        assert other == output, f"{row['file']}: output fed in {name} chunks differs from 16 KiB"
    assert errors.errors == [], errors.errors

    if looks_utf16(data):
        assert output == data, f"{row['file']}: a UTF-16 page must pass through untouched"
        return

    assert output.count(MARKER) == 1, f"{row['file']}: marker count {output.count(MARKER)}"
    at = output.index(MARKER)
    assert output[:at] + output[at + len(MARKER) :] == data, f"{row['file']}: bytes changed"

    parents = marker_parents(output)
    assert len(parents) == 1, f"{row['file']}: lexbor sees {len(parents)} markers"
    assert parents[0][0] == "div" and "body" in parents[0], f"{row['file']}: {parents[0]}"

    if len(data) <= ORACLE_LIMIT:
        expected = body_end_offset(data)
        assert at == expected, f"{row['file']}: marker at {at}, the oracle says {expected}"


def without_repeated_body(names: list[str]) -> list[str]:
    """A second <body> start tag makes no new element (the tree builder merges its attributes
    into the body), and our rewriter does not call element handlers for it, so that a
    `body` rule acts once per page; lol-html calls them again."""
    first = names.index("body") if "body" in names else len(names)
    return names[: first + 1] + [name for name in names[first + 1 :] if name != "body"]


def test_page_elements_match_lolhtml(page: tuple[dict[str, Any], bytes]) -> None:
    """With a handler on every element the page is unchanged, and we see lol-html's elements."""
    from edgeviews.rewriter import Rewriter

    row, data = page
    seen: list[str] = []
    errors = ErrorLog()
    rewriter = Rewriter(on_error=errors).on("*", element=lambda el: seen.append(el.tag_name))
    assert run(rewriter, split_by_sizes(data, [16384])) == data, f"{row['file']}: bytes changed"
    assert errors.errors == []
    if looks_utf16(data):
        return
    theirs = lolhtml_elements(data)
    if theirs is not None:
        ours = [name.lower() for name in seen]
        assert ours == without_repeated_body(theirs), f"{row['file']}: elements differ"


# -- pages we have not seen: real pages with traps spliced in at random places ------------


def small_pages() -> list[bytes]:
    root = corpus_dir()
    if root is None:
        return []
    rows = [row for row in corpus_rows() if row["size"] <= 40_000]
    pages = [(root / row["file"]).read_bytes() for row in rows]
    return [page for page in pages if not looks_utf16(page)]


SMALL_PAGES = small_pages()


@settings(
    max_examples=int(os.environ.get("EDGEVIEWS_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=os.environ.get("EDGEVIEWS_FUZZ_RANDOM", "") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    which=st.integers(min_value=0),
    splices=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.sampled_from(HIDING + STRUCTURE + SYNTAX + UNCLOSED),
        ),
        min_size=1,
        max_size=4,
    ),
    size=st.integers(min_value=1, max_value=4096),
)
def test_spliced_pages_follow_the_oracle(
    corpus: Any, which: int, splices: list[tuple[float, bytes]], size: int
) -> None:
    """A small real page with trap fragments cut in anywhere: the snippet goes where the
    oracle says, whatever the chunk size."""
    if not SMALL_PAGES:
        pytest.skip("no small pages in the corpus")
    data = SMALL_PAGES[which % len(SMALL_PAGES)]
    for where, fragment in sorted(splices, reverse=True):
        at = int(where * len(data))
        data = data[:at] + fragment + data[at:]
    expected = with_snippet(data, body_end_offset(data))
    rewriter = insert_before_body_end()
    assert run(rewriter, [data]) == expected
    assert run(rewriter, split_by_sizes(data, [size, 1, 7])) == expected


class Lag:
    """Counts bytes handed to the rewriter and bytes it has yielded back."""

    def __init__(self) -> None:
        self.fed = self.emitted = self.worst = 0

    def source(self, data: bytes) -> Iterator[bytes]:
        for chunk in split_by_sizes(data, [16384]):
            self.worst = max(self.worst, self.fed - self.emitted)
            self.fed += len(chunk)
            yield chunk


def test_no_page_is_held_back(corpus: Any) -> None:
    """Output keeps pace with input: before each 16 KiB chunk is handed over, everything
    before the last (at most) 64 KiB has been yielded. A rewriter that held the page until
    its end would lag by the whole page (up to 1.8 MB here)."""
    rewriter = insert_before_body_end()
    for row in corpus_rows():
        lag = Lag()
        for piece in rewriter.transform(lag.source((corpus / row["file"]).read_bytes())):
            lag.emitted += len(piece)
        assert lag.worst <= 64 * 1024, f"{row['file']}: {lag.worst} bytes held back"
