"""The Rewriter's public API: rules, handles, content methods, streaming, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import pytest

from edgeviews.errors import EdgeviewsError
from edgeviews.rewriter import Comment, Element, EndTag, Rewriter, SelectorError, TextChunk

SNIPPET = b'<script src="/a.js"></script>'


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def run(rewriter: Rewriter, document: bytes) -> bytes:
    """Rewrite whole, then in 1..7-byte chunks; every chunking must agree."""
    whole = b"".join(rewriter.transform([document]))
    for size in (1, 2, 3, 7):
        assert b"".join(rewriter.transform(chunked(document, size))) == whole, size
    return whole


def inject(end: EndTag) -> None:
    end.before(SNIPPET, html=True)


def test_on_returns_the_rewriter_so_calls_chain() -> None:
    rewriter = Rewriter()
    assert rewriter.on("body", end_tag=inject) is rewriter
    assert rewriter.on("a", element=lambda el: None).on("p", text=lambda t: None) is rewriter


def test_body_end_tag_injection() -> None:
    rewriter = Rewriter().on("body", end_tag=inject)
    assert run(rewriter, b"<html><body><p>x</p></body></html>") == (
        b"<html><body><p>x</p>" + SNIPPET + b"</body></html>"
    )


def test_rewriter_is_reusable_across_documents() -> None:
    rewriter = Rewriter().on("body", end_tag=inject)
    for _ in range(3):
        assert run(rewriter, b"<body></body>") == b"<body>" + SNIPPET + b"</body>"


def test_body_end_falls_back_to_html_end_then_document_end() -> None:
    rewriter = Rewriter().on("body", end_tag=inject)
    assert run(rewriter, b"<body><p>x</html>") == b"<body><p>x" + SNIPPET + b"</html>"
    assert run(rewriter, b"<p>no end tags") == b"<p>no end tags" + SNIPPET
    assert run(rewriter, b"") == SNIPPET


def test_body_end_fires_once_even_with_two_end_tags() -> None:
    rewriter = Rewriter().on("body", end_tag=inject)
    out = run(rewriter, b"<body>a</body>b</body></html></html>")
    assert out == b"<body>a" + SNIPPET + b"</body>b</body></html></html>"


def test_html_end_before_body_end_takes_the_snippet() -> None:
    rewriter = Rewriter().on("body", end_tag=inject)
    assert run(rewriter, b"<body>a</html></body>") == b"<body>a" + SNIPPET + b"</html></body>"


def test_body_end_inside_template_is_not_the_body_end() -> None:
    rewriter = Rewriter().on("body", end_tag=inject)
    document = b"<body><template><p></body></template>x</body>"
    assert (
        run(rewriter, document) == b"<body><template><p></body></template>x" + SNIPPET + b"</body>"
    )


def test_body_element_handler_append_without_body_start_tag() -> None:
    rewriter = Rewriter().on("body", element=lambda el: el.append(SNIPPET, html=True))
    assert run(rewriter, b"<title>t</title><p>x</body>") == (
        b"<title>t</title><p>x" + SNIPPET + b"</body>"
    )


def test_element_content_methods_follow_htmlrewriter_order() -> None:
    def edit(el: Element) -> None:
        el.before("B1")
        el.before("B2")
        el.after("A1")
        el.after("A2")
        el.prepend("P1")
        el.prepend("P2")
        el.append("X1")
        el.append("X2")

    out = run(Rewriter().on("div", element=edit), b"<div>in</div>")
    assert out == b"B1B2<div>P2P1inX1X2</div>A2A1"


def test_text_content_is_escaped_and_html_is_not() -> None:
    out = run(
        Rewriter().on("p", element=lambda el: (el.append("<b>&"), el.prepend("<i>", html=True))),
        b"<p>x</p>",
    )
    assert out == b"<p><i>x&lt;b&gt;&amp;</p>"


def test_bytes_content_is_written_as_is() -> None:
    out = run(Rewriter().on("p", element=lambda el: el.append(b"\xe9", html=True)), b"<p></p>")
    assert out == b"<p>\xe9</p>"


def test_set_inner_content_replace_and_remove() -> None:
    doc = b"<div><p>a</p><span>b</span><em>c</em>tail</div>"
    rewriter = (
        Rewriter()
        .on("p", element=lambda el: el.set_inner_content("new"))
        .on("span", element=lambda el: el.replace("<hr>", html=True))
        .on("em", element=lambda el: el.remove())
    )
    assert run(rewriter, doc) == b"<div><p>new</p><hr>tail</div>"


def test_remove_keeps_before_and_after() -> None:
    rewriter = Rewriter().on("b", element=lambda el: (el.before("["), el.after("]"), el.remove()))
    assert run(rewriter, b"x<b>y<i>z</i></b>w") == b"x[]w"


def test_nested_same_name_elements_end_at_their_own_end_tag() -> None:
    rewriter = Rewriter().on("div.outer", element=lambda el: el.append("!"))
    out = run(rewriter, b'<div class="outer"><div>in</div></div><div>after</div>')
    assert out == b'<div class="outer"><div>in</div>!</div><div>after</div>'


def test_attributes_read_and_write() -> None:
    seen: list[object] = []

    def edit(el: Element) -> None:
        seen.append(el.tag_name)
        seen.append(el.attributes)
        seen.append(el.get_attribute("HREF"))
        seen.append(el.has_attribute("rel"))
        el.set_attribute("href", '/f.ico?a="1"&b')
        el.remove_attribute("data-x")
        el.set_attribute("new", "v")

    doc = b"<LINK Rel='shortcut icon' href=x.ico data-x=1 data-x=2>"
    out = run(Rewriter().on("link[rel~=icon]", element=edit), doc)
    assert out == b'<LINK Rel=\'shortcut icon\' href="/f.ico?a=&quot;1&quot;&amp;b" new="v">'
    assert seen[:4] == [
        "link",
        [("rel", "shortcut icon"), ("href", "x.ico"), ("data-x", "1")],
        "x.ico",
        True,
    ]


def test_attribute_values_are_decoded_like_a_browser() -> None:
    values: list[str | None] = []
    rewriter = Rewriter().on("a", element=lambda el: values.append(el.get_attribute("href")))
    run(rewriter, b'<a href="?x=1&amp;y=2&copy=3&copy;">')
    assert values[0] == "?x=1&y=2&copy=3\u00a9"


def test_unchanged_tags_keep_their_bytes() -> None:
    doc = b"<DIV  class = 'a'   id=x\n/>text</div >"
    rewriter = Rewriter().on("div", element=lambda el: el.get_attribute("id"))
    assert run(rewriter, doc) == doc


def test_self_closing_slash_is_kept_when_attributes_change() -> None:
    out = run(Rewriter().on("img", element=lambda el: el.set_attribute("a", "1")), b"<img src=x />")
    assert out == b'<img src=x a="1" />'
    out = run(Rewriter().on("img", element=lambda el: el.set_attribute("a", "1")), b"<img src=x/>")
    assert out == b'<img src=x/ a="1">'


def test_void_elements_after_goes_right_after_the_tag() -> None:
    rewriter = Rewriter().on("br", element=lambda el: el.after("|"))
    assert run(rewriter, b"a<br>b<br/>c") == b"a<br>|b<br/>|c"


def test_on_end_tag_handle_can_insert_and_remove() -> None:
    def on_end(end: EndTag) -> None:
        assert end.name == "p"
        end.before("<")
        end.after(">")
        end.remove()

    rewriter = Rewriter().on("p", element=lambda el: el.on_end_tag(on_end))
    assert run(rewriter, b"<p>x</p>y") == b"<p>x&lt;&gt;y"


def test_end_tag_shorthand_equals_element_on_end_tag() -> None:
    doc = b"<ul><li>a</li><li>b</li></ul>"
    one = Rewriter().on("li", end_tag=lambda end: end.before("."))
    two = Rewriter().on("li", element=lambda el: el.on_end_tag(lambda end: end.before(".")))
    assert run(one, doc) == run(two, doc) == b"<ul><li>a.</li><li>b.</li></ul>"


def test_text_handler_sees_text_inside_matched_elements() -> None:
    texts: list[str] = []

    def on_text(chunk: TextChunk) -> None:
        texts.append(chunk.text)
        if chunk.text == "or":
            chunk.replace("AND")

    doc = b"<p>x</p><span>red-<b>or</b>-blue</span><p>y</p>"
    out = b"".join(Rewriter().on("span", text=on_text).transform([doc]))
    assert out == b"<p>x</p><span>red-<b>AND</b>-blue</span><p>y</p>"
    assert "".join(texts) == "red-or-blue"


def test_comment_handler_can_remove_and_read() -> None:
    seen: list[str] = []

    def on_comment(comment: Comment) -> None:
        seen.append(comment.text)
        comment.remove()

    doc = b"<div><!-- a --><!----><p><!--b--!></p></div><!-- outside -->"
    out = run(Rewriter().on("div", comments=on_comment), doc)
    assert out == b"<div><p></p></div><!-- outside -->"
    assert seen[:3] == [" a ", "", "b"]


def test_handler_error_is_reported_and_content_is_unchanged() -> None:
    errors: list[BaseException] = []

    def broken(el: Element) -> None:
        el.append("half-done")
        raise ValueError("boom")

    rewriter = Rewriter(on_error=errors.append).on("p", element=broken).on("body", end_tag=inject)
    out = b"".join(rewriter.transform([b"<body><p>x</p></body>"]))
    assert out == b"<body><p>x</p>" + SNIPPET + b"</body>"
    assert [str(error) for error in errors] == ["boom"]


def test_handler_error_without_callback_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    def broken(el: Element) -> None:
        raise RuntimeError("bad handler")

    out = b"".join(Rewriter().on("p", element=broken).transform([b"<p>x</p>"]))
    assert out == b"<p>x</p>"
    assert "bad handler" in caplog.text


@pytest.mark.parametrize(
    "selector",
    [
        "a + b",
        "a ~ b",
        "a:hover",
        "p::before",
        ":nth-child(2)",
        "a:not(b c)",
        "",
        "[a",
        "a >",
        "1a",
    ],
)
def test_unsupported_selectors_are_refused_with_our_error(selector: str) -> None:
    with pytest.raises(SelectorError) as info:
        Rewriter().on(selector, element=lambda el: None)
    assert isinstance(info.value, EdgeviewsError)
    assert "Supported:" in str(info.value)


def test_utf16_bodies_pass_through_unmodified() -> None:
    rewriter = Rewriter().on("body", end_tag=inject)
    for document in (
        "<html><body>x</body></html>".encode("utf-16"),
        "<body>x</body>".encode("utf-16-le"),
        "<body>x</body>".encode("utf-16-be"),
    ):
        assert run(rewriter, document) == document
    declared = b"<body></body>"  # a caller that knows better than the bytes
    assert b"".join(rewriter.transform([declared], encoding="UTF-16LE")) == declared


def test_non_utf8_bytes_pass_through() -> None:
    doc = "<body><p>caf\u00e9 \u00fc</p></body>".encode("latin-1")
    assert run(Rewriter().on("body", end_tag=inject), doc) == doc.replace(
        b"</body>", SNIPPET + b"</body>"
    )


async def test_atransform_matches_transform() -> None:
    doc = b"<html><body><p>x</p></body></html>"
    rewriter = Rewriter().on("body", end_tag=inject)

    async def chunks(parts: Iterable[bytes]) -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    pieces = [piece async for piece in rewriter.atransform(chunks(chunked(doc, 3)))]
    assert b"".join(pieces) == b"".join(rewriter.transform([doc]))


def test_output_streams_before_the_document_ends() -> None:
    rewriter = Rewriter().on("body", end_tag=inject)
    stream = rewriter.transform(iter([b"<body><p>" + b"x" * 10000, b"y" * 10000, b"</body>"]))
    first = next(stream)
    assert first.startswith(b"<body><p>xxx") and len(first) > 9000
