"""The runtime's escaping and Markup against MarkupSafe itself."""

from __future__ import annotations

import markupsafe
import pytest

from edgeviews.compiler import runtime

SAMPLES = ["", "plain", "<a href='x'>&\"</a>", "O'Brien & <Sons>", "ünïcødé <>", "&amp;"]


class HasHtml:
    def __html__(self) -> str:
        return "<b>safe</b>"


@pytest.mark.parametrize("value", [*SAMPLES, 42, 1.5, None, HasHtml(), markupsafe.Markup("<i>")])
def test_escape_equals_markupsafe(value: object) -> None:
    assert str(runtime.escape(value)) == str(markupsafe.escape(value))
    assert runtime.to_html(value) == str(markupsafe.escape(value))


@pytest.mark.parametrize("value", SAMPLES)
def test_markup_operations_escape_the_other_operand(value: str) -> None:
    ours, theirs = runtime.Markup("<p>%s</p>"), markupsafe.Markup("<p>%s</p>")
    assert str(ours % value) == str(theirs % value)
    assert str(ours + value) == str(theirs + value)
    assert str(value + ours) == str(value + theirs)
    assert str(ours.join([value, value])) == str(theirs.join([value, value]))
    assert str(runtime.Markup("{0}").format(value)) == str(markupsafe.Markup("{0}").format(value))
    assert repr(runtime.Markup(value)) == repr(markupsafe.Markup(value))


def test_striptags_and_unescape_match() -> None:
    text = "Main &raquo;\t<em>About</em> <!-- c --> x"
    assert runtime.Markup(text).striptags() == markupsafe.Markup(text).striptags()
    assert runtime.Markup(text).unescape() == markupsafe.Markup(text).unescape()
