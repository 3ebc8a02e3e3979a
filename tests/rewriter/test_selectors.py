"""Selectors matched while streaming: each kind, combinators on the open-element stack."""

from __future__ import annotations

import pytest

from edgeviews.rewriter import Element, Rewriter, SelectorError
from edgeviews.rewriter.grammar import candidate_patterns
from edgeviews.rewriter.selectors import parse_selectors


def matched(selector: str, document: bytes) -> list[str]:
    """Ids of the elements `selector` matches in `document`, whole and in 3-byte chunks."""
    found: list[str] = []

    def record(el: Element) -> None:
        found.append(el.get_attribute("id") or el.tag_name)

    rewriter = Rewriter().on(selector, element=record)
    b"".join(rewriter.transform([document]))
    whole = list(found)
    found.clear()
    b"".join(rewriter.transform([document[i : i + 3] for i in range(0, len(document), 3)]))
    assert found == whole
    return whole


DOC = (
    b'<div id=d1 class="a b"><p id=p1 lang=en-US data-x="hello world">'
    b'<span id=s1 class=b></span></p><ul id=u1><li id=l1><li id=l2 class="a">'
    b'</ul></div><p id=p2 title="x-y" data-x=HELLO><br id=b1><span id=s2></span></p>'
)


@pytest.mark.parametrize(
    "selector, expected",
    [
        ("p", ["p1", "p2"]),
        ("*", ["d1", "p1", "s1", "u1", "l1", "l2", "p2", "b1", "s2"]),
        ("#s2", ["s2"]),
        (".a", ["d1", "l2"]),
        (".a.b", ["d1"]),
        ("[lang]", ["p1"]),
        ("[title=x-y]", ["p2"]),
        ('[data-x~="world"]', ["p1"]),
        ("[lang|=en]", ["p1"]),
        ("[data-x^=hel]", ["p1"]),
        ("[data-x^=hel i]", ["p1", "p2"]),
        ("[data-x$=LO]", ["p2"]),
        ("[data-x*='o w']", ["p1"]),
        ("[data-x=hello s]", []),
        ("div span", ["s1"]),
        ("div > span", []),
        ("p > span", ["s1", "s2"]),
        ("div p span", ["s1"]),
        ("ul > li.a", ["l2"]),
        ("li", ["l1", "l2"]),
        ("span:not(.b)", ["s2"]),
        ("p:not([lang]):not(#x)", ["p2"]),
        ("div li:not(.a)", ["l1"]),
        ("span, br", ["s1", "b1", "s2"]),
        ("body span", []),
    ],
)
def test_selector_matches(selector: str, expected: list[str]) -> None:
    assert matched(selector, DOC) == expected


def test_implied_end_tags_shape_the_ancestry() -> None:
    # the second <li> closes the first, so l2 is not inside l1
    assert matched("li li", b"<ul><li id=a><li id=b></ul>") == []
    # a <div> closes an open <p>
    assert matched("p div", b"<p><div id=x></div>") == []
    # void elements are never ancestors
    assert matched("img span", b"<img><span id=s></span>") == []
    assert matched("td > b", b"<table><tr><td><b id=b1></b><td><b id=b2>") == ["b1", "b2"]


def test_html_case_insensitive_attribute_values() -> None:
    doc = b'<link id=a rel="SHORTCUT ICON"><link id=b rel=Icon><a id=c title=ICON></a>'
    assert matched("link[rel~=icon]", doc) == ["a", "b"]
    assert matched("[title=icon]", doc) == []
    assert matched("[title=icon i]", doc) == ["c"]


def test_tag_and_attribute_names_are_case_insensitive() -> None:
    assert matched("DIV[ID=x]", b"<Div Id=x></div>") == ["x"]


def test_attribute_selector_sees_decoded_values() -> None:
    assert matched('a[href="?a=1&b=2"]', b'<a id=x href="?a=1&amp;b=2">') == ["x"]


def test_empty_values_match_nothing_for_substring_operators() -> None:
    doc = b"<p id=x class=''>"
    assert matched("[class^='']", doc) == []
    assert matched("[class='']", doc) == ["x"]


def test_selector_list_parses_into_one_selector_each() -> None:
    selectors = parse_selectors(" a , b > c ")
    assert [s.source for s in selectors] == ["a", "b > c"]
    assert selectors[1].combinators == (">",)


@pytest.mark.parametrize(
    "selector, fragment",
    [
        ("a + b", "sibling combinator"),
        ("a ~ b", "sibling combinator"),
        ("a:first-child", ":first-child is not supported"),
        ("a::before", "::before is not supported"),
        ("a:not(b > c)", ":not() takes one compound selector"),
        ("a:not(:not(b))", ":not() takes simple selectors only"),
        ("[a=]", "expected an attribute value"),
        ("[a=b", "expected ']'"),
        ("[a^b]", "expected an attribute operator"),
        ("", "the selector is empty"),
        ("a,", "the selector is empty"),
    ],
)
def test_unsupported_selectors_name_the_problem(selector: str, fragment: str) -> None:
    with pytest.raises(SelectorError) as info:
        Rewriter().on(selector, element=lambda el: None)
    assert fragment in str(info.value)
    assert repr(selector) in str(info.value)


