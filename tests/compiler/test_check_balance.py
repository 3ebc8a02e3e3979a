"""check_balance: a snippet must not change where the page's following content lands.

The verdict is lexbor's (a WHATWG parser, via selectolax); each case is also checked against
that oracle directly, so the test cannot pass by agreeing with itself.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from edgeviews.compiler.check import check_balance


def lands_outside(snippet: str) -> bool:
    """The oracle: parsed inside <body>, is the element written after the snippet a sibling?"""
    tree = LexborHTMLParser(f'<html><body><main id="page">{snippet}<i id="next"></i></main>')
    following = tree.css_first("#next")
    return (
        following is not None
        and following.parent is not None
        and following.parent.attributes.get("id") == "page"
    )


BALANCED = [
    "",
    "<div><p>x</p></div>",
    '<script async src="https://x/gtag.js?id=1"></script>\n<script>if (a </div> b) {}</script>',
    "<ul><li>one<li>two</ul>",  # optional end tags are legal and land where the browser implies
    "<img src=x><br><input type=checkbox checked>",
    "<svg viewBox='0 0 1 1'><path d='M0 0'/></svg>",
    "<!-- </div> --><style>.a > b { }</style>",
    "<table><tr><td>x</td></tr></table>",
]


@pytest.mark.parametrize("snippet", BALANCED)
def test_balanced_snippets_pass(snippet: str) -> None:
    assert lands_outside(snippet)
    assert check_balance(snippet) == []


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("<div>\n<b>x</b>", "<div> opened on line 1 is never closed"),
        ("<p>x</p>\n</div>", "</div> on line 2 closes nothing the snippet opened"),
        ("<div><span>x</div>", "<span> opened on line 1 is not closed before </div> on line 1"),
        ("<p>hi", "the browser leaves <p> open after the snippet"),
        ("<a href=/x>link", "<a> opened on line 1 is never closed"),
    ],
)
def test_unbalanced_snippets_fail_with_a_precise_message(snippet: str, message: str) -> None:
    problems = check_balance(snippet)
    assert any(message in problem for problem in problems), problems


def test_stray_end_tag_the_browser_ignores_alone_still_fails() -> None:
    # Alone, lexbor drops </span>; injected into a page inside a <span>, it closes the page's.
    assert lands_outside("<b>x</b></span>")
    assert check_balance("<b>x</b></span>") == [
        "</span> on line 1 closes nothing the snippet opened: injected into a page it would "
        "close the page's own <span>"
    ]


def test_tags_the_browser_drops_are_reported() -> None:
    assert check_balance("<tr><td>x</td></tr>") == [
        "the browser drops <td> here (not allowed in <body> at that place)",
        "the browser drops <tr> here (not allowed in <body> at that place)",
    ]
    assert "<body> has no place in a snippet" in check_balance("<body><p>x</p></body>")[0]


TAGS = st.sampled_from(["div", "span", "p", "b", "section", "a", "em"])


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.booleans(), TAGS), max_size=8))
def test_check_agrees_with_the_browser(tokens: list[tuple[bool, str]]) -> None:
    """Whenever lexbor would put following content inside the snippet, check fails."""
    snippet = "".join(f"<{tag}>x" if opening else f"</{tag}>" for opening, tag in tokens)
    if not lands_outside(snippet):
        assert check_balance(snippet), snippet
