"""Property tests: CSP merging never loosens a policy; no path can change the upstream host."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from edgeviews.proxy.csp import ScriptSources, merge_policy
from edgeviews.proxy.routes import parse_upstream
from edgeviews.proxy.target import UnsafeTarget, check_path, upstream_url

SOURCES = st.sampled_from(
    [
        "'self'",
        "'unsafe-inline'",
        "'unsafe-eval'",
        "'strict-dynamic'",
        "'none'",
        "*",
        "'nonce-abc'",
        "'sha256-xyz='",
        "https://cdn.example",
        "data:",
        "'report-sample'",
    ]
)
DIRECTIVES = st.sampled_from(
    ["default-src", "script-src", "script-src-elem", "img-src", "style-src", "object-src"]
)
POLICIES = st.lists(st.tuples(DIRECTIVES, st.lists(SOURCES, max_size=4)), max_size=5).map(
    lambda ds: "; ".join(" ".join([name, *sources]) for name, sources in ds)
)
WANTED = ScriptSources(hashes=("'sha256-ours='",), hosts=("https://www.googletagmanager.com",))


def parse(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            out.setdefault(tokens[0], tokens[1:])
    return out


@settings(max_examples=120, deadline=None)
@given(POLICIES)
def test_merge_only_adds_to_the_script_directive(policy: str) -> None:
    before, after = parse(policy), parse(merge_policy(policy, WANTED, nonce="n"))
    governing = next(
        (n for n in ("script-src-elem", "script-src", "default-src") if n in before), None
    )
    for name, sources in before.items():
        if name == governing and name != "default-src" and after[name] != sources:
            kept = [s for s in sources if s != "'none'"]
            assert after[name][: len(kept)] == kept, "existing sources stay, in order"
            assert set(after[name][len(kept) :]) <= {
                "'sha256-ours='",
                "https://www.googletagmanager.com",
                "'nonce-n'",
            }
        else:
            assert after[name] == sources, "other directives are never changed"
    assert set(after) - set(before) <= {"script-src"}


@settings(max_examples=120, deadline=None)
@given(POLICIES)
def test_a_policy_relying_on_unsafe_inline_never_gets_a_hash(policy: str) -> None:
    after = parse(merge_policy(policy, WANTED, nonce="n"))
    governing = next(
        (after[n] for n in ("script-src-elem", "script-src", "default-src") if n in after), None
    )
    before = parse(policy)
    original = next(
        (before[n] for n in ("script-src-elem", "script-src", "default-src") if n in before), None
    )
    if (
        original is not None
        and "'unsafe-inline'" in original
        and not any(s.startswith(("'nonce-", "'sha")) or s == "'strict-dynamic'" for s in original)
    ):
        assert governing is not None and "'sha256-ours='" not in governing


PATH_CHARS = st.sampled_from(
    [
        *(string.ascii_letters + string.digits + "/.%@:?#\\-_~!$&'()*+,;="),
        "%2e",
        "%2F",
        "//",
        "..",
        "%5c",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PATH_CHARS, max_size=20).map("".join), st.binary(max_size=20))
def test_no_path_or_query_changes_the_host(path: str, query: bytes) -> None:
    upstream = parse_upstream("https://example.framer.app:8443/base")
    raw = ("/" + path).encode()
    try:
        check_path("", raw)
    except UnsafeTarget:
        return
    url = upstream_url(upstream, raw, query.replace(b"#", b""))
    assert (url.scheme, url.host, url.port) == ("https", "example.framer.app", 8443)
    assert url.raw_path.startswith(b"/base/")