def test_tags_no_rule_matches_still_shape_the_ancestry() -> None:
    # the first <p> has no class "x" (so no rule can match it) but is still an ancestor
    doc = b"<div><p id=p1><span id=s1></span></p><p class=x id=p2><span id=s2></span></p>"
    assert matched("p.x span", doc) == ["s2"]
    assert matched("div > p.x", doc) == ["p2"]
    assert matched("p.x", b"<p id=a><p class=x id=b>") == ["b"]
    # a tag skipped by the cheap needle filter must still be an ancestor
    assert matched(".q span.zz", b"<span class=q><span class=zz id=t></span></span>") == ["t"]


def test_a_script_no_rule_matches_still_switches_the_tokenizer() -> None:
    doc = b'<script src="a.js">"<script src=x id=fake>"</script><script src=x id=real></script>'
    assert matched("script[src=x]", doc) == ["real"]


def test_end_tag_after_a_filtered_start_tag_is_its_own() -> None:
    seen: list[str] = []
    rewriter = (
        Rewriter()
        .on("link[rel~=icon]", element=lambda el: seen.append("icon"))
        .on("body", end_tag=lambda end: seen.append(end.name))
    )
    doc = b'<body><link rel=stylesheet href="/a.css"></body><link rel=icon>'
    for size in (len(doc), 1, 5):
        seen.clear()
        out = b"".join(rewriter.transform([doc[i : i + size] for i in range(0, len(doc), size)]))
        assert out == doc
        assert seen == ["body", "icon"]


@pytest.mark.parametrize(
    "document, expected",
    [
        # the needle after a `>` inside a quoted value: the tag's end is not its first `>`
        (b'<a id=q1 title="x>y" rel="zzzz">t</a>', ["q1"]),
        (b"<a id=q2 title='>' rel=zzzz>t</a>", ["q2"]),
        # a character reference spells the needle
        (b'<a id=r1 rel="&#122;zzz">t</a>', ["r1"]),
        (b'<a id=r2 rel="zz&#x7a;z">t</a>', ["r2"]),
        (b'<a id=r3 href="?a=1&amp;b=2" rel=zz&#x7a;z>t</a>', ["r3"]),
        # `&amp;` (common in URLs) decodes to `&` alone: the needle is in the bytes or absent
        (b'<a id=m1 href="/x?a=1&amp;b=2" rel="zzzz">t</a>', ["m1"]),
        (b"<a id=m2 href='?a&AMP;b' rel=zzzz>t</a>", ["m2"]),
        (b'<a id=m3 rel="&amp;#122;zzz">t</a><a id=m4 rel="zz&amp;zz" href=?a&amp;b>t</a>', []),
        # upper case, other attributes around it, a self-closing slash
        (b'<A ID=u1 Class=x REL="ZZZZ"/>', ["u1"]),
        # the needle where the rule does not look: seen by the filter, refused by the rule
        (b'<a id=n1 title="zzzz" rel=other>t</a><a id=n2 rel=zzzz>t</a>', ["n2"]),
        # tags that cannot match, and an unfinished tag at the end of the document
        (b'<a id=x1 rel="yyyy">t</a><a id=x2>t</a><abbr rel=zzzz>t</abbr><a id=x3 rel="zz', []),
    ],
)
def test_attribute_needles_in_the_candidate_regex_keep_every_match(
    document: bytes, expected: list[str]
) -> None:
    """Finding P2: `a[rel=zzzz]` rules out `<a>` tags inside the regex; never a real match."""
    assert matched('a[rel="zzzz"]', document) == expected
    found: list[str] = []
    rewriter = Rewriter().on(
        'a[rel="zzzz"]', element=lambda el: found.append(el.get_attribute("id") or "")
    )
    for size in (1, 2, 5, 7):
        found.clear()
        chunks = [document[i : i + size] for i in range(0, len(document), size)]
        assert b"".join(rewriter.transform(chunks)) == document
        assert found == expected


def test_attribute_needles_leave_state_switching_tags_to_the_tokenizer() -> None:
    """A needle rule on `script` must not hide a script start: its content stays script."""
    found: list[str] = []
    rewriter = Rewriter().on("script[src*=zzzz]", element=lambda el: found.append("script"))
    rewriter.on("a", element=lambda el: found.append(el.get_attribute("id") or ""))
    document = b'<script src=x.js>"<a id=in>"</script><a id=out>'
    assert b"".join(rewriter.transform([document])) == document
    assert found == ["out"]


def test_a_needle_holding_an_ampersand_is_found_through_amp_references() -> None:
    """`&amp;` may spell a needle's own `&`: such tags stay candidates."""
    document = b'<a id=n1 rel="x&amp;y">t</a><a id=n2 rel="x&#38;y">t</a><a id=n3 rel="xy">t</a>'
    assert matched('a[rel="x&y"]', document) == ["n1", "n2"]


def test_tags_with_only_amp_references_and_no_needle_stay_in_the_regex() -> None:
    """The candidate regex rules out `<a>` tags whose only references are `&amp;`."""
    names = frozenset((b"a",))
    candidate, _ = candidate_patterns(names, frozenset(), filters=((b"a", (b"zzzz",)),))
    assert candidate.search(b'<a href="/x?a=1&amp;b=2" rel=yy>') is None
    assert candidate.search(b"<a href=/x?a=1&amp;b=2>") is None
    for kept in (b'<a href="?a&amp;b" rel=zzzz>', b'<a href="?a&#38;b">', b'<a rel="&#122;">'):
        assert candidate.search(kept) is not None
    ampersand, _ = candidate_patterns(names, frozenset(), filters=((b"a", (b"x&y",)),))
    assert ampersand.search(b'<a href="/x?a=1&amp;b=2" rel=yy>') is not None
