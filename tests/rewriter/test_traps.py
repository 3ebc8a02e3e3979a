"""Hand-written traps: every tokenizer state that can hide a `</body>`, and the guarantees.

Each document marks with `|` where the body's end is (the snippet goes there); every
other `</body>` in it is a trap. The document is rewritten whole and in every chunking
from 1 to 9 bytes, which also puts a chunk boundary inside every construct.
"""

from __future__ import annotations

import time

import pytest

from edgeviews.rewriter import Rewriter

SNIPPET = b"<i>S</i>"


def body_end_rewriter() -> Rewriter:
    return Rewriter().on("body", end_tag=lambda end: end.before(SNIPPET, html=True))


def check(marked: bytes) -> None:
    """`marked` has one `|` where the snippet belongs; all chunkings must put it there."""
    assert marked.count(b"|") == 1
    document = marked.replace(b"|", b"")
    expected = marked.replace(b"|", SNIPPET)
    rewriter = body_end_rewriter()
    assert b"".join(rewriter.transform([document])) == expected
    for size in range(1, 10):
        chunks = [document[i : i + size] for i in range(0, len(document), size)]
        assert b"".join(rewriter.transform(chunks)) == expected, size


TRAPS = {
    # comments, including the abrupt forms and --!>
    "comment": b"<body><!-- </body> -->x|</body>",
    "comment-abrupt": b"<body><!-->x|</body>",
    "comment-abrupt-dash": b"<body><!--->x|</body>",
    "comment-bang-end": b"<body><!-- a --!>|</body>",
    "comment-bang-not-end": b"<body><!-- --! </body> -->|</body>",
    "comment-dashes": b"<body><!-- x --->|</body>",
    "comment-nested-open": b"<body><!-- <!-- </body> -->|</body>",
    # bogus comments
    "processing-instruction": b'<body><?php echo "</body>" ?>|</body>',
    "end-tag-open-space": b"<body></ </body>|</body>",
    "processing-instruction-quoted-gt": b'<body><?x a="?>|</body>">',
    "processing-instruction-after-tags": b"<body><p class='a'><? '></p>|</body>",
    "end-tag-open-digit": b"<body></3 x>|</body>",
    "empty-end-tag": b"<body></>|</body>",
    "end-tag-open-space-ends-at-first-gt": b'<body></ a="x>|</body>"<!--y--></body>',
    "end-tag-open-quote-then-comment": b"<body></ a='>'<!-- </body> -->|</body>",
    "end-tag-open-swallows-comment-start": b"<body></ x <!-- </body> -->|",
    "end-tag-open-after-tags": b'<body><p class="a"></ 3 title="></p>|</body>',
    "bang-bogus": b"<body><!x </body>|</body>",
    "cdata-outside-foreign": b"<body><![CDATA[ x ]]>|</body>",
    "cdata-outside-foreign-ends-at-gt": b"<body><![CDATA[ </body> ]]>|</body>",
    "doctype": b'<!DOCTYPE html PUBLIC "</body>"><body>|</body>',
    # RCDATA
    "title": b"<title></body></title><body>|</body>",
    "textarea": b"<body><textarea></body></textarea>|</body>",
    "textarea-upper": b"<body><TEXTAREA></body></TeXtArEa>|</body>",
    "textarea-endtag-prefix": b"<body><textarea></textareax></body></textarea>|</body>",
    # RAWTEXT
    "style": b"<style></body></style><body>|</body>",
    "xmp": b"<body><xmp></body></xmp>|</body>",
    "iframe": b"<body><iframe></body></iframe>|</body>",
    "noembed": b"<body><noembed></body></noembed>|</body>",
    "noframes": b"<body><noframes></body></noframes>|</body>",
    "noscript-with-scripting": b"<body><noscript></body></noscript>|</body>",
    # script data and its escaped states
    "script": b'<body><script>"</body>"</script>|</body>',
    "script-escaped": b"<body><script><!-- </body> --></script>|</body>",
    "script-escaped-end": b"<body><script><!-- x </script>|</body>",
    "script-double-escaped": b"<body><script><!--<script></script></body>--></script>|</body>",
    "script-double-escaped-exit": b"<body><script><!--<script>--></script>|</body>",
    "script-end-with-attribute": b'<body><script>x</script a=">">|</body>',
    "script-not-end": b"<body><script></scriptx></body></script>|</body>",
    # runs of comments, scripts and styles separated by text only (one regex match)
    "run-of-swallowed-tokens": b'<body><!--a--> " <script>"</body>"</script>\n<!-- </body> -->'
    b"<style></body></style>'x|</body>",
    "run-into-escaped-script": b"<body><!--a--> <script><!-- </body> --></script>|</body>",
    "run-into-unfinished-script": b"<body><!--a--><script></body>|",
    "run-broken-by-a-tag": b'<body><!--a--><a title="<!-- </body>">|</body></body>',
    # plaintext: nothing ends it, the snippet goes at the very end
    "plaintext": b"<body><plaintext></body></html>|",
    # attribute values
    "double-quoted": b'<body><a title="</body>">x</a>|</body>',
    "single-quoted": b"<body><a title='</body>'>x</a>|</body>",
    "single-quoted-after-text-apostrophe": b"<body>it's<!--a--> <a title='x>y <!-- </body> -->'>|</body>",
    "quoted-gt": b'<body><a title="x>y </body>">|</body>',
    "unquoted": b"<body><a title=</body>x>|</body>",
    "attribute-name-quote": b'<body><a "x=">">|</body>',
    "equals-first-name": b'<body><a ="x>|</body>',
    "unclosed-value-to-the-end": b'<body>|<a "x=">',
    "end-tag-attribute": b'<body></p title="</body>">|</body>',
    # svg and math
    "svg-cdata": b"<body><svg><![CDATA[</body>]]></svg>|</body>",
    "svg-style-is-markup": b"<body><svg><style>|</body></style></svg>",
    "svg-title-is-markup": b"<body><svg><title>|</body></title></svg>",
    "math-cdata": b"<body><math><![CDATA[ </body> ]]></math>|</body>",
    "svg-foreignobject-textarea": b"<body><svg><foreignObject><textarea></body></textarea></foreignObject></svg>|</body>",
    "svg-closed-then-textarea": b"<body><svg></svg><textarea></body></textarea>|</body>",
    "svg-self-closing": b"<body><svg/><textarea></body></textarea>|</body>",
    "svg-breakout": b"<body><svg><p><textarea></body></textarea>|</body>",
    "math-in-svg-is-svg": b"<body><svg><math><mi><style>|</body></style>",
    "annotation-xml-html": b'<body><math><annotation-xml encoding="text/html"><style></body></style></annotation-xml></math>|</body>',
    "annotation-xml-not-html": b"<body><math><annotation-xml><a><style>|</body></style></a></annotation-xml></math>",
    # template
    "template": b"<body><template></body></template>|</body>",
    "template-nested": b"<body><template><template></template></body></template>|</body>",
    "template-html-end": b"<body><template></html></template>|</html>",
    # where the body ends without </body>
    "html-end": b"<body>x|</html>",
    "html-before-body-end": b"<body>x|</html></body>",
    "no-end-tags": b"<title>t</title><p>x|",
    "second-body-end-ignored": b"<body>a|</body>b</body>",
    "body-in-svg": b"<svg><body>|</body>",
    "body-in-math-no-end": b"<math><body>|",
    "uppercase": b"<BODY>x|</BODY >",
    "end-tag-with-slash": b"<body>x|</body/>",
    # unfinished constructs at the end: the snippet goes before them
    "ends-in-tag": b'<body>x|<div title="a',
    "ends-in-lt": b"<body>x|<",
    "ends-in-end-tag-open": b"<body>x|</",
    "ends-in-bang": b"<body>x|<!",
    "ends-in-bang-dash": b"<body>x|<!-",
    "ends-in-doctype": b"<body>x|<!doctype html",
    "ends-in-partial-body-end": b"<body>x|</bo",
}


