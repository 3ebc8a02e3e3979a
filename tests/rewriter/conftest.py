"""Shared pieces of the rewriter's proof: feeding documents in chunks, and the corpus pages.

Every check here compares the rewriter with something it did not produce: the input bytes
themselves, the character-by-character oracle (tests/rewriter/oracle.py), or lexbor through
selectolax. Helpers are session-scoped fixtures so hypothesis tests can use them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import corpus_dir

#: Where a snippet goes and what it is: unique bytes that never occur in a generated document.
SNIPPET = b'<div id="edgeviews-probe-7f3a"></div>'


# -- fragments random documents are built from -------------------------------------------

# Fragments that hide a "</body>" (or other end tags) where it is not an end tag.
HIDING = [
    b"<!-- </body> -->",
    b"<!-- -- </body> --!>",
    b"<!--<!-- </body> -->",
    b"<!-- x --!x </body> -->",
    b"<? </body> ?>",
    b"</ x></body>",
    b"<![CDATA[ </body> ]]>",
    b'<!DOCTYPE html SYSTEM "a>b">',
    b"<!doctype html>",
    b"<script>var s = '</body>';</script>",
    b"<script>document.write('<!--');</script>",
    b"<script><!-- <script> </script> </body> --></script>",
    b"<script><!-- </body> --></script>",
    b"<script><!--<script>x</script>--></script>",
    b"<script>if (a<b) x='</scr'+'ipt>';</script>",
    b'<SCRIPT type=text/javascript>x="</BODY>"</SCRIPT >',
    b"<script>a<!--b--></script>",
    b"<style>a::after{content:'</body>'}</style>",
    b"<textarea></body></textarea>",
    b"<title></body><!--</title>",
    b"<noscript></body></noscript>",
    b"<xmp></body></xmp>",
    b"<iframe></body></iframe>",
    b"<noembed></body></noembed>",
    b"<noframes></body></noframes>",
    b'<a title="x > </body>">link</a>',
    b"<a title='</body>'>",
    b"<img alt=</body>>",
    b"<div data-x=\"a'b\" data-y='c\"d'>",
    b"<p =</body> a='>'>",
    b"<svg><![CDATA[</body>]]></svg>",
    b"<svg><foreignObject><style></body></style></foreignObject></svg>",
    b"<math><mi><style></body></style></mi></math>",
    b'<math><annotation-xml encoding="text/html"><textarea></body></textarea>'
    b"</annotation-xml></math>",
    b"<template></body></template>",
    b"<template><div></html></div></template>",
    b"<template><template></template></body></template>",
    b"<template><svg></body></svg></template>",
]
# Fragments whose "</body>" or "</html>" is real, and ones that change what follows.
STRUCTURE = [
    b"<!--></body>-->",  # "<!-->" is a whole comment, so this </body> is real
    b"<!---></body>",
    b"<!-- a --!></body>",
    b"<math><![CDATA[ ]]></body> ]]></math>",
    b"<html>",
    b"<head>",
    b"</head>",
    b"<body>",
    b"<body class=x>",
    b"</body>",
    b"</BODY >",
    b"</body foo='>'>",
    b"</html>",
    b"<svg><style></body></style></svg>",
    b"<svg><title></body></title></svg>",
    b"<svg><template></body></template></svg>",
    b"<svg><p></body>",
    b"<svg/><style>x</style>",
    b"<svg>",
    b"</svg>",
    b"<math>",
    b"<template>",
    b"</template>",
    b"<plaintext></body>",
    b"<template><svg></template>",
    b"<svg></template>",
    b"<template><math><mi></template>",
    b"<svg><desc><template></svg>",
    b"<math><mtext><textarea>",
    b"</svg></math></template>",
]
TEXT = [
    b"<p>text</p>",
    b"plain text ",
    b"<div class=a>",
    b"</div>",
    b"caf\xe9 \xff\xfe\x80",
    b'<p title="\xe9\x00">',
    b"\r\n",
    b"\xef\xbb\xbf",  # a UTF-8 byte-order mark, at the start or anywhere
    b"a < b > c",
    b"<",
    b"</",
    b"<!",
    b"-->",
    b"]]>",
]
# Tag and comment syntax at its edges.
SYNTAX = [
    b"<div a=\"x\"b='y'c=z/>",
    b"<div/ class=x>",
    b'<p title=a"b>',
    b"<!--->",
    b"<!---->",
    b"<!-- -- -->",
    b"<!--!-->",
    b"<!--<!-->",
    b"<script>a</script",
    b"<script></script/>",
    b"<script>x</scriptx></script\t>",
    b"<textarea></textareax></textarea >",
    b"</Body>",
    b"</bOdY\n>",
    b"</body/>",
    b"</body x>",
    b"</html\f>",
    b'<iframe srcdoc="</body>"></iframe>',
    b"<svg><xmp></body></xmp></svg>",
    b"<svg><plaintext></svg>",
    b"<math><mi><![CDATA[</body>]]></mi></math>",
    b"<svg><foreignObject><![CDATA[</body>]]></foreignObject></svg>",
    b"<svg><foreignObject><p><![CDATA[</body>]]></p></foreignObject></svg>",
    b"<svg><desc><div></svg>",
    b"<math><mi><svg><style></body></style></svg></mi></math>",
    b"<noscript><noscript></body></noscript>",
    b"<template><template></template>",
]
UNCLOSED = [
    b"<!-- unterminated",
    b"<script>unterminated",
    b'<div title="unterminated',
    b"<textarea>",
    b"</bo",
    b"<!-",
    b"<script><!--",
]
LINKS = [
    b"<link rel=icon href=/a.ico>",
    b"<link rel=\"shortcut icon\" href='b.png' sizes=16x16>",
    b"<LINK REL=icon>",
    b"<link rel=apple-touch-icon href=c>",
    b"<link rel=stylesheet href=d>",
    b"<link rel=icon href=x/>",
    b"<link href=e rel='icon' href=dup>",
    b'<link rel="icon"title="\xe9">',
    b'<link rel="SHORTCUT ICON" href="/favicon.ico" />',
]


def split_by_sizes(data: bytes, sizes: Sequence[int]) -> list[bytes]:
    """Cut `data` into consecutive chunks whose lengths cycle through `sizes` (each >= 1)."""
    chunks: list[bytes] = []
    position = 0
    index = 0
    while position < len(data):
        size = sizes[index % len(sizes)]
        chunks.append(data[position : position + size])
        position += size
        index += 1
    return chunks


def lolhtml_elements(data: bytes) -> list[str] | None:
    """Start tags lol-html's `*` element handler sees, or None where lol-html gives up."""
    import lolhtml

    names: list[str] = []

    class Every:
        def element(self, el: Any) -> None:
            names.append(el.tag_name.lower())

    rewriter = lolhtml.HTMLRewriter(lambda chunk: None)
    rewriter.on("*", Every())
    try:
        rewriter.write(data)
        rewriter.end()
    except RuntimeError:  # "TextParsingAmbiguity" and the like
        return None
    return names


