"""CSP merging: injected scripts allowed, nothing else loosened, 'unsafe-inline' kept working."""

from __future__ import annotations

import base64
import hashlib

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from edgeviews.proxy.csp import (
    NONCE_PLACEHOLDER,
    ScriptSources,
    merge_policy,
    merge_policy_list,
    needs_nonce,
    script_hash,
    scripts_of,
    with_nonce_placeholder,
)

SNIPPET = (
    '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>\n'
    "<script>window.dataLayer = window.dataLayer || [];\r\ngtag('config', 'G-1');</script>"
    '<script type="module" src="//cdn.example.net/x.js"></script>'
)
WANTED = scripts_of(SNIPPET)
HASH = WANTED.hashes[0]


def directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            out.setdefault(tokens[0], tokens[1:])
    return out


def test_scripts_of_finds_inline_hash_and_external_hosts() -> None:
    inline = [n.text() for n in HTMLParser(SNIPPET).css("script") if not n.attributes.get("src")]
    assert len(inline) == 1
    # The browser hashes the text after newline normalisation (CRLF -> LF).
    digest = hashlib.sha256(inline[0].replace("\r\n", "\n").encode()).digest()
    assert WANTED.hashes == ("'sha256-" + base64.b64encode(digest).decode() + "'",)
    assert WANTED.hosts == ("https://www.googletagmanager.com", "cdn.example.net")


def test_script_hash_normalises_newlines() -> None:
    assert script_hash("a\r\nb\rc") == script_hash("a\nb\nc")


def test_strict_script_src_gets_hash_and_hosts() -> None:
    merged = directives(merge_policy("script-src 'self'; img-src 'self'", WANTED))
    assert merged["script-src"] == [
        "'self'",
        HASH,
        "https://www.googletagmanager.com",
        "cdn.example.net",
    ]
    assert merged["img-src"] == ["'self'"]


def test_unsafe_inline_policy_gets_no_hash() -> None:
    # A hash would switch 'unsafe-inline' off and break the page's own inline scripts (trap 14).
    merged = directives(merge_policy("script-src 'self' 'unsafe-inline'", WANTED))
    assert "'unsafe-inline'" in merged["script-src"]
    assert not any(s.startswith("'sha256-") for s in merged["script-src"])
    assert "https://www.googletagmanager.com" in merged["script-src"]


def test_unsafe_inline_already_disabled_by_a_nonce_gets_the_hash() -> None:
    merged = directives(merge_policy("script-src 'nonce-abc' 'unsafe-inline'", WANTED))
    assert HASH in merged["script-src"]


def test_default_src_only_gets_a_script_src_copy_not_a_looser_default() -> None:
    policy = "default-src 'self'; img-src *"
    merged = directives(merge_policy(policy, WANTED))
    assert merged["default-src"] == ["'self'"]
    assert merged["script-src"][:2] == ["'self'", HASH]


def test_strict_dynamic_ignores_hosts_so_none_are_added() -> None:
    merged = directives(merge_policy("script-src 'strict-dynamic' 'nonce-r4nd0m'", WANTED))
    assert merged["script-src"] == ["'strict-dynamic'", "'nonce-r4nd0m'", HASH]


def test_none_is_replaced_by_the_sources() -> None:
    merged = directives(merge_policy("script-src 'none'", ScriptSources(hashes=(HASH,))))
    assert merged["script-src"] == [HASH]


def test_script_src_elem_is_the_directive_changed() -> None:
    merged = directives(merge_policy("script-src 'self'; script-src-elem 'self'", WANTED))
    assert merged["script-src"] == ["'self'"]
    assert HASH in merged["script-src-elem"]


@pytest.mark.parametrize("policy", ["img-src *", "script-src *; object-src 'none'", ""])
def test_policies_that_do_not_restrict_our_scripts_are_unchanged(policy: str) -> None:
    assert merge_policy(policy, ScriptSources(hosts=("https://a.example",))) == policy


def test_several_policies_in_one_header_are_each_merged() -> None:
    merged = merge_policy_list("script-src 'self', img-src 'self'", WANTED)
    first, second = merged.split(", ")
    assert HASH in directives(first)["script-src"]
    assert second == "img-src 'self'"


def test_nothing_wanted_leaves_policy_as_is() -> None:
    assert merge_policy("script-src 'self'", ScriptSources()) == "script-src 'self'"


def test_strict_dynamic_gets_the_response_nonce_for_external_scripts() -> None:
    merged = directives(
        merge_policy("script-src 'strict-dynamic' 'sha256-abc='", WANTED, nonce="n0nce")
    )
    assert merged["script-src"] == ["'strict-dynamic'", "'sha256-abc='", HASH, "'nonce-n0nce'"]
    # Without strict-dynamic the hosts do the job and no nonce is added.
    assert "'nonce-n0nce'" not in merge_policy("script-src 'self'", WANTED, nonce="n0nce")


def test_nonce_placeholder_only_on_external_scripts() -> None:
    templated = with_nonce_placeholder(SNIPPET)
    assert templated.count(NONCE_PLACEHOLDER) == 2
    assert "<script>window.dataLayer" in templated
    assert needs_nonce("script-src 'strict-dynamic'", WANTED)
    assert not needs_nonce("script-src 'strict-dynamic'", ScriptSources(hashes=(HASH,)))