@pytest.mark.parametrize("name", sorted(TRAPS))
def test_body_end_trap(name: str) -> None:
    check(TRAPS[name])


def test_unterminated_comment_at_the_end_keeps_every_byte() -> None:
    document = b"<body>x<!-- never closed </body>"
    out = b"".join(body_end_rewriter().transform([document]))
    assert out.replace(SNIPPET, b"", 1) == document and out.count(SNIPPET) == 1


def test_output_never_depends_on_chunking_for_a_mixed_page() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>a</body></title><style>x{}</body></style>"
        b'<script>if (a<b && c>"</body>") {}<!--<script></script>--></script></head>'
        b'<body class="x"><a href="/?a=1&b=2" title=\'"</body>\'>l</a><svg><![CDATA[</body>]]>'
        b"</svg><template></body></template><textarea></body></textarea>"
        b"<p>end</p></body></html>"
    )
    rewriter = body_end_rewriter()
    whole = b"".join(rewriter.transform([page]))
    assert whole.count(SNIPPET) == 1
    assert whole.replace(SNIPPET, b"") == page
    assert whole.index(SNIPPET) == page.index(b"</body></html>")
    for size in range(1, 40):
        chunks = [page[i : i + size] for i in range(0, len(page), size)]
        assert b"".join(rewriter.transform(chunks)) == whole


def _time_rewrite(document_chunks: list[bytes]) -> float:
    rewriter = body_end_rewriter()
    started = time.perf_counter()
    for _ in rewriter.transform(document_chunks):
        pass
    return time.perf_counter() - started


@pytest.mark.parametrize(
    "opening, closing",
    [
        (b'<body><a title="', b'">x</a></body>'),  # attribute value
        (b"<body><a title=", b">x</a></body>"),  # unquoted attribute value
        (b"<body><a", b">x</a></body>"),  # tag name
        (b"<body><a ", b"=1>x</a></body>"),  # attribute name
        (b"<body><!--", b"--></body>"),  # comment
        (b"<body><script>", b"</script></body>"),  # script
        (b"<!DOCTYPE html ", b"><body></body>"),  # doctype
    ],
)
def test_a_long_token_in_small_chunks_takes_linear_time(opening: bytes, closing: bytes) -> None:
    """1 MB inside one token, in 512-byte chunks, costs about what 64 KB chunks cost."""
    filler = b"abcdefgh" * (1 << 17)
    document = opening + filler + closing
    small = [document[i : i + 512] for i in range(0, len(document), 512)]
    large = [document[i : i + 65536] for i in range(0, len(document), 65536)]
    out = b"".join(body_end_rewriter().transform(small))
    assert out == document.replace(b"</body>", SNIPPET + b"</body>")
    # Quadratic rescanning would cost 2048x the large-chunk time here; allow noise.
    assert _time_rewrite(small) < 20 * _time_rewrite(large) + 0.05


def test_held_bytes_stay_bounded_by_the_largest_tag() -> None:
    """While text streams, the rewriter holds no more than the tag it is inside of."""
    from edgeviews.rewriter.rewriter import _Session

    rewriter = body_end_rewriter()
    session = _Session(rewriter, None)
    session.feed(b"<body>")
    for _ in range(200):
        session.feed(b"<p class='a'>" + b"text " * 200 + b"</p><div")
        session.take()
        held = len(session._buf) + sum(len(piece) for piece in session._pending or [])
        assert held <= len(b"<div")
