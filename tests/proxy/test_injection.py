"""Each rewrite action through the real rewriter, the body fallback, and the <meta> CSP fix."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from edgeviews.config import RewriteRule
from edgeviews.proxy.csp import scripts_of
from edgeviews.proxy.injection import InjectionRecord, build_rewriter, current_record
from edgeviews.proxy.page_encoding import sniff_page_encoding

PAGE = (
    b"<!doctype html><html><head><meta http-equiv=Content-Security-Policy content=\"script-src 'self'\">"
    b'<link rel="icon" href="/old.png"></head><body><h1>Title</h1><p>text</p></body></html>'
)
SNIPPET = "<b>ours</b>"


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("append", b"<h1>Title<b>ours</b></h1>"),
        ("prepend", b"<h1><b>ours</b>Title</h1>"),
        ("before", b"<b>ours</b><h1>Title</h1>"),
        ("after", b"<h1>Title</h1><b>ours</b>"),
        ("replace", b"<body><b>ours</b><p>"),
    ],
)
def test_content_actions(action: str, expected: bytes) -> None:
    rule = RewriteRule(selector="h1", action=action, view="v")  # type: ignore[arg-type]
    record = InjectionRecord("/x")
    token = current_record.set(record)
    try:
        out = build_rewriter([(rule, SNIPPET)], csp_sources=None).rewrite(PAGE)
    finally:
        current_record.reset(token)
    assert expected in out
    assert out.replace(expected, b"") != PAGE.replace(b"<h1>Title</h1>", b"") or action
    assert record.injected == ["v@h1"]


def test_attributes_and_body_append_with_fallback_when_page_has_no_body_end() -> None:
    rules = [
        (RewriteRule(selector="body", action="append", view="analytics"), SNIPPET),
        (
            RewriteRule(
                selector='link[rel="icon"]',
                action="attributes",
                attributes={"href": "/favicon.ico"},
            ),
            None,
        ),
    ]
    rewriter = build_rewriter(rules, csp_sources=None)
    out = rewriter.rewrite(PAGE)
    assert b'href="/favicon.ico"' in out and b"<p>text</p><b>ours</b></body>" in out
    truncated = PAGE.replace(b"</body></html>", b"")
    assert rewriter.rewrite(truncated).endswith(b"<p>text</p><b>ours</b>")


def test_meta_csp_gets_the_snippet_hash() -> None:
    snippet = "<script>gtag('config', 'G-1');</script>"
    sources = scripts_of(snippet)
    rule = RewriteRule(selector="body", action="append", view="analytics")
    out = build_rewriter([(rule, snippet)], csp_sources=sources).rewrite(PAGE)
    meta = LexborHTMLParser(out).css_first("meta[http-equiv]")
    assert meta.attributes["content"] == "script-src 'self' " + sources.hashes[0]


def test_a_handler_error_is_logged_and_the_page_flows_on(caplog: pytest.LogCaptureFixture) -> None:
    rule = RewriteRule(selector="h1", action="no_such_action", view="v")  # type: ignore[arg-type]
    token = current_record.set(InjectionRecord("/broken-page"))
    try:
        out = build_rewriter([(rule, SNIPPET)], csp_sources=None).rewrite(PAGE)
    finally:
        current_record.reset(token)
    assert out == PAGE
    assert "rewriting /broken-page: a handler raised AttributeError" in caplog.text


def test_snippets_are_written_in_the_pages_own_charset() -> None:
    rule = RewriteRule(selector="body", action="append", view="v")
    rewriter = build_rewriter([(rule, "<p>caf\u00e9 \u2603</p>")], csp_sources=None)
    token = current_record.set(
        InjectionRecord(
            "/x",
            charset=sniff_page_encoding(PAGE, b"text/html; charset=ISO-8859-1").snippet_charset,
        )
    )
    try:
        out = rewriter.rewrite(PAGE)
    finally:
        current_record.reset(token)
    assert b"<p>caf\xe9 &#9731;</p></body>" in out  # latin-1 byte; the snowman as a reference
    utf8 = rewriter.rewrite(PAGE)  # no record: UTF-8 as the rewriter writes str
    assert "<p>caf\u00e9 \u2603</p></body>".encode() in utf8


def test_attribute_values_are_written_in_the_pages_own_charset() -> None:
    rule = RewriteRule(selector="h1", action="attributes", attributes={"title": "Crème 日"})
    rewriter = build_rewriter([(rule, None)], csp_sources=None)
    for charset, expected in [
        ("cp1252", b'title="Cr\xe8me ?"'),
        ("cp932", b'title="Cr?me \x93\xfa"'),
    ]:
        token = current_record.set(InjectionRecord("/x", charset=charset))
        try:
            out = rewriter.rewrite(PAGE)
        finally:
            current_record.reset(token)
        assert expected in out, (charset, out)
    assert 'title="Crème 日"'.encode() in rewriter.rewrite(PAGE)  # no record: UTF-8
