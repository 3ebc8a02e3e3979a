"""Content-Security-Policy: let the injected scripts run without weakening the page's policy.

For each policy that restricts script elements (script-src-elem, else script-src, else
default-src) we add the sha256 hashes of our inline scripts and the hosts of our external
ones, to that directive only (a policy with only default-src gets a script-src copied from
it, so images, styles and frames stay as restricted as before). Trap 14 of notes/proxy.md: a
hash switches 'unsafe-inline' off, so where the policy relies on 'unsafe-inline' (no nonce,
no hash, no 'strict-dynamic') hashes are not added; the inline scripts already run there.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

_SCRIPT: Final = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_SRC: Final = re.compile(r"""(?:^|\s)src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SCRIPT_DIRECTIVES: Final = ("script-src-elem", "script-src", "default-src")


@dataclass(frozen=True, slots=True)
class ScriptSources:
    """What a set of injected snippets needs from a policy: inline hashes and external hosts."""

    hashes: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.hashes or self.hosts)

    def __add__(self, other: ScriptSources) -> ScriptSources:
        return ScriptSources(
            hashes=tuple(dict.fromkeys((*self.hashes, *other.hashes))),
            hosts=tuple(dict.fromkeys((*self.hosts, *other.hosts))),
        )


def script_hash(text: str) -> str:
    """The CSP hash source of an inline script's text, newlines normalised as a browser does."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(normalised.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def scripts_of(snippet_html: str) -> ScriptSources:
    """The hashes and hosts a rendered snippet's <script> elements need (computed once per view)."""
    hashes: list[str] = []
    hosts: list[str] = []
    for match in _SCRIPT.finditer(snippet_html):
        src = _SRC.search(match.group(1))
        if src is None:
            if match.group(2):
                hashes.append(script_hash(match.group(2)))
            continue
        url = next(group for group in src.groups() if group is not None).strip()
        parts = urlsplit(url)
        if parts.netloc:
            scheme = f"{parts.scheme.lower()}://" if parts.scheme else ""
            hosts.append(scheme + parts.netloc.lower())
    return ScriptSources(tuple(dict.fromkeys(hashes)), tuple(dict.fromkeys(hosts)))


def _directives(policy: str) -> list[tuple[str, list[str]]]:
    parsed: list[tuple[str, list[str]]] = []
    for directive in policy.split(";"):
        tokens = directive.split()
        if tokens:
            parsed.append((tokens[0].lower(), tokens[1:]))
    return parsed


def _additions(sources: list[str], wanted: ScriptSources, nonce: str | None) -> list[str]:
    lower = [source.lower() for source in sources]
    strict_dynamic = "'strict-dynamic'" in lower
    keyed = any(
        source.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-")) for source in lower
    )
    relies_on_unsafe_inline = "'unsafe-inline'" in lower and not keyed and not strict_dynamic
    add: list[str] = []
    if not relies_on_unsafe_inline:
        add.extend(h for h in wanted.hashes if h not in sources)
    if not strict_dynamic and "*" not in lower:
        add.extend(host for host in wanted.hosts if host.lower() not in lower)
    elif strict_dynamic and wanted.hosts and nonce is not None:
        # 'strict-dynamic' ignores host sources: only a nonce lets our external scripts load.
        add.append(f"'nonce-{nonce}'")
    return add


def merge_policy(policy: str, wanted: ScriptSources, nonce: str | None = None) -> str:
    """One serialized policy with the sources our scripts need added, or unchanged.

    `nonce` is this response's nonce for external scripts, used where 'strict-dynamic' is.
    """
    if not wanted:
        return policy
    return add_sources(
        policy, "script-src", _SCRIPT_DIRECTIVES, lambda sources: _additions(sources, wanted, nonce)
    )


def add_sources(
    policy: str,
    directive: str,
    fallbacks: tuple[str, ...],
    additions: Callable[[list[str]], list[str]],
) -> str:
    """One serialized policy with `additions(sources)` added where they take effect, or unchanged.

    The sources that govern are those of the first of `fallbacks` the policy sets (CSP's
    fallback order, e.g. script-src-elem, script-src, default-src); none set: nothing is
    restricted and the policy stays. Where default-src governs, a new `directive` copied from
    it gets the additions, so nothing else default-src governs is loosened. 'none' goes.
    """
    directives = _directives(policy)
    first: dict[str, list[str]] = {}
    for name, sources in directives:
        first.setdefault(name, sources)
    governing = next((name for name in fallbacks if name in first), None)
    if governing is None:
        return policy
    sources = first[governing]
    add = additions(sources)
    if not add:
        return policy
    merged = [*(s for s in sources if s.lower() != "'none'"), *add]
    if governing == "default-src":
        return policy.rstrip().rstrip(";") + f"; {directive} " + " ".join(merged)
    out: list[str] = []
    seen: set[str] = set()
    for name, directive_sources in directives:
        if name == governing and name not in seen:
            directive_sources = merged
        seen.add(name)
        out.append(" ".join([name, *directive_sources]))
    return "; ".join(out)


def merge_policy_list(value: str, wanted: ScriptSources, nonce: str | None = None) -> str:
    """A CSP header value, which may hold several comma-separated policies, each merged."""
    if "," not in value:
        return merge_policy(value, wanted, nonce)
    return ", ".join(merge_policy(policy.strip(), wanted, nonce) for policy in value.split(","))


def needs_nonce(value: str, wanted: ScriptSources) -> bool:
    """True when a policy in `value` uses 'strict-dynamic' and our snippets load external scripts."""
    return bool(wanted.hosts) and "'strict-dynamic'" in value.lower()


_EXTERNAL_SCRIPT_TAG: Final = re.compile(r"<script\b(?=[^>]*\ssrc\s*=)", re.I)
NONCE_PLACEHOLDER: Final = "\x00edgeviews-nonce\x00"


def with_nonce_placeholder(snippet_html: str) -> str:
    """The snippet with a nonce attribute (to fill per response) on each external <script>."""
    return _EXTERNAL_SCRIPT_TAG.sub(f'<script nonce="{NONCE_PLACEHOLDER}"', snippet_html)


def sources_of(snippets: Iterable[ScriptSources]) -> ScriptSources:
    total = ScriptSources()
    for item in snippets:
        total = total + item
    return total