def passes_through_untouched(data: bytes) -> bool:
    """UTF-16/32 as the rewriter sees it: a byte-order mark or a NUL in the first 4 bytes."""
    return data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]


def with_snippet(data: bytes, offset: int) -> bytes:
    """What the body-end rule must make of `data`, given where the body ends."""
    if passes_through_untouched(data):
        return data
    return data[:offset] + SNIPPET + data[offset:]


def run(rewriter: Any, chunks: Iterable[bytes]) -> bytes:
    """Push `chunks` through `rewriter.transform`, checking it yields only bytes."""
    pieces = list(rewriter.transform(iter(list(chunks))))
    for piece in pieces:
        assert isinstance(piece, bytes | bytearray | memoryview), type(piece)
    return b"".join(bytes(piece) for piece in pieces)


class ErrorLog:
    """The `on_error` callback tests pass: it keeps what the rewriter reported."""

    def __init__(self) -> None:
        self.errors: list[tuple[object, ...]] = []

    def __call__(self, *args: object) -> None:
        self.errors.append(args)


def insert_before_body_end(errors: ErrorLog | None = None) -> Any:
    """The proxy's everyday job: SNIPPET before the body's end tag (else at document end)."""
    from edgeviews.rewriter import Rewriter

    rewriter = Rewriter(on_error=errors) if errors is not None else Rewriter()
    return rewriter.on("body", end_tag=lambda end: end.before(SNIPPET, html=True))


@pytest.fixture(scope="session")
def chunkings() -> Callable[[bytes, Sequence[int]], Iterator[tuple[str, list[bytes]]]]:
    """Whole, in the given cycle of small sizes, and one byte at a time."""

    def generate(data: bytes, sizes: Sequence[int]) -> Iterator[tuple[str, list[bytes]]]:
        yield "whole", [data] if data else []
        yield f"sizes {list(sizes)}", split_by_sizes(data, sizes)
        yield "1-byte", split_by_sizes(data, [1])

    return generate


# -- the corpus ----------------------------------------------------------------------------


def corpus_rows() -> list[dict[str, Any]]:
    """manifest.json's rows, or [] where the corpus is absent (tests then skip via `corpus`)."""
    root = corpus_dir()
    if root is None:
        return []
    rows: list[dict[str, Any]] = json.loads((root / "manifest.json").read_text())
    return rows


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `page_row` with one case per corpus page (one skipped case without it)."""
    if "page_row" in metafunc.fixturenames:
        rows = corpus_rows()
        params: list[dict[str, Any] | None] = [*rows] if rows else [None]
        ids = [Path(row["file"]).stem[:40] for row in rows] or ["no-corpus"]
        metafunc.parametrize("page_row", params, ids=ids)


@pytest.fixture
def page(corpus: Path, page_row: dict[str, Any] | None) -> tuple[dict[str, Any], bytes]:
    """One corpus page: its manifest row and its bytes."""
    if page_row is None:
        pytest.skip("shared corpus not found")
    return page_row, (corpus / page_row["file"]).read_bytes()
