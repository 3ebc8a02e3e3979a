"""Weak ETags for rewritten pages, and If-None-Match translated back for the upstream."""

from __future__ import annotations

from edgeviews.proxy.etags import upstream_if_none_match, weak_etag


def test_weak_etag_covers_snippets_and_round_trips() -> None:
    strong = weak_etag(b'"abc"', "0123abcd")
    weak = weak_etag(b'W/"abc"', "0123abcd")
    assert strong is not None and strong.startswith(b'W/"') and strong != weak
    assert weak_etag(b'"abc"', "ffffffff") != strong
    assert upstream_if_none_match(strong, "0123abcd") == b'"abc"'
    assert weak is not None and upstream_if_none_match(weak, "0123abcd") == b'W/"abc"'


def test_tags_for_other_snippets_are_dropped_others_kept() -> None:
    stale = weak_etag(b'"abc"', "00000000")
    assert stale is not None
    assert upstream_if_none_match(stale, "11111111") is None
    assert upstream_if_none_match(stale + b', "other", *', "11111111") == b'"other", *'


def test_invalid_upstream_etag_is_dropped() -> None:
    assert weak_etag(b"no-quotes", "0123abcd") is None
